"""Casualty and detention figures in a sentence: who (group), what happened (kind), how many.

A figure is a quantity attached to a group noun ("at least 35 militants", "12 security
force personnel", "a civilian", "twelve members of Tunisia's Presidential Guard") and
to a verb that says what happened to them, read in three shapes:

* passive, after the noun phrase or a list of them: "Ten militants, five civilians and
  one soldier were killed", "a civilian and an army colonel in El-Amria were seriously
  wounded", "16 killed", "at least 55 people died", "two security agents were also
  among the dead" (a part of a larger figure: ``partial``);
* active, before it: "killed at least 35 militants and captured six", "the deaths of
  seven civilians and 12 security force personnel", "the killing of dozens of people",
  "had arrested in Ben Guerdane, five individuals";
* a toll: "Death Toll of Tunisia Clashes Reaches 50".

A bare number next to the verb ("five were killed", "captured six", "and seven
captured") takes the group of the noun phrase before it in the sentence, if any.
Groups: ``militants``, ``security_forces``, ``civilians``, ``total`` (people, or one
number for several groups: "16 militants, civilians and members of the security
forces"), ``unspecified``. Kinds: ``killed``, ``wounded``, ``captured``, ``arrested``.

Examples
--------
>>> [(f.group, f.kind, f.value, f.qualifier) for f in find_figures(
...     "Ten militants, five civilians and one soldier were killed in the fighting.", "a")]
[('militants', 'killed', 10, 'exact'), ('civilians', 'killed', 5, 'exact'), ('security_forces', 'killed', 1, 'exact')]
>>> [(f.group, f.kind, f.value, f.qualifier) for f in find_figures(
...     "Police and army units killed at least 35 terrorists and captured six.", "a")]
[('militants', 'killed', 35, 'at_least'), ('militants', 'captured', 6, 'exact')]
"""

from __future__ import annotations

import re
from dataclasses import replace

from geomap.events.quantities import NUMBER, QUANTITY, _quantity
from geomap.model import Figure
from geomap.toponyms import sentence_window

__all__ = ["find_figures", "group_of", "GROUP_NOUNS"]

#: group noun patterns (plural and singular), checked in this order
GROUP_NOUNS: list[tuple[str, str]] = [
    ("security_forces", r"members\s+of\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}?(?:security\s+forces|Guard|guard|army|police|military|forces)"),
    ("militants", r"members\s+of\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}?(?:group|IS|ISIS|Islamic\s+State|Daesh|cell|militia)"),
    ("security_forces", r"(?:internal\s+)?security[\s-]+(?:force\s+)?(?:personnel|members?|agents?|officers?|forces?|men)|"
                        r"soldiers?|troops?|servicem[ae]n|militarym[ae]n|policem[ae]n|police(?:\s+officers?)?|"
                        r"(?:army\s+|police\s+|military\s+)?(?:officers?|colonels?|commanders?|generals?|captains?|sergeants?)|"
                        r"guardsm[ae]n|gendarmes?|personnel|agents?|guards?"),
    ("militants", r"(?:suspected\s+)?(?:militants?|jihadists?|jihadits|terrorists?|attackers?|assailants?|gunm[ae]n|"
                  r"insurgents?|extremists?|islamists?|fighters?|rebels?|bombers?)"),
    ("civilians", r"civilians?|residents?|tourists?|britons|children|child|wom[ae]n|passers-by|hostages?|diplomats?|"
                  r"villagers?|worshippers?|students?|bystanders?|\d+-year-olds?(?:\s+(?:boy|girl|child))?"),
    ("total", r"people|persons|others|dead"),
    ("unspecified", r"individuals?|suspects?|men"),
]
_GROUP_RES = [(g, re.compile(r"(?:" + p + r")\Z", re.IGNORECASE)) for g, p in GROUP_NOUNS]
_NOUN = r"(?:" + "|".join(p for _, p in GROUP_NOUNS) + r")"
_ADJ = (r"(?:(?!(?:were|was|have|has|had|and|or|of|in|on|at|by|the|who|which|that|also|are|is|be|been|after|before|during|"
        r"while|when|as|with|for|from|to|into|since|than)\b)[\w’'-]+\s+){0,3}?")
#: a noun phrase: quantity, "more"/"other", up to three modifiers, a group noun; or "N of whom"
_NP = re.compile(r"\b(?P<q>" + QUANTITY + r")\s+(?:(?:more|other|additional|further)\s+)?" + _ADJ
                 + r"(?P<noun>" + _NOUN + r")\b|\b(?P<q2>" + NUMBER + r")\s+of\s+(?:whom|them)\b", re.IGNORECASE)
_LIST_NOUNS = re.compile(r"(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+)(?:the\s+)?" + _NOUN + r"\b", re.IGNORECASE)
_JOIN = re.compile(r"\A(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+as\s+well\s+as\s+)\Z", re.IGNORECASE)
_KINDS = {"killed": "killed", "dead": "killed", "died": "killed", "murdered": "killed", "deaths": "killed",
          "death": "killed", "killing": "killed", "executed": "killed", "slain": "killed", "beheaded": "killed",
          "wounded": "wounded", "injured": "wounded", "hurt": "wounded", "captured": "captured",
          "arrested": "arrested", "detained": "arrested", "apprehended": "arrested", "seized": "captured"}
_VERB = r"(?P<verb>killed|dead|died|murdered|executed|slain|beheaded|wounded|injured|hurt|captured|arrested|detained|apprehended)"
_PASSIVE = re.compile(
    r"\A(?:\s+(?:in|at|near|outside)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?(?:\s*,[^,]{0,40},)?\s*"
    r"(?:(?:were|was|have\s+been|has\s+been|had\s+been|are|is|be|been|also|reportedly|allegedly|later|"
    r"seriously|critically|slightly|believed\s+to\s+have\s+been|said\s+to\s+have\s+been|reported)\s+)*"
    r"(?:(?P<among>among\s+(?:the|those)\s+(?:(?P<amonggroup>\w+)\s+)?(?:killed|dead|wounded|injured))|" + _VERB + r")\b",
    re.IGNORECASE)
_ACTIVE = re.compile(
    r"\b(?:(?P<verb>killed|murdered|executed|wounded|injured|captured|arrested|detained|apprehended|seized)|"
    r"(?P<noun>deaths|death|killing|killings)\s+of)"
    r"(?:\s+(?:in|at|near)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*\s*,)?\s+\Z", re.IGNORECASE)
_TOLL = re.compile(r"\bdeath\s+toll\b(?:(?!death\s+toll).){0,60}?\b(?:reaches|reached|rises\s+to|rose\s+to|climbs\s+to|climbed\s+to|"
                   r"stands\s+at|stood\s+at|hits|hit|of|at|to)\s+(?P<q>" + QUANTITY + r")\b", re.IGNORECASE)
_BARE = re.compile(r"\b(?P<q>" + QUANTITY + r")(?=\s+(?:were|was|have\s+been|had\s+been|are|also|killed|captured|"
                   r"arrested|wounded|injured|died|dead)\b)", re.IGNORECASE)
_BARE_ACTIVE = re.compile(r"\b(?:killed|captured|arrested|detained|wounded|injured)\s+(?P<q>" + QUANTITY + r")(?=\s*(?:[.,;]|$|\s+(?:after|during|in|on|at|and|while|when|before)\b))",
                          re.IGNORECASE)


def group_of(noun: str) -> str:
    """The group of a noun phrase's head noun ("Daesh fighters" → militants).

    Examples
    --------
    >>> group_of("security force personnel"), group_of("army colonel"), group_of("Britons"), group_of("people")
    ('security_forces', 'security_forces', 'civilians', 'total')
    """
    n = " ".join(noun.split())
    for group, rx in _GROUP_RES:
        if rx.search(n):
            return group
    return "unspecified"


