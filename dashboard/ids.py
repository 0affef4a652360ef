"""Component-ID constants, prefixed by page."""

from __future__ import annotations

HOME_LEVEL = "home-level"
HOME_LEVEL_TITLE = "home-level-title"
HOME_LEVEL_LABEL = "home-level-label"
HOME_LEVEL_NOTE = "home-level-note"
HOME_PROVINCE = "home-province"
HOME_PROVINCE_LABEL = "home-province-label"
HOME_MAP = "home-map"
HOME_COUNTS = "home-counts"
HOME_ATTRIBUTION = "home-attribution"
HOME_TIPS = "home-tips"
HOME_VENUES = "home-venues"
HOME_DEMO_BANNER = "home-demo-banner"
