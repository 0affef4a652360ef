"""The offline Thai geocoder: coordinates, addresses and place mentions → points."""
