"""The ACLED-compatible CSV: columns, values from the seeds, determinism, spreadsheet safety,
and the events/claims layers `geomap build` writes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from geomap.export import ACLED_COLUMNS, EXTENSION_COLUMNS, acled_csv, safe_cell
from geomap.model import Event, Evidence, Figure

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from geomap.pipeline import build

    out = tmp_path_factory.mktemp("build")
    result = build([SEEDS], layers_dir=out / "layers", maps_dir=out / "maps")
    return result, out


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_columns_are_acleds_then_extensions(built):
    _, out = built
    header = (out / "layers" / "events.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:17] == ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                           "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude",
                           "geo_precision", "source", "notes", "fatalities"]
    assert header == [*ACLED_COLUMNS, *EXTENSION_COLUMNS]


def test_ben_guerdane_row(built):
    _, out = built
    row = next(r for r in _rows(out / "layers" / "events.csv") if r["event_date"] == "2016-03-07")
    assert (row["event_type"], row["sub_event_type"], row["country"], row["admin1"], row["location"]) == (
        "Battles", "Armed clash", "Tunisia", "Madanin", "Ben Guerdane")
    places = built[0].layers["places"]
    bg = places[places["canonical_name"] == "Ben Gardane"].geometry.iloc[0]
    assert float(row["latitude"]) == pytest.approx(bg.y, abs=1e-4)
    assert float(row["longitude"]) == pytest.approx(bg.x, abs=1e-4)
    assert (row["geo_precision"], row["time_precision"]) == ("1", "1")
    assert (row["fatalities"], row["fatalities_min"], row["fatalities_max"]) == ("16", "16", "55")
    assert (row["militants_killed_min"], row["militants_killed_max"]) == ("10", "36")
    assert (row["civilians_killed_min"], row["civilians_killed_max"]) == ("4", "7")
    assert (row["security_forces_killed_min"], row["security_forces_killed_max"]) == ("1", "12")
    assert row["n_sources"] == "4" and row["source"].count(";") == 3
    assert json.loads(row["fatalities_by_source"])["000_99ed67a9c6f8b278"] == 16
    assert "Killed per source" in row["notes"]


def test_events_and_claims_layers_follow_the_contract(built):
    result, out = built
    fc = json.loads((out / "layers" / "events.geojson").read_text(encoding="utf-8"))
    props = fc["features"][0]["properties"]
    for key in ("event_id", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
                "actor2", "actors", "location", "country", "admin1", "geo_precision", "uncertainty_m", "fatalities",
                "fatalities_min", "fatalities_max", "figures", "sources", "n_sources", "notes", "quotes"):
        assert key in props, key
    bg = next(f for f in fc["features"] if f["properties"]["event_date"] == "2016-03-07")
    assert bg["geometry"]["type"] == "Point"
    fig = bg["properties"]["figures"][0]
    assert set(fig) >= {"group", "kind", "value", "qualifier", "article_id", "start", "end", "quote"}
    claims = json.loads((out / "layers" / "claims.geojson").read_text(encoding="utf-8"))
    assert {f["geometry"]["type"] for f in claims["features"]} == {"LineString"}
    verdicts = sorted(f["properties"]["verdict"] for f in claims["features"])
    assert verdicts == ["consistent"] * 4 + ["inconsistent", "unverifiable"]
    assert result.figures["claims"] == {"consistent": 4, "inconsistent": 1, "unverifiable": 1}


def test_geopackage_flattens_nested_values(built):
    from geomap.layers import read_layer

    _, out = built
    events = read_layer(out / "layers" / "geomap.gpkg", layer="events")
    assert isinstance(events["figures"].iloc[0], str) and json.loads(events["figures"].iloc[0])


def test_csv_is_deterministic(built, tmp_path):
    from geomap.pipeline import build

    _, out = built
    build([SEEDS], layers_dir=tmp_path / "layers", maps_dir=tmp_path / "maps")
    for name in ("events.csv", "events.geojson", "claims.geojson"):
        assert (tmp_path / "layers" / name).read_bytes() == (out / "layers" / name).read_bytes(), name


def _event(location, actor1="Islamic State (IS)"):
    fig = Figure("militants", "killed", 3, "exact", "a", 0, 5, "three", sentence="=cmd|' /C calc'!A0")
    return Event("Battles", "Armed clash", "2016-03-07", "2016-03-07", "2016-03-07", 1, None, location, 1, 0.0,
                 actors=[actor1], actor1=actor1, figures=[fig], evidence=[Evidence("a", 0, 5, "three")],
                 sources=["a"], notes=["-2+3"], id="TUN1", lat=33.1, lon=11.2, country_code="TN", country="Tunisia")


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_defused(payload):
    text = acled_csv([_event(payload, actor1=payload)])
    row = next(csv.DictReader(io.StringIO(text)))
    expected = "'" + payload.replace("\r", "\n")
    assert row["location"] == expected and row["actor1"] == expected
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_numbers_stay_numbers():
    assert (safe_cell(-5), safe_cell(0.5), safe_cell(None), safe_cell(33.13830)) == ("-5", "0.5", "", "33.1383")


def test_cli_date_is_validated(tmp_path, capsys):
    from geomap.cli import main

    assert main(["build", str(SEEDS), "--date", "2016-13-40", "--layers", str(tmp_path / "l"),
                 "--maps", str(tmp_path / "m")]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
