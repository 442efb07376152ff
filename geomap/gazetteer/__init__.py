"""The offline gazetteer: GeoNames places, countries, a curated supplement and users' own files.

Sources, strongest first when they name the same thing:

1. users' supplement files (``--gazetteer FILE``, CSV or GeoJSON),
2. geomap's curated supplement (``geomap/data/supplement.csv``: border crossings,
   sectors and other places no public gazetteer package carries),
3. countries (``geomap/data/countries.csv``: GeoNames country table placed on
   Natural Earth polygons, with curated aliases and demonyms),
4. GeoNames ``cities500`` through the compact index of :mod:`geomap.gazetteer.index`.

:meth:`Gazetteer.lookup` returns every candidate a name may mean with a *match*
score in ``[0, 1]`` (how well the name matches); ranking by population and
document context is the geocoding stage's job.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from importlib import resources
from pathlib import Path

from geomap.errors import DataError, InputError
from geomap.gazetteer.admin import load_admin_entries
from geomap.gazetteer.index import TIER_NORMAL, TIER_SKELETON, CityIndex, CityRow, NameTable, open_index
from geomap.gazetteer.normalize import (SKELETON_MIN_LENGTH, SKELETON_MIN_LETTERS, _key_skeleton, fold, leading_pair,
                                        name_keys, normalize, pair_sets, word_skeletons)
from geomap.model import PRECISION_AREA, PRECISION_POINT, PRECISION_REGION, Candidate
from geomap.model import new_candidate as _new_candidate

__all__ = [
    "Gazetteer",
    "Entry",
    "CountryInfo",
    "load_supplement",
    "load_countries_table",
    "load_admin_entries",
    "default_gazetteer",
    "normalize",
    "name_keys",
]

#: Match scores by how the name was found.
MATCH_EXACT = 1.0
#: the exact match score as candidates hold it (rounded to four places, as every score)
_EXACT_SCORE = round(MATCH_EXACT, 4)
MATCH_SKELETON_BASE = 0.4
#: weight of the squared similarity (rapidfuzz ratio) between the name and the alias it met
MATCH_SKELETON_SPAN = 0.6
MATCH_FUZZY_SCALE = 0.6
#: Bonus for curated sources over GeoNames when both match equally.
BONUS_USER = 0.5
BONUS_SUPPLEMENT = 0.2
#: a transliteration (skeleton) match needs at least this similarity to the alias it meets
MIN_SKELETON_RATIO = 0.8
#: most GeoNames places read per key and tier (the most populous)
_CITY_ROWS = 100


@dataclass(frozen=True)
class Entry:
    """A gazetteer entry held in memory (supplements and countries)."""

    source_id: str
    name: str
    lat: float
    lon: float
    country_code: str
    feature: str
    precision: int
    uncertainty_m: float
    population: int
    aliases: tuple[str, ...]
    source: str
    bonus: float = 0.0


@dataclass(frozen=True)
class CountryInfo:
    """One row of the country table."""

    iso_a2: str
    iso_a3: str
    name: str
    lat: float
    lon: float
    population: int
    area_km2: float
    neighbours: tuple[str, ...]
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]


def _data_path(name: str) -> Path:
    return Path(str(resources.files("geomap") / "data" / name))


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


@lru_cache(maxsize=1)
def load_countries_table() -> dict[str, CountryInfo]:
    """Load ``countries.csv`` (+ curated aliases and demonyms), keyed by ISO alpha-2."""
    path = _data_path("countries.csv")
    if not path.exists():
        raise DataError(f"{path} is missing: rebuild it with `python scripts/build_countries.py`.")
    aliases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    positions: dict[str, tuple[float, float]] = {}
    alias_path = _data_path("country_aliases.csv")
    if alias_path.exists():
        with alias_path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                aliases[row["iso_a2"]] = (_split(row.get("aliases")), _split(row.get("demonyms")))
                if row.get("lat") and row.get("lon"):  # a curated conventional centre, with its source
                    positions[row["iso_a2"]] = (float(row["lat"]), float(row["lon"]))
    out: dict[str, CountryInfo] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc = row["iso_a2"]
            extra_names, demonyms = aliases.get(cc, ((), ()))
            extra_names = (*extra_names, *_split(row.get("aliases")))
            demonyms = tuple(dict.fromkeys((*demonyms, *_split(row.get("demonyms")))))
            out[cc] = CountryInfo(
                iso_a2=cc,
                iso_a3=row["iso_a3"],
                name=row["name"],
                lat=positions.get(cc, (float(row["lat"]), 0.0))[0],
                lon=positions.get(cc, (0.0, float(row["lon"])))[1],
                population=int(row["population"] or 0),
                area_km2=float(row["area_km2"] or 0),
                neighbours=_split(row.get("neighbours", "").replace(",", "|")),
                aliases=tuple(dict.fromkeys((row["name"], *extra_names))),
                demonyms=demonyms,
            )
    return out


def _country_entries() -> list[Entry]:
    entries = []
    for c in load_countries_table().values():
        radius = math.sqrt(c.area_km2 / math.pi) * 1000 if c.area_km2 else 0.0
        entries.append(
            Entry(
                source_id=f"country:{c.iso_a2}", name=c.name, lat=c.lat, lon=c.lon, country_code=c.iso_a2,
                feature="country", precision=PRECISION_REGION, uncertainty_m=round(radius), population=c.population,
                aliases=c.aliases, source="GeoNames country table (CC BY 4.0) placed on Natural Earth polygons",
            )
        )
    return entries


def _float(row: dict, key: str, where: str, default: float | None = None) -> float:
    value = row.get(key)
    if value in (None, ""):
        if default is not None:
            return default
        raise InputError(f"{where}: the column '{key}' is missing or empty; every row needs name, lat and lon.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: '{key}' = {value!r} is not a number (row {row.get('name') or '?'!r}).") from None


def _entry_from_row(row: dict, where: str, bonus: float, default_source: str, n: int) -> Entry:
    name = (row.get("name") or "").strip()
    if not name:
        raise InputError(f"{where}: a row has no 'name'; every row needs name, lat and lon.")
    lat = _float(row, "lat", where)
    lon = _float(row, "lon", where)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"{where}: {name!r} has lat={lat}, lon={lon} outside [-90, 90] × [-180, 180] (columns swapped?).")
    precision = int(_float(row, "precision", where, PRECISION_POINT))
    aliases = row.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = _split(aliases)
    return Entry(
        source_id=str(row.get("id") or f"{Path(where).name}:{n}"),
        name=name,
        lat=lat,
        lon=lon,
        country_code=(row.get("country_code") or "").strip().upper(),
        feature=(row.get("feature") or "place").strip(),
        precision=precision,
        uncertainty_m=_float(row, "uncertainty_m", where, 0.0),
        population=int(_float(row, "population", where, 0.0)),
        aliases=tuple(dict.fromkeys((name, *aliases))),
        source=(row.get("source") or default_source).strip(),
        bonus=bonus,
    )


def load_supplement(path: str | Path, *, bonus: float = BONUS_USER) -> list[Entry]:
    """Read a supplement gazetteer file.

    Parameters
    ----------
    path : str or Path
        A CSV with columns ``name, lat, lon`` and optionally ``id, aliases``
        (``|``-separated), ``country_code, feature, precision, uncertainty_m,
        population, source``; or a GeoJSON FeatureCollection of Points with the
        same properties (polygons are placed on their representative point with
        an uncertainty radius from their area).
    bonus : float
        Added to the match score so that these entries win ties.

    Returns
    -------
    list of Entry

    Raises
    ------
    InputError
        If the file is missing, of an unknown type, or a row is malformed; the
        message names the file and the column.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"gazetteer file {path} does not exist: pass a CSV or GeoJSON file to --gazetteer.")
    where = str(path)
    suffix = path.suffix.lower()
    entries: list[Entry] = []
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"{where}: missing column(s) {sorted(missing)}; a supplement CSV needs name, lat, lon.")
            for n, row in enumerate(reader, 1):
                entries.append(_entry_from_row(row, where, bonus, f"user file {path.name}", n))
    elif suffix in (".geojson", ".json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc}).") from None
        if data.get("type") != "FeatureCollection":
            raise InputError(f"{where}: expected a GeoJSON FeatureCollection.")
        from shapely.geometry import shape

        for n, feat in enumerate(data.get("features", []), 1):
            props = dict(feat.get("properties") or {})
            geom = shape(feat["geometry"]) if feat.get("geometry") else None
            if geom is None or geom.is_empty:
                raise InputError(f"{where}: feature {n} has no geometry.")
            if geom.geom_type != "Point":
                pt = geom.representative_point()
                if not props.get("uncertainty_m"):
                    from pyproj import Geod  # noqa: PLC0415 - only for polygons

                    area_m2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0])
                    props["uncertainty_m"] = round(math.sqrt(area_m2 / math.pi))
                props.setdefault("precision", PRECISION_AREA)
            else:
                pt = geom
            props["lat"], props["lon"] = pt.y, pt.x  # GeoJSON is lon/lat: the one axis swap
            entries.append(_entry_from_row(props, where, bonus, f"user file {path.name}", n))
    else:
        raise InputError(f"{where}: unknown gazetteer file type '{suffix}'; use .csv or .geojson.")
    return entries


