"""The command line as a user runs it: real processes, real data, JSON contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geomap.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_distance_sabratha_to_border_json_contract():
    out = run("distance", "Sabratha", "border:TN-LY", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"from", "to", "km", "nearest", "method"} <= set(data)
    assert 89 <= data["km"] <= 94
    lat, lon = data["nearest"]
    assert 32.3 < lat < 32.7 and 11.4 < lon < 11.8  # the border's eastward bulge, not Ras Jedir
    assert "geodesic" in data["method"]


@pytest.mark.parametrize(
    ("a", "b", "lo", "hi"),
    [
        ("Ben Guerdane", "border:TN-LY", 20, 35),
        ("33.138,11.220", "32.793,12.488", 115, 125),
        ("Ras Jedir", "Sabratha", 90, 100),
        ("barrier", "border:TN-LY", 1.0, 3.0),
    ],
)
def test_distance_kinds(a, b, lo, hi):
    out = run("distance", a, b, "--json")
    assert out.returncode == 0, out.stderr
    assert lo <= json.loads(out.stdout)["km"] <= hi


def test_geocode_json_lists_candidates_best_first():
    out = run("geocode", "Ben Guerdane", "--json")
    assert out.returncode == 0, out.stderr
    cands = json.loads(out.stdout)
    assert cands[0]["country_code"] == "TN" and cands[0]["source_id"] == "geonames:2472431"
    for key in ("name", "lat", "lon", "country_code", "source_id", "score", "precision"):
        assert key in cands[0]
    scores = [c["score"] for c in cands]
    assert scores == sorted(scores, reverse=True)


def test_geocode_country_filter_and_context():
    out = run("geocode", "El Amria", "--country", "TN", "--json")
    assert {c["country_code"] for c in json.loads(out.stdout)} == {"TN"}
    out = run("geocode", "El Amria", "--context", "TN,LY", "--json")
    assert json.loads(out.stdout)[0]["source_id"] == "sup:el-amria-tn"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["distance", "Qwxzzyqv Plorbth", "border:TN-LY"], "no place matches"),
        (["distance", "Sabratha", "border:TN-XX"], "XX"),
        (["distance", "Sabratha", "border:TN-JP"], "share no land border"),
        (["distance", "95,10", "Sabratha"], "latitude must be in"),
        (["geocode", "Tunis", "--country", "ZZ"], "--country"),
        (["build", "does/not/exist"], "no such file"),
        (["build", "--gazetteer", "missing.csv"], "missing.csv"),
    ],
)
def test_errors_name_the_argument_and_the_fix(args, message):
    out = run(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("command", ["build", "geocode", "distance"])
def test_every_command_has_help_with_an_example(command):
    out = run(command, "--help")
    assert out.returncode == 0
    assert "example" in out.stdout.lower()
    assert f"geomap {command}" in out.stdout


def test_build_json_summary(tmp_path):
    out = run("build", str(ROOT / "seeds"), "--layers", str(tmp_path / "l"), "--maps", str(tmp_path / "m"), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["articles"] == 5 and summary["places"] >= 12
    assert 440 <= summary["border_km"] <= 465
    assert (tmp_path / "m" / "index.html").exists()
    assert (tmp_path / "l" / "geomap.gpkg").exists()
