"""Component-ID constants, prefixed by page."""

from __future__ import annotations

HOME_LEVEL = "home-level"
HOME_PROVINCE = "home-province"
HOME_MAP = "home-map"
HOME_COUNTS = "home-counts"
HOME_ATTRIBUTION = "home-attribution"
