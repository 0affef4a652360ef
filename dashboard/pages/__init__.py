"""Dashboard pages: each module registers itself and owns its callbacks."""
