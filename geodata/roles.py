"""Roles and what each may do: one declarative table, read by the app, the data layer and tests.

A *capability* names one thing a person may see or do. Every HTTP route and Dash callback
declares the capability it needs (see ``dashboard.auth.policy``); the data layer shapes tip
records by the viewer's capabilities, so what a role may not see never leaves the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Cap(StrEnum):
    """Capabilities. ``PUBLIC`` needs no login; every other one needs a signed-in role."""

    PUBLIC = "public"  # login page, static assets (CSS, fonts, map style)
    SIGNED_IN = "signed_in"  # the app shell, Dash bundles, logout
    MAP_VIEW = "map.view"  # admin areas, venues, lodging on the map
    TIPS_AGGREGATE = "tips.aggregate"  # counts and heat of tips, never records
    TIPS_RECORDS = "tips.records"  # tip records: time, category, place, status, grade
    TIPS_TEXT = "tips.text"  # the tip's free text
    TIPS_DETAIL = "tips.detail"  # one tip in full (audited)
    TIPS_INTAKE = "tips.intake"  # post new tips through the intake API
    COVERAGE = "coverage.plan"  # patrol coverage planning
    EXPORT = "reports.export"  # export reports and data files (audited)
    REVIEW = "review.edit"  # geocode review queue and quarantine fixes (audited)
    IMPORT = "etl.import"  # load agency files (audited)
    USERS_ADMIN = "users.admin"  # manage users and tokens (audited)
    AUDIT_READ = "audit.read"  # read the audit trail


ROLES = ("admin", "command", "planner", "field")

_FIELD = {Cap.SIGNED_IN, Cap.MAP_VIEW, Cap.TIPS_AGGREGATE}
_PLANNER = _FIELD | {Cap.TIPS_RECORDS, Cap.COVERAGE, Cap.EXPORT}
_COMMAND = _PLANNER | {Cap.TIPS_TEXT, Cap.TIPS_DETAIL, Cap.TIPS_INTAKE}
_ADMIN = _COMMAND | {Cap.REVIEW, Cap.IMPORT, Cap.USERS_ADMIN, Cap.AUDIT_READ}

#: role → capabilities. PUBLIC is implied for everyone, signed in or not.
ROLE_CAPABILITIES: dict[str, frozenset[Cap]] = {
    "field": frozenset(_FIELD),
    "planner": frozenset(_PLANNER),
    "command": frozenset(_COMMAND),
    "admin": frozenset(_ADMIN),
}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in user (or API token) with a role, or anonymous."""

    username: str | None = None
    role: str | None = None
    user_id: int | None = None
    client_ip: str | None = None
    via_token: bool = False
    must_change_password: bool = False
    capabilities: frozenset[Cap] = field(default_factory=frozenset)

    @classmethod
    def for_role(
        cls,
        username: str,
        role: str,
        *,
        user_id: int | None = None,
        client_ip: str | None = None,
        via_token: bool = False,
        must_change_password: bool = False,
    ) -> Viewer:
        """A viewer with the capabilities of ``role`` (unknown roles get none)."""
        return cls(
            username=username,
            role=role,
            user_id=user_id,
            client_ip=client_ip,
            via_token=via_token,
            must_change_password=must_change_password,
            capabilities=ROLE_CAPABILITIES.get(role, frozenset()),
        )

    @property
    def signed_in(self) -> bool:
        """True for a user or token, False for anonymous."""
        return self.role is not None

    def can(self, cap: Cap) -> bool:
        """True when this viewer holds ``cap`` (PUBLIC is held by everyone)."""
        return cap == Cap.PUBLIC or cap in self.capabilities


ANONYMOUS = Viewer()
