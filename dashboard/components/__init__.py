"""Pure layout and figure builders."""
