"""Users, passwords (argon2id), account locks, server-side sessions and API tokens.

Secrets never reach the database in clear: passwords are argon2id hashes; session ids and
API tokens are random 256-bit values of which only the SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, select, text, update

from geodata.db import Bind, begin, connect
from geodata.errors import SitawareError
from geodata.models import AppUser
from geodata.roles import ROLES, Viewer
from geodata.settings import Settings

_HASHER = PasswordHasher()  # argon2id, library defaults (RFC 9106 second recommendation)
# A hash of a random password, verified against when the user does not exist, so that
# "no such user" and "wrong password" take the same time.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "sat_"  # noqa: S105 - a marker that makes leaked tokens greppable, not a secret


class AccountError(SitawareError):
    """A user or token operation was refused; the message says why."""


class LoginResult(StrEnum):
    """Outcome of a sign-in attempt."""

    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"  # locked now, by this failure or an earlier one
    DISABLED = "disabled"


@dataclass(frozen=True)
class User:
    """A user without secrets."""

    id: int
    username: str
    role: str
    disabled: bool
    failed_logins: int
    locked_until: dt.datetime | None
    language: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sha256_hex(secret: str) -> str:
    """SHA-256 of a high-entropy secret (session id, API token), hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def generate_password() -> str:
    """A random one-time password (~120 bits)."""
    return secrets.token_urlsafe(15)


def _user_from_row(row: object) -> User:
    r = row._mapping  # type: ignore[attr-defined]
    return User(
        r["id"],
        r["username"],
        r["role"],
        r["disabled"],
        r["failed_logins"],
        r["locked_until"],
        r["language"],
    )


_USER_COLS = (
    AppUser.id,
    AppUser.username,
    AppUser.role,
    AppUser.disabled,
    AppUser.failed_logins,
    AppUser.locked_until,
    AppUser.language,
)


def get_user(bind: Bind, username: str) -> User | None:
    """The user called ``username``, or None."""
    with connect(bind) as conn:
        row = conn.execute(select(*_USER_COLS).where(AppUser.username == username)).first()
    return _user_from_row(row) if row is not None else None


def set_language(bind: Bind, username: str, language: str) -> None:
    """Remember the language ``username`` reads sitaware in ('th' or 'en')."""
    if language not in ("th", "en"):
        raise AccountError(f"language must be 'th' or 'en', not {language!r}")
    with begin(bind) as conn:
        conn.execute(update(AppUser).where(AppUser.username == username).values(language=language))


def list_users(bind: Bind) -> list[User]:
    """Every user, by name."""
    with connect(bind) as conn:
        rows = conn.execute(select(*_USER_COLS).order_by(AppUser.username)).all()
    return [_user_from_row(r) for r in rows]


def add_user(
    bind: Bind, username: str, role: str, password: str, *, must_change_password: bool = False
) -> User:
    """Create a user; refuses a bad name, an unknown role, a weak password or a duplicate.
    ``must_change_password``: the password is one-time; the user must set their own first."""
    if not USERNAME_RE.match(username):
        raise AccountError("a username is 1-64 characters of A-Z a-z 0-9 _ . @ -")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    with begin(bind) as conn:
        exists = conn.execute(
            text("SELECT 1 FROM app_user WHERE username = :u"), {"u": username}
        ).first()
        if exists:
            raise AccountError(f"user {username!r} already exists")
        conn.execute(
            text(
                "INSERT INTO app_user (username, role, password_hash, password_changed_at,"
                " must_change_password) VALUES (:u, :r, :h, now(), :m)"
            ),
            {"u": username, "r": role, "h": _HASHER.hash(password), "m": must_change_password},
        )
    user = get_user(bind, username)
    assert user is not None
    return user


def _require(conn: Connection, username: str) -> int:
    row = conn.execute(text("SELECT id FROM app_user WHERE username = :u"), {"u": username}).first()
    if row is None:
        raise AccountError(f"no user {username!r}")
    return int(row[0])


