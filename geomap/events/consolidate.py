"""Reports of one event across articles become one event, with every source's figures kept.

Two reports are of the same event when (all three):

* **dates**: both day-precise and the same day; or their windows overlap when one is
  coarser (a week, a month); undated reports join only an undated or dated report of a
  non-violent development of the same kind at the same place (the barrier's completion);
* **places**: within ``max(10 km, r1 + r2)`` of each other (geodesic; ``r`` the
  uncertainty radius of each place), or in the same country when one is only a country;
* **types**: the same ACLED type, or battle and violence against civilians (the same
  attack is told both ways); strategic developments only with the same sub-type.

Merging is complete-linkage (a report joins a group only if it matches every report in
it), in a fixed order, so the result does not depend on the order of the articles.

The headline ``fatalities`` follows ACLED: the **lowest** total any source reports. A
source's total is the largest of its stated totals ("16 people had been killed") and the
sum of its per-group figures (each group's largest figure; parts of a larger figure,
"two security agents were among the dead", are not added). ``fatalities_min`` /
``fatalities_max`` are the range over sources; every figure stays in ``figures``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from geomap import measure
from geomap.events.actors import ActorMention
from geomap.events.extract import EventMention
from geomap.model import Event, Figure

__all__ = ["same_event", "consolidate", "source_totals", "headline", "NEAR_KM", "FATAL_GROUPS"]

#: two places closer than this are "the same place" whatever their precision (km)
NEAR_KM = 10.0
#: groups whose deaths add up to a source's total
FATAL_GROUPS = ("militants", "security_forces", "civilians", "unspecified")
_ATTACK_FAMILY = {"Battles", "Violence against civilians"}


def _window(m: EventMention) -> tuple[date, date] | None:
    return (m.date.start_date, m.date.end_date) if m.date is not None else None


def _types_match(a: EventMention, b: EventMention) -> bool:
    if a.event_type == b.event_type == "Strategic developments":
        return a.sub_event_type == b.sub_event_type
    if a.event_type == b.event_type:
        return a.event_type != "Explosions/Remote violence" or a.sub_event_type == b.sub_event_type
    return {a.event_type, b.event_type} <= _ATTACK_FAMILY


def _places_match(a: EventMention, b: EventMention) -> bool:
    if a.place is None or b.place is None:
        return a.place is None and b.place is None
    if a.place.source_id == b.place.source_id:
        return True
    if a.geo_precision >= 3 or b.geo_precision >= 3:
        return a.place.country_code == b.place.country_code
    km = float(measure.distance_m(a.place.lat, a.place.lon, b.place.lat, b.place.lon)) / 1000
    return km <= max(NEAR_KM, (a.uncertainty_m + b.uncertainty_m) / 1000)


def same_event(a: EventMention, b: EventMention) -> bool:
    """Whether two reports are of the same event (see the module docstring)."""
    if not (_types_match(a, b) and _places_match(a, b)):
        return False
    wa, wb = _window(a), _window(b)
    if wa is None or wb is None:
        if wa is None and wb is None:
            return a.place is not None and b.place is not None and a.place.source_id == b.place.source_id
        return (not a.violent and a.sub_event_type == b.sub_event_type and a.place is not None
                and b.place is not None and a.place.source_id == b.place.source_id)
    if a.date.precision == 1 and b.date.precision == 1:
        return wa[0] == wb[0]
    return wa[0] <= wb[1] and wb[0] <= wa[1]


def source_totals(figures: Sequence[Figure]) -> dict[str, int]:
    """Each source's total killed (see the module docstring), by article id.

    Examples
    --------
    >>> f = lambda g, v, a="a", partial=False: Figure(g, "killed", v, "exact", a, 0, 1, "x", partial=partial)
    >>> source_totals([f("militants", 10), f("civilians", 5), f("security_forces", 1), f("total", 16),
    ...                f("security_forces", 2, partial=True), f("total", 55, "b")])
    {'a': 16, 'b': 55}
    """
    out: dict[str, int] = {}
    for art in sorted({f.article_id for f in figures}):
        killed = [f for f in figures if f.article_id == art and f.kind == "killed" and not f.partial]
        if not killed:
            continue
        stated = max((f.value for f in killed if f.group == "total"), default=0)
        per_group = sum(max((f.value for f in killed if f.group == g), default=0) for g in FATAL_GROUPS)
        out[art] = max(stated, per_group)
    return out


def headline(figures: Sequence[Figure]) -> tuple[int | None, int | None, int | None]:
    """``(fatalities, fatalities_min, fatalities_max)``: ACLED's lowest reported total, and the range."""
    totals = source_totals(figures)
    if not totals:
        return None, None, None
    return min(totals.values()), min(totals.values()), max(totals.values())


