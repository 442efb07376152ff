"""Dates in news text: the article's own date, and relative expressions resolved against it.

An article's reference date (:class:`Anchor`) comes, in this order, from its metadata
(``Article.date``), from the latest complete date written in its text ("March 8, 2016"
in a photo caption, a dateline), from ``geomap build --date``, or — for an article that
gives none — from the collection it is built with (the latest date of the other
articles), which is recorded as such. A date read from the text is a lower bound of the
publication date (a caption is dated the day of the photo), so weekdays are resolved
in the week ending one day after it.

Expressions resolved (:func:`find_dates`): "7 March", "March 7", "Monday (7 March)",
"February 19, 2016", "March 2015", "in 2015", "Monday", "last week", "one week ago",
"last month", "last June", "in November", "At the end of February", "earlier in
February", "last year", "yesterday", "a day after". Each gives a :class:`DateSpan`
with ACLED's time precision: 1 a day, 2 a week or a few days, 3 a month or more.

Examples
--------
>>> ref = Anchor(date(2016, 3, 8), "text")
>>> [(d.phrase, d.start_date.isoformat(), d.precision) for d in find_dates("fighting erupted on Monday (7 March).", ref)]
[('Monday (7 March)', '2016-03-07', 1)]
>>> d = find_dates("a firefight last week", ref)[0]
>>> d.start_date.isoformat(), d.end_date.isoformat(), d.precision
('2016-02-29', '2016-03-06', 2)
>>> find_dates("killed last month", ref)[0].start_date.isoformat()
'2016-02-01'
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Anchor", "DateSpan", "find_dates", "full_dates", "infer_anchor", "parse_iso_date", "MONTHS", "WEEKDAYS"]

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True)) + r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)"
_WDAY = r"(?P<wday>" + "|".join(WEEKDAYS) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_NUM_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}

#: (name, regex) in priority order; the first that matches a stretch of text wins it
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(n, re.compile(p, re.IGNORECASE)) for n, p in [
    ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    ("wday_day_month", r"\b" + _WDAY + r"\s*,?\s*\(?\s*" + _DAY + r"\s+" + _MONTH + r"(?:\s*,?\s*" + _YEAR + r")?\s*\)?"),
    ("wday_month_day", r"\b" + _WDAY + r"\s*,?\s*\(?\s*" + _MONTH + r"\s+" + _DAY + r"\b(?:\s*,?\s*" + _YEAR + r")?\s*\)?"),
    ("day_month", r"\b" + _DAY + r"\s+" + _MONTH + r"\b(?:\s*,?\s*" + _YEAR + r")?"),
    ("month_day", r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?!\s*(?:percent|%|km|kilomet|mile))(?:\s*,\s*" + _YEAR + r"\b)?"),
    ("end_of_month", r"\b(?P<part>(?:at\s+)?the\s+(?:end|close)\s+of|(?:in\s+)?(?:late|early|mid)|(?:at\s+)?the\s+(?:start|beginning)\s+of)[-\s]+" + _MONTH + r"\b(?:\s+" + _YEAR + r")?"),
    ("month_year", r"\b" + _MONTH + r"\s*,?\s+" + _YEAR + r"\b"),
    ("last_month_name", r"\blast\s+" + _MONTH + r"\b"),
    ("earlier_in_month", r"\b(?:earlier|later)\s+in\s+" + _MONTH + r"\b"),
    ("in_month", r"\b(?:in|since|during|by)\s+(?:early\s+|late\s+|mid-?)?" + _MONTH + r"\b"),
    ("year", r"\b(?:in|since|during|of|earlier\s+in|later\s+in)\s+" + _YEAR + r"\b"),
    ("ago", r"\b(?P<n>a|one|two|three|four|five|six|seven|ten|\d+)\s+(?P<unit>day|week|month|year)s?\s+ago\b"),
    ("last_unit", r"\b(?P<which>last|this|next|previous|past)\s+(?P<unit>week|month|year|weekend)\b"),
    ("days_after", r"\b(?P<n>a|one|two|three|four|five|six|seven|\d+)\s+days?\s+(?P<dir>after|before|later|earlier)\b"),
    ("yesterday", r"\b(?P<rel>yesterday|today|tonight|overnight)\b"),
    ("weekday", r"\b" + _WDAY + r"(?:'s)?\b"),
]]


@dataclass(frozen=True)
class Anchor:
    """An article's reference date and where it comes from.

    ``basis``: ``"metadata"`` (the article's own date field), ``"text"`` (a complete date
    written in it: a lower bound of publication), ``"--date"`` (given on the command line)
    or ``"collection"`` (borrowed from the other articles of the run: a lower bound too).
    """

    date: date
    basis: str
    quote: str = ""
    start: int | None = None
    end: int | None = None
    article_id: str = ""

    @property
    def lower_bound(self) -> bool:
        """True when publication may be a day later than :attr:`date` (caption or borrowed dates)."""
        return self.basis in ("text", "collection")


@dataclass(frozen=True)
class DateSpan:
    """A date expression resolved to a window ``start_date..end_date`` (inclusive), with ACLED precision."""

    start: int
    end: int
    phrase: str
    start_date: date
    end_date: date
    precision: int
    kind: str
    note: str = ""

    @property
    def date(self) -> date:
        """The date coded for the event: the day itself, else the middle of the window."""
        if self.precision == 1:
            return self.start_date
        return self.start_date + (self.end_date - self.start_date) // 2


def parse_iso_date(value: str) -> date | None:
    """``YYYY-MM-DD`` (or the date part of an ISO timestamp) as a date, else ``None``.

    Examples
    --------
    >>> parse_iso_date("2016-03-08T10:00:00Z"), parse_iso_date("8 March")
    (datetime.date(2016, 3, 8), None)
    """
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def _capitalised(m: re.Match[str]) -> bool:
    """Month and weekday names count only when capitalised ("May 5", not "may attack")."""
    g = m.groupdict()
    return all(not g.get(k) or g[k][0].isupper() for k in ("month", "wday"))


def full_dates(text: str) -> list[tuple[date, int, int]]:
    """Every complete date (day, month and year) written in ``text``, with its offsets.

    Examples
    --------
    >>> [(d.isoformat(), s, e) for d, s, e in full_dates("near the border March 8, 2016. REUTERS")]
    [('2016-03-08', 16, 29)]
    """
    out = []
    for name, rx in _PATTERNS:
        if name not in ("iso", "day_month", "month_day", "wday_day_month", "wday_month_day"):
            continue
        for m in rx.finditer(text):
            g = m.groupdict()
            if not g.get("year") or not _capitalised(m):
                continue
            try:
                month = int(g["mnum"]) if g.get("mnum") else _month(g["month"])
                d = date(int(g["year"]), month, int(g["day"]))
            except (ValueError, KeyError):
                continue
            out.append((d, m.start(), m.end()))
    out.sort(key=lambda t: (t[1], t[2]))
    dedup: list[tuple[date, int, int]] = []
    for item in out:
        if dedup and item[1] < dedup[-1][2]:
            if item[2] - item[1] > dedup[-1][2] - dedup[-1][1]:
                dedup[-1] = item
            continue
        dedup.append(item)
    return dedup


def infer_anchor(text: str, *, metadata: str | None = None, default: date | None = None,
                 article_id: str = "") -> Anchor | None:
    """The article's own reference date: metadata, else the latest complete date in the text, else ``default``.

    Examples
    --------
    >>> infer_anchor("Soldiers patrol ... March 8, 2016. REUTERS").date.isoformat()
    '2016-03-08'
    >>> infer_anchor("no date here", default=date(2016, 3, 7)).basis
    '--date'
    >>> infer_anchor("no date here") is None
    True
    """
    if metadata:
        d = parse_iso_date(metadata)
        if d is not None:
            return Anchor(d, "metadata", article_id=article_id)
    found = full_dates(text)
    if found:
        d, s, e = max(found, key=lambda t: (t[0], -t[1]))
        return Anchor(d, "text", text[s:e], s, e, article_id)
    if default is not None:
        return Anchor(default, "--date", article_id=article_id)
    return None


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _latest(month: int, day: int | None, ref: Anchor) -> int:
    """The year that puts (month, day) on or before the anchor (one day of slack for lower-bound anchors)."""
    limit = ref.date + timedelta(days=1 if ref.lower_bound else 0)
    year = limit.year
    try:
        candidate = date(year, month, day or 1)
    except ValueError:
        candidate = date(year, month, 1)
    return year if candidate <= limit else year - 1


def _weekday(wday: int, ref: Anchor) -> date:
    """The most recent such weekday: within the 7 days ending at the anchor (a day later for lower bounds)."""
    end = ref.date + timedelta(days=1 if ref.lower_bound else 0)
    return end - timedelta(days=(end.weekday() - wday) % 7)


def _resolve(name: str, m: re.Match[str], ref: Anchor, previous: date | None) -> tuple[date, date, int, str] | None:
    g = {k: v for k, v in m.groupdict().items() if v}
    if name == "iso":
        d = date(int(g["year"]), int(g["mnum"]), int(g["day"]))
        return d, d, 1, ""
    if name in ("wday_day_month", "wday_month_day", "day_month", "month_day"):
        month, day = _month(g["month"]), int(g["day"])
        year = int(g["year"]) if "year" in g else _latest(month, day, ref)
        d = date(year, month, day)
        note = ""
        if "wday" in g and WEEKDAYS[g["wday"].lower()] != d.weekday():
            note = f"the text says {g['wday']} but {d.isoformat()} is a {calendar.day_name[d.weekday()]}"
        return d, d, 1, note
    if name == "end_of_month":
        month = _month(g["month"])
        year = int(g["year"]) if "year" in g else _latest(month, 1, ref)
        first, last = _month_span(year, month)
        part = g["part"].lower()
        if "end" in part or "close" in part or "late" in part:
            return last - timedelta(days=9), last, 2, ""
        if "mid" in part:
            return first + timedelta(days=9), first + timedelta(days=19), 2, ""
        return first, first + timedelta(days=9), 2, ""
    if name == "month_year":
        first, last = _month_span(int(g["year"]), _month(g["month"]))
        return first, last, 3, ""
    if name in ("last_month_name", "in_month", "earlier_in_month"):
        month = _month(g["month"])
        year = _latest(month, 1, ref)
        if name == "last_month_name" and month == ref.date.month:
            year -= 1
        first, last = _month_span(year, month)
        return first, last, 3, ""
    if name == "year":
        y = int(g["year"])
        return date(y, 1, 1), date(y, 12, 31), 3, ""
    if name == "ago":
        n = int(g["n"]) if g["n"].isdigit() else _NUM_WORDS.get(g["n"].lower(), 1)
        unit = g["unit"].lower()
        if unit == "day":
            d = ref.date - timedelta(days=n)
            return d, d, 1, ""
        if unit == "week":
            d = ref.date - timedelta(days=7 * n)
            return d - timedelta(days=3), d + timedelta(days=3), 2, ""
        if unit == "month":
            y, mo = divmod(ref.date.year * 12 + ref.date.month - 1 - n, 12)
            first, last = _month_span(y, mo + 1)
            return first, last, 3, ""
        return date(ref.date.year - n, 1, 1), date(ref.date.year - n, 12, 31), 3, ""
    if name == "last_unit":
        which, unit = g["which"].lower(), g["unit"].lower()
        step = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1}[which]
        if unit in ("week", "weekend"):
            monday = ref.date - timedelta(days=ref.date.weekday()) + timedelta(days=7 * step)
            if unit == "weekend":
                return monday + timedelta(days=5), monday + timedelta(days=6), 2, ""
            return monday, monday + timedelta(days=6), 2, ""
        if unit == "month":
            y, mo = divmod(ref.date.year * 12 + ref.date.month - 1 + step, 12)
            first, last = _month_span(y, mo + 1)
            return first, last, 3, ""
        y = ref.date.year + step
        return date(y, 1, 1), date(y, 12, 31), 3, ""
    if name == "days_after":
        if previous is None:
            return None
        n = _NUM_WORDS.get(g["n"].lower(), 0) if not g["n"].isdigit() else int(g["n"])
        sign = 1 if g["dir"].lower() in ("after", "later") else -1
        d = previous + timedelta(days=sign * n)
        return d, d, 1, "counted from the previous date in the text"
    if name == "yesterday":
        rel = g["rel"].lower()
        d = ref.date - timedelta(days=1 if rel == "yesterday" else 0)
        return (d, d, 1, "") if ref.basis in ("metadata", "--date") else (d, d + timedelta(days=1), 2, "")
    if name == "weekday":
        d = _weekday(WEEKDAYS[g["wday"].lower()], ref)
        return d, d, 1, ""
    return None


def find_dates(text: str, ref: Anchor | None, *, offset: int = 0, previous: date | None = None,
               explicit_only: bool = False) -> list[DateSpan]:
    """The date expressions in ``text`` resolved against ``ref``, in text order, not overlapping.

    Parameters
    ----------
    text : str
        A sentence (or any text).
    ref : Anchor or None
        The article's reference date; without one only expressions that carry their
        year ("March 2015", "February 19, 2016", "in 2004") are resolved.
    offset : int
        Added to the spans' offsets (the sentence's start in the article).
    previous : date, optional
        The last day-precise date before ``text`` in the article ("a day after" counts from it).
    explicit_only : bool
        Keep only expressions that carry a year.

    Returns
    -------
    list of DateSpan
    """
    taken: list[tuple[int, int]] = []
    out: list[DateSpan] = []
    for name, rx in _PATTERNS:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if not _capitalised(m):
                continue
            has_year = bool(m.groupdict().get("year"))
            if (ref is None or explicit_only) and not has_year:
                continue
            try:
                res = _resolve(name, m, ref, previous) if ref is not None or has_year else None
            except (ValueError, KeyError, TypeError):
                res = None
            if res is None:
                continue
            taken.append((s, e))
            d0, d1, precision, note = res
            out.append(DateSpan(s + offset, e + offset, m.group(0), d0, d1, precision, name, note))
    return sorted(out, key=lambda d: d.start)


def latest_anchor(anchors: Sequence[Anchor | None]) -> Anchor | None:
    """The latest of the given anchors (the collection's date for articles that give none)."""
    real = [a for a in anchors if a is not None]
    return max(real, key=lambda a: (a.date, a.article_id)) if real else None