def set_role(bind: Bind, username: str, role: str) -> None:
    """Change a user's role; their sessions end (capabilities changed)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with begin(bind) as conn:
        uid = _require(conn, username)
        conn.execute(text("UPDATE app_user SET role = :r WHERE id = :i"), {"r": role, "i": uid})
        _revoke_sessions(conn, uid)


def disable_user(bind: Bind, username: str) -> None:
    """Disable a user: no sign-in, sessions and tokens end."""
    with begin(bind) as conn:
        uid = _require(conn, username)
        conn.execute(text("UPDATE app_user SET disabled = true WHERE id = :i"), {"i": uid})
        _revoke_sessions(conn, uid)
        conn.execute(
            text(
                "UPDATE api_token SET revoked_at = now() WHERE user_id = :i AND revoked_at IS NULL"
            ),
            {"i": uid},
        )


def reset_password(bind: Bind, username: str, password: str) -> None:
    """Set a new password, clear the lock, end every session of the user."""
    check_password_strength(password)
    with begin(bind) as conn:
        uid = _require(conn, username)
        conn.execute(
            text(
                "UPDATE app_user SET password_hash = :h, password_changed_at = now(),"
                " failed_logins = 0, locked_until = NULL WHERE id = :i"
            ),
            {"h": _HASHER.hash(password), "i": uid},
        )
        _revoke_sessions(conn, uid)


def change_own_password(bind: Bind, username: str, current: str, new: str) -> bool:
    """A signed-in user sets their own password; False when ``current`` is wrong."""
    check_password_strength(new)
    if new == current:
        raise AccountError("the new password must differ from the current one")
    with begin(bind) as conn:
        row = conn.execute(
            select(AppUser.id, AppUser.password_hash)
            .where(AppUser.username == username)
            .with_for_update()
        ).first()
        if row is None or not _verify(row.password_hash, current):
            return False
        conn.execute(
            text(
                "UPDATE app_user SET password_hash = :h, password_changed_at = now(),"
                " must_change_password = false WHERE id = :i"
            ),
            {"h": _HASHER.hash(new), "i": row.id},
        )
    return True


def authenticate(
    bind: Bind, username: str, password: str, settings: Settings, *, now: dt.datetime | None = None
) -> tuple[LoginResult, User | None]:
    """Check a password. Counts failures and locks the account after
    ``settings.login_max_failures`` of them for ``settings.login_lock_minutes``."""
    now = now or _now()
    with begin(bind) as conn:
        row = conn.execute(
            select(*_USER_COLS, AppUser.password_hash)
            .where(AppUser.username == username)
            .with_for_update()
        ).first()
        if row is None:
            _verify(_DUMMY_HASH, password)
            return LoginResult.BAD_CREDENTIALS, None
        user = _user_from_row(row)
        if user.locked_until is not None and user.locked_until > now:
            return LoginResult.LOCKED, user
        if not _verify(row.password_hash, password):
            failures = user.failed_logins + 1
            locked = failures >= settings.login_max_failures
            conn.execute(
                text("UPDATE app_user SET failed_logins = :f, locked_until = :lu WHERE id = :i"),
                {
                    "f": 0 if locked else failures,
                    "lu": now + dt.timedelta(minutes=settings.login_lock_minutes)
                    if locked
                    else None,
                    "i": user.id,
                },
            )
            return (LoginResult.LOCKED if locked else LoginResult.BAD_CREDENTIALS), user
        if user.disabled:
            return LoginResult.DISABLED, user
        conn.execute(
            text("UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = :i"),
            {"i": user.id},
        )
        if _HASHER.check_needs_rehash(row.password_hash):
            conn.execute(
                text("UPDATE app_user SET password_hash = :h WHERE id = :i"),
                {"h": _HASHER.hash(password), "i": user.id},
            )
    return LoginResult.OK, user


def _verify(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- sessions ---------------------------------------------------------------------------------


def create_session(
    bind: Bind,
    user: User,
    settings: Settings,
    *,
    client_ip: str | None = None,
    user_agent: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Start a session for ``user``; returns the new random session id (for the cookie)."""
    now = now or _now()
    session_id = secrets.token_urlsafe(32)
    with begin(bind) as conn:
        conn.execute(
            text(
                "INSERT INTO app_session (id_hash, user_id, created_at, last_seen_at, expires_at,"
                " client_ip, user_agent)"
                " VALUES (:h, :u, :now, :now, :exp, CAST(:ip AS inet), :ua)"
            ),
            {
                "h": sha256_hex(session_id),
                "u": user.id,
                "now": now,
                "exp": now + dt.timedelta(hours=settings.session_absolute_hours),
                "ip": client_ip,
                "ua": (user_agent or "")[:300],
            },
        )
    return session_id


class SessionState(StrEnum):
    """Why a session cookie is or is not accepted."""

    ACTIVE = "active"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    IDLE = "idle"
    EXPIRED = "expired"
    USER_DISABLED = "user_disabled"


# Touch last_seen_at at most this often, so that every request does not write.
_TOUCH_EVERY = dt.timedelta(seconds=30)


