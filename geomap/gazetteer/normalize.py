"""Name normalisation: the keys under which gazetteer names are indexed.

Two levels of key, from strict to loose:

``normalize``
    case, diacritics, apostrophes, hyphens and punctuation folded; the Arabic
    article (El/Al/Ad/Ar/As/At/Az/An...) written as ``al``; Bin/Ibn as ``ben``.
    "Ben-Guerdane", "ben guerdane" and "BEN GUERDANE" share a key.
``skeleton``
    the normal key with spaces removed and common transliteration variants
    folded (gu/dh/th/kh/q/ou/ph..., doubled letters, vowels after the first
    letter), so "Ben Guerdane", "Ben Gardane" and "Bengardane" meet, as do
    "Sabratha"/"Şabrātah" and "Dhehiba"/"Dehiba". A skeleton match is a weaker
    signal than a normal-key match and is scored lower by the gazetteer.

Examples
--------
>>> normalize("Şabrātah")
'sabratah'
>>> normalize("El-Amria")
'al amria'
>>> skeleton("Ben Guerdane") == skeleton("Bengardane") == skeleton("Ben Gardane")
True
>>> skeleton("Dhehiba") == skeleton("Dehiba")
True
>>> normalize("")
''
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from functools import lru_cache

__all__ = ["normalize", "skeleton", "name_keys", "fold", "alternate_only", "strip_designation"]

# Characters NFKD does not decompose into ASCII + combining marks.
_SPECIAL = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ł": "l", "Ł": "l", "ı": "i",
        "ʼ": "", "ʻ": "", "ʿ": "", "ʾ": "", "’": "", "‘": "", "'": "", "`": "", "´": "",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ALNUM_RUN = re.compile(r"[0-9a-z]+")
# Arabic definite article, with its sun-letter assimilations, as a separate token.
_ARTICLE = {"el", "al", "ad", "adh", "ar", "as", "at", "az", "an", "ash", "ath", "ed", "er", "es", "et", "ez", "en"}
_BEN = {"bin", "ibn", "ben", "bn"}
# Ordered transliteration folds applied to the space-free key (longest first).
_TRANSLIT = (
    ("sch", "sh"),
    ("tch", "ch"),
    ("gue", "ge"),
    ("gui", "gi"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ph", "f"),
    ("dh", "d"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("j", "g"),
    ("y", "i"),
    ("w", "u"),
    ("z", "s"),
)
_VOWELS = set("aeiou")
_NO_VOWELS = str.maketrans("", "", "aeiou")
#: the words :func:`normalize` rewrites (articles to "al", patronymics to "ben"); any other word keeps its folded form
REWRITTEN_WORDS = frozenset(_ARTICLE | _BEN)
#: what :func:`normalize` writes for each of them when a further word follows
_REWRITE = {**{word: "al" for word in _ARTICLE}, **{word: "ben" for word in _BEN}}


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics, keeping every other character.

    Parameters
    ----------
    text : str
        Any Unicode string.

    Returns
    -------
    str
        The folded string (same punctuation, ASCII letters where possible).
    """
    if text.isascii():  # NFKD leaves ASCII as it is; of the special characters only ' and ` are ASCII
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
        return text.lower()
    text = text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """Return the normal key of a place name.

    Parameters
    ----------
    name : str
        A place name as written ("Ben-Guerdane", "Şabrātah", "El Amria").

    Returns
    -------
    str
        Lower-case ASCII tokens separated by single spaces; ``""`` for a name
        with no letters or digits. An ampersand is the word "and".
    """
    if name.isascii() and name.isalnum():
        return name.lower()  # one word of ASCII letters and digits (most names): a lone word is never rewritten
    if name.isascii() and name.replace(" ", "").isalnum():
        # ASCII letters, digits and spaces: folding only lowers them, and the words are those the spaces separate
        tokens = name.lower().split()
    else:
        folded = fold(name)
        if "&" in folded:  # "Trinidad & Tobago", "Jammu & Kashmir"
            folded = folded.replace("&", " and ")
        tokens = _ALNUM_RUN.findall(folded)  # the words left when every other character separates
    if REWRITTEN_WORDS.isdisjoint(tokens):  # most names: nothing to rewrite (no set made, unlike intersection)
        return " ".join(tokens)
    last = len(tokens) - 1
    return " ".join(_REWRITE.get(tok, tok) if i < last else tok for i, tok in enumerate(tokens))


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """Return the loose transliteration key of a place name.

    Parameters
    ----------
    name : str
        A place name as written, or an already normalised key.

    Returns
    -------
    str
        The first letter followed by the consonant skeleton of the rest, with
        transliteration variants folded and doubled letters collapsed.
    """
    return _key_skeleton(normalize(name))


