"""Finding place mentions in text: spans with character offsets, and the names they may mean.

This stage finds *where* a text names a place and which gazetteer entries the
name may mean; choosing among them is the geocoding stage's job.

How spans are found
-------------------
1. Capitalised token runs are cut from the text (lower-case connectors such as
   "de", "of", "el" may sit inside a run; hyphenated names stay one token;
   ``X-based``/``X-born`` keep only ``X``; ``Libya's``/``Libyas`` lose the
   possessive when the bare name is a place and the full one is not).
2. Inside each run the longest sub-span whose name is in the gazetteer wins,
   left to right ("Ben Guerdane" before "Ben").
3. Filters drop what is a name of something else: weekdays, months, common
   words capitalised at a sentence start (and written lower-case elsewhere in
   the same text), organisations and titles ("Army", "Guard", "Reuters",
   "Islamic State"), people (a title before, "said" after), and abbreviations
   written without their period ("Miss Cordiner", "I'll": not "Miss.", "Ill.").
4. Demonyms ("Tunisian", "Libyans") become mentions of ``kind="demonym"``
   that resolve to their country.

Every mention satisfies ``text[start:end] == mention.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter, methodcaller

from geomap.gazetteer import Gazetteer
from geomap.gazetteer.normalize import REWRITTEN_WORDS, alternate_only, fold, normalize
from geomap.model import Article, Candidate, Mention, new_mention

__all__ = ["SENTENCE_MAX", "Detection", "find_mentions", "sentence_at", "sentence_spans", "sentence_window"]

_CONNECTORS = {"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "les", "el", "al",
               "of", "on", "upon", "sur", "am", "an", "der", "den", "van", "von", "y", "ben", "bin", "bou", "ibn"}
#: the tokens detection looks at: dotted abbreviations, lower-case connectors, and words that do not
#: start with a lower-case ASCII letter (capitalised or non-ASCII); other words only separate runs
_TOKEN = re.compile(r"(?:[A-Z][a-z]{0,2}\.){2,}|\b(?:" + "|".join(sorted(_CONNECTORS, key=len, reverse=True))
                    + r")\b|[^\W\d_a-z][\w’'.\-]*", re.UNICODE)
#: the capitalised tokens of :data:`_TOKEN`: its first character, then the rest of a dotted abbreviation
#: (group 1, when that character is an ASCII capital) or of a word. The first character is found by a plain
#: range (an ASCII capital or any non-ASCII character), which the regex engine tests fast, and then checked
#: against the class of :data:`_TOKEN` (whose ASCII members are the capitals). The plain form of
#: :data:`_TOKEN_SCAN`, which detection scans with
_CAP_TOKEN = re.compile(r"[A-Z\x80-\U0010FFFF](?<=[^\W\d_a-z])(?:(?<=[A-Z])([a-z]{0,2}\.(?:[A-Z][a-z]{0,2}\.)+)"
                        r"|[\w’'.\-]*)")


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (plain letters) as a trie ("d(?:e(?:l|s)?|u)"), whose branches the
    regex engine rules out by their first letter instead of trying every word in turn."""
    branches: dict[str, set[str]] = {}
    for word in words:
        branches.setdefault(word[0], set()).add(word[1:])
    out = []
    for first, rests in sorted(branches.items()):
        longer = {r for r in rests if r}
        if not longer:
            out.append(first)
        elif len(rests) == 1:  # one word goes on: no group
            out.append(first + _alternation(longer))
        else:
            out.append(first + "(?:" + _alternation(longer) + ")" + ("?" if "" in rests else ""))
    return "|".join(out)


#: a connector of :data:`_TOKEN` at a given position (after a space or a hyphen: a word starts there). Where a
#: connector ends at a word boundary, no longer one can (its next letter is a word character), so at most one
#: matches at a position, whatever the order of the branches
_CONNECTOR_AT = re.compile(r"(?:" + _alternation(_CONNECTORS) + r")\b")
#: :data:`_CAP_TOKEN` as :func:`_detection_tokens` scans with it, so that most matches need no more work in
#: Python: a word ends at its last word character (what stripping the punctuation ``.-’'`` the word pattern
#: swallows leaves; those characters start no token, so the scan goes on as before; a dotted abbreviation
#: keeps its final period, part of the name: "U.S."), group 1 marks a hyphen
#: before that end (the word may be cut by :func:`_split_token`), and group 2 (empty, at the end) a connector
#: after the token past " ", "-" or ". " (the first one :func:`_detection_tokens` looks for).
#:
#: Written for the regex engine's sake (each token costs a match attempt): an ASCII capital passes the cheap
#: ``(?<=[A-Z])`` before the class test by categories that only a non-ASCII character needs; the word is read
#: once, possessively, as runs of word characters joined by runs of ``’'.`` (a lower-case run first, which the
#: engine counts by a plain range), then, only if a hyphen comes before a later word character, the rest (so
#: it ends at the last word character); optional parts are empty branches, not ``?`` repeats with a group,
#: which cost the engine more.
_TOKEN_SCAN = re.compile(r"[A-Z\x80-\U0010FFFF](?:(?<=[A-Z])|(?<=[^\W\d_a-z]))"
                         r"(?:(?<=[A-Z])[a-z]{0,2}\.(?:[A-Z][a-z]{0,2}\.)+"
                         r"|[a-z]*+\w*+(?:[’'.]++\w++)*+(?:[’'.]*+(-)[’'.\-]*+\w++(?:[’'.\-]++\w++)*+|))"
                         r"(?:(?=[ -]" + _CONNECTOR_AT.pattern + r"|\. " + _CONNECTOR_AT.pattern + r")()|)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
#: for :func:`_lower_words`: ASCII a-z stay, the other ASCII word characters become "#", the rest spaces
_LOWER_WORD_CLASSES = str.maketrans({chr(c): ("#" if chr(c).isalnum() or chr(c) == "_" else " ")
                                     for c in range(128) if not "a" <= chr(c) <= "z"})
#: the ASCII bytes, which :func:`_lower_words` deletes from the UTF-8 text to leave its non-ASCII characters
_ASCII_BYTES = bytes(range(128))
_ONE_LETTER = frozenset("abcdefghijklmnopqrstuvwxyz")


def _lower_words(text: str) -> set[str]:
    """The words :data:`_LOWER_WORD` finds in ``text`` (runs of two or more ASCII lower-case letters
    between non-word characters), and words with a "#", which no token, folded or lower-cased, holds
    (so that asking about a token answers as the regex's set would).

    Made without the regex, which tries every position: the text's characters are mapped to their class
    (a letter a-z, another word character "#", anything else a space) so that ``str.split`` cuts the words.
    ``str.translate`` is fast only on ASCII text, so a non-ASCII character (few distinct ones a text) is
    first replaced by a word character ("0") or a space, as the regex would class it. Those characters are
    found without a regex scan (which tests every character of the text at some cost): the UTF-8 bytes of the
    text with the ASCII ones deleted (no byte of a longer sequence is ASCII) decode to them.
    """
    if not text.isascii():
        for c in set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
                     .decode("utf-8", "surrogatepass")):
            text = text.replace(c, "0" if c.isalnum() else " ")  # \w beyond ASCII is str.isalnum()
    words = set(text.translate(_LOWER_WORD_CLASSES).split())
    words -= _ONE_LETTER  # the regex wants two letters
    return words


