"""The articles' own geographic numbers, checked against the geometry.

Every quantitative geographic statement becomes a :class:`~geomap.model.Claim`:

* a **distance** — "The city lies just 100 kilometres (62 miles) from Tunisia's border",
  "El Amria, 5 km from [the town]": subject (the place named, or meant by "the city",
  before the number), object (the place after "from"/"of", or a border: "Tunisia's
  border", "the Libyan border", "the Tunisia-Libya border");
* a **length** — "the country's 285mile-long border with Libya", "a 125-mile
  water-filled trench", "the 200-kilometre (125-mile) barrier", "a 250 km land barrier":
  a border (between the countries the sentence names) or a barrier (wall, trench, berm,
  fence: the theatre's modelled barrier, when there is one).

The value is computed with :mod:`geomap.measure` (geodesic, WGS84) on the resolved places
(from the geoparsing stage) and the border lines of :mod:`geomap.boundaries`. The
verdict compares ``|stated - computed|`` with a tolerance, in km, that adds up:

* the **rounding** the number implies: half its last significant unit for round
  numbers (100 → ±10 %, capped at half the unit: 250 → ±5, 285 → ±0.5), at least half a unit;
* the **hedge**: "about", "some", "around", "nearly" → ±10 % (instead of the rounding
  when larger: both say the same thing); "more than" / "up to" make the check one-sided;
* the **places' precision**: each place's uncertainty radius, plus
  :data:`TOWN_EXTENT_KM` for a town given as a point (a town is not a point);
* the **geometry's precision**: a border measured on a generalised line (Natural Earth
  1:10m) is shorter than surveyed, by 2 % (TN–LY) to 11 % (DZ–TN): a stated length above
  the measured one is allowed :data:`BOUNDARY_LENGTH_REL` of itself, one below only
  :data:`BOUNDARY_LONGER_REL`; a modelled (approximate) line such as the barrier ±
  :data:`MODEL_LENGTH_REL`.

``consistent`` when the difference is within the tolerance, ``inconsistent`` when
not, ``unverifiable`` when a place or line cannot be found, or when the tolerance is as
large as the stated value itself (the places are too vague to test the claim).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import shapely

from geomap import measure
from geomap.events.extract import PlaceRef, place_refs
from geomap.events.quantities import HEDGES, NUMBER, parse_number
from geomap.model import Article, Claim, Place
from geomap.toponyms import sentence_spans, sentence_window

__all__ = ["Line", "find_claims", "check_claims", "tolerance_km", "UNIT_KM", "TOWN_EXTENT_KM",
           "BOUNDARY_LENGTH_REL", "MODEL_LENGTH_REL"]

UNIT_KM = {"km": 1.0, "kms": 1.0, "kilometre": 1.0, "kilometres": 1.0, "kilometer": 1.0, "kilometers": 1.0,
           "mi": 1.609344, "mile": 1.609344, "miles": 1.609344, "m": 0.001, "metres": 0.001, "meters": 0.001,
           "nautical miles": 1.852, "nm": 1.852}
_UNIT_NAME = {"km": "km", "kms": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km",
              "kilometers": "km", "mi": "mi", "mile": "mi", "miles": "mi", "m": "m", "metres": "m",
              "meters": "m", "nautical miles": "nmi", "nm": "nmi"}
#: a town given as a point: its built-up area reaches this far from the point (km)
TOWN_EXTENT_KM = 2.0
#: a border measured on a generalised line is shorter than surveyed, never longer: by up to this share of
#: the stated length (Natural Earth 1:10m: TN–LY 449.6 km vs 459 km surveyed, -2 %; DZ–TN 916.6 km vs
#: 1,034 km, -11 %); a stated length *below* the measured one gets only :data:`BOUNDARY_LONGER_REL`
BOUNDARY_LENGTH_REL = 0.12
BOUNDARY_LONGER_REL = 0.02
#: a modelled line (approximate route) may be this much off in length
MODEL_LENGTH_REL = 0.15
_HEDGE_REL = {"about": 0.10}

_UNIT = r"(?P<unit>nautical\s+miles|kilomet(?:re|er)s?|kms?|miles?|mi|metres|meters)"
_HEDGE = "|".join(sorted((re.escape(h) for h in HEDGES), key=len, reverse=True))
_QTY = r"(?:(?P<hedge>" + _HEDGE + r")\s+)?(?P<num>" + NUMBER + r")"
_ALT = r"(?:\s*\((?P<alt>[^)]{1,30})\))?"
_LINEAR = r"(?P<noun>border|frontier|boundary|barrier|wall|trench|berm|fence|coastline|coast|pipeline|buffer\s+zone)"
_MOD = r"(?:(?!(?:from|of|to|away|in|on|at|and|with|the|that|which)\b)[\w’'-]+\s+){0,3}?"
#: "285mile-long border", "125-mile water-filled trench", "200-kilometre (125-mile) barrier", "250 km land barrier"
LENGTH = re.compile(r"\b" + _QTY + r"\s*-?\s*" + _UNIT + _ALT + r"(?:\s*-?\s*long)?\s+" + _MOD + _LINEAR + r"\b",
                    re.IGNORECASE)
#: "100 kilometres (62 miles) from X", "5 km from X", "30 miles north of X"
DISTANCE = re.compile(r"\b" + _QTY + r"\s*-?\s*" + _UNIT + r"\b" + _ALT
                      + r"\s+(?:(?P<bearing>north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+)?"
                      r"(?P<prep>from|of|away\s+from|outside|inside|off)\b", re.IGNORECASE)
_ANAPHOR = re.compile(r"\b(?:the|this)\s+(?:city|town|village|area|camp|base)\b", re.IGNORECASE)
_BORDER_WORD = re.compile(r"\b(?:border|frontier|boundary)\b", re.IGNORECASE)
_BARRIER_WORD = re.compile(r"\b(?:barrier|wall|trench|berm|fence|buffer\s+zone)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """A named line the claims can be about: a border or the barrier (lon/lat)."""

    name: str
    geometry: shapely.Geometry
    kind: str  # "border" | "barrier"
    countries: tuple[str, ...] = ()
    approximate: bool = False




def _is_country(place: Place) -> bool:
    return place.feature in ("country", "continent")


def _rounding(value: float, unit_km: float) -> float:
    """Half the last significant unit of a round number, capped at 10 % (km); at least half a unit."""
    if not float(value).is_integer():
        decimals = len(repr(float(value)).split(".")[1])
        return 0.5 * 10 ** -decimals * unit_km
    v = int(value)
    zeros = len(str(v)) - len(str(v).rstrip("0")) if v else 0
    step = 10 ** zeros
    return max(0.5, min(step / 2, 0.1 * v)) * unit_km


def tolerance_km(stated_km: float, stated_value: float, unit_km: float, qualifier: str,
                 place_km: float = 0.0, geometry_km: float = 0.0) -> float:
    """The tolerance of a claim in km (see the module docstring).

    Examples
    --------
    >>> round(tolerance_km(100, 100, 1.0, "exact", place_km=2.0), 1)  # "just 100 kilometres" from a town
    12.0
    >>> round(tolerance_km(5, 5, 1.0, "exact"), 1)
    0.5
    """
    rounding = max(_rounding(stated_value, unit_km), _HEDGE_REL.get(qualifier, 0.0) * stated_km)
    return rounding + place_km + geometry_km


def _verdict(stated: float, computed: float | None, tol: float, qualifier: str) -> tuple[str, float | None]:
    if computed is None:
        return "unverifiable", None
    diff = computed - stated
    if tol >= stated:
        return "unverifiable", diff
    if qualifier == "more_than":
        ok = computed >= stated - tol
    elif qualifier in ("at_most", "fewer_than"):
        ok = computed <= stated + tol
    else:
        ok = abs(diff) <= tol
    return ("consistent" if ok else "inconsistent"), diff


def _point_extent(place: Place) -> float:
    """How far (km) the place reaches beyond its point: its uncertainty, or a town's extent."""
    if place.uncertainty_m > 0:
        return place.uncertainty_m / 1000
    return TOWN_EXTENT_KM if place.feature not in ("country", "continent") else 0.0


