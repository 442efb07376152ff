"""Claims: the seeds' distances and lengths checked against the geometry, and new sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.events.claims import Line, find_claims, tolerance_km
from geomap.model import Article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def gazetteer():
    from geomap.gazetteer import default_gazetteer

    return default_gazetteer()


@pytest.fixture(scope="module")
def countries():
    from geomap.boundaries import load_countries

    return load_countries()


@pytest.fixture(scope="module")
def seed_claims(gazetteer, countries):
    from geomap.articles import read_articles
    from geomap.pipeline import collect_places, events_stage, geoparse_article
    from geomap.theatre import load_theatre, theatre_layers

    articles, _ = read_articles([SEEDS])
    resolutions = [r for a in articles for r in geoparse_article(a, gazetteer)]
    layers, _ = theatre_layers(collect_places(resolutions), countries, load_theatre(), articles, gazetteer=gazetteer)
    _, claims = events_stage(articles, resolutions, layers, countries, gazetteer)
    return {"claims": claims, "articles": {a.id: a for a in articles}, "layers": layers}


def test_every_seed_claim(seed_claims):
    got = {c.quote: (c.kind, c.stated_km, c.computed_km, c.verdict) for c in seed_claims["claims"]}
    barrier_km = round(float(seed_claims["layers"]["barrier"]["length_km"].iloc[0]), 3)
    border_km = round(float(seed_claims["layers"]["border"]["length_km"].iloc[0]), 3)
    assert got == {
        "285mile-long border": ("length", 458.663, border_km, "consistent"),
        "125-mile water-filled trench": ("length", 201.168, barrier_km, "consistent"),
        "200-kilometre (125-mile) barrier": ("length", 200.0, barrier_km, "consistent"),
        "250 km land barrier": ("length", 250.0, barrier_km, "inconsistent"),
        "5 km from": ("distance", 5.0, pytest.approx(17.0, abs=0.5), "unverifiable"),
        "just 100 kilometres (62 miles) from Tunisia’s border": ("distance", 100.0, pytest.approx(92.6, abs=0.1),
                                                                  "consistent"),
    }


def test_claim_quotes_offsets_and_lines(seed_claims):
    for c in seed_claims["claims"]:
        assert seed_claims["articles"][c.article_id].text[c.start:c.end] == c.quote
        assert c.geometry is not None and c.tolerance_km > 0
        assert c.difference_km == pytest.approx(c.computed_km - c.stated_km, abs=0.002)


def test_sabratha_is_measured_to_the_nearest_border_point(seed_claims):
    c = next(c for c in seed_claims["claims"] if "100 kilometres" in c.quote)
    assert "Sabratha" in c.subject and "TN–LY" in c.object
    lon, lat = c.geometry.coords[-1]
    assert (round(lat, 2), round(lon, 2)) == (32.51, 11.56)  # the border's bulge, not Ras Jedir
    assert "62 miles = 99.8 km" in c.method


def test_el_amria_object_lost_from_the_text_is_the_nearest_town(seed_claims):
    c = next(c for c in seed_claims["claims"] if c.quote == "5 km from")
    assert c.subject == "El Amria" and "Ben Gardane" in c.object and "missing" in c.object
    assert c.tolerance_km >= 23  # El Amria is a sector of ~23 km radius: 5 km cannot be tested


@pytest.mark.parametrize("value, unit_km, qualifier, expected", [
    (100, 1.0, "exact", 10.0),    # a round hundred: ±10 %
    (250, 1.0, "exact", 5.0),     # last significant unit 10: ±5
    (285, 1.609344, "exact", 0.805),
    (400, 1.0, "about", 40.0),    # the hedge replaces the rounding, it does not add to it
    (7.5, 1.0, "exact", 0.05),
])
def test_rounding_tolerance(value, unit_km, qualifier, expected):
    assert tolerance_km(value * unit_km, value, unit_km, qualifier) == pytest.approx(expected, abs=0.001)


def _claims_of(text, gazetteer, lines=(), border_between=None):
    from geomap.pipeline import collect_places, geoparse_article

    art = Article("t", "t", "", text)
    places = collect_places(geoparse_article(art, gazetteer), include_demonym_only=True)
    return find_claims([art], places, list(lines), border_between=border_between)


def test_new_distances_between_towns(gazetteer):
    claims = _claims_of("Sfax lies about 270 km south of Tunis. Sousse is 140 km from Tunis.", gazetteer)
    got = [(c.subject, c.object, c.stated_km, round(c.computed_km), c.verdict) for c in claims]
    assert got == [("Sfax", "Tunis", 270.0, 237, "inconsistent"),  # a road distance, not a geodesic one
                   ("Sousse", "Tunis", 140.0, 118, "inconsistent")]


def test_a_border_named_by_two_countries(gazetteer, countries):
    from geomap.boundaries import border_line

    def between(a, b):
        try:
            return border_line(countries, a, b)
        except Exception:
            return None

    claims = _claims_of("Algeria's 1,034-kilometre border with Tunisia is closed. Tunisia's 700 km border with "
                        "Libya is long.", gazetteer, border_between=between)
    assert [(set(c.subject.split()[0].split("–")), c.kind, c.stated_km, c.verdict) for c in claims] == [
        ({"DZ", "TN"}, "length", 1034.0, "consistent"),  # 916.6 km on Natural Earth 1:10m: 11 % short
        ({"LY", "TN"}, "length", 700.0, "inconsistent"),
    ]
    assert claims[0].computed_km == pytest.approx(916.6, abs=0.5)


def test_no_line_no_verdict(gazetteer):
    claims = _claims_of("Egypt built a 60 km wall along the coast.", gazetteer)
    assert [(c.kind, c.verdict, c.computed_km) for c in claims] == [("length", "unverifiable", None)]


def test_not_every_number_with_a_unit_is_a_claim(gazetteer):
    assert _claims_of("The convoy drove 300 km in a day. Rain fell over 20 km of road.", gazetteer) == []


def test_barrier_claims_use_the_line_given(gazetteer):
    import shapely

    line = Line("test wall", shapely.LineString([(10.0, 33.0), (10.0, 34.0)]), "barrier", (), False)
    claims = _claims_of("Tunisia finished a 110 km wall.", gazetteer, lines=[line])
    assert claims[0].computed_km == pytest.approx(110.9, abs=0.1) and claims[0].verdict == "consistent"
