"""The fast paths of geoparsing answer exactly as the slow ones they replace."""

from __future__ import annotations

import json

import pytest

from geomap.gazetteer import Gazetteer
from geomap.gazetteer.index import TIER_NORMAL, TIER_SKELETON, build_index, open_index
from geomap.gazetteer.normalize import leading_pair, word_skeletons
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
    pairs = {leading_pair(k) for k in keys if " " in k}
    assert small_index.first_pairs() == (frozenset(f"{a} {b}" for a, b in pairs),
                                         frozenset(word_skeletons(a, b) for a, b in pairs))
    assert "ben guerdane" in small_index.first_pairs()[0]


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
    # every capitalised span of the corpora (ASCII ones take normalize's fast path), and ASCII edge cases
    strings += _corpus_spans() + ["", " ", "  A  b ", "Ben  Guerdane", "El\tAmria", "ABC123", "x\u00a0y", "Al 9"]
    for s in strings:
        assert fold(s) == old_fold(s), s
        assert normalize(s) == old_normalize(s), s
        assert skeleton(s) == old_skeleton(s), s


def test_single_letter_folds_may_be_applied_at_once():
    """_key_skeleton applies the single-letter folds of _TRANSLIT (which end it) in one translation."""
    import importlib

    N = importlib.import_module("geomap.gazetteer.normalize")
    singles = [(old, new) for old, new in N._TRANSLIT if len(old) == 1]
    assert N._TRANSLIT == N._TRANSLIT_MULTI + tuple(singles)
    assert not {new for _, new in singles} & {old for old, _ in singles}


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


def _lookup_keys_plain(gaz, norm, exact, n, table, *, country, skeleton, limit=25):
    """``Gazetteer._lookup_keys`` (non-fuzzy) as it was before the skeleton key was handed over and the
    skeleton-tier places were recorded inline (the oracle): every stage through the module's helpers."""
    import importlib

    G = importlib.import_module("geomap.gazetteer")
    memory = gaz._memory
    cc = country.upper() if country else None
    found = {}
    for i, alias in exact:
        G._keep_entry(found, cc, memory.entries[i], G.MATCH_EXACT, alias)
    if n is not None:
        offsets = table.offsets[TIER_NORMAL]
        start = offsets[n]
        G._keep_places(found, cc, table, table.places[TIER_NORMAL][start:min(offsets[n + 1], start + G._CITY_ROWS)],
                       round(G.MATCH_EXACT, 4), norm)
    skel = G._skeleton_key(norm) if skeleton and not found else ""
    if skel:
        for i, alias in memory.by_skel.get(skel, ()):
            r = G._ratio(norm, alias)
            if r >= G.MIN_SKELETON_RATIO:
                G._keep_entry(found, cc, memory.entries[i], G.MATCH_SKELETON_BASE + G.MATCH_SKELETON_SPAN * r * r, alias)
        k = table.keys[TIER_SKELETON].get(skel)
        if k is not None:
            offsets = table.offsets[TIER_SKELETON]
            start = offsets[k]
            stop = min(offsets[k + 1], start + G._CITY_ROWS)
            aliases = table.skeleton_alias_keys[start:stop]
            for h in range(len(aliases)):  # every alias, not only those _maybe_close lets through
                r = G._ratio(norm, aliases[h])
                if r >= G.MIN_SKELETON_RATIO:
                    G._keep_places(found, cc, table, (table.places[TIER_SKELETON][start + h],),
                                   round(G.MATCH_SKELETON_BASE + G.MATCH_SKELETON_SPAN * r * r, 4), aliases[h])
    ranked = sorted(found.values(), key=G._match_order)
    return tuple(G.Gazetteer._from_place(table, m) if type(m[3]) is int else G._entry_candidate(m[3], m[0], m[4])
                 for m in ranked[:limit])


def test_lookup_answers_as_the_plain_stages_on_corpus_spans(gaz):
    """_lookup (early exit, skeleton key handed to _lookup_keys, skeleton places recorded inline) answers as
    the plain stages, on every capitalised span of the corpora, with and without a country filter."""
    from geomap.gazetteer import normalize

    table = gaz.index.table
    seen = 0
    for name in _corpus_spans():
        norm = normalize(name)
        if not norm:
            continue
        exact, n = gaz._memory.by_norm.get(norm, ()), table.keys[TIER_NORMAL].get(norm)
        for skeleton in (True, False):
            for country in (None, "us"):
                want = _lookup_keys_plain(gaz, norm, exact, n, table, country=country, skeleton=skeleton)
                got = gaz._lookup(name, country=country, fuzzy=False, skeleton=skeleton, limit=25)
                assert got == want, (name, skeleton, country)
                assert [vars(c) for c in got] == [vars(c) for c in want], (name, skeleton, country)
                seen += bool(want)
    assert seen > 1000


