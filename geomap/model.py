"""Plain data shared by the pipeline stages (no I/O, no heavy imports).

Coordinates: ``lat``/``lon`` are named where humans read them; geometries are
always lon/lat (RFC 7946). Distances carry their unit in the name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

__all__ = ["Article", "Mention", "Candidate", "Place", "Evidence", "Figure", "Event", "Claim",
           "PRECISION_POINT", "PRECISION_AREA", "PRECISION_REGION", "new_candidate", "new_mention", "rescored"]

#: ACLED geo_precision: 1 = a named town or point.
PRECISION_POINT = 1
#: 2 = near / part of a named place: an area with a radius.
PRECISION_AREA = 2
#: 3 = only a larger region (province, country) is known.
PRECISION_REGION = 3


@dataclass(frozen=True)
class Article:
    """One source article, decoded to text."""

    id: str
    path: str
    title: str
    text: str
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Mention:
    """A place name as written: ``article.text[start:end] == text`` always.

    ``sentence`` is the sentence it sits in, for reading: whole, or about
    :data:`geomap.toponyms.SENTENCE_MAX` characters of it around the name when longer (a text with no
    sentence punctuation), cut at spaces and marked "…".
    """

    article_id: str
    start: int
    end: int
    text: str
    sentence: str = ""
    #: "name" for a place name, "demonym" for an adjective of a country ("Tunisian").
    kind: str = "name"


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry that may be meant by a name."""

    name: str
    lat: float
    lon: float
    country_code: str
    feature: str
    population: int
    source_id: str
    score: float = 0.0
    precision: int = PRECISION_POINT
    uncertainty_m: float = 0.0
    matched: str = ""



#: the fields of :class:`Candidate`, in order, as :func:`new_candidate` fills them
_CANDIDATE_FIELDS = ("name", "lat", "lon", "country_code", "feature", "population", "source_id", "score", "precision",
                     "uncertainty_m", "matched")
#: candidates may be made by setting their ``__dict__`` (see :func:`new_candidate`): :class:`Candidate` is still the
#: plain frozen dataclass of these fields, with no ``__post_init__`` and no slots
_DICT_MADE = (tuple(f.name for f in fields(Candidate)) == _CANDIDATE_FIELDS
              and not hasattr(Candidate, "__post_init__") and "__slots__" not in vars(Candidate))


def _candidate_factory() -> Callable[..., Candidate]:
    """``Candidate(*fields)``, made without the frozen dataclass's eleven ``object.__setattr__`` calls.

    The instance gets the very ``__dict__`` its ``__init__`` would give it (same keys, same
    order), so it is equal, hashes and prints alike. Should :class:`Candidate` ever gain a
    field, a ``__post_init__`` or slots, the plain constructor is used instead.
    """
    if not _DICT_MADE:
        return Candidate
    new, set_dict = object.__new__, object.__setattr__

    def make(name: str, lat: float, lon: float, country_code: str, feature: str, population: int, source_id: str,
             score: float, precision: int, uncertainty_m: float, matched: str) -> Candidate:
        c = new(Candidate)
        set_dict(c, "__dict__", {"name": name, "lat": lat, "lon": lon, "country_code": country_code,
                                 "feature": feature, "population": population, "source_id": source_id,
                                 "score": score, "precision": precision, "uncertainty_m": uncertainty_m,
                                 "matched": matched})
        return c

    return make


new_candidate = _candidate_factory()


def _made_by_dict(cls: type, names: tuple[str, ...]) -> bool:
    """Whether instances of dataclass ``cls`` may be made by setting their ``__dict__``: its fields are
    ``names`` in that order, all set by ``__init__``, and it has no ``__post_init__`` and no slots."""
    return (tuple(f.name for f in fields(cls)) == names and all(f.init for f in fields(cls))
            and not hasattr(cls, "__post_init__") and "__slots__" not in vars(cls))


def _mention_factory() -> Callable[..., Mention]:
    """``Mention(...)`` (positional fields), made as :func:`new_candidate` makes candidates: the same ``__dict__``
    (keys in field order) without the frozen dataclass's ``object.__setattr__`` per field."""
    if not _made_by_dict(Mention, ("article_id", "start", "end", "text", "sentence", "kind")):
        return Mention
    new, set_dict = object.__new__, object.__setattr__

    def make(article_id: str, start: int, end: int, text: str, sentence: str = "", kind: str = "name") -> Mention:
        m = new(Mention)
        set_dict(m, "__dict__", {"article_id": article_id, "start": start, "end": end, "text": text,
                                 "sentence": sentence, "kind": kind})
        return m

    return make


