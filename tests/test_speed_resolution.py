"""The fast paths of document resolution answer exactly (same bits) as the plain forms they replace.

The plain forms below are the code as it was before its fast paths; they run on the
mentions find_mentions finds in the evaluation corpora (the LGL and GeoVirus texts,
when present) and in the seed articles.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from geomap.gazetteer import Gazetteer
from geomap import geocoding as G
from geomap.geocoding import (MAJOR_CITY, REGION_MIN_RADIUS_M, Resolution, _called_a_state, _inside_bonus, _kind,
                              _name_groups, _names_a_major_city, _prefer_city_over_its_region, _short_forms,
                              list_peers, qualifiers, resolve_detections)
from geomap.geocoding.rank import (COUNTRY_LIKE, DocumentContext, Weights, _rank_order, base_scores, coherence,
                                   context_from_votes, context_terms, mention_votes, names_a_country, rank)
from geomap.gazetteer.normalize import normalize
from geomap.model import Article, Candidate, rescored
from geomap.toponyms import Detection, find_mentions

R = sys.modules["geomap.geocoding.rank"]  # the module (``geomap.geocoding.rank`` the attribute is the function)

#: weights that switch on the paths the defaults leave off (proximity anchors, normalised priors)
WEIGHTS = (Weights(), Weights(proximity=0.1, coherence_normalise=0.5, coherence_temperature=0.2),
           Weights(qualifier=0.0, list_peer=0.0, named_country_city=0.0))


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, list[Detection]]]:
    """Every text of the corpora and the seeds, with its detections."""
    here = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted((here / "seeds").glob("*.txt"))]
    root = here.parent / "shared" / "eval" / "geoparse"
    for corpus in ("lgl.jsonl", "geovirus.jsonl"):
        if (root / corpus).exists():
            texts += [json.loads(x)["text"] for x in (root / corpus).read_text(encoding="utf-8").split("\n") if x.strip()]
    gaz = Gazetteer()
    return [(t, find_mentions(Article(id="t", path="", title="", text=t), gaz)) for t in texts]


def _bits(x: object) -> object:
    """Floats as their exact bits (``-0.0`` differs from ``0.0``), the rest as it is."""
    if isinstance(x, float):
        return x.hex()
    if isinstance(x, (list, tuple)):
        return [_bits(v) for v in x]
    if isinstance(x, Candidate):
        return [(k, _bits(v)) for k, v in vars(x).items()]
    if isinstance(x, Resolution):
        return [_bits(x.best), _bits(x.runner_up), x.detection]
    return x


# ---- the plain forms ----


def _coherence_terms_plain(candidate_lists, first_of, rows, w):
    """The candidates-by-rows matrix form of ``rank._coherence_terms`` (one sin call per coordinate, not in place)."""
    import numpy as np

    arr = np.asarray([r[1:] for r in rows], dtype=float)
    lat2, lon2 = np.radians(arr[:, :2]).T
    starts = [k for k in range(len(rows)) if k == 0 or rows[k][0] != rows[k - 1][0]]
    block_group = [rows[k][0] for k in starts]
    owners = [(g, candidate_lists[i]) for g, i in first_of.items() if candidate_lists[i]]
    flat = [c for _, cands in owners for c in cands]
    cand_group = [g for g, cands in owners for _ in cands]
    pts = np.radians(np.asarray([(c.lat, c.lon) for c in flat], dtype=float))
    lat1, lon1 = pts[:, 0:1], pts[:, 1:2]
    dp = lat1 - lat2
    dl = lon1 - lon2
    a = np.sin(dp / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dl / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    own_r = np.asarray([c.uncertainty_m / 1000.0 for c in flat])
    eff = np.maximum(km - arr[:, 2] - own_r[:, None], 0.0)
    close = np.clip(1.0 - eff / w.coherence_km, 0.0, 1.0) * arr[:, 3]
    block_of = {h: b for b, h in enumerate(block_group)}
    blocks = sorted(block_of)
    best = np.maximum.reduceat(close, starts, axis=1)[:, [block_of[h] for h in blocks]]
    column = {h: b for b, h in enumerate(blocks)}
    for n, g in enumerate(cand_group):
        if g in column:
            best[n, column[g]] = 0.0
    support = np.cumsum(best, axis=1)[:, -1]  # left to right, as adding group by group does
    term = (w.coherence * (1.0 - np.exp(-support))).tolist()
    out, pos = {}, 0
    for g, cands in owners:
        out[g] = [0.0 if c.feature in ("country", "continent") else t for c, t in zip(cands, term[pos:pos + len(cands)])]
        pos += len(cands)
    return out


def _coherence_plain(candidate_lists, base, groups, w=Weights()):
    """``coherence`` with every prior of a group's ten best worked out, rows as tuples and the plain matrix."""
    out = [[0.0] * len(cands) for cands in candidate_lists]
    if w.coherence <= 0:
        return out
    first_of = {}
    for i, g in enumerate(groups):
        first_of.setdefault(g, i)
    if len(first_of) < 2:
        return out
    rows = []
    for g, i in first_of.items():
        cands, scores = candidate_lists[i], base[i]
        if not cands:
            continue
        order = sorted(range(len(cands)), key=scores.__getitem__, reverse=True)[:10]
        top = scores[order[0]]
        weights = [math.exp((scores[k] - top) / w.coherence_temperature) for k in order]
        total = sum(weights) ** w.coherence_normalise
        for k, wt in zip(order, weights):
            prior = wt / total
            c = cands[k]
            if prior < 0.02 or c.feature in ("country", "continent"):
                continue
            rows.append((g, c.lat, c.lon, c.uncertainty_m / 1000.0, prior * R._support_share(c.score, w)))
    if not rows:
        return out
    values = _coherence_terms_plain(candidate_lists, first_of, rows, w)
    return [values[g] if g in values else o for g, o in zip(groups, out)]


