"""Thai reference data: admin areas and gazetteer, from pinned registry packages."""