new_mention = _mention_factory()


def rescored(c: Candidate, score: float) -> Candidate:
    """``dataclasses.replace(c, score=score)``, made as :func:`new_candidate` makes candidates.

    Parameters
    ----------
    c : Candidate
        A candidate made by its constructor or by :func:`new_candidate`.
    score : float
        The new score.

    Returns
    -------
    Candidate
        Equal to ``replace(c, score=score)``, with the same ``__dict__`` (keys in field order).
    """
    if not _DICT_MADE:
        return replace(c, score=score)
    values = c.__dict__.copy()  # the same keys in the same order; faster than {**c.__dict__, "score": score}
    values["score"] = score
    out = object.__new__(Candidate)
    object.__setattr__(out, "__dict__", values)
    return out


@dataclass
class Place:
    """A resolved place with every mention of it across the articles."""

    canonical_name: str
    lat: float
    lon: float
    country_code: str
    feature: str
    precision: int
    uncertainty_m: float
    source_id: str
    method: str
    score: float
    mentions: list[Mention] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name as first written in the articles (canonical name if none)."""
        return self.mentions[0].text if self.mentions else self.canonical_name


@dataclass(frozen=True)
class Evidence:
    """Where an attribute comes from: ``quote == article.text[start:end]``, always (the exact span)."""

    article_id: str
    start: int
    end: int
    quote: str
    #: what the span supports: "date", "type", "actor", "location", "figure", ...
    role: str = ""


@dataclass(frozen=True)
class Figure:
    """One reported number of people: ``group`` × ``kind``, with the hedge as ``qualifier``.

    ``quote == article.text[start:end]`` is the exact phrase ("at least 35 militants");
    ``sentence`` is the sentence it sits in, for reading (whole, or a window of it around the phrase, as
    for a :class:`Mention`).
    """

    group: str  # militants | security_forces | civilians | total | unspecified
    kind: str  # killed | wounded | captured | arrested
    value: int
    qualifier: str  # exact | at_least | at_most | about | more_than | fewer_than | approximate_range
    article_id: str
    start: int
    end: int
    quote: str
    high: int | None = None
    sentence: str = ""
    #: a part of a larger figure ("a 12-year-old was among the civilians killed"): not added to totals
    partial: bool = False


@dataclass
class Event:
    """One event: reported by one article, or consolidated across several.

    Dates are ISO strings; ``date_start``..``date_end`` is the window the text allows and
    ``time_precision`` ACLED's (1 day, 2 week / a few days, 3 month or more).
    ``place`` is the resolved place the text ties the event to (``None`` if none).
    """

    event_type: str
    sub_event_type: str
    date: str | None
    date_start: str | None
    date_end: str | None
    time_precision: int
    place: Place | None
    location: str
    geo_precision: int
    uncertainty_m: float
    actors: list[str] = field(default_factory=list)
    actor1: str = ""
    actor2: str = ""
    figures: list[Figure] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    id: str = ""
    lat: float | None = None
    lon: float | None = None
    country_code: str = ""
    country: str = ""
    admin1: str = ""


@dataclass(frozen=True)
class Claim:
    """A quantitative geographic statement of an article, checked against the geometry.

    ``quote == article.text[start:end]``. ``computed_km`` is ``None`` when the subject or the
    object could not be placed (verdict ``"unverifiable"``). ``sentence`` is the sentence it sits in
    (whole, or a window of it around the claim, as for a :class:`Mention`).
    """

    claim_id: str
    article_id: str
    start: int
    end: int
    quote: str
    kind: str  # distance | length
    subject: str
    object: str
    stated_value: float
    stated_unit: str
    stated_km: float
    qualifier: str
    computed_km: float | None
    difference_km: float | None
    tolerance_km: float
    verdict: str  # consistent | inconsistent | unverifiable
    method: str
    #: the line drawn for the claim (lon/lat shapely geometry), or None
    geometry: object | None = None
    sentence: str = ""
