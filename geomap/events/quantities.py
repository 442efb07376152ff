"""Numbers as news text writes them: digits, number words, vague quantities and hedges.

A :class:`Quantity` is a value with a qualifier ("at least 35" → 35, ``at_least``).
Vague words follow the ACLED codebook's conventions where it has one ("dozens" → 12,
"several" → 10 fatalities is ACLED's reading of a vague plural, but a count of people
"several" means more than two: we use 3 with ``at_least`` so that a figure is never
inflated), and are always marked with a qualifier other than ``exact``.

Examples
--------
>>> parse_quantity("at least 35")
Quantity(value=35, qualifier='at_least', high=None, start=0, end=11)
>>> parse_quantity("as many as three").qualifier
'at_most'
>>> parse_quantity("twenty-five").value
25
>>> parse_quantity("dozens")
Quantity(value=12, qualifier='at_least', high=None, start=0, end=6)
>>> parse_quantity("between 10 and 15")
Quantity(value=10, qualifier='approximate_range', high=15, start=0, end=17)
>>> parse_quantity("the")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quantity", "NUMBER", "QUANTITY", "parse_number", "parse_quantity", "HEDGES"]

_UNITS = {"zero": 0, "no": 0, "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
#: vague quantities: (value, qualifier)
VAGUE = {"a dozen": (12, "about"), "dozens": (12, "at_least"), "dozens of": (12, "at_least"),
         "scores of": (20, "at_least"), "hundreds": (100, "at_least"), "hundreds of": (100, "at_least"),
         "thousands": (1000, "at_least"), "thousands of": (1000, "at_least"), "several": (3, "at_least"),
         "a few": (2, "at_least"), "a handful of": (3, "about"), "a couple of": (2, "about"), "a number of": (2, "at_least")}
#: hedge phrase → qualifier (longest phrases first when matching)
HEDGES = {
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least", "a minimum of": "at_least",
    "not less than": "at_least",
    "at most": "at_most", "as many as": "at_most", "up to": "at_most", "no more than": "at_most",
    "a maximum of": "at_most",
    "more than": "more_than", "over": "more_than", "upwards of": "more_than", "in excess of": "more_than",
    "fewer than": "fewer_than", "less than": "fewer_than", "under": "fewer_than", "nearly": "about",
    "almost": "about", "about": "about", "around": "about", "some": "about", "approximately": "about",
    "roughly": "about", "an estimated": "about", "close to": "about", "estimated": "about", "just": "exact",
    "only": "exact",
}

_WORD_NUM = (r"(?:(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")(?:[\s-](?:" +
             "|".join(k for k in _UNITS if k not in ("a", "an", "no", "zero", "single")) + r"))?|"
             + "|".join(sorted((k for k in _UNITS if k not in ("a", "an", "no", "single")), key=len, reverse=True))
             + r")(?:\s+(?:hundred|thousand|million))?")
#: one number: digits (with thousands separators or decimals) or number words
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|" + _WORD_NUM + r")"
_HEDGE = "|".join(sorted((re.escape(h) for h in HEDGES), key=len, reverse=True))
_VAGUE = "|".join(sorted((re.escape(v) for v in VAGUE), key=len, reverse=True))
#: a quantity: a hedged number, a range, a vague quantity, or "a"/"an"/"one"
QUANTITY = (r"(?:between\s+" + NUMBER + r"\s+and\s+" + NUMBER + r"|" + NUMBER + r"\s*(?:-|–|to)\s*" + NUMBER
            + r"(?=\s+[a-z])|(?:(?:" + _HEDGE + r")\s+)?(?:" + _VAGUE + r"|" + NUMBER + r")(?:\s+or\s+more)?|an?)")
_QUANTITY_RE = re.compile(r"\b" + QUANTITY + r"\b", re.IGNORECASE)
_NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number of something as written: ``value`` and how it is hedged; offsets in the parsed string."""

    value: int
    qualifier: str
    high: int | None = None
    start: int = 0
    end: int = 0


def parse_number(text: str) -> float | None:
    """The value of one number written in digits or words, or ``None``.

    Examples
    --------
    >>> parse_number("5,000"), parse_number("thirty six"), parse_number("two hundred"), parse_number("1.5")
    (5000.0, 36.0, 200.0, 1.5)
    >>> parse_number("dozen") is None
    True
    """
    t = text.strip().lower().replace("–", "-")
    if not t:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", t):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        elif word == "and" and seen:
            continue
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in ``text`` (hedge, number words, ranges, vague words), or ``None``.

    Offsets are those of the whole quantity, hedge included, in ``text``.
    """
    for m in _QUANTITY_RE.finditer(text):
        q = _quantity(m.group(0))
        if q is not None:
            return Quantity(q.value, q.qualifier, q.high, m.start(), m.end())
    return None


def _quantity(phrase: str) -> Quantity | None:
    p = " ".join(phrase.lower().split())
    rng = re.fullmatch(r"(?:between\s+)?(.+?)\s*(?:\band\b|-|–|\bto\b)\s*(.+)", p)
    if rng and parse_number(rng.group(1)) is not None and parse_number(rng.group(2)) is not None:
        lo, hi = parse_number(rng.group(1)), parse_number(rng.group(2))
        if lo is not None and hi is not None and hi >= lo:
            return Quantity(int(lo), "approximate_range", int(hi))
    qualifier = "exact"
    or_more = p.endswith(" or more")
    if or_more:
        p = p[: -len(" or more")]
        qualifier = "at_least"
    for hedge in sorted(HEDGES, key=len, reverse=True):
        if p.startswith(hedge + " "):
            qualifier = HEDGES[hedge] if not or_more else qualifier
            p = p[len(hedge) + 1:]
            break
    if p in VAGUE:
        value, vague_q = VAGUE[p]
        return Quantity(value, vague_q if qualifier == "exact" else qualifier)
    if p in ("a", "an"):
        return Quantity(1, qualifier)
    v = parse_number(p)
    if v is None:
        return None
    return Quantity(int(v) if float(v).is_integer() else int(round(v)), qualifier)
