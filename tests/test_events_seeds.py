"""Golden tests on the five seed articles: dates, types, figures per source, the merged
Ben Guerdane event, the other events the articles report. Real gazetteer, real geoparser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
A0, A1, A2, A3, A4 = ("000_99ed67a9c6f8b278", "001_afabbc8f0a8b8052", "002_1f7647938c63438c",
                      "003_eb202909779a93a4", "004_8030042ffd2176c5")


@pytest.fixture(scope="module")
def seeds():
    from geomap.articles import read_articles
    from geomap.boundaries import load_countries
    from geomap.gazetteer import default_gazetteer
    from geomap.pipeline import collect_places, events_stage, geoparse_article
    from geomap.theatre import load_theatre, theatre_layers

    articles, _ = read_articles([SEEDS])
    gaz = default_gazetteer()
    resolutions = [r for a in articles for r in geoparse_article(a, gaz)]
    countries = load_countries()
    layers, _ = theatre_layers(collect_places(resolutions), countries, load_theatre(), articles, gazetteer=gaz)
    result, claims = events_stage(articles, resolutions, layers, countries, gaz)
    return {"articles": {a.id: a for a in articles}, "events": result.events, "anchors": result.anchors,
            "claims": claims, "problems": result.problems}


def _one(events, day, location, sub=None):
    found = [e for e in events if e.date == day and e.location == location and (sub is None or e.sub_event_type == sub)]
    assert len(found) == 1, [(e.id, e.date, e.location, e.sub_event_type) for e in events]
    return found[0]


def _figs(event, article, kind="killed"):
    return sorted((f.group, f.value, f.qualifier) for f in event.figures if f.article_id == article and f.kind == kind
                  and not f.partial)


def test_no_problems_and_every_quote_is_the_text(seeds):
    assert seeds["problems"] == []
    arts = seeds["articles"]
    for e in seeds["events"]:
        for f in e.figures:
            assert arts[f.article_id].text[f.start:f.end] == f.quote
            assert f.quote in f.sentence
        for q in e.evidence:
            assert arts[q.article_id].text[q.start:q.end] == q.quote


def test_article_dates(seeds):
    anchors = seeds["anchors"]
    assert (anchors[A4].date, anchors[A4].basis, anchors[A4].quote) == (date(2016, 3, 8), "text", "March 8, 2016")
    for aid in (A0, A1, A2, A3):  # no date of their own: the collection's, recorded as such
        assert (anchors[aid].date, anchors[aid].basis) == (date(2016, 3, 8), "collection")


def test_ben_guerdane_attack_is_one_event_with_every_source(seeds):
    e = _one(seeds["events"], "2016-03-07", "Ben Guerdane")
    assert (e.event_type, e.sub_event_type, e.time_precision, e.geo_precision) == ("Battles", "Armed clash", 1, 1)
    assert e.sources == [A0, A1, A3, A4]
    assert e.id.startswith("TUN") and e.country == "Tunisia"
    assert (e.actor1, e.actor2) == ("Islamic State (IS)", "Military Forces of Tunisia")
    assert {"Police Forces of Tunisia (National Guard)", "Police Forces of Tunisia"} <= set(e.actors)
    # per-source figures, none dropped: militants 10 / 35 / 36, civilians 5 / >=4 / 7, security forces 1 / 3 / 12
    assert ("militants", 10, "exact") in _figs(e, A0)
    assert ("civilians", 5, "exact") in _figs(e, A0)
    assert ("security_forces", 1, "exact") in _figs(e, A0)
    assert ("total", 16, "exact") in _figs(e, A0)
    assert ("militants", 35, "at_least") in _figs(e, A1)
    assert ("civilians", 4, "at_least") in _figs(e, A1)
    assert ("security_forces", 3, "at_most") in _figs(e, A1)
    assert ("total", 50, "exact") in _figs(e, A1)
    for art in (A3, A4):
        assert {("militants", 36, "exact"), ("civilians", 7, "exact"), ("security_forces", 12, "exact")} \
            <= set(_figs(e, art))
    assert ("total", 55, "at_least") in _figs(e, A4)
    assert ("militants", 6, "exact") in _figs(e, A1, "captured")
    assert ("militants", 7, "exact") in _figs(e, A3, "captured")
    assert {("civilians", 3, "exact"), ("security_forces", 14, "exact")} <= set(_figs(e, A3, "wounded"))


def test_ben_guerdane_headline_is_acleds_lowest_total(seeds):
    from geomap.events import headline, source_totals

    e = _one(seeds["events"], "2016-03-07", "Ben Guerdane")
    assert source_totals(e.figures) == {A0: 16, A1: 50, A3: 55, A4: 55}
    assert headline(e.figures) == (16, 16, 55)


def test_the_clash_the_week_before(seeds):
    week = [e for e in seeds["events"] if e.date_start and "2016-02-27" <= e.date_start <= "2016-03-04"
            and e.sub_event_type == "Armed clash"]
    assert len(week) == 1
    e = week[0]
    assert e.time_precision == 2 and e.location == "Ben Guerdane" and e.sources == [A0, A1]
    assert ("militants", 5, "exact") in _figs(e, A1) and ("civilians", 1, "exact") in _figs(e, A1)
    assert ("unspecified", 5, "exact") in _figs(e, A0)


def test_the_el_amria_clash_is_undated_without_a_date(seeds):
    e = [e for e in seeds["events"] if e.location == "El Amria"]
    assert len(e) == 1 and e[0].date is None and e[0].geo_precision == 2 and e[0].uncertainty_m == 23000
    assert sorted(f.group for f in e[0].figures if f.kind == "wounded") == ["civilians", "security_forces"]
    assert any("date unknown" in n for n in e[0].notes)


def test_the_el_amria_clash_takes_the_date_given(seeds, tmp_path):
    from geomap.pipeline import build

    result = build([SEEDS / f"{A2}.txt"], layers_dir=tmp_path / "l", maps_dir=tmp_path / "m",
                   default_date=date(2016, 3, 2))
    row = result.layers["events"]
    amria = row[row["location"] == "El Amria"].iloc[0]
    assert (amria["event_date"], amria["time_precision"]) == ("2016-03-01", 2)


def test_us_air_strike_near_sabratha(seeds):
    e = _one(seeds["events"], "2016-02-19", "Sabratha")
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert e.id.startswith("LBY") and e.actor1 == "Military Forces of the United States"
    assert e.actor2 == "Islamic State (IS)"
    assert e.sources == [A0, A1, A2, A3]
    assert ("militants", 30, "at_least") in _figs(e, A0)
    assert ("militants", 50, "more_than") in _figs(e, A2)
    assert ("total", 12, "at_least") in _figs(e, A3)  # "dozens of people": ACLED reads dozens as 12


def test_barrier_completion(seeds):
    e = _one(seeds["events"], "2016-02-07", "Tunisia")
    assert (e.event_type, e.sub_event_type, e.geo_precision) == ("Strategic developments", "Other", 3)
    assert e.sources == [A1, A2, A3]
    assert any("Sunday" in n for n in e.notes)  # "Saturday, February 7": 7 Feb 2016 was a Sunday


def test_bardo_and_sousse_attacks_of_2015(seeds):
    events = seeds["events"]
    sousse = [e for e in events if e.location == "Sousse" and e.date and e.date.startswith("2015")]
    bardo = [e for e in events if e.location == "Bardo" and e.date and e.date.startswith("2015")]
    assert len(sousse) == 1 and len(bardo) == 1
    assert sousse[0].event_type == bardo[0].event_type == "Violence against civilians"
    assert sousse[0].date_start == "2015-06-01"  # "last June" beats "last year"
    assert {("civilians", 30, "exact")} <= set(_figs(sousse[0], A0))
    assert {("civilians", 38, "exact")} <= set(_figs(sousse[0], A1))


def test_arrests_and_arms_caches(seeds):
    events = seeds["events"]
    arrests = _one(events, "2016-02-20", "Ben Guerdane", "Arrests")  # "A day after the airstrike"
    assert ("unspecified", 5, "exact") in _figs(arrests, A2, "arrested")
    assert arrests.actor1 == "Police Forces of Tunisia (National Guard)"
    caches = [e for e in events if e.sub_event_type == "Disrupted weapons use"]
    assert {e.sources[0] for e in caches} == {A0, A4}
    tuesday = _one(events, "2016-03-08", "Ben Guerdane")
    assert ("militants", 6, "at_least") in _figs(tuesday, A3)
    assert ("total", 10, "at_least") in _figs(tuesday, A4, "arrested")


def test_events_are_sorted_and_numbered_per_country(seeds):
    ids = [e.id for e in seeds["events"]]
    assert len(ids) == len(set(ids))
    tun = [int(i[3:]) for i in ids if i.startswith("TUN")]
    assert tun == list(range(1, len(tun) + 1))
    dated = [e.date for e in seeds["events"] if e.date]
    assert dated == sorted(dated)
