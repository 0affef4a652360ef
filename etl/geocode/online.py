"""Optional online geocoding through a Nominatim server (geopy), for what the offline gazetteer
cannot place. Off by default: it exists only when ``SITAWARE_GEOCODE_ONLINE_URL`` names a
server (an agency's own Nominatim, typically), and nothing here opens a socket otherwise.
"""

from __future__ import annotations

import logging
from urllib.parse import urlparse

from geodata.settings import Settings

log = logging.getLogger(__name__)


class OnlineGeocoder:
    """A Nominatim client limited to Thailand."""

    def __init__(self, url: str, user_agent: str, timeout: float = 5.0) -> None:
        from geopy.geocoders import Nominatim

        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"geocode_online_url must be an http(s) URL, not {url!r}")
        self.url = url
        self._client = Nominatim(
            domain=parsed.netloc + parsed.path.rstrip("/"),
            scheme=parsed.scheme,
            user_agent=user_agent,
            timeout=timeout,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OnlineGeocoder | None:
        """The configured client, or None (the default: offline only)."""
        if not settings.geocode_online_url:
            return None
        return cls(settings.geocode_online_url, settings.geocode_online_user_agent)

    def geocode(self, query: str) -> tuple[float, float] | None:
        """(lon, lat) of the best hit in Thailand, or None (also when the server fails)."""
        from geopy.exc import GeopyError

        try:
            hit = self._client.geocode(query, country_codes="th", exactly_one=True)
        except GeopyError as exc:
            log.warning("online geocoder failed: %s", exc.__class__.__name__)
            return None
        if hit is None:
            return None
        return float(hit.longitude), float(hit.latitude)
