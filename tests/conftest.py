"""Test fixtures: a real PostGIS (never a mock), migrated and loaded once, and a connection per
test inside a transaction that is rolled back, so tests never see each other's writes.

The database is ``--db-url``, else ``SITAWARE_TEST_DATABASE_URL``, else database
``sitaware_test`` on the project-local cluster (started if needed).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest
from sqlalchemy import Connection, Engine

from geodata import localdb, migrate
from geodata.db import make_engine
from geodata.reference import load, packages
from geodata.settings import Settings, get_settings, normalise_url
from tests.ci import ci_mode

pytest_plugins = ["tests.plugins.ci_no_skips", "tests.plugins.no_network", "pytester"]

TEST_DB = "sitaware_test"
ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db-url", default=None, help="PostGIS URL for the tests (is wiped)")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


def _server_admin_url(settings: Settings) -> str:
    if settings.local_cluster:
        localdb.up(settings)
        return localdb.local_url(settings, "postgres")
    return settings.url_for("postgres")


@pytest.fixture(scope="session")
def test_db_url(request: pytest.FixtureRequest, settings: Settings) -> str:
    url = request.config.getoption("--db-url") or os.environ.get("SITAWARE_TEST_DATABASE_URL")
    if url:
        return normalise_url(url)
    admin = _server_admin_url(settings)
    localdb.ensure_database(admin, TEST_DB)
    return admin.rsplit("/", 1)[0] + "/" + TEST_DB


@pytest.fixture(scope="session")
def server_admin_url(test_db_url: str) -> str:
    """URL of the maintenance database on the test server (to create scratch databases)."""
    return test_db_url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def engine(test_db_url: str, settings: Settings) -> Iterator[Engine]:
    eng = make_engine(test_db_url)
    migrate.upgrade(eng)
    packages.fetch(settings, echo=False)
    load.load_reference(eng, settings)
    yield eng
    # the app's background warm-up (dashboard.app._warm) may still hold a connection in a short
    # run: let it finish, or its connection is garbage-collected open at exit (ResourceWarning)
    for thread in threading.enumerate():
        if thread.name == "sitaware-warm":
            thread.join(timeout=60)
    eng.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    with engine.connect() as c:
        tx = c.begin()
        try:
            yield c
        finally:
            tx.rollback()


@pytest.fixture(scope="session")
def gazetteer(engine: Engine) -> Any:
    """The geocoder's gazetteer over the reference data (read once per session)."""
    from etl.geocode.gazetteer import Gazetteer

    return Gazetteer.load(engine)


@pytest.fixture(scope="session")
def shared_data(settings: Settings) -> Path:
    """../shared/data (real Thai boundaries and Bangkok reports); skips outside CI if absent."""
    path = settings.shared_data_dir
    if not (path / "README.md").exists():
        reason = f"shared test data not found at {path} (read-only ../shared/data)"
        if ci_mode():
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def dash_app(engine: Engine, test_db_url: str) -> dash.Dash:
    """The dashboard on the test database (one per session: Dash keeps callbacks globally)."""
    from dashboard.app import create_app

    return create_app(Settings(database_url=test_db_url, cookie_secure=False), bind=engine)


@pytest.fixture
def app_on_conn(dash_app: dash.Dash, conn: Connection) -> Iterator[dash.Dash]:
    """The dashboard with every query on this test's connection (rolled back afterwards)."""
    from dashboard import data

    config = dash_app.server.config
    saved = config["SITAWARE_BIND"], config["SITAWARE_SETTINGS"]
    config["SITAWARE_BIND"] = conn
    data.clear_caches()
    try:
        yield dash_app
    finally:
        config["SITAWARE_BIND"], config["SITAWARE_SETTINGS"] = saved
        data.clear_caches()


@pytest.fixture
def client(app_on_conn: dash.Dash) -> Any:
    """A Flask test client of the dashboard on this test's connection."""
    return app_on_conn.server.test_client()