def _in_region_plain(c, ctx, w):
    """``rank._in_region`` as first written: each region's test for one candidate."""
    if c.feature in ("country", "continent") or c.feature.startswith("admin1"):
        return 0.0
    for lat, lon, radius_m, key in ctx.regions:
        if key == c.matched:
            continue
        if R.great_circle_km(c.lat, c.lon, lat, lon) * 1000 <= radius_m:
            return w.region
    return 0.0


#: how _rank_plain rounds a final score (a test swaps it for no rounding, to compare unrounded sums)
_PLAIN_ROUND = [lambda s: round(s, 4)]


def _rank_plain(candidates, ctx=None, w=Weights(), top=None, extra=None, terms=None):
    """``rank`` rounding every score and sorting every candidate."""
    ctx = ctx or DocumentContext()
    if not candidates:
        return []
    countries = ctx.countries
    names_a_region = state_in_context = False
    for c in candidates:
        if c.score >= 1.0 and (c.feature in ("country", "continent") or c.feature.startswith("admin1")):
            names_a_region = True
            if c.feature.startswith("admin1") and countries.get(c.country_code, 0.0) >= 0.5:
                state_in_context = True
                break
    by_region = bool(ctx.regions) and not names_a_region
    if terms is None:
        terms = context_terms(candidates, ctx, w)
    scored = []
    for k, (c, t, p) in enumerate(zip(candidates, terms, R._proximity(candidates, ctx, w))):
        if (not state_in_context or countries.get(c.country_code, 0.0) >= 0.5) and c.score >= 1.0 and (
                c.feature == "country" or c.source_id in COUNTRY_LIKE):
            t = t + w.country_feature
        if extra is not None:
            p = p + extra[k]
        if by_region:
            p = p + _in_region_plain(c, ctx, w)
        scored.append((_PLAIN_ROUND[0](t + p), c))
    scored.sort(key=_rank_order)
    return [rescored(c, s) for s, c in scored[:top]]


def _mention_votes_plain(candidate_lists, *, kinds=None):
    """``mention_votes`` working out every mention's vote, with dataclass equality for "not a country"."""
    out = []
    for i, cands in enumerate(candidate_lists):
        vote = None
        exact = [c for c in cands if c.score >= 1.0]
        countries = [c for c in exact if names_a_country(c)]
        if countries and any(c.feature.startswith("admin1") and c not in countries for c in exact):
            vote = None
        elif cands and (countries or (kinds and kinds[i] == "demonym")):
            vote = ((countries or exact or cands)[0].country_code, 1.0)
        elif exact and len({c.country_code for c in exact}) == 1:
            vote = (exact[0].country_code, 0.5)
        elif not exact and cands and len({c.country_code for c in cands}) == 1 and cands[0].score >= 0.85:
            vote = (cands[0].country_code, 0.5)
        out.append(vote)
    return out