def _key_skeleton(norm: str, min_letters: int = 1, min_length: int = 0) -> str:
    """:func:`skeleton` of a normal key (``normalize`` leaves a normal key as it is, so it is not redone), or
    ``""`` when the key has fewer than ``min_letters`` letters and digits or the skeleton is shorter than
    ``min_length`` (the bounds of :func:`name_keys`, checked here rather than by a caller: one call less).

    Not cached: its callers are (:func:`skeleton`, and the gazetteer's lookups, whose answers are), and a
    cache entry costs more to make than this function costs to run (names are mostly seen once).
    """
    key = norm.replace(" ", "")
    if len(key) < min_letters:
        return ""
    for old, new in _TRANSLIT_MULTI if "h" in key else _TRANSLIT_MULTI_NO_H:
        if old in key:
            key = key.replace(old, new)
    # the single-letter folds, then the first letter and the rest without vowels: one translation each
    rest = key[1:]
    if rest.isascii():  # a normal key always is: bytes translate through a 256-byte table, str through a dict
        rest = rest.encode().translate(_SINGLE_NO_VOWELS_BYTES, _DROPPED_BYTES).decode()
    else:
        rest = rest.translate(_SINGLE_NO_VOWELS)
    # A final h after a vowel is a transliteration habit (Sabratah/Sabrata).
    if len(rest) > 2:
        rest = rest.rstrip("h")
    first = key[0]
    out = last = _SINGLE_LETTERS.get(first, first)  # doubled letters collapse (the first letter included)
    for ch in rest:
        if ch != last:
            out += ch
            last = ch
    return out if len(out) >= min_length else ""


#: the folds of :data:`_TRANSLIT` of more than one letter (they come first), applied in order
_TRANSLIT_MULTI = tuple((old, new) for old, new in _TRANSLIT if len(old) > 1)
#: the single-letter folds that end :data:`_TRANSLIT`, as one translation: none of them yields a letter that a
#: later one folds, so applying them at once is applying them in order
_SINGLE = str.maketrans({old: new for old, new in _TRANSLIT if len(old) == 1})
#: :data:`_SINGLE` then :data:`_NO_VOWELS` (a letter folded to a vowel is dropped too)
_SINGLE_NO_VOWELS = str.maketrans({**{old: (None if new in "aeiou" else new) for old, new in _TRANSLIT if len(old) == 1},
                                   **{v: None for v in "aeiou"}})
#: :data:`_TRANSLIT_MULTI` without the folds of an "h": a key with no "h" never gains one (no fold writes an "h"
#: but those of an "h"), so it has none of them to fold
_TRANSLIT_MULTI_NO_H = tuple((old, new) for old, new in _TRANSLIT_MULTI if "h" not in old)
#: :data:`_SINGLE_NO_VOWELS` on ASCII as ``bytes.translate`` arguments (no dictionary look-up per letter): the
#: table of the letters kept, folded or not, and the letters dropped
_SINGLE_NO_VOWELS_BYTES = bytes(ord(_SINGLE_NO_VOWELS.get(c) or chr(c)) for c in range(256))
_DROPPED_BYTES = bytes(c for c, new in _SINGLE_NO_VOWELS.items() if new is None)
#: :data:`_SINGLE` by letter, for the first letter alone (a dictionary hit costs less than a translation)
_SINGLE_LETTERS = {chr(old): new for old, new in _SINGLE.items()}


def leading_pair(norm: str) -> tuple[str, str] | None:
    """The first two words of the normal key ``norm`` as every longer key that starts with them writes them.

    :func:`normalize` rewrites an article or a patronymic ("el", "bin") that is not the last word ("al",
    "ben"): the second word is given rewritten, so that "wadi el" (a whole key) and "wadi al natrun" (a longer
    one) share their pair.

    Parameters
    ----------
    norm : str
        A normal key.

    Returns
    -------
    tuple of str, or None
        ``(first, second)``; ``None`` for a key of fewer than two words.
    """
    words = norm.split(" ", 2)
    if len(words) < 2:
        return None
    return words[0], _REWRITE.get(words[1], words[1])


