"""Geofence alerts: new tips of serious categories close to sensitive venues.

A rule (``Settings.geofence_rules``, env ``SITAWARE_GEOFENCE_RULES`` as JSON) is::

    {"name": "drugs-violence-suspect",          # short id, shown with the alert
     "categories": ["ยาเสพติด*", "drug*"],        # patterns: * = any run of characters,
                                                # case-insensitive, against the whole tip
                                                # category or any of its comma-separated labels
     "min_sensitivity": 4,                      # venues of this sensitivity (1–5) or more
     "distance_m": 300,                         # within this many metres (10–5000)
     "priority": "high"}                        # critical | high | medium | low

Rules are tried in order; the first that matches a tip gives the alert its priority and its
venue (the nearest one satisfying that rule). Only tips located to a point or a street are
considered: a tip placed at a subdistrict's centre is near nothing in particular.

A live page keeps a cursor: ``cursor = latest_tip_id(...)`` when it opens, then on each tick
``latest = latest_tip_id(...)``, ``new_alerts(..., after_id=cursor)``, ``cursor = latest``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geodata.areas import MAX_RADIUS_M, MIN_RADIUS_M, box_deg
from geodata.db import Bind, connect
from geodata.errors import ForbiddenError, SitawareError
from geodata.queries import sql
from geodata.roles import Cap, Viewer
from geodata.settings import Settings, get_settings

PRIORITIES = ("critical", "high", "medium", "low")
MAX_RULES = 20
MAX_PATTERNS = 50
MAX_LIMIT = 100
#: a live feed, not a search: at most this many of the newest tips after the cursor are examined
SCAN_TIPS = 10_000
_RULE_KEYS = frozenset({"name", "categories", "min_sensitivity", "distance_m", "priority"})


class GeofenceRuleError(SitawareError, ValueError):
    """A geofence rule in the settings is malformed; the message names the rule and the field."""


@dataclass(frozen=True)
class Rule:
    """One checked geofence rule."""

    name: str
    categories: tuple[str, ...]
    min_sensitivity: int
    distance_m: float
    priority: str

    def like_patterns(self) -> list[str]:
        """The category patterns as ILIKE patterns (``*`` → ``%``; ``%``, ``_``, ``\\``
        escaped)."""
        out = []
        for p in self.categories:
            escaped = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            out.append(escaped.replace("*", "%"))
        return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_rules(raw: Sequence[Mapping[str, Any]]) -> list[Rule]:
    """Check the configured rules; GeofenceRuleError names the first problem found."""
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise GeofenceRuleError("geofence_rules must be a JSON list of rules")
    if len(raw) > MAX_RULES:
        raise GeofenceRuleError(f"at most {MAX_RULES} geofence rules, not {len(raw)}")
    rules: list[Rule] = []
    for i, r in enumerate(raw):
        where = f"geofence rule {i + 1}"
        if not isinstance(r, Mapping):
            raise GeofenceRuleError(f"{where} must be an object with {sorted(_RULE_KEYS)}")
        extra = set(r) - _RULE_KEYS
        missing = _RULE_KEYS - set(r) - {"name"}
        if extra or missing:
            raise GeofenceRuleError(
                f"{where}: unknown keys {sorted(extra)}"
                if extra
                else f"{where}: missing {sorted(missing)}"
            )
        name = r.get("name", f"rule-{i + 1}")
        if not isinstance(name, str) or not 0 < len(name) <= 40:
            raise GeofenceRuleError(f"{where}: name must be 1–40 characters")
        where = f"geofence rule {i + 1} ({name})"
        cats = r["categories"]
        if (
            isinstance(cats, str)
            or not isinstance(cats, Sequence)
            or not 0 < len(cats) <= MAX_PATTERNS
            or not all(isinstance(c, str) and 0 < len(c.strip()) <= 64 for c in cats)
        ):
            raise GeofenceRuleError(
                f"{where}: categories must be a list of 1–{MAX_PATTERNS} patterns of 1–64 "
                'characters (e.g. ["ยาเสพติด*"])'
            )
        if any(c.strip().strip("*") == "" for c in cats):
            raise GeofenceRuleError(f"{where}: a pattern of only '*' would match every tip")
        sens = r["min_sensitivity"]
        if not isinstance(sens, int) or isinstance(sens, bool) or not 1 <= sens <= 5:
            raise GeofenceRuleError(f"{where}: min_sensitivity must be a whole number 1–5")
        dist = r["distance_m"]
        if not _is_number(dist) or not MIN_RADIUS_M <= dist <= MAX_RADIUS_M:
            raise GeofenceRuleError(
                f"{where}: distance_m must be {MIN_RADIUS_M}–{MAX_RADIUS_M} metres"
            )
        prio = r["priority"]
        if prio not in PRIORITIES:
            raise GeofenceRuleError(f"{where}: priority must be one of {', '.join(PRIORITIES)}")
        rules.append(Rule(name, tuple(c.strip() for c in cats), int(sens), float(dist), str(prio)))
    return rules


def rules(settings: Settings | None = None) -> list[Rule]:
    """The configured geofence rules, checked (GeofenceRuleError when malformed)."""
    return parse_rules((settings or get_settings()).geofence_rules)


def _require(viewer: Viewer, cap: Cap) -> None:
    if not viewer.can(cap):
        raise ForbiddenError(f"role {viewer.role or 'anonymous'} lacks {cap.value}")


def latest_tip_id(bind: Bind, viewer: Viewer) -> int:
    """The newest tip id (0 when there is none): where a live alert feed starts. Needs
    ``tips.aggregate``."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    with connect(bind) as conn:
        return int(conn.execute(sql("tip_latest_id")).scalar_one())


