"""sitaware dashboard: the Dash web app; reads through geodata."""
