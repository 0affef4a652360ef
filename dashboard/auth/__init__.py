"""Authentication and authorization: one guard for every HTTP route and Dash callback."""
