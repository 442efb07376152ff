"""The fast paths of detection (geomap.toponyms) answer exactly as the plain forms they replace.

Each plain form below is the code the fast one replaced, kept here as the reference; they are compared on
the seeds, the evaluation corpora when they are at hand, and perturbed texts made to hit the edge cases.
"""

from __future__ import annotations

import json
import random
import re
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from geomap import toponyms as T
from geomap.gazetteer import Gazetteer
from geomap.gazetteer.normalize import REWRITTEN_WORDS, fold, normalize
from geomap.model import Article

ROOT = Path(__file__).resolve().parents[1]
#: the evaluation corpora (LGL, GeoVirus), beside the repository when they are at hand
CORPORA = ROOT.parent / "shared" / "eval" / "geoparse"


def _real_texts() -> list[str]:
    """The seeds and, when at hand, the texts of the evaluation corpora."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for corpus in ("lgl.jsonl", "geovirus.jsonl"):
        if (CORPORA / corpus).exists():
            texts += [json.loads(x)["text"] for x in (CORPORA / corpus).read_text(encoding="utf-8").split("\n")
                      if x.strip()]
    return texts


def _perturbed(n: int, seed: int, pieces: list[str], most: int = 25) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, most))) for _ in range(n)]


#: pieces of detection's edge cases: connectors, hyphens, possessives, abbreviations, titles, ages, non-ASCII
#: word and non-word characters, line breaks
_PIECES = ["Ben", " de ", " la ", "-", ". ", "St.", " Al-", "U.S.", "’s", "'", "\n", " ", "Tunis", "el", " y ", "Gaza-Israel",
           "-based", "Mr.", "Jones", ", 45,", " said", "É", "é", "de-", "DE", " of ", "of", "X.Y.", "a.b", "!", "?", '"', ")",
           "”", "Tripoli's", " Van ", "ibn ", "Dr", " Bob", " John", "_", "1", "٣", "²", "ǅ", "Σ", "ſ", "\u0301", "ª", "Ⅱ",
           "Al", " El ", "Bin", " and ", " & ", "Trinidad", "Tobago", " counties", " COUNTIES", "university", " ",
           "\t", "  ", "’", "..", "U.S.Army", "Mt. ", "said", "Saint-", "#", "US", "us"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rng = random.Random(19)
    alphabet = "aZé٣_1Ω ΣçİıＡ²ǅ-.'’Ab.C.\u0301\u00aa\u2160x de la \n"
    out = _real_texts() + _perturbed(6000, 11, _PIECES)
    out += ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(10_000)]
    out.append("".join(chr(c) for c in range(0x20, 0x3000)))
    return out


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


def _detection_tokens_plain(text: str) -> list[tuple[int, int]]:
    """:func:`geomap.toponyms._detection_tokens` with :data:`_CAP_TOKEN` and the trailing punctuation, hyphen
    and connectors found in Python."""
    out: list[tuple[int, int]] = []
    for m in T._CAP_TOKEN.finditer(text):
        s, e = m.span()
        if m.lastindex == 1:
            out.append((s, e))
        else:
            word = m.group().rstrip(".-’'")
            if not word:
                continue
            e = s + len(word)
            out.extend(T._split_token(text, s, e) if "-" in word else [(s, e)])
        while True:
            c = text[e:e + 1]
            if c == " " or c == "-":
                q = e + 1
            elif c == "." and text[e + 1:e + 2] == " ":
                q = e + 2
            else:
                break
            k = T._CONNECTOR_AT.match(text, q)
            if k is None:
                break
            e = k.end()
            out.append((q, e))
    return out


def _runs_plain(text: str, toks: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    out, run = [], []
    for tok in toks:
        s, e = tok
        if run:
            ps, pe = run[-1]
            gap = text[pe:s] if s - pe <= 2 else ""
            gap_ok = gap == " " or gap == "-" or (gap == ". " and text[ps:pe].lower() in T._NAME_ABBR)
        else:
            gap_ok = False
        if e > s and text[s].isupper():
            if run and not gap_ok:
                out.append(run)
                run = []
            run.append(tok)
        elif gap_ok and text[s:e].lower() in T._CONNECTORS:
            run.append(tok)
        else:
            if run:
                out.append(run)
            run = []
    if run:
        out.append(run)
    return out


_FIRST_NAME_CUE = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Sgt|Lt|Capt|Col|Gen|Det|Officer|Deputy|Sheriff|Judge|"
                             r"Coach|President|Mayor|Chief|Pastor|Rev)\.?$")


def _surnames_plain(text: str, toks: list[tuple[int, int]], lower_words: set[str]) -> set[str]:
    out: set[str] = set()
    for k in range(1, len(toks)):
        (s0, e0), (s1, e1) = toks[k - 1], toks[k]
        if s1 - e0 > 2:
            continue
        gap = text[e0:s1]
        if gap != " " and gap != ". ":
            continue
        first, last = text[s0:e0], text[s1:e1]
        if not (first[:1].isupper() and last[:1].isupper()):
            continue
        after = text[e1:e1 + 14]
        if not (first in T._GIVEN_NAMES or _FIRST_NAME_CUE.match(first) or T._AGE_AFTER.match(after)
                or T._PERSON_AFTER.match(after)):
            continue
        if last.lower() in lower_words or fold(last) in T._ALWAYS_SKIP:
            continue
        out.add(last)
    return out


def _sentence_spans_plain(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in T._BOUNDARY_FAST.finditer(text):
        end = m.end()
        if m.group(0)[0] == ".":
            w = T._word_before(text, m.start())
            if (len(w) == 1 and w.isupper()) or w.lower() in T._ABBREVIATIONS or ("." in w and T._INITIALS.fullmatch(w)):
                continue
        T._add_span(text, start, end, spans)
        start = end
    T._add_span(text, start, len(text), spans)
    return spans


def test_detection_tokens_runs_surnames_and_sentences_answer_as_the_plain_forms(texts):
    for text in texts:
        toks = T._detection_tokens(text)
        assert toks == _detection_tokens_plain(text), text[:200]
        assert list(T._runs(text, toks)) == _runs_plain(text, toks), text[:200]
        lower = set(T._LOWER_WORD.findall(text))
        assert T._surnames(text, toks, lower) == _surnames_plain(text, toks, lower), text[:200]
        assert T.sentence_spans(text) == _sentence_spans_plain(text), text[:200]


def test_lower_words_answer_every_token_as_the_regex_set(texts):
    """The set :func:`_lower_words` makes holds what the regex finds and words with a "#", which no token
    (as find_mentions and _surnames ask: folded or lower-cased) holds."""
    for text in texts:
        plain = set(T._LOWER_WORD.findall(text))
        fast = T._lower_words(text)
        assert {w for w in fast if "#" not in w} == plain, text[:200]
        for s, e in T._detection_tokens(text):
            assert "#" not in fold(text[s:e]) and "#" not in text[s:e].lower()
    # no word character (nor the other characters of tokens) folds or lower-cases to a "#"
    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    assert not [c for c in chars if (c.isalnum() or c in "_’'.-") and ("#" in fold(c) or "#" in c.lower())]


def test_first_word_key_of_a_two_token_span_is_the_folded_token(texts):
    """find_mentions takes the first word of the normal key of tokens i and i + 1 as the folded token i when
    it is ASCII letters that normalize does not rewrite."""
    asked = 0
    for text in texts:
        for run in T._runs(text, T._detection_tokens(text)):
            for (s, e), (_, e1) in pairwise(run):
                word = text[s:e]
                if word.isascii() and word.isalpha() and fold(word) not in REWRITTEN_WORDS:
                    asked += 1
                    assert normalize(text[s:e1]).split(" ", 1)[0] == fold(word), text[s:e1]
    assert asked > 1000


def test_plural_scan_matches_as_the_lookbehind(texts):
    plain = re.compile(r"(?<=\s)(?:" + "|".join(T._PLURAL_DESIGNATIONS) + r")\b", re.IGNORECASE)
    for text in texts + _perturbed(20_000, 7, _PIECES + ["\u00a0counties", "countieſ", " Provinces", "\tislands"], 12):
        assert ([(m.span(1), m.group(1)) for m in T._PLURAL_WORD.finditer(text)]
                == [(m.span(), m.group()) for m in plain.finditer(text)]), text[:200]


def _put_plain(detections, text, sents, article_id, s, e, cands):
    """:func:`geomap.toponyms._put` as it was: every detection tested for overlap, a new list made."""
    kept = [d for d in detections if not (d.mention.start < e and s < d.mention.end)]
    at = next((k for k, d in enumerate(kept) if d.mention.start > s), len(kept))
    found = T.Detection(T.new_mention(article_id, s, e, text[s:e], T.sentence_at(text, sents, s, e)), cands)
    return [*kept[:at], found, *kept[at:]]


def _designate_listed_plain(text, detections, lookup, add=False, article_id="text", sents=None):
    """:func:`geomap.toponyms.designate_listed` as it was: every listed name compared with every detection."""
    listed = T.listed_places(text, lookup)
    if not listed:
        return detections
    out = list(detections)
    for s, e, cands in listed:
        same = next((k for k, d in enumerate(out) if d.mention.kind == "name"
                     and (d.mention.start, d.mention.end) == (s, e)), None)
        if same is not None:
            out[same] = T.Detection(out[same].mention, cands)
        elif add:
            sents = sents if sents is not None else T.sentence_spans(text)
            out = _put_plain(out, text, sents, article_id, s, e, cands)
    return out


def _joined_names_plain(text, sents, article_id, detections, gazetteer, lookup):
    shapes = gazetteer.joined_names()
    for joiner in (" and ", " & "):
        at = text.find(joiner)
        while at != -1:
            after = at + len(joiner)
            word = T._WORD_AT.match(text, after)
            shape = shapes.get(normalize(word.group())) if word and word.group()[:1].isupper() else None
            found = T._joined_at(text, at, after, shape, lookup) if shape else None
            if found:
                detections = _put_plain(detections, text, sents, article_id, *found)
            at = text.find(joiner, after)
    return detections


def test_joined_names_answer_as_the_plain_form(texts, gaz):
    def lookup(name):
        return gaz.lookup(name, fuzzy=False)

    found = 0
    for text in texts + _perturbed(3000, 5, [" and ", " & ", "Trinidad", "Tobago", "Jammu", "Kashmir", "Ⓐ", " ",
                                             "Newfoundland", "Labrador", "and", "é", "Trinidad and Tobago",
                                             "Jammu & Kashmir", "Bosnia and Herzegovina", "in "], 10):
        sents = T.sentence_spans(text)
        got = T._joined_names(text, sents, "t", [], gaz, lookup)
        assert got == _joined_names_plain(text, sents, "t", [], gaz, lookup), text[:200]
        found += len(got)
    assert found > 200


#: lists long enough that comparing every name with every other one showed (the old forms took minutes)
LONG_LISTS = [
    "Floods hit Adams and Brown counties, Clark and Lee Counties and Trinidad and Tobago. " * 30,
    "Adams and Brown Counties and Clark and Lee Counties were hit.",  # two lists that overlap
    "Fighting in Georgia, Oklahoma, Pennsylvania and California, then Benin, Niger, Nigeria and Togo. " * 20,
    ", ".join(["Paris", "Lyon", "Nice", "Texas", "Ohio"] * 60),
    "Antigua and Barbuda and Trinidad and Tobago and Bosnia and Herzegovina. " * 10,
]


def test_listed_and_joined_names_are_put_as_the_plain_forms_put_them(gaz, monkeypatch):
    changed = {"listed": 0, "joined": 0}
    designate, joined = T.designate_listed, T._joined_names

    def designate_both(text, detections, lookup, add=False, **kw):
        fast = designate(text, list(detections), lookup, add, **kw)
        assert fast == _designate_listed_plain(text, list(detections), lookup, add, **kw)
        changed["listed"] += fast != detections
        return fast

    def joined_both(text, sents, article_id, detections, gazetteer, lookup):
        fast = joined(text, sents, article_id, list(detections), gazetteer, lookup)
        assert fast == _joined_names_plain(text, sents, article_id, list(detections), gazetteer, lookup)
        changed["joined"] += fast != detections
        return fast

    monkeypatch.setattr(T, "designate_listed", designate_both)
    monkeypatch.setattr(T, "_joined_names", joined_both)
    for i, text in enumerate(_real_texts() + LONG_LISTS):
        T.find_mentions(Article(id=str(i), path="", title="", text=text), gaz)
    assert min(changed.values()) >= 3, changed  # each step changed some texts' detections


def test_put_answers_as_the_plain_form_on_random_spans():
    rng = random.Random(7)
    text = "x" * 400
    sents = [(0, len(text))]
    for _ in range(300):
        # detections in text order, not overlapping: pieces of the text cut at random points (two pieces kept
        # side by side touch)
        points = sorted(rng.sample(range(1, 400), rng.randint(0, 24)))
        spans = [(a, b) for a, b in zip([0, *points], points) if rng.random() < 0.6]
        dets = [T.Detection(T.new_mention("a", a, b, text[a:b], ""), []) for a, b in spans]
        fast, plain = list(dets), list(dets)
        for _ in range(rng.randint(1, 4)):
            a = rng.randrange(399)
            b = rng.randint(a + 1, min(400, a + 30))
            T._put(fast, text, sents, "a", a, b, [])
            plain = _put_plain(plain, text, sents, "a", a, b, [])
        assert fast == plain


def test_demonyms_with_plurals_answer_as_the_two_lookups(texts, gaz):
    """find_mentions asks one dict (:func:`_with_plurals`) for a key's demonym where it asked the demonym table
    for the key and then for the key without its final "s"."""
    demonyms = gaz.demonyms()
    fast = T._with_plurals(demonyms)
    assert T._with_plurals(demonyms) is fast  # made once per table
    keys = {*demonyms, *(d + "s" for d in demonyms), *(d[:-1] for d in demonyms), "s", "", "ss"}
    for text in texts[:3000]:
        keys.update(fold(text[s:e]) for s, e in T._detection_tokens(text))
    for key in keys:
        assert fast.get(key) == (demonyms.get(key) or (demonyms.get(key[:-1]) if key.endswith("s") else None)
                                 or None), key
    # a table with false values (find_mentions reads any as none) and a plural that is a demonym of its own
    odd = {"x": "", "xs": "B", "y": "C", "ys": "", "zs": "D"}
    for key in ("x", "xs", "xss", "y", "ys", "yss", "z", "zs", "zss"):
        assert T._with_plurals(odd).get(key) == (odd.get(key) or (odd.get(key[:-1]) if key.endswith("s") else None)
                                                 or None), key


def _looks_like_person_plain(text, s, e, prev_unknown, next_unknown, run, i, j):
    before = text[max(0, s - 25):s].split()
    if before and before[-1].rstrip(".").lower() in T._PERSON_BEFORE:
        return True
    if before and before[-1].lower() in T._LOCATIVE:
        return False
    if prev_unknown or next_unknown:
        return True
    if j + 2 < len(run) and text[run[j + 1][0]:run[j + 1][1]].lower() in T._PATRONYMIC:
        return True
    if before and before[-1].lower() in T._PATRONYMIC and len(before) > 1 and before[-2][:1].isupper():
        return True
    if j == i and T._OF_AFTER.match(text[e:e + 12]):
        return True
    return bool(T._PERSON_AFTER.match(text[e:e + 20]))


def _strong_place_plain(cands, name=""):
    if " " in name and name.rsplit(" ", 1)[1].lower() in T._FEATURE_WORDS:
        for c in cands:
            if c.score >= 1:
                return True
    for c in cands:
        if c.score >= 1 and (c.population >= T.STRONG_PLACE_POPULATION or c.feature in T._REGIONAL
                             or c.feature.startswith("admin1")):
            return True
    return False


def _common_name_without_cue_plain(text, s, e, name, cands, names):
    if fold(name) not in names:
        return False
    for c in cands:
        if c.feature in T._REGIONAL or c.feature.startswith("admin1"):
            return False
    for c in cands:
        if c.score >= 1.0 and c.population >= T.NAME_TOWN_POPULATION and not T.alternate_only(c):
            return False
    before = text[max(0, s - 25):s].split()
    if before and before[-1].lower() in T._LOCATIVE:
        return False
    after = text[e:e + 20]
    if T._REGION_AFTER.match(after) or T._COUNTY_AFTER.match(after):
        return False
    return True


def test_person_and_place_cues_answer_as_the_plain_forms(texts, gaz):
    """_looks_like_person (the last words before given or not, the last one lower-cased once, the "of" after matched
    in place), _strong_place and _common_name_without_cue (one pass over the candidates, populated places
    passed over first; the key and the words before given or not) answer as the plain forms on every span of
    up to three tokens of the real texts and of perturbed ones, with the candidates of the gazetteer."""
    rng = random.Random(3)
    needs_cue = T._needs_cue()
    extra = _perturbed(3000, 23, _PIECES + [" in ", "President ", " said", " of Tunis", " Ben ", "Ripley", " County",
                                            "ΑΣ.", "\u212a", "Turner", ", Miss."], 14)
    asked = strong = common = 0
    for text in texts[:2000] + extra:
        for run in T._runs(text, T._detection_tokens(text)):
            for i in range(len(run)):
                for j in range(i, min(len(run), i + 3)):
                    s, e = run[i][0], run[j][1]
                    flags = (rng.random() < 0.2, rng.random() < 0.2)
                    before = text[max(0, s - 25):s].rsplit(None, 2)  # as find_mentions gives them
                    want = _looks_like_person_plain(text, s, e, *flags, run, i, j)
                    assert T._looks_like_person(text, s, e, *flags, run, i, j) == want, text[s - 30:e + 30]
                    assert T._looks_like_person(text, s, e, *flags, run, i, j, before) == want, text[s - 30:e + 30]
                    if i == j and asked < 20_000:
                        name = text[s:e]
                        cands = gaz.lookup(name, fuzzy=False)
                        asked += 1
                        strong += T._strong_place(cands, name)
                        assert T._strong_place(cands, name) == _strong_place_plain(cands, name), name
                        want = _common_name_without_cue_plain(text, s, e, name, cands, needs_cue)
                        common += want
                        assert T._common_name_without_cue(text, s, e, name, cands, needs_cue) == want, name
                        assert T._common_name_without_cue(text, s, e, name, cands, needs_cue, fold(name),
                                                          before) == want, name
    assert asked == 20_000 and strong > 1000 and common > 100


def _sentence_at_plain(text, spans, pos):
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if pos < s:
            hi = mid - 1
        elif pos >= e:
            lo = mid + 1
        else:
            return text[s:e]
    return ""


def test_sentence_at_answers_as_the_binary_search(texts):
    """sentence_at (bisect on the span starts) finds the sentence the plain binary search finds, at every
    position of the texts (and just outside them)."""
    for text in texts[:4000]:
        spans = T.sentence_spans(text)
        for pos in range(-1, len(text) + 2):
            assert T.sentence_at(text, spans, pos) == _sentence_at_plain(text, spans, pos), (text[:200], pos)
    assert T.sentence_at("", [], 0) == ""


#: the test find_mentions asks before a name's lookup (the fast path), as it is written in its source
_EARLY_PERSON_TEST = "if ((prev_unmatched or j + 1 < n and unknowns[j + 1]) and key in common_names"


def _find_mentions_plain():
    """find_mentions without the person test asked before the lookup: its source with that test made false."""
    import inspect
    import textwrap

    src = textwrap.dedent(inspect.getsource(T.find_mentions))
    assert src.count(_EARLY_PERSON_TEST) == 1
    namespace = dict(vars(T))
    exec(compile(src.replace(_EARLY_PERSON_TEST, "if (False and key in common_names"), T.__file__, "exec"),
         namespace)
    return namespace["find_mentions"]


class _CountingGazetteer:
    """A gazetteer that counts the names asked of it, in full or exactly only (all else as the one it wraps)."""

    def __init__(self, gaz: Gazetteer) -> None:
        self._gaz = gaz
        self.looked_up = 0

    def lookup(self, name, **kw):
        self.looked_up += 1
        return self._gaz.lookup(name, **kw)

    def lookup_exact(self, name):
        self.looked_up += 1
        return self._gaz.lookup_exact(name)

    def __getattr__(self, attr):
        return getattr(self._gaz, attr)


def test_person_test_before_the_lookup_answers_as_after_it(texts, gaz):
    """find_mentions skips a personal name that looks like a person before looking it up; the detections are
    those of the plain form, which looks it up first, on the real texts and perturbed ones (names beside
    unknown capitalised words, titles, place prepositions, plurals: "Bob Frances" names France), and lookups
    are saved."""
    from geomap.model import Article

    plain = _find_mentions_plain()
    fast_gaz, plain_gaz = _CountingGazetteer(gaz), _CountingGazetteer(gaz)
    extra = _perturbed(3000, 31, _PIECES + [" in ", "President ", " said", " Ben ", "Ripley", " Turner", " Jackson",
                                            "Georgia ", "Washington", " Bob", " Smith", "s", " Hall", "’s", ", 45,",
                                            " Frances", " Chiles"], 14)
    for k, text in enumerate(_real_texts() + extra):
        article = Article(id=str(k), path="", title="", text=text)
        fast, want = T.find_mentions(article, fast_gaz), plain(article, plain_gaz)
        assert [(d.mention, d.candidates) for d in fast] == [(d.mention, d.candidates) for d in want], text[:200]
    assert fast_gaz.looked_up < plain_gaz.looked_up - 1000


def test_detection_tokens_answer_as_the_plain_form_on_dense_punctuation():
    """The token scan (words read as runs of word characters and of ``’'.``, a hyphen part only before a later
    word character, the connector after a token as an empty group) answers as the plain form where hyphens,
    apostrophes, periods and connectors crowd together."""
    pieces = ["-", "'", "’", ".", "A", "b", "é", "1", "_", " ", "-x", "Ab", "U.", "S.", " de", "‐", "Σ", "٣",
              "-de", ". la", " y", "s"]
    for text in _perturbed(30_000, 41, pieces, 14):
        assert T._detection_tokens(text) == _detection_tokens_plain(text), text


def test_surnames_answer_as_the_plain_form_on_dense_cues():
    """_surnames (the gap and first letters read by index, the cues after a pair in one match up to 14
    characters on) answers as the plain form where titles, given names, ages and said-verbs crowd together."""
    pieces = ["Mr", "Mr.", ". ", " ", "  ", "Jones", "Bob", " Smith", ", 45,", ",1234,", " said", "said", " told",
              "\tsaid", " saidx", "U.S.", "jones", " the ", "The", "Ab", ",", "\n", "É", "’s", "-", " wrote"]
    for text in _perturbed(30_000, 43, pieces, 12):
        toks = T._detection_tokens(text)
        lower = set(T._LOWER_WORD.findall(text))
        assert T._surnames(text, toks, lower) == _surnames_plain(text, toks, lower), text


def test_lower_words_with_lone_surrogates_and_astral_characters():
    """The non-ASCII characters _lower_words replaces are read from the UTF-8 bytes (surrogates passed): lone
    surrogates, astral letters and digits class as the regex classes them."""
    pieces = ["ab", " cd", "\ud800", "\udfff", "𝐀", "𝟏", "😀", "é", "x", " ", "’", "Zz", "٣", "ſ", "\u212a"]
    for text in _perturbed(20_000, 47, pieces, 12):
        plain = set(T._LOWER_WORD.findall(text))
        assert {w for w in T._lower_words(text) if "#" not in w} == plain, repr(text)


def test_sentence_spans_answer_as_the_plain_form_on_period_only_texts():
    """A text without "!", "?" and line breaks is cut by the period-first scan; its spans are those of the
    plain form (the class-first scan), with periods beside quotes, brackets, abbreviations, initials and every
    kind of white space; so are those of texts with them."""
    pieces = [".", "..", ". ", "a", "Mr", "U.S", "A", " ", "\t", "\u00a0", "\u2028", "\r", '"', "”", "»", "'", "’",
              ")", "St", "x.y", "é", "word", "3.5", "\x1c", "\x85"]
    for text in _perturbed(30_000, 53, pieces, 14) + _perturbed(30_000, 59, pieces + ["\n", "!", "?", "\n\n"], 14):
        assert T.sentence_spans(text) == _sentence_spans_plain(text), repr(text)


def test_plural_words_found_by_find_match_as_the_scan(texts):
    """listed_places reads the plurals found by ``str.find`` in the lower-cased text and matched there; they are
    the matches of the regex scan, in order, with upper-case plurals, non-ASCII white space and characters
    that match a plural letter regardless of case (the long s, the dotted and dotless i, which make it scan)
    or lower-case to more than one character."""
    pieces = _PIECES + ["\u00a0counties", "countieſ", " Provinces", "\tislands", " COUNTIES", " counties", "counties",
                        " rivers", "drivers", " Islands.", " parishes", "İslands", " ıslands", " İ", "K", " Rivers-",
                        " townships_", " districts’", " boroughs", " prefectures", " provinces", "\x1c", "\u2003"]
    for text in texts + _perturbed(30_000, 61, pieces, 12):
        assert ([(m.span(), m.group(1)) for m in T._plural_words(text)]
                == [(m.span(), m.group(1)) for m in T._PLURAL_WORD.finditer(text)]), repr(text[:200])
