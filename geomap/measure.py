"""Geodesic measurement on the WGS84 ellipsoid: distances, nearest points, buffers, sides.

Every distance here is geodesic (``pyproj.Geod(ellps="WGS84")``, Karney's algorithm) and
in metres; nothing is measured in planar degrees. Geometries are in lon/lat
(EPSG:4326); functions that take a single position take ``lat`` and ``lon`` by name.

Operations that need a plane (nearest point on a line, buffers, offsets) use an
azimuthal equidistant projection (AEQD) centred on the point of interest: distances from
its centre are exact geodesic distances. Lines are first densified along their geodesics
(segments of at most :data:`DENSIFY_M` metres) so that straight segments in the plane
follow the geodesics closely.

Examples
--------
>>> round(distance_m(32.793, 12.488, 33.138, 11.220) / 1000, 1)  # Sabratha - Ben Gardane
124.6
>>> distance_m(91, 0, 0, 0)
Traceback (most recent call last):
...
geomap.errors.InputError: latitude 91.0 is outside [-90, 90]; give lat, lon in decimal degrees (lat first)
>>> geodesic_length_m(shapely.LineString())
0.0
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
import shapely.ops
from numpy.typing import ArrayLike
from pyproj import Geod, Transformer

from geomap.errors import InputError

if TYPE_CHECKING:
    import geopandas

__all__ = [
    "DENSIFY_M",
    "Nearest",
    "distance_m",
    "geodesic_length_m",
    "nearest_point",
    "nearest_points",
    "buffer_m",
    "side_of",
    "offset_into",
    "line_between",
    "densify",
    "proximity_bands",
]

DENSIFY_M: float = 500.0
"""Longest segment, in metres, left by :func:`densify` before working in a plane."""

_GEOD = Geod(ellps="WGS84")
_LINEAR = ("LineString", "MultiLineString", "LinearRing")


@dataclass(frozen=True)
class Nearest:
    """The point of a line nearest to a given point, and the geodesic distance to it."""

    distance_m: float
    lat: float
    lon: float


# -- validation -------------------------------------------------------------------------


def _latlon(lat: ArrayLike, lon: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays of *lat*, *lon*, or InputError naming the first bad value."""
    try:
        la = np.asarray(lat, dtype=float)
        lo = np.asarray(lon, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"coordinates must be numbers in decimal degrees, got {lat!r}, {lon!r}") from exc
    for values, name, limit in ((la, "latitude", 90), (lo, "longitude", 180)):
        bad = ~(np.abs(values) <= limit)  # also catches NaN
        if bad.any():
            raise InputError(
                f"{name} {float(values[bad].flat[0])!r} is outside [-{limit}, {limit}]; "
                "give lat, lon in decimal degrees (lat first)"
            )
    return la, lo


def _linear(line: shapely.Geometry, what: str = "line") -> shapely.Geometry:
    """*line* if it is a non-empty (Multi)LineString, else InputError."""
    if line is None or not isinstance(line, shapely.Geometry) or line.geom_type not in _LINEAR:
        kind = getattr(line, "geom_type", type(line).__name__)
        hint = "; use polygon.boundary for a polygon's outline" if "Polygon" in kind else ""
        raise InputError(f"the {what} must be a LineString or MultiLineString in lon/lat, got {kind}{hint}")
    if line.is_empty:
        raise InputError(f"the {what} is empty: there is nothing to measure to")
    return line


# -- projections and densification ------------------------------------------------------


def _aeqd(lat: float, lon: float) -> Transformer:
    """Lon/lat degrees -> metres in an AEQD plane centred on (lat, lon); exact radial distances."""
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={float(lat)!r} +lon_0={float(lon)!r} +ellps=WGS84"
    )


def _to_plane(geom: shapely.Geometry, tr: Transformer) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _from_plane(geom: shapely.Geometry, tr: Transformer) -> shapely.Geometry:
    return shapely.transform(
        geom, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1], direction="INVERSE"))
    )