# ---- find_mentions as it was before its main loop was tuned (the oracle); run with geomap.toponyms' globals ----

def _strong_place_plain(cands, name=""):
    """A country, a first-level region, a named region or a large city exactly bears the name, or the
    name ends with a feature word ("Henderson County" before "Jail")."""
    if " " in name and name.rsplit(" ", 1)[1].lower() in _FEATURE_WORDS and any(c.score >= 1 for c in cands):
        return True
    return any(c.score >= 1 and (c.population >= STRONG_PLACE_POPULATION or c.feature in _REGIONAL
                                 or c.feature.startswith("admin1")) for c in cands)


def _common_name_without_cue_plain(text, s, e, name, cands, names):
    """A frequent personal name ("Turner", "Ripley") naming only small towns, with nothing saying it is a place.

    Cues that it is a place: a locative preposition before it ("in Ripley"), a state or
    country after a comma ("Ripley, Miss."), a feature word after it ("Ripley County").
    """
    if fold(name) not in names or any(c.feature in _REGIONAL or c.feature.startswith("admin1") for c in cands):
        return False
    if any(c.score >= 1.0 and c.population >= NAME_TOWN_POPULATION and not alternate_only(c) for c in cands):
        return False  # a large place by its own name ("Aid" is only another name of Anderson, Indiana)
    before = text[max(0, s - 25):s].split()
    if before and before[-1].lower() in _LOCATIVE:
        return False
    after = text[e:e + 20]
    if _REGION_AFTER.match(after) or _COUNTY_AFTER.match(after):
        return False
    return True


def _may_start_plain(gazetteer, text, run, i):
    """find_mentions' gate on the first two words of a span, in its plain form: the normal key of tokens i and
    i + 1, unless token i + 1 has a possessive ending (kept in a longer span, not in this one) or its second word
    is one normalize rewrites before a further word."""
    from geomap.gazetteer.normalize import REWRITTEN_WORDS, normalize
    from geomap.toponyms import _APOSTROPHES

    after = text[run[i + 1][0]:run[i + 1][1]]
    if after[-1:] in _APOSTROPHES or (after.endswith("s") and after[-2:-1] in _APOSTROPHES):
        return True
    words = normalize(text[run[i][0]:run[i + 1][1]]).split(" ")
    if len(words) < 2 or words[1] in REWRITTEN_WORDS:
        return True
    return gazetteer.may_start_name(words[0], words[1])


