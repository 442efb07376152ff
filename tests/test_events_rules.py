"""Unit tests of the events rules on sentences that are not in the seeds: numbers, hedges,
dates, actors, figures, and a whole small article through the real gazetteer."""

from __future__ import annotations

from datetime import date

import pytest

from geomap.events import article_anchors, extract_events
from geomap.events.actors import canonical_actor, find_actors
from geomap.events.dates import Anchor, find_dates, infer_anchor
from geomap.events.figures import find_figures, group_of
from geomap.events.quantities import parse_number, parse_quantity
from geomap.model import Article


@pytest.fixture(scope="module")
def gazetteer():
    from geomap.gazetteer import default_gazetteer

    return default_gazetteer()


@pytest.mark.parametrize("text, value", [
    ("five", 5), ("Ten", 10), ("twenty-five", 25), ("thirty six", 36), ("two hundred", 200), ("5,000", 5000),
    ("12", 12), ("one thousand two hundred", 1200),
])
def test_number_words(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, value, qualifier, high", [
    ("at least 35", 35, "at_least", None),
    ("as many as three", 3, "at_most", None),
    ("more than 50", 50, "more_than", None),
    ("over 50", 50, "more_than", None),
    ("up to ten", 10, "at_most", None),
    ("dozens", 12, "at_least", None),
    ("dozens of", 12, "at_least", None),
    ("about 50", 50, "about", None),
    ("nearly 40", 40, "about", None),
    ("fewer than 7", 7, "fewer_than", None),
    ("between 10 and 15", 10, "approximate_range", 15),
    ("five or more", 5, "at_least", None),
    ("several", 3, "at_least", None),
    ("seven", 7, "exact", None),
])
def test_hedges(text, value, qualifier, high):
    q = parse_quantity(text)
    assert (q.value, q.qualifier, q.high) == (value, qualifier, high)


def test_no_quantity_in_plain_words():
    assert parse_quantity("the town") is None


REF = Anchor(date(2016, 3, 8), "metadata")  # a Tuesday


@pytest.mark.parametrize("text, start, end, precision", [
    ("fighting erupted on Monday (7 March)", "2016-03-07", "2016-03-07", 1),
    ("on Monday", "2016-03-07", "2016-03-07", 1),
    ("On 19 February", "2016-02-19", "2016-02-19", 1),
    ("a February 19, U.S. airstrike", "2016-02-19", "2016-02-19", 1),
    ("last week", "2016-02-29", "2016-03-06", 2),
    ("last month", "2016-02-01", "2016-02-29", 3),
    ("At the end of February", "2016-02-20", "2016-02-29", 2),
    ("last year", "2015-01-01", "2015-12-31", 3),
    ("last June", "2015-06-01", "2015-06-30", 3),
    ("in November", "2015-11-01", "2015-11-30", 3),
    ("in March 2015", "2015-03-01", "2015-03-31", 3),
    ("on 3 January 2014", "2014-01-03", "2014-01-03", 1),
    ("yesterday", "2016-03-07", "2016-03-07", 1),
    ("two weeks ago", "2016-02-20", "2016-02-26", 2),
])
def test_relative_dates(text, start, end, precision):
    d = find_dates(text, REF)[0]
    assert (d.start_date.isoformat(), d.end_date.isoformat(), d.precision) == (start, end, precision)


def test_weekday_after_a_caption_date_may_be_the_next_day():
    # a date read from the text (a photo caption) is a lower bound of publication:
    # "the army said Wednesday" in an article captioned "March 8, 2016" (a Tuesday) is March 9
    caption = Anchor(date(2016, 3, 8), "text")
    assert find_dates("the army said Wednesday", caption)[0].start_date == date(2016, 3, 9)
    assert find_dates("the army said Wednesday", REF)[0].start_date == date(2016, 3, 2)


def test_weekday_mismatch_is_noted():
    d = find_dates("On Saturday, February 7, the minister visited", REF)[0]
    assert d.start_date == date(2016, 2, 7) and "Sunday" in d.note


def test_month_names_count_only_capitalised():
    assert find_dates("they may attack again", REF) == []


def test_only_dates_with_a_year_without_an_anchor():
    assert [d.phrase for d in find_dates("on Monday, in March 2015", None)] == ["March 2015"]


def test_article_date_from_metadata_text_or_default():
    assert infer_anchor("x", metadata="2016-03-09T10:00:00Z").basis == "metadata"
    a = infer_anchor("Soldiers patrol ... near the Libyan border March 8, 2016. REUTERS/Zoubeir Souissi")
    assert (a.date, a.basis, a.quote) == (date(2016, 3, 8), "text", "March 8, 2016")
    assert infer_anchor("nothing", default=date(2020, 1, 2)).basis == "--date"


def test_undated_articles_borrow_the_collection_date():
    arts = [Article("a", "a", "", "Published March 8, 2016."), Article("b", "b", "", "On Monday clashes.")]
    anchors = article_anchors(arts)
    assert anchors["b"].basis == "collection" and anchors["b"].date == date(2016, 3, 8)
    assert article_anchors(arts, date(2017, 1, 1))["b"].basis == "--date"