@dataclass
class _MemoryIndex:
    entries: list[Entry] = field(default_factory=list)
    by_norm: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    by_skel: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        i = len(self.entries)
        self.entries.append(entry)
        for alias in entry.aliases:
            norm, skel = name_keys(alias)
            if norm:
                self.by_norm.setdefault(norm, []).append((i, norm))
            if skel:
                self.by_skel.setdefault(skel, []).append((i, norm))


def _ratio(a: str, b: str) -> float:
    """rapidfuzz's ratio of ``a`` and ``b`` in ``[0, 1]`` (not cached: the lookups that ask are, and a cache
    entry costs more to make than the ratio costs to compute)."""
    global _fuzz_ratio
    if _fuzz_ratio is None:  # imported on first use, not on every call (the import statement is not free)
        from rapidfuzz.fuzz import ratio as _fuzz_ratio
    return _fuzz_ratio(a, b) / 100.0


_fuzz_ratio: Callable[[str, str], float] | None = None
#: below this many aliases a Python loop beats one rapidfuzz batch call
_BATCH_FROM = 6


def _close_aliases(norm: str, aliases: Sequence[str]) -> list[tuple[int, float]]:
    """``(position, _ratio(norm, alias))`` of the aliases whose ratio with ``norm`` reaches ``MIN_SKELETON_RATIO``,
    by position.

    Short lists are scored one by one, only the aliases whose length allows the floor (the ratio is at most
    twice the shorter length over the sum of both). Long lists are scored by rapidfuzz in one call with a
    cut-off a point below the floor; the score it returns above its cut-off is the very ratio (the same
    distance through the same arithmetic; an oracle test checks it), so it is not computed again.
    """
    if len(aliases) < _BATCH_FROM:
        size = len(norm)
        floor = MIN_SKELETON_RATIO - 1e-9
        close = []
        for h, alias in enumerate(aliases):
            if 2 * min(size, len(alias)) >= floor * (size + len(alias)):
                r = _ratio(norm, alias)
                if r >= MIN_SKELETON_RATIO:
                    close.append((h, r))
        return close
    if _extract is None:
        _import_rapidfuzz()
    hits = _extract(norm, aliases, scorer=_fuzz_ratio, score_cutoff=100 * MIN_SKELETON_RATIO - 1, limit=None)
    if len(hits) > 1:
        hits.sort(key=_POSITION)  # rapidfuzz ranks them by score
    return [(h, r) for _, score, h in hits if (r := score / 100.0) >= MIN_SKELETON_RATIO]


