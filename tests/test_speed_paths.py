"""The fast paths of geoparsing answer exactly as the slow ones they replace."""

from __future__ import annotations

import json

import pytest

from geomap.gazetteer import Gazetteer
from geomap.gazetteer.index import TIER_NORMAL, TIER_SKELETON, build_index, open_index


def _city(gid: int, name: str, population: int, *alternates: str) -> dict:
    return {"geonameid": gid, "name": name, "latitude": 10.0 + gid / 7, "longitude": 20.0 - gid / 3,
            "countrycode": "TN" if gid % 2 else "LY", "population": population, "admin1code": str(gid % 5),
            "alternatenames": list(alternates)}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    """Ties on purpose: equal populations, one place with several aliases of one skeleton."""
    cities = [
        _city(5, "Ben Gardane", 79912, "Ben Guerdane", "Bengardane", "Ben Guerdan"),
        _city(3, "Ben Gardane", 79912, "Ben Gardene"),
        _city(9, "Sabratha", 0, "Sabrata", "Şabrātah", "Sabratah"),
        _city(2, "Sabratha", 0),
        _city(7, "Tripoli", 1_150_989, "Tarabulus", "Trablous"),
        _city(4, "Tripoli", 229_398, "Trablos"),
        _city(8, "Zuwara", 180_310, "Zuara", "Zouara", "Zwara"),
    ]
    src = tmp_path_factory.mktemp("ix") / "cities.json"
    src.write_text(json.dumps({str(c["geonameid"]): c for c in cities}), encoding="utf-8")
    return open_index(build_index(src.parent / "ix.sqlite", source=src))


def test_table_answers_as_sql_on_ties(small_index):
    table = small_index.table
    for tier in (TIER_NORMAL, TIER_SKELETON):
        assert table.keys[tier], tier
        for key in table.keys[tier]:
            for limit in (1, 2, 3, 100):
                assert small_index.lookup(key, tier, limit) == small_index.sql_lookup(key, tier, limit), (key, tier)
    assert small_index.lookup("nowhere") == small_index.sql_lookup("nowhere") == []
    assert not small_index.has("nowhere") and small_index.has("tripoli")
    assert [r.geonameid for r in small_index.lookup("tripoli")] == [7, 4]
    assert [r.geonameid for r in small_index.lookup("sabratha")] == [2, 9]  # equal population: by geonameid


def test_table_keys_and_first_words_match_sql(small_index):
    con = small_index._con()
    keys = [r[0] for r in con.execute("SELECT DISTINCT key FROM names WHERE tier = 0 ORDER BY key")]
    assert small_index.normal_keys() == keys
    assert small_index.first_words() == frozenset(k.split(" ", 1)[0] for k in keys if " " in k)
    skel = {r[0] for r in con.execute("SELECT DISTINCT key FROM names WHERE tier = 1")}
    assert set(small_index.table.keys[TIER_SKELETON]) == skel


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


def test_default_table_answers_as_sql_on_a_sample(gaz):
    """Every 211th key of each tier, and every key with more places than a lookup returns."""
    index = gaz.index
    con = index._con()
    crowded = [r[0] for r in con.execute("SELECT key FROM names WHERE tier = 1 GROUP BY key HAVING count(*) > 100")]
    for tier in (TIER_NORMAL, TIER_SKELETON):
        keys = sorted(index.table.keys[tier])[::211]
        for key in keys + (crowded if tier == TIER_SKELETON else []):
            assert index.lookup(key, tier) == index.sql_lookup(key, tier), (key, tier)
    assert crowded


def test_first_words_include_the_supplements(gaz):
    keys = gaz.index.normal_keys() + list(gaz._memory.by_norm)
    assert gaz.first_words() == frozenset(k.split(" ", 1)[0] for k in keys if " " in k)
