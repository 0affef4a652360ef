"""sitaware dashboard: the Dash web app; reads through geodata."""

__version__ = "0.1.0"  # Dash logs it when it serves dashboard/vendor/ files