_extract: Callable | None = None
#: the position of a rapidfuzz ``extract`` hit ``(choice, score, position)``
_POSITION = itemgetter(2)


def _import_rapidfuzz() -> None:
    """Import what :func:`_ratio` and :func:`_close_aliases` use (a one-time cost of some milliseconds)."""
    global _fuzz_ratio, _extract
    if _fuzz_ratio is None or _extract is None:
        from rapidfuzz.fuzz import ratio
        from rapidfuzz.process import extract

        _fuzz_ratio = ratio
        _extract = extract


def _skeleton_key(norm: str) -> str:
    """``name_keys(name)[1]`` from ``norm = normalize(name)`` (not normalised again)."""
    return _key_skeleton(norm, SKELETON_MIN_LETTERS, SKELETON_MIN_LENGTH)


def _match_order(match: tuple) -> tuple[float, int, str]:
    """Best match first: score, then population, then source id."""
    return -match[0], -match[1], match[2]


#: the source id, and the score and population, of a match ``(score, population, source_id, what, matched)``
_SOURCE_ID = itemgetter(2)
_SCORE_POPULATION = itemgetter(0, 1)


def _ranked(found: dict[str, tuple]) -> list[tuple]:
    """The matches of ``found`` sorted by :func:`_match_order`, by two sorts keyed in C rather than one keyed by
    a Python function: by source id, then (stable, even reversed) by score and population, highest first."""
    matches = list(found.values())
    if len(matches) > 1:
        matches.sort(key=_SOURCE_ID)
        matches.sort(key=_SCORE_POPULATION, reverse=True)
    return matches


