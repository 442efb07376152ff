"""Geodesic measurement against the theatre's real geometry (Natural Earth 10m, offline)."""

from __future__ import annotations

import doctest
import math
import time

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopy.distance import geodesic as geopy_geodesic
from pyproj import Geod

import geomap.measure as ms
from geomap.boundaries import border_line, country, load_countries
from geomap.errors import InputError, UnknownCountryError
from geomap.measure import (
    Nearest,
    buffer_m,
    distance_m,
    geodesic_length_m,
    line_between,
    nearest_point,
    nearest_points,
    offset_into,
    side_of,
)

GEOD = Geod(ellps="WGS84")

# (lat, lon), docs/data.md
SABRATHA = (32.793, 12.488)
BEN_GARDANE = (33.138, 11.220)
RAS_JEDIR = (33.166, 11.562)
DEHIBA = (32.011, 10.703)
AT_SEA = (34.0, 12.0)  # Gulf of Gabes, off Djerba


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load_countries()


@pytest.fixture(scope="module")
def border(countries) -> shapely.LineString:
    return border_line(countries, "TN", "LY")


def brute_force_min_m(
    lat: float, lon: float, line: shapely.LineString, step_m: float = 10.0
) -> tuple[float, np.ndarray]:
    """Minimum geodesic distance to points sampled every *step_m* along each segment's geodesic.

    Independent of geomap.measure: pyproj's own intermediate points, then Geod.inv.
    """
    coords = np.asarray(line.coords)
    samples = [coords]
    for (lon1, lat1), (lon2, lat2) in zip(coords[:-1], coords[1:]):
        inter = GEOD.inv_intermediate(lon1, lat1, lon2, lat2, del_s=step_m, initial_idx=0, terminus_idx=0,
                                     return_back_azimuth=True)
        samples.append(np.column_stack([inter.lons, inter.lats]))
    pts = np.vstack(samples)
    _, _, dist = GEOD.inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
    return float(np.min(dist)), pts


def test_doctests() -> None:
    assert doctest.testmod(ms, optionflags=doctest.ELLIPSIS).failed == 0


# -- point to point ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [(SABRATHA, BEN_GARDANE), (RAS_JEDIR, DEHIBA), ((0.0, 0.0), (0.0, 179.5)), ((-33.9, 18.4), (51.5, -0.1)),
     ((89.9, 0.0), (-89.9, 180.0)), ((10.0, 10.0), (10.0, 10.0))],
)
def test_distance_matches_geopy(a, b) -> None:
    ours = distance_m(a[0], a[1], b[0], b[1])
    assert isinstance(ours, float)
    assert ours == pytest.approx(geopy_geodesic(a, b).meters, abs=1.0)


def test_distance_is_vectorised() -> None:
    lats = np.array([[32.793, 33.138], [33.166, 32.011]])
    lons = np.array([[12.488, 11.220], [11.562, 10.703]])
    out = distance_m(lats, lons, SABRATHA[0], SABRATHA[1])
    assert out.shape == (2, 2)
    assert out[0, 0] == 0.0
    assert out[1, 1] == pytest.approx(geopy_geodesic(DEHIBA, SABRATHA).meters, abs=1.0)


# -- the TN-LY border -------------------------------------------------------------------


def test_border_length(border) -> None:
    assert 440_000 <= geodesic_length_m(border) <= 465_000


def test_sabratha_to_border(countries, border) -> None:
    near = nearest_point(*SABRATHA, border)
    print(f"Sabratha -> TN-LY border: {near.distance_m / 1000:.2f} km at {near.lat:.4f} N {near.lon:.4f} E")
    assert 89_000 <= near.distance_m <= 94_000  # docs/data.md: 92.6 km
    # the border's eastward bulge near 32.5 N 11.6 E, not Ras Ajdir (~96 km)
    assert (near.lat, near.lon) == pytest.approx((32.5, 11.6), abs=0.1)
    assert distance_m(*SABRATHA, *RAS_JEDIR) > near.distance_m + 2_000
    # the nearest point is on the line and on both countries' boundaries
    _, samples = brute_force_min_m(near.lat, near.lon, border)
    assert distance_m(near.lat, near.lon, samples[:, 1], samples[:, 0]).min() < 1_000
    point = shapely.Point(near.lon, near.lat)
    assert border.distance(point) < 1e-6
    for cc in ("TN", "LY"):
        assert country(countries, cc).boundary.distance(point) < 1e-6