def find_claims(articles: Sequence[Article], places: Sequence[Place], lines: Sequence[Line],
                *, border_between=None) -> list[Claim]:
    """Every distance and length the articles state, checked (see the module docstring).

    Parameters
    ----------
    articles : sequence of Article
        The articles.
    places : sequence of Place
        Resolved places with their mentions.
    lines : sequence of Line
        The borders and barrier claims may be about (e.g. the theatre's).
    border_between : callable, optional
        ``border_between(cc1, cc2) -> LineString | None``: any other land border (from
        :func:`geomap.boundaries.border_line`); ``None`` when the countries share none.

    Returns
    -------
    list of Claim
        In article and text order, ids ``"<article_id>:<start>"``.
    """
    out: list[Claim] = []
    for art in articles:
        refs = place_refs(art, places)
        last_town: PlaceRef | None = None
        towns_all = _towns(refs)
        for s0, e0 in sentence_spans(art.text):
            sentence = art.text[s0:e0]
            in_sentence = [r for r in refs if s0 <= r.start and r.end <= e0]
            taken: list[tuple[int, int]] = []
            for m in DISTANCE.finditer(sentence):
                claim = _distance_claim(art, sentence, s0, m, in_sentence, last_town, towns_all, lines, border_between)
                if claim is not None:
                    out.append(claim)
                    taken.append(m.span())
            for m in LENGTH.finditer(sentence):
                if any(m.start() < te and ts < m.end() for ts, te in taken):
                    continue
                claim = _length_claim(art, sentence, s0, m, in_sentence, lines, border_between)
                if claim is not None:
                    out.append(claim)
            towns = [r for r in in_sentence if not _is_country(r.place) and r.kind == "name"]
            if towns:
                last_town = towns[-1]
    return out