def _keep_entry(found: dict[str, tuple], cc: str | None, e: Entry, match: float, matched: str) -> None:
    """Record a supplement/country match unless one as good is already recorded for the entry."""
    if cc and e.country_code != cc:
        return
    score = round(match + e.bonus, 4)
    old = found.get(e.source_id)
    if old is None or score > old[0]:
        found[e.source_id] = (score, e.population, e.source_id, e, matched)


def _keep_places(found: dict[str, tuple], cc: str | None, table: NameTable, places: Iterable[int], score: float,
                 matched: str) -> None:
    """Record name-table places matched with ``score`` (rounded), as :func:`_keep_entry` does entries."""
    ids, populations, countries = table.geonameid, table.population, table.cc
    for k in places:
        if cc and countries[k] != cc:
            continue
        sid = f"geonames:{ids[k]}"
        old = found.get(sid)
        if old is None or score > old[0]:
            found[sid] = (score, populations[k], sid, k, matched)


def _best_candidates(table: NameTable, cc: str | None, places: Iterable[int], limit: int,
                     matched: str) -> tuple[Candidate, ...]:
    """The candidates of the matches that :func:`_keep_places` would record for ``places`` matched exactly into
    an empty ``found``, sorted by :func:`_match_order` (best first): the best ``limit`` of them.

    ``places`` are one key's normal-tier places (``limit`` > 0): each place once, most populous first (ties by
    geonameid). So the best ``limit`` are the first ``limit`` in the country and those after them that are as
    populous as the last: every later place is less populous than all of these. Only places of equal population
    need sorting (their source ids compare as strings, not as geonameids). The candidates are made as the
    places are met (no match tuples in between).
    """
    ids, populations, countries = table.geonameid, table.population, table.cc
    names, lats, lons = table.name, table.lat, table.lon
    best: list[Candidate] = []
    last = None
    tied = False
    for k in places:
        country = countries[k]
        if cc and country != cc:
            continue
        population = populations[k]
        if population == last:
            tied = True
        elif len(best) >= limit:
            break
        best.append(_new_candidate(names[k], lats[k], lons[k], country, "populated place", population,
                                   f"geonames:{ids[k]}", _EXACT_SCORE, PRECISION_POINT, 0.0, matched))
        last = population
    if tied:  # every score is the same: _match_order is population, then source id
        best.sort(key=_place_order)
        del best[limit:]
    return tuple(best)


def _place_order(c: Candidate) -> tuple[int, str]:
    """:func:`_match_order` of candidates of the same score: most populous first, then by source id."""
    return -c.population, c.source_id


def _candidates(table: NameTable, ranked: Sequence[tuple], limit: int) -> tuple[Candidate, ...]:
    """The candidates of the first ``limit`` matches ``(score, population, source_id, what, matched)`` of
    ``ranked`` (``what`` a name-table position, an :class:`Entry` or a ready :class:`Candidate`)."""
    out = []
    names, lats, lons, ccs = table.name, table.lat, table.lon, table.cc
    for match in ranked[:limit]:
        score, population, sid, what, matched = match
        if type(what) is int:  # as _from_place makes it
            out.append(_new_candidate(names[what], lats[what], lons[what], ccs[what], "populated place",
                                      population, sid, score, PRECISION_POINT, 0.0, matched))
        elif isinstance(what, Entry):
            out.append(_entry_candidate(what, score, matched))
        else:
            out.append(what)
    return tuple(out)


def _entry_candidate(e: Entry, score: float, matched: str) -> Candidate:
    """A supplement/country entry as a candidate whose ``score`` (bonus included) is already rounded."""
    return _new_candidate(e.name, e.lat, e.lon, e.country_code, e.feature, e.population, e.source_id, score,
                          e.precision, e.uncertainty_m, matched)