def _context_from_votes_plain(votes, *, given=(), leave_out=None):
    """``context_from_votes`` tallying in a Counter."""
    from collections import Counter

    tally = Counter()
    for i, vote in enumerate(votes):
        if vote is None or (i == leave_out and vote[1] < 1.0):
            continue
        tally[vote[0]] += vote[1]
    top = max(tally.values(), default=0.0)
    weights = {cc: v / top for cc, v in tally.items()} if top else {}
    for cc in given:
        weights[cc.upper()] = 1.0
    return DocumentContext(weights)


def _context_terms_plain(candidates, ctx, w):
    """``context_terms`` as first written (``min`` for the population cap)."""
    rival = any(c.score >= 1.0 and c.matched and not R.alternate_only(c) for c in candidates)
    countries = ctx.countries
    out = []
    for c in candidates:
        if c.feature in R._NAMED_AREAS:
            pop = 1.0
        else:
            pop = min(1.0, math.log10(c.population + 1) / 7.0) if c.population > 0 else 0.0
        in_context = countries.get(c.country_code, 0.0)
        match = c.score if (c.score >= 1.0 or in_context or not countries) else c.score * w.off_context_inexact
        score = w.match * match + w.population * pop + w.context * in_context
        if rival and c.feature == "populated place" and R.alternate_only(c):
            score -= w.alternate_name
        out.append(score)
    return out


def _resolve_plain(detections: Sequence[Detection], countries: Sequence[str] = (), weights: Weights = Weights(),
                   text: str | None = None) -> list[Resolution]:
    """``resolve_detections`` with a leave-one-out context per name, the bonuses added one rule at a time and
    the plain ranking, votes and context terms."""
    keys = [normalize(d.mention.text) for d in detections]
    detections = _short_forms(detections, keys)
    votes = _mention_votes_plain([d.candidates for d in detections], kinds=[d.mention.kind for d in detections])
    ctx = context_from_votes(votes, given=countries)
    groups = _name_groups(keys)
    reps: dict[int, int] = {}
    for i, g in enumerate(groups):
        reps.setdefault(g, i)
    own = {g: (context_from_votes(votes, given=countries, leave_out=i) if votes[i] and votes[i][1] < 1.0 else ctx)
           for g, i in reps.items()}
    cands = {g: detections[i].candidates for g, i in reps.items()}
    terms = {g: _context_terms_plain(c, own[g], weights) for g, c in cands.items()}
    base = [base_scores(cands[g], own[g], weights, terms[g]) for g in reps]
    coh = dict(zip(reps, coherence([cands[g] for g in reps], base, list(reps), weights)))
    firsts: dict[int, Candidate | None] = {}

    def first(g):
        if g not in firsts:
            top = _rank_plain(cands[g], own[g], weights, top=1, extra=coh[g], terms=terms[g]) if cands[g] else []
            firsts[g] = top[0] if top else None
        return firsts[g]

    regions, anchors, admin1_of = [], [], {}
    for g, c in cands.items():
        if not c or not (weights.proximity > 0 or any(x.feature.startswith("admin") for x in c)):
            continue
        r = first(g)
        if r is None:
            continue
        if r.feature == "admin1" and r.score >= weights.threshold:
            admin1_of[g] = r.country_code
        if r.feature.startswith("admin") and r.score >= weights.threshold:
            regions.append((r.lat, r.lon, max(r.uncertainty_m, REGION_MIN_RADIUS_M), r.matched))
        if (weights.proximity > 0 and r.feature not in ("country", "continent", "admin1")
                and r.score >= weights.threshold + 0.2):
            anchors.append((r.lat, r.lon))
    regions, anchors = sorted(set(regions)), sorted(set(anchors))
    qualified, state_named = {}, set()
    if text and weights.qualifier:
        qualified = qualifiers(detections, groups, text, first, weights)
        state_named = {g for g, d in zip(groups, detections) if _called_a_state(text, d)}
    named = {v[0] for v in votes if v is not None and v[1] >= 1.0}
    list_kinds = list_peers(detections, groups, text, first) if text and weights.list_peer else {}
    resolved = {}
    for g, i in reps.items():
        d = detections[i]
        extra = coh[g]
        if g in qualified:
            extra = [e + q for e, q in zip(extra, _inside_bonus(d.candidates, qualified[g], weights))]
        if weights.peer_region and admin1_of and not _names_a_major_city(d.candidates):
            peers = {cc for h, cc in admin1_of.items() if h != g}
            extra = [e + (weights.peer_region if c.feature == "admin1" and c.score >= 1.0 and c.country_code in peers
                          else 0.0) for e, c in zip(extra, d.candidates)]
        if weights.named_country_city and named:
            extra = [e + (weights.named_country_city if c.feature == "populated place" and c.country_code in named
                          and own[g].countries.get(c.country_code, 0.0) < 1.0
                          and c.population >= MAJOR_CITY and c.score >= 1.0 else 0.0)
                     for e, c in zip(extra, d.candidates)]
        if g in list_kinds and not _names_a_major_city(d.candidates):
            extra = [e + (weights.list_peer if c.score >= 1.0 and _kind(c) == list_kinds[g] else 0.0)
                     for e, c in zip(extra, d.candidates)]
        if g in state_named:
            extra = [e + (weights.qualifier if c.feature == "admin1" else 0.0) for e, c in zip(extra, d.candidates)]
        ctx2 = DocumentContext(own[g].countries, anchors, regions)
        ranked = _prefer_city_over_its_region(_rank_plain(d.candidates, ctx2, weights, top=4, extra=extra,
                                                          terms=terms[g]))
        threshold = weights.threshold if own[g].countries else weights.threshold - weights.no_context_relief
        best = ranked[0] if ranked and ranked[0].score >= threshold else None
        resolved[g] = Resolution(d, best, tuple(ranked[1:4]))
    return [resolved[g] if i == reps[g] else Resolution(d, resolved[g].best, resolved[g].runner_up)
            for i, (g, d) in enumerate(zip(groups, detections))]


