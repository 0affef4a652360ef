"""The whole suite runs with the network unreachable: any connection to an address that is not
this machine (loopback or a Unix socket) fails the test that tried, naming the address.

sitaware must work air-gapped; this proves no test (and so no code path a test covers) needs the
internet. The database, the dashboard under test and Chromium all live on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
ATTEMPTS: list[str] = []


class NetworkBlockedError(OSError):
    """A test tried to reach another machine."""


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(address: Any) -> None:
    if not _is_local(address):
        ATTEMPTS.append(repr(address))
        raise NetworkBlockedError(f"network access blocked in tests: {address!r}")


def _connect(self: socket.socket, address: Any) -> None:
    _guard(address)
    _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _guard(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_local(host if isinstance(host, str) else host.decode()):
        try:
            ipaddress.ip_address(host if isinstance(host, str) else host.decode())
        except ValueError:
            ATTEMPTS.append(f"DNS {host!r}")
            raise NetworkBlockedError(f"name resolution blocked in tests: {host!r}") from None
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo


def pytest_unconfigure(config: pytest.Config) -> None:
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo
