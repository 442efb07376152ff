"""Events of one article: what happened, when, where, who, how many — each tied to its words.

Pure computation over an article and the places the geoparsing stage resolved in it
(nothing is geocoded here). Steps:

1. **Sentences with an event trigger** ("air strike", "clashes", "attack", "killed",
   "arrested", "found three arms caches", "completion of ... barrier"); a trigger after a
   modal or a plan ("would", "planning", "to avenge") is not an event. The strongest
   trigger types the event in ACLED's taxonomy; an attack on civilian targets only
   (tourists, a museum, a beach) is *Violence against civilians*.
2. **Date**: the date expression nearest the trigger (:mod:`geomap.events.dates`).
3. **Place**: the resolved place nearest the trigger (a town before a country);
   "near/outside/on the outskirts of X" makes it an area around X (ACLED precision 2);
   "the town" is the last town named; with none, the place of the event told just before.
4. **Figures** (:mod:`geomap.events.figures`) and **actors** (:mod:`geomap.events.actors`).
5. **Within the article**, a sentence with no date joins the dated event at the same
   place (the most recent one), or, with no place either, the event told just before it.
   A sentence naming several places under one plural trigger ("the Bardo and Sousse
   attacks") gives one event per place.

Every attribute keeps its evidence: ``Evidence(article_id, start, end, quote)`` with
``quote == article.text[start:end]`` (the exact words: the trigger, the date phrase, the
place name, the actor); figures carry their exact noun phrase and their sentence (whole, or a
window of it around the phrase when it is very long: :func:`geomap.toponyms.sentence_window`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from geomap.events.actors import ActorMention, find_actors
from geomap.events.dates import Anchor, DateSpan, find_dates
from geomap.events.figures import find_figures
from geomap.model import PRECISION_AREA, Article, Evidence, Figure, Place
from geomap.toponyms import sentence_spans

__all__ = ["EventMention", "TRIGGERS", "article_mentions", "link_mentions"]

#: (regex, event_type, sub_event_type, strength) — the strongest trigger of a sentence types it
TRIGGERS: list[tuple[re.Pattern[str], str, str, int]] = [(re.compile(p, re.IGNORECASE), t, s, k) for p, t, s, k in [
    (r"\b(?:air[\s-]?strikes?|airstrikes?|air\s+raids?|drone\s+strikes?|aerial\s+bombardments?|(?:US|U\.S\.|American)\s+bombing|bombing\s+raids?)\b",
     "Explosions/Remote violence", "Air/drone strike", 90),
    (r"\bsuicide\s+(?:bomb(?:ing|er)?s?|attacks?|blasts?)\b", "Explosions/Remote violence", "Suicide bomb", 85),
    (r"\b(?:roadside\s+bombs?|IEDs?|landmines?|car\s+bombs?|explosive\s+devices?|bomb\s+attacks?|explosions?|blasts?)\b",
     "Explosions/Remote violence", "Remote explosive/landmine/IED", 80),
    (r"\b(?:shelling|mortar\s+fire|rocket\s+fire|artillery)\b", "Explosions/Remote violence",
     "Shelling/artillery/missile attack", 75),
    (r"\bmassacres?\b", "Violence against civilians", "Attack", 70),
    (r"\b(?:clash(?:es|ed)?|firefights?|gun\s*battles?|fighting|fight|battles?|exchange\s+of\s+fire|shoot-?outs?|"
     r"skirmish(?:es)?)\b", "Battles", "Armed clash", 60),
    (r"\b(?:attacks?|attacked|assaults?|raids?|stormed|offensive|incursions?|ambush(?:ed|es)?|gunmen\s+opened\s+fire)\b",
     "Battles", "Armed clash", 55),
    (r"\b(?:killed|killing|died|murdered|shot\s+dead|wounded|injured)\b", "Battles", "Armed clash", 40),
    (r"\b(?:arrest(?:ed|s)?|detain(?:ed)?|detention|rounded\s+up|apprehended|captured)\b", "Strategic developments",
     "Arrests", 30),
    (r"\b(?:found|seized|discovered|recovered|uncovered|confiscated|dismantled)\b(?:\s+\S+){0,3}?\s+"
     r"(?:arms|weapons?|explosives|ammunition|caches?)\b|\b(?:arms|weapons?)\s+caches?\b",
     "Strategic developments", "Disrupted weapons use", 35),
    (r"\b(?:complet(?:ed|ion)|built|erected|construct(?:ed|ion)|finished|dug)\b(?:\s+\S+){0,8}?\s+"
     r"(?:barrier|wall|trench|berm|fence)\b|\b(?:barrier|wall|trench|berm|fence)\s+(?:built|erected|completed)\b",
     "Strategic developments", "Other", 25),
]]
#: a trigger preceded by one of these (within three words) is a plan, a wish or a hypothesis, not an event
_MODAL = re.compile(r"\b(?:will|would|could|might|may|should|shall|planning|plans?|planned|plotting|preparing|"
                    r"prepare|prepared|such|intend(?:s|ed)?|aims?|seeks?|seeking|prevent|avert|avenge|foil|ward|stop|expected|"
                    r"threat(?:en(?:s|ed)?)?|claimed\s+responsibility\s+for|against|responsibility)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\bif\b.*\bwould\b", re.IGNORECASE)
_CIVILIAN_TARGET = re.compile(r"\b(?:tourists?|civilians?|museum|beach|hotels?|market|mosques?|church(?:es)?|"
                              r"schools?|wedding|bus|worshippers|resort)\b", re.IGNORECASE)
_ARMED_TARGET = re.compile(r"\b(?:barracks|police|army|military|posts?|checkpoints?|patrols?|soldiers|troops|"
                           r"National\s+Guard|security\s+forces)\b",
                           re.IGNORECASE)
_PLURAL_TRIGGER = re.compile(r"\b(?:attacks|bombings|massacres|assaults|raids)\b", re.IGNORECASE)
_RELATION = re.compile(r"(?P<rel>near|outside|on\s+the\s+outskirts\s+of|at\s+the\s+outskirts\s+of|in\s+the\s+outskirts\s+of|"
                       r"close\s+to|just\s+outside|in\s+the\s+vicinity\s+of|around)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?\Z",
                       re.IGNORECASE)
_ANCHOR_REL = re.compile(r"\b(?:near|of|from|outside|into|across|with|between|to)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?\Z",
                         re.IGNORECASE)
_ANAPHOR = re.compile(r"\b(?P<rel>outside|near|on\s+the\s+outskirts\s+of|at\s+the\s+outskirts\s+of|in|at)?\s*"
                      r"(?:the|this)\s+(?:border\s+)?(?P<what>town|city|village|area)\b", re.IGNORECASE)
#: radius (m) of an area "near X" by relation (as in geomap.geocoding.relative)
NEAR_RADIUS_M = {"outskirts": 5_000.0, "outside": 10_000.0, "near": 15_000.0, "close": 15_000.0,
                 "around": 15_000.0, "vicinity": 10_000.0}


@dataclass
class EventMention:
    """One article's report of an event (one or several sentences once linked)."""

    article_id: str
    start: int  #: first sentence start
    event_type: str
    sub_event_type: str
    strength: int
    date: DateSpan | None = None
    place: Place | None = None
    relation: str = ""
    geo_precision: int = 3
    uncertainty_m: float = 0.0
    place_inherited: bool = False
    figures: list[Figure] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    definite: bool = False
    country_only: bool = False
    weak_place: bool = False
    target_civilian: bool = False
    target_armed: bool = False
    members: list[int] = field(default_factory=list)

    @property
    def violent(self) -> bool:
        """Battles, explosions and violence against civilians (not strategic developments)."""
        return self.event_type != "Strategic developments"


