"""The fast paths of geoparsing answer exactly as the slow ones they replace."""

from __future__ import annotations

import json

import pytest

from geomap.gazetteer import Gazetteer
from geomap.gazetteer.index import TIER_NORMAL, TIER_SKELETON, build_index, open_index
from geomap.geocoding.rank import _support_share


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


def _coherence_per_group(candidate_lists, base, groups, w):
    """The per-group form of :func:`geomap.geocoding.rank.coherence` it was rewritten from (the oracle)."""
    import math

    import numpy as np

    out = [[0.0] * len(cands) for cands in candidate_lists]
    if w.coherence <= 0:
        return out
    first_of: dict[int, int] = {}
    for i, g in enumerate(groups):
        first_of.setdefault(g, i)
    if len(first_of) < 2:
        return out
    rows = []
    for g, i in first_of.items():
        cands, scores = candidate_lists[i], base[i]
        if not cands:
            continue
        order = sorted(range(len(cands)), key=lambda k: -scores[k])[:10]
        top = max(scores[k] for k in order)
        weights = [math.exp((scores[k] - top) / w.coherence_temperature) for k in order]
        total = sum(weights) ** w.coherence_normalise
        for k, wt in zip(order, weights):
            c = cands[k]
            if c.feature in ("country", "continent") or wt / total < 0.02:
                continue
            rows.append((g, c.lat, c.lon, c.uncertainty_m / 1000.0, wt / total * _support_share(c.score, w)))
    if not rows:
        return out
    arr = np.asarray([r[1:] for r in rows], dtype=float)
    row_group = np.asarray([r[0] for r in rows])
    group_ids = sorted(set(row_group.tolist()))
    lat2, lon2 = np.radians(arr[:, 0]), np.radians(arr[:, 1])
    for g, i in first_of.items():
        cands = candidate_lists[i]
        if not cands:
            continue
        pts = np.radians(np.asarray([(c.lat, c.lon) for c in cands], dtype=float))
        dp = pts[:, None, 0] - lat2[None, :]
        dl = pts[:, None, 1] - lon2[None, :]
        a = np.sin(dp / 2) ** 2 + np.cos(pts[:, None, 0]) * np.cos(lat2[None, :]) * np.sin(dl / 2) ** 2
        km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        own_r = np.asarray([c.uncertainty_m / 1000.0 for c in cands])
        eff = np.maximum(km - arr[None, :, 2] - own_r[:, None], 0.0)
        close = np.clip(1.0 - eff / w.coherence_km, 0.0, 1.0) * arr[None, :, 3]
        support = np.zeros(len(cands))
        for h in group_ids:
            if h == g:
                continue
            support += close[:, row_group == h].max(axis=1)
        term = w.coherence * (1.0 - np.exp(-support))
        values = [0.0 if c.feature in ("country", "continent") else float(t) for c, t in zip(cands, term)]
        for j, gj in enumerate(groups):
            if gj == g:
                out[j] = values
    return out


def test_document_wide_coherence_is_bit_identical_to_the_per_group_form():
    import random

    from geomap.geocoding.rank import Weights, coherence
    from geomap.model import Candidate

    rng = random.Random(7)
    match_scores = [1.0, 1.0, 0.9, 0.55]
    features = ["populated place"] * 6 + ["admin1", "admin2", "country", "continent", "region"]
    for trial in range(300):
        n_groups = rng.randint(1, 9)
        centre = (rng.uniform(-60, 60), rng.uniform(-170, 170))
        per_group = []
        for g in range(n_groups):
            cands = []
            for k in range(rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 25])):
                near = rng.random() < 0.6
                lat = centre[0] + rng.gauss(0, 2.5) if near else rng.uniform(-89, 89)
                lon = centre[1] + rng.gauss(0, 2.5) if near else rng.uniform(-180, 180)
                cands.append(Candidate(f"p{g}.{k}", max(-90.0, min(90.0, lat)), lon, "US", rng.choice(features),
                                       rng.randint(0, 10**6), f"id:{g}:{k}",
                                       score=rng.choice(match_scores),
                                       uncertainty_m=rng.choice([0.0, 0.0, 15_000.0, rng.uniform(0, 400_000)])))
            per_group.append(cands)
        # group ids need not be in first-appearance order, and a name may come more than once
        ids = rng.sample(range(50), n_groups)
        mentions = [rng.randrange(n_groups) for _ in range(rng.randint(n_groups, n_groups + 4))]
        lists = [per_group[m] for m in mentions]
        base_by_group = [[rng.choice([rng.uniform(0, 1.5), 1.0, 0.75]) for _ in c] for c in per_group]
        base = [base_by_group[m] for m in mentions]
        groups = [ids[m] for m in mentions]
        w = Weights() if trial % 3 else Weights(coherence_normalise=rng.choice([0.5, 1.0]),
                                                coherence_temperature=rng.choice([0.05, 0.2]))
        assert coherence(lists, base, groups, w) == _coherence_per_group(lists, base, groups, w), trial