check_claims = find_claims


def _towns(refs: Sequence[PlaceRef]) -> list[Place]:
    return list({r.place.source_id: r.place for r in refs if r.kind == "name" and not _is_country(r.place)}.values())


def _nearest_town(subject: Place, towns: Sequence[Place]) -> Place | None:
    """The article's town nearest to the subject: "5 km from [name lost]" means a town close by."""
    others = [t for t in towns if t.source_id != subject.source_id and t.precision < 3]
    if not others:
        return None
    return min(others, key=lambda t: (float(measure.distance_m(subject.lat, subject.lon, t.lat, t.lon)), t.source_id))


def _stated(m: re.Match[str]) -> tuple[float, str, float, str] | None:
    value = parse_number(m.group("num"))
    if value is None or value <= 0:
        return None
    unit_word = " ".join(m.group("unit").lower().split())
    unit_km = UNIT_KM.get(unit_word)
    if unit_km is None:
        return None
    hedge = (m.group("hedge") or "").lower()
    qualifier = HEDGES.get(hedge, "exact") if hedge else "exact"
    return value, _UNIT_NAME[unit_word], unit_km, qualifier


def _alt_note(m: re.Match[str], stated_km: float) -> str:
    alt = m.group("alt")
    if not alt:
        return ""
    am = re.match(r"\s*(" + NUMBER + r")\s*-?\s*" + _UNIT, alt, re.IGNORECASE)
    if not am:
        return ""
    v = parse_number(am.group(1))
    u = UNIT_KM.get(" ".join(am.group("unit").lower().split()))
    if v is None or u is None:
        return ""
    return f"; the text also gives {alt.strip()} = {v * u:.1f} km ({v * u - stated_km:+.1f} km from the first figure)"


