"""Whether the suite runs under CI, where nothing may be skipped."""

from __future__ import annotations

import os


def ci_mode() -> bool:
    """True when running under CI (CI=true or CI=1)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