def _final_type(m: EventMention) -> tuple[str, str]:
    """An attack on civilian targets only, with no armed victims, is violence against civilians."""
    if m.event_type == "Battles" and m.target_civilian and not m.target_armed:
        victims = {f.group for f in m.figures if f.kind == "killed"}
        if victims <= {"civilians", "total", "unspecified"}:
            return "Violence against civilians", "Attack"
    return m.event_type, m.sub_event_type


def consolidate(
    mentions: Sequence[EventMention],
    *,
    country_names: Mapping[str, tuple[str, str]] | None = None,
    admin1: Callable[[float, float, str], str] | None = None,
) -> list[Event]:
    """Merge the articles' events into consolidated events with ACLED-style ids.

    Parameters
    ----------
    mentions : sequence of EventMention
        Every article's events (after :func:`geomap.events.extract.link_mentions`).
    country_names : mapping, optional
        ISO alpha-2 → ``(name, iso_a3)`` for country columns, actor names and ids.
    admin1 : callable, optional
        ``admin1(lat, lon, iso_a2) -> name`` of the first-level region.

    Returns
    -------
    list of Event
        Sorted by date (undated last), then place and type; ``id`` is the ISO alpha-3
        code and a running number ("TUN1").
    """
    country_names = country_names or {}
    for m in mentions:
        m.event_type, m.sub_event_type = _final_type(m)
    order = sorted(range(len(mentions)), key=lambda i: (
        mentions[i].date.precision if mentions[i].date else 9, mentions[i].article_id, mentions[i].start))
    groups: list[list[int]] = []
    for i in order:
        for g in groups:
            if all(same_event(mentions[i], mentions[j]) for j in g):
                g.append(i)
                break
        else:
            groups.append([i])
    events = [_event([mentions[i] for i in sorted(g, key=lambda i: (mentions[i].article_id, mentions[i].start))],
                     country_names, admin1) for g in groups]
    events.sort(key=lambda e: (e.date is None, e.date or "", e.country_code, e.location, e.event_type,
                               e.sub_event_type, e.sources))
    counters: Counter[str] = Counter()
    for e in events:
        iso3 = country_names.get(e.country_code, ("", e.country_code or "XXX"))[1] or "XXX"
        counters[iso3] += 1
        e.id = f"{iso3}{counters[iso3]}"
    return events