# ---- the tests ----


def test_documents_are_at_hand(documents):
    assert sum(len(d) for _, d in documents) > 100


def test_coherence_matrix_answers_as_the_plain_form(documents):
    """Rows by candidates, both halved differences in one sin call, in place; priors worked out only down to the
    first one too small: the same bits on real documents."""
    cases = []
    for text, detections in documents:
        lists = [d.candidates for d in detections]
        groups = _name_groups([normalize(d.mention.text) for d in detections])
        for w in WEIGHTS:
            ctx = context_from_votes(mention_votes(lists))
            cases.append((lists, [base_scores(c, ctx, w) for c in lists], groups, w))
    fast = [coherence(*case) for case in cases]
    plain = [_coherence_plain(*case) for case in cases]
    assert sum(len(x) for f in fast for x in f) > 100
    for f, p, case in zip(fast, plain, cases):
        assert _bits(f) == _bits(p), [c.name for c in case[0][0][:3]]


def test_coherence_a_stretch_of_columns_at_a_time_answers_as_all_at_once(documents, monkeypatch):
    """A document too long for one matrix is taken a few columns at a time: the same bits, however few."""
    cases = []
    for text, detections in documents[:300]:
        lists = [d.candidates for d in detections]
        groups = _name_groups([normalize(d.mention.text) for d in detections])
        ctx = context_from_votes(mention_votes(lists))
        cases.append((lists, [base_scores(c, ctx, Weights()) for c in lists], groups))
    whole = [coherence(*case) for case in cases]
    assert sum(x > 0 for f in whole for terms in f for x in terms) > 100
    for cells in (1, 7, 60):
        monkeypatch.setattr(R, "_COHERENCE_CELLS", cells)
        assert [_bits(coherence(*case)) for case in cases] == [_bits(f) for f in whole], cells


