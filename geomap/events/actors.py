"""Actors named in a sentence, with their aliases merged into one ACLED-style name.

Named armed groups come from an alias table ("Islamic State", "IS", "ISIS", "Isis",
"ISIL", "Daesh" are one actor); state forces are a keyword ("army", "troops", "air
strikes", "trainers", "police", "National Guard") attached to the country written
before it ("Tunisian army", "US air strikes", "British troops") or after it ("trainers
from the U.K."), the country being the one the geoparser resolved for that word. A
force with no country written ("the army", "security forces") belongs to the country
of the event's place, resolved later by :func:`name_state_actor`.

Examples
--------
>>> [a.name for a in find_actors("attack by ISIS militants, aka Islamic State (Isis/Daesh)")]
['Islamic State (IS)', 'Islamic State (IS)', 'Islamic State (IS)', 'Islamic State (IS)']
>>> a = find_actors("the Tunisian army and police", countries=[(4, 12, "TN", "Tunisia")])
>>> [(x.name, x.country_code) for x in a]
[('Military Forces of Tunisia', 'TN'), ('Police Forces', None)]
>>> a[1].completed("Tunisia")
'Police Forces of Tunisia'
>>> canonical_actor("Daesh"), canonical_actor("Jund al-Khilafa"), canonical_actor("nobody") is None
('Islamic State (IS)', 'Jund al-Khilafah', True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ActorMention", "GROUPS", "find_actors", "canonical_actor", "name_state_actor", "complete_name", "country_label"]

#: named non-state groups: canonical name → alias patterns (case-sensitive where an alias is a common word)
GROUPS: dict[str, tuple[str, ...]] = {
    "Islamic State (IS)": (r"(?i:\bIslamic State(?: group| of Iraq and (?:the Levant|Syria))?\b)", r"\bIS\b", r"\bISIS\b",
                           r"\bIsis\b", r"\bISIL\b", r"(?i:\bDaesh\b)", r"(?i:\bDaech\b)", r"(?i:\bDa'?ish\b)"),
    "Jund al-Khilafah": (r"(?i:\bJund\s+al[-\s]?Khil[a]?f[a]?(?:h|a|ah)?\b)",),
    "al-Qaeda": (r"(?i:\bal[-\s]?Qa[e']?[i]?da\b)", r"\bAQIM\b"),
    "Ansar al-Sharia": (r"(?i:\bAnsar\s+al[-\s]?Shari'?a\b)",),
    "Okba Ibn Nafaa Brigade": (r"(?i:\bOkba\s+Ibn\s+Nafaa\b)",),
    "Al Shabaab": (r"(?i:\bal[-\s]?Shabaa?b\b)",),
    "Boko Haram": (r"(?i:\bBoko\s+Haram\b)", r"\bISWAP\b"),
    "Taliban": (r"\bTaliban\b",),
    "Hamas": (r"\bHamas\b",),
    "Hezbollah": (r"(?i:\bHezbollah\b|\bHizbullah\b)",),
    "Houthis (Ansar Allah)": (r"\bHouthis?\b", r"\bAnsar\s+Allah\b"),
}
_GROUP_RES = [(name, re.compile("|".join(pats))) for name, pats in GROUPS.items()]

_MILITARY = (r"armed forces|air force|air strikes?|airstrikes?|air raids?|drone strikes?|warplanes|army|troops|soldiers|"
             r"military(?: advisers| advisors| trainers| experts| units| reinforcements)?|special forces|marines|navy|"
             r"government forces|security forces|forces|trainers|advisers|advisors|experts|helicopters|bombing|"
             r"militarymen")
_POLICE = r"police(?:men)?|National Guard|national guard|gendarmerie|Presidential Guard|security agents|counter-terrorism units"
_FORCE_RE = re.compile(r"\b(?P<kw>" + _POLICE + "|" + _MILITARY + r")\b")
_GENERIC_GROUP_RE = re.compile(r"\b(?:militants?|jihadists?|Jihadists?|terrorists?|gunmen|gunman|insurgents?|extremists?|"
                               r"Islamists?|attackers?|assailants?|fighters)\b")
_MILITIA_RE = re.compile(r"\bmilitias?\b", re.IGNORECASE)
_CIVILIANS_RE = re.compile(r"\b(?:civilians?|residents?|tourists?|Britons|passers-by|children|villagers|hostages|"
                           r"diplomats|worshippers|students)\b")
_THE_COUNTRIES = ("United ", "Netherlands", "Philippines", "Bahamas", "Gambia", "Czech Republic",
                  "Democratic Republic", "Central African Republic", "Dominican Republic")


@dataclass(frozen=True)
class ActorMention:
    """An actor as written: ``quote == text[start:end]`` (article offsets).

    ``kind``: ``"group"`` (named armed group), ``"armed"`` (unnamed militants),
    ``"military"``, ``"police"``, ``"militia"``, ``"civilians"``. ``name`` is final for
    named groups and for forces whose country was written; otherwise it lacks the
    country (``country_code`` is ``None``) and :func:`name_state_actor` completes it.
    """

    name: str
    kind: str
    start: int
    end: int
    quote: str
    country_code: str | None = None
    detail: str = ""

    def completed(self, country_name: str | None) -> str:
        """The name with the event's country when the text wrote none ("the army" in Tunisia)."""
        if self.kind == "group" or self.country_code is not None:
            return self.name
        return complete_name(self.kind, country_name, self.detail)