@dataclass(frozen=True)
class PlaceRef:
    """One mention of a resolved place in an article (offsets, text, the place, the mention kind)."""

    start: int
    end: int
    text: str
    place: Place
    kind: str


def place_refs(article: Article, places: Sequence[Place]) -> list[PlaceRef]:
    """The article's mentions of ``places``, in text order."""
    refs = [PlaceRef(m.start, m.end, m.text, p, m.kind) for p in places for m in p.mentions if m.article_id == article.id]
    return sorted(refs, key=lambda r: (r.start, r.end))


def _is_country(place: Place) -> bool:
    return place.feature in ("country", "continent") or place.precision >= 3


_TEMPORAL_REF = re.compile(r"\b(?:after|before|since|following|prior\s+to|ahead\s+of|in\s+the\s+wake\s+of)\s+"
                           r"(?:the|a|an|this|that|last|its|their|his|Monday's|Tuesday's|Wednesday's|Thursday's|"
                           r"Friday's|Saturday's|Sunday's)\s+(?:[\w,.-]+\s+){0,3}\Z", re.IGNORECASE)
_BACKGROUND = re.compile(r"\b(?:organi[sz]e[ds]?|masterminded|wanted\s+in\s+connection\s+with|in\s+connection\s+with|"
                         r"responsibility\s+for|(?:gunmen|attackers|men|militants|those|people)\s+behind|blamed\s+for|accused\s+of|convicted\s+of|charged\s+(?:with|over))\s+"
                         r"(?:[\w’'-]+\s+){0,8}\Z", re.IGNORECASE)
