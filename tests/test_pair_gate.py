"""Detection looks up a span of two or more words only when a name may start with its first two words."""

from __future__ import annotations

import pytest

from geomap.engine import geoparse
from geomap.gazetteer import Gazetteer
from geomap.gazetteer.normalize import leading_pair, normalize, word_skeletons


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


def test_every_multi_word_key_and_demonym_may_start_a_name(gaz):
    """The gate is a necessary condition: no key of two or more words, nor a demonym, is ever ruled out."""
    keys = [k for k in gaz.index.normal_keys() if " " in k][::5] + [k for k in gaz._memory.by_norm if " " in k]
    assert len(keys) > 50_000
    for key in keys:
        assert gaz.may_start_name(*leading_pair(key)), key
    plural = 0
    for demonym in gaz.demonyms():
        for form in (demonym, demonym + "s"):
            pair = leading_pair(normalize(form))
            if pair:
                plural += form.endswith("s")
                assert gaz.may_start_name(*pair), form
    assert plural  # "sri lankans", "south africans"


def test_people_and_organisations_start_no_name(gaz):
    for first, second in (("george", "bush"), ("police", "chief"), ("joe", "manchin"), ("ben", "zzyzx")):
        assert not gaz.may_start_name(first, second), (first, second)


def test_a_second_word_spelled_otherwise_may_start_a_name(gaz):
    """"Ben Guerdane" is GeoNames' "Ben Gardane" by its transliteration key: the words' skeletons let it through."""
    assert word_skeletons("ben", "guerdane") == word_skeletons("ben", "gardane")
    assert "ben guerdane" not in gaz.first_pairs()[0]
    assert gaz.may_start_name("ben", "guerdane")


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Gunmen attacked Ben Guerdane before dawn on Monday.", "Ben Guerdane", "TN"),  # a transliteration
    ("Sri Lankans marched through the capital.", "Sri Lankans", "LK"),  # a demonym's plural
    ("Meanwhile, New York’s attorney general said he would appeal.", "New York", "US"),  # a possessive second word
    ("He flew to New Zealand and then to South Africa.", "New Zealand", "NZ"),
])
def test_detection_still_finds_names_of_two_words(text, name, country):
    found = {(t.text, t.place.country_code) for t in geoparse(text) if t.place}
    assert (name, country) in found, found
