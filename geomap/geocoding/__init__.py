"""Geocoding: one protocol, an offline gazetteer adapter, an opt-in online adapter, and document resolution.

Every geocoder answers ``geocode(name, context) -> list[Candidate]``, always a
list (empty when nothing matches), best first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from operator import attrgetter
from typing import Protocol, runtime_checkable

from geomap.gazetteer import Gazetteer
from geomap.gazetteer.normalize import alternate_only, normalize
from geomap.geocoding.rank import (ADMIN_FEATURE, DocumentContext, Weights, _context_terms, coherence,
                                   context_from_votes, mention_votes, rank, within_m)
from geomap.model import Candidate, _made_by_dict
from geomap.toponyms import Detection

__all__ = [
    "Geocoder",
    "OfflineGeocoder",
    "Resolution",
    "DocumentContext",
    "Weights",
    "resolve_detections",
    "qualifiers",
    "joins",
    "REGION_REACH",
]


@runtime_checkable
class Geocoder(Protocol):
    """Anything that turns a name into ranked candidates."""

    def geocode(self, name: str, context: DocumentContext | None = None) -> list[Candidate]:
        """Return candidates for ``name``, best first; an empty list when nothing matches."""
        ...


class OfflineGeocoder:
    """The default geocoder: the offline :class:`~geomap.gazetteer.Gazetteer`, ranked in context.

    Parameters
    ----------
    gazetteer : Gazetteer
        Where names are looked up.
    country : str, optional
        Keep only candidates in this ISO alpha-2 country.
    weights : Weights
        Ranking weights.
    """

    def __init__(self, gazetteer: Gazetteer, *, country: str | None = None, weights: Weights = Weights()) -> None:
        self.gazetteer = gazetteer
        self.country = country
        self.weights = weights

    def geocode(self, name: str, context: DocumentContext | None = None) -> list[Candidate]:
        """Candidates for ``name`` ranked in ``context`` (fuzzy fallback when nothing matches)."""
        return rank(self.gazetteer.lookup(name, country=self.country), context, self.weights)


@dataclass(frozen=True)
class Resolution:
    """The geocoding of one detected mention."""

    detection: Detection
    best: Candidate | None
    runner_up: tuple[Candidate, ...] = ()


def _resolution_factory() -> Callable[[Detection, Candidate | None, tuple[Candidate, ...]], Resolution]:
    """``Resolution(detection, best, runner_up)``, made as :func:`~geomap.model.new_candidate` makes candidates
    (the same ``__dict__``, without the frozen dataclass's ``object.__setattr__`` per field)."""
    if not _made_by_dict(Resolution, ("detection", "best", "runner_up")):
        return Resolution
    new, set_dict = object.__new__, object.__setattr__

    def make(detection: Detection, best: Candidate | None, runner_up: tuple[Candidate, ...]) -> Resolution:
        r = new(Resolution)
        set_dict(r, "__dict__", {"detection": detection, "best": best, "runner_up": runner_up})
        return r

    return make


_new_resolution = _resolution_factory()


def resolve_detections(
    detections: Sequence[Detection],
    *,
    countries: Sequence[str] = (),
    weights: Weights = Weights(),
    text: str | None = None,
) -> list[Resolution]:
    """Resolve every mention of one document with the document as context.

    Two passes: the first ranks with country context only, the second adds the
    confidently resolved places (score ≥ threshold + 0.2) as proximity anchors.

    Parameters
    ----------
    detections : sequence of Detection
        The mentions of one document with their gazetteer candidates.
    countries : sequence of str
        ISO alpha-2 codes known to be the document's subject (e.g. from metadata).
    weights : Weights
        Ranking weights; ``weights.threshold`` leaves weak mentions unresolved.
    text : str, optional
        The document the mentions' offsets point into. With it, a name followed by a comma
        and a region or country ("London, Ontario", "Washington, D.C.", "Alexandria, Egypt")
        is placed inside that region (see :func:`qualifiers`).

    Returns
    -------
    list of Resolution
        One per detection, in the same order; ``best`` is ``None`` below threshold.
    """
    keys = [normalize(d.mention.text) for d in detections]  # each mention's name, as a normal key
    detections = _short_forms(detections, keys)
    kinds = [d.mention.kind for d in detections]
    votes = mention_votes([d.candidates for d in detections], kinds=kinds)
    ctx = context_from_votes(votes, given=countries)
    # mentions of one name share everything below: rank each name once
    groups = _name_groups(keys)
    reps: dict[int, int] = {}
    for i, g in enumerate(groups):
        reps.setdefault(g, i)
    own: dict[int, DocumentContext] = {}
    # a name's context without its own half vote; votes weigh 1 or 0.5, so their sums are exact in any order and
    # leaving out any one vote of the same country and weight gives the same context
    without: dict[tuple[str, float], DocumentContext] = {}
    for g, i in reps.items():
        vote = votes[i]
        if vote and vote[1] < 1.0:
            if vote not in without:
                without[vote] = context_from_votes(votes, given=countries, leave_out=i)
            own[g] = without[vote]
        else:
            own[g] = ctx
    cands = {g: detections[i].candidates for g, i in reps.items()}
    # every ranking of a group below is in its own country context: its context terms are worked out once
    # (and their base scores, which add the country-name bonus to them, in the same pass)
    base: dict[int, list[float]] = {g: [] for g in cands}
    terms = {g: _context_terms(c, own[g].countries, weights, None, base[g]) for g, c in cands.items()}
    coh = dict(zip(cands, coherence(list(cands.values()), list(base.values()), list(cands), weights)))
    # regions the document names (states, counties) vouch for the places inside them
    firsts: dict[int, Candidate | None] = {}

    def first(g: int) -> Candidate | None:
        """The first-pass best candidate of a group (country context and coherence only), ranked once."""
        if g not in firsts:
            top = rank(cands[g], own[g], weights, top=1, extra=coh[g], terms=terms[g], base=base[g]) if cands[g] else []
            firsts[g] = top[0] if top else None
        return firsts[g]

    regions = []
    anchors = []
    admin1_of: dict[int, str] = {}  # group -> country of its first-pass best, when a state or province
    # names with a state, county or other division among their candidates
    admin_named = {g for g, c in cands.items() if any(map(ADMIN_FEATURE.__getitem__, map(_FEATURE, c)))}
    for g, c in cands.items():
        if not c or not (weights.proximity > 0 or g in admin_named):
            continue
        r = first(g)
        if r is None:
            continue
        if r.feature == "admin1" and r.score >= weights.threshold:
            admin1_of[g] = r.country_code
        if ADMIN_FEATURE[r.feature] and r.score >= weights.threshold:
            regions.append((r.lat, r.lon, max(r.uncertainty_m, REGION_MIN_RADIUS_M), r.matched))
        if (weights.proximity > 0 and r.feature not in ("country", "continent", "admin1")
                and r.score >= weights.threshold + 0.2):
            anchors.append((r.lat, r.lon))
    regions = tuple(sorted(set(regions)))  # (a tuple: rank works out the regions' own tests once for them all)
    anchors = sorted(set(anchors))
    qualified: dict[int, list[Candidate]] = {}
    state_named: set[int] = set()
    # the mentions in text order, for the two rules below that read neighbouring mentions
    order = _text_order(detections) if text and (weights.qualifier or weights.list_peer) else []
    if text and weights.qualifier:
        qualified = qualifiers(detections, groups, text, first, weights, order=order)
        # (its bonus goes to first-level divisions: other names need not be looked at)
        state_named = {g for g, d in zip(groups, detections) if g in admin_named and _called_a_state(text, d)}
    named = {v[0] for v in votes if v is not None and v[1] >= 1.0}  # countries named outright or by demonym
    list_kinds = list_peers(detections, groups, text, first, order=order) if text and weights.list_peer else {}
    resolved: dict[int, Resolution] = {}
    final_ctx: dict[int, DocumentContext] = {}  # by id of the name's own context (they all outlive the loop)
    for g, i in reps.items():
        d = detections[i]
        cands_g = d.candidates
        own_g = own[g]
        ctx2 = final_ctx.get(id(own_g))
        if ctx2 is None:
            ctx2 = final_ctx[id(own_g)] = DocumentContext(own_g.countries, anchors, regions)
        # the bonuses of the rules below that apply to this name, added to each candidate's coherence in this
        # order (a rule that does not apply adds 0.0, which leaves a sum of non-negative coherence alone: so does
        # a rule none of the name's candidates can take, which is left out when the features or populations alone
        # tell, in C)
        by_peers = bool(weights.peer_region and admin1_of) and "admin1" in map(_FEATURE, cands_g)
        major_city = (by_peers or g in list_kinds) and _names_a_major_city(cands_g)
        inside = _inside_bonus(cands_g, qualified[g], weights) if g in qualified else None
        # a state or province of a country whose other states the document names
        peers = ({cc for h, cc in admin1_of.items() if h != g} or None) if by_peers and not major_city else None
        # a major city of a country the document names outright
        city_of = (named if weights.named_country_city and named and cands_g
                   and max(map(_POPULATION, cands_g)) >= MAJOR_CITY else None)
        countries_g = own_g.countries
        # a name in a list of names of one kind: its candidates of that kind
        kind = list_kinds[g] if g in list_kinds and not major_city else None
        # "Washington state", "the state of New York": the state, not its namesake city
        state = g in state_named
        extra = coh[g]
        if inside is not None or peers is not None or city_of or kind is not None or state:
            extra = [e + (0.0 if inside is None else inside[k])
                     + (weights.peer_region if peers and c.feature == "admin1" and c.score >= 1.0
                        and c.country_code in peers else 0.0)
                     + (weights.named_country_city if city_of and c.feature == "populated place"
                        and c.country_code in city_of and countries_g.get(c.country_code, 0.0) < 1.0
                        and c.population >= MAJOR_CITY and c.score >= 1.0 else 0.0)
                     + (weights.list_peer if kind is not None and c.score >= 1.0 and _kind(c) == kind else 0.0)
                     + (weights.qualifier if state and c.feature == "admin1" else 0.0)
                     for k, (e, c) in enumerate(zip(extra, d.candidates))]
        ranked = _prefer_city_over_its_region(rank(d.candidates, ctx2, weights, top=4, extra=extra, terms=terms[g],
                                                        base=base[g]))
        # with no (other) country context, nothing can vouch for a name but the name itself
        threshold = weights.threshold if own[g].countries else weights.threshold - weights.no_context_relief
        best = ranked[0] if ranked and ranked[0].score >= threshold else None
        resolved[g] = _new_resolution(d, best, tuple(ranked[1:4]))
    # a later mention of a name: its first mention's resolution with its own detection
    return [resolved[g] if i == reps[g] else _new_resolution(d, resolved[g].best, resolved[g].runner_up)
            for i, (g, d) in enumerate(zip(groups, detections))]


#: what may stand between a name and the region that qualifies it: "Paris, Texas", "Paris , Texas"
_QUALIFIER_GAP = re.compile(r"\s?,\s{0,2}")
#: what continues a list of names ("Texas, Oklahoma and Kansas"): the second name is then no qualifier
_LIST_GAP = re.compile(r"\s?,\s{0,2}|\s+(?:and|or|&)\s+|\s?/\s?")


def joins(text: str, end: int, start: int, pattern: re.Pattern = _QUALIFIER_GAP) -> bool:
    """Whether ``text[end:start]`` is what ``pattern`` allows between two names (by default a comma)."""
    return start >= end and pattern.fullmatch(text, end, start) is not None


def qualifiers(detections: Sequence[Detection], groups: Sequence[int], text: str,
               first: Callable[[int], Candidate | None], weights: Weights = Weights(), *,
               order: Sequence[int] | None = None) -> dict[int, list[Candidate]]:
    """The regions and countries that qualify names, per name group: "London, Ontario" → {London: [Ontario]}.

    A mention immediately followed by a comma and another mention whose likely place
    (``first(group)``, the first-pass best candidate of its group) is a country or an
    administrative region is qualified by it, unless the two are part of a list
    ("Texas, Oklahoma and Kansas": a name before the first or after the second is
    joined to them by a comma or "and").

    Parameters
    ----------
    detections : sequence of Detection
        The mentions of one document.
    groups : sequence of int
        A group id per mention (same name, same group).
    text : str
        The document the offsets point into.
    first : callable
        The first-pass best candidate of a group, ``None`` for none; called only for
        groups in a qualifying position.
    weights : Weights
        ``threshold``: a qualifier must score at least this.
    order : sequence of int, optional
        The mentions' indices in text order (``_text_order(detections)``), when at hand.

    Returns
    -------
    dict of int to list of Candidate
        Per qualified group, its qualifying regions and countries.
    """
    if order is None:
        order = _text_order(detections)
    out: dict[int, list[Candidate]] = {}

    def joined(left: int, right: int, pattern: re.Pattern) -> bool:
        return joins(text, detections[left].mention.end, detections[right].mention.start, pattern)

    for n in range(len(order) - 1):
        a, b = order[n], order[n + 1]
        # (a comma with at most a space before it and two after it: 1 to 4 characters apart)
        if (groups[a] == groups[b] or not 0 < detections[b].mention.start - detections[a].mention.end <= 4
                or not joined(a, b, _QUALIFIER_GAP)):
            continue
        if (n > 0 and joined(order[n - 1], a, _LIST_GAP)) or (n + 2 < len(order) and joined(b, order[n + 2], _LIST_GAP)):
            continue  # a list of names, not a name and its region
        q = first(groups[b])
        if q is None or q.score < weights.threshold or not (q.feature == "country" or ADMIN_FEATURE[q.feature]):
            continue
        out.setdefault(groups[a], []).append(q)
    return out


def _text_order(detections: Sequence[Detection]) -> list[int]:
    """The indices of the mentions in text order (by start, then end; ties keep their order)."""
    spans = [(d.mention.start, d.mention.end) for d in detections]
    return sorted(range(len(spans)), key=spans.__getitem__)


def list_peers(detections: Sequence[Detection], groups: Sequence[int], text: str,
               first: Callable[[int], Candidate | None], *,
               order: Sequence[int] | None = None) -> dict[int, tuple[str, str]]:
    """The kind of place each listed name's fellows mostly are, per name group.

    A list is three or more names joined by commas, "and", "or", "&" or "/", or two joined
    by "and", "or" or "&" (two joined by a comma may be a name and its region: "Paris,
    Texas"). The names of a list tend to be of one kind: "Georgia, Oklahoma, Pennsylvania
    and California" are four states, "Benin, Niger, Nigeria and Togo" four countries.

    Parameters
    ----------
    detections : sequence of Detection
        The document's mentions.
    groups : sequence of int
        The name group of each mention.
    text : str
        The document.
    first : callable
        The first-pass best candidate of a group, ``None`` for none.
    order : sequence of int, optional
        The mentions' indices in text order (``_text_order(detections)``), when at hand.

    Returns
    -------
    dict of int to (str, str)
        Per group in a list whose other names' first-pass places are at least two thirds of
        one kind: that kind, ``("country", "")`` or ``("admin1", country code)``.
    """
    if order is None:
        order = _text_order(detections)
    chains: list[list[int]] = []
    for n, k in enumerate(order):
        if n and joins(text, detections[order[n - 1]].mention.end, detections[k].mention.start, _LIST_GAP):
            chains[-1].append(k)
        else:
            chains.append([k])
    out: dict[int, tuple[str, str]] = {}
    for chain in chains:
        if len(chain) < 2 or (len(chain) == 2 and _QUALIFIER_GAP.fullmatch(
                text, detections[chain[0]].mention.end, detections[chain[1]].mention.start)):
            continue
        # the kinds of the chain's mentions, counted in all and per name group: a group's fellows are the
        # others (counted once per chain, not once per mention against every other: a list of thousands of
        # names, a table pasted as text, stays linear)
        counts: dict[tuple[str, str], int] = {}
        own: dict[int, dict[tuple[str, str], int]] = {}
        for k in chain:
            kind = _kind(first(groups[k]))
            counts[kind] = counts.get(kind, 0) + 1
            mine = own.setdefault(groups[k], {})
            mine[kind] = mine.get(kind, 0) + 1
        for g, mine in own.items():
            n = len(chain) - sum(mine.values())
            if not n:
                continue
            # the most frequent kind among the others (ties: the greater kind, as tuples compare)
            count, kind = max((c - mine.get(x, 0), x) for x, c in counts.items() if c > mine.get(x, 0))
            if kind[0] and 3 * count >= 2 * n:
                out[g] = kind
    return out


def _kind(c: Candidate | None) -> tuple[str, str]:
    """A place's kind for :func:`list_peers`: a country, a state or province of a country, or neither (``("", "")``)."""
    if c is None:
        return ("", "")
    if c.feature == "country":
        return ("country", "")
    if c.feature == "admin1":
        return ("admin1", c.country_code)
    return ("", "")


_STATE_AFTER = re.compile(r"\s+[Ss]tate\b(?!\s+(?:[A-Z]|of\b))")  # "Washington state farm", not "Ohio State University"
_STATE_BEFORE = re.compile(r"\b(?:[Ss]tate|[Pp]rovince) of\s+\Z")


def _called_a_state(text: str, d: Detection) -> bool:
    """Whether the text calls the mention a state or province ("Washington state", "the state of Washington")."""
    m = d.mention
    return (_STATE_AFTER.match(text, m.end) is not None
            or _STATE_BEFORE.search(text, max(0, m.start - 12), m.start) is not None)


#: a city this populous is as likely meant by its name as a state of that name ("Washington")
MAJOR_CITY = 500_000


def _names_a_major_city(candidates: Sequence[Candidate]) -> bool:
    """Whether the name is the own name of a city of at least :data:`MAJOR_CITY` people (not one of its
    other names: "Oklahoma" is another name of Oklahoma City, but the state's own)."""
    # the population first: it rules out most candidates
    return any(c.population >= MAJOR_CITY and c.feature == "populated place" and c.score >= 1.0
               and not alternate_only(c) for c in candidates)


#: a region's radius is that of a disc of its area: its far corners lie up to about twice as far
REGION_REACH = 2.0


def _inside_bonus(candidates: Sequence[Candidate], regions: Sequence[Candidate], w: Weights) -> list[float]:
    """``w.qualifier`` for each candidate inside one of the qualifying regions (a country: by its code)."""
    out = []
    for c in candidates:
        inside = any(
            c.source_id != q.source_id and (
                c.country_code == q.country_code if q.feature == "country" else
                c.country_code == q.country_code
                and within_m(c.lat, c.lon, q.lat, q.lon, REGION_REACH * max(q.uncertainty_m, REGION_MIN_RADIUS_M)))
            for q in regions)
        out.append(w.qualifier if inside else 0.0)
    return out


#: generic words after a county's own name ("DeKalb County"), which a story drops once it has named it
_COUNTY_WORDS = ("county", "parish", "borough")
#: how a key ends when its last word is one of them after another word (or, rarely, otherwise)
_COUNTY_ENDINGS = tuple(" " + word for word in _COUNTY_WORDS)


def _short_forms(detections: Sequence[Detection], keys: Sequence[str]) -> list[Detection]:
    """Add to a bare name the counties the same document names in full: "DeKalb" after "DeKalb County".

    Stories name a county in full once and then by its bare name, which the gazetteer
    does not list (bare county names would flood the towns). A mention whose name is a
    county's name without "County" (or "Parish", "Borough") gains that county's
    candidates when the document also names it in full. ``keys`` holds each mention's normal key.
    """
    if not any(map(str.endswith, keys, repeat(_COUNTY_ENDINGS))):  # (most documents name no county: found in C)
        return list(detections)
    full: dict[str, list[Candidate]] = {}
    for d, key in zip(detections, keys):
        head, _, last = key.rpartition(" ")
        if head and last in _COUNTY_WORDS:
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


_FEATURE, _POPULATION = attrgetter("feature"), attrgetter("population")


def _name_groups(keys: Sequence[str]) -> list[int]:
    """One group id per mention, from the mentions' normal keys; mentions of the same name share it."""
    ids: dict[str, int] = {}
    return [ids.setdefault(key, len(ids)) for key in keys]


#: a named region counts at least this far round its centre (small counties, city districts)
REGION_MIN_RADIUS_M = 15_000.0
#: a city bearing a region's name and holding at least this share of its people stands for it
#: ("Dallas" the city, not Dallas County; "Rio de Janeiro" the city, not the state)
CITY_SHARE = 0.2
#: the share needed when the name is only an alternate name of the city ("Kiev" for Kyiv city vs Kiev oblast)
CITY_SHARE_ALIAS = 0.5


def _prefer_city_over_its_region(ranked: list[Candidate]) -> list[Candidate]:
    """"Tripoli" is the city, not the Tripoli district that is mostly the city.

    When the best candidate is an administrative region and a same-named populated
    place inside it holds at least :data:`CITY_SHARE` of its population (:data:`CITY_SHARE_ALIAS`
    when the name is only an alternate name of the place), the place is meant.
    """
    if len(ranked) < 2 or not ADMIN_FEATURE[ranked[0].feature]:
        return ranked
    region = ranked[0]
    for i, c in enumerate(ranked[1:], 1):
        share = CITY_SHARE if not alternate_only(c) else CITY_SHARE_ALIAS
        if (c.feature == "populated place" and c.population >= share * region.population
                and within_m(c.lat, c.lon, region.lat, region.lon, max(region.uncertainty_m, 50_000))):
            return [replace(c, score=region.score), *ranked[:i], *ranked[i + 1:]]
    return ranked
