"""Plain data shared by the pipeline stages (no I/O, no heavy imports).

Coordinates: ``lat``/``lon`` are named where humans read them; geometries are
always lon/lat (RFC 7946). Distances carry their unit in the name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Article", "Mention", "Candidate", "Place", "PRECISION_POINT", "PRECISION_AREA", "PRECISION_REGION"]

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
    """A place name as written: ``article.text[start:end] == text`` always."""

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
