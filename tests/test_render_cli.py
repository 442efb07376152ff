"""`geomap render FILE ... -o OUT.html`: geomap's own layers, users' files of any schema, errors that name the fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas
import pytest
from shapely.geometry import LineString, Point, Polygon
from test_render import BEN_GARDANE, HOSTILE, blob, column, events_layers, layer, seed_layers

from geomap.cli import main
from geomap.layers import write_layers
from geomap.render_files import read_map_layers

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@pytest.fixture(scope="module")
def own_layers(tmp_path_factory) -> Path:
    """geomap's own layer files (GeoJSON + GeoPackage) written by geomap.layers from the seed layers."""
    directory = tmp_path_factory.mktemp("layers")
    write_layers({**seed_layers(), **events_layers()}, directory)
    return directory


@pytest.fixture()
def odd_geojson(tmp_path) -> Path:
    """A user's GeoJSON: no name column, odd keys, nested values, mixed types, a feature with no geometry."""
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [11.22, 33.138]},
         "properties": {"Nom du lieu": "Ben Gardane", "pop.": 79912, "tags": ["souk", "border"],
                        "meta": {"src": "survey", "year": 2014}, "remarks": HOSTILE}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[11.1, 33.0], [11.4, 33.0], [11.4, 33.2],
                                                                            [11.1, 33.0]]]},
         "properties": {"Nom du lieu": "zone", "pop.": None, "tags": [], "meta": None, "remarks": "ok"}},
        {"type": "Feature", "geometry": None, "properties": {"Nom du lieu": "nowhere", "pop.": 1, "tags": ["x"],
                                                             "meta": {}, "remarks": ""}},
    ]
    path = tmp_path / "my survey.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geomap.cli", "render", *args], capture_output=True, text=True,
                          timeout=300)


def test_render_geomap_own_geojson_layers(own_layers, tmp_path):
    out = tmp_path / "map.html"
    files = sorted(str(path) for path in own_layers.glob("*.geojson"))
    result = run(*files, "-o", str(out), "--title", "Seeds", "--no-online-tiles")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = blob(out.read_text(encoding="utf-8"))
    names = [item["name"] for item in data["layers"]]
    assert names == ["bands", "border", "barrier", "distances", "claims", "places", "events"]
    assert data["title"] == "Seeds" and data["tiles"] == []
    assert column(layer(data, "places"), "canonical_name") == ["Ben Gardane", "El Amria", "Sabratha"]
    figures = column(layer(data, "events"), "figures")[1]  # nested lists survive the GeoJSON round trip
    assert figures[0]["quote"].startswith("Ten militants, five civilians")
    # the same files give the same bytes
    again = tmp_path / "again.html"
    assert run(*files, "-o", str(again), "--title", "Seeds", "--no-online-tiles").returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_render_geopackage_draws_every_layer(own_layers, tmp_path):
    out = tmp_path / "gpkg.html"
    assert main(["render", str(own_layers / "geomap.gpkg"), "-o", str(out), "--bands", "none", "--no-basemap"]) == 0
    data = blob(out.read_text(encoding="utf-8"))
    assert sorted(item["name"] for item in data["layers"]) == ["barrier", "border", "claims", "distances", "events",
                                                               "places"]
    assert data["basemap"] is None
    # the GeoPackage stores lists as JSON text: they are drawn as lists again
    mentions = column(layer(data, "places"), "mentions")[0]
    assert isinstance(mentions, list) and mentions[0]["text"] == "Ben Guerdan"


def test_render_a_user_geojson_of_any_schema(odd_geojson, tmp_path):
    out = tmp_path / "odd.html"
    result = run(str(odd_geojson), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "my survey (3)" in result.stdout
    page = out.read_text(encoding="utf-8")
    data = blob(page)
    odd = layer(data, "my survey")
    assert odd["role"] == "generic" and odd["n"] == 2 and odd["dropped"] == 1
    assert odd["columns"] == ["Nom du lieu", "pop.", "tags", "meta", "remarks"]
    assert column(odd, "tags") == [["souk", "border"], []]
    assert column(odd, "meta") == [{"src": "survey", "year": 2014}, None]
    assert HOSTILE in column(odd, "remarks") and "<img src=x" not in page
    assert [geom["type"] for geom in odd["geoms"]] == ["Point", "Polygon"]


def test_other_crs_is_reprojected(tmp_path):
    utm = geopandas.GeoDataFrame({"name": ["Ben Gardane"]}, geometry=[Point(BEN_GARDANE[1], BEN_GARDANE[0])],
                                 crs="EPSG:4326").to_crs("EPSG:32632")
    path = tmp_path / "utm.gpkg"
    utm.to_file(path, layer="towns", driver="GPKG")
    layers, problems = read_map_layers([path])
    assert problems == []
    point = layers["towns"].geometry.iloc[0]
    assert (round(point.y, 5), round(point.x, 5)) == BEN_GARDANE


def test_bad_files_are_reported_and_the_good_ones_drawn(odd_geojson, tmp_path):
    not_geo = tmp_path / "notes.txt"
    not_geo.write_text("just text\n", encoding="utf-8")
    table = tmp_path / "table.csv"
    table.write_text("name,value\na,1\n", encoding="utf-8")
    out = tmp_path / "map.html"
    result = run(str(tmp_path / "missing.geojson"), str(not_geo), str(table), str(odd_geojson), "-o", str(out))
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert any("missing.geojson: no such file: check the path" in line for line in warnings)
    assert any("notes.txt: cannot be read as GeoJSON/GeoPackage" in line for line in warnings)
    assert any("table.csv: has no geometry" in line for line in warnings)
    assert "Traceback" not in result.stderr
    assert [item["name"] for item in blob(out.read_text(encoding="utf-8"))["layers"]] == ["my survey"]


@pytest.mark.parametrize(("args", "message"), [
    (["{missing}", "-o", "{out}"], "none of the files could be drawn"),
    (["{good}", "-o", "{tmp}"], "is a folder"),
    (["{good}", "-o", "{out}", "--bands", "ten"], "give km separated by commas"),
    (["{good}", "-o", "{out}", "--bands", "-5"], "positive number of km"),
])
def test_errors_exit_2_and_name_the_fix(odd_geojson, tmp_path, args, message):
    values = {"missing": str(tmp_path / "nope.geojson"), "out": str(tmp_path / "m.html"), "tmp": str(tmp_path),
              "good": str(odd_geojson)}
    result = run(*(arg.format(**values) for arg in args))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bands_follow_a_border_layer(tmp_path):
    border = geopandas.GeoDataFrame({"name": ["a border"]}, geometry=[LineString([(11.5, 33.18), (11.45, 32.64)])],
                                    crs="EPSG:4326")
    zone = geopandas.GeoDataFrame({"name": ["z"]}, geometry=[Polygon([(11, 33), (11.2, 33), (11.2, 33.2)])],
                                  crs="EPSG:4326")
    border.to_file(tmp_path / "border.geojson", driver="GeoJSON")
    zone.to_file(tmp_path / "zone.geojson", driver="GeoJSON")
    out = tmp_path / "m.html"
    assert main(["render", str(tmp_path / "border.geojson"), str(tmp_path / "zone.geojson"), "-o", str(out),
                 "--bands", "5,20", "--no-basemap"]) == 0
    bands = layer(blob(out.read_text(encoding="utf-8")), "bands")
    assert column(bands, "name") == ["5 km from the border", "5–20 km from the border"]