def _find_mentions_plain(article, gazetteer):
    """:func:`geomap.toponyms.find_mentions` before its main loop was tuned (run by :func:`_plain_detection`).

    Parameters
    ----------
    article : Article
        The article; offsets are into ``article.text``.
    gazetteer : Gazetteer
        Where names are looked up.

    Returns
    -------
    list of Detection
        In text order, non-overlapping; each with the candidates its name may mean.
    """
    text = article.text
    toks = _detection_tokens(text)
    lower_words = set(_LOWER_WORD.findall(text))
    sents = sentence_spans(text)
    sentence_starts = {s for s, _ in sents}
    demonyms = gazetteer.demonyms()
    out: list[Detection] = []
    cache: dict[str, list[Candidate]] = {}

    def lookup(name: str) -> list[Candidate]:
        found = cache.get(name)
        if found is None:
            found = cache[name] = gazetteer.lookup(name, fuzzy=False)
        return found

    def lookup_country(name: str) -> bool:
        return any(c.feature == "country" and c.score >= 1 for c in lookup(name))

    surnames = _surnames(text, toks, lower_words)
    first_words = gazetteer.first_words()
    period_abbreviations = gazetteer.period_abbreviations()
    common_names = personal_names()
    needs_cue = _needs_cue()
    commons: dict[int, bool] = {}  # token start -> a common word (tokens never share a start)

    def common(s: int, e: int) -> bool:
        c = commons.get(s)
        if c is None:
            w = fold(text[s:e])
            c = commons[s] = w in _ALWAYS_SKIP or w in _CONNECTORS or w in lower_words
        return c

    unknowns: dict[int, bool] = {}  # token start -> an unknown capitalised word

    def unknown_cap(k: int, run: list[tuple[int, int]]) -> bool:
        """Run token k is a capitalised word that is no common word (maybe part of a person's name)."""
        if not 0 <= k < len(run):
            return False
        s, e = run[k]
        u = unknowns.get(s)
        if u is None:
            u = unknowns[s] = not common(s, e) and not (text[s:e].isupper() and e - s <= 3)
        return u

    for run in _runs(text, toks):
        n = len(run)
        words = [text[a:b] for a, b in run]
        ends: list[int | None] = [None] * n  # each token's end without a possessive ending (on demand)
        i = 0
        prev_unmatched = False
        while i < n:
            matched = False
            s = run[i][0]
            # every span from token i starts with its first letter: a lower-case one names nothing
            if words[i][:1].isupper():
                head = fold(words[i])
                head_skip = head in _ALWAYS_SKIP and head not in _NAME_ABBR
                last = min(n, i + 6) - 1
                if last > i and ((head_skip and head not in _DIRECTIONS)
                                 or normalize(text[s:run[i + 1][1]]).split(" ", 1)[0] not in first_words
                                 or not _may_start_plain(gazetteer, text, run, i)):
                    last = i  # "West" alone may be skipped but "West Virginia" not; no multi-word name starts so
            else:
                head_skip, last = False, i - 1
            for j in range(last, i - 1, -1):
                if words[j].lower() in _CONNECTORS:
                    continue
                e = ends[j]
                if e is None:
                    # the ending depends on the token alone: tokens never end with an apostrophe run that
                    # reaches into the token before them
                    e = ends[j] = _strip_possessive(text, run[j][0], run[j][1])
                name = text[s:e]
                key = fold(name)
                single = i == j
                if key in _ALWAYS_SKIP or (single and head_skip):
                    continue
                acronym = name.isupper()
                if single and acronym and name.isalpha() and len(name) > 3 and not _dateline(text, s, e):
                    continue  # "POLICE": shouting, not a place; "CHARLESTON, W.Va. --" is a dateline
                if single and key in lower_words and not (acronym and lookup_country(name)):
                    continue  # "Bay" when "bay" is a word of this text; but "US" beside "us"
                if not single and all(common(*run[k]) for k in range(i, j + 1)):
                    continue  # "Death Toll": a headline of common words
                demonym = demonyms.get(key) or (demonyms.get(key[:-1]) if key.endswith("s") else None)
                if demonym:
                    mention = new_mention(article.id, s, e, name, sentence_at(text, sents, s), "demonym")
                    cands = [c for c in lookup(gazetteer.countries[demonym].name)
                             if c.source_id == f"country:{demonym}"]
                    out.append(Detection(mention, cands))
                    matched = True
                    i = j + 1
                    break
                if j + 1 < n and words[j + 1].lower() in _PERSON_BEFORE:
                    # "Prime Minister", "Attorney General": part of a title (asked before the lookups, which
                    # only decide whether to skip the span too)
                    continue
                if single and acronym and len(name) <= 3 and not lookup_country(name):
                    continue  # "ID", "SUV": acronyms are places only when they name a country (US, UK)
                cands = lookup(name)
                if single and acronym and len(name) > 3 and not _DOTTED.fullmatch(name):
                    cands = cands or lookup(name.title())
                if single and acronym and _DOTTED.fullmatch(name) and not any(
                        c.score >= 1 and (c.feature in ("country", "populated place") or c.feature.startswith("admin"))
                        for c in cands):
                    continue  # dotted abbreviations are places when they abbreviate one ("D.C.", "S.C.", "U.K.")
                if single and name.endswith("s") and len(name) > 4 and not any(c.score >= 1 for c in cands):
                    # "Libyas": an apostrophe lost in transmission
                    bare = lookup(name[:-1])
                    if any(c.feature == "country" and c.score >= 1 for c in bare):
                        cands, e, name = bare, e - 1, name[:-1]
                if single and "." not in name and text[e:e + 1] != ".":
                    # an abbreviation names its place only with its period ("Miss Butler", "I'll")
                    cands = [c for c in cands if c.source_id not in period_abbreviations.get(normalize(name), ())]
                if not cands:
                    continue
                if single and name in surnames and not is_country_name(cands):
                    continue  # "Jones" after "Bob Jones" in the same text: the person, not Jones, Oklahoma
                if single and s in sentence_starts and all(c.score < 1 for c in cands):
                    continue  # a capitalised first word that only looks like a place name ("Prime" ~ Perm)
                if _strong_place(cands, name) and fold(name) not in common_names:
                    # "the Texas Fire Service", "Ohio Supreme Court": a state or a city modifying a name
                    before = text[max(0, s - 25):s].split()
                    if before and before[-1].rstrip(".").lower() in _PERSON_BEFORE:
                        continue
                elif _looks_like_person(text, s, e, prev_unmatched, unknown_cap(j + 1, run), run, i, j):
                    continue
                if single and _common_name_without_cue(text, s, e, name, cands, needs_cue):
                    continue  # "Ripley", "Turner": a frequent surname or given name naming only small towns
                e, j = _extend(text, s, e, j, run, cands)
                mention = new_mention(article.id, s, e, text[s:e], sentence_at(text, sents, s))
                out.append(Detection(mention, cands))
                matched = True
                i = j + 1
                break
            if not matched:
                # what the next token of the run is told (after the last one nobody asks)
                prev_unmatched = i + 1 < n and unknown_cap(i, run)
                i += 1
            else:
                prev_unmatched = False
    out = _joined_names(text, sents, article.id, out, gazetteer, lookup)  # the steps after the loop, as in find_mentions
    return designate_listed(text, out, lookup, add=True, article_id=article.id, sents=sents)


