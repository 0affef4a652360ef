"""Headless Debian Chromium through Playwright, with every non-loopback request blocked and
recorded, and a folder for the screenshots people look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class NetworkLog:
    """Requests the page made, split by whether they stayed on this machine."""

    local: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def record(self, url: str) -> bool:
        """Record ``url``; True when it may proceed (loopback, data: or blob:)."""
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in LOOPBACK:
            self.local.append(url)
            return True
        self.external.append(url)
        return False