def find_figures(sentence: str, article_id: str, *, offset: int = 0) -> list[Figure]:
    """The figures of one sentence, in text order (see the module docstring for the shapes read).

    Parameters
    ----------
    sentence : str
        One sentence.
    article_id : str
        Written into each figure.
    offset : int
        The sentence's start in the article: figure offsets are article offsets, and
        ``figure.quote == article.text[figure.start:figure.end]``.

    Returns
    -------
    list of Figure
    """
    out: list[Figure] = []
    nps = []
    for m in _NP.finditer(sentence):
        qtext = m.group("q") or m.group("q2")
        q = _quantity(qtext)
        if q is None or (q.value >= 1000 and "," not in qtext and re.fullmatch(r"(?:19|20)\d\d", qtext.strip())):
            continue
        noun = m.group("noun")
        end = m.end()
        group = group_of(noun) if noun else None
        if noun:
            listed = _LIST_NOUNS.match(sentence, end)
            if listed and group_of(listed.group(0).strip(" ,").removeprefix("and ").strip()) != group:
                while listed:  # "16 militants, civilians and members of the security forces": one number, several groups
                    end = listed.end()
                    listed = _LIST_NOUNS.match(sentence, end)
                group = "total"
        if group is None:  # "38 of whom": the group of the last noun before
            prev = [n for n in nps if n["end"] <= m.start() and n["group"]]
            group = prev[-1]["group"] if prev else _group_before(sentence[: m.start()])
        nps.append({"start": m.start(), "end": end, "q": q, "group": group})

    # chains of noun phrases joined by "," / "and" share one verb
    chains: list[list[dict]] = []
    for np_ in nps:
        if chains and _JOIN.match(sentence[chains[-1][-1]["end"]: np_["start"]]):
            chains[-1].append(np_)
        else:
            chains.append([np_])
    covered: list[tuple[int, int]] = []
    for chain in chains:
        kind, partial, among_group = None, False, None
        after = _PASSIVE.match(sentence[chain[-1]["end"]:])
        if after:
            if after.group("among"):
                kind, partial = _KINDS.get(after.group("among").split()[-1].lower(), "killed"), True
                if after.group("amonggroup"):
                    among_group = group_of(after.group("amonggroup"))
            else:
                kind = _KINDS[after.group("verb").lower()]
        before = _ACTIVE.search(sentence[: chain[0]["start"]])
        if kind is None and before:
            kind = _KINDS[(before.group("verb") or before.group("noun")).lower()]
        if kind is None:
            continue
        for np_ in chain:
            group = np_["group"]
            if among_group and group in ("unspecified", "total"):
                group = among_group
            out.append(_figure(sentence, np_, group, kind, article_id, offset, partial))
            covered.append((np_["start"], np_["end"]))

    # bare numbers next to a verb: "five were killed", "captured six", "and seven captured"
    for rx, where in ((_BARE, "after"), (_BARE_ACTIVE, "before")):
        for m in rx.finditer(sentence):
            s, e = m.span("q")
            if any(s < ce and cs < e for cs, ce in covered):
                continue
            q = _quantity(m.group("q"))
            if q is None or q.value > 999:
                continue
            if where == "after":
                verb = _PASSIVE.match(sentence[e:])
                if not verb or verb.group("among"):
                    continue
                kind = _KINDS[verb.group("verb").lower()]
            else:
                kind = _KINDS[m.group(0).split()[0].lower()]
            prev = [n for n in nps if n["end"] <= s]
            group = prev[-1]["group"] if prev else "unspecified"
            out.append(_figure(sentence, {"start": s, "end": e, "q": q}, group, kind, article_id, offset, False))
            covered.append((s, e))

    for m in _TOLL.finditer(sentence):
        q = _quantity(m.group("q"))
        if q is not None:
            s, e = m.span("q")
            out.append(_figure(sentence, {"start": m.start(), "end": e, "q": q}, "total", "killed", article_id, offset,
                               False))
    return sorted(out, key=lambda f: (f.start, f.end))


def _group_before(text: str) -> str:
    found = None
    for group, p in GROUP_NOUNS:
        for m in re.finditer(r"\b(?:" + p + r")\b", text, re.IGNORECASE):
            if found is None or m.end() > found[1]:
                found = (group, m.end())
    return found[0] if found else "unspecified"


def _figure(sentence: str, np_: dict, group: str, kind: str, article_id: str, offset: int, partial: bool) -> Figure:
    q = np_["q"]
    qualifier = q.qualifier
    if partial and qualifier == "exact":
        qualifier = "at_least"
    fig = Figure(group=group, kind=kind, value=q.value, qualifier=qualifier, article_id=article_id,
                 start=np_["start"] + offset, end=np_["end"] + offset, quote=sentence[np_["start"]: np_["end"]],
                 high=q.high, sentence=sentence_window(sentence, 0, len(sentence), np_["start"], np_["end"]).strip(),
                 partial=partial)
    return replace(fig)
