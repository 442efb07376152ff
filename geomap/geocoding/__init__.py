"""Geocoding: one protocol, an offline gazetteer adapter, an opt-in online adapter, and document resolution.

Every geocoder answers ``geocode(name, context) -> list[Candidate]``, always a
list (empty when nothing matches), best first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from geomap.gazetteer import Gazetteer
from geomap.geocoding.rank import (DocumentContext, Weights, base_scores, coherence, context_from_votes,
                                   mention_votes, rank)
from geomap.model import Candidate
from geomap.toponyms import Detection

__all__ = [
    "Geocoder",
    "OfflineGeocoder",
    "Resolution",
    "DocumentContext",
    "Weights",
    "resolve_detections",
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


def resolve_detections(
    detections: Sequence[Detection],
    *,
    countries: Sequence[str] = (),
    weights: Weights = Weights(),
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

    Returns
    -------
    list of Resolution
        One per detection, in the same order; ``best`` is ``None`` below threshold.
    """
    kinds = [d.mention.kind for d in detections]
    votes = mention_votes([d.candidates for d in detections], kinds=kinds)
    ctx = context_from_votes(votes, given=countries)
    # mentions of one name share everything below: rank each name once
    groups = _name_groups(detections)
    reps: dict[int, int] = {}
    for i, g in enumerate(groups):
        reps.setdefault(g, i)
    order = list(reps.values())
    own = {g: (context_from_votes(votes, given=countries, leave_out=i) if votes[i] and votes[i][1] < 1.0 else ctx)
           for g, i in reps.items()}
    cands = {g: detections[i].candidates for g, i in reps.items()}
    base = [base_scores(cands[groups[i]], own[groups[i]], weights) for i in order]
    coh = dict(zip((groups[i] for i in order),
                   coherence([cands[groups[i]] for i in order], base, [groups[i] for i in order], weights)))
    # regions the document names (states, counties) vouch for the places inside them
    regions = []
    anchors = []
    for g, c in cands.items():
        if not c or not (weights.proximity > 0 or any(x.feature.startswith("admin") for x in c)):
            continue
        top = rank(c, own[g], weights, top=1, extra=coh[g])
        if not top:
            continue
        r = top[0]
        if r.feature.startswith("admin") and r.score >= weights.threshold:
            regions.append((r.lat, r.lon, max(r.uncertainty_m, REGION_MIN_RADIUS_M), r.matched))
        if (weights.proximity > 0 and r.feature not in ("country", "continent", "admin1")
                and r.score >= weights.threshold + 0.2):
            anchors.append((r.lat, r.lon))
    regions = sorted(set(regions))
    anchors = sorted(set(anchors))
    resolved: dict[int, Resolution] = {}
    for g, i in reps.items():
        d = detections[i]
        ctx2 = DocumentContext(own[g].countries, anchors, regions)
        ranked = _prefer_city_over_its_region(rank(d.candidates, ctx2, weights, top=4, extra=coh[g]))
        # with no (other) country context, nothing can vouch for a name but the name itself
        threshold = weights.threshold if own[g].countries else weights.threshold - weights.no_context_relief
        best = ranked[0] if ranked and ranked[0].score >= threshold else None
        resolved[g] = Resolution(d, best, tuple(ranked[1:4]))
    # a later mention of a name: its first mention's resolution with its own detection
    return [resolved[g] if i == reps[g] else Resolution(d, resolved[g].best, resolved[g].runner_up)
            for i, (g, d) in enumerate(zip(groups, detections))]


def _name_groups(detections: Sequence[Detection]) -> list[int]:
    """One group id per detection; mentions of the same name share it."""
    from geomap.gazetteer.normalize import normalize

    ids: dict[str, int] = {}
    return [ids.setdefault(normalize(d.mention.text), len(ids)) for d in detections]


#: a named region counts at least this far round its centre (small counties, city districts)
REGION_MIN_RADIUS_M = 15_000.0
#: a city holding at least this share of a same-named region's population stands for the region
CITY_SHARE = 0.5


def _prefer_city_over_its_region(ranked: list[Candidate]) -> list[Candidate]:
    """"Tripoli" is the city, not the Tripoli district that is mostly the city.

    When the best candidate is an administrative region and a same-named populated
    place inside it holds most of its population, the place is meant.
    """
    if len(ranked) < 2 or not ranked[0].feature.startswith("admin"):
        return ranked
    region = ranked[0]
    from geomap.geocoding.rank import great_circle_km

    for i, c in enumerate(ranked[1:], 1):
        if (c.feature == "populated place" and c.population >= CITY_SHARE * region.population
                and great_circle_km(c.lat, c.lon, region.lat, region.lon) * 1000 <= max(region.uncertainty_m, 50_000)):
            return [replace(c, score=region.score), *ranked[:i], *ranked[i + 1:]]
    return ranked
