"""Every sitaware setting in one place, read from the environment with the ``SITAWARE_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_shared_data() -> Path:
    """``../shared/data`` beside the checkout; a clone made elsewhere on a workstation of this
    project's layout finds it at /work/shared/data."""
    for candidate in (PROJECT_ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if (candidate / "README.md").exists():
            return candidate
    return PROJECT_ROOT.parent / "shared" / "data"


class Settings(BaseSettings):
    """Runtime configuration.

    ``database_url`` overrides the project-local cluster entirely; when it is unset, sitaware
    runs its own PostgreSQL under ``state_dir`` on ``db_port`` (loopback only).
    """

    model_config = SettingsConfigDict(env_prefix="SITAWARE_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of an external PostGIS; unset = local cluster"
    )
    state_dir: Path = Field(
        default=PROJECT_ROOT / ".sitaware",
        description="where the local cluster, logs and caches live",
    )
    db_port: int = Field(default=55432, ge=1, le=65535, description="port of the local cluster")
    db_name: str = Field(default="sitaware", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    pg_bin_dir: Path | None = Field(
        default=None, description="PostgreSQL binaries; default /usr/lib/postgresql/15/bin"
    )
    pool_size: int = Field(default=5, ge=1, le=100)
    shared_data_dir: Path = Field(
        default_factory=_default_shared_data,
        description="read-only real data used by tests and benchmarks (../shared/data)",
    )

    # Sessions and sign-in (docs/security.md)
    session_idle_minutes: float = Field(default=30, gt=0, description="idle lock")
    session_absolute_hours: float = Field(default=12, gt=0, description="absolute session life")
    cookie_secure: bool = Field(
        default=True, description="Secure flag on the session cookie; false only for local http"
    )
    login_max_failures: int = Field(default=5, ge=1, description="failures before an account lock")
    login_lock_minutes: float = Field(default=15, gt=0)
    ip_max_failures: int = Field(
        default=20, ge=1, description="failed logins per client address per window before 429"
    )
    ip_window_minutes: float = Field(default=15, gt=0)
    trust_proxy: bool = Field(
        default=False, description="honour X-Forwarded-For/-Proto from one reverse proxy (TLS)"
    )
    geocode_review_below: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="geocoder answers under this confidence wait in the review queue",
    )
    geocode_online_url: str | None = Field(
        default=None,
        description="Nominatim base URL for the optional online geocoder (off when unset)",
    )
    geocode_online_user_agent: str = Field(default="sitaware-geocoder")
    service_bbox: tuple[float, float, float, float] = Field(
        default=(97.0, 5.3, 106.0, 20.8),
        description="min lon, min lat, max lon, max lat of the area served (default Thailand)",
    )
    require_admin_area: bool = Field(
        default=True,
        description="quarantine points that lie in no admin area (off only for foreign test data)",
    )
    basemap_tiles: str | None = Field(
        default=None,
        description="raster tile URL template (https://host/{z}/{x}/{y}.png); unset: offline",
        pattern=r"^https?://[^\s'\"]+\{z\}[^\s'\"]*$",
    )
    basemap_attribution: str = Field(default="", max_length=200)
    reporter_key: SecretStr | None = Field(
        default=None,
        description="hex key for hashing reporters' contacts (default: <state_dir>/reporter.key)",
    )
    geofence_rules: list[dict[str, object]] = Field(
        default=[
            {
                "name": "weapon-object",
                "categories": [
                    "อาวุธ*",
                    "วัตถุต้องสงสัย*",
                    "ระเบิด*",
                    "weapon*",
                    "explosive*",
                    "suspicious object*",
                ],
                "min_sensitivity": 4,
                "distance_m": 500,
                "priority": "critical",
            },
            {
                "name": "drugs-violence-suspect",
                "categories": [
                    "ยาเสพติด*",
                    "ทะเลาะวิวาท*",
                    "บุคคลต้องสงสัย*",
                    "ค้ามนุษย์*",
                    "drug*",
                    "fight*",
                    "assault*",
                    "suspicious person*",
                    "trafficking*",
                ],
                "min_sensitivity": 4,
                "distance_m": 300,
                "priority": "high",
            },
        ],
        description="alerts for new tips near sensitive venues, as JSON: a list of rules "
        "{name, categories (patterns, * = anything), min_sensitivity 1-5, distance_m, "
        "priority critical|high|medium|low}; the first matching rule wins (geodata.alerts)",
    )

    @property
    def local_cluster(self) -> bool:
        """True when sitaware manages its own PostgreSQL under ``state_dir``."""
        return self.database_url is None

    def url_for(self, db_name: str | None = None) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of ``db_name`` on the configured server."""
        if self.database_url is not None:
            base = normalise_url(self.database_url)
            if db_name is None:
                return base
            head, _, _tail = base.rpartition("/")
            return f"{head}/{db_name}"
        name = db_name or self.db_name
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.db_port}/{name}"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the main database."""
        return self.url_for()


def normalise_url(url: str) -> str:
    """Make any postgres URL use the psycopg 3 driver (``postgresql+psycopg://``)."""
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    return Settings()
