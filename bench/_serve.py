"""Shared plumbing of the HTTP benches (bench/browser.py, bench/users.py): the dashboard served
the production way (``sitaware serve``: gunicorn) on a free loopback port against the bench
database, and bench users created for the run and removed after it."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata import accounts, localdb  # noqa: E402
from geodata.db import make_engine  # noqa: E402
from geodata.settings import get_settings, normalise_url  # noqa: E402

BENCH_DB = "sitaware_bench"
SOURCE = "bench-map"  # the rows bench/map.py generates
MIN_TIPS, MIN_VENUES = 1_000_000, 100_000
PYTHON = ROOT / ".venv" / "bin" / "python"


def bench_url(db_url: str | None = None) -> str:
    """SQLAlchemy URL of the bench database (``--db-url``, else sitaware_bench on the local
    cluster)."""
    if db_url is not None:
        return normalise_url(db_url)
    settings = get_settings()
    localdb.up(settings)
    return localdb.local_url(settings, BENCH_DB)


def bench_engine(db_url: str | None = None) -> Engine:
    """Engine on the bench database; refuses to run without bench/map.py's rows."""
    eng = make_engine(bench_url(db_url))
    with eng.connect() as c:
        n_tips = c.execute(text("SELECT count(*) FROM tip WHERE source = :s"), {"s": SOURCE})
        n_venues = c.execute(text("SELECT count(*) FROM venue WHERE source = :s"), {"s": SOURCE})
        tips_n, venues_n = n_tips.scalar_one(), n_venues.scalar_one()
    if tips_n < MIN_TIPS or venues_n < MIN_VENUES:
        sys.exit(
            f"the bench database has {tips_n:,} tips and {venues_n:,} venues of source "
            f"{SOURCE!r}; run `.venv/bin/python bench/map.py --repeat 3` once to generate them"
        )
    return eng


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def source_tree(rev: str | None) -> Iterator[Path]:
    """The code to serve: the working tree (``rev`` None), or the files of commit ``rev``
    extracted to a temporary folder (others may be editing the working tree mid-run)."""
    if rev is None:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="sitaware-bench-") as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", rev],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def describe(rev: str | None) -> str:
    """What is served, for the output: a commit, or the working tree (dirty or not)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", rev or "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if rev is not None:
        return f"commit {head} ({rev})"
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "dashboard", "geodata"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"working tree at {head}" + (" with uncommitted changes" if dirty else "")


@contextmanager
def served(
    db_url: str | None = None,
    workers: int = 2,
    log: Path | None = None,
    rev: str | None = None,
    threads: int | None = None,
) -> Iterator[str]:
    """``sitaware serve`` (gunicorn, ``workers`` processes × ``threads``, None: the server's
    default) on a free loopback port against the bench database, from the working tree or
    commit ``rev``; yields the base URL and stops the server after."""
    with source_tree(rev) as src:
        yield from _served(src, db_url, workers, log, threads)


def _served(
    src: Path, db_url: str | None, workers: int, log: Path | None, threads: int | None
) -> Iterator[str]:
    port = free_port()
    # the snapshot's own folder must not decide where the local cluster lives
    env = {
        **os.environ,
        "SITAWARE_COOKIE_SECURE": "false",
        "PYTHONPATH": str(src),
        "SITAWARE_STATE_DIR": str(get_settings().state_dir),
    }
    if db_url is not None:
        env["SITAWARE_DATABASE_URL"] = db_url
    else:
        env["SITAWARE_DB_NAME"] = BENCH_DB
        env.pop("SITAWARE_DATABASE_URL", None)
    log = log or Path(f"/tmp/sitaware-bench-serve-{port}.log")  # noqa: S108
    with log.open("w") as out:
        proc = subprocess.Popen(
            # `sitaware serve`, run from `src`: it execs gunicorn, whose master is this process
            [
                str(PYTHON),
                "-m",
                "etl.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                *(["--threads", str(threads)] if threads is not None else []),
            ],
            cwd=src,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base, proc, log)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_up(base: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"sitaware serve exited ({proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"sitaware serve did not answer within {timeout_s:.0f} s; see {log}")


def make_users(eng: Engine, roles: list[str], prefix: str) -> list[tuple[str, str, str]]:
    """One new user per entry of ``roles``; returns (username, password, role) each."""
    made = []
    tag = secrets.token_hex(3)
    for i, role in enumerate(roles):
        name, password = f"{prefix}-{tag}-{i:03d}-{role}", secrets.token_urlsafe(18)
        accounts.add_user(eng, name, role, password)
        made.append((name, password, role))
    return made


def remove_users(eng: Engine, names: list[str]) -> None:
    """Delete the bench users (their sessions and tokens go with them: ON DELETE CASCADE)."""
    with eng.begin() as c:
        c.execute(text("DELETE FROM app_user WHERE username = ANY(:u)"), {"u": names})
