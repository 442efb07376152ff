"""`geomap build` on the five seed articles: places, measures, layers on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geomap.articles import read_articles
from geomap.measure import distance_m
from geomap.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# data.md reference coordinates: (lat, lon, country)
EXPECTED = {
    "Ben Guerdane": (33.138, 11.220, "TN"),
    "Ben Guerdan": (33.138, 11.220, "TN"),
    "Sabratha": (32.793, 12.488, "LY"),
    "Ras Jedir": (33.166, 11.562, "TN"),
    "Tunis": (36.819, 10.166, "TN"),
    "Sousse": (35.825, 10.637, "TN"),
    "Bardo": (36.811, 10.135, "TN"),
    "Tripoli": (32.887, 13.187, "LY"),
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    return build([SEEDS], layers_dir=out / "layers", maps_dir=out / "maps")


def _by_written(result):
    """Written name → {source_id: Place}."""
    found: dict = {}
    for p in result.places:
        for m in p.mentions:
            found.setdefault(m.text, {})[p.source_id] = p
    return found


def test_seed_copies_are_verbatim():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared/seeds not beside the checkout")
    for f in shared.iterdir():
        assert (SEEDS / f.name).read_bytes() == f.read_bytes()


def test_all_five_seeds_read_without_problems(result):
    assert len(result.articles) == 5
    assert result.problems == []


@pytest.mark.parametrize("written", sorted(EXPECTED))
def test_seed_places_within_2_km(result, written):
    lat, lon, cc = EXPECTED[written]
    places = _by_written(result).get(written)
    assert places, f"{written!r} not found in the seeds"
    for p in places.values():
        assert p.country_code == cc
        assert float(distance_m(p.lat, p.lon, lat, lon)) < 2000, (written, p.canonical_name)


def test_el_amria_is_the_tunisian_sector(result):
    (p,) = _by_written(result)["El Amria"].values()
    assert p.country_code == "TN"
    assert p.precision == 2 and p.uncertainty_m > 0
    assert float(distance_m(p.lat, p.lon, 33.138, 11.220)) < 30_000
    assert list(_by_written(result)["El-Amria"]) == [p.source_id]


def test_countries_named_in_the_seeds(result):
    names = _by_written(result)
    assert list(names["Libya"]) == ["country:LY"]
    assert list(names["Tunisia"]) == ["country:TN"]


def test_no_place_outside_the_countries_the_seeds_name(result):
    """Every resolved place lies in a country some seed names (no 'Carnegie, USA' from a think tank)."""
    named = {p.country_code for p in result.places if p.feature == "country"}
    stray = [(p.canonical_name, p.country_code) for p in result.places if p.country_code not in named]
    assert stray == []
    towns = [p for p in result.places if p.feature != "country"]
    assert {p.country_code for p in towns} <= {"TN", "LY", "IQ", "SY"}


def test_every_mention_is_its_own_slice_of_the_article(result):
    texts = {a.id: a.text for a in result.articles}
    n = 0
    for p in result.places:
        for m in p.mentions:
            assert texts[m.article_id][m.start:m.end] == m.text
            assert m.text in m.sentence
            n += 1
    assert n > 100


def test_figures(result):
    f = result.figures
    assert 440 <= f["border_km"] <= 465
    assert 150 <= f["barrier_km"] <= 260


def _layer(result, name):
    path = next(p for p in result.written if p.name == f"{name}.geojson")
    return json.loads(path.read_text(encoding="utf-8"))


def test_places_layer_is_rfc7946_with_measures(result):
    fc = _layer(result, "places")
    assert fc["type"] == "FeatureCollection"
    by_id = {f["properties"]["source_id"]: f for f in fc["features"]}
    sab = by_id["geonames:2212771"]
    lon, lat = sab["geometry"]["coordinates"]
    assert (round(lat, 2), round(lon, 2)) == (32.79, 12.49)  # lon/lat order
    assert 89 <= sab["properties"]["border_km"] <= 94
    assert sab["properties"]["side"] == "LY"
    bg = by_id["geonames:2472431"]["properties"]
    assert 20 <= bg["border_km"] <= 35 and bg["side"] == "TN"
    assert set(bg["names_written"]) == {"Ben Guerdane", "Ben Guerdan"}
    m = bg["mentions"][0]
    assert {"article_id", "start", "end", "text", "sentence"} <= set(m)


def test_distances_layer(result):
    rows = {(f["properties"]["from_id"], f["properties"]["to_id"]): f["properties"]["km"]
            for f in _layer(result, "distances")["features"]}
    assert 89 <= rows[("geonames:2212771", "border:TN-LY")] <= 94
    assert 20 <= rows[("geonames:2472431", "border:TN-LY")] <= 35
    assert 90 <= rows[("geonames:2212771", "sup:ras-jedir-crossing")] <= 100
    assert rows[("sup:el-amria-tn", "geonames:2472431")] < 30


def test_barrier_layer_carries_reported_lengths(result):
    (feat,) = _layer(result, "barrier")["features"]
    props = feat["properties"]
    assert props["approximate"] is True
    assert sorted((r["value"], r["unit"]) for r in props["reported"]) == [(125, "mi"), (200, "km"), (250, "km")]
    texts = {a.id: a.text for a in result.articles}
    for r in props["reported"]:
        assert texts[r["article_id"]][r["start"]:r["end"]] == r["quote"]


def test_geopackage_holds_every_layer(result):
    import pyogrio

    gpkg = next(p for p in result.written if p.suffix == ".gpkg")
    names = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert names == {"places", "areas", "border", "barrier", "distances", "events", "claims"}


def test_rebuild_is_byte_identical(result, tmp_path):
    again = build([SEEDS], layers_dir=tmp_path / "layers", maps_dir=tmp_path / "maps")
    for a, b in zip(sorted(result.written), sorted(again.written)):
        assert a.name == b.name
        assert a.read_bytes() == b.read_bytes(), a.name
    assert result.map_path.read_bytes() == again.map_path.read_bytes()


def test_one_bad_input_does_not_lose_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Militants attacked Ben Guerdane in Tunisia.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "broken.jsonl").write_text('{"text": "Sabratha, Libya"}\n{oops\n', encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Attaque à Ben Gardane, Tunisie.".encode("cp1252"))
    res = build([tmp_path], layers_dir=tmp_path / "l", maps_dir=tmp_path / "m")
    assert len(res.articles) == 3
    msgs = " ".join(p.message for p in res.problems)
    assert "empty" in msgs and "not valid JSON" in msgs and "cp1252" in msgs
    assert {p.canonical_name for p in res.places} >= {"Ben Gardane", "Şabrātah"}


def test_unicode_text_with_a_byte_order_mark_is_read_and_binary_files_are_skipped(tmp_path):
    (tmp_path / "windows.txt").write_bytes("Militants attacked Ben Guerdane, Tunisia.".encode("utf-16"))
    (tmp_path / "wide.txt").write_bytes("Sabratha, Libya, was hit.".encode("utf-32"))
    (tmp_path / "photo.txt").write_bytes(bytes(range(256)) * 40)  # a binary file under a text name
    # marked as UTF-8, with one byte that is not: the rest is still read as UTF-8
    (tmp_path / "marked.txt").write_bytes(b"\xef\xbb\xbfZarzis \xff and M\xc3\xa9denine")
    arts, probs = read_articles([tmp_path])
    assert {a.id: a.text for a in arts} == {"windows": "Militants attacked Ben Guerdane, Tunisia.",
                                             "wide": "Sabratha, Libya, was hit.",
                                             "marked": "Zarzis \ufffd and Médenine"}
    assert sorted((Path(p.path).name, p.fatal) for p in probs) == [("marked.txt", False), ("photo.txt", True)]
    binary = next(p for p in probs if p.fatal)
    assert "not text" in binary.message and "UTF-8" in binary.message


def test_read_html_and_markdown(tmp_path):
    (tmp_path / "a.html").write_text("<html><head><title>Raid</title><script>var x='Paris'</script></head>"
                                     "<body><p>Clashes in Ben Guerdane &amp; Zarzis.</p></body></html>")
    (tmp_path / "b.md").write_text("# Heading\n\nSabratha *strike*.")
    arts, probs = read_articles([tmp_path])
    assert probs == []
    html = next(a for a in arts if a.id == "a")
    assert html.title == "Raid" and "Paris" not in html.text and "Ben Guerdane & Zarzis" in html.text