def _old_keys():
    """fold, normalize and skeleton as they were before their fast paths (the oracle)."""
    import importlib
    import re
    import unicodedata

    norm_module = importlib.import_module("geomap.gazetteer.normalize")  # the package re-exports normalize()

    special, article, ben, translit = (norm_module._SPECIAL, norm_module._ARTICLE, norm_module._BEN,
                                       norm_module._TRANSLIT)

    def fold(text):
        decomposed = unicodedata.normalize("NFKD", text.translate(special))
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()

    def normalize(name):
        tokens = re.sub(r"[^0-9a-z]+", " ", fold(name)).split()
        out = []
        for i, tok in enumerate(tokens):
            if tok in article and i + 1 < len(tokens):
                out.append("al")
            elif tok in ben and i + 1 < len(tokens):
                out.append("ben")
            else:
                out.append(tok)
        return " ".join(out)

    def skeleton(name):
        key = normalize(name).replace(" ", "")
        if not key:
            return ""
        for old, new in translit:
            key = key.replace(old, new)
        head, rest = key[0], key[1:]
        rest = "".join(ch for ch in rest if ch not in "aeiou")
        rest = rest.rstrip("h") if len(rest) > 2 else rest
        out = [head]
        for ch in rest:
            if ch != out[-1]:
                out.append(ch)
        return "".join(out)

    return fold, normalize, skeleton


def test_name_keys_fast_paths_agree_with_the_plain_forms(gaz):
    import random

    from geomap.gazetteer.normalize import fold, normalize, skeleton

    old_fold, old_normalize, old_skeleton = _old_keys()
    rng = random.Random(3)
    alphabet = "aAbeEhHiouOUlLdDsSzZqQcCkKtTgGpP'`´’ -.,éüßøÆİı1\u0301\u0627\n"
    words = ["El", "al", "Ben", "bin", "Ibn", "Ad", "Sabratha", "Şabrātah", "Guerdane", "O'Fallon", "Zürich",
             "Qasr", "Shoe", "Khouribga", "Dhehiba", "Aïn", "Oued", "Ech", "São", "Łódź", "İzmir", "x"]
    strings = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(20_000)]
    strings += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(5_000)]
    strings += gaz.index.normal_keys()[::97] + gaz.index.table.name[::53]
    for s in strings:
        assert fold(s) == old_fold(s), s
        assert normalize(s) == old_normalize(s), s
        assert skeleton(s) == old_skeleton(s), s


def _perturbed_texts(n: int = 4000) -> list[str]:
    import random

    rng = random.Random(11)
    pieces = ["Ben", " de ", " la ", "-", ". ", "St.", " Al-", "U.S.", "’s", "'", "\n", " ", "Tunis", "el", " y ",
              "Gaza-Israel", "-based", "Mr.", "Jones", ", 45,", " said", "É", "é", "de-", "DE", " of ", "of", "X.Y.",
              "a.b", "!", "?", '"', ")", "”", "Tripoli's", " Van ", "ibn "]
    texts = ["Clashes in Ben Guerdane, Tunisia, near the Libyan border. Mr. Essid, of St. Louis, said so!",
             "Trainers from the U.K. arrived. Fighting in Tunis, de la Paris and Ras Jedir-based units."]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))) for _ in range(n)]
    return texts


def test_detection_tokens_make_the_same_runs_pairs_and_sentences():
    import re

    from geomap import toponyms as T

    def old_sentences(text):
        spans, start = [], 0
        for m in T._BOUNDARY.finditer(text):
            end = m.end()
            if m.group(0)[0] == ".":
                word = T._WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
                w = word.group(0) if word else ""
                if (len(w) == 1 and w.isupper()) or w.lower() in T._ABBREVIATIONS or re.fullmatch(
                        r"(?:[A-Za-z]\.)+[A-Za-z]", w):
                    continue
            T._add_span(text, start, end, spans)
            start = end
        T._add_span(text, start, len(text), spans)
        return spans

    for text in _perturbed_texts():
        old = []
        for s, e in T._tokens(text):
            old.extend(T._split_token(text, s, e) if "-" in text[s:e] else [(s, e)])
        new = T._detection_tokens(text)
        lower = set(re.findall(r"\b[a-z][a-z]+\b", text))
        assert set(new) <= set(old), text
        assert list(T._runs(text, new)) == list(T._runs(text, old)), text
        assert T._surnames(text, new, lower) == T._surnames(text, old, lower), text
        assert T.sentence_spans(text) == old_sentences(text), text


