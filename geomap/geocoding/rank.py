"""Ranking candidates with document context: which "El Amria" does this article mean?

A candidate's final score combines, with weights in :class:`Weights`:

* **match** — how well the name matched (exact, transliteration, fuzzy; curated
  sources slightly ahead), from the gazetteer;
* **population** — ``log10(population + 1) / 7``, capped at 1;
* **feature** — a country name means the country ("China" is not the Mexican town);
* **context** — the candidate lies in a country the document is about (named,
  by demonym, or holding its unambiguous places);
* **proximity** — the candidate lies within 200 km of the document's other
  confidently resolved places.

Everything here is pure computation on candidate lists.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter

from geomap.gazetteer.normalize import alternate_only, known_alternate_only
from geomap.model import Candidate, rescored

__all__ = ["Weights", "DocumentContext", "score_candidate", "rank", "build_context", "mention_votes",
           "context_from_votes", "coherence", "base_scores", "context_terms"]


@dataclass(frozen=True)
class Weights:
    """Weights of the ranking terms (tuned on the seeds and the dev corpora)."""

    match: float = 0.55
    population: float = 0.22
    country_feature: float = 0.45
    context: float = 0.30
    #: closeness to confidently placed anchors; 0 by default since spatial coherence (below) subsumes it
    proximity: float = 0.0
    #: a place inside a region (state, county) the document names
    region: float = 0.25
    #: below this final score a mention is left unresolved
    threshold: float = 0.75
    #: lowered by this much in a text that names no country (a single sentence, a headline)
    no_context_relief: float = 0.15
    #: a non-exact (transliteration, fuzzy) match outside the document's countries counts this much
    off_context_inexact: float = 0.5
    #: spatial coherence: up to this much for a candidate near the likely places of the other names
    coherence: float = 0.25
    #: the coherence of a candidate falls from full support at 0 km to none at this distance
    coherence_km: float = 250.0
    #: softness of the prior over each other name's candidates (lower = trust the best more)
    coherence_temperature: float = 0.05
    #: priors are divided by (sum of relative priors) ** this: 1 = a probability, 0 = the best counts fully
    coherence_normalise: float = 0.0
    #: a name matched only by transliteration lends its candidates this share of support (fuzzy matches: none)
    coherence_inexact: float = 0.5
    #: a name that matches only an alternate name of a place (not its own name) loses this much
    alternate_name: float = 0.3
    #: a place inside the region or country that qualifies its name ("London, Ontario", "Paris, Texas")
    qualifier: float = 0.5
    #: a state or province when the document names other states or provinces of the same country
    #: ("California has 13 cases, three in Texas, two in Kansas": California the state, not the town)
    peer_region: float = 0.2
    #: a major city of a country the document names outright ("Moscow" in a story that names Russia)
    named_country_city: float = 0.4
    #: a name in a list whose other names are mostly of one kind (countries; states or provinces of one
    #: country) gains this for its candidates of that kind ("Benin, Niger, Nigeria and Togo": Niger the country)
    list_peer: float = 0.3


@dataclass
class DocumentContext:
    """What a document is about: country weights and anchor points."""

    countries: Mapping[str, float] = field(default_factory=dict)
    points: Sequence[tuple[float, float]] = ()
    #: regions the document names (admin areas): (lat, lon, radius_m, normal key of the name)
    regions: Sequence[tuple[float, float, float, str]] = ()

    @classmethod
    def of(cls, countries: Iterable[str] = ()) -> DocumentContext:
        """A context naming the given ISO alpha-2 countries with full weight."""
        return cls({c.upper(): 1.0 for c in countries})


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a 6371 km sphere (for ranking decisions, not for reporting)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def within_m(lat1: float, lon1: float, lat2: float, lon2: float, limit_m: float) -> bool:
    """``great_circle_km(lat1, lon1, lat2, lon2) * 1000 <= limit_m``, answered without trigonometry when the
    latitudes alone lie farther apart.

    No two points lie closer than their difference in latitude (along a meridian); a
    kilometre to spare covers the rounding of both forms, so the answer is the same.
    """
    if _KM_PER_DEGREE * abs(lat2 - lat1) > limit_m / 1000 + 1.0:
        return False
    return great_circle_km(lat1, lon1, lat2, lon2) * 1000 <= limit_m


#: length of a degree of latitude on the sphere of :func:`great_circle_km`
_KM_PER_DEGREE = 6371.0088 * math.pi / 180


def _base_score(c: Candidate, ctx: DocumentContext, w: Weights, country_bonus: bool = True,
                rival_own_name: bool = False) -> float:
    """Every term but proximity."""
    term = _context_terms((c,), ctx.countries, w, rival_own_name)[0]
    return _with_country_bonus(c, term, w) if country_bonus else term


def _context_terms(candidates: Iterable[Candidate], countries: Mapping[str, float], w: Weights,
                   rival_own_name: bool | None, base: list[float] | None = None) -> list[float]:
    """Every term but proximity and the country-name bonus, per candidate (see :func:`context_terms`).

    ``rival_own_name``: whether some candidate bears the name as its own (:func:`_own_name_match`; worked
    out here when ``None``). ``base``: when given, each candidate's :func:`base_scores` value is appended to it.
    """
    if rival_own_name is None:
        candidates = list(candidates)
        rival_own_name = _own_name_match(candidates)
    w_match, w_population, w_context, off_context = w.match, w.population, w.context, w.off_context_inexact
    log10, in_countries, named_areas = math.log10, countries.get, _NAMED_AREAS
    alternate_name, known = w.alternate_name, known_alternate_only
    bonus, add_base = w.country_feature, None if base is None else base.append
    out = []
    for c in candidates:
        feature, population, match = c.feature, c.population, c.score
        if feature in named_areas:
            pop = 1.0  # the curated regions, seas, lakes and rivers are the well-known ones ("Darfur", "Black Sea")
        else:
            pop = log10(population + 1) / 7.0 if population > 0 else 0.0
            if not pop < 1.0:
                pop = 1.0  # min(1.0, pop), without the call
        in_context = in_countries(c.country_code, 0.0)
        exact = match >= 1.0
        if not (exact or in_context or not countries):
            match = match * off_context
        score = w_match * match + w_population * pop + w_context * in_context
        if rival_own_name and feature == "populated place":
            # alternate_only(c), its cache probed here first (a call less for most candidates)
            alternate = known((c.name, c.matched))
            if alternate is None:
                alternate = alternate_only(c)
            if alternate:
                score -= alternate_name  # "Paris" is another name of Parizh (RU); the French capital is called Paris
        out.append(score)
        if add_base is not None:  # base_scores, inline
            add_base(score + bonus if exact and (feature == "country" or c.source_id in COUNTRY_LIKE) else score)
    return out


#: match scores below this are fuzzy (at most 0.6); transliterations score at least 0.78
_LOOSE_MATCH = 0.7


def _support_share(match: float, w: Weights) -> float:
    """How much a candidate found with this match score lends to others' coherence.

    A misspelt or unknown name ("Headington" ~ Haddington, Pennsylvania) is no
    evidence of where the story is, so fuzzy matches lend nothing.
    """
    return 1.0 if match >= 1.0 else w.coherence_inexact if match >= _LOOSE_MATCH else 0.0


_NAMED_AREAS = frozenset({"region", "sea", "lake", "river"})




def coherence(candidate_lists: Sequence[Sequence[Candidate]], base: Sequence[Sequence[float]],
              groups: Sequence[int], w: Weights = Weights()) -> list[list[float]]:
    """Spatial coherence of every candidate with the other names of the document.

    The places of one article tend to lie near each other ("Palestine" next to
    "Tennessee Colony" and "Anderson County" is the Texan town). Each name is given
    a prior over its candidates (a softmax of their context scores); a candidate's
    support is the sum over the *other* names of the prior-weighted closeness of
    their nearest likely candidate, closeness falling linearly from 1 at 0 km to 0
    at ``w.coherence_km`` beyond the edges of areas (a state, a country). The term
    is ``w.coherence * (1 - exp(-support))``.

    Parameters
    ----------
    candidate_lists : sequence of candidate lists
        One per mention.
    base : sequence of score lists
        The context score of each candidate (same shape).
    groups : sequence of int
        A group id per mention: mentions of the same name share a group and do not
        support each other.
    w : Weights
        ``coherence``, ``coherence_km`` and ``coherence_temperature``.

    Returns
    -------
    list of list of float
        The coherence term of each candidate.
    """
    out: list[list[float]] = [[0.0] * len(cands) for cands in candidate_lists]
    if w.coherence <= 0:
        return out
    # contributors: per group, its best few candidates with their prior; countries and continents neither
    # give nor receive (the country term speaks for them), regions give through their area
    first_of: dict[int, int] = {}
    for i, g in enumerate(groups):
        first_of.setdefault(g, i)
    if len(first_of) < 2:
        return out
    # the contributing candidates (the rows of the matrix of _coherence_terms), their prior times their support
    # share, and where each group's rows start
    row_cands: list[Candidate] = []
    row_prior: list[float] = []
    starts: list[int] = []
    block_group: list[int] = []
    temperature, normalise, exp = w.coherence_temperature, w.coherence_normalise, math.exp
    for g, i in first_of.items():
        cands, scores = candidate_lists[i], base[i]
        if not cands:
            continue
        # stable: ties keep their order
        order = sorted(range(len(cands)), key=scores.__getitem__, reverse=True)[:10] if len(cands) > 1 else [0]
        top = scores[order[0]]
        if normalise:
            weights = [exp((scores[k] - top) / temperature) for k in order]
            total = sum(weights) ** normalise
        else:
            weights, total = None, 1.0  # x ** 0 is 1.0 whatever x is: no need for the weights' sum
        first_row = len(row_cands)
        for n, k in enumerate(order):
            wt = weights[n] if weights is not None else exp((scores[k] - top) / temperature)
            prior = wt / total
            if prior < 0.02:
                if temperature > 0:
                    break  # the candidates come best first: the priors of the rest are no larger
                continue
            c = cands[k]
            if c.feature in ("country", "continent"):
                continue
            match = c.score  # _support_share, inline
            row_cands.append(c)
            row_prior.append(prior * (1.0 if match >= 1.0 else w.coherence_inexact if match >= _LOOSE_MATCH else 0.0))
        if len(row_cands) > first_row:
            starts.append(first_row)
            block_group.append(g)
    if not row_cands:
        return out
    values = _coherence_terms(candidate_lists, first_of, row_cands, row_prior, starts, block_group, w)
    for j, g in enumerate(groups):
        if g in values:
            out[j] = values[g]
    return out


def base_scores(candidates: Sequence[Candidate], ctx: DocumentContext, w: Weights = Weights(),
                terms: Sequence[float] | None = None) -> list[float]:
    """The context score of each candidate (every term but proximity, region and coherence).

    Parameters
    ----------
    terms : sequence of float, optional
        The candidates' :func:`context_terms` in ``ctx`` when already at hand.
    """
    if terms is None:
        terms = context_terms(candidates, ctx, w)
    bonus = w.country_feature
    # _with_country_bonus, inline
    return [t + bonus if c.score >= 1.0 and (c.feature == "country" or c.source_id in COUNTRY_LIKE) else t
            for c, t in zip(candidates, terms)]


def context_terms(candidates: Sequence[Candidate], ctx: DocumentContext, w: Weights = Weights()) -> list[float]:
    """Every term of each candidate's context score but the country-name bonus.

    What :func:`base_scores` and :func:`rank` add that bonus to (each as it applies it), so
    that a caller who ranks one candidate list more than once in the same country context
    works these terms out once.
    """
    return _context_terms(candidates, ctx.countries, w, None)


#: first-level divisions that are countries in their own right: the United Kingdom's four nations
#: ("England" is not England, Arkansas, in a story about the world)
COUNTRY_LIKE = frozenset({"admin1:GB-england", "admin1:GB-scotland", "admin1:GB-wales", "admin1:GB-northern-ireland"})


def names_a_country(c: Candidate) -> bool:
    """Whether ``c`` is a country, or a division that is a country in its own right (:data:`COUNTRY_LIKE`)."""
    return c.feature == "country" or c.source_id in COUNTRY_LIKE


def _with_country_bonus(c: Candidate, term: float, w: Weights) -> float:
    """``term`` plus ``w.country_feature`` when ``c`` is a country of this very name (as in :func:`_base_score`)."""
    return term + w.country_feature if c.score >= 1.0 and names_a_country(c) else term


def _own_name_match(candidates: Sequence[Candidate]) -> bool:
    """Some candidate bears the name as its own name (not as an alternate one)."""
    known = known_alternate_only
    for c in candidates:
        if c.score >= 1.0 and c.matched:
            alternate = known((c.name, c.matched))  # alternate_only(c), its cache probed here first
            if not (alternate_only(c) if alternate is None else alternate):
                return True
    return False


def _proximity(candidates: Sequence[Candidate], ctx: DocumentContext, w: Weights) -> list[float]:
    """The proximity term of each candidate: up to ``w.proximity`` within 200 km of an anchor."""
    if not ctx.points or w.proximity <= 0:
        return [0.0] * len(candidates)
    import numpy as np

    anchors = np.radians(np.asarray(ctx.points, dtype=float))
    pts = np.radians(np.array([(c.lat, c.lon) for c in candidates], dtype=float))
    dp = pts[:, None, 0] - anchors[None, :, 0]
    dl = pts[:, None, 1] - anchors[None, :, 1]
    a = np.sin(dp / 2) ** 2 + np.cos(pts[:, None, 0]) * np.cos(anchors[None, :, 0]) * np.sin(dl / 2) ** 2
    near_km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a.min(axis=1), 1.0)))
    bonus = np.where(near_km < 200, w.proximity * (1 - near_km / 200), 0.0)
    return [0.0 if c.feature == "country" else float(b) for c, b in zip(candidates, bonus)]


def _in_region(c: Candidate, ctx: DocumentContext, w: Weights) -> float:
    """``w.region`` when ``c`` (a place, not a region itself) lies inside a region the document names."""
    return _region_terms((c,), ctx.regions, w)[0]


def _region_terms(candidates: Sequence[Candidate], regions: Sequence[tuple[float, float, float, str]],
                  w: Weights) -> list[float]:
    """:func:`_in_region` of each candidate, the regions' own tests worked out once for all of them."""
    # per region: its latitude, longitude, radius, key, and the most its latitude may differ from a place's
    # within it, in km (within_m's test); made once for a document's regions when they come as a tuple (immutable:
    # the last one is held, so its id is not reused while it is remembered)
    global _LAST_REACH
    last, reach, south, north = _LAST_REACH  # one read: another thread may replace it meanwhile, never part of it
    if regions is not last:
        reach = [(lat, lon, radius_m, key, radius_m / 1000 + 1.0) for lat, lon, radius_m, key in regions]
        south, north = _latitude_band(reach)
        if type(regions) is tuple:
            _LAST_REACH = (regions, reach, south, north)
    region, km_per_degree, distance, a_region = w.region, _KM_PER_DEGREE, great_circle_km, _REGION_FEATURE
    out = []
    for c in candidates:
        term = 0.0
        clat = c.lat
        # (a place south or north of every region's band lies farther than its latitude alone allows from each)
        if not (clat < south or clat > north or a_region[c.feature]):
            matched = c.matched
            for lat, lon, radius_m, key, most in reach:
                # "Minnesota" does not vouch for Minneota, a town once called Minnesota; most regions lie farther
                # than the latitude alone allows
                if key != matched and not km_per_degree * abs(lat - clat) > most and (
                        distance(clat, c.lon, lat, lon) * 1000 <= radius_m):
                    term = region
                    break
        out.append(term)
    return out