@pytest.mark.parametrize("alias", ["Islamic State", "IS", "ISIS", "Isis", "ISIL", "Daesh", "Islamic State group"])
def test_islamic_state_aliases_merge(alias):
    assert canonical_actor(alias) == "Islamic State (IS)"


def test_other_groups_and_lower_case_is():
    assert canonical_actor("Jund al-Khilafah") == canonical_actor("Jund al Khilafa") == "Jund al-Khilafah"
    assert canonical_actor("al-Qaeda") == canonical_actor("al Qaida") == "al-Qaeda"
    assert [a.name for a in find_actors("it is what it is") if a.kind == "group"] == []


def test_state_forces_take_the_country_written_with_them():
    text = "Kenyan troops and police from Uganda met militants."
    countries = [(0, 6, "KE", "Kenya"), (30, 36, "UG", "Uganda")]
    names = [(a.name, a.kind) for a in find_actors(text, countries=countries)]
    assert ("Military Forces of Kenya", "military") in names
    assert ("Police Forces of Uganda", "police") in names
    assert ("Unidentified Armed Group", "armed") in names


def test_group_nouns():
    assert [group_of(n) for n in ("gunmen", "policemen", "security personnel", "tourists", "people", "individuals")] \
        == ["militants", "security_forces", "security_forces", "civilians", "total", "unspecified"]


@pytest.mark.parametrize("sentence, expected", [
    ("Gunmen killed four policemen and wounded nine civilians near the market.",
     [("security_forces", "killed", 4, "exact"), ("civilians", "wounded", 9, "exact")]),
    ("At least 12 soldiers and dozens of insurgents were killed in the fighting.",
     [("security_forces", "killed", 12, "at_least"), ("militants", "killed", 12, "at_least")]),
    ("Police arrested more than 20 suspects on Friday.", [("unspecified", "arrested", 20, "more_than")]),
    ("The death toll rose to 31 on Sunday.", [("total", "killed", 31, "exact")]),
    ("Three soldiers died and two were wounded.",
     [("security_forces", "killed", 3, "exact"), ("security_forces", "wounded", 2, "exact")]),
    ("About 50 fighters took part in the raid.", []),
    ("The town has 79,000 inhabitants and lies 30 km away.", []),
])
def test_figures_on_new_sentences(sentence, expected):
    figs = find_figures(sentence, "x")
    assert [(f.group, f.kind, f.value, f.qualifier) for f in figs] == expected
    assert all(sentence[f.start:f.end] == f.quote for f in figs)


def test_a_new_article_end_to_end(gazetteer):
    from geomap.pipeline import collect_places, geoparse_article

    text = ("On Friday (4 March) gunmen killed three soldiers and wounded two civilians in Kasserine, police said. "
            "Two days later, troops arrested at least 12 suspects in Kasserine.")
    art = Article("k1", "k1", "", text, date="2016-03-08")
    places = collect_places(geoparse_article(art, gazetteer), include_demonym_only=True)
    events = extract_events([art], places, country_names={"TN": ("Tunisia", "TUN")}).events
    got = [(e.date, e.time_precision, e.event_type, e.sub_event_type, e.location) for e in events]
    assert got == [("2016-03-04", 1, "Battles", "Armed clash", "Kasserine"),
                   ("2016-03-06", 1, "Strategic developments", "Arrests", "Kasserine")]
    assert events[0].actor1 == "Unidentified Armed Group (Tunisia)"
    assert events[0].actor2 == "Military Forces of Tunisia"
    for e in events:
        for q in e.evidence:
            assert text[q.start:q.end] == q.quote


def test_plans_and_hypotheses_are_not_events(gazetteer):
    from geomap.pipeline import collect_places, geoparse_article

    text = ("Militants were planning a large attack on Sfax. If the army had not acted, they would have "
            "stormed Gabes. Officials fear fighters may attack Tozeur next week.")
    art = Article("p1", "p1", "", text, date="2016-03-08")
    places = collect_places(geoparse_article(art, gazetteer), include_demonym_only=True)
    assert extract_events([art], places).events == []


def test_a_bad_article_does_not_stop_the_others(gazetteer, monkeypatch):
    from geomap.events import extract as ex

    good = Article("g", "g", "", "On Monday (7 March) clashes killed five soldiers in Sfax.", date="2016-03-08")
    bad = Article("b", "b", "", "On Monday clashes in Sfax.", date="2016-03-08")
    real = ex.article_mentions

    def flaky(article, places, anchor):
        if article.id == "b":
            raise ValueError("broken article")
        return real(article, places, anchor)

    monkeypatch.setattr("geomap.events.article_mentions", flaky)
    from geomap.pipeline import collect_places, geoparse_article

    places = collect_places(geoparse_article(good, gazetteer) + geoparse_article(bad, gazetteer))
    result = extract_events([bad, good], places)
    assert [e.sources for e in result.events] == [["g"]]
    assert result.problems and result.problems[0][0] == "b"