_SUFFIXES = ("-based", "-born", "-led", "-backed", "-bound", "-style", "-run", "-area", "-held", "-controlled",
             "-owned", "-made", "-registered", "-bred", "-raised")
_ALWAYS_SKIP = {
    # weekdays, months
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    # organisations, roles and other capitalised non-places that collide with gazetteer names
    "army", "guard", "police", "reuters", "afp", "ap", "associated press", "islamic state", "state", "government",
    "ministry", "interior", "defense", "defence", "president", "minister", "prime minister", "parliament", "un",
    "nato", "isis", "isil", "daesh", "is", "al qaeda", "al-qaeda", "god", "allah", "islam", "muslim", "christian",
    "national guard", "presidential guard", "air force", "navy", "tags", "video", "photo", "image", "breaking",
    "news", "update", "live", "today", "mr", "mrs", "ms", "dr", "sir", "international", "national", "central",
    "western", "eastern", "northern", "southern", "west", "east", "north", "south", "university", "museum",
    "hospital", "media", "statement", "office", "sheriff", "county", "city", "town", "street", "road", "avenue",
    "governorate", "province", "district", "region", "state", "prefecture", "oblast", "department",
    "municipality", "delegation", "wilaya", "parish", "borough", "township", "village", "valley", "river",
    "st", "ste", "mt", "ft", "dec", "rep", "sgt", "gov", "sen", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "capt", "lt", "col", "gen", "cpl", "pvt", "det", "supt", "insp", "atty", "hon",
    "the", "a", "an", "and", "or", "but", "in", "on", "at", "as", "by", "for", "from", "with", "to", "of", "it",
    "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "there", "here", "when", "where",
    "while", "after", "before", "since", "during", "some", "all", "both", "many", "most", "several", "one", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten", "according", "security", "military", "forces",
    "troops", "officials", "residents", "analysts", "witnesses", "authorities", "says", "said", "told",
}
_PERSON_BEFORE = {"mr", "mrs", "ms", "dr", "president", "minister", "general", "gen", "colonel", "col", "captain",
                  "capt", "sheikh", "imam", "king", "queen", "prince", "princess", "judge", "senator", "sen", "rep",
                  "governor", "gov", "mayor", "chief", "commander", "sergeant", "sgt", "officer", "spokesman",
                  "spokeswoman", "lord", "lady", "pope", "saint", "st", "professor", "prof", "secretary", "ambassador"}
#: a said-verb after a name, past white space (matched at the name's end, with the end of what is read as
#: ``endpos``: ``\b`` answers there as at the end of a slice)
_PERSON_AFTER = re.compile(r"\s*(?:said|says|told|added|stated|claimed|wrote)\b")
_NAME_ABBR = {"st", "ste", "mt", "ft", "pt", "saint"}
_LOCATIVE = {"in", "near", "at", "from", "to", "outside", "into", "across", "around", "towards", "toward",
             "via", "throughout", "inside", "within", "between", "northern", "southern", "eastern", "western"}
_DOTTED = re.compile(r"(?:[A-Z][a-z]{0,2}\.){2,}")
_PATRONYMIC = {"ben", "bin", "ibn", "bint"}
_BOUNDARY = re.compile(r"[.!?]+[\"”»'’)]*(?=\s|$)|\n")
#: :data:`_BOUNDARY` as one character class then the rest, so the regex engine skips to candidates
_BOUNDARY_FAST = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"”»'’)]*(?=\s|$)|(?<=\n))")
#: :data:`_BOUNDARY_FAST` in a text without "!", "?" and line breaks, where every boundary starts with a period:
#: a regex that starts with one literal character, which the regex engine skips to by a plain comparison
#: (a class costs it a test of every character)
_BOUNDARY_PERIOD = re.compile(r"\.[.!?]*[\"”»'’)]*(?=\s|$)")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
#: the word before a period (its definition; :func:`_word_before` reads it backwards)
_WORD_BEFORE = re.compile(r"[\w.]+$")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "capt", "lt", "sgt", "sen", "rep", "gov", "prof",
                  "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul",
                  "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx"}


