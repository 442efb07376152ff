"""Administrative regions and continents: ``geomap/data/admin.csv.gz``.

First-level regions worldwide ("Texas", "Queensland", "Northern Darfur"), US counties and
parishes and British counties ("Laurel County", "Rapides Parish", "Suffolk"), and the
continents ("Africa"), from GeoNames through PyPI packages; rebuilt by
``scripts/build_admin.py`` (see ``geomap/data/README.md`` for sources, licences and how
positions were chosen and measured).

Every entry is a region (``precision`` 3) with the region's radius as ``uncertainty_m``.
A name shared with a country ("Georgia") gives both candidates; the ranking stage
decides, by document context.

Examples
--------
>>> texas = [e for e in load_admin_entries() if e.source_id == "admin1:US-TX"][0]
>>> texas.name, texas.feature, texas.precision
('Texas', 'admin1', 3)
"""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from typing import TYPE_CHECKING

from geomap.errors import DataError
from geomap.model import PRECISION_REGION

if TYPE_CHECKING:
    from geomap.gazetteer import Entry

__all__ = ["load_admin_entries", "ADMIN_FILE"]

#: the shipped table, in ``geomap/data``
ADMIN_FILE = "admin.csv.gz"


def load_admin_entries() -> list[Entry]:
    """Load the shipped regions as gazetteer entries (read once per process, then cached).

    Returns
    -------
    list of geomap.gazetteer.Entry
        Sorted by id (``admin1:US-TX``, ``admin2:US-21125``, ``continent:AF``); each
        entry's aliases start with its name.

    Raises
    ------
    DataError
        If the file is missing (rebuild it with ``python scripts/build_admin.py``).
    """
    return list(_load())


@lru_cache(maxsize=1)
def _load() -> tuple[Entry, ...]:
    from geomap.gazetteer import Entry, _data_path  # noqa: PLC0415 - the package imports this module

    path = _data_path(ADMIN_FILE)
    if not path.exists():
        raise DataError(f"{path} is missing: rebuild it with `python scripts/build_admin.py`.")
    with gzip.open(path, "rb") as fh:
        text = fh.read().decode("utf-8")
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    expected = ["id", "name", "aliases", "lat", "lon", "country_code", "feature", "population", "uncertainty_m", "source"]
    if header != expected:
        raise DataError(f"{path}: unexpected columns {header}; rebuild it with `python scripts/build_admin.py`.")
    return tuple(
        Entry(
            source_id=rid, name=name, lat=float(lat), lon=float(lon), country_code=cc, feature=feature,
            precision=PRECISION_REGION, uncertainty_m=float(radius), population=int(population),
            aliases=(name, *aliases.split("|")) if aliases else (name,), source=source,
        )
        for rid, name, aliases, lat, lon, cc, feature, population, radius, source in rows
    )