def _latitude_band(reach: Sequence[tuple[float, float, float, str, float]]) -> tuple[float, float]:
    """The southmost and northmost latitudes from which a place may lie within one of these regions by
    :func:`_region_terms`' latitude test (``km_per_degree * abs(lat - clat) > most`` rules a place out).

    Widened by a millionth of a degree (about 0.1 m), far more than the rounding of either form: a place
    outside the band fails that test for every region. A region whose latitude or reach is not a number
    places nothing (each comparison with NaN is false), so it is left out; with none left, the band is empty.
    """
    south, north = math.inf, -math.inf
    for lat, _, _, _, most in reach:
        degrees = most / _KM_PER_DEGREE
        if lat - degrees < south:
            south = lat - degrees
        if lat + degrees > north:
            north = lat + degrees
    return south - 1e-6, north + 1e-6


#: the last regions tuple of :func:`_region_terms`, its reach list and its latitude band, replaced as one tuple
#: (thread-safe)
_LAST_REACH: tuple = (None, [], math.inf, -math.inf)


def score_candidate(c: Candidate, ctx: DocumentContext, w: Weights = Weights()) -> float:
    """The final score of one candidate in a document context."""
    return round(_base_score(c, ctx, w) + _proximity([c], ctx, w)[0], 4)


def rank(
    candidates: Sequence[Candidate], ctx: DocumentContext | None = None, w: Weights = Weights(), top: int | None = None,
    extra: Sequence[float] | None = None, terms: Sequence[float] | None = None,
    base: Sequence[float] | None = None,
) -> list[Candidate]:
    """Return the candidates re-scored in context, best first (``score`` holds the final score).

    Parameters
    ----------
    top : int, optional
        Return only the best ``top`` candidates (saves copying long candidate lists).
    extra : sequence of float, optional
        A further term per candidate (the document's spatial :func:`coherence`).
    terms : sequence of float, optional
        The candidates' :func:`context_terms` in a context of the same countries as ``ctx``,
        when already at hand.
    base : sequence of float, optional
        The candidates' :func:`base_scores` in a context of the same countries as ``ctx``,
        when already at hand (with ``terms``).
    """
    ctx = ctx or DocumentContext()
    if not candidates:
        return []
    countries = ctx.countries
    names_a_region = state_in_context = False
    # (most names have no country, continent or first-level division among their candidates: their features are
    # checked in C first)
    for c in (candidates if any(map(_REGION_FEATURE.__getitem__, map(_FEATURE, candidates))) else ()):
        if c.score >= 1.0 and _REGION_FEATURE[c.feature]:
            names_a_region = True
            # "Georgia" in a story about the United States: the state, unless Georgia the country is itself
            # in the context
            if c.feature.startswith("admin1") and countries.get(c.country_code, 0.0) >= 0.5:
                state_in_context = True
                break
    # a name that is itself a state or country ("California") is not a town to pick by region
    by_region = bool(ctx.regions) and not names_a_region
    with_proximity = bool(ctx.points) and w.proximity > 0
    if base is not None and not state_in_context and not with_proximity:
        # unless a state of the context is among the candidates, the country bonus below is the one base_scores
        # adds. The terms below start from a proximity of 0.0, and 0.0 + x is x but for x = -0.0 (then 0.0): the
        # sums are alike, since a context score is never -0.0 (its last step adds the context term, w * 0.0 at
        # least, and -0.0 + 0.0 is 0.0) and the region term is 0.0 or w.region
        if by_region:
            inside = _region_terms(candidates, ctx.regions, w)
            raw = ([t + r for t, r in zip(base, inside)] if extra is None else
                   [t + (e + r) for t, e, r in zip(base, extra, inside)])
        else:
            raw = list(base) if extra is None else [t + e for t, e in zip(base, extra)]
    else:
        if terms is None:
            terms = context_terms(candidates, ctx, w)
        raw = []  # unrounded final scores
        country_feature = w.country_feature
        proximity = _proximity(candidates, ctx, w) if with_proximity else repeat(0.0)
        inside = _region_terms(candidates, ctx.regions, w) if by_region else repeat(None)
        for c, t, p, e, r in zip(candidates, terms, proximity, repeat(None) if extra is None else extra, inside):
            if (not state_in_context or countries.get(c.country_code, 0.0) >= 0.5) and c.score >= 1.0 and (
                    c.feature == "country" or c.source_id in COUNTRY_LIKE):
                t = t + country_feature  # _with_country_bonus, inline
            if e is not None:
                p = p + e
            if r is not None:
                p = p + r
            raw.append(t + p)
    if top is not None and len(raw) > top:
        # only a candidate within _ROUNDING of the top-th best unrounded score can be among the best `top`
        # once scores are rounded: one below it rounds (rounding is monotone) strictly below `top` others
        cut = (max(raw) if top == 1 else sorted(raw, reverse=True)[top - 1]) - _ROUNDING
        picked = [k for k, s in enumerate(raw) if s >= cut]
    else:
        picked = range(len(raw))
    if len(picked) == 1:
        k = picked[0]
        return [rescored(candidates[k], _round4(raw[k]))]
    # _rank_order's keys, each with its candidate's index: sorted by them as the stable sort by _rank_order
    # would sort the candidates (the index breaks the ties in their order), but compared without a key call
    order = [(-_round4(raw[k]), -candidates[k].population, candidates[k].source_id, k) for k in picked]
    if top == 1:  # the first of the best, as the sort below would put it first
        s, _, _, k = min(order)
        return [rescored(candidates[k], -s)]
    order.sort()
    return [rescored(candidates[k], -s) for s, _, _, k in order[:top]]


