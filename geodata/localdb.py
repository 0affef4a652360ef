"""Start, stop and inspect the project-local PostGIS cluster under ``.sitaware/pg``.

The cluster listens on 127.0.0.1 only, on ``settings.db_port`` (default 55432), with a random
superuser password kept in ``.sitaware/pg/superuser.pw`` (mode 600). When sitaware runs as root
the cluster runs as the ``postgres`` OS user, because ``initdb`` refuses root.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from geodata.errors import LocalDbError, MissingSystemPackagesError, PortInUseError
from geodata.settings import Settings

PG_MAJOR = 15
SYSTEM_PACKAGES = (f"postgresql-{PG_MAJOR}", f"postgresql-{PG_MAJOR}-postgis-3")
POSTGIS_CONTROL = Path(f"/usr/share/postgresql/{PG_MAJOR}/extension/postgis.control")
SUPERUSER = "postgres"


@dataclass(frozen=True)
class ClusterPaths:
    """Where the local cluster keeps its files."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    @property
    def password_file(self) -> Path:
        return self.root / "superuser.pw"


def paths(settings: Settings) -> ClusterPaths:
    """The cluster's file layout under ``settings.state_dir`` (symlinks resolved, because the
    ``postgres`` OS user may not be able to follow them)."""
    return ClusterPaths((settings.state_dir / "pg").resolve())


def bin_dir(settings: Settings) -> Path:
    """Directory holding ``initdb``/``pg_ctl`` of PostgreSQL 15."""
    return settings.pg_bin_dir or Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")


def _is_root() -> bool:
    return os.geteuid() == 0


def missing_system_packages(settings: Settings) -> list[str]:
    """Debian packages the local cluster needs that are not installed."""
    missing = []
    if not (bin_dir(settings) / "initdb").exists():
        missing.append(SYSTEM_PACKAGES[0])
    if not POSTGIS_CONTROL.exists():
        missing.append(SYSTEM_PACKAGES[1])
    return missing


def install_command(packages: list[str]) -> str:
    """The exact shell command that installs ``packages``."""
    return "sudo apt-get update && sudo apt-get install -y " + " ".join(packages)