def _border_for(text_start: int, text_end: int, refs: Sequence[PlaceRef], subject: Place | None,
                lines: Sequence[Line], border_between, noun_at: int | None = None):
    """The border a phrase means, from the countries it names (and the subject's country).

    Country names count anywhere in ``text_start..text_end``; a demonym only right before
    the border word ("the Libyan border"). A line among ``lines`` between two of those
    countries is preferred; else any land border between two of them.
    """
    named: list[str] = []
    for r in refs:
        if not (text_start <= r.start < text_end and _is_country(r.place) and r.place.country_code):
            continue
        if r.kind == "demonym" and (noun_at is None or not 0 <= noun_at - r.end <= 2):
            continue
        if r.place.country_code not in named:
            named.append(r.place.country_code)
    if subject is not None and subject.country_code and subject.country_code not in named:
        named.append(subject.country_code)
    pairs = [(a, b) for i, a in enumerate(named) for b in named[i + 1:]]
    for a, b in pairs:
        for line in lines:
            if line.kind == "border" and set(line.countries) == {a, b}:
                return line
    if len(named) == 1:
        for line in lines:
            if line.kind == "border" and named[0] in line.countries:
                return line
    if border_between is not None:
        for a, b in pairs:
            geom = border_between(a, b)
            if geom is not None and not geom.is_empty:
                return Line(f"{a}–{b} border", geom, "border", (a, b))
    return None


def _distance_claim(art, sentence, s0, m, refs, last_town, towns_all, lines, border_between) -> Claim | None:
    stated = _stated(m)
    if stated is None:
        return None
    value, unit, unit_km, qualifier = stated
    stated_km = value * unit_km
    start, end = s0 + m.start(), s0 + m.end()
    # subject: the place named (or "the city") before the number
    before = [r for r in refs if r.end <= start and r.kind == "name"]
    subject: Place | None = None
    subject_label = ""
    ana = None
    for a in _ANAPHOR.finditer(sentence[: m.start()]):
        ana = a
    towns_before = [r for r in before if not _is_country(r.place)]
    if towns_before and (ana is None or towns_before[-1].start > s0 + ana.start()):
        subject, subject_label = towns_before[-1].place, towns_before[-1].text
    elif ana is not None and last_town is not None:
        subject, subject_label = last_town.place, f"{ana.group(0)} ({last_town.text})"
    elif before:
        subject, subject_label = before[-1].place, before[-1].text
    # object: what follows "from"/"of"
    rest = sentence[m.end():]
    obj_text = re.split(r"\s+(?:and|but|while|where|which|who|after|before|since|because)\b",
                        re.match(r"\s*([^,.;:()]*)", rest).group(1))[0].strip()
    after = [r for r in refs if r.start >= end and r.start - end <= len(obj_text) + 2]
    method_bits = []
    geometry = None
    computed = None
    place_km = _point_extent(subject) if subject is not None else 0.0
    obj_label = obj_text
    if _BORDER_WORD.search(obj_text):
        bw = _BORDER_WORD.search(obj_text)
        line = _border_for(end, end + len(rest), after, subject, lines, border_between,
                           noun_at=end + (len(rest) - len(rest.lstrip())) + bw.start())
        obj_label = obj_text if line is None else f"{obj_text} ({line.name})"
        if subject is not None and line is not None:
            near = measure.nearest_point(subject.lat, subject.lon, line.geometry)
            computed = near.distance_m / 1000
            geometry = shapely.LineString([(subject.lon, subject.lat), (near.lon, near.lat)])
            method_bits.append(f"geodesic distance from {subject.canonical_name} to the nearest point of the "
                               f"{line.name} ({near.lat:.4f}, {near.lon:.4f})")
    elif _BARRIER_WORD.search(obj_text):
        line = next((ln for ln in lines if ln.kind == "barrier"), None)
        if subject is not None and line is not None:
            near = measure.nearest_point(subject.lat, subject.lon, line.geometry)
            computed = near.distance_m / 1000
            geometry = shapely.LineString([(subject.lon, subject.lat), (near.lon, near.lat)])
            method_bits.append(f"geodesic distance to the nearest point of the {line.name}")
    else:
        target: Place | None = None
        if after:
            target, obj_label = after[0].place, after[0].text
        elif subject is not None and (main := _nearest_town(subject, towns_all)) is not None:
            target = main
            obj_label = f"[missing in the text; taken as the nearest town the article names, {main.canonical_name}]"
            method_bits.append("the object of the sentence is missing from the text: it is taken to be the "
                               f"nearest town the article names ({main.canonical_name})")
        if subject is not None and target is not None:
            computed = float(measure.distance_m(subject.lat, subject.lon, target.lat, target.lon)) / 1000
            geometry = shapely.LineString([(subject.lon, subject.lat), (target.lon, target.lat)])
            place_km += _point_extent(target)
            method_bits.insert(0, f"geodesic distance between {subject.canonical_name} and {target.canonical_name}")
    if subject is None:
        if computed is None and not _BORDER_WORD.search(obj_text) and not after:
            return None  # "over 20 km of road": a number with a unit, about no place
        method_bits.append("no place found before the number to measure from")
    tol = tolerance_km(stated_km, value, unit_km, qualifier, place_km=place_km)
    verdict, diff = _verdict(stated_km, computed, tol, qualifier)
    if verdict == "unverifiable" and computed is not None:
        method_bits.append(f"the places are too vague to test it (tolerance {tol:.1f} km ≥ the stated "
                           f"{stated_km:.1f} km)")
    method = "; ".join(method_bits) + _alt_note(m, stated_km)
    end_q = end + (len(rest) - len(rest.lstrip()) + len(obj_text) if obj_text else 0)
    return Claim(
        claim_id=f"{art.id}:{start}", article_id=art.id, start=start, end=end_q, quote=art.text[start:end_q],
        kind="distance", subject=subject_label or "", object=obj_label or "", stated_value=value, stated_unit=unit,
        stated_km=round(stated_km, 3), qualifier=qualifier,
        computed_km=None if computed is None else round(computed, 3),
        difference_km=None if diff is None else round(diff, 3), tolerance_km=round(tol, 3), verdict=verdict,
        method=method or "unverifiable", geometry=geometry,
        sentence=sentence_window(art.text, s0, s0 + len(sentence), start, end_q).strip(),
    )


