"""The geoparsing engine's public face: text in, resolved toponyms out.

>>> from geomap import geoparse                                    # doctest: +SKIP
>>> [(t.text, t.place.name) for t in geoparse("Clashes in Ben Guerdane, Tunisia.")]  # doctest: +SKIP
[('Ben Guerdane', 'Ben Gardane'), ('Tunisia', 'Tunisia')]

Detection is :mod:`geomap.toponyms`; resolution is :mod:`geomap.geocoding`. This
module joins them and offers :func:`resolve_spans` for text whose toponym spans are
already known (gold spans in evaluation, or an analyst's own annotations).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from geomap.gazetteer import Gazetteer, default_gazetteer
from geomap.gazetteer.normalize import fold, normalize, strip_designation
from geomap.geocoding import Resolution, Weights, joins, resolve_detections
from geomap.model import PRECISION_AREA, PRECISION_REGION, Article, Candidate, Mention, _made_by_dict
from geomap.toponyms import (NAME_TOWN_POPULATION, Detection, designate_listed, find_mentions, sentence_at,
                             sentence_spans)

__all__ = ["Toponym", "geoparse", "resolve_spans", "on_focus", "geoparse_frame", "relative_locations"]


@dataclass(frozen=True)
class Toponym:
    """One place mention with its resolution.

    Attributes
    ----------
    start, end : int
        Character offsets: ``text[start:end] == text_``.
    text : str
        The name as written.
    kind : str
        ``"name"`` or ``"demonym"`` ("Tunisian" → Tunisia).
    place : Candidate or None
        The chosen gazetteer entry; ``None`` when no candidate is good enough.
    score : float
        The chosen candidate's final score (0 when unresolved).
    precision : int or None
        ACLED geo_precision of the place: 1 point, 2 area, 3 region.
    runner_up : tuple of Candidate
        The next candidates, best first.
    """

    start: int
    end: int
    text: str
    kind: str = "name"
    place: Candidate | None = None
    score: float = 0.0
    precision: int | None = None
    runner_up: tuple[Candidate, ...] = field(default_factory=tuple)

    @property
    def lat(self) -> float | None:
        """Latitude of the resolved place."""
        return self.place.lat if self.place else None

    @property
    def lon(self) -> float | None:
        """Longitude of the resolved place."""
        return self.place.lon if self.place else None


def _toponym_factory() -> Callable[..., Toponym]:
    """``Toponym(...)`` with all eight fields given positionally, made as :func:`~geomap.model.new_candidate`
    makes candidates (the same ``__dict__``, without the frozen dataclass's ``object.__setattr__`` per field)."""
    if not _made_by_dict(Toponym, ("start", "end", "text", "kind", "place", "score", "precision", "runner_up")):
        return Toponym
    new, set_dict = object.__new__, object.__setattr__

    def make(start: int, end: int, text: str, kind: str, place: Candidate | None, score: float,
             precision: int | None, runner_up: tuple[Candidate, ...]) -> Toponym:
        t = new(Toponym)
        set_dict(t, "__dict__", {"start": start, "end": end, "text": text, "kind": kind, "place": place,
                                 "score": score, "precision": precision, "runner_up": runner_up})
        return t

    return make


_new_toponym = _toponym_factory()


def _toponyms(resolutions: Sequence[Resolution], keep_unresolved: bool = True) -> list[Toponym]:
    """A toponym per resolution (per resolved one only, unless ``keep_unresolved``), in the same order."""
    out = []
    for r in resolutions:
        b = r.best
        if b is None and not keep_unresolved:
            continue
        m = r.detection.mention
        out.append(_new_toponym(m.start, m.end, m.text, m.kind, b, b.score if b else 0.0, b.precision if b else None,
                           r.runner_up))
    return out


def _context(context: Sequence[str] | str | None) -> tuple[str, ...]:
    if context is None:
        return ()
    if isinstance(context, str):
        context = context.split(",")
    return tuple(c.strip().upper() for c in context if c.strip())


def geoparse(
    text: str,
    *,
    context: Sequence[str] | str | None = None,
    gazetteer: Gazetteer | None = None,
    weights: Weights = Weights(),
    keep_unresolved: bool = False,
) -> list[Toponym]:
    """Find and resolve every place mention in ``text``.

    Parameters
    ----------
    text : str
        English news text.
    context : sequence of str or str, optional
        ISO alpha-2 codes of countries the text is known to be about ("TN,LY").
    gazetteer : Gazetteer, optional
        The shared default gazetteer when omitted.
    weights : Weights
        Ranking weights.
    keep_unresolved : bool
        Also return the mentions whose candidates all scored below the threshold
        (``place=None``): names that look like places but that geomap could not place.

    Returns
    -------
    list of Toponym
        In text order.

    Examples
    --------
    >>> geoparse("")
    []
    """
    if not text or not text.strip():
        return []
    gaz = gazetteer or default_gazetteer()
    article = Article(id="text", path="", title="", text=text)
    return _toponyms(resolve_detections(find_mentions(article, gaz), countries=_context(context), weights=weights,
                                        text=text), keep_unresolved)


def resolve_spans(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    context: Sequence[str] | str | None = None,
    gazetteer: Gazetteer | None = None,
    weights: Weights = Weights(),
) -> list[Toponym]:
    """Resolve toponyms whose spans are already known (e.g. gold annotations).

    Parameters
    ----------
    text : str
        The document.
    spans : sequence of (start, end)
        Character offsets of the toponyms.

    Returns
    -------
    list of Toponym
        One per span, in the given order. The spans are known to be toponyms, so the
        best candidate is taken whatever its score; but a name the gazetteer does not
        hold (only fuzzy matches, or none) is placed on the story's focus as an area
        (see :func:`on_focus`). A span is unresolved only when neither exists.
    """
    gaz = gazetteer or default_gazetteer()
    sents = sentence_spans(text)
    demonyms = gaz.demonyms()
    detections = []
    for start, end in spans:
        name = text[start:end]
        key = fold(name)
        cc = demonyms.get(key) or (demonyms.get(key[:-1]) if key.endswith("s") else None)
        if cc:
            cands = [c for c in gaz.lookup(gaz.countries[cc].name) if c.source_id == f"country:{cc}"]
            kind = "demonym"
        else:
            cands = gaz.lookup(name, fuzzy=True)
            kind = "name"
            if not any(c.score >= 1.0 for c in cands):
                cands = _designated(gaz, name) or cands
        detections.append(Detection(Mention("text", start, end, name, sentence_at(text, sents, start, end), kind), cands))
    detections = designate_listed(text, detections, gaz.lookup)
    # the spans are known to be toponyms: take the best candidate even below the detection threshold
    # a region or country right after a span qualifies it even when it is no given span itself
    # ("Washington" in "Washington, D.C." when only "Washington" is one)
    extra = [d for d in find_mentions(Article(id="text", path="", title="", text=text), gaz)
             if not any(s < d.mention.end and d.mention.start < e for s, e in spans)
             and any(joins(text, e, d.mention.start) for _, e in spans)]
    resolved = resolve_detections(detections + extra, countries=_context(context),
                                  weights=replace(weights, threshold=-1e9), text=text)
    return on_focus(_toponyms(resolved[:len(detections)]), weights.threshold)


#: how far from the story's focus a name no gazetteer places is taken to lie
FOCUS_RADIUS_M = 50_000.0
#: the score of a name placed on the story's focus: a guess, below any threshold
FOCUS_SCORE = 0.5


def on_focus(toponyms: Sequence[Toponym], threshold: float) -> list[Toponym]:
    """Place the toponyms nothing places well on the story's focus, as areas.

    A name the gazetteer does not hold ("Kibera", "Abu Shok") finds at best a fuzzy match,
    often on another continent (Qibray, Uzbekistan), or a small namesake town elsewhere.
    A name it holds as a country, a continent or a town of :data:`NAME_TOWN_POPULATION` or
    more is left to the ranking, however low it scores ("Cancun" in a story about Texas). When the name is known to be a
    place (a given span), the likeliest position is where the story is: the place it
    names most often among those it names confidently (score ≥ 1) that are not
    countries or continents, the first named on a tie — the name's own mentions left out.

    Parameters
    ----------
    toponyms : sequence of Toponym
        One document's resolved toponyms.
    threshold : float
        A name (not a demonym) that is unresolved, or scores below this without matching a
        gazetteer name exactly or with the name of a smaller town, is placed on the focus
        when the story has one.

    Returns
    -------
    list of Toponym
        The same toponyms; those placed on the focus carry the focus place with
        precision 2 (a town's surroundings) or 3 (a region), an uncertainty of at least
        :data:`FOCUS_RADIUS_M`, score :data:`FOCUS_SCORE`, and their own candidates as
        runners-up.
    """
    weak = {t.text for t in toponyms if t.kind == "name" and (t.place is None or (
        t.score < threshold and t.place.feature not in ("country", "continent")
        and (t.place.matched != normalize(t.text)
             or (t.place.feature == "populated place" and t.place.population < NAME_TOWN_POPULATION))))}
    if not weak:
        return list(toponyms)
    focus: dict[str, Candidate | None] = {}
    for name in weak:
        counts: dict[str, int] = {}
        places: dict[str, Candidate] = {}
        for t in toponyms:
            p = t.place
            if (t.text != name and p is not None and t.score >= 1.0
                    and p.feature not in ("country", "continent")):
                counts[p.source_id] = counts.get(p.source_id, 0) + 1
                places.setdefault(p.source_id, p)
        if counts:
            top = max(counts.values())
            focus[name] = next(places[k] for k in places if counts[k] == top)  # the first named of the most named
        else:
            focus[name] = None
    out = []
    for t in toponyms:
        f = focus.get(t.text) if t.text in weak else None
        if f is None:
            out.append(t)
            continue
        precision = PRECISION_AREA if f.feature == "populated place" else PRECISION_REGION
        place = replace(f, score=FOCUS_SCORE, precision=max(f.precision, precision),
                        uncertainty_m=max(f.uncertainty_m, FOCUS_RADIUS_M))
        runners = ((t.place,) if t.place is not None else ()) + tuple(t.runner_up)
        out.append(Toponym(t.start, t.end, t.text, t.kind, place, FOCUS_SCORE, place.precision, runners[:3]))
    return out


#: the match score of a place standing in for the designated feature named after it
DESIGNATED_MATCH = 0.6


def _designated(gaz: Gazetteer, name: str) -> list[Candidate]:
    """Candidates for a designated feature no gazetteer lists ("Neches River", "Lake Lanier", "Hamilton
    Township") from its proper name alone, as areas: the place it is named after lies near it."""
    rest = strip_designation(name)
    if not rest:
        return []
    cands = [c for c in gaz.lookup(rest) if c.score >= 1.0]
    if name.lower().endswith((" province", " prefecture")):  # "Akita Prefecture": the prefecture, not its capital
        cands = [c for c in cands if c.feature.startswith("admin")] or cands
    # scored as a fuzzy match: a guess that lends no support to the document's other names
    return [replace(c, precision=max(c.precision, PRECISION_AREA), score=DESIGNATED_MATCH) for c in cands]


def geoparse_frame(text: str, **kwargs):
    """:func:`geoparse` as a GeoDataFrame (EPSG:4326) of the resolved toponyms, for notebooks.

    Columns: ``start, end, text, kind, name, country_code, feature, precision, score, source_id``
    and a Point geometry; unresolved toponyms are left out.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    rows = [
        {"start": t.start, "end": t.end, "text": t.text, "kind": t.kind, "name": t.place.name,
         "country_code": t.place.country_code, "feature": t.place.feature, "precision": t.precision,
         "score": t.score, "source_id": t.place.source_id, "geometry": Point(t.place.lon, t.place.lat)}
        for t in geoparse(text, **kwargs) if t.place
    ]
    cols = ["start", "end", "text", "kind", "name", "country_code", "feature", "precision", "score", "source_id",
            "geometry"]
    return gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs="EPSG:4326")


def relative_locations(text: str, toponyms: Sequence[Toponym] | None = None, **kwargs) -> list:
    """Areas the text describes relative to its places ("5 km from X", "near the Libyan border").

    Parameters
    ----------
    text : str
        The document.
    toponyms : sequence of Toponym, optional
        Its resolved toponyms; :func:`geoparse` is run when omitted (``kwargs`` go to it).

    Returns
    -------
    list of geomap.geocoding.relative.RelativeLocation
        Each with a centre, a radius in metres, ACLED precision 2 or 3, and the phrase.
    """
    from geomap.geocoding.relative import find_relative

    if toponyms is None:
        toponyms = geoparse(text, **kwargs)
    return find_relative(text, toponyms)