def test_ben_gardane_to_border(border) -> None:
    near = nearest_point(*BEN_GARDANE, border)
    print(f"Ben Gardane -> TN-LY border: {near.distance_m / 1000:.2f} km")
    assert 20_000 <= near.distance_m <= 35_000


@pytest.mark.parametrize(
    ("lat", "lon"),
    [SABRATHA, BEN_GARDANE, RAS_JEDIR, DEHIBA, (30.0, 10.0), (31.0, 11.0), (33.5, 9.0), (30.5, 9.6),
     (32.507, 11.5615)],  # the last is on the line
)
def test_nearest_point_is_the_true_minimum(border, lat, lon) -> None:
    near = nearest_point(lat, lon, border)
    vertices = np.asarray(border.coords)
    vertex_min = distance_m(lat, lon, vertices[:, 1], vertices[:, 0]).min()
    brute_min, _ = brute_force_min_m(lat, lon, border)
    assert near.distance_m <= vertex_min + 1e-3
    assert brute_min - 5.0 <= near.distance_m <= brute_min + 0.01  # not just the nearest vertex
    assert near.distance_m == pytest.approx(distance_m(lat, lon, near.lat, near.lon), abs=1e-6)


def test_nearest_points_match_single_calls(border) -> None:
    lats, lons = np.array([SABRATHA[0], BEN_GARDANE[0]]), np.array([SABRATHA[1], BEN_GARDANE[1]])
    many = nearest_points(lats, lons, border)
    assert many == [nearest_point(*SABRATHA, border), nearest_point(*BEN_GARDANE, border)]
    assert all(isinstance(n, Nearest) for n in many)


def test_nearest_point_speed(border) -> None:
    nearest_point(*SABRATHA, border)  # densified line cached
    n = 200
    start = time.perf_counter()
    for i in range(n):
        nearest_point(32.0 + i / n, 12.0, border)
    per_call_ms = (time.perf_counter() - start) / n * 1000
    print(f"nearest_point: {per_call_ms:.2f} ms per call")
    assert per_call_ms < 50


def test_nearest_point_on_multilinestring() -> None:
    near = nearest_point(0.5, 5.5, TWO_PIECES)
    assert (near.lat, near.lon) == pytest.approx((0.0, 5.5), abs=1e-6)
    assert near.distance_m == pytest.approx(distance_m(0.5, 5.5, 0.0, 5.5), abs=0.01)


# -- sides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "expected"),
    [(BEN_GARDANE, "TN"), (SABRATHA, "LY"), (DEHIBA, "TN"), (AT_SEA, None),
     ((9.56, 44.06), None)],  # Hargeisa, Somaliland: land, but no ISO code
)
def test_side_of(countries, point, expected) -> None:
    assert side_of(*point, countries) == expected


# -- buffers, offsets, stretches ---------------------------------------------------------


def test_buffer_point_is_a_geodesic_circle() -> None:
    circle = buffer_m(shapely.Point(BEN_GARDANE[1], BEN_GARDANE[0]), 10_000)
    ring = np.asarray(circle.exterior.coords)
    dist = distance_m(BEN_GARDANE[0], BEN_GARDANE[1], ring[:, 1], ring[:, 0])
    assert np.abs(dist - 10_000).max() < 20


def test_buffer_line_band_is_geodesic(border) -> None:
    band = buffer_m(border, 25_000)
    assert band.contains(shapely.Point(RAS_JEDIR[1], RAS_JEDIR[0]))
    assert not band.contains(shapely.Point(BEN_GARDANE[1], BEN_GARDANE[0]))  # 26.0 km away
    ring = np.asarray(band.exterior.coords)[::25]
    dist = np.array([n.distance_m for n in nearest_points(ring[:, 1], ring[:, 0], border)])
    assert np.abs(dist - 25_000).max() < 30