_PURPOSE = re.compile(r"(?:\bto\s+(?:fight|join)\s+\Z)|\bto\s+(?:carry\s+out|launch|stage|mount|conduct|commit|perpetrate|repel|stop|prevent|fight|join)\s+"
                      r"(?:[\w-]+\s+){0,3}\Z", re.IGNORECASE)
_ABLE = re.compile(r"\b(?:able|managed|went\s+on|proceeded|succeeded\s+in)\s+to\s+(?:\w+\s+)?(?:[\w-]+\s+){0,3}\Z",
                   re.IGNORECASE)
_DEFINITE = re.compile(r"\b(?:the|this|that|same|these|those)\s+(?:[\w-]+\s+){0,2}\Z", re.IGNORECASE)
_AFFILIATION = re.compile(r"\A-(?:based|born|led|backed|trained)\b")
WEAK = 45


def _triggers(sentence: str) -> list[tuple[int, int, str, str, int, bool]]:
    """Trigger words, each flagged ``real`` when it reports an event rather than a plan, a hypothesis,
    a time reference ("after the attack") or a background mention ("wanted in connection with the
    Bardo attack"); words that are not real still hold on to the date and place next to them."""
    hits = []
    taken: list[tuple[int, int]] = []
    for rx, etype, sub, strength in TRIGGERS:
        for m in rx.finditer(sentence):
            if any(m.start() < te and ts < m.end() for ts, te in taken):
                continue
            before = sentence[max(0, m.start() - 60): m.start()]
            words = re.findall(r"[\w’']+", before)[-4:]
            taken.append(m.span())
            if _BACKGROUND.search(sentence[max(0, m.start() - 80): m.start()]):
                hits.append((m.start(), m.end(), etype, sub, strength, False))  # holds its own date and place
                continue
            able = _ABLE.search(before) is not None
            infinitive = re.search(r"\bto\s+\Z", before) is not None and not able
            if _TEMPORAL_REF.search(before):
                continue
            if infinitive or any(_MODAL.fullmatch(w) for w in words) or (_PURPOSE.search(before) and not able):
                hits.append((m.start(), m.end(), etype, sub, strength, None))  # a plan: holds its place only
                continue
            hits.append((m.start(), m.end(), etype, sub, strength, True))
    return sorted(hits)