def _plain_detection():
    """:func:`_find_mentions_plain` and the plain helpers, bound to the module globals of geomap.toponyms."""
    import types

    from geomap import toponyms as T

    env = dict(vars(T))
    env["_may_start_plain"] = _may_start_plain
    for name, plain in (("_strong_place", _strong_place_plain), ("_common_name_without_cue",
                                                                   _common_name_without_cue_plain)):
        env[name] = types.FunctionType(plain.__code__, env, name, plain.__defaults__)
    find = types.FunctionType(_find_mentions_plain.__code__, env, "find_mentions")
    return find, env["_strong_place"], env["_common_name_without_cue"]


def test_find_mentions_answers_as_the_plain_loop(gaz):
    """The tuned main loop of find_mentions (inline possessive ending and lookup, no span loop for a skipped
    lone head, loops for any/all) finds what the plain one finds, on the corpora and on perturbed texts."""
    from pathlib import Path

    from geomap import toponyms as T
    from geomap.model import Article

    plain, strong_place, common_name_without_cue = _plain_detection()
    root = Path(__file__).resolve().parents[2] / "shared" / "eval" / "geoparse"
    texts = _perturbed_texts(1500)
    for corpus in ("lgl.jsonl", "geovirus.jsonl"):
        if (root / corpus).exists():
            texts += [json.loads(x)["text"] for x in (root / corpus).read_text(encoding="utf-8").split("\n") if x.strip()]
    found = 0
    for text in texts:
        article = Article(id="t", path="", title="", text=text)
        got, want = T.find_mentions(article, gaz), plain(article, gaz)
        assert got == want, text[:200]
        found += len(got)
    assert found > 5000
    for name in ("Texas Fire Service", "Henderson County", "Ripley", "Turner", "Aid", "Tripoli", "Paris", "Nowhere"):
        cands = gaz.lookup(name, fuzzy=False)
        assert T._strong_place(cands, name) == strong_place(cands, name), name
        for text in (f"in {name}, Miss.", f"Bob met {name} today", f"{name} County"):
            s = text.index(name)
            args = (text, s, s + len(name), name, cands, T._needs_cue())
            assert T._common_name_without_cue(*args) == common_name_without_cue(*args), (name, text)


def test_in_region_and_expand_abbreviations_answer_as_the_plain_forms():
    """_in_region with within_m's latitude test inline, and _expand_abbreviations with a set test, answer as the
    plain forms (within_m per region; any() over the words)."""
    import importlib
    import random

    from geomap.geocoding.rank import DocumentContext, Weights, _in_region, within_m
    from geomap.model import Candidate

    N = importlib.import_module("geomap.gazetteer.normalize")

    def in_region_plain(c, ctx, w):
        if c.feature in ("country", "continent") or c.feature.startswith("admin1"):
            return 0.0
        for lat, lon, radius_m, key in ctx.regions:
            if key != c.matched and within_m(c.lat, c.lon, lat, lon, radius_m):
                return w.region
        return 0.0

    rng = random.Random(23)
    w = Weights()
    for _ in range(20_000):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        regions = [(lat + rng.gauss(0, 3), lon + rng.gauss(0, 3), rng.choice([15_000.0, 200_000.0, rng.uniform(0, 9e5)]),
                    rng.choice(["x", "georgia"])) for _ in range(rng.randint(0, 4))]
        c = Candidate("P", lat + rng.gauss(0, 2), lon, "US", rng.choice(["populated place", "admin2", "admin1"]), 10,
                      "id:1", matched=rng.choice(["x", "georgia", ""]))
        ctx = DocumentContext({}, (), regions)
        assert _in_region(c, ctx, w) == in_region_plain(c, ctx, w)

    def expand_plain(key):
        if not key or not any(w in N._ABBREVIATIONS for w in key.split(" ")):
            return key
        return " ".join(N._ABBREVIATIONS.get(w, w) for w in key.split(" "))

    keys = [N.normalize(s) for s in _corpus_spans()] + ["st", "st petersburg", "mt st helens", "", "ft  worth"]
    assert sum(expand_plain(k) != k for k in keys) > 10
    for key in keys:
        assert N._expand_abbreviations(key) == expand_plain(key), key
