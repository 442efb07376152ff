"""Country boundaries: the shipped table, its rebuild, user files, borders, display copies."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

import geomap.boundaries as bd
from geomap.boundaries import (
    COLUMNS,
    SHIPPED_PATH,
    border_line,
    country,
    display_countries,
    load_countries,
    parse_border_spec,
)
from geomap.errors import InputError, UnknownCountryError
from geomap.measure import geodesic_length_m

REPO = Path(__file__).resolve().parents[1]
WORLD_ATLAS = Path("/tmp/npmwa/package/countries-10m.json")
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load_countries()


def test_doctests() -> None:
    assert doctest.testmod(bd, optionflags=doctest.ELLIPSIS).failed == 0


# -- the shipped table ------------------------------------------------------------------


def test_shipped_table_shape(countries: gpd.GeoDataFrame) -> None:
    assert tuple(countries.columns) == COLUMNS
    assert countries.crs == "EPSG:4326"
    assert len(countries) == 254
    assert countries.is_valid.all()
    assert set(countries.geom_type) <= {"Polygon", "MultiPolygon"}
    coded = countries.loc[countries.iso_a2 != "", "iso_a2"]
    assert not coded.duplicated().any()
    assert list(countries.iso_a2) == sorted(countries.iso_a2)


@pytest.mark.parametrize(
    ("iso_a2", "iso_a3", "iso_n3", "name"),
    [
        ("TN", "TUN", "788", "Tunisia"),
        ("LY", "LBY", "434", "Libya"),
        ("DZ", "DZA", "012", "Algeria"),
        ("XK", "XKX", "", "Kosovo"),  # no id in world-atlas: matched by name
        ("FR", "FRA", "250", "France"),  # -99 in Natural Earth's ISO_A2
    ],
)
def test_shipped_codes(countries, iso_a2, iso_a3, iso_n3, name) -> None:
    row = countries.loc[countries.iso_a2 == iso_a2].iloc[0]
    assert (row.iso_a3, row.iso_n3, row["name"]) == (iso_a3, iso_n3, name)


def test_uncoded_territories_are_kept(countries) -> None:
    uncoded = set(countries.loc[countries.iso_a2 == "", "name"])
    assert {"Somaliland", "N. Cyprus"} <= uncoded


def test_antimeridian_polygons_are_cut(countries) -> None:
    russia = country(countries, "RU")
    area_km2 = abs(GEOD.geometry_area_perimeter(russia)[0]) / 1e6
    assert 16.5e6 < area_km2 < 17.5e6  # a ring wrapped round the world would be far off
    assert russia.intersects(shapely.Point(-175.0, 67.0))  # Chukotka, west of 180
    assert country(countries, "AQ").covers(shapely.Point(0.0, -90.0))  # closed at the pole


def test_load_returns_independent_copies() -> None:
    first = load_countries()
    first.loc[0, "name"] = "changed"
    assert load_countries().loc[0, "name"] != "changed"


def test_shipped_bytes_equal_a_rebuild(tmp_path: Path) -> None:
    if not WORLD_ATLAS.exists():
        pytest.skip(f"needs world-atlas unpacked at {WORLD_ATLAS} (npm pack world-atlas@2)")
    out = tmp_path / "countries.geojson.gz"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_boundaries.py"),
         "--source", str(WORLD_ATLAS), "--out", str(out)],
        check=True, capture_output=True,
    )
    assert out.read_bytes() == SHIPPED_PATH.read_bytes()


# -- borders and codes ------------------------------------------------------------------


def test_tn_ly_border_length(countries) -> None:
    line = border_line(countries, *parse_border_spec("border:TN-LY"))
    km = geodesic_length_m(line) / 1000
    print(f"TN-LY border: {km:.1f} km")
    assert 440 <= km <= 465  # docs/data.md: 449.6 km with NE 10m; CIA: 459 km
    assert line.geom_type == "LineString"
    # it runs from the Algerian tripoint (~30.2 N 9.5 E) to the coast (~33.2 N 11.5 E)
    ends = sorted([line.coords[0], line.coords[-1]], key=lambda c: c[1])
    assert ends[0] == pytest.approx((9.5, 30.2), abs=0.1)
    assert ends[1] == pytest.approx((11.5, 33.2), abs=0.1)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("border:TN-LY", ("TN", "LY")), ("border:tn-ly", ("TN", "LY")), (" border: DZ - TN ", ("DZ", "TN"))],
)
def test_parse_border_spec(spec, expected) -> None:
    assert parse_border_spec(spec) == expected


@pytest.mark.parametrize("spec", ["TN-LY", "border:TN", "border:TUN-LBY", "border:TN-LY-DZ", ""])
def test_parse_border_spec_rejects(spec) -> None:
    with pytest.raises(InputError, match="border:CC1-CC2"):
        parse_border_spec(spec)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: country(c, "XX"), UnknownCountryError, "no country 'XX'"),
        (lambda c: country(c, "TUN"), UnknownCountryError, r"did you mean TN \(Tunisia\)"),
        (lambda c: country(c, "Tunisia"), UnknownCountryError, r"TN \(Tunisia\)"),
        (lambda c: country(c, ""), UnknownCountryError, "no country"),
        (lambda c: border_line(c, "TN", "FR"), InputError, "TN and FR share no land border"),
        (lambda c: border_line(c, "tn", "TN"), InputError, "two different countries"),
        (lambda c: border_line(c, "TN", "ZZ"), UnknownCountryError, "no country 'ZZ'"),
    ],
)
def test_country_errors(countries, call, error, message) -> None:
    with pytest.raises(error, match=message):
        call(countries)


def test_country_is_case_insensitive(countries) -> None:
    assert country(countries, " tn ").equals(country(countries, "TN"))


# -- user files -------------------------------------------------------------------------


def _two_squares(**columns) -> gpd.GeoDataFrame:
    squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    return gpd.GeoDataFrame(columns, geometry=squares, crs="EPSG:4326")


def test_user_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "squares.gpkg"
    _two_squares(ISO_A2=["TN", "LY"], NAME=["West", "East"]).to_file(path, layer="countries")
    user = load_countries(path)
    assert tuple(user.columns) == COLUMNS and user.crs == "EPSG:4326"
    assert user[["iso_a2", "iso_a3", "iso_n3", "name"]].values.tolist() == [
        ["LY", "LBY", "434", "East"],
        ["TN", "TUN", "788", "West"],
    ]
    line = border_line(user, "TN", "LY")
    assert line.equals(shapely.LineString([(1, 0), (1, 1)]))
    assert geodesic_length_m(line) == pytest.approx(110_574, abs=1)  # 1 degree of latitude


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"ISO_A2_EH": ["TN", "LY"], "ISO_A2": ["-99", "-99"]}, ["LY", "TN"]),  # _EH preferred
        ({"ISO_A2": ["-99", "ly"]}, ["", "LY"]),  # -99: kept, uncoded
        ({"iso2": ["TN", "LY"]}, ["LY", "TN"]),
        ({"ADM0_A3": ["TUN", "LBY"]}, ["LY", "TN"]),
        ({"ISO_N3": [788.0, 434.0]}, ["LY", "TN"]),
    ],
)
def test_user_code_columns(columns, expected) -> None:
    user = bd.normalise_countries(_two_squares(**columns))
    assert user.iso_a2.tolist() == expected


def test_user_file_alpha3_projected_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "squares.geojson"
    gdf = _two_squares(GID_0=["TUN", "TUN"]).to_crs("EPSG:3857")
    gdf.to_file(path)
    user = load_countries(path)
    assert user.crs == "EPSG:4326" and user.iso_a2.tolist() == ["TN"]
    merged = user.geometry.iloc[0]  # the two rows coded TUN, merged, back in degrees
    assert merged.geom_type == "Polygon"
    assert merged.symmetric_difference(shapely.box(0, 0, 2, 1)).area < 1e-9


def test_user_file_without_code_column(tmp_path: Path) -> None:
    path = tmp_path / "nocodes.gpkg"
    _two_squares(label=["a", "b"]).to_file(path)
    with pytest.raises(InputError, match=r"nocodes\.gpkg has no ISO country code column .*label.*iso_a2"):
        load_countries(path)


def test_user_file_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read boundaries from"):
        load_countries(tmp_path / "missing.gpkg")


# -- display copies ---------------------------------------------------------------------


def test_display_countries_region(countries) -> None:
    box = (7.0, 29.0, 16.0, 38.0)
    light = display_countries(countries, bbox=box)
    again = display_countries(countries, bbox=box)
    assert light.geometry.to_wkb().tolist() == again.geometry.to_wkb().tolist()  # deterministic
    assert light.is_valid.all() and light.crs == "EPSG:4326"
    assert sorted(light.iso_a2) == ["DZ", "IT", "LY", "MT", "TN"]
    full = countries[countries.iso_a2.isin(light.iso_a2)].clip(shapely.box(*box))
    assert light.geometry.count_coordinates().sum() < 0.75 * full.geometry.count_coordinates().sum()
    # shared edges are simplified once: neighbours still meet along a line, with no gap
    tn, ly = (light.loc[light.iso_a2 == cc].geometry.iloc[0] for cc in ("TN", "LY"))
    assert geodesic_length_m(border_line(light, "TN", "LY")) / 1000 > 400
    assert tn.intersection(ly).area == 0
