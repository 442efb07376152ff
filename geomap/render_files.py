"""Layers from users' files for ``geomap render``: GeoJSON, GeoPackage (every layer), anything GDAL reads.

Reading happens here, at the edge; :func:`geomap.render.render_map` draws what this returns.
A file that cannot be used is reported as a :class:`FileProblem` naming the fix, and the
other files are still drawn.

>>> layers, problems = read_map_layers(["layers/places.geojson", "layers/geomap.gpkg"])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas

from geomap.errors import InputError

__all__ = ["FileProblem", "read_map_layers", "with_bands"]

CRS = "EPSG:4326"


@dataclass(frozen=True)
class FileProblem:
    """A file (or one layer of it) left out of the map, with why and how to fix it."""

    path: str
    message: str


def read_map_layers(paths: Sequence[str | Path]) -> tuple[dict[str, geopandas.GeoDataFrame], list[FileProblem]]:
    """Read every layer of every file, in EPSG:4326, named for the map.

    Parameters
    ----------
    paths : sequence of path
        GeoJSON, GeoPackage (all its layers) or any vector file GDAL reads.

    Returns
    -------
    (dict of str to GeoDataFrame, list of FileProblem)
        Layers by name (a GeoJSON's name is its file stem, a GeoPackage layer's its layer
        name; a clash gets the file name appended) and the problems met. A layer in another
        CRS is reprojected to EPSG:4326; a layer with no CRS is taken as lon/lat when its
        coordinates fit, else reported with the command that declares its CRS.
    """
    import pyogrio

    layers: dict[str, geopandas.GeoDataFrame] = {}
    problems: list[FileProblem] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(FileProblem(str(path), "no such file: check the path (a GeoJSON or GeoPackage file)"))
            continue
        if path.is_dir():
            problems.append(FileProblem(str(path), "is a folder: name the files, e.g. "
                                                   f"`geomap render {path}/*.geojson -o map.html`"))
            continue
        try:
            names = [str(row[0]) for row in pyogrio.list_layers(path)]
        except Exception as exc:  # GDAL cannot open it at all
            problems.append(FileProblem(str(path), f"cannot be read as GeoJSON/GeoPackage ({_short(exc)}): check that "
                                                   "it is a valid vector file, e.g. with `ogrinfo` or by opening it in QGIS"))
            continue
        for layer_name in names:
            label = f"{path}" if len(names) == 1 else f"{path} (layer {layer_name!r})"
            try:
                gdf = _read(path, layer_name if len(names) > 1 else None)
            except InputError as exc:
                problems.append(FileProblem(label, str(exc)))
                continue
            except Exception as exc:
                problems.append(FileProblem(label, f"cannot be read ({_short(exc)}): check the file with `ogrinfo`"))
                continue
            name = path.stem if len(names) == 1 and path.suffix.lower() in (".geojson", ".json") else layer_name
            if name in layers:
                name = f"{name} ({path.name})"
            layers[name] = gdf
    return layers, problems


def _read(path: Path, layer: str | None) -> geopandas.GeoDataFrame:
    try:
        gdf = geopandas.read_file(path, layer=layer, engine="pyogrio") if layer else \
            geopandas.read_file(path, engine="pyogrio")
    except ValueError as exc:
        if "geometry" in str(exc).lower():
            raise InputError("has no geometry: give a spatial layer (points, lines or polygons); "
                             "a plain table needs coordinates first") from None
        raise
    if not isinstance(gdf, geopandas.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise InputError("has no geometry column: give a spatial layer (points, lines or polygons)")
    if gdf.geometry.isna().all() or gdf.geometry.is_empty.all():
        raise InputError("has no geometry in any row: nothing to draw; check that the file holds coordinates")
    if gdf.crs is None:
        west, south, east, north = gdf.total_bounds
        if -180.5 <= west <= east <= 180.5 and -90.5 <= south <= north <= 90.5:
            return gdf.set_crs(CRS)
        raise InputError("has no CRS and its coordinates are not longitude/latitude: declare its CRS "
                         "(e.g. `ogr2ogr -a_srs EPSG:32632 fixed.gpkg file.gpkg`) so it can be reprojected")
    if gdf.crs.to_epsg() != 4326:
        try:
            gdf = gdf.to_crs(CRS)
        except Exception as exc:
            raise InputError(f"is in {gdf.crs.to_string()} and cannot be reprojected to EPSG:4326 ({_short(exc)}): "
                             "reproject it first, e.g. `ogr2ogr -t_srs EPSG:4326 out.gpkg file.gpkg`") from None
    return gdf


def with_bands(layers: dict[str, geopandas.GeoDataFrame],
               distances_km: Sequence[float] = (10, 25, 50)) -> dict[str, geopandas.GeoDataFrame]:
    """Add the ``bands`` layer (geodesic proximity bands around the ``border`` layer) when it is missing."""
    from geomap.layers import bands_frame

    border = layers.get("border")
    if border is None or "bands" in layers or not len(border):
        return layers
    lines = border[border.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    if lines.empty:
        return layers
    return {**layers, "bands": bands_frame(lines, distances_km)}


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