#: more than twice the most that rounding to 4 decimals moves a score (5e-5, and a last bit)
_ROUNDING = 2e-4


def _round4(s: float) -> float:
    """``round(s, 4)``, in a quarter of its time when ``s`` is not about halfway between two results.

    ``round(s, 4)`` rounds the exact value of ``s`` to 4 decimals and returns the float nearest
    that decimal (it goes through a decimal string). When ``y = s * 10000.0`` lies farther than
    0.4999 from its nearest integer ``n``, the exact ``s * 10**4`` (within half an ulp of ``y``, far
    below 1e-4 here) rounds to ``n`` too; ``n / 10000`` (two integers exact as floats) is then the
    correctly rounded quotient, the float nearest ``n * 1e-4``. ``n == 0`` is left to ``round``,
    whose zero keeps the sign of ``s``.
    """
    if -1e9 < s < 1e9:
        y = s * 10000.0
        n = round(y)
        if n and -0.4999 < y - n < 0.4999:
            return n / 10000
    return round(s, 4)


def _rank_order(scored: tuple[float, Candidate]) -> tuple[float, int, str]:
    """Best first: final score, then population, then source id."""
    return -scored[0], -scored[1].population, scored[1].source_id


def build_context(
    candidate_lists: Sequence[Sequence[Candidate]],
    *,
    kinds: Sequence[str] | None = None,
    given: Iterable[str] = (),
) -> DocumentContext:
    """Infer what countries a document is about from its mentions' candidates.

    Parameters
    ----------
    candidate_lists : sequence of candidate lists
        One list per mention, as found by the gazetteer.
    kinds : sequence of str, optional
        ``"name"`` or ``"demonym"`` per mention.
    given : iterable of str
        Countries the caller knows the document is about (full weight).

    Returns
    -------
    DocumentContext
        Country weights in ``[0, 1]``, proportional to the country's votes (the
        most voted country weighs 1): a named country or a demonym is one vote,
        an unambiguous place (one country among its exact candidates) half a vote.
    """
    votes = mention_votes(candidate_lists, kinds=kinds)
    return context_from_votes(votes, given=given)