def resolve_session(
    bind: Bind,
    session_id: str,
    settings: Settings,
    *,
    client_ip: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[SessionState, Viewer | None]:
    """The viewer behind a session cookie, enforcing idle and absolute time-outs."""
    now = now or _now()
    # one read (no transaction round trips: every request of every page asks); a write only
    # when the session ends for idleness or its last-seen time is due
    with connect(bind) as conn:
        row = conn.execute(
            text(
                "SELECT s.id_hash, s.last_seen_at, s.expires_at, s.revoked_at,"
                " u.id, u.username, u.role, u.disabled, u.must_change_password"
                " FROM app_session s JOIN app_user u ON u.id = s.user_id WHERE s.id_hash = :h"
            ),
            {"h": sha256_hex(session_id)},
        ).first()
    if row is None:
        return SessionState.UNKNOWN, None
    if row.revoked_at is not None:
        return SessionState.REVOKED, None
    if row.disabled:
        return SessionState.USER_DISABLED, None
    if row.expires_at <= now:
        return SessionState.EXPIRED, None
    if now - row.last_seen_at > dt.timedelta(minutes=settings.session_idle_minutes):
        with begin(bind) as conn:
            conn.execute(
                text("UPDATE app_session SET revoked_at = :now WHERE id_hash = :h"),
                {"now": now, "h": row.id_hash},
            )
        return SessionState.IDLE, None
    if now - row.last_seen_at > _TOUCH_EVERY:
        with begin(bind) as conn:
            conn.execute(
                text("UPDATE app_session SET last_seen_at = :now WHERE id_hash = :h"),
                {"now": now, "h": row.id_hash},
            )
    viewer = Viewer.for_role(
        row.username,
        row.role,
        user_id=row.id,
        client_ip=client_ip,
        must_change_password=row.must_change_password,
    )
    return SessionState.ACTIVE, viewer


def revoke_session(bind: Bind, session_id: str) -> None:
    """End one session server-side (logout)."""
    with begin(bind) as conn:
        conn.execute(
            text(
                "UPDATE app_session SET revoked_at = now()"
                " WHERE id_hash = :h AND revoked_at IS NULL"
            ),
            {"h": sha256_hex(session_id)},
        )


def _revoke_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(
        text("UPDATE app_session SET revoked_at = now() WHERE user_id = :i AND revoked_at IS NULL"),
        {"i": user_id},
    )


# --- API tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenInfo:
    """An API token without its secret."""

    id: int
    username: str
    prefix: str
    name: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def create_token(bind: Bind, username: str, name: str | None = None) -> tuple[str, TokenInfo]:
    """Issue a token for ``username`` (acts with that user's role); returns the secret once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with begin(bind) as conn:
        uid = _require(conn, username)
        tid = conn.execute(
            text(
                "INSERT INTO api_token (user_id, token_prefix, token_hash, name)"
                " VALUES (:u, :p, :h, :n) RETURNING id"
            ),
            {"u": uid, "p": token[:12], "h": sha256_hex(token), "n": name},
        ).scalar_one()
    info = next(t for t in list_tokens(bind, username) if t.id == tid)
    return token, info


def list_tokens(bind: Bind, username: str | None = None) -> list[TokenInfo]:
    """Tokens (all, or of one user), newest first."""
    with connect(bind) as conn:
        rows = conn.execute(
            text(
                "SELECT t.id, u.username, t.token_prefix, t.name, t.created_at, t.last_used_at,"
                " t.revoked_at FROM api_token t JOIN app_user u ON u.id = t.user_id"
                " WHERE CAST(:u AS text) IS NULL OR u.username = :u ORDER BY t.id DESC"
            ),
            {"u": username},
        ).all()
    return [TokenInfo(*r) for r in rows]


def revoke_token(bind: Bind, token_or_prefix: str) -> int:
    """Revoke the token given in full, or every token starting with a 12-character prefix.
    Returns how many were revoked."""
    with begin(bind) as conn:
        if len(token_or_prefix) > 12:
            res = conn.execute(
                text(
                    "UPDATE api_token SET revoked_at = now() WHERE token_hash = :h"
                    " AND revoked_at IS NULL"
                ),
                {"h": sha256_hex(token_or_prefix)},
            )
        else:
            res = conn.execute(
                text(
                    "UPDATE api_token SET revoked_at = now() WHERE token_prefix = :p"
                    " AND revoked_at IS NULL"
                ),
                {"p": token_or_prefix},
            )
    return int(res.rowcount)


def resolve_token(bind: Bind, token: str, *, client_ip: str | None = None) -> Viewer | None:
    """The viewer an API token acts as, or None when unknown, revoked, expired or disabled."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with begin(bind) as conn:
        row = conn.execute(
            text(
                "SELECT t.id, u.id AS uid, u.username, u.role,"
                " t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => :every)"
                " AS stale FROM api_token t"
                " JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = :h"
                " AND t.revoked_at IS NULL AND NOT u.disabled"
                " AND (t.expires_at IS NULL OR t.expires_at > now())"
            ),
            {"h": sha256_hex(token), "every": _TOUCH_EVERY.total_seconds()},
        ).first()
        if row is None:
            return None
        # as for sessions: record the use at most every 30 s, so that a busy integration does
        # not write (and wait for a commit to disk) on every request, nor make a second round
        # trip to the database
        if row.stale:
            conn.execute(
                text("UPDATE api_token SET last_used_at = now() WHERE id = :i"), {"i": row.id}
            )
    return Viewer.for_role(
        row.username, row.role, user_id=row.uid, client_ip=client_ip, via_token=True
    )
