"""The gazetteer's fast lookup paths answer exactly as the plain ones they replace (oracles on real data)."""

from __future__ import annotations

import importlib
import json
import random
import re
from pathlib import Path

import pytest

from geomap.gazetteer import Gazetteer
from geomap.gazetteer.index import TIER_NORMAL, TIER_SKELETON

G = importlib.import_module("geomap.gazetteer")
N = importlib.import_module("geomap.gazetteer.normalize")
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "geoparse"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


def _texts() -> list[str]:
    """The LGL and GeoVirus texts (when present) and the seed articles."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for corpus in ("lgl", "geovirus"):
        path = CORPORA / f"{corpus}.jsonl"
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line]
    return texts


def _sample_keys(gaz: Gazetteer) -> list[str]:
    """Every normal key that is a word of the texts, and 20,000 random normal keys of the name table."""
    table = gaz.index.table
    words = {N.normalize(w) for text in _texts() for w in re.findall(r"\w+", text)}
    keys = sorted(w for w in words if w in table.keys[TIER_NORMAL])
    rng = random.Random(3)
    return keys + rng.sample(table.normal_keys, 20_000)


def _plain_ranked(table, cc, places, limit, norm) -> list[tuple]:
    """What _lookup_keys ranked before _best_places: every place recorded, all of them sorted."""
    found: dict[str, tuple] = {}
    G._keep_places(found, cc, table, places, G._EXACT_SCORE, norm)
    return sorted(found.values(), key=G._match_order)[:limit]


def test_best_candidates_rank_as_all_places_sorted(gaz):
    """_best_candidates (a prefix of a key's places, made into candidates as met) gives the candidates of the best
    `limit` of gathering and sorting every place, on the texts' words and random keys, with and without a country
    filter, for several limits."""
    table = gaz.index.table
    offsets, all_places = table.offsets[TIER_NORMAL], table.places[TIER_NORMAL]
    crowded = tied = 0
    for key in _sample_keys(gaz):
        n = table.keys[TIER_NORMAL][key]
        start = offsets[n]
        places = all_places[start:min(offsets[n + 1], start + G._CITY_ROWS)]
        for cc in (None, table.cc[places[-1]], "US"):
            for limit in (1, 3, 25, 100):
                got = G._best_candidates(table, cc, places, limit, key)
                want = [G.Gazetteer._from_place(table, m) for m in _plain_ranked(table, cc, places, limit, key)]
                assert [vars(c) for c in got] == [vars(c) for c in want], (key, cc, limit)
                kept = [k for k in places if not cc or table.cc[k] == cc]
                crowded += len(kept) > limit
                tied += len(kept) > limit and table.population[kept[limit - 1]] == table.population[kept[limit]]
    assert crowded > 500 and tied > 500  # the cut and the tie sorting were both exercised


def test_lookup_of_table_names_answers_as_the_plain_stages(gaz):
    """_lookup answers as the plain stages (every place recorded and sorted) for the sampled keys, written as
    they are and capitalised, with and without a country filter: candidates equal field by field."""
    table = gaz.index.table
    for key in _sample_keys(gaz)[::7]:
        for name in (key, key.title()):
            norm = N.normalize(name)
            exact, n = gaz._memory.by_norm.get(norm, ()), table.keys[TIER_NORMAL].get(norm)
            for country in (None, "us", "IN"):
                got = gaz._lookup(name, country=country, fuzzy=False, skeleton=True, limit=25)
                want = _plain_lookup(gaz, norm, exact, n, table, country)
                assert [vars(c) for c in got] == [vars(c) for c in want], (name, country)


def _plain_lookup(gaz, norm, exact, n, table, country, limit=25):
    """Non-fuzzy _lookup_keys through the module's plain helpers, when the normal key matches (exact or table);
    else the real _lookup_keys (the skeleton stage has its own oracle in test_speed_paths)."""
    cc = country.upper() if country else None
    found: dict[str, tuple] = {}
    for i, alias in exact:
        G._keep_entry(found, cc, gaz._memory.entries[i], G.MATCH_EXACT, alias)
    if n is not None:
        offsets = table.offsets[TIER_NORMAL]
        start = offsets[n]
        G._keep_places(found, cc, table, table.places[TIER_NORMAL][start:min(offsets[n + 1], start + G._CITY_ROWS)],
                       G._EXACT_SCORE, norm)
    if not found:
        return gaz._lookup_keys(norm, exact, n, table, country=country, fuzzy=False, skeleton=True, limit=limit)
    ranked = sorted(found.values(), key=G._match_order)
    return tuple(G.Gazetteer._from_place(table, m) if type(m[3]) is int else G._entry_candidate(m[3], m[0], m[4])
                 for m in ranked[:limit])



def _plain_key_skeleton(norm: str) -> str:
    """_key_skeleton as first written: every multi-letter fold in turn, one str.translate, a character loop."""
    key = norm.replace(" ", "")
    if not key:
        return ""
    for old, new in N._TRANSLIT:
        if len(old) > 1 and old in key:
            key = key.replace(old, new)
    rest = key[1:].translate(N._SINGLE_NO_VOWELS)
    if len(rest) > 2:
        rest = rest.rstrip("h")
    out = last = key[0].translate(N._SINGLE)
    for ch in rest:
        if ch != last:
            out += ch
            last = ch
    return out


def test_key_skeleton_as_plain_on_every_table_key(gaz):
    """_key_skeleton (no "h" folds tried on a key without "h", bytes translation, first letter by dictionary, bounds
    checked inside) gives the plain skeleton of every normal key of the name table, of the texts' words and runs of
    words, and of non-ASCII strings."""
    words = [N.normalize(w) for text in _texts()[:300] for w in re.findall(r"\w+(?: \w+){0,2}", text)]
    keys = [*gaz.index.table.normal_keys, *words, "héllo wörld", "ßchh", "a", "hh", "ouh", "sschh"]
    assert [N._key_skeleton(k) for k in keys] == [_plain_key_skeleton(k) for k in keys]
    # with name_keys' bounds, checked inside: "" for a key of under five letters or a skeleton of under three
    bounded = [_plain_key_skeleton(k) if len(k.replace(" ", "")) >= 5 else "" for k in keys]
    assert [N._key_skeleton(k, 5, 3) for k in keys] == [s if len(s) >= 3 else "" for s in bounded]
    assert (N.SKELETON_MIN_LETTERS, N.SKELETON_MIN_LENGTH) == (5, 3)


def test_close_aliases_as_every_ratio_computed(gaz):
    """_close_aliases (length bound on short lists; one rapidfuzz call on long ones, its scores taken as the ratios)
    gives the aliases, ratios and order of computing _ratio for every alias of a skeleton key's rows, on the
    texts' words and runs of words that reach the skeleton stage and on altered aliases of random skeleton keys."""
    table = gaz.index.table
    offsets = table.offsets[TIER_SKELETON]
    rng = random.Random(5)
    queries = []
    for text in _texts()[:400]:
        for name in re.findall(r"\w+(?: \w+)?", text):
            norm = N.normalize(name)
            n = table.keys[TIER_SKELETON].get(G._skeleton_key(norm)) if norm else None
            if n is not None:
                queries.append((norm, n))
    for n in rng.sample(range(len(offsets) - 1), 20_000):
        alias = table.skeleton_alias_keys[offsets[n]]
        i = rng.randrange(len(alias))
        queries.append((alias[:i] + rng.choice("aeiouyhw") + alias[i + 1:], n))
    batches = found = 0
    for norm, n in queries:
        start = offsets[n]
        aliases = table.skeleton_alias_keys[start:min(offsets[n + 1], start + G._CITY_ROWS)]
        want = [(h, r) for h, alias in enumerate(aliases) if (r := G._ratio(norm, alias)) >= G.MIN_SKELETON_RATIO]
        assert G._close_aliases(norm, aliases) == want, norm
        batches += len(aliases) >= G._BATCH_FROM
        found += len(want)
    assert batches > 3000 and found > 10_000


def test_ranked_as_sorted_by_match_order():
    """_ranked (two sorts keyed in C) orders matches as sorting by _match_order does, ties of score and of
    population included."""
    rng = random.Random(7)
    for _ in range(3000):
        found = {}
        for _ in range(rng.randint(0, 12)):
            sid = f"geonames:{rng.randint(1, 40)}"
            found[sid] = (rng.choice((0.5, 0.7654, 1.0, 1.2)), rng.choice((0, 10, 5000)), sid, 0, "")
        assert G._ranked(found) == sorted(found.values(), key=G._match_order)


def _plain_normalize(name: str) -> str:
    """normalize as it was before its one-word shortcut and isdisjoint test (uncached)."""
    if name.isascii() and name.replace(" ", "").isalnum():
        tokens = name.lower().split()
    else:
        folded = N.fold(name)
        if "&" in folded:
            folded = folded.replace("&", " and ")
        tokens = N._ALNUM_RUN.findall(folded)
    if not N.REWRITTEN_WORDS.intersection(tokens):
        return " ".join(tokens)
    last = len(tokens) - 1
    return " ".join("al" if tok in N._ARTICLE and i < last else "ben" if tok in N._BEN and i < last else tok
                    for i, tok in enumerate(tokens))


def test_normalize_as_plain(gaz):
    """normalize (a lone ASCII word returned lower-cased at once) gives the plain normal key of the texts' words and
    runs of words, of the name table's place names, and of rewritten words alone and in names."""
    spans = [m.group() for text in _texts()[:300] for m in re.finditer(r"\S+(?: \S+){0,2}", text)]
    names = [*spans, *gaz.index.table.name[::7], "Al", "EL", "bin", "Ibn", "El Amria", "Ben-Guerdane", "ABC123", "x",
             "Al Al", "al-", " al", "A1 b2", "Ünye", "Tunis & Co", "2024", "", " "]
    assert [N.normalize.__wrapped__(s) for s in names] == [_plain_normalize(s) for s in names]


def _capitalised_spans(text: str) -> list[str]:
    """Runs of one to three capitalised words of ``text``, as detection asks them."""
    words = re.findall(r"[A-Z][\w'’.-]*", text)
    return [" ".join(words[k:k + size]) for k in range(len(words)) for size in (1, 2, 3)]


def test_lookup_exact_is_lookup_unless_only_geonames_transliterations(gaz):
    """Gazetteer.lookup_exact answers as lookup(name, fuzzy=False), or says None only for names whose every
    candidate is a GeoNames place scoring below 1 (a transliteration match), on the capitalised spans of the texts;
    and both kinds of answer occur."""
    names = sorted({span for text in _texts()[:400] for span in _capitalised_spans(text)})
    fast = Gazetteer(index=gaz.index)  # its own cache: asked before any full lookup
    answered = deferred = 0
    for name in names:
        got = fast.lookup_exact(name)
        plain = gaz.lookup(name, fuzzy=False)
        if got is None:
            deferred += 1
            assert plain == [] or all(c.score < 1 and c.source_id.startswith("geonames:") for c in plain), name
            assert fast.lookup_exact(name) is None  # remembered
            assert fast.lookup(name, fuzzy=False) == plain
        else:
            answered += 1
            assert got == plain, name
    assert deferred > 500 and answered > 5_000


def test_find_mentions_as_with_every_lookup_complete(gaz):
    """find_mentions, which skips names with only GeoNames transliteration matches by the tests that drop them
    whatever those matches are, detects exactly what it detects when every name is looked up in full, on the seeds
    and both corpora."""
    from geomap.model import Article
    from geomap.toponyms import find_mentions

    def complete(name: str):
        return Gazetteer.lookup(gaz, name, fuzzy=False)

    plain_gaz = Gazetteer(index=gaz.index)
    plain_gaz.lookup_exact = complete  # the plain path: never None, so the early tests are never asked
    fast_gaz = Gazetteer(index=gaz.index)
    skipped = 0
    for k, text in enumerate(_texts()):
        article = Article(id=str(k), path="", title="", text=text)
        fast = find_mentions(article, fast_gaz)
        plain = find_mentions(article, plain_gaz)
        assert [(d.mention, d.candidates) for d in fast] == [(d.mention, d.candidates) for d in plain], k
    skipped = len(fast_gaz._inexact_only)
    assert skipped > 500  # the early tests were asked