def mention_votes(candidate_lists: Sequence[Sequence[Candidate]], *,
                  kinds: Sequence[str] | None = None) -> list[tuple[str, float] | None]:
    """The country vote of each mention (see :func:`build_context`), ``None`` for no vote."""
    out: list[tuple[str, float] | None] = []
    # a name mentioned again usually comes with the very same candidate list: its vote is worked out once
    seen: dict[tuple[int, bool], tuple[str, float] | None] = {}
    for i, cands in enumerate(candidate_lists):
        demonym = bool(kinds) and kinds[i] == "demonym"
        key = (id(cands), demonym)  # the lists outlive this call, so their ids are not reused meanwhile
        if key not in seen:
            seen[key] = _vote(cands, demonym)
        out.append(seen[key])
    return out


def _vote(cands: Sequence[Candidate], demonym: bool) -> tuple[str, float] | None:
    """The country vote of one mention with these candidates (see :func:`mention_votes`)."""
    if len(cands) == 1:  # (most often): the rules below for a lone candidate, which is its own one country
        c = cands[0]
        if demonym or (c.score >= 1.0 and (c.feature == "country" or c.source_id in COUNTRY_LIKE)):
            return (c.country_code, 1.0)
        return (c.country_code, 0.5) if c.score >= 0.85 else None
    exact = [c for c in cands if c.score >= 1.0]
    if exact:
        countries = [c for c in exact if c.feature == "country" or c.source_id in COUNTRY_LIKE]  # names_a_country
        if countries:
            # an exact first-level division is among `countries` just when it is a country in its own right
            if any(c.feature.startswith("admin1") and c.source_id not in COUNTRY_LIKE for c in exact):
                return None  # "Georgia", "Lebanon": a country and a state share the name; the name alone says neither
            return (countries[0].country_code, 1.0)
        if demonym:
            return (exact[0].country_code, 1.0)
        return (exact[0].country_code, 0.5) if _one_country(exact) else None
    if not cands:
        return None
    if demonym:
        return (cands[0].country_code, 1.0)
    if cands[0].score >= 0.85 and _one_country(cands):
        return (cands[0].country_code, 0.5)  # one close transliteration ("Ben Guerdane" ~ Ben Gardane)
    return None