@dataclass
class Detection:
    """A mention and the gazetteer entries its name may mean (best match first)."""

    mention: Mention
    candidates: list[Candidate] = field(default_factory=list)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` into sentence spans ``(start, end)``.

    A sentence ends at a line break, or at ``.``, ``!`` or ``?`` followed by white
    space and not closing an abbreviation ("U.S.", "Mr.", "Gen.", "St.").

    Examples
    --------
    >>> t = "Trainers from the U.K. arrived. Mr. Essid spoke!"
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['Trainers from the U.K. arrived.', 'Mr. Essid spoke!']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    scan = _BOUNDARY_FAST if "?" in text or "!" in text or "\n" in text else _BOUNDARY_PERIOD
    for m in scan.finditer(text):
        p, end = m.span()
        c = text[p]
        if c == ".":
            # the word before the period (:func:`_word_before`): mostly the letters after the last space
            # of its window, which then ends it
            k = text.rfind(" ", p - 40 if p > 40 else 0, p)
            w = text[k + 1:p]
            if k < 0 or not w.replace(".", "").isalnum():  # not only letters, digits and periods: read it
                w = _word_before(text, p)
            if (len(w) == 1 and w.isupper()) or w.lower() in _ABBREVIATIONS or ("." in w and _INITIALS.fullmatch(w)):
                continue
        if c == "\n":
            _add_span(text, start, end, spans)
        else:  # the span ends with the boundary, which is no space: _add_span strips only its start
            s = start
            while text[s].isspace():
                s += 1
            spans.append((s, end))
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _word_before(text: str, end: int) -> str:
    """The word (letters, digits, periods) ending at ``end``, at most 40 characters: what
    ``_WORD_BEFORE.search(text, end - 40, end)`` finds, read backwards from ``end`` instead of
    tried from every position of the window.

    Like that ``$``, a line break right before ``end`` may close the word.
    """
    lo = max(0, end - 40)
    if end > lo and text[end - 1] == "\n":
        end -= 1
    m = _WORD_CHARS.match(text[lo:end][::-1])
    return text[end - m.end():end] if m else ""


_WORD_CHARS = re.compile(r"[\w.]+")


def _add_span(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


#: the longest sentence quoted whole as the sentence of a mention, a figure or a claim. A longer one (a text with
#: no sentence punctuation: a transcript, a scraped page, a list) is quoted as a window of about this many
#: characters around the phrase (:func:`sentence_window`): quoted whole it would be repeated in every mention of
#: it (one unpunctuated article of 300 kB made a 360 MB places layer and a map no browser opens). The longest
#: sentence of the LGL and GeoVirus corpora is 614 characters.
SENTENCE_MAX = 1000


def sentence_window(text: str, s: int, e: int, start: int, end: int, limit: int = SENTENCE_MAX) -> str:
    """The sentence ``text[s:e]`` as quoted for the phrase ``text[start:end]`` in it.

    Parameters
    ----------
    text : str
        The text the offsets are into (an article, or the sentence itself with ``s = 0``).
    s, e : int
        The sentence's span.
    start, end : int
        The phrase's span, inside the sentence.
    limit : int
        The longest sentence returned whole.

    Returns
    -------
    str
        The sentence itself when at most ``limit`` characters long; else about ``limit`` characters
        around the phrase (centred on it, shifted inwards at the sentence's ends), cut at spaces so
        that no word is split, with "…" where the sentence goes on.

    Examples
    --------
    >>> t = "Troops moved " + "far " * 300 + "from Sabratha " + "again " * 300
    >>> q = sentence_window(t, 0, len(t), t.index("Sabratha"), t.index("Sabratha") + 8, limit=40)
    >>> q
    '…far far from Sabratha again again…'
    """
    if e - s <= limit:
        return text[s:e]
    start, end = max(s, start), min(e, max(start, end))
    half = max(0, (limit - (end - start)) // 2)
    a = max(s, min(start - half, e - limit))
    b = min(e, max(end, a + limit))
    if a > s and text[a - 1] != " ":  # not inside a word: from the next space on
        k = text.find(" ", a, start)
        if k >= 0:
            a = k + 1
    if b < e and text[b] != " ":  # nor up to one: up to the last space
        k = text.rfind(" ", end, b)
        if k >= 0:
            b = k
    return ("…" if a > s else "") + text[a:b].strip() + ("…" if b < e else "")


def sentence_at(text: str, spans: list[tuple[int, int]], pos: int, end: int | None = None) -> str:
    """The sentence of ``text`` that contains character ``pos`` (``""`` if none), as quoted for the
    phrase ``text[pos:end]`` (:func:`sentence_window`: whole unless longer than :data:`SENTENCE_MAX`);
    ``spans`` are its :func:`sentence_spans` (in order, disjoint)."""
    k = bisect_right(spans, pos, key=_START) - 1  # the last span starting at or before pos
    if k >= 0:
        s, e = spans[k]
        if pos < e:
            if e - s <= SENTENCE_MAX:
                return text[s:e]
            return sentence_window(text, s, e, pos, pos if end is None else end)
    return ""


_START = itemgetter(0)


def _tokens(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _TOKEN.finditer(text):
        s, e = m.start(), m.end()
        if _DOTTED.fullmatch(text, s, e):
            out.append((s, e))  # "U.S.", "U.K.": the final period is part of the name
            continue
        # trailing punctuation that the token pattern swallowed
        while e > s and text[e - 1] in ".-’'":
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _runs(text: str, toks: list[tuple[int, int]]) -> Iterable[list[tuple[int, int]]]:
    """Runs of capitalised tokens, connectors allowed inside, separated by no more than a space."""
    run: list[tuple[int, int]] = []
    ps = pe = -3  # the last token of the run
    for tok in toks:
        s, e = tok
        d = s - pe  # the gaps allowed are one or two characters long
        if d > 2 or not run:
            gap_ok = False
        elif d == 1:
            c = text[pe]
            gap_ok = c == " " or c == "-"
        else:  # "St. Petersburg", "Ft. Worth": an abbreviation's period does not end the name
            gap_ok = text[pe:s] == ". " and text[ps:pe].lower() in _NAME_ABBR
        if e > s and text[s].isupper():  # the token is capitalised
            if run and not gap_ok:
                yield run
                run = []
            run.append(tok)
            ps, pe = tok
        elif gap_ok and text[s:e].lower() in _CONNECTORS:  # gap_ok implies a run is open
            run.append(tok)
            ps, pe = tok
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def _split_token(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split ``Tunisia-Libya`` into two names; cut ``Tunis-based`` to ``Tunis``; keep ``El-Amria``."""
    word = text[s:e]
    if "-" not in word:
        return [(s, e)]
    low = word.lower()
    for suf in _SUFFIXES:
        if low.endswith(suf):
            return [(s, e - len(suf))]
    if "-" in word:
        parts = word.split("-")
        if len(parts) >= 2 and all(p[:1].isupper() and len(p) > 2 for p in parts) and parts[0].lower() not in _CONNECTORS:
            out, pos = [], s
            for p in parts:
                out.append((pos, pos + len(p)))
                pos += len(p) + 1
            return out
    return [(s, e)]


def _strip_possessive(text: str, s: int, e: int) -> int:
    """The end of ``text[s:e]`` without a possessive ending (``’s``, ``'s``, ``’``, ``'``)."""
    last = text[e - 1] if e > s else ""
    if last == "s":
        return e - 2 if e - s >= 2 and text[e - 2] in _APOSTROPHES else e
    return e - 1 if last in _APOSTROPHES else e


_APOSTROPHES = ("’", "'")


def find_mentions(article: Article, gazetteer: Gazetteer) -> list[Detection]:
    """Find the place mentions of an article.

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
    lower_words = _lower_words(text)
    sents = sentence_spans(text)
    sentence_starts = {s for s, _ in sents}
    demonyms = _with_plurals(gazetteer.demonyms())
    out: list[Detection] = []
    cache: dict[str, list[Candidate]] = {}
    gazetteer_lookup = gazetteer.lookup
    lookup_exact = gazetteer.lookup_exact

    def lookup(name: str) -> list[Candidate]:
        found = cache.get(name)
        if found is None:
            found = cache[name] = gazetteer_lookup(name, fuzzy=False)
        return found

    def lookup_country(name: str) -> bool:
        return is_country_name(lookup(name))

    surnames = _surnames(text, toks, lower_words)
    first_words = gazetteer.first_words()
    may_start_name = gazetteer.may_start_name
    period_abbreviations = gazetteer.period_abbreviations()
    common_names = personal_names()
    needs_cue = _needs_cue()
    for run in _runs(text, toks):
        n = len(run)
        a, b = run[0]
        word = text[a:b]
        head = fold(word)  # of token i, here 0 (a run starts with a capitalised token)
        head_skip = head in _ALWAYS_SKIP and head not in _NAME_ABBR
        if n == 1:  # most runs: a list display is cheaper than a comprehension
            if head_skip:
                continue  # its one span, the token alone, would be skipped below ("single and head_skip")
            words = [word]
        else:
            if n == 2:  # most of the others
                a, b = run[1]
                words = [word, text[a:b]]
                keys = [head, fold(words[1])]
            else:
                words = [text[a:b] for a, b in run]
                keys = [head, *map(fold, words[1:])]
            # what spans of two or more tokens ask of each token, decided for all at once (cheaper than on
            # demand): a common word (a skipped one, a connector, or a word of this text in lower case), and
            # an unknown capitalised word, no common word nor a short acronym (maybe part of a person's name)
            commons = [k in _ALWAYS_SKIP or k in _CONNECTORS or k in lower_words for k in keys]
            unknowns = [not c and not (w.isupper() and len(w) <= 3) for c, w in zip(commons, words)]
        ends: list[int | None] = [None] * n  # each token's end without a possessive ending (on demand)
        i = 0
        prev_unmatched = False
        while i < n:
            matched = False
            s = run[i][0]
            # every span from token i starts with its first letter: a lower-case one names nothing
            word = words[i]
            if not i or word[:1].isupper():
                if i:
                    head = keys[i]
                    head_skip = head in _ALWAYS_SKIP and head not in _NAME_ABBR
                last = n - 1 if n < i + 6 else i + 5  # spans of up to six tokens
                if last > i:
                    if head_skip and head not in _DIRECTIONS:
                        last = i  # "West" alone may be skipped but "West Virginia" not
                    else:
                        # the first word of the normal key of tokens i and i + 1: for ASCII letters, which the
                        # gap (" ", "-", ". ") ends, the token folded unless normalize rewrites it (an article,
                        # "ben"); that saves normalizing a span that is mostly looked up no further
                        plain = word.isascii() and word.isalpha() and head not in REWRITTEN_WORDS
                        if plain:
                            first = head
                        else:
                            two = normalize(text[s:run[i + 1][1]])
                            first = two.split(" ", 1)[0]
                        if first not in first_words:
                            last = i  # no multi-word name starts so
                        else:
                            # nor one whose first two words start no name ("Police Chief", "George Bush": most
                            # spans of two words or more), even spelled otherwise word by word
                            after = words[i + 1]
                            if plain and after.isascii() and after.isalpha():
                                second = keys[i + 1]  # as normalize writes it
                            elif after[-1:] in _APOSTROPHES or after[-1:] == "s" and after[-2:-1] in _APOSTROPHES:
                                second = ""  # "York's": a span ending there loses its ending, a longer one not
                            else:
                                if plain:
                                    two = normalize(text[s:run[i + 1][1]])
                                first, _, second = two.partition(" ")
                                second = second.split(" ", 1)[0]
                            if second and second not in REWRITTEN_WORDS and not may_start_name(first, second):
                                last = i  # (an article or "bin" after the first word is written otherwise)
                if head_skip and last == i:
                    last = i - 1  # its one span, the token alone, is skipped below ("single and head_skip")
            else:
                head_skip, last = False, i - 1
            for j in range(last, i - 1, -1):
                if words[j].lower() in _CONNECTORS:
                    continue
                e = ends[j]
                if e is None:
                    # the ending depends on the token alone: tokens never end with an apostrophe run that
                    # reaches into the token before them (_strip_possessive, inline)
                    ts, e = run[j]
                    if e > ts:
                        c = text[e - 1]
                        if c == "s":
                            if e - ts >= 2 and text[e - 2] in _APOSTROPHES:
                                e -= 2
                        elif c in _APOSTROPHES:
                            e -= 1
                    ends[j] = e
                single = i == j
                if single and e == run[i][1]:  # the token as it is (most spans asked)
                    name, key = word, head
                else:
                    name = text[s:e]
                    key = fold(name)
                if key in _ALWAYS_SKIP or (single and head_skip):
                    continue
                acronym = name.isupper()
                if single and acronym and name.isalpha() and len(name) > 3 and not _dateline(text, s, e):
                    continue  # "POLICE": shouting, not a place; "CHARLESTON, W.Va. --" is a dateline
                if single and key in lower_words and not (acronym and lookup_country(name)):
                    continue  # "Bay" when "bay" is a word of this text; but "US" beside "us"
                if not single and all(commons[i:j + 1]):
                    continue  # "Death Toll": a headline of common words
                demonym = demonyms.get(key)  # "tunisian", "tunisians"
                if demonym:
                    mention = new_mention(article.id, s, e, name, sentence_at(text, sents, s, e), "demonym")
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
                before = None
                cands = cache.get(name)
                if cands is None:
                    person_asked = False
                    if ((prev_unmatched or j + 1 < n and unknowns[j + 1]) and key in common_names
                            and not (single and name.endswith("s") and len(name) > 4)):
                        # a personal name beside an unknown capitalised word ("Bob Jones"): whatever the gazetteer
                        # holds, the span is skipped below if it looks like a person (with no candidates, or by
                        # the person test, which a personal name meets with no strong-place test first and whose
                        # answer, a pure one, no candidate changes; only a plural "Libyas" changes the name
                        # first), and mostly it does: asked before the name's first lookup in the text, which it
                        # then saves (about a thousand first-sight lookups of LGL)
                        before = text[max(0, s - 25):s].rsplit(None, 2)
                        if _looks_like_person(text, s, e, prev_unmatched, j + 1 < n and unknowns[j + 1], run, i, j,
                                              before):
                            continue
                        person_asked = True
                    cands = None if acronym else lookup_exact(name)
                    if cands is None and not acronym and not (
                            single and name.endswith("s") and len(name) > 4 and is_country_name(lookup(name[:-1]))):
                        # no exact match, only GeoNames places by a transliteration, all scoring below 1 (unless a
                        # plural "Libyas" names a country: see below): whatever they are, the span is skipped below
                        # if it is a surname of the text or opens a sentence (with no candidate scoring 1), or looks
                        # like a person (with no strong place, which takes a score of 1). Those pure tests, asked
                        # first, save the lookup's costliest stage for about half the names that would take it
                        if single and (name in surnames or s in sentence_starts):
                            continue
                        if not person_asked:
                            before = text[max(0, s - 25):s].rsplit(None, 2)
                            if _looks_like_person(text, s, e, prev_unmatched, j + 1 < n and unknowns[j + 1], run, i,
                                                  j, before):
                                continue
                    if cands is None:
                        cands = gazetteer_lookup(name, fuzzy=False)
                    cache[name] = cands
                if single and acronym and len(name) > 3 and not _DOTTED.fullmatch(name):
                    cands = cands or lookup(name.title())
                if single and acronym and _DOTTED.fullmatch(name) and not any(
                        c.score >= 1 and (c.feature in ("country", "populated place") or c.feature.startswith("admin"))
                        for c in cands):
                    continue  # dotted abbreviations are places when they abbreviate one ("D.C.", "S.C.", "U.K.")
                if single and name.endswith("s") and len(name) > 4 and not _any_exact(cands):
                    # "Libyas": an apostrophe lost in transmission
                    bare = lookup(name[:-1])
                    if is_country_name(bare):
                        cands, e, name = bare, e - 1, name[:-1]
                        key = fold(name)
                if single and e - s <= 6 and cands and text[e:e + 1] != "." and "." not in name:
                    abbreviated = period_abbreviations.get(normalize(name))
                    if abbreviated:
                        # "Miss Butler", "I'll", "Wash": an abbreviation names its place only with its period
                        cands = [c for c in cands if c.source_id not in abbreviated]
                if not cands:
                    continue
                if single and name in surnames and not is_country_name(cands):
                    continue  # "Jones" after "Bob Jones" in the same text: the person, not Jones, Oklahoma
                if single and s in sentence_starts and all(c.score < 1 for c in cands):
                    continue  # a capitalised first word that only looks like a place name ("Prime" ~ Perm)
                # (the cheap test first: both are pure, and four in ten names asked are personal names)
                # the words before the span, which the tests below read: only the last two are asked for
                if before is None:
                    before = text[max(0, s - 25):s].rsplit(None, 2)
                if key not in common_names and _strong_place(cands, name):
                    # "the Texas Fire Service", "Ohio Supreme Court": a state or a city modifying a name
                    if before and before[-1].rstrip(".").lower() in _PERSON_BEFORE:
                        continue
                elif _looks_like_person(text, s, e, prev_unmatched, j + 1 < n and unknowns[j + 1], run, i, j,
                                        before):
                    continue
                if single and _common_name_without_cue(text, s, e, name, cands, needs_cue, key, before):
                    continue  # "Ripley", "Turner": a frequent surname or given name naming only small towns
                e, j = _extend(text, s, e, j, run, cands)
                mention = new_mention(article.id, s, e, text[s:e], sentence_at(text, sents, s, e))
                out.append(Detection(mention, cands))
                matched = True
                i = j + 1
                break
            if not matched:
                # what the next token of the run is told (after the last one nobody asks)
                prev_unmatched = i + 1 < n and unknowns[i]
                i += 1
            else:
                prev_unmatched = False
    out = _joined_names(text, sents, article.id, out, gazetteer, lookup)
    return designate_listed(text, out, lookup, add=True, article_id=article.id, sents=sents)


def _with_plurals(demonyms: dict[str, str]) -> dict[str, str]:
    """``demonyms`` with their plurals: ``.get(key)`` answers, in one step, what
    ``demonyms.get(key) or (demonyms.get(key[:-1]) if key.endswith("s") else None)`` answers (a false value
    as None). Made once per demonym table (the gazetteer keeps its own)."""
    made = _PLURAL_DEMONYMS.get(id(demonyms))
    if made is None or made[0] is not demonyms:
        plural: dict[str, str] = {}
        for key in (*demonyms, *(d + "s" for d in demonyms)):
            found = demonyms.get(key) or (demonyms.get(key[:-1]) if key.endswith("s") else None)
            if found:
                plural[key] = found
        made = _PLURAL_DEMONYMS[id(demonyms)] = (demonyms, plural)
    return made[1]


#: :func:`_with_plurals` by the id of the table (kept with the table, so the id is not reused)
_PLURAL_DEMONYMS: dict[int, tuple[dict[str, str], dict[str, str]]] = {}


def listed_places(text: str, lookup: Callable[[str], list[Candidate]]) -> list[tuple[int, int, list[Candidate]]]:
    """The names of lists that end with a plural designation, as the designated places.

    "Douglas, Sarpy and Lancaster counties" names Douglas County, Sarpy County and
    Lancaster County, not the towns of Douglas and Lancaster; "Mashonaland West and
    Midlands provinces" names two provinces. A list is two or more capitalised names
    joined by commas, "and", "or" or "&", the last two by "and", "or" or "&".

    Parameters
    ----------
    text : str
        The document.
    lookup : callable
        Name → gazetteer candidates.

    Returns
    -------
    list of (start, end, candidates)
        In text order, for every listed name whose designated form ("Douglas County") the
        gazetteer knows by that exact name; leading words of a name that make it unknown
        are dropped ("Small Hitchcock and Hayes counties": Hitchcock).

    Examples
    --------
    >>> from geomap.gazetteer import default_gazetteer
    >>> [(s, e, c[0].name) for s, e, c in listed_places("in Becker, Clay and Wilkin counties",
    ...                                                 default_gazetteer().lookup)]
    [(3, 9, 'Becker County'), (11, 15, 'Clay County'), (20, 26, 'Wilkin County')]
    """
    out: list[tuple[int, int, list[Candidate]]] = []
    for stem in _PLURAL_STEMS:  # most texts have none: cheaper than the pattern's scan
        if stem in text:
            break
    else:
        return out
    for plural in _plural_words(text):
        designation = _PLURAL_DESIGNATIONS[plural.group(1).lower()]
        items: list[tuple[int, int]] = []
        end = plural.start(1)
        joined_by_and = False
        while True:
            window = max(0, end - 60)
            item = _ITEM_AT_END.search(text, window, end)
            if not item:
                break
            items.append((item.start(1), item.end(1)))
            gap = _GAP_AT_END.search(text, max(0, item.start(1) - 8), item.start(1))
            if not gap:
                break
            if len(items) == 1:
                joined_by_and = _LIST_END.search(gap.group()) is not None
            end = gap.start()
        if len(items) < 2 or not joined_by_and:
            continue
        for s, e in reversed(items):
            words = list(_WORD_STARTS.finditer(text, s, e))
            for w in words:  # "Small Hitchcock": the longest known tail
                name = text[w.start():e]
                exact = [c for c in lookup(f"{name} {designation}") if c.score >= 1.0]
                if designation in _ADMIN_DESIGNATIONS:  # "Midlands" (ZW) is a province by its bare name
                    exact += [c for c in lookup(name) if c.score >= 1.0 and c.feature.startswith("admin")
                              and c not in exact]
                if exact:
                    out.append((w.start(), e, exact))
                    break
    return sorted(out, key=lambda t: t[0])


#: plural designations that distribute over a list of names, and the designation each name takes
_PLURAL_DESIGNATIONS = {"counties": "County", "parishes": "Parish", "townships": "Township", "boroughs": "Borough",
                        "provinces": "Province", "prefectures": "Prefecture", "districts": "District",
                        "rivers": "River", "islands": "Island"}
#: designations of administrative areas, which the gazetteer may list under the bare name
_ADMIN_DESIGNATIONS = frozenset({"County", "Parish", "Province", "Prefecture", "District"})
#: the plurals without their first letter, whatever its case
_PLURAL_STEMS = tuple(p[1:] for p in _PLURAL_DESIGNATIONS)
#: a plural designation after white space (group 1). The space is matched, not looked behind at, so the regex
#: engine skips to spaces; the matches are those of ``(?<=\s)`` all the same, as none ends with a space
_PLURAL_WORD = re.compile(r"\s((?i:" + "|".join(_PLURAL_DESIGNATIONS) + r"))\b")
#: the letters of the plural designations, any of them, as :data:`_PLURAL_WORD` matches them (regardless of case)
_PLURAL_LETTER = re.compile(r"(?i:" + "|".join(sorted(set("".join(_PLURAL_DESIGNATIONS)))) + r")")


def _plural_words(text: str) -> Iterable[re.Match[str]]:
    """The matches of :data:`_PLURAL_WORD` in ``text``, in order.

    The regex scan tests every white space character against the nine plurals regardless of case. Instead the
    plurals are found by ``str.find`` in the text lower-cased (the same length, and each letter of a match
    lower-cased to the plural's own unless some non-ASCII character case-insensitively matches a plural
    letter: then the regex scans, as it does when a character lower-cases to more than one), and each place
    found is matched by the regex there. No plural starts another one, so the regex matches there as it
    does in its scan; and two matches never overlap (a match starts with white space, a plural has none).
    """
    low = text.lower()
    if len(low) != len(text) or not text.isascii() and _PLURAL_LETTER.search(
            text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
        return _PLURAL_WORD.finditer(text)
    found = []
    match = _PLURAL_WORD.match
    for plural in _PLURAL_DESIGNATIONS:
        k = low.find(plural, 1)  # (a match starts with the white space before the plural)
        while k != -1:
            m = match(text, k - 1)
            if m is not None:
                found.append(m)
            k = low.find(plural, k + 1)
    if len(found) > 1:
        found.sort(key=_MATCH_START)
    return found


_MATCH_START = methodcaller("start")
_ITEM_AT_END = re.compile(r"(?<![\w'’.-])([A-Z][\w'’.-]*?(?:\s[A-Z][\w'’.-]*?){0,3})[’']?\s*\Z")
_GAP_AT_END = re.compile(r"(?:,\s*(?:(?:and|or|&)\s+)?|\s+(?:and|or|&)\s+)\Z")
_LIST_END = re.compile(r"\b(?:and|or)\b|&")
_WORD_STARTS = re.compile(r"\S+")


def designate_listed(text: str, detections: list[Detection], lookup: Callable[[str], list[Candidate]],
                     add: bool = False, article_id: str = "text",
                     sents: list[tuple[int, int]] | None = None) -> list[Detection]:
    """Give the names of lists that end with a plural designation the designated places (see :func:`listed_places`).

    Parameters
    ----------
    text : str
        The document.
    detections : list of Detection
        Its mentions with their candidates, in text order.
    lookup : callable
        Name → gazetteer candidates.
    add : bool
        Also add the listed names no detection covers, and let a listed name replace the
        detections it overlaps (detection); otherwise only a detection of exactly the listed
        span takes its candidates (given spans).
    article_id : str
        The article of the added mentions.
    sents : list of (start, end), optional
        The text's sentence spans (:func:`sentence_spans`), when the caller has them.

    Returns
    -------
    list of Detection
        In text order.
    """
    listed = listed_places(text, lookup)
    if not listed:
        return detections
    out = list(detections)
    if not add:  # given spans, in any order: the first name detection of a listed span takes its places
        at: dict[tuple[int, int], int] = {}
        for k, d in enumerate(out):
            if d.mention.kind == "name":
                at.setdefault((d.mention.start, d.mention.end), k)
        for s, e, cands in listed:
            k = at.get((s, e))
            if k is not None:
                out[k] = Detection(out[k].mention, cands)
        return out
    sents = sents if sents is not None else sentence_spans(text)
    for s, e, cands in listed:
        # the detections are in text order and do not overlap: only the one starting at s may have the span
        k = bisect_left(out, s, key=_MENTION_START)
        same = out[k].mention if k < len(out) else None
        if same is not None and same.start == s and same.end == e and same.kind == "name":
            out[k] = Detection(same, cands)
        else:
            _put(out, text, sents, article_id, s, e, cands)
    return out


_MENTION_START = attrgetter("mention.start")
_MENTION_END = attrgetter("mention.end")


def _put(detections: list[Detection], text: str, sents: list[tuple[int, int]], article_id: str, s: int, e: int,
         cands: list[Candidate]) -> None:
    """Put a detection of ``text[s:e]`` into ``detections`` (in text order, not overlapping) in its place, and
    leave out the ones it overlaps.

    Those are one stretch of the list, found by bisection (ordered by start, the detections are ordered by end
    too), so that putting many names into a long text stays cheap.
    """
    lo = bisect_right(detections, s, key=_MENTION_END)  # the first that ends after s
    hi = bisect_left(detections, e, lo, key=_MENTION_START)  # the first that starts at e or later
    detections[lo:hi] = [Detection(new_mention(article_id, s, e, text[s:e], sentence_at(text, sents, s, e)), cands)]


def _joined_names(text: str, sents: list[tuple[int, int]], article_id: str, detections: list[Detection],
                  gazetteer: Gazetteer, lookup: Callable[[str], list[Candidate]]) -> list[Detection]:
    """``detections`` with the names that join words by "and" or "&" found whole ("Trinidad and Tobago",
    "Jammu & Kashmir"): the capitalised runs that detection reads stop at the lower-case "and"."""
    shapes = gazetteer.joined_names()
    out: list[Detection] | None = None  # a copy of detections, once a name is put
    for joiner in (" and ", " & "):
        at = text.find(joiner)
        while at != -1:
            after = at + len(joiner)
            # only a capitalised word after the joiner starts a joined name: most are not, and need no match
            word = _WORD_AT.match(text, after) if text[after:after + 1].isupper() else None
            shape = shapes.get(normalize(word.group())) if word else None
            found = _joined_at(text, at, after, shape, lookup) if shape else None
            if found:
                if out is None:
                    out = list(detections)
                _put(out, text, sents, article_id, *found)
            at = text.find(joiner, after)
    return detections if out is None else out


def _joined_at(text: str, at: int, after: int, shapes: frozenset[tuple[int, int]],
               lookup: Callable[[str], list[Candidate]]) -> tuple[int, int, list[Candidate]] | None:
    """The longest joined name around the joiner at ``text[at:after]`` that the gazetteer holds exactly."""
    left = list(_WORD_STARTS.finditer(text, max(0, at - 80), at))
    right = list(_WORD_AT.finditer(text, after, after + 80))
    best = None
    for n_left, n_right in shapes:
        if n_left > len(left) or n_right > len(right) or not text[left[-n_left].start()].isupper():
            continue
        s, e = left[-n_left].start(), right[n_right - 1].end()
        if best and e - s <= best[1] - best[0]:
            continue
        cands = [c for c in lookup(text[s:e]) if c.score >= 1.0]
        if cands:
            best = (s, e, cands)
    return best


#: a word (letters, digits, inner hyphens, periods and apostrophes), without the punctuation or possessive
#: ending after it
_WORD_AT = re.compile(r"\w+(?:[-.]\w+|['’](?!s\b)\w+)*")


def _detection_tokens(text: str) -> list[tuple[int, int]]:
    """The tokens runs are made of: those of :func:`_tokens`, hyphenated ones cut by :func:`_split_token`,
    and of the lower-case connectors only those that may continue a run.

    Capitalised tokens come from one scan (:data:`_TOKEN_SCAN`) whose every match starts with one
    character class (so the regex engine skips to them). A connector can join a run only right
    after a token of it, past one space, a hyphen or ". "; so connectors are looked for only
    there, after each token kept (the scan says where the first one is). The connectors left out
    would only have ended a run, and the gap text that replaces them ends it too ("Tunis, de
    Paris": two runs either way), so :func:`_runs` and :func:`_surnames` see the same runs and pairs.
    """
    out: list[tuple[int, int]] = []
    append = out.append
    connector_at = _CONNECTOR_AT.match
    for m in _TOKEN_SCAN.finditer(text):
        found = m.lastindex
        if found is None:  # most tokens: no hyphen, no connector after
            append(m.span())
            continue
        s, e = m.span()
        if m.start(1) >= 0:
            out.extend(_split_token(text, s, e))
        else:
            append((s, e))
        if found == 2:  # connectors continuing the run: "Ben de la ..."
            while True:
                c = text[e:e + 1]
                if c == " " or c == "-":
                    q = e + 1
                elif c == "." and text[e + 1:e + 2] == " ":
                    q = e + 2
                else:
                    break
                k = connector_at(text, q)
                if k is None:
                    break
                e = k.end()
                append((q, e))
    return out


_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"}
#: capitalised words that make a place name the name of a feature near it ("Neches River", "Salinas Valley")
_FEATURE_WORDS = {"river", "county", "township", "valley", "lake", "bay", "province", "prefecture", "parish",
                  "creek", "island", "islands", "mountains", "delta", "peninsula", "district", "region", "borough"}
#: a frequent personal name counts as a place without a cue only when some place of that name is this large
NAME_TOWN_POPULATION = 20_000
_REGIONAL = ("country", "continent", "region", "sea", "lake", "river")
#: the feature of most candidates (name-table places), which is neither regional nor a first-level division:
#: comparing with it first saves the two tests for them
_POPULATED_PLACE = "populated place"


#: a city this large is a place even when a capitalised word follows it ("Dublin City Council")
STRONG_PLACE_POPULATION = 100_000


def _strong_place(cands: list[Candidate], name: str = "") -> bool:
    """A country, a first-level region, a named region or a large city exactly bears the name, or the
    name ends with a feature word ("Henderson County" before "Jail")."""
    if " " in name and name.rsplit(" ", 1)[1].lower() in _FEATURE_WORDS:
        for c in cands:
            if c.score >= 1:
                return True
    for c in cands:
        if c.score >= 1:
            if c.population >= STRONG_PLACE_POPULATION:
                return True
            feature = c.feature
            if feature != _POPULATED_PLACE and (feature in _REGIONAL or feature.startswith("admin1")):
                return True
    return False


def _dateline(text: str, s: int, e: int) -> bool:
    """An upper-case word opening a line and followed by a comma or a dash: "CHARLESTON, W.Va. --"."""
    line_start = s == 0 or text[s - 1] == "\n" or text[max(0, s - 2):s] in (". ", "\n ")
    return line_start and _DATELINE_AFTER.match(text[e:e + 5]) is not None


_DATELINE_AFTER = re.compile(r"(?:,\s|\s+(?:--|—|–|-)\s)")


def _extend(text: str, s: int, e: int, j: int, run: list[tuple[int, int]], cands: list[Candidate]) -> tuple[int, int]:
    """Widen a matched span to what the text names: "Ky" -> "Ky." (an abbreviation's period) and
    "Neches" -> "Neches River" (a capitalised feature word after the name). Returns (end, last run token)."""
    if j + 1 < len(run) and text[e:run[j + 1][0]] == " " and text[run[j + 1][0]:run[j + 1][1]].lower() in _FEATURE_WORDS:
        return run[j + 1][1], j + 1
    if (text[e:e + 1] == "." and e - s <= 5 and any(c.feature.startswith("admin") for c in cands)
            and all(fold(c.name) != fold(text[s:e]) for c in cands if c.score >= 1.0)):
        return e + 1, j  # "Ky.", "Calif.", "Ont.": the abbreviation's period belongs to it
    return e, j


def _common_name_without_cue(text: str, s: int, e: int, name: str, cands: list[Candidate],
                             names: frozenset[str], key: str | None = None, before: list[str] | None = None) -> bool:
    """A frequent personal name ("Turner", "Ripley") naming only small towns, with nothing saying it is a place.

    Cues that it is a place: a locative preposition before it ("in Ripley"), a state or
    country after a comma ("Ripley, Miss."), a feature word after it ("Ripley County").
    ``key`` is ``fold(name)`` and ``before`` the words of the 25 characters before the name (at least the
    last two split off) when the caller has them.
    """
    if (fold(name) if key is None else key) not in names:
        return False
    # one pass for the two tests: the answer is False when any candidate passes either (both are pure)
    for c in cands:
        feature = c.feature
        if feature != _POPULATED_PLACE and (feature in _REGIONAL or feature.startswith("admin1")):
            return False
        if c.score >= 1.0 and c.population >= NAME_TOWN_POPULATION and not alternate_only(c):
            return False  # a large place by its own name ("Aid" is only another name of Anderson, Indiana)
    if before is None:
        before = text[max(0, s - 25):s].split()
    if before and before[-1].lower() in _LOCATIVE:
        return False
    after = text[e:e + 20]
    if _REGION_AFTER.match(after) or _COUNTY_AFTER.match(after):
        return False
    return True


_REGION_AFTER = re.compile(r",\s+[A-Z]")
_COUNTY_AFTER = re.compile(r"\s+(?:[A-Z][a-z]+\s+)?(?:County|Township|Parish)\b")


def _word_list(filename: str) -> frozenset[str]:
    """The words of a shipped ``geomap/data/*.txt.gz`` list, one per line (``#`` lines are comments)."""
    if filename not in _WORD_LISTS:
        import gzip
        from importlib.resources import files

        with gzip.open(files("geomap") / "data" / filename, "rt", encoding="utf-8") as fh:
            _WORD_LISTS[filename] = frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))
    return _WORD_LISTS[filename]


_WORD_LISTS: dict[str, frozenset[str]] = {}


def personal_names() -> frozenset[str]:
    """Frequent US surnames and given names (folded), from ``geomap/data/personal_names.txt.gz``."""
    return _word_list("personal_names.txt.gz")


def common_words() -> frozenset[str]:
    """Frequent English words (folded), from ``geomap/data/common_words.txt.gz``."""
    return _word_list("common_words.txt.gz")


_NEEDS_CUE: frozenset[str] | None = None


def _needs_cue() -> frozenset[str]:
    """Personal names and common words: names that need a cue to count as small towns."""
    global _NEEDS_CUE
    if _NEEDS_CUE is None:
        _NEEDS_CUE = personal_names() | common_words()
    return _NEEDS_CUE


def is_country_name(cands: list[Candidate]) -> bool:
    """Whether the name exactly names a country."""
    for c in cands:  # (a loop: cheaper than any() over a generator for the few candidates of most names)
        if c.feature == "country" and c.score >= 1:
            return True
    return False


def _any_exact(cands: list[Candidate]) -> bool:
    """Whether a candidate matches the name exactly (``any(c.score >= 1 for c in cands)``, as a loop)."""
    for c in cands:
        if c.score >= 1:
            return True
    return False


#: titles (with or without their period) before a surname; a set, as the words asked are whole tokens
_FIRST_NAME_CUES = frozenset(t + p for t in ("Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Sgt", "Lt", "Capt", "Col",
                                             "Gen", "Det", "Officer", "Deputy", "Sheriff", "Judge", "Coach",
                                             "President", "Mayor", "Chief", "Pastor", "Rev") for p in ("", "."))


def _surnames(text: str, toks: list[tuple[int, int]], lower_words: set[str]) -> set[str]:
    """Last words of person names in ``text``: "Bob Jones", "Mr. Jones", "Jones, 45," → ``{"Jones"}``.

    A capitalised pair whose first word is a title, or is followed by ", <age>," or
    by a said-verb, marks its last word as a surname; every other lone mention of
    that word in the same text is then taken to be the person. ``toks`` are non-empty spans in text order
    (:func:`_detection_tokens`): the gap and the first letters are read by index, with no slice made.
    """
    out: set[str] = set()
    s0, e0 = 0, -3  # the token before (none yet: farther back than any gap)
    cue_after = _SURNAME_CUE_AFTER.match
    for s1, e1 in toks:
        d = s1 - e0  # the gap must be " " or ". "
        if d > 2 or d < 1 or (text[e0] != " " if d == 1 else text[e0] != "." or text[e0 + 1] != " "):
            s0, e0 = s1, e1
            continue
        first_start, first_end = s0, e0
        s0, e0 = s1, e1
        if not text[first_start].isupper() or not text[s1].isupper():
            continue
        if text[first_start:first_end] not in _SURNAME_CUES_BEFORE and cue_after(text, e1, e1 + 14) is None:
            continue
        last = text[s1:e1]
        if last.lower() in lower_words or fold(last) in _ALWAYS_SKIP:
            continue
        out.add(last)
    return out


_AGE_AFTER = re.compile(r",\s*\d{1,3},")
#: what :func:`_surnames` asks after a pair, in one match from the pair's end (as on the 14 characters after it:
#: ``endpos`` ends the text there for ``\b`` too): ", <age>," or a said-verb (only the age starts with a comma)
_SURNAME_CUE_AFTER = re.compile(_AGE_AFTER.pattern + "|" + _PERSON_AFTER.pattern)
#: frequent English given names (a cue that the next capitalised word is a surname)
_GIVEN_NAMES = set("""James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew
Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan
Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Frank Alexander Raymond
Patrick Jack Dennis Jerry Tyler Aaron Jose Adam Henry Nathan Douglas Zachary Peter Kyle Walter Ethan Jeremy Harold
Keith Christian Roger Noah Gerald Carl Terry Sean Austin Arthur Lawrence Jesse Dylan Bryan Joe Jordan Billy Bruce
Albert Willie Gabriel Logan Alan Juan Wayne Roy Ralph Randy Eugene Vincent Russell Elijah Louis Bobby Philip Johnny
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty Margaret Sandra Ashley
Kimberly Emily Donna Michelle Dorothy Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
Amy Shirley Angela Helen Anna Brenda Pamela Nicole Emma Samantha Katherine Christine Debra Rachel Catherine Carolyn
Janet Ruth Maria Heather Diane Virginia Julie Joyce Victoria Olivia Kelly Christina Lauren Joan Evelyn Judith Megan
Cheryl Andrea Hannah Martha Jacqueline Frances Gloria Ann Teresa Kathryn Sara Janice Jean Alice Madison Doris Abigail
Julia Judy Grace Denise Amber Marilyn Beverly Danielle Theresa Sophia Marie Diana Brittany Natalie Isabella Charlotte
Rose Alexis Kayla Bob Jim Tom Mike Bill Dave Steve Tony Dan Chris Matt Rick Ron Ken Jeff Greg Tim Jon Ben Sam Pat""".split())
#: the first words of a pair that mark its last word as a surname without a cue after it, in one set
_SURNAME_CUES_BEFORE = frozenset(_GIVEN_NAMES | _FIRST_NAME_CUES)


def _looks_like_person(text: str, s: int, e: int, prev_unknown: bool, next_unknown: bool,
                       run: list[tuple[int, int]], i: int, j: int, before: list[str] | None = None) -> bool:
    """Cues that a matched name is (part of) a person's name, not a place.

    A title before it ("President X"), an unknown capitalised word glued before
    ("Habib Essid") or after it ("Hamza Meddeb"), a patronymic after it
    ("Mohamed Ben Mohsen"), or "said"/"told" right after it. ``before`` is the words of the 25
    characters before the name (at least the last two split off) when the caller has them.
    """
    if before is None:
        before = text[max(0, s - 25):s].split()
    last = before[-1].lower() if before else ""
    # (a period lower-cases to itself and no character to one, so the lower-cased word stripped of its
    # periods is the stripped word lower-cased)
    if last.rstrip(".") in _PERSON_BEFORE:
        return True
    if last in _LOCATIVE:
        return False  # "in Tripoli said": a preposition of place outweighs the weaker cues
    if prev_unknown or next_unknown:
        return True
    if j + 2 < len(run) and text[run[j + 1][0]:run[j + 1][1]].lower() in _PATRONYMIC:
        return True
    if last in _PATRONYMIC and len(before) > 1 and before[-2][:1].isupper():
        return True  # "... Ben Mohamed": a patronymic, not "Ben Guerdane"
    if j == i and _OF_AFTER.match(text, e, e + 12):  # (no anchor: as on the slice)
        return True  # "Center of Strategic Studies": the head of an organisation's name
    return _PERSON_AFTER.match(text, e, e + 20) is not None  # (in place: as on the slice)


_OF_AFTER = re.compile(r"\s+of\s+[A-Z]")
