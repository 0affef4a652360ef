"""sitaware data layer: the only package that talks to PostGIS and owns the schema."""