class Gazetteer:
    """Offline name lookup over GeoNames, countries and supplements.

    Parameters
    ----------
    supplements : sequence of path, optional
        Users' supplement files; they take precedence over everything else.
    builtin_supplement : bool
        Include geomap's curated supplement (default True).
    index : CityIndex, optional
        An open GeoNames index; built/opened at the default path when omitted.
    notify : callable, optional
        Receives a message before a one-time index build.

    Examples
    --------
    >>> gaz = Gazetteer()                                    # doctest: +SKIP
    >>> gaz.lookup("Ben Guerdane")[0].name                   # doctest: +SKIP
    'Ben Gardane'
    """

    def __init__(
        self,
        supplements: Sequence[str | Path] = (),
        *,
        builtin_supplement: bool = True,
        index: CityIndex | None = None,
        notify: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._index = index
        self._notify = notify
        self._progress = progress
        self._memory = _MemoryIndex()
        self._cache: dict[tuple, tuple[Candidate, ...]] = {}
        #: names :meth:`lookup_exact` found to have only GeoNames transliteration matches (if any)
        self._inexact_only: set[str] = set()
        self._table: NameTable | None = None  # self.index.table, once read
        self._demonyms: dict[str, str] | None = None
        self._first_words: frozenset[str] | None = None
        self._first_pairs: tuple[frozenset[str], frozenset[str]] | None = None
        self._joined_names: dict[str, frozenset[tuple[int, int]]] | None = None
        self._period_abbreviations: dict[str, frozenset[str]] | None = None
        for entry in _country_entries():
            self._memory.add(entry)
        for entry in load_admin_entries():  # states, provinces, US/GB counties, continents
            self._memory.add(entry)
        if builtin_supplement:
            for entry in load_supplement(_data_path("supplement.csv"), bonus=BONUS_SUPPLEMENT):
                self._memory.add(entry)
            # named regions, seas, lakes and rivers no package carries ("Darfur", "Middle East", "Black Sea")
            for entry in load_supplement(_data_path("regions.csv"), bonus=BONUS_SUPPLEMENT):
                self._memory.add(entry)
        for path in supplements:
            for entry in load_supplement(path, bonus=BONUS_USER):
                self._memory.add(entry)
        self.countries = load_countries_table()

    @property
    def index(self) -> CityIndex:
        """The GeoNames index, opened (and built if needed) on first use."""
        if self._index is None:
            self._index = open_index(progress=self._progress, notify=self._notify)
        return self._index

    # -- candidates -------------------------------------------------------------------------
    @staticmethod
    def _from_entry(e: Entry, score: float, matched: str) -> Candidate:
        return Candidate(
            name=e.name, lat=e.lat, lon=e.lon, country_code=e.country_code, feature=e.feature,
            population=e.population, source_id=e.source_id, score=round(score + e.bonus, 4),
            precision=e.precision, uncertainty_m=e.uncertainty_m, matched=matched,
        )

    @staticmethod
    def _from_place(table: NameTable, match: tuple) -> Candidate:
        """The candidate of a name-table match ``(score, population, source_id, position, matched)`` as
        :func:`_keep_places` records it (``score`` already rounded)."""
        score, population, sid, k, matched = match
        return _new_candidate(table.name[k], table.lat[k], table.lon[k], table.cc[k], "populated place", population,
                              sid, score, PRECISION_POINT, 0.0, matched)

    @staticmethod
    def _from_city(r: CityRow, score: float) -> Candidate:
        return Candidate(
            name=r.name, lat=r.lat, lon=r.lon, country_code=r.country_code, feature="populated place",
            population=r.population, source_id=f"geonames:{r.geonameid}", score=round(score, 4),
            precision=PRECISION_POINT, uncertainty_m=0.0, matched=r.alias,
        )

    def lookup(
        self, name: str, *, country: str | None = None, fuzzy: bool = True, skeleton: bool = True, limit: int = 25
    ) -> list[Candidate]:
        """Return the candidates a name may mean, best match first.

        Parameters
        ----------
        name : str
            The name as written ("Ben Guerdane", "Sabratha", "El-Amria").
        country : str, optional
            ISO alpha-2 code: keep only candidates in that country.
        fuzzy : bool
            Fall back to fuzzy matching (rapidfuzz) when nothing matches a key.
        skeleton : bool
            Also match on the loose transliteration key.
        limit : int
            Most candidates returned.

        Returns
        -------
        list of Candidate
            Always a list, possibly empty. ``score`` is the match quality:
            1.0 for a normalised exact match, less for transliteration and fuzzy
            matches, plus a small bonus for curated sources.
        """
        key = (name, country, fuzzy, skeleton, limit)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._lookup(name, country, fuzzy, skeleton, limit)  # positional: cheaper than keywords
            self._keep(key, hit)
        return list(hit)

    def _keep(self, key: tuple, hit: tuple[Candidate, ...]) -> None:
        """Cache the answer ``hit`` of the lookup ``key``, within a bounded size."""
        if len(self._cache) > 200_000:
            self._cache.clear()
            self._inexact_only.clear()
        self._cache[key] = hit

    def lookup_exact(self, name: str) -> list[Candidate] | None:
        """``lookup(name, fuzzy=False)`` unless the name only has transliteration matches of GeoNames places.

        Those matches come from the costliest stage of a lookup, and all of them score below 1 (two different
        spellings have a ratio below 1, and GeoNames places carry no bonus). A caller that drops a name whose
        candidates all score below 1 (a capitalised word opening a sentence, say) can ask this first and need
        not pay for that stage.

        Parameters
        ----------
        name : str
            The name as written.

        Returns
        -------
        list of Candidate or None
            What ``lookup(name, fuzzy=False)`` returns, when the name has an exact match, a curated
            transliteration match, or no match at all; ``None`` when it has none of these but GeoNames
            places whose names are transliterations of it may match (then ask :meth:`lookup`).
        """
        key = (name, None, False, True, 25)  # lookup(name, fuzzy=False)
        hit = self._cache.get(key)
        if hit is None:
            if name in self._inexact_only:
                return None
            hit = self._lookup(name, None, False, True, 25, True)
            if hit is None:
                self._inexact_only.add(name)
                return None
            self._keep(key, hit)
        return list(hit)

    def _lookup(
        self, name: str, country: str | None, fuzzy: bool, skeleton: bool, limit: int, exact_only: bool = False
    ) -> tuple[Candidate, ...] | None:
        """Uncached :meth:`lookup`; with ``exact_only`` (and neither ``country`` nor ``fuzzy``), ``None`` instead
        of its answer when that answer takes GeoNames transliteration matches alone (see :meth:`lookup_exact`).

        Matches are first gathered as ``(score, population, source_id, what, matched)``
        with the score already rounded as the candidate will hold it (``what`` is a
        name-table position, an :class:`Entry` or a ready :class:`Candidate`); only the
        ``limit`` best are then made into :class:`Candidate` objects.
        """
        norm = normalize(name)
        if not norm:
            return ()
        memory = self._memory
        table = self._table
        if table is None:
            table = self._table = self.index.table
            _import_rapidfuzz()  # with the name table, not on the first transliteration match of a text
        exact = memory.by_norm.get(norm, ())
        n = table.keys[TIER_NORMAL].get(norm)
        skel = None
        if not exact and n is None and not fuzzy:
            # most names looked up match nothing: say so as soon as neither key is known (the full path would
            # find nothing either: no exact match, and the skeleton stage needs its key in a table)
            skel = _key_skeleton(norm, SKELETON_MIN_LETTERS, SKELETON_MIN_LENGTH) if skeleton else ""  # _skeleton_key
            if not skel or (skel not in memory.by_skel and skel not in table.keys[TIER_SKELETON]):
                return ()
            if exact_only and skel not in memory.by_skel:
                return None  # only GeoNames places by a transliteration: the caller may do without them
        return self._lookup_keys(norm, exact, n, table, country, fuzzy, skeleton, limit, skel)

    def _lookup_keys(self, norm: str, exact: Sequence[tuple[int, str]], n: int | None, table: NameTable,
                     country: str | None, fuzzy: bool, skeleton: bool, limit: int,
                     skel: str | None = None) -> tuple[Candidate, ...]:
        """:meth:`_lookup` of a name whose normal key ``norm`` (not empty) has the memory entries ``exact`` and
        the name-table key number ``n`` (or None): every stage, with no early exit.

        ``skel`` is ``_skeleton_key(norm)`` (or ``""`` when ``skeleton`` is false) when the caller has worked it
        out already; it is used only when nothing matches exactly, which a caller that passes it has seen
        (``exact`` empty and ``n`` None)."""
        memory = self._memory
        cc = country.upper() if country else None
        found: dict[str, tuple] = {}
        for i, alias in exact:
            _keep_entry(found, cc, memory.entries[i], MATCH_EXACT, alias)
        if n is not None:
            offsets = table.offsets[TIER_NORMAL]
            start = offsets[n]
            places = table.places[TIER_NORMAL][start:min(offsets[n + 1], start + _CITY_ROWS)]
            if not exact and limit > 0:  # name-table places only (most names): no need to gather them all
                best = _best_candidates(table, cc, places, limit, norm)
                if best:  # else none is in the country: on to the skeleton stage, as with nothing found
                    return best
            else:
                _keep_places(found, cc, table, places, _EXACT_SCORE, norm)
        if found or not skeleton:
            skel = ""
        elif skel is None:
            skel = _skeleton_key(norm)
        if skel:  # transliteration variants only when no spelling matches exactly
            for i, alias in memory.by_skel.get(skel, ()):
                r = _ratio(norm, alias)
                if r >= MIN_SKELETON_RATIO:
                    _keep_entry(found, cc, memory.entries[i], MATCH_SKELETON_BASE + MATCH_SKELETON_SPAN * r * r, alias)
            n = table.keys[TIER_SKELETON].get(skel)
            if n is not None:
                offsets = table.offsets[TIER_SKELETON]
                start = offsets[n]
                stop = min(offsets[n + 1], start + _CITY_ROWS)
                places = table.places[TIER_SKELETON]
                aliases = table.skeleton_alias_keys[start:stop]
                ids, populations, countries = table.geonameid, table.population, table.cc
                for h, r in _close_aliases(norm, aliases):  # in row order
                    # what _keep_places records for this one place
                    k = places[start + h]
                    if cc and countries[k] != cc:
                        continue
                    score = round(MATCH_SKELETON_BASE + MATCH_SKELETON_SPAN * r * r, 4)
                    sid = f"geonames:{ids[k]}"
                    old = found.get(sid)
                    if old is None or score > old[0]:
                        found[sid] = (score, populations[k], sid, k, aliases[h])
        if fuzzy and not found:
            for cand in self._fuzzy(norm):
                if cc and cand.country_code != cc:
                    continue
                old = found.get(cand.source_id)
                if old is None or cand.score > old[0]:
                    found[cand.source_id] = (cand.score, cand.population, cand.source_id, cand, "")
        if not found:
            return ()
        return _candidates(table, _ranked(found), limit)

    def _fuzzy(self, norm: str, limit: int = 10, cutoff: float = 85.0) -> Iterable[Candidate]:
        from rapidfuzz import fuzz, process

        memory_keys = list(self._memory.by_norm)
        for key, score, _ in process.extract(norm, memory_keys, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff):
            for i, alias in self._memory.by_norm[key]:
                yield self._from_entry(self._memory.entries[i], MATCH_FUZZY_SCALE * score / 100, alias)
        keys = self.index.normal_keys()
        for key, score, _ in process.extract(norm, keys, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff):
            for row in self.index.lookup(key, TIER_NORMAL):
                yield replace(self._from_city(row, MATCH_FUZZY_SCALE * score / 100), matched=key)

    def period_abbreviations(self) -> dict[str, frozenset[str]]:
        """Normal keys by which entries are known only as an abbreviation written with a period
        ("Miss." and "Ill." for the states, "Wash.", "Ark."), with the ids of those entries: the key
        alone ("miss", "ill") is a word, a title or a contraction ("I'll"), not the place.

        Examples
        --------
        >>> from geomap.gazetteer import default_gazetteer
        >>> sorted(default_gazetteer().period_abbreviations()["miss"])
        ['admin1:US-MS']
        """
        if self._period_abbreviations is None:
            dotted: set[tuple[str, str]] = set()
            plain: set[tuple[str, str]] = set()
            for e in self._memory.entries:
                for alias in e.aliases:
                    key = (normalize(alias), e.source_id)
                    # "Miss.", "Calif.": one word and its period ("D.C.", "U.S." are initials, matched as written)
                    (dotted if alias.endswith(".") and alias.count(".") == 1 else plain).add(key)
            by_key: dict[str, set[str]] = {}
            for key, source_id in dotted - plain:
                by_key.setdefault(key, set()).add(source_id)
            self._period_abbreviations = {k: frozenset(v) for k, v in by_key.items()}
        return self._period_abbreviations

    def first_words(self) -> frozenset[str]:
        """First words of every multi-word normal key (lets detection skip spans no name starts like)."""
        if self._first_words is None:
            own = frozenset(k.split(" ", 1)[0] for k in self._memory.by_norm if " " in k)
            self._first_words = self.index.first_words() | own
        return self._first_words

    def first_pairs(self) -> tuple[frozenset[str], frozenset[str]]:
        """First two words of every multi-word normal key, the second as a longer key writes it ("wadi al" of
        "wadi el"; see :func:`~geomap.gazetteer.normalize.leading_pair`), as ``"first second"`` and as their
        :func:`~geomap.gazetteer.normalize.word_skeletons` (see :meth:`may_start_name`); and of the demonyms
        ("sri lankan"), whose plurals too ("sri lankans")."""
        if self._first_pairs is None:
            own = {leading_pair(k) for k in self._memory.by_norm if " " in k}
            # and the demonyms of more than one word, singular and plural ("sri lankan", "sri lankans")
            own.update(leading_pair(normalize(form)) for d in self.demonyms() for form in (d, d + "s"))
            own.discard(None)
            pairs, skeletons = self.index.first_pairs()
            own_pairs, own_skeletons = pair_sets(own)
            self._first_pairs = (pairs | own_pairs, skeletons | own_skeletons)
        return self._first_pairs

    def may_start_name(self, first: str, second: str) -> bool:
        """Whether a name of two or more words may start with the words ``first`` and ``second`` (as a normal key of
        two or more words writes them; ``second`` not an article nor a patronymic, which a longer key rewrites).

        Yes when a multi-word normal key starts with them, or with two words of the same skeletons each ("Ben
        Guerdane" may be "Ben Gardane"). Detection looks up spans of two or more words only then: most spans of
        capitalised words name a person or an organisation ("George Bush", "Police Chief"). A transliteration
        that runs its words together otherwise ("DeSoto Parish" for "De Soto Parish") is not looked for.
        """
        pairs, skeletons = self._first_pairs or self.first_pairs()
        return f"{first} {second}" in pairs or word_skeletons(first, second) in skeletons

    def joined_names(self) -> dict[str, frozenset[tuple[int, int]]]:
        """The names held in memory (countries, regions, supplements) that join words with "and"
        ("Trinidad and Tobago", "Jammu and Kashmir", "Newfoundland and Labrador"), by the normal key
        of their first word after "and": the shapes (words before "and", words after) they take."""
        if self._joined_names is None:
            shapes: dict[str, set[tuple[int, int]]] = {}
            for e in self._memory.entries:
                for alias in e.aliases:
                    words = normalize(alias).split()
                    if "and" in words[1:-1]:
                        at = words.index("and", 1)
                        shapes.setdefault(words[at + 1], set()).add((at, len(words) - at - 1))
            self._joined_names = {k: frozenset(v) for k, v in shapes.items()}
        return self._joined_names

    def entry(self, source_id: str) -> Entry | None:
        """A supplement or country entry by its id (``sup:…``, ``country:TN``, or a user file's id)."""
        for e in reversed(self._memory.entries):  # users' files last added, first found
            if e.source_id == source_id:
                return e
        return None

    # -- countries --------------------------------------------------------------------------
    def country(self, code: str) -> CountryInfo | None:
        """The country table row for an ISO alpha-2 code, or ``None``."""
        return self.countries.get(code.upper())

    def demonyms(self) -> dict[str, str]:
        """Map folded demonym → ISO alpha-2 ("tunisian" → "TN")."""
        if self._demonyms is None:
            self._demonyms = {fold(d): c.iso_a2 for c in self.countries.values() for d in c.demonyms}
        return self._demonyms


@lru_cache(maxsize=8)
def _cached(supplements: tuple[str, ...]) -> Gazetteer:
    return Gazetteer(supplements)


def default_gazetteer(supplements: Sequence[str | Path] = ()) -> Gazetteer:
    """A process-wide shared :class:`Gazetteer` for the given supplement files."""
    return _cached(tuple(str(Path(p)) for p in supplements))
