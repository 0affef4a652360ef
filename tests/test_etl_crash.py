"""``kill -9`` of the loader at random moments: no batch is ever partly visible, and a re-run
completes with no duplicates and nothing lost. The loader runs as the real CLI, in its own
process, against a scratch database."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from geodata import localdb, migrate
from geodata.db import make_engine
from geodata.reference import load
from geodata.settings import Settings

SCRATCH = "sitaware_test_crash"
N_TIPS = 30_000
TRIALS = 12
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def scratch(server_admin_url: str, settings: Settings) -> Iterator[tuple[str, Engine]]:
    libpq = server_admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    localdb.ensure_database(server_admin_url, SCRATCH)
    url = server_admin_url.rsplit("/", 1)[0] + "/" + SCRATCH
    eng = make_engine(url)
    migrate.upgrade(eng)
    load.load_reference(eng, settings)  # tips are placed in real admin areas
    yield url, eng
    eng.dispose()
    with psycopg.connect(libpq, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


def _tips_file(path: Path, version: int = 0) -> None:
    """The tips; ``version`` > 0 marks every text with it, so each version changes every row."""
    rng = random.Random(3)
    mark = f" (v{version})" if version else ""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "วันที่รับแจ้ง", "ประเภท", "รายละเอียด", "lat", "lon", "ความน่าเชื่อถือ"])
        for i in range(N_TIPS):
            w.writerow([
                f"T{i:06d}", f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2568 {rng.randint(0, 23)}:{rng.randint(10, 59)}",
                rng.choice(["ยาเสพติด", "ลักทรัพย์", "บุคคลต้องสงสัย"]), f"แจ้งเหตุหมายเลข {i}{mark}",
                f"{rng.uniform(13.6, 13.9):.6f}", f"{rng.uniform(100.4, 100.7):.6f}",
                rng.choice(["B2", "C3", "A1", ""]),
            ])  # fmt: skip


def _command(url: str, path: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    """The real CLI loading ``path`` into the scratch database, and its environment."""
    env = {
        **os.environ,
        "SITAWARE_DATABASE_URL": url,
        "SITAWARE_REPORTER_KEY": "11" * 32,
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "etl.cli", "etl", "tips", str(path), "--source", "crash-test"]
    return [*cmd, *extra], env


def _loader(url: str, path: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd, env = _command(url, path, *extra)
    return subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _run_to_end(url: str, path: Path, *extra: str) -> None:
    cmd, env = _command(url, path, *extra)
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def _state(eng: Engine) -> tuple[int, int, int, int]:
    with eng.connect() as c:
        tips = c.execute(text("SELECT count(*) FROM tip")).scalar_one()
        dupes = c.execute(
            text(
                "SELECT count(*) FROM (SELECT 1 FROM tip GROUP BY source, source_id HAVING count(*) > 1) d"
            )
        ).scalar_one()
        running = c.execute(
            text("SELECT count(*) FROM etl_batch WHERE status = 'running'")
        ).scalar_one()
        inserted = c.execute(
            text("SELECT coalesce(sum(n_inserted), 0) FROM etl_batch WHERE status = 'committed'")
        ).scalar_one()
    return int(tips), int(dupes), int(running), int(inserted)


def _versions(eng: Engine) -> int:
    """How many file versions the tips' texts come from (a whole batch: at most one)."""
    with eng.connect() as c:
        n = c.execute(
            text(
                "SELECT count(DISTINCT coalesce(substring(text FROM ' \\(v\\d+\\)$'), '')) FROM tip"
            )
        ).scalar_one()
    return int(n)


def test_kill_9_mid_load(scratch: tuple[str, Engine], tmp_path: Path) -> None:
    url, eng = scratch
    path = tmp_path / "tips.csv"
    _tips_file(path)
    # How long a load takes here: a dry run does everything but write.
    t0 = time.monotonic()
    _run_to_end(url, path, "--dry-run")
    duration = time.monotonic() - t0
    rng = random.Random(11)
    killed_mid_load = 0
    for trial in range(TRIALS):
        # A new version of every row each time: a re-load of an unchanged file skips its rows
        # (raw hash) and would finish before the kill; this one has all of them to write.
        _tips_file(path, trial + 1)
        p = _loader(url, path)
        time.sleep(rng.uniform(0.1, duration * 1.05))
        finished = p.poll() is not None
        if not finished:
            p.send_signal(signal.SIGKILL)
            killed_mid_load += 1
        p.wait(timeout=60)
        tips, dupes, running, inserted = _state(eng)
        assert dupes == 0
        assert running == 0  # a batch is visible only once committed, whole
        assert tips in (0, N_TIPS), f"partial batch visible: {tips} tips"
        assert inserted == tips
        assert _versions(eng) <= 1, "rows of two file versions visible: a partial update"
    assert killed_mid_load >= TRIALS // 2
    _run_to_end(url, path)
    tips, dupes, running, inserted = _state(eng)
    assert (tips, dupes, running, inserted) == (N_TIPS, 0, 0, N_TIPS)