def test_rank_answers_as_the_plain_form(documents, monkeypatch):
    """Rounding only the candidates that can reach the top, the final scores from the base scores at hand, the
    regions' tests worked out once: the same candidates, order and score bits, rounded or not."""
    _check_rank(documents)
    # unrounded: the sums themselves are alike (rounding would hide a difference in their last bits)
    monkeypatch.setattr(R, "_round4", lambda s: s)
    monkeypatch.setattr(sys.modules[__name__], "_PLAIN_ROUND", [lambda s: s])
    _check_rank(documents)


def test_round4_is_round(documents):
    """The quick ``round(s, 4)`` gives its very bits: on scores about halfway between two results, zeros of either
    sign, large and small values, and the candidates' scores of the documents."""
    values = [k / 10000 + 0.00005 for k in range(-30000, 30000)] + [k / 20000 for k in range(-60000, 60000)]
    values += [k * 0.000123456789 for k in range(-50000, 50000)] + [0.0, -0.0, 5e-5, -5e-5, 4.9999e-5, 1e-300,
                                                                     -1e-300, 123456789.00005, 1e9, -1e9, 3e12]
    values += [c.score * w for _, detections in documents for d in detections for c in d.candidates
               for w in (1.0, 0.55, 1.2345)]
    values += [float("inf"), float("-inf")]
    assert [R._round4(v).hex() for v in values] == [round(v, 4).hex() for v in values]
    assert math.isnan(R._round4(float("nan")))


def _check_rank(documents):
    checked = 0
    for text, detections in documents:
        names: dict[str, list[Candidate]] = {}
        for d in detections:
            names.setdefault(normalize(d.mention.text), d.candidates)  # each name's first candidates
        lists = list(names.values())
        ctx = context_from_votes(mention_votes(lists))
        regions = tuple(sorted({(c.lat, c.lon, max(c.uncertainty_m, REGION_MIN_RADIUS_M), c.matched)
                                for cands in lists for c in cands[:1] if c.feature.startswith("admin")}))
        coh = coherence(lists, [base_scores(c, ctx, Weights()) for c in lists], list(range(len(lists))))
        for cands, extra in zip(lists, coh):
            for c2 in (ctx, DocumentContext(ctx.countries, (), regions)):
                terms = context_terms(cands, c2)
                base = base_scores(cands, c2, Weights(), terms)
                for top in (1, 2, 4, None):
                    for e in (None, extra):
                        want = _rank_plain(cands, c2, top=top, extra=e)
                        assert _bits(rank(cands, c2, top=top, extra=e)) == _bits(want), [c.name for c in cands[:3]]
                        # from the base scores at hand (a state of the context among the candidates: from the terms)
                        got = rank(cands, c2, top=top, extra=e, terms=terms, base=base)
                        assert _bits(got) == _bits(want), [c.name for c in cands[:3]]
                        checked += 1
    assert checked > 1000


def test_mention_votes_and_context_terms_answer_as_the_plain_forms(documents):
    """Votes worked out once per candidate list, country-like divisions by id, one country by a set of codes;
    country weights tallied in a dict, in the same order; context terms without min()."""
    for text, detections in documents:
        lists = [d.candidates for d in detections]
        for kinds in ([d.mention.kind for d in detections], ["demonym"] * len(lists), None):
            assert mention_votes(lists, kinds=kinds) == _mention_votes_plain(lists, kinds=kinds)
        votes = mention_votes(lists)
        for leave_out in (None, *range(len(votes))):
            for given in ((), ("us", "GB")):
                got = context_from_votes(votes, given=given, leave_out=leave_out).countries
                want = _context_from_votes_plain(votes, given=given, leave_out=leave_out).countries
                assert list(got.items()) == list(want.items()) and _bits(list(got.values())) == _bits(list(want.values()))
        ctx = context_from_votes(votes)
        for c2 in (ctx, DocumentContext()):
            for cands in lists:
                want = _context_terms_plain(cands, c2, Weights())
                assert _bits(context_terms(cands, c2)) == _bits(want)
                # the base scores made in the same pass (as resolve_detections makes them)
                base: list[float] = []
                assert _bits(R._context_terms(cands, c2.countries, Weights(), None, base)) == _bits(want)
                assert _bits(base) == _bits(base_scores(cands, c2, Weights(), want))