def ensure_system_packages(settings: Settings, *, echo: bool = True) -> None:
    """Install PostgreSQL 15 + PostGIS 3 when missing and root; otherwise say how.

    Raises MissingSystemPackagesError when they are missing and we cannot install them.
    """
    missing = missing_system_packages(settings)
    if not missing:
        return
    if not _is_root() or shutil.which("apt-get") is None:
        raise MissingSystemPackagesError(
            f"PostgreSQL {PG_MAJOR} with PostGIS 3 is needed for the local database; missing: "
            f"{', '.join(missing)}. Install them with:\n    {install_command(missing)}\n"
            "or point sitaware at an existing PostGIS with SITAWARE_DATABASE_URL."
        )
    if echo:
        print(f"installing {' '.join(missing)} with apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def _as_cluster_user(cmd: list[str]) -> list[str]:
    """Prefix ``cmd`` so that it runs as ``postgres`` when we are root."""
    if _is_root():
        return ["runuser", "-u", SUPERUSER, "--", *cmd]
    return cmd


def _run(cmd: list[str], what: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(_as_cluster_user(cmd), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise LocalDbError(
            f"{what} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout}"
        )
    return proc


def password(settings: Settings) -> str:
    """The local superuser's password (created by ``initdb``)."""
    return paths(settings).password_file.read_text().strip()


def local_url(settings: Settings, db_name: str | None = None) -> str:
    """SQLAlchemy URL of ``db_name`` on the local cluster, with its password."""
    pw = quote(password(settings), safe="")
    return (
        f"postgresql+psycopg://{SUPERUSER}:{pw}@127.0.0.1:{settings.db_port}/"
        f"{db_name or settings.db_name}"
    )


def is_initialised(settings: Settings) -> bool:
    """True when the cluster's data directory exists."""
    return (paths(settings).data / "PG_VERSION").exists()


def is_running(settings: Settings) -> bool:
    """True when our cluster's postmaster is alive."""
    p = paths(settings)
    if not (p.data / "postmaster.pid").exists():
        return False
    proc = subprocess.run(
        _as_cluster_user([str(bin_dir(settings) / "pg_ctl"), "status", "-D", str(p.data)]),
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0


def port_in_use(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _postgres_can_write(path: Path) -> bool:
    """True when the ``postgres`` OS user can reach and write ``path``."""
    probe = subprocess.run(["runuser", "-u", SUPERUSER, "--", "test", "-w", str(path)], check=False)
    return probe.returncode == 0


def _relocated_root(state_dir: Path) -> Path:
    """Where the cluster lives when the checkout is not reachable by ``postgres`` (e.g. under
    /root): a directory of its own under /var/lib/postgresql, one per checkout."""
    digest = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:12]
    return Path("/var/lib/postgresql/sitaware") / digest


def _prepare_root(settings: Settings) -> None:
    """Create ``.sitaware/pg`` so that the cluster's OS user can use it.

    As root the cluster runs as ``postgres``. When ``postgres`` cannot reach the checkout
    (a parent directory without o+x, such as /root), the cluster lives under
    /var/lib/postgresql/sitaware/<hash> and ``.sitaware/pg`` is a symlink to it.
    """
    link = settings.state_dir / "pg"
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    if not _is_root():
        link.mkdir(exist_ok=True)
        return
    if not link.exists():
        link.mkdir()
        shutil.chown(link, SUPERUSER, SUPERUSER)
        if not _postgres_can_write(link):
            link.rmdir()
            target = _relocated_root(settings.state_dir)
            target.mkdir(parents=True, exist_ok=True)
            shutil.chown(target.parent, SUPERUSER, SUPERUSER)
            shutil.chown(target, SUPERUSER, SUPERUSER)
            target.chmod(0o700)
            link.symlink_to(target, target_is_directory=True)
    if not _postgres_can_write(link.resolve()):
        raise LocalDbError(
            f"the postgres OS user cannot write {link.resolve()}; set SITAWARE_STATE_DIR to a "
            "directory it can reach, or use SITAWARE_DATABASE_URL"
        )


def init(settings: Settings) -> None:
    """Create the cluster (``initdb``) if it does not exist yet."""
    if is_initialised(settings):
        return
    _prepare_root(settings)
    p = paths(settings)
    p.socket_dir.mkdir(exist_ok=True)
    if not p.password_file.exists():
        p.password_file.write_text(secrets.token_urlsafe(24) + "\n")
    p.password_file.chmod(0o600)
    if _is_root():
        shutil.chown(p.socket_dir, SUPERUSER, SUPERUSER)
        shutil.chown(p.password_file, SUPERUSER, SUPERUSER)
    _run(
        [
            str(bin_dir(settings) / "initdb"),
            "-D",
            str(p.data),
            "-U",
            SUPERUSER,
            f"--pwfile={p.password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=peer",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        "initdb",
    )


def start(settings: Settings, timeout_s: float = 60.0) -> None:
    """Start the cluster on 127.0.0.1:``db_port``; idempotent."""
    p = paths(settings)
    if is_running(settings):
        return
    if port_in_use(settings.db_port):
        raise PortInUseError(
            f"port {settings.db_port} on 127.0.0.1 is already taken by another program, so the "
            f"local sitaware database cannot start there. Choose another port, e.g.\n"
            f"    SITAWARE_DB_PORT={settings.db_port + 1} make demo\n"
            "(or set SITAWARE_DATABASE_URL to use an existing PostGIS)."
        )
    opts = (
        f"-p {settings.db_port} -k {p.socket_dir} -c listen_addresses=127.0.0.1 "
        "-c shared_buffers=256MB -c max_connections=200 -c max_wal_size=2GB"
    )
    _run(
        [
            str(bin_dir(settings) / "pg_ctl"),
            "start",
            "-D",
            str(p.data),
            "-l",
            str(p.log),
            "-o",
            opts,
            "-w",
            "-t",
            str(int(timeout_s)),
        ],
        f"starting PostgreSQL (log: {p.log})",
    )


def stop(settings: Settings) -> None:
    """Stop the cluster (fast shutdown); idempotent."""
    if not is_running(settings):
        return
    _run(
        [str(bin_dir(settings) / "pg_ctl"), "stop", "-D", str(paths(settings).data), "-m", "fast"],
        "stopping PostgreSQL",
    )


def ensure_database(admin_url: str, db_name: str, *, postgis: bool = True) -> None:
    """Create database ``db_name`` (and the postgis extension) when missing.

    ``admin_url`` is a SQLAlchemy or libpq URL of any database on the same server.
    """
    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db_name,)).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(db_name)
                )
            )
    if postgis:
        target = conninfo.rsplit("/", 1)[0] + "/" + db_name
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def up(settings: Settings) -> str:
    """Install what is missing, init and start the cluster, create the database; return its URL."""
    ensure_system_packages(settings)
    init(settings)
    start(settings)
    deadline = time.monotonic() + 30
    while True:
        try:
            ensure_database(local_url(settings, "postgres"), settings.db_name)
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return local_url(settings)