def test_fast_candidates_equal_constructed_ones(gaz):
    from geomap.gazetteer import _new_candidate
    from geomap.model import Candidate

    fields = ("Tripoli", 32.88, 13.19, "LY", "populated place", 1150989, "geonames:2210247", 1.0, 1, 0.0, "tripoli")
    fast, plain = _new_candidate(*fields), Candidate(*fields)
    assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert list(vars(fast).items()) == list(vars(plain).items())
    with pytest.raises(AttributeError):
        fast.name = "x"  # still frozen
    for c in gaz.lookup("Tripoli") + gaz.lookup("Tunisia") + gaz.lookup("Ben Guerdane"):
        assert c == Candidate(**vars(c)) and type(c) is Candidate


def _base_score_plain(c, ctx, w, country_bonus=True, rival_own_name=False):
    """``geomap.geocoding.rank._base_score`` as it was before context terms were worked out in one loop."""
    import math

    from geomap.gazetteer.normalize import alternate_only

    if c.feature in ("region", "sea", "lake", "river"):
        pop = 1.0
    else:
        pop = min(1.0, math.log10(c.population + 1) / 7.0) if c.population > 0 else 0.0
    in_context = ctx.countries.get(c.country_code, 0.0)
    match = c.score if (c.score >= 1.0 or in_context or not ctx.countries) else c.score * w.off_context_inexact
    score = w.match * match + w.population * pop + w.context * in_context
    if rival_own_name and c.feature == "populated place" and alternate_only(c):
        score -= w.alternate_name
    if country_bonus and c.feature == "country" and c.score >= 1.0:
        score += w.country_feature
    return score


def _rank_plain(candidates, ctx, w, top=None, extra=None):
    """:func:`geomap.geocoding.rank.rank` as it was before context terms were shared (the oracle)."""
    import importlib
    from dataclasses import replace

    R = importlib.import_module("geomap.geocoding.rank")  # the package re-exports rank()

    if not candidates:
        return []
    prox = R._proximity(candidates, ctx, w)
    if extra is not None:
        prox = [p + e for p, e in zip(prox, extra)]
    names_a_region = any(c.score >= 1.0 and (c.feature in ("country", "continent") or c.feature.startswith("admin1"))
                         for c in candidates)
    if ctx.regions and not names_a_region:
        prox = [p + R._in_region(c, ctx, w) for c, p in zip(candidates, prox)]
    state_in_context = any(c.score >= 1.0 and c.feature.startswith("admin1")
                           and ctx.countries.get(c.country_code, 0.0) >= 0.5 for c in candidates)
    rival = R._own_name_match(candidates)
    scored = [(round(_base_score_plain(c, ctx, w, country_bonus=not state_in_context
                                       or ctx.countries.get(c.country_code, 0.0) >= 0.5, rival_own_name=rival) + p, 4), c)
              for c, p in zip(candidates, prox)]
    scored.sort(key=lambda sc: (-sc[0], -sc[1].population, sc[1].source_id))
    return [replace(c, score=s) for s, c in scored[:top]]