def test_resolve_detections_answers_as_the_plain_form(documents):
    """One leave-one-out context per vote value, the bonuses in one pass, "called a state" only for names with a
    division: the same resolutions, to the bit, with and without the text and in other weights."""
    from geomap.geocoding import resolve_detections

    for text, detections in documents:
        for w in WEIGHTS:
            for kwargs in ({"text": text}, {}, {"text": text, "countries": ("US",)}):
                got = resolve_detections(detections, weights=w, **kwargs)
                want = _resolve_plain(detections, weights=w, **kwargs)
                assert _bits(got) == _bits(want), text[:100]


def _short_forms_plain(detections, keys):
    """``_short_forms`` as first written (every key split, whether or not a county word ends any)."""
    full = {}
    for d, key in zip(detections, keys):
        head, _, last = key.rpartition(" ")
        if head and last in ("county", "parish", "borough"):
            full.setdefault(head, []).extend(c for c in d.candidates if c.feature == "admin2" and c.score >= 1.0)
    if not any(full.values()):
        return list(detections)
    out = []
    for d, key in zip(detections, keys):
        extra = full.get(key) if d.mention.kind == "name" else None
        if extra:
            have = {c.source_id for c in d.candidates}
            d = Detection(d.mention, [*d.candidates, *(c for c in dict.fromkeys(extra) if c.source_id not in have)])
        out.append(d)
    return out


def test_short_forms_and_qualifier_gaps_answer_as_the_plain_forms(documents):
    """Counties looked for only when a key ends in a county word; a qualifier looked for only 1 to 4 characters
    after a name (what the qualifier gap can match)."""
    from geomap.geocoding import _QUALIFIER_GAP

    extended = 0
    for text, detections in documents:
        keys = [normalize(d.mention.text) for d in detections]
        got, want = _short_forms(detections, keys), _short_forms_plain(detections, keys)
        assert [(d.mention, d.candidates) for d in got] == [(d.mention, d.candidates) for d in want]
        extended += sum(a is not b for a, b in zip(got, detections))
    assert extended > 0  # some bare county names gained their county
    # no gap of 0 or 5 to 6 characters of spaces and commas is a qualifier gap
    import itertools

    chars = [" ", ",", "\t", "\n", "\u00a0", "\u2009"]
    assert _QUALIFIER_GAP.fullmatch("") is None
    for size in (5, 6):
        assert not any(_QUALIFIER_GAP.fullmatch("".join(p)) for p in itertools.product(chars, repeat=size))
    assert _QUALIFIER_GAP.fullmatch(" ,  ") and _QUALIFIER_GAP.fullmatch(",")



def test_feature_tests_answer_as_startswith(documents):
    """The remembered feature tests give ``str.startswith``'s answers, for every feature of the documents'
    candidates and for look-alikes ("countryside", "admin10", "Admin1")."""
    from geomap.geocoding.rank import ADMIN_FEATURE, _REGION_FEATURE

    features = {c.feature for _, detections in documents for d in detections for c in d.candidates}
    features |= {"country", "continent", "countryside", "continental", "admin", "admin1", "admin10", "admin2",
                 "Admin1", "", "populated place", "xadmin1"}
    for f in sorted(features):
        assert _REGION_FEATURE[f] == (f in ("country", "continent") or f.startswith("admin1")), f
        assert ADMIN_FEATURE[f] == f.startswith("admin"), f


def test_region_terms_with_remembered_regions_answer_as_the_plain_form(documents):
    """Regions as a tuple (their own tests remembered between calls) or as a list, each document's with its
    candidate lists in turn: each candidate's region term as ``_in_region_plain`` gives it."""
    inside = 0
    for text, detections in documents:
        lists = [d.candidates for d in detections]
        regions = tuple(sorted({(c.lat, c.lon, max(c.uncertainty_m, REGION_MIN_RADIUS_M), c.matched)
                                for cands in lists for c in cands[:1] if c.feature.startswith("admin")}))
        for few in (regions, list(regions), regions[1:]):
            ctx = DocumentContext({}, (), few)
            for cands in lists:
                want = [_in_region_plain(c, ctx, Weights()) for c in cands]
                assert _bits(R._region_terms(cands, few, Weights())) == _bits(want)
                inside += sum(1 for x in want if x)
    assert inside > 100


