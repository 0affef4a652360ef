"""Named errors of the data layer; each message says what to do."""

from __future__ import annotations


class SitawareError(Exception):
    """Base of every error sitaware reports to a person."""


class LocalDbError(SitawareError):
    """The project-local PostgreSQL cluster could not be managed."""


class MissingSystemPackagesError(LocalDbError):
    """PostgreSQL 15 / PostGIS 3 are not installed and we cannot install them."""


class PortInUseError(LocalDbError):
    """The local cluster's port is taken by another program."""


class ReferenceDataError(SitawareError):
    """A pinned reference-data package is missing, altered or unreadable."""


class AdminImportError(SitawareError):
    """An administrative-boundary file cannot be imported; names the file and the problem."""


class ForbiddenError(SitawareError):
    """The viewer's role does not hold the capability this data needs."""