def test_rank_with_shared_context_terms_answers_as_the_plain_form():
    import random

    from geomap.geocoding.rank import DocumentContext, Weights, _base_score, _own_name_match, base_scores, \
        context_terms, rank, score_candidate
    from geomap.model import Candidate

    rng = random.Random(5)
    features = ["populated place"] * 5 + ["admin1", "admin2", "country", "continent", "region", "sea"]
    names = ["Georgia", "Paris", "Parizh", "St. Petersburg", "Saint Petersburg", "Tripoli"]
    for trial in range(2000):
        cands = []
        for _ in range(rng.choice([1, 1, 2, 3, 5, 8, 25])):
            name = rng.choice(names)
            matched = rng.choice(["georgia", "paris", "saint petersburg", "tripoli", "st petersburg"])
            # equal scores and populations on purpose: the order of ties must hold
            cands.append(Candidate(name, rng.uniform(-60, 60), rng.uniform(-170, 170), rng.choice(["US", "GE", "FR"]),
                                   rng.choice(features), rng.choice([0, 0, 500, 10**6]), f"id:{rng.randrange(3)}",
                                   score=rng.choice([1.0, 1.0, 1.2, 0.9, 0.55]), matched=matched,
                                   uncertainty_m=rng.choice([0.0, 50_000.0])))
        countries = rng.choice([{}, {"US": 1.0}, {"GE": 0.5, "US": 1.0}, {"FR": 0.25}])
        regions = rng.choice([(), ((40.0, -100.0, 2_000_000.0, "georgia"), (10.0, 10.0, 500_000.0, "x"))])
        ctx = DocumentContext(countries, (), regions)
        w = Weights() if trial % 2 else Weights(proximity=0.1, country_feature=0.3)
        if trial % 4 == 0:
            ctx = DocumentContext(countries, ((40.0, -100.0), (45.0, 10.0)), regions)
        extra = [rng.choice([0.0, 0.1, 0.25]) for _ in cands] if trial % 3 else None
        top = rng.choice([None, 1, 2, 4])
        want = _rank_plain(cands, ctx, w, top, extra)
        for terms in (None, context_terms(cands, DocumentContext(countries), w)):
            got = rank(cands, ctx, w, top=top, extra=extra, terms=terms)
            assert got == want and [vars(c) for c in got] == [vars(c) for c in want], trial
            assert [list(vars(c)) for c in got] == [list(vars(c)) for c in want], trial
        rival = _own_name_match(cands)
        assert base_scores(cands, ctx, w) == [_base_score_plain(c, ctx, w, rival_own_name=rival) for c in cands], trial
        for c in cands:
            for bonus in (False, True):
                assert _base_score(c, ctx, w, bonus, rival) == _base_score_plain(c, ctx, w, bonus, rival), trial
            if not ctx.points:
                assert score_candidate(c, ctx, w) == round(_base_score_plain(c, ctx, w), 4), trial


def test_rescored_equals_replace():
    from dataclasses import replace

    from geomap.model import Candidate, new_candidate, rescored

    fields = ("Tripoli", 32.88, 13.19, "LY", "populated place", 1150989, "geonames:2210247", 1.0, 1, 0.0, "tripoli")
    for c in (Candidate(*fields), new_candidate(*fields)):
        fast, plain = rescored(c, 1.2345), replace(c, score=1.2345)
        assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        assert list(vars(fast).items()) == list(vars(plain).items()) and type(fast) is Candidate
        assert c.score == 1.0  # the original is left as it was
        with pytest.raises(AttributeError):
            fast.score = 2.0


def test_within_m_answers_as_the_distance_it_skips():
    import random

    from geomap.geocoding.rank import great_circle_km, within_m

    rng = random.Random(13)
    for _ in range(200_000):
        lat1, lon1 = rng.uniform(-90, 90), rng.uniform(-180, 180)
        if rng.random() < 0.5:  # near each other, or near the antipode
            lat2, lon2 = lat1 + rng.gauss(0, 3), lon1 + rng.gauss(0, 3)
        else:
            lat2, lon2 = rng.uniform(-90, 90), rng.uniform(-180, 180)
        lat2 = max(-90.0, min(90.0, lat2 if rng.random() < 0.9 else -lat1))
        d = great_circle_km(lat1, lon1, lat2, lon2) * 1000
        for limit in (d, d - 1e-6, d + 1e-6, d * (1 + 1e-12), rng.uniform(0, 3e6), 15_000.0, 2e7):
            assert within_m(lat1, lon1, lat2, lon2, limit) == (d <= limit)


def test_strip_possessive_answers_as_the_plain_form():
    from geomap import toponyms as T

    def plain(text, s, e):
        word = text[s:e]
        for suf in ("’s", "'s", "’", "'"):
            if word.endswith(suf):
                return e - len(suf)
        return e

    for text in _perturbed_texts(1000) + ["s", "'s", "’", "x's", "Xs", "’s’s", "''"]:
        for s in range(len(text) + 1):
            for e in range(s, min(len(text), s + 6) + 1):
                assert T._strip_possessive(text, s, e) == plain(text, s, e), (text, s, e)


def test_word_before_answers_as_the_regex_search():
    from geomap import toponyms as T

    for text in _perturbed_texts(1500) + ["a\n", "\n", "ab.\n\n", "x" * 50 + "\n", "é.\n"]:
        for end in range(len(text) + 1):
            found = T._WORD_BEFORE.search(text, max(0, end - 40), end)
            assert T._word_before(text, end) == (found.group(0) if found else ""), (text, end)