def test_region_terms_latitude_band_answers_as_the_plain_form():
    """Places just inside and just outside the latitude band of a document's regions, at its edges, with a
    latitude that is not a number, and regions of no extent, of endless extent or none at all: each place's
    region term as ``_in_region_plain`` gives it."""
    regions = ((40.0, -100.0, 15_000.0, "kansas"), (30.0, -90.0, 200_000.0, "somewhere"))
    reach = [(lat, lon, radius_m, key, radius_m / 1000 + 1.0) for lat, lon, radius_m, key in regions]
    south, north = R._latitude_band(reach)
    # the band's edges as the latitude test of each region places them
    edges = (30.0 - (200.0 + 1.0) / R._KM_PER_DEGREE, 40.0 + (15.0 + 1.0) / R._KM_PER_DEGREE)
    lats = [edges[0], edges[1], south, north, math.nextafter(south, -math.inf), math.nextafter(north, math.inf),
            edges[0] - 1e-7, edges[1] + 1e-7, 30.0, 40.0, 40.1, 29.0, 45.0, 10.0, float("nan")]
    cands = [Candidate(f"p{k}", lat, lon, "US", "populated place", 10, f"geonames:{k}", 1.0, matched=f"p{k}")
             for k, lat in enumerate(lats) for lon in (-100.0, -90.0, -95.0)]
    assert south < edges[0] and north > edges[1]
    for few in (regions, regions[:1], (), ((35.0, -95.0, 0.0, "dot"),), ((35.0, -95.0, math.inf, "all"),),
                ((float("nan"), -95.0, 50_000.0, "nan"),) + regions):
        ctx = DocumentContext({}, (), few)
        want = [_in_region_plain(c, ctx, Weights()) for c in cands]
        assert _bits(R._region_terms(cands, few, Weights())) == _bits(want), few
    assert any(R._region_terms(cands, regions, Weights()))


def _list_peers_plain(detections, groups, text, first, *, order=None):
    """:func:`geomap.geocoding.list_peers` as it was: each listed name's fellows gathered from the whole list."""
    if order is None:
        order = G._text_order(detections)
    chains = []
    for n, k in enumerate(order):
        if n and G.joins(text, detections[order[n - 1]].mention.end, detections[k].mention.start, G._LIST_GAP):
            chains[-1].append(k)
        else:
            chains.append([k])
    out = {}
    for chain in chains:
        if len(chain) < 2 or (len(chain) == 2 and G._QUALIFIER_GAP.fullmatch(
                text, detections[chain[0]].mention.end, detections[chain[1]].mention.start)):
            continue
        kinds = {k: _kind(first(groups[k])) for k in chain}
        for k in chain:
            others = [kinds[h] for h in chain if groups[h] != groups[k]]
            if not others:
                continue
            kind = max(set(others), key=lambda x: (others.count(x), x))
            if kind[0] and 3 * others.count(kind) >= 2 * len(others):
                out[groups[k]] = kind
    return out


def test_list_peers_answer_as_the_plain_form(documents, monkeypatch):
    gaz = Gazetteer()
    lists = [", ".join(["Paris", "Lyon", "Nice", "Texas", "Ohio", "Georgia"] * 50),
             "Fighting in Georgia, Oklahoma, Pennsylvania and California, then Benin, Niger, Nigeria and Togo. " * 20,
             "Georgia and Georgia and Armenia, Azerbaijan and Georgia, Texas / Ohio / Paris / Georgia."]
    docs = documents + [(t, find_mentions(Article(id="t", path="", title="", text=t), gaz)) for t in lists]
    peers, found = G.list_peers, []

    def both(detections, groups, text, first, **kw):
        fast = peers(detections, groups, text, first, **kw)
        assert fast == _list_peers_plain(detections, groups, text, first, **kw)
        found.append(fast)
        return fast

    monkeypatch.setattr(G, "list_peers", both)
    for text, detections in docs:
        resolve_detections(detections, text=text)
    assert len(found) == len(docs) and sum(map(bool, found)) > 20
