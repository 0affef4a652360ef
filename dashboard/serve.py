"""Serve the dashboard with gunicorn in the foreground (production WSGI server)."""

from __future__ import annotations

import os
import sys

from geodata.errors import SitawareError
from geodata.localdb import port_in_use

# Threads per gunicorn worker. A request spends most of its time in PostgreSQL on the same
# cores, so more requests at once only queue there: with 2 workers on 2 cores, 2 threads each
# (4 requests at once) gave the 50-user bench a p95 of 263 ms where 4 threads each gave
# 333-414 ms (docs/map.md, "Pan/zoom and concurrency"). Size workers to the cores.
DEFAULT_THREADS = 2


def gunicorn_argv(host: str, port: int, workers: int, threads: int = DEFAULT_THREADS) -> list[str]:
    """The gunicorn command line that serves ``dashboard.wsgi:server``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "dashboard.wsgi:server",
    ]


def run(
    host: str = "127.0.0.1", port: int = 8050, workers: int = 2, threads: int = DEFAULT_THREADS
) -> None:
    """Replace this process with gunicorn serving the dashboard at http://host:port."""
    if port_in_use(port):
        raise SitawareError(
            f"port {port} is already in use; stop the other program or choose another port "
            f"with `sitaware serve --port {port + 1}`"
        )
    print(f"sitaware dashboard: http://{host}:{port}", flush=True)
    os.execv(sys.executable, gunicorn_argv(host, port, workers, threads))  # noqa: S606
