"""The audit trail: append-only records of who did what, to which objects, from where.

``record`` fails closed: when the row cannot be written it raises AuditError, and callers
must then refuse the sensitive action.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from geodata.db import Bind, begin, connect
from geodata.errors import SitawareError
from geodata.roles import Viewer


class AuditError(SitawareError):
    """The audit row could not be written; the action it records must not proceed."""


# Actions sitaware records (the names are a contract with docs/security.md and the tests).
ACTIONS = frozenset(
    {
        "login.ok",
        "login.failed",
        "login.locked",
        "login.rate_limited",
        "logout",
        "session.expired",
        "access.denied",
        "tip.list",
        "tip.view",
        "tip.create",
        "export",
        "edit",
        "import",
        "user.add",
        "user.set_role",
        "user.disable",
        "user.reset_password",
        "password.change",
        "token.create",
        "token.revoke",
        "geocode.review",
        "report.area",
    }
)


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit trail."""

    id: int
    at: dt.datetime
    username: str | None
    role: str | None
    action: str
    object_type: str | None
    object_ids: list[str] | None
    area: str | None
    outcome: str
    client_ip: str | None
    detail: dict[str, Any] | None


def record(
    bind: Bind,
    action: str,
    *,
    viewer: Viewer | None = None,
    username: str | None = None,
    role: str | None = None,
    outcome: str = "ok",
    object_type: str | None = None,
    object_ids: Sequence[object] | None = None,
    area: str | None = None,
    client_ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit row (committed on its own when ``bind`` is an Engine).

    Raises AuditError when the row cannot be written (fail closed).
    """
    if action not in ACTIONS:
        raise AuditError(f"unknown audit action {action!r}")
    if viewer is not None:
        username = username or viewer.username
        role = role or viewer.role
        client_ip = client_ip or viewer.client_ip
    try:
        with begin(bind) as conn:
            conn.execute(
                text(
                    """
                    INSERT INTO audit_event (username, role, action, object_type, object_ids,
                                             area, outcome, client_ip, detail)
                    VALUES (:username, :role, :action, :object_type, :object_ids, :area,
                            :outcome, CAST(:client_ip AS inet), CAST(:detail AS jsonb))
                    """
                ),
                {
                    "username": username,
                    "role": role,
                    "action": action,
                    "object_type": object_type,
                    "object_ids": [str(o) for o in object_ids] if object_ids is not None else None,
                    "area": area,
                    "outcome": outcome,
                    "client_ip": client_ip,
                    "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
                },
            )
    except SQLAlchemyError as exc:
        raise AuditError(
            f"audit trail unavailable, {action} refused: {exc.__class__.__name__}"
        ) from exc


_EVENTS_WHERE = """
    SELECT id, at, username, role, action, object_type, object_ids, area, outcome,
           host(client_ip) AS client_ip, detail
    FROM audit_event
    WHERE (CAST(:since AS timestamptz) IS NULL OR at >= :since)
      AND (CAST(:username AS text) IS NULL OR username = :username)
"""
_EVENTS_OLDEST = _EVENTS_WHERE + " ORDER BY id ASC LIMIT CAST(:limit AS bigint)"
_EVENTS_NEWEST = _EVENTS_WHERE + " ORDER BY id DESC LIMIT CAST(:limit AS bigint)"


def events(
    bind: Bind,
    *,
    since: dt.datetime | None = None,
    username: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[AuditEvent]:
    """Audit rows, oldest first (or newest first), optionally since a time / for one user."""
    with connect(bind) as conn:
        rows = conn.execute(
            text(_EVENTS_NEWEST if newest_first else _EVENTS_OLDEST),
            {"since": since, "username": username, "limit": None if limit is None else int(limit)},
        ).all()
    return [AuditEvent(*r) for r in rows]


def failed_logins_from(bind: Bind, client_ip: str, window_minutes: float) -> int:
    """Failed sign-ins from ``client_ip`` within the last ``window_minutes``."""
    with connect(bind) as conn:
        n = conn.execute(
            text(
                "SELECT count(*) FROM audit_event WHERE action = 'login.failed'"
                " AND client_ip = CAST(:ip AS inet)"
                " AND at > now() - make_interval(secs => :secs)"
            ),
            {"ip": client_ip, "secs": float(window_minutes) * 60},
        ).scalar_one()
    return int(n)