def _one_country(cands: Sequence[Candidate]) -> bool:
    """Whether all the (one or more) candidates lie in one country."""
    return len(cands) == 1 or len(set(map(_COUNTRY_CODE, cands))) == 1


def context_from_votes(votes: Sequence[tuple[str, float] | None], *, given: Iterable[str] = (),
                       leave_out: int | None = None) -> DocumentContext:
    """Country weights from mention votes; ``leave_out`` drops one mention's own vote.

    A place must not vouch for itself: "Choucha" (exactly one GeoNames entry, in
    Azerbaijan) would otherwise put Azerbaijan in the context of its own ranking.
    Names of countries and demonyms keep their vote (a country is its own evidence).
    """
    tally: dict[str, float] = {}  # a Counter's sums, without its Python-level __missing__ per new country
    count = tally.get
    for i, vote in enumerate(votes):
        if vote is None or (i == leave_out and vote[1] < 1.0):
            continue
        cc, weight = vote
        tally[cc] = count(cc, 0) + weight
    top = max(tally.values(), default=0.0)
    weights = {cc: v / top for cc, v in tally.items()} if top else {}
    for cc in given:
        weights[cc.upper()] = 1.0
    return DocumentContext(weights)


# ---- speed helpers of `coherence` (everything below is private to it) ----