def article_mentions(article: Article, places: Sequence[Place], anchor: Anchor | None) -> list[EventMention]:
    """The event mentions of one article, one per event a sentence reports, in text order.

    Parameters
    ----------
    article : Article
        The article.
    places : sequence of Place
        Resolved places (all articles' places may be passed: only this article's mentions are used).
    anchor : Anchor or None
        The article's reference date (see :func:`geomap.events.dates.infer_anchor`).

    Returns
    -------
    list of EventMention
        Not yet linked (see :func:`link_mentions`).
    """
    text = article.text
    refs = place_refs(article, places)
    countries = [(r.start, r.end, r.place.country_code, r.place.canonical_name) for r in refs
                 if r.place.feature == "country"]
    out: list[EventMention] = []
    previous_day: date | None = None
    last_town: PlaceRef | None = None
    for s0, e0 in sentence_spans(text):
        sentence = text[s0:e0]
        dates = find_dates(sentence, anchor, offset=s0, previous=previous_day)
        hits = [] if _CONDITIONAL.search(sentence) else _triggers(sentence)
        in_sentence = [r for r in refs if s0 <= r.start and r.end <= e0]
        if any(h[5] is True for h in hits):
            out.extend(_mentions_of_sentence(article, sentence, s0, hits, dates, in_sentence, countries, last_town))
        for d in dates:
            if d.precision == 1:
                previous_day = d.start_date
        towns = [r for r in in_sentence if not _is_country(r.place) and r.kind == "name"]
        if towns:
            last_town = towns[-1]
    return out


_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas|although)\b|;|\s[—–]\s|\(|\)")


def _nearest(pos_start: int, pos_end: int, groups: list[list[tuple]], sentence: str = "") -> int:
    """Index of the trigger group nearest to a span: same clause first, then characters to its closest trigger."""
    bounds = [m.start() for m in _CLAUSE.finditer(sentence)]

    def dist(h):
        if pos_start < h[1] and h[0] < pos_end:
            return 0
        after = h[1] <= pos_start  # "attack on X", "strikes ... on 19 February": words follow their trigger
        lo, hi = (h[1], pos_start) if after else (pos_end, h[0])
        apart = sum(1 for b in bounds if lo <= b < hi)
        return apart * 10_000 + (hi - lo) * (0.5 if after else 1.0)
    return min(range(len(groups)), key=lambda g: (min(dist(h) for h in groups[g]), g))


