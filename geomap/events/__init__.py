"""The events stage: events and claims from the articles and the places already resolved.

This package never geocodes: it receives the articles and the places the geoparsing
stage resolved (with their mentions) and reads the text around them.

* :mod:`~geomap.events.quantities` — number words and hedges ("at least 35", "dozens").
* :mod:`~geomap.events.dates` — an article's reference date and relative dates.
* :mod:`~geomap.events.actors` — actors with aliases merged (IS = ISIS = Daesh).
* :mod:`~geomap.events.figures` — killed / wounded / captured / arrested by group.
* :mod:`~geomap.events.extract` — events of one article, each attribute with its words.
* :mod:`~geomap.events.consolidate` — one event per happening across articles; ACLED's headline.
* :mod:`~geomap.events.claims` — distances and lengths the articles state, checked against the geometry.

:func:`extract_events` runs the first five over a collection of articles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from geomap.events.consolidate import consolidate, headline, source_totals
from geomap.events.dates import Anchor, infer_anchor, latest_anchor
from geomap.events.extract import EventMention, article_mentions, link_mentions
from geomap.model import Article, Event, Place

__all__ = ["EventsResult", "extract_events", "article_anchors", "consolidate", "headline", "source_totals"]


@dataclass
class EventsResult:
    """What :func:`extract_events` found: the consolidated events, each article's anchor, problems."""

    events: list[Event]
    anchors: dict[str, Anchor | None]
    mentions: list[EventMention] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def article_anchors(articles: Sequence[Article], default_date: date | None = None) -> dict[str, Anchor | None]:
    """Each article's reference date: its own (metadata, text, ``--date``), else the collection's.

    An article that gives no date borrows the latest date of the others (basis
    ``"collection"``), so that its "Monday" and "last month" can be read; its events
    with no date expression of their own stay undated.
    """
    own = {a.id: infer_anchor(a.text, metadata=a.date, default=default_date, article_id=a.id) for a in articles}
    shared = latest_anchor(list(own.values()))
    out: dict[str, Anchor | None] = {}
    for a in articles:
        if own[a.id] is not None:
            out[a.id] = own[a.id]
        elif shared is not None:
            out[a.id] = Anchor(shared.date, "collection", shared.quote, None, None, shared.article_id)
        else:
            out[a.id] = None
    return out


def extract_events(
    articles: Sequence[Article],
    places: Sequence[Place],
    *,
    default_date: date | None = None,
    country_names: Mapping[str, tuple[str, str]] | None = None,
    admin1: Callable[[float, float, str], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EventsResult:
    """Events of every article, consolidated across articles.

    Parameters
    ----------
    articles : sequence of Article
        The articles.
    places : sequence of Place
        The resolved places with their mentions (from the geoparsing stage).
    default_date : date, optional
        The date of articles whose metadata and text give none (``geomap build --date``).
    country_names : mapping, optional
        ISO alpha-2 → ``(name, iso_a3)``.
    admin1 : callable, optional
        ``admin1(lat, lon, iso_a2) -> name`` of the first-level region.
    progress : callable, optional
        ``progress(done, total)`` after each article.

    Returns
    -------
    EventsResult
        A failing article is reported in ``problems`` as ``(article_id, message)`` and skipped.
    """
    anchors = article_anchors(articles, default_date)
    mentions: list[EventMention] = []
    problems: list[tuple[str, str]] = []
    for i, art in enumerate(articles):
        try:
            found = article_mentions(art, places, anchors[art.id])
            mentions.extend(link_mentions(found, anchors[art.id], art, places))
        except Exception as exc:  # one bad article must not lose the others
            problems.append((art.id, f"event extraction failed ({type(exc).__name__}: {exc}); article skipped"))
        if progress:
            progress(i + 1, len(articles))
    events = consolidate(mentions, country_names=country_names, admin1=admin1)
    return EventsResult(events, anchors, mentions, problems)