def _length_claim(art, sentence, s0, m, refs, lines, border_between) -> Claim | None:
    stated = _stated(m)
    if stated is None:
        return None
    value, unit, unit_km, qualifier = stated
    stated_km = value * unit_km
    noun = m.group("noun").lower()
    start, end = s0 + m.start(), s0 + m.end()
    # "border with Libya": the countries the rest of the sentence names count too
    line = None
    if _BORDER_WORD.fullmatch(noun):
        line = _border_for(s0, s0 + len(sentence), refs, None, lines, border_between, noun_at=s0 + m.start("noun"))
    else:
        line = next((ln for ln in lines if ln.kind == "barrier"), None)
    computed = None
    geometry = None
    method = f"no {noun} line known to measure"
    geom_km = 0.0
    if line is not None:
        computed = measure.geodesic_length_m(line.geometry) / 1000
        geometry = line.geometry
        if line.approximate:
            geom_km = MODEL_LENGTH_REL * computed
            method = f"geodesic length of the {line.name} (modelled, approximate: ±{MODEL_LENGTH_REL:.0%})"
        elif stated_km > computed:
            geom_km = BOUNDARY_LENGTH_REL * stated_km
            method = (f"geodesic length of the {line.name} (a generalised line measures up to "
                      f"{BOUNDARY_LENGTH_REL:.0%} shorter than surveyed)")
        else:
            geom_km = BOUNDARY_LONGER_REL * computed
            method = f"geodesic length of the {line.name} (generalised line: ±{BOUNDARY_LONGER_REL:.0%})"
    tol = tolerance_km(stated_km, value, unit_km, qualifier, geometry_km=geom_km)
    verdict, diff = _verdict(stated_km, computed, tol, qualifier)
    return Claim(
        claim_id=f"{art.id}:{start}", article_id=art.id, start=start, end=end, quote=art.text[start:end],
        kind="length", subject=m.group("noun") if line is None else line.name, object="",
        stated_value=value, stated_unit=unit, stated_km=round(stated_km, 3), qualifier=qualifier,
        computed_km=None if computed is None else round(computed, 3),
        difference_km=None if diff is None else round(diff, 3), tolerance_km=round(tol, 3), verdict=verdict,
        method=method + _alt_note(m, stated_km), geometry=geometry,
        sentence=sentence_window(art.text, s0, s0 + len(sentence), start, end).strip(),
    )