def _event(ms: list[EventMention], country_names, admin1) -> Event:
    dated = [m for m in ms if m.date is not None]
    date_str = start = end = None
    precision = 3
    if dated:
        precision = min(m.date.precision for m in dated)
        width = min((m.date.end_date - m.date.start_date).days for m in dated if m.date.precision == precision)
        finest = [m for m in dated if m.date.precision == precision
                  and (m.date.end_date - m.date.start_date).days == width]
        votes = Counter(m.date.date.isoformat() for m in finest)
        date_str = min(votes, key=lambda d: (-votes[d], d))
        lo = max(m.date.start_date for m in dated)
        hi = min(m.date.end_date for m in dated)
        if lo > hi:
            lo, hi = min(m.date.start_date for m in dated), max(m.date.end_date for m in dated)
        start, end = lo.isoformat(), hi.isoformat()
    placed = [m for m in ms if m.place is not None]
    best = min(placed, key=lambda m: (m.geo_precision, m.place_inherited, m.uncertainty_m, m.article_id, m.start)) \
        if placed else None
    types = Counter((m.event_type, m.sub_event_type) for m in ms)
    strongest = max(ms, key=lambda m: (m.violent, m.strength))
    etype, sub = min(types, key=lambda t: (-types[t], t != (strongest.event_type, strongest.sub_event_type), t))
    cc = best.place.country_code if best is not None else ""
    cname = country_names.get(cc, (cc, ""))[0]
    figures: list[Figure] = []
    seen = set()
    for m in ms:
        for f in m.figures:
            key = (f.article_id, f.start, f.end, f.kind)
            if key not in seen:
                seen.add(key)
                figures.append(f)
    figures.sort(key=lambda f: (f.article_id, f.start, f.kind))
    actors_all = [a for m in ms for a in m.actors]
    actor1, actor2, actors = _actors(actors_all, etype, sub, cname, country_names)
    location = _written_name(best.place) if best is not None else ""
    if best is not None and best.relation and best.geo_precision == 2 and best.place.precision < 2:
        location = f"{best.relation} {location}"
    evidence = sorted({(e.article_id, e.start, e.end, e.quote, e.role): e for m in ms for e in m.evidence}.values(),
                      key=lambda e: (e.article_id, e.start, e.role))
    notes: list[str] = []
    for m in ms:
        for n in m.notes:
            tagged = f"{m.article_id}: {n}"
            if tagged not in notes:
                notes.append(tagged)
    sources = sorted({m.article_id for m in ms})
    lat = best.place.lat if best is not None else None
    lon = best.place.lon if best is not None else None
    return Event(
        event_type=etype, sub_event_type=sub, date=date_str, date_start=start, date_end=end,
        time_precision=precision, place=best.place if best else None, location=location,
        geo_precision=best.geo_precision if best else 3, uncertainty_m=best.uncertainty_m if best else 0.0,
        actors=actors, actor1=actor1, actor2=actor2, figures=figures, evidence=evidence, sources=sources,
        notes=notes, lat=lat, lon=lon, country_code=cc, country=cname,
        admin1=admin1(lat, lon, cc) if admin1 is not None and lat is not None and best.geo_precision < 3 else "",
    )


def _written_name(place) -> str:
    """The place's name as the articles write it most often ("Ben Guerdane", not GeoNames' "Ben Gardane")."""
    names = Counter(m.text for m in place.mentions if m.kind == "name")
    return min(names, key=lambda n: (-names[n], n)) if names else place.canonical_name


def _actors(mentions: Sequence[ActorMention], etype: str, sub: str, cname: str,
            country_names) -> tuple[str, str, list[str]]:
    """ACLED actor1/actor2 and every actor named (aliases merged)."""
    names: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for a in mentions:
        if a.kind == "civilians" and etype != "Violence against civilians":
            continue
        name = a.completed(cname or None)
        names[name] += 1
        kinds.setdefault(name, a.kind)
    groups = [n for n in names if kinds[n] == "group"]
    if groups:  # a named group makes "militants" that group, not an unidentified one
        for n in [n for n in names if kinds[n] == "armed"]:
            del names[n]
    ranked = sorted(names, key=lambda n: (-names[n], n))
    nonstate = [n for n in ranked if kinds[n] in ("group", "armed", "militia")]
    state = [n for n in ranked if kinds[n] in ("military", "police")]
    if sub == "Arrests":  # arrests are police work unless the text says otherwise
        state.sort(key=lambda n: kinds[n] != "police")
    civilians = [n for n in ranked if kinds[n] == "civilians"]
    if etype == "Violence against civilians":
        first, second = nonstate[:1], civilians[:1] or state[:1]
    elif etype == "Explosions/Remote violence" or etype == "Strategic developments":
        first, second = state[:1], nonstate[:1]
    else:
        first, second = nonstate[:1], state[:1]
        if not first:
            first, second = state[:1], state[1:2]
    actor1 = (first or [""])[0]
    actor2 = (second or [""])[0]
    if not actor1 and actor2:
        actor1, actor2 = actor2, ""
    return actor1, actor2, sorted(names)
