"""REST API for scripts and other agencies' systems (token or session authenticated)."""