def complete_name(kind: str, country_name: str | None, detail: str = "") -> str:
    """:func:`name_state_actor` plus the unit ("Police Forces of Tunisia (National Guard)")."""
    return name_state_actor(kind, country_name) + (f" ({detail})" if detail else "")


def canonical_actor(alias: str) -> str | None:
    """The canonical name of a named group's alias, or ``None``."""
    for name, rx in _GROUP_RES:
        m = rx.fullmatch(alias.strip())
        if m:
            return name
    return None


def country_label(name: str) -> str:
    """A country's name as it reads after "of" ("the United States", "Tunisia")."""
    return f"the {name}" if name.startswith(_THE_COUNTRIES) else name


def name_state_actor(kind: str, country_name: str | None) -> str:
    """ACLED's name for a country's forces: "Military Forces of Tunisia", "Police Forces of Tunisia".

    Examples
    --------
    >>> name_state_actor("military", "United Kingdom"), name_state_actor("police", None)
    ('Military Forces of the United Kingdom', 'Police Forces')
    """
    base = {"military": "Military Forces", "police": "Police Forces", "national_guard": "Police Forces",
            "militia": "Militia", "armed": "Unidentified Armed Group", "civilians": "Civilians"}.get(kind, kind)
    if not country_name:
        return base
    if kind in ("militia", "armed", "civilians"):
        return f"{base} ({country_name})"
    return f"{base} of {country_label(country_name)}"


def find_actors(text: str, *, offset: int = 0,
                countries: Sequence[tuple[int, int, str, str]] = ()) -> list[ActorMention]:
    """Actors written in ``text`` (a sentence), in text order.

    Parameters
    ----------
    text : str
        The sentence.
    offset : int
        The sentence's start in the article; added to every offset.
    countries : sequence of (start, end, iso_a2, name)
        Country names and demonyms the geoparser resolved, in article offsets.

    Returns
    -------
    list of ActorMention
    """
    out: list[ActorMention] = []
    taken: list[tuple[int, int]] = []
    for name, rx in _GROUP_RES:
        for m in rx.finditer(text):
            out.append(ActorMention(name, "group", m.start() + offset, m.end() + offset, m.group(0)))
            taken.append(m.span())
    local = [(s - offset, e - offset, cc, nm) for s, e, cc, nm in countries if offset <= s and e <= offset + len(text)]
    for m in _FORCE_RE.finditer(text):
        if any(m.start() < te and ts < m.end() for ts, te in taken):
            continue
        kw = m.group("kw")
        kind = "police" if re.fullmatch(_POLICE, kw) else "military"
        cc, cname, start = _country_before(text, m.start(), local)
        if cc is None:
            cc, cname, end_after = _country_after(text, m.end(), local)
        else:
            end_after = m.end()
        if cc is None and kw.lower() in ("forces", "experts", "advisers", "advisors", "trainers", "helicopters",
                                         "bombing"):
            continue  # too generic without a country ("the forces", "experts said")
        detail = ("National Guard" if "national" in kw.lower() else "Presidential Guard") if "guard" in kw.lower() else ""
        s0 = start if cc is not None and start is not None else m.start()
        e0 = max(end_after, m.end())
        label = complete_name(kind, cname, detail)
        out.append(ActorMention(label, kind, s0 + offset, e0 + offset, text[s0:e0], cc, detail))
    for rx, kind in ((_MILITIA_RE, "militia"), (_GENERIC_GROUP_RE, "armed"), (_CIVILIANS_RE, "civilians")):
        for m in rx.finditer(text):
            if kind == "armed" and any(te <= m.start() and _BETWEEN.match(text[te:m.start()]) for ts, te in taken):
                continue  # "ISIS militants", "Daesh fighters": the named group already
            cc, cname, start = _country_before(text, m.start(), local, words=0)
            out.append(ActorMention(name_state_actor(kind, cname) if cc else name_state_actor(kind, None),
                                    kind, m.start() + offset, m.end() + offset, m.group(0), cc))
    return sorted(out, key=lambda a: (a.start, a.end, a.name))


_BETWEEN = re.compile(r"^[\s’'s]*(?:[A-Za-z-]+\s+){0,2}$")


def _country_before(text: str, pos: int, local: Sequence[tuple[int, int, str, str]], words: int = 2):
    """A country/demonym ending at most ``words`` words before ``pos`` ("Tunisian security forces")."""
    best = None
    between = _BETWEEN if words == 2 else re.compile(r"^[\s’'s]*$")
    for s, e, cc, name in local:
        if e <= pos and between.match(text[e:pos]) and not re.search(r"\b(?:and|or|of|in|from|with)\b", text[e:pos]):
            best = (cc, name, s)
    return best if best else (None, None, None)


def _country_after(text: str, pos: int, local: Sequence[tuple[int, int, str, str]]):
    """A country after "from"/"of" ("trainers from the U.K.")."""
    for s, e, cc, name in local:
        if s >= pos and re.fullmatch(r"\s+(?:from|of)\s+(?:the\s+)?", text[pos:s]):
            return cc, name, e
    return None, None, pos
