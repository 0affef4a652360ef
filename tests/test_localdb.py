"""The project-local cluster: missing packages, a taken port, and a full up/status/down cycle."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from geodata import localdb
from geodata.errors import MissingSystemPackagesError, PortInUseError
from geodata.settings import PROJECT_ROOT, Settings

SITAWARE = [sys.executable, "-m", "etl.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_missing_packages_print_the_exact_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(localdb, "_is_root", lambda: False)
    settings = Settings(state_dir=tmp_path, pg_bin_dir=tmp_path / "no-such-bin")
    with pytest.raises(MissingSystemPackagesError) as err:
        localdb.ensure_system_packages(settings)
    assert "sudo apt-get update && sudo apt-get install -y postgresql-15" in str(err.value)
    assert "SITAWARE_DATABASE_URL" in str(err.value)


def test_taken_port_is_reported_with_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        settings = Settings(state_dir=tmp_path, db_port=port)
        with pytest.raises(PortInUseError) as err:
            localdb.start(settings)
    msg = str(err.value)
    assert str(port) in msg
    assert f"SITAWARE_DB_PORT={port + 1} make demo" in msg


def test_make_demo_port_message_from_the_cli(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        env = {
            **os.environ,
            "SITAWARE_DB_PORT": str(port),
            "SITAWARE_STATE_DIR": str(PROJECT_ROOT / ".sitaware" / "test-port"),
        }
        env.pop("SITAWARE_DATABASE_URL", None)
        proc = subprocess.run(
            [*SITAWARE, "db", "up"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=PROJECT_ROOT,
        )
    assert proc.returncode == 1
    assert "already taken" in proc.stderr and "SITAWARE_DB_PORT=" in proc.stderr


@pytest.mark.slow
def test_cluster_up_status_url_down(tmp_path: Path) -> None:
    # The postgres OS user must reach the data dir, so it lives inside the project's state dir.
    state = PROJECT_ROOT / ".sitaware" / "test-cluster"
    port = _free_port()
    env = {**os.environ, "SITAWARE_DB_PORT": str(port), "SITAWARE_STATE_DIR": str(state)}
    env.pop("SITAWARE_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*SITAWARE, *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=PROJECT_ROOT,
            timeout=180,
        )

    try:
        up = run("db", "up")
        assert up.returncode == 0, up.stderr
        assert (state / "pg" / "postgres.log").exists()
        again = run("db", "up")  # idempotent
        assert again.returncode == 0, again.stderr
        mig = run("db", "migrate")
        assert mig.returncode == 0, mig.stderr
        status = run("db", "status")
        assert status.returncode == 0, status.stderr
        assert "PostGIS:    3." in status.stdout
        assert re.search(r"migration:  (\w+) \(head \1\)", status.stdout), status.stdout
        url = run("db", "url").stdout.strip().splitlines()[-1]
        assert url.startswith("postgresql://postgres:") and f"@127.0.0.1:{port}/sitaware" in url
    finally:
        run("db", "down")
    assert not localdb.is_running(Settings(state_dir=state, db_port=port))


def test_external_url_overrides_everything() -> None:
    s = Settings(database_url="postgres://u:p@db.example:5433/shared")
    assert not s.local_cluster
    assert s.url == "postgresql+psycopg://u:p@db.example:5433/shared"
    assert s.url_for("other") == "postgresql+psycopg://u:p@db.example:5433/other"