def new_alerts(
    bind: Bind,
    viewer: Viewer,
    *,
    after_id: int,
    since: dt.datetime | None = None,
    limit: int = 20,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """Tips with id > ``after_id`` (reported since ``since``, if given) that match a geofence
    rule, newest first, at most ``limit`` (1–100). Each alert::

        {"tip_id": int | None,          # None unless the viewer holds tips.records
         "reported_at": datetime, "category": str, "geo_precision": "point" | "street",
         "rule": str, "priority": "critical" | "high" | "medium" | "low",
         "venue": {"id": int, "name_th": str | None, "name_en": str | None,
                   "category": str, "sensitivity": int},
         "metres": float}               # tip to venue, on the sphere

    Never the tip's text or reporter. At most the newest 10,000 tips after ``after_id`` are
    examined. Needs ``tips.aggregate``; GeofenceRuleError when the configured rules are
    malformed.
    """
    _require(viewer, Cap.TIPS_AGGREGATE)
    checked = rules(settings)
    if not checked:
        return []
    payload = [
        {
            "rule_no": n,
            "name": r.name,
            "patterns": r.like_patterns(),
            "min_sensitivity": r.min_sensitivity,
            "distance_m": r.distance_m,
            "deg": box_deg(r.distance_m),
            "priority": r.priority,
        }
        for n, r in enumerate(checked)
    ]
    with_ids = viewer.can(Cap.TIPS_RECORDS)
    with connect(bind) as conn:
        rows = conn.execute(
            sql("alerts_new"),
            {
                "rules": json.dumps(payload, ensure_ascii=False),
                "after_id": max(0, int(after_id)),
                "since": since,
                "scan": SCAN_TIPS,
                "limit": max(1, min(int(limit), MAX_LIMIT)),
            },
        ).all()
    return [
        {
            "tip_id": int(r.tip_id) if with_ids else None,
            "reported_at": r.reported_at,
            "category": r.category,
            "geo_precision": r.geo_precision,
            "rule": r.rule,
            "priority": r.priority,
            "venue": {
                "id": int(r.venue_id),
                "name_th": r.name_th,
                "name_en": r.name_en,
                "category": r.venue_category,
                "sensitivity": int(r.sensitivity),
            },
            "metres": round(float(r.metres), 1),
        }
        for r in rows
    ]