def test_barrier_along_the_tunisian_side(countries, border) -> None:
    stretch = line_between(border, RAS_JEDIR, DEHIBA)
    barrier = offset_into(stretch, country(countries, "TN"), 2_000)
    km = geodesic_length_m(barrier) / 1000
    stretch_km = geodesic_length_m(stretch) / 1000
    print(f"barrier (Ras Jedir -> Dehiba, 2 km inside TN): {km:.1f} km; border stretch {stretch_km:.1f} km")
    assert 150 <= km <= 300
    coords = np.asarray(barrier.coords)
    # runs from the Ras Jedir end to the Dehiba end
    start_lat, start_lon = coords[0, 1], coords[0, 0]
    assert distance_m(*RAS_JEDIR, start_lat, start_lon) < distance_m(*DEHIBA, start_lat, start_lon)
    sample = coords[:: max(1, len(coords) // 40)]
    for lon, lat in sample:
        assert side_of(lat, lon, countries) == "TN"
        assert nearest_point(lat, lon, border).distance_m == pytest.approx(2_000, abs=50)


def test_line_between_orients_from_a_to_b(border) -> None:
    forward = line_between(border, RAS_JEDIR, DEHIBA)
    backward = line_between(border, DEHIBA, RAS_JEDIR)
    assert geodesic_length_m(forward) == pytest.approx(geodesic_length_m(backward), abs=0.01)
    start = nearest_point(*RAS_JEDIR, border)
    lon, lat = forward.coords[0]
    assert distance_m(lat, lon, start.lat, start.lon) < 0.01


def test_offset_zero_returns_the_line(border) -> None:
    assert offset_into(border, shapely.box(0, 0, 1, 1), 0).equals(border)


# -- errors -----------------------------------------------------------------------------


EMPTY = shapely.LineString()
SEGMENT = shapely.LineString([(11.0, 32.0), (11.5, 32.5)])
TWO_PIECES = shapely.MultiLineString([[(0, 0), (1, 0)], [(5, 0), (6, 0)]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: nearest_point(32.0, 11.0, EMPTY), InputError, "empty"),
        (lambda c: nearest_point(91.0, 11.0, SEGMENT), InputError, "latitude 91.0"),
        (lambda c: nearest_point(32.0, 181.0, SEGMENT), InputError, "longitude 181.0"),
        (lambda c: nearest_point(math.nan, 11.0, SEGMENT), InputError, "latitude nan"),
        (lambda c: nearest_point("north", 11.0, SEGMENT), InputError, "decimal degrees"),
        (lambda c: nearest_point(32.0, 11.0, shapely.box(0, 0, 1, 1)), InputError, "polygon.boundary"),
        (lambda c: nearest_point(32.0, 11.0, None), InputError, "LineString"),
        (lambda c: nearest_points([32.0, -95.0], [11.0, 11.0], SEGMENT), InputError, "latitude -95.0"),
        (lambda c: distance_m(0, 0, -90.5, 0), InputError, "latitude -90.5"),
        (lambda c: buffer_m(shapely.Point(), 10), InputError, "empty"),
        (lambda c: buffer_m(shapely.Point(0, 0), math.inf), InputError, "finite"),
        (lambda c: offset_into(SEGMENT, shapely.box(0, 0, 1, 1), -5), InputError, ">= 0"),
        (lambda c: offset_into(SEGMENT, shapely.box(0, 0, 1, 1), 100), InputError, "inside the polygon"),
        (lambda c: line_between(SEGMENT, (32.0, 11.0), (32.0, 11.0)), InputError, "same point"),
        (lambda c: line_between(SEGMENT, (32.0,), (32.0, 11.0)), InputError, r"\(lat, lon\) pair"),
        (lambda c: line_between(TWO_PIECES, (0, 0), (0, 6)), InputError, "2 separate pieces"),
        (lambda c: side_of(32.0, 200.0, c), InputError, "longitude 200.0"),
        (lambda c: border_line(c, "TN", "XX"), UnknownCountryError, "no country 'XX'"),
        (lambda c: border_line(c, "TN", "EG"), InputError, "TN and EG share no land border"),
    ],
)
def test_errors(countries, call, error, message) -> None:
    with pytest.raises(error, match=message):
        call(countries)
