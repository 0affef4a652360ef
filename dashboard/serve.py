"""Serve the dashboard with gunicorn in the foreground (production WSGI server)."""

from __future__ import annotations

import os
import sys

from geodata.errors import SitawareError
from geodata.localdb import port_in_use


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
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
        "4",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "dashboard.wsgi:server",
    ]


def run(host: str = "127.0.0.1", port: int = 8050, workers: int = 2) -> None:
    """Replace this process with gunicorn serving the dashboard at http://host:port."""
    if port_in_use(port):
        raise SitawareError(
            f"port {port} is already in use; stop the other program or choose another port "
            f"with `sitaware serve --port {port + 1}`"
        )
    print(f"sitaware dashboard: http://{host}:{port}", flush=True)
    os.execv(sys.executable, gunicorn_argv(host, port, workers))  # noqa: S606