def _densify_coords(coords: np.ndarray, max_segment_m: float) -> np.ndarray:
    """Vertices added along each segment's geodesic; the original vertices are kept exactly."""
    if len(coords) < 2:
        return coords
    lon1, lat1 = coords[:-1, 0], coords[:-1, 1]
    az, _, seg_m = _GEOD.inv(lon1, lat1, coords[1:, 0], coords[1:, 1])
    pieces = np.maximum(1, np.ceil(np.asarray(seg_m) / max_segment_m)).astype(int)
    seg = np.repeat(np.arange(len(pieces)), pieces)
    step = np.arange(len(seg)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    lon, lat, _ = _GEOD.fwd(lon1[seg], lat1[seg], np.asarray(az)[seg], seg_m[seg] * step / pieces[seg])
    out = np.column_stack([lon, lat])
    first = step == 0
    out[first] = coords[:-1][seg[first]]
    return np.vstack([out, coords[-1:]])


@functools.lru_cache(maxsize=64)
def densify(geom: shapely.Geometry, max_segment_m: float = DENSIFY_M) -> shapely.Geometry:
    """Add vertices along the geodesics of *geom*'s segments, none longer than *max_segment_m*.

    Parameters
    ----------
    geom : shapely.Geometry
        Any geometry in lon/lat; points are returned unchanged.
    max_segment_m : float
        Longest segment left, in metres.

    Returns
    -------
    shapely.Geometry
        Same type, same original vertices, plus intermediate ones.

    Examples
    --------
    >>> line = shapely.LineString([(11.0, 32.0), (11.0, 33.0)])  # ~111 km
    >>> len(densify(line).coords)
    223
    """
    if geom.is_empty or geom.geom_type in ("Point", "MultiPoint"):
        return geom
    if geom.geom_type in ("LineString", "LinearRing"):
        return type(geom)(_densify_coords(np.asarray(geom.coords), max_segment_m))
    if geom.geom_type == "Polygon":
        rings = [densify(r, max_segment_m) for r in (geom.exterior, *geom.interiors)]
        return shapely.Polygon(rings[0], rings[1:])
    return type(geom)([densify(g, max_segment_m) for g in geom.geoms])


# -- distances --------------------------------------------------------------------------


def distance_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> float | np.ndarray:
    """Geodesic distance in metres between points given in decimal degrees.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like
        Broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        A float when every argument is a scalar.

    Examples
    --------
    >>> distance_m(0, 0, 0, 1)
    111319.49079327357
    >>> distance_m([0, 0], [0, 0], 0, [1, 2]).round(1).tolist()
    [111319.5, 222639.0]
    """
    la1, lo1 = _latlon(lat1, lon1)
    la2, lo2 = _latlon(lat2, lon2)
    la1, lo1, la2, lo2 = np.broadcast_arrays(la1, lo1, la2, lo2)
    _, _, dist = _GEOD.inv(lo1.ravel(), la1.ravel(), lo2.ravel(), la2.ravel())
    dist = np.asarray(dist).reshape(la1.shape)
    return float(dist) if dist.ndim == 0 else dist


def geodesic_length_m(geom: shapely.Geometry) -> float:
    """Geodesic length in metres of a line, or of a polygon's boundary (its perimeter).

    Examples
    --------
    >>> round(geodesic_length_m(shapely.LineString([(0, 0), (1, 0)])), 2)
    111319.49
    >>> geodesic_length_m(shapely.Point(0, 0))
    0.0
    """
    if geom is None or geom.is_empty:
        return 0.0
    return float(_GEOD.geometry_length(geom))


def _nearest_on(lat: float, lon: float, dense: shapely.Geometry) -> Nearest:
    """Nearest point of an already densified line, found in an AEQD plane centred on the point."""
    tr = _aeqd(lat, lon)
    near = shapely.shortest_line(shapely.Point(0.0, 0.0), _to_plane(dense, tr))
    x, y = near.coords[1]
    near_lon, near_lat = tr.transform(x, y, direction="INVERSE")
    _, _, dist = _GEOD.inv(lon, lat, near_lon, near_lat)
    return Nearest(distance_m=float(dist), lat=float(near_lat), lon=float(near_lon))


def nearest_point(lat: float, lon: float, line: shapely.Geometry) -> Nearest:
    """The point of *line* nearest to (lat, lon), and the geodesic distance to it.

    This is the true minimum over the whole line, not over its vertices: the line is
    densified along its geodesics, projected to an AEQD plane centred on the point (where
    distance from the centre is geodesic distance), and the nearest point found there is
    mapped back; the distance to it is then computed with ``Geod.inv``. Accurate to
    centimetres for points within a few thousand km of the line.

    Parameters
    ----------
    lat, lon : float
        Decimal degrees.
    line : shapely.LineString or shapely.MultiLineString
        In lon/lat.

    Returns
    -------
    Nearest

    Raises
    ------
    InputError
        Coordinates out of range, or the line is empty or not linear.

    Examples
    --------
    >>> equator = shapely.LineString([(-10, 0), (10, 0)])
    >>> near = nearest_point(1.0, 5.0, equator)
    >>> round(near.distance_m, 3), round(near.lat, 6) + 0.0, round(near.lon, 6)
    (110574.389, 0.0, 5.0)
    >>> nearest_point(1.0, 5.0, shapely.LineString())
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: the line is empty: there is nothing to measure to
    """
    la, lo = _latlon(lat, lon)
    if la.ndim:
        raise InputError("nearest_point takes one point; use nearest_points for many")
    return _nearest_on(float(la), float(lo), densify(_linear(line)))


def nearest_points(lats: ArrayLike, lons: ArrayLike, line: shapely.Geometry) -> list[Nearest]:
    """:func:`nearest_point` for many points against one line (densified once).

    Examples
    --------
    >>> equator = shapely.LineString([(-10, 0), (10, 0)])
    >>> [round(n.distance_m) for n in nearest_points([1, -2], [5, 0], equator)]
    [110574, 221149]
    """
    la, lo = _latlon(lats, lons)
    la, lo = np.broadcast_arrays(np.atleast_1d(la), np.atleast_1d(lo))
    dense = densify(_linear(line))
    return [_nearest_on(float(a), float(o), dense) for a, o in zip(la, lo)]


# -- constructions ----------------------------------------------------------------------


def buffer_m(geom: shapely.Geometry, metres: float, quad_segs: int = 16) -> shapely.Geometry:
    """A geodesic buffer of *geom* (lon/lat) by *metres*, returned in lon/lat.

    Computed in an AEQD plane centred on the geometry's centroid: exact for a point
    (an uncertainty circle), and for a line of length L off by about
    ``metres * (L / 2 / 6371 km)**2 / 6`` (2 m for a 25 km band along a 450 km border).

    Parameters
    ----------
    geom : shapely.Geometry
        Point, line or polygon in lon/lat.
    metres : float
        Buffer distance; negative shrinks polygons.
    quad_segs : int
        Segments per quarter circle.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon

    Examples
    --------
    >>> circle = buffer_m(shapely.Point(11.22, 33.138), 10_000)
    >>> lon, lat = circle.exterior.coords[0]
    >>> round(distance_m(33.138, 11.22, lat, lon), 3)
    10000.0
    >>> buffer_m(shapely.Point(), 10)
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: cannot buffer an empty geometry
    """
    if geom is None or geom.is_empty:
        raise InputError("cannot buffer an empty geometry")
    if not np.isfinite(metres):
        raise InputError(f"buffer distance must be a finite number of metres, got {metres!r}")
    centre = geom.centroid
    tr = _aeqd(centre.y, centre.x)
    plane = shapely.buffer(_to_plane(densify(geom), tr), float(metres), quad_segs=quad_segs)
    return _from_plane(plane, tr)


def side_of(lat: float, lon: float, countries: geopandas.GeoDataFrame) -> str | None:
    """ISO alpha-2 code of the country containing (lat, lon).

    Parameters
    ----------
    lat, lon : float
        Decimal degrees.
    countries : geopandas.GeoDataFrame
        A table from :func:`geomap.boundaries.load_countries`.

    Returns
    -------
    str or None
        ``None`` at sea, and in territories without an ISO code (N. Cyprus, Somaliland...).
        A point exactly on a border gets the first code in alphabetical order.

    Examples
    --------
    >>> from geomap.boundaries import load_countries
    >>> countries = load_countries()
    >>> side_of(33.138, 11.220, countries), side_of(34.0, 12.0, countries)
    ('TN', None)
    """
    la, lo = _latlon(lat, lon)
    hits = countries.sindex.query(shapely.Point(float(lo), float(la)), predicate="intersects")
    codes = sorted(c for c in countries["iso_a2"].to_numpy()[hits] if c)
    return codes[0] if codes else None


def offset_into(line: shapely.Geometry, polygon: shapely.Geometry, metres: float) -> shapely.LineString:
    """*line* moved *metres* sideways, to whichever side lies inside *polygon*.

    Used for features that run parallel to a border on one side of it (the barrier ~2 km
    inside Tunisia). The offset is taken in an AEQD plane centred on the line; the side
    kept is the one with more length inside *polygon*; the result is clipped to
    *polygon*, and where the clip leaves several pieces (e.g. at a coast) the longest is
    returned. Direction follows *line*.

    Parameters
    ----------
    line : shapely.LineString or shapely.MultiLineString
        In lon/lat; a MultiLineString is merged first and must merge into one line.
    polygon : shapely.Polygon or shapely.MultiPolygon
        In lon/lat.
    metres : float
        Distance, >= 0 (0 returns *line* unchanged).

    Returns
    -------
    shapely.LineString

    Raises
    ------
    InputError
        Empty or non-linear line, negative distance, or no offset falls in *polygon*.

    Examples
    --------
    >>> edge = shapely.LineString([(0, 0), (0, 1)])
    >>> square = shapely.box(0, 0, 1, 1)
    >>> inside = offset_into(edge, square, 1000)
    >>> round(nearest_point(0.5, inside.coords[0][0], edge).distance_m)
    1000
    """
    line = _single_line(line)
    if not (np.isfinite(metres) and metres >= 0):
        raise InputError(f"the offset must be a number of metres >= 0, got {metres!r}")
    if metres == 0:
        return line
    centre = line.centroid
    tr = _aeqd(centre.y, centre.x)
    plane_line = _to_plane(densify(line), tr)
    plane_poly = _to_plane(densify(polygon), tr)
    best = None
    for side in (1.0, -1.0):
        inside = shapely.intersection(shapely.offset_curve(plane_line, side * metres), plane_poly)
        if best is None or inside.length > best.length:
            best = inside
    if best is None or best.length == 0:
        raise InputError(f"no offset of the line by {metres} m falls inside the polygon; "
                         "does the line run along the polygon's edge?")
    merged = shapely.line_merge(best) if best.geom_type != "LineString" else best
    pieces = [p for p in shapely.get_parts(merged) if p.geom_type == "LineString"]
    piece = max(pieces, key=lambda p: p.length)
    start, end = (plane_line.project(shapely.get_point(piece, i)) for i in (0, -1))
    if start > end:  # keep the input's direction
        piece = piece.reverse()
    return _from_plane(piece, tr)


def line_between(
    line: shapely.Geometry, a: tuple[float, float], b: tuple[float, float]
) -> shapely.LineString:
    """The stretch of *line* between the points nearest to *a* and *b*, running from a to b.

    Parameters
    ----------
    line : shapely.LineString or shapely.MultiLineString
        In lon/lat; a MultiLineString is merged first and must merge into one line.
    a, b : tuple of float
        ``(lat, lon)`` in decimal degrees.

    Returns
    -------
    shapely.LineString
        In lon/lat, densified along geodesics.

    Raises
    ------
    InputError
        Bad coordinates, a line in several pieces, or a and b nearest the same point.

    Examples
    --------
    >>> equator = shapely.LineString([(-10, 0), (10, 0)])
    >>> part = line_between(equator, (1.0, 4.0), (-1.0, -2.0))
    >>> [(round(x, 6), round(y, 6) + 0.0) for x, y in (part.coords[0], part.coords[-1])]
    [(4.0, 0.0), (-2.0, 0.0)]
    """
    line = _single_line(line)
    dense = densify(line)
    ends = [_nearest_on(*_point_arg(p, name), dense) for p, name in ((a, "a"), (b, "b"))]
    mid = _GEOD.npts(ends[0].lon, ends[0].lat, ends[1].lon, ends[1].lat, 1)
    centre = mid[0] if mid else (ends[0].lon, ends[0].lat)
    tr = _aeqd(centre[1], centre[0])
    plane = _to_plane(dense, tr)
    along = [plane.project(shapely.Point(tr.transform(e.lon, e.lat))) for e in ends]
    if abs(along[0] - along[1]) < 1e-6:
        raise InputError(
            "a and b are nearest to the same point of the line; there is no stretch between them"
        )
    part = shapely.ops.substring(plane, min(along), max(along))
    if along[0] > along[1]:
        part = part.reverse()
    return _from_plane(part, tr)


def _point_arg(point: tuple[float, float], name: str) -> tuple[float, float]:
    try:
        lat, lon = point
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a (lat, lon) pair, got {point!r}") from exc
    la, lo = _latlon(lat, lon)
    return float(la), float(lo)


def _single_line(line: shapely.Geometry) -> shapely.LineString:
    """*line* as one LineString (merging a MultiLineString), or InputError."""
    line = _linear(line)
    merged = shapely.line_merge(line) if line.geom_type == "MultiLineString" else line
    if merged.geom_type != "LineString":
        raise InputError(
            f"the line has {shapely.get_num_geometries(merged)} separate pieces; pick one "
            "(e.g. the longest of line.geoms) before taking a stretch or an offset of it"
        )
    return shapely.LineString(merged.coords)


def proximity_bands(
    line: shapely.Geometry, distances_km: "ArrayLike" = (10, 25, 50), quad_segs: int = 8
) -> list[tuple[float, float, shapely.Geometry]]:
    """Geodesic bands along a line: ``(inner_km, outer_km, ring)`` from 0 to each distance.

    Each ring holds the points whose geodesic distance to *line* is between the previous
    distance and this one (the first from 0), built from :func:`buffer_m` buffers: the
    10/25/50 km proximity bands of a border.

    Parameters
    ----------
    line : shapely.Geometry
        The line (border, barrier) in lon/lat; any geometry :func:`buffer_m` accepts.
    distances_km : sequence of float
        Outer distances in km, positive; sorted and deduplicated here.
    quad_segs : int
        Segments per quarter circle of the buffers.

    Returns
    -------
    list of (float, float, shapely.Geometry)
        One entry per distance, nearest band first; the rings do not overlap.

    Examples
    --------
    >>> bands = proximity_bands(shapely.LineString([(11.5, 33.18), (11.45, 32.64)]), (10, 25))
    >>> [(inner, outer) for inner, outer, _ in bands]
    [(0.0, 10.0), (10.0, 25.0)]
    >>> proximity_bands(shapely.LineString([(0, 0), (1, 1)]), (0,))
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: band distances must be positive km, got [0.0]
    """
    outer = sorted({float(km) for km in np.atleast_1d(np.asarray(distances_km, dtype=float))})
    if not outer or not all(np.isfinite(km) and km > 0 for km in outer):
        raise InputError(f"band distances must be positive km, got {outer}")
    bands = []
    inner_km, inner_geom = 0.0, None
    for km in outer:
        disc = buffer_m(line, km * 1000.0, quad_segs=quad_segs)
        ring = disc if inner_geom is None else shapely.difference(disc, inner_geom)
        bands.append((inner_km, km, ring))
        inner_km, inner_geom = km, disc
    return bands
