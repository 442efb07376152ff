"""One tree of errors. Every message says what was wrong and how to fix it."""

from __future__ import annotations

__all__ = [
    "GeomapError",
    "InputError",
    "DataError",
    "UnknownPlaceError",
    "UnknownCountryError",
]


class GeomapError(Exception):
    """Base class of every error geomap raises on purpose."""


class InputError(GeomapError, ValueError):
    """A user-supplied argument or file is malformed; the message names it and the fix."""


class DataError(GeomapError, RuntimeError):
    """Shipped or cached data is missing or corrupt; the message says how to rebuild it."""


class UnknownPlaceError(GeomapError, LookupError):
    """A place name resolved to nothing in the gazetteer."""


class UnknownCountryError(GeomapError, LookupError):
    """A country code is not in the boundary data."""