def test_capitalised_token_regex_matches_as_its_plain_form():
    import random
    import re

    from geomap import toponyms as T

    plain = re.compile(r"[^\W\d_a-z](?:(?<=[A-Z])([a-z]{0,2}\.(?:[A-Z][a-z]{0,2}\.)+)|[\w’'.\-]*)")
    rng = random.Random(19)
    alphabet = "aZé٣_1Ω ΣçİıＡ²ǅ-.'’Ab.C.\u0301\u00aa\u2160x"
    texts = _perturbed_texts(2000) + ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(20_000)]
    texts.append("".join(chr(c) for c in range(0x20, 0x3000)))
    for text in texts:
        assert ([(m.span(), m.lastindex) for m in T._CAP_TOKEN.finditer(text)]
                == [(m.span(), m.lastindex) for m in plain.finditer(text)]), text


def test_fast_mention_resolution_toponym_equal_constructors():
    """new_mention / _new_resolution / _new_toponym make what the dataclass constructors make."""
    import pickle

    from geomap.engine import Toponym, _new_toponym
    from geomap.geocoding import Resolution, _new_resolution
    from geomap.model import Candidate, Mention, new_mention
    from geomap.toponyms import Detection

    c = Candidate("Tripoli", 32.9, 13.2, "LY", "populated place", 1_150_989, "geonames:7", 1.0)
    for args in (("a", 1, 8, "Tripoli"), ("a", 1, 8, "Tripoli", "In Tripoli."), ("a", 1, 8, "Libyan", "s", "demonym")):
        fast, plain = new_mention(*args), Mention(*args)
        assert type(fast) is Mention and fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        assert list(vars(fast).items()) == list(vars(plain).items())
        assert pickle.loads(pickle.dumps(fast)) == plain
    d = Detection(Mention("a", 1, 8, "Tripoli"), [c])
    for best, runner in ((c, ()), (None, (c,))):
        fast, plain = _new_resolution(d, best, runner), Resolution(d, best, runner)
        assert type(fast) is Resolution and fast == plain and repr(fast) == repr(plain)
        assert list(vars(fast).items()) == list(vars(plain).items())
    for args in ((1, 8, "Tripoli", "name", c, 1.0, 1, (c,)), (1, 8, "X", "name", None, 0.0, None, ())):
        fast, plain = _new_toponym(*args), Toponym(*args)
        assert type(fast) is Toponym and fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        assert list(vars(fast).items()) == list(vars(plain).items())
        assert fast.lat == plain.lat



def _corpus_spans(limit_docs: int | None = None) -> list[str]:
    """Every span of one to six capitalised words of the evaluation corpora (when present), and some made up."""
    import re
    from pathlib import Path

    names = {"Ben Guerdane", "Bengardane", "Nowhere Special Place", "Sabratah", "Xq", "Tripoli", "El-Amria",
             "Anderson County Sheriff Greg Taylor", "Springfeld", "Zzzzzz", "Paris", "New Yrok", "A", "--", "Ad Dawr"}
    root = Path(__file__).resolve().parents[2] / "shared" / "eval" / "geoparse"
    word = re.compile(r"[A-Z][\w'’.-]*")
    for corpus in ("lgl.jsonl", "geovirus.jsonl"):
        path = root / corpus
        if not path.exists():
            continue
        for line in [x for x in path.read_text(encoding="utf-8").split("\n") if x.strip()][:limit_docs]:
            text = json.loads(line)["text"]
            words = [m.group() for m in word.finditer(text)]
            for i in range(len(words)):
                for j in range(i + 1, min(len(words), i + 6) + 1):
                    names.add(" ".join(words[i:j]))
    return sorted(names)


def test_lookup_early_miss_answers_as_every_stage(gaz):
    """_lookup's early 'nothing can match' exit answers as _lookup_keys (every stage run), on corpus spans."""
    from geomap.gazetteer import normalize

    table = gaz.index.table
    for name in _corpus_spans():
        norm = normalize(name)
        if not norm:
            continue
        exact, n = gaz._memory.by_norm.get(norm, ()), table.keys[0].get(norm)
        for skeleton in (False, True):
            fast = gaz._lookup(name, country=None, fuzzy=False, skeleton=skeleton, limit=25)
            full = gaz._lookup_keys(norm, exact, n, table, country=None, fuzzy=False, skeleton=skeleton, limit=25)
            assert fast == full, (name, skeleton)
