"""sitaware ETL: read agency files, validate, geocode and load through geodata."""