def _coherence_terms(candidate_lists: Sequence[Sequence[Candidate]], first_of: Mapping[int, int],
                     row_cands: Sequence[Candidate], row_prior: Sequence[float], starts: Sequence[int],
                     block_group: Sequence[int], w: Weights) -> dict[int, list[float]]:
    """The coherence term of every candidate of every group, all groups in one array pass.

    Every contributing row meets every candidate of the document in one matrix (a row
    per contributing candidate, a column per candidate; in a document so long that the
    matrix would pass :data:`_COHERENCE_CELLS` cells, a stretch of columns at a time, each
    column's arithmetic the same); the support of a candidate is
    then the sum, over the other groups in ascending id order, of the best closeness of
    that group's rows (added one group at a time, as a per-group loop would, so the sums
    round alike).

    The matrices are small (typically 10-20 rows by 20-40 columns), so the cost is numpy's
    fixed cost per call: the steps are arranged to take few calls, each giving the very
    bits of the plain haversine ``2 R asin(sqrt(min(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2), 1)))``:
    the coordinates go to numpy in one array, the halved differences of latitude and of
    longitude are taken (and their sines squared) in one call each, as ``φ1/2 - φ2/2``
    (halving is exact, so this is ``(φ1 - φ2)/2``), and products keep their operands'
    pairing (``(cos φ1 cos φ2) · s``).

    Parameters
    ----------
    candidate_lists : sequence of candidate lists
        One per mention.
    first_of : mapping of int to int
        Each group's first mention.
    row_cands : sequence of Candidate
        The contributing candidates, the rows of one group next to each other.
    row_prior : sequence of float
        Each row's weight (its prior times its support share).
    starts : sequence of int
        Where each group's rows start, in row order.
    block_group : sequence of int
        The group of the rows starting at each of ``starts``.
    w : Weights
        ``coherence`` and ``coherence_km``.

    Returns
    -------
    dict of int to list of float
        Per group that has candidates, the term of each of its candidates.
    """
    import numpy as np

    # the constants as float64 arrays: a Python float operand costs each call a conversion
    zero, one, two, thousand, diameter = _NUMPY_CONSTANTS or _numpy_constants()
    owners = [(g, candidate_lists[i]) for g, i in first_of.items() if candidate_lists[i]]
    flat = list(chain.from_iterable(map(_SECOND, owners)))  # every candidate, a column of the matrices below
    n, m = len(flat), len(row_cands)
    every = flat + list(row_cands)  # the columns, then the rows
    k = n + m
    # latitudes, longitudes and uncertainties of each, then the rows' weights: to numpy in one array
    values = np.fromiter(chain(map(_LAT, every), map(_LON, every), map(_UNCERTAINTY_M, every), row_prior), float,
                         3 * k + m)
    rad = np.radians(values[:2 * k])  # latitudes, then longitudes
    # c.uncertainty_m / 1000.0 of each: numpy divides as Python does (one correctly rounded division)
    radius = values[2 * k:3 * k] / thousand
    cos_lat = np.cos(rad[:k])
    half = (rad / two).reshape(2, k)
    prior = values[3 * k:, None]
    blocks = sorted(block_group)
    order = None if blocks == block_group else [b for _, b in sorted(zip(block_group, range(len(block_group))))]
    column = {h: b for b, h in enumerate(blocks)}
    # each group's own columns, zeroed in its row of best closeness below
    own: list[tuple[int, int, int]] = []
    pos = 0
    for g, cands in owners:
        if g in column:
            own.append((column[g], pos, pos + len(cands)))
        pos += len(cands)
    # the columns are independent: a document of thousands of names is taken a stretch of columns at a time,
    # so that the matrices stay small (the one stretch of an ordinary document is all its columns)
    width = n if m * n <= _COHERENCE_CELLS else max(1, _COHERENCE_CELLS // m)
    parts = []
    for c0 in range(0, n, width):
        c1 = min(n, c0 + width)
        # [0]: sin²(Δφ/2), [1]: sin²(Δλ/2); candidate minus row, as each candidate meets each row. The steps
        # below work in place: the arrays are small, and each allocation costs as much as the step
        sq = half[:, None, c0:c1] - half[:, n:, None]
        np.square(np.sin(sq, sq), sq)
        a = cos_lat[n:, None] * cos_lat[None, c0:c1]
        a *= sq[1]
        a += sq[0]  # sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)
        np.arcsin(np.sqrt(np.minimum(a, one, out=a), a), a)
        a *= diameter  # km
        a -= radius[n:, None]
        a -= radius[c0:c1]
        eff = np.maximum(a, zero, out=a)  # km beyond both areas' edges
        eff /= w.coherence_km
        # np.clip(1 - eff, 0, 1)'s result, without its per-call overhead (it selects, as maximum does); with a
        # positive reach, eff is never negative, so 1 - eff is never above 1
        close = np.maximum(np.subtract(one, eff, eff), zero, out=eff)
        if not w.coherence_km > 0:
            np.minimum(close, 1.0, out=close)
        close *= prior
        # per candidate, the closest row of each other group (its own group's zeroed), groups in id order
        if len(starts) == m:
            best = close  # one row per group: its closeness is its best
        elif len(starts) > 1:
            best = np.maximum.reduceat(close, starts, axis=0)
        else:
            best = close.max(axis=0, keepdims=True)
        if order is not None:
            best = best[order]
        for row, lo, hi in own:
            if lo < c1 and c0 < hi:
                best[row, max(lo, c0) - c0:min(hi, c1) - c0] = 0.0
        # the groups added one at a time, in id order, as a running sum does (a reduction over rows could pair
        # them otherwise)
        total = best[0] if len(best) == 1 else np.add.accumulate(best, 0)[-1]  # np.cumsum, without its wrapper
        parts.append(total if width == n else total.copy())  # (a row keeps its whole matrix alive)
    support = parts[0] if len(parts) == 1 else np.concatenate(parts)
    np.negative(support, out=support)
    np.exp(support, out=support)
    np.subtract(one, support, out=support)
    support *= w.coherence
    # countries and continents receive none (most documents' candidates include neither: found in C)
    features = list(map(_FEATURE, flat))
    if not _NO_COHERENCE.isdisjoint(features):
        support[[j for j, f in enumerate(features) if f in _NO_COHERENCE]] = 0.0
    term = support.tolist()
    out: dict[int, list[float]] = {}
    pos = 0
    for g, cands in owners:
        out[g] = term[pos:pos + len(cands)]
        pos += len(cands)
    return out


#: 0.0, 1.0, 2.0, 1000.0 and the sphere's diameter in km (2 * 6371.0088) as float64 arrays, once numpy is needed
_NUMPY_CONSTANTS: tuple = ()


def _numpy_constants() -> tuple:
    """Make :data:`_NUMPY_CONSTANTS` (numpy is imported only when coherence first needs it)."""
    global _NUMPY_CONSTANTS
    import numpy as np

    _NUMPY_CONSTANTS = tuple(np.array(x) for x in (0.0, 1.0, 2.0, 1000.0, 2 * 6371.0088))
    return _NUMPY_CONSTANTS


#: features that neither give nor receive coherence (the country term speaks for them)
_NO_COHERENCE = frozenset({"country", "continent"})
#: the most cells (rows × columns) of the coherence matrices taken at once: about 32 MB an array
_COHERENCE_CELLS = 4_000_000


_LAT, _LON, _UNCERTAINTY_M = attrgetter("lat"), attrgetter("lon"), attrgetter("uncertainty_m")
_SECOND = itemgetter(1)
_FEATURE = attrgetter("feature")


class FeatureTest(dict):
    """A test of a feature, its answer remembered per feature: a probe is a dict lookup (in C when mapped over
    candidates' features), where ``str.startswith`` parses its arguments at each call. The candidates share a
    few dozen features, so the memo stays small."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, feature: str) -> bool:
        answer = self[feature] = self.test(feature)
        return answer


#: the features that make a name a region's for `rank`, and a candidate no place inside a region for
#: `_region_terms`: a country, a continent, a first-level division
_REGION_FEATURE = FeatureTest(lambda f: f == "country" or f == "continent" or f.startswith("admin1"))
#: a division of any level ("admin1", "admin2", ...)
ADMIN_FEATURE = FeatureTest(lambda f: f.startswith("admin"))
_COUNTRY_CODE = attrgetter("country_code")