def _mentions_of_sentence(article: Article, sentence: str, s0: int, hits, dates: list[DateSpan],
                          refs: list[PlaceRef], countries, last_town: PlaceRef | None) -> list[EventMention]:
    text = article.text
    towns = [r for r in refs if not _is_country(r.place) and r.kind == "name"
             and not _AFFILIATION.match(text[r.end: r.end + 10])]
    # "the Bardo and Sousse attacks": one event per place named under a plural trigger
    split = []
    if any(h[5] is True and h[4] >= WEAK and h[2] != "Strategic developments" and _PLURAL_TRIGGER.fullmatch(sentence[h[0]:h[1]])
           for h in hits):
        split = [r for r in towns if not _ANCHOR_REL.search(sentence[: r.start - s0])]
        split = list({r.place.source_id: r for r in split}.values())
    if len(split) >= 2:
        bounds = [0] + [(split[i].end + split[i + 1].start) // 2 - s0 for i in range(len(split) - 1)] + [len(sentence)]
        segments = [(bounds[i], bounds[i + 1]) for i in range(len(split))]
    else:
        segments = [(0, len(sentence))]
    figures = find_figures(sentence, article.id, offset=s0)
    actors = find_actors(sentence, offset=s0, countries=countries)
    out = []
    for a, b in segments:
        seg_hits = [h for h in hits if a <= h[0] < b] or [max(hits, key=lambda h: (h[5] is True, h[4]))]
        groups = _trigger_groups([h for h in seg_hits if h[5] is True], figures)
        n_real = len(groups)
        # background mentions keep the words next to them from the real events; plans keep their place
        groups += [[h] for h in seg_hits if h[5] is False]
        n_dates = len(groups)
        groups += [[h] for h in seg_hits if h[5] is None]
        if not groups:
            continue
        def in_seg(start: int, a: int = a, b: int = b) -> bool:
            return a <= start - s0 < b

        g_dates: dict[int, list[DateSpan]] = {}
        for d in dates:  # a date of the sentence belongs to every place a plural trigger names
                g_dates.setdefault(_nearest(d.start - s0, d.end - s0, groups[:n_dates], sentence), []).append(d)
        g_towns: dict[int, list[PlaceRef]] = {}
        for r in towns:
            if in_seg(r.start):
                g_towns.setdefault(_nearest(r.start - s0, r.end - s0, groups, sentence), []).append(r)
        g_figs: dict[int, list[Figure]] = {}
        violent = [gi for gi, g in enumerate(groups[:n_dates]) if g[0][2] != "Strategic developments" or gi >= n_real]
        for f in figures:
            if in_seg(f.start) or len(segments) == 1:
                pool = violent or list(range(n_dates))
                gi = pool[_nearest(f.start - s0, f.end - s0, [groups[i] for i in pool], sentence)]
                g_figs.setdefault(gi, []).append(f)
        seg_text = sentence[a:b]
        for gi, group in enumerate(groups[:n_real]):
            if gi not in g_dates and group[0][2] == "Strategic developments":
                # "raids on Tuesday also recovered weapons": the date of the sentence's violent event
                dated = [g for g in range(n_real) if g in g_dates and groups[g][0][2] != "Strategic developments"]
                if dated:
                    g_dates[gi] = g_dates[dated[0]]
            trig = max(group, key=lambda h: (h[4], -h[0]))
            etype, sub = trig[2], trig[3]
            m = EventMention(article.id, s0 + min(h[0] for h in group), etype, sub, trig[4])
            m.evidence.append(Evidence(article.id, s0 + trig[0], s0 + trig[1], sentence[trig[0]:trig[1]], "type"))
            m.definite = bool(_DEFINITE.search(sentence[max(0, trig[0] - 30): trig[0]]))
            m.target_civilian = bool(_CIVILIAN_TARGET.search(seg_text))
            m.target_armed = bool(_ARMED_TARGET.search(seg_text))
            m.figures = g_figs.get(gi, [])
            m.actors = list(actors)
            own_dates = g_dates.get(gi, [])
            if own_dates:
                t = s0 + trig[0]
                d = min(own_dates, key=lambda d: (min(abs(d.start - t), abs(t - d.end)), d.precision))
                m.date = d
                m.evidence.append(Evidence(article.id, d.start, d.end, d.phrase, "date"))
                if d.note:
                    m.notes.append(d.note)
            free = [r for g, rs in g_towns.items() if g < n_real for r in rs]
            _place(m, article, sentence, s0, trig, g_towns.get(gi, []) or free, refs, last_town)
            if sub == "Arrests" and not m.figures and m.date is None:
                continue
            out.append(m)
    return out


def _trigger_groups(hits, figures: list[Figure]) -> list[list[tuple]]:
    """The events a sentence reports: its trigger words grouped by ACLED type.

    Strong violent words ("attack", "clashes", "air strikes") each type a group; "killed"
    alone makes an event only with a figure of the dead or wounded; captures and arrests
    are part of a battle told in the same sentence; weapons found and barriers built are
    events of their own.
    """
    strong = [h for h in hits if h[2] != "Strategic developments" and h[4] >= WEAK]
    weak = [h for h in hits if h[2] != "Strategic developments" and h[4] < WEAK]
    strategic = [h for h in hits if h[2] == "Strategic developments"]
    violent = strong
    if not violent and weak and any(f.kind in ("killed", "wounded") for f in figures):
        violent = weak
    keys = sorted({(h[2], h[3]) for h in violent}, key=lambda k: min(h[0] for h in violent if (h[2], h[3]) == k))
    groups = [[h for h in violent if (h[2], h[3]) == k] for k in keys]
    for sub in ("Disrupted weapons use", "Other", "Arrests"):
        own = [h for h in strategic if h[3] == sub]
        if own and (sub != "Arrests" or not violent):
            groups.append(own)
    return groups


def _place(m: EventMention, article: Article, sentence: str, s0: int, trig, towns: list[PlaceRef], refs: list[PlaceRef],
           last_town: PlaceRef | None) -> None:
    t = s0 + trig[0]
    chosen: PlaceRef | None = None
    relation = ""
    if towns:
        chosen = min(towns, key=lambda r: (abs(r.start - t), r.start))
        rel = _RELATION.search(article.text[max(0, chosen.start - 60): chosen.start])
        if rel:
            relation = rel.group("rel").lower()
    else:
        ana = _ANAPHOR.search(sentence)
        if ana and last_town is not None:
            chosen = last_town
            relation = " ".join((ana.group("rel") or "").lower().split())
            if relation in ("in", "at"):
                relation = ""
            lead = len(ana.group(0)) - len(ana.group(0).lstrip())
            m.evidence.append(Evidence(article.id, s0 + ana.start() + lead, s0 + ana.end(), ana.group(0).strip(),
                                       "location"))
            m.notes.append(f"'{ana.group(0).strip()}' read as {last_town.text}")
        else:
            names = [r for r in refs if r.kind == "name" and _is_country(r.place)]
            if names:  # only countries named: the one named most, first on a tie
                counts = {}
                for r in names:
                    counts.setdefault(r.place.source_id, []).append(r)
                chosen = min(counts.values(), key=lambda rs: (-len(rs), rs[0].start))[0]
                m.country_only = _is_country(chosen.place)
            else:
                demonyms = [r for r in refs if r.kind == "demonym"]
                if demonyms:
                    chosen = min(demonyms, key=lambda r: (abs(r.start - t), r.start))
                    m.weak_place = True
    if chosen is None:
        return
    m.place = chosen.place
    m.relation = relation
    m.geo_precision = chosen.place.precision
    m.uncertainty_m = chosen.place.uncertainty_m
    if relation and not _is_country(chosen.place):
        key = next((k for k in NEAR_RADIUS_M if k in relation), "near")
        m.geo_precision = max(PRECISION_AREA, chosen.place.precision)
        m.uncertainty_m = max(chosen.place.uncertainty_m, NEAR_RADIUS_M[key])
    if not any(e.role == "location" for e in m.evidence):
        m.evidence.append(Evidence(article.id, chosen.start, chosen.end, chosen.text, "location"))


def link_mentions(mentions: list[EventMention], anchor: Anchor | None, article: Article,
                  places: Sequence[Place]) -> list[EventMention]:
    """Join an article's mentions into its events (see step 5 of the module docstring).

    * Place: a violent event told with no place, or only a demonym ("Tunisian border
      posts"), takes the place of the violent event told before it that names a town,
      else the article's most-mentioned town.
    * Date: an undated mention joins, in this order: for "the attack" / "the same air
      strikes", the event told before it of the same family; for a mention naming its
      town, the first dated event of the same family at that town; otherwise the event
      told before it of the same family, else the first dated one.
    * An event left with no date takes the article's own date when it has one
      (metadata, text or ``--date``: ACLED precision 2, "on or just before
      publication"); with only the collection's date it stays undated.
    """
    if not mentions:
        return []
    main = _main_place(article, places)
    own_town = [m.place is not None and not _is_country(m.place) for m in mentions]
    for i, m in enumerate(mentions):
        if not m.violent or not (m.place is None or m.weak_place):
            continue
        prev = next((mentions[j] for j in range(i - 1, -1, -1) if own_town[j] and mentions[j].violent), None)
        src = prev.place if prev is not None else main
        if src is None:
            continue
        m.evidence = [e for e in m.evidence if e.role != "location"]
        m.place, m.place_inherited = src, True
        m.geo_precision, m.uncertainty_m = (prev.geo_precision, prev.uncertainty_m) if prev else (
            src.precision, src.uncertainty_m)
        m.relation = prev.relation if prev else ""
        m.notes.append(f"place taken from the {'event told before' if prev else 'article'}: {src.canonical_name}")
    parent = list(range(len(mentions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def family(a: EventMention, b: EventMention) -> bool:
        return a.violent == b.violent and (a.violent or a.sub_event_type == b.sub_event_type)

    for i, m in enumerate(mentions):
        if m.date is not None:
            continue
        before = sorted((j for j in range(i - 1, -1, -1) if family(mentions[j], m)),
                        key=lambda j: (mentions[j].event_type != m.event_type, i - j))
        first_dated = [j for j, o in enumerate(mentions) if j != i and o.date is not None and family(o, m)]
        target = None
        if m.definite and before and (not own_town[i] or (mentions[before[0]].place is not None
                                                          and mentions[before[0]].place.source_id == m.place.source_id)):
            target = before[0]
        elif own_town[i]:
            same = [j for j in first_dated if mentions[j].place is not None
                    and mentions[j].place.source_id == m.place.source_id]
            target = same[0] if same else None
        else:
            target = before[0] if before else (first_dated[0] if first_dated else None)
        if target is not None:
            parent[find(i)] = find(target)
    groups: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for idx in sorted(groups.values()):
        out.append(_combine([mentions[i] for i in idx], idx))
    for ev in out:
        if ev.date is None and anchor is not None and anchor.basis != "collection":
            end = anchor.date + timedelta(days=1 if anchor.lower_bound else 0)
            ev.date = DateSpan(-1, -1, "", anchor.date - timedelta(days=2), end, 2, "publication",
                               f"no date in the text: on or just before the article's date ({anchor.basis})")
            ev.notes.append(ev.date.note)
        elif ev.date is None:
            ev.notes.append("date unknown: the article gives none (pass --date or a date in the article's metadata)")
    return out


def _combine(ms: list[EventMention], idx: list[int]) -> EventMention:
    """One mention from several sentences of an article: the strongest type, the dated sentence's date."""
    head = max(ms, key=lambda m: (m.violent, m.strength, -m.start))
    dated = [m for m in ms if m.date is not None]
    placed = [m for m in ms if m.place is not None and not m.place_inherited and not _is_country(m.place)] or \
             [m for m in ms if m.place is not None]
    out = EventMention(head.article_id, min(m.start for m in ms), head.event_type, head.sub_event_type, head.strength)
    if dated:
        d = min(dated, key=lambda m: (m.date.precision, m.start)).date
        out.date = d
    if placed:
        p = min(placed, key=lambda m: (m.place_inherited, -m.violent, -m.strength, m.geo_precision, m.start))
        out.place, out.relation, out.geo_precision, out.uncertainty_m = p.place, p.relation, p.geo_precision, p.uncertainty_m
        out.place_inherited = p.place_inherited
    seen: set[tuple[int, int, str]] = set()
    for m in ms:
        for f in m.figures:
            if (f.start, f.end, f.kind) not in seen:
                seen.add((f.start, f.end, f.kind))
                out.figures.append(f)
        out.actors.extend(m.actors)
        out.evidence.extend(m.evidence)
        out.notes.extend(n for n in m.notes if n not in out.notes)
        out.target_civilian |= m.target_civilian
        out.target_armed |= m.target_armed
    out.members = list(idx)
    return out


def _main_place(article: Article, places: Sequence[Place]) -> Place | None:
    """The article's most-mentioned town (first mentioned on a tie), else its most-mentioned country."""
    counts = []
    for p in places:
        ms = [m for m in p.mentions if m.article_id == article.id and m.kind == "name"]
        if ms:
            counts.append((_is_country(p), -len(ms), min(m.start for m in ms), p.source_id, p))
    return min(counts)[-1] if counts else None