def word_skeletons(first: str, second: str) -> str:
    """The skeletons of two words of a normal key, each on its own, joined by a space ("ben guerdane" and "ben
    gardane" both give "bn grdn")."""
    return skeleton(first) + " " + skeleton(second)


def pair_sets(pairs: Iterable[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Word pairs ``(first, second)`` of :func:`leading_pair` as ``"first second"``, and as their
    :func:`word_skeletons`: the two sets that tell whether a name may start with two words."""
    pairs = list(pairs)
    return frozenset(f"{a} {b}" for a, b in pairs), frozenset(word_skeletons(a, b) for a, b in pairs)


def name_keys(name: str) -> tuple[str, str]:
    """Return ``(normal_key, skeleton_key)`` of a name.

    The skeleton is ``""`` when it is too short to be a useful signal (fewer than
    three letters, or a normal key under five characters), so short names only
    match on their normal key.
    """
    norm = normalize(name)
    return norm, _key_skeleton(norm, SKELETON_MIN_LETTERS, SKELETON_MIN_LENGTH)


#: the bounds of :func:`name_keys`'s skeleton: letters (and digits) of the normal key, and length of the skeleton
SKELETON_MIN_LETTERS = 5
SKELETON_MIN_LENGTH = 3


def alternate_only(c: Any) -> bool:
    """Whether candidate ``c`` (a :class:`~geomap.model.Candidate`) was found by one of its alternate
    names (``c.matched``, a normal key) rather than by its own name."""
    pair = (c.name, c.matched)
    found = _ALTERNATE_ONLY.get(pair)
    if found is None:
        found = _ALTERNATE_ONLY[pair] = _expand_abbreviations(normalize(c.name)) != _expand_abbreviations(c.matched)
    return found


#: abbreviated generic words of place names, as news writes them ("St. Petersburg", "Ft. Worth")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}


def _expand_abbreviations(key: str) -> str:
    """A normal key with its abbreviated words written out ("st petersburg" -> "saint petersburg")."""
    if not key:
        return key
    words = key.split(" ")
    if _ABBREVIATIONS.keys().isdisjoint(words):  # no abbreviated word (most keys)
        return key
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


#: :func:`alternate_only` by (name, matched): the same places come up in document after document
_ALTERNATE_ONLY: dict[tuple[str, str], bool] = {}
#: what :func:`alternate_only` has already answered, by ``(c.name, c.matched)`` (``None`` when not yet asked): hot
#: loops probe it before calling, which saves a call for most candidates
known_alternate_only = _ALTERNATE_ONLY.get


#: generic words that name a feature after (or before) its proper name: "Neches River", "Lake Lanier"
_DESIGNATIONS_AFTER = ("river", "lake", "valley", "township", "twp", "park", "island", "islands", "bay", "falls",
                       "mountain", "mountains", "creek", "province", "prefecture", "canal", "national park",
                       "state park", "county park", "harbor", "harbour", "peninsula", "plateau", "square")
_DESIGNATIONS_BEFORE = ("lake", "mount", "mt", "river", "town of", "city of", "port of", "isle of", "gulf of")


def strip_designation(name: str) -> str | None:
    """The proper name inside a designated feature's name, or ``None`` when it has no designation.

    Examples
    --------
    >>> strip_designation("Neches River"), strip_designation("Lake Lanier"), strip_designation("Akita Prefecture")
    ('Neches', 'Lanier', 'Akita')
    >>> strip_designation("Zion National Park"), strip_designation("Ohio") is None
    ('Zion', True)
    """
    words = name.replace(".", " ").split()
    low = [w.lower() for w in words]
    for size in (2, 1):
        if len(words) > size and " ".join(low[-size:]) in _DESIGNATIONS_AFTER:
            return " ".join(words[:-size])
        if len(words) > size and " ".join(low[:size]) in _DESIGNATIONS_BEFORE:
            return " ".join(words[size:])
    return None
