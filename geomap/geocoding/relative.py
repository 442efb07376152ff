"""Relative locations: "5 km from Ben Guerdane", "near the Libyan border", "in the southeast of the country".

A relative phrase anchored on a resolved toponym becomes an *area*: a centre and a radius
(ACLED geo_precision 2), or a band along a border, or a part of a country (precision 3),
always with the phrase it came from. Pure computation: the anchor places are the
engine's resolved toponyms; distances use the WGS84 ellipsoid (pyproj ``Geod``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geomap.model import PRECISION_AREA, PRECISION_REGION

__all__ = ["RelativeLocation", "find_relative", "UNIT_KM"]

UNIT_KM = {"km": 1.0, "kms": 1.0, "kilometre": 1.0, "kilometres": 1.0, "kilometer": 1.0, "kilometers": 1.0,
           "mile": 1.609344, "miles": 1.609344, "mi": 1.609344}
_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "a few": 3, "several": 5, "a dozen": 12, "dozens of": 30, "twenty": 20, "fifty": 50}
_BEARINGS = {"north": 0.0, "northeast": 45.0, "north-east": 45.0, "east": 90.0, "southeast": 135.0,
             "south-east": 135.0, "south": 180.0, "southwest": 225.0, "south-west": 225.0, "west": 270.0,
             "northwest": 315.0, "north-west": 315.0}
_NUM = r"(?P<num>\d+(?:[.,]\d+)?|" + "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>" + "|".join(sorted(UNIT_KM, key=len, reverse=True)) + r")"
_BEAR = r"(?:\s+(?P<bearing>" + "|".join(sorted((re.escape(b) for b in _BEARINGS), key=len, reverse=True)) + r"))?"
#: "5 km from X", "30 miles north of X", "some 100 kilometres (62 miles) from X"
DISTANCE = re.compile(r"\b" + _NUM + r"[\s-]*" + _UNIT + r"\b(?:\s*\([^)]{0,30}\))?" + _BEAR + r"\s+(?:of|from|outside)\s+$",
                      re.IGNORECASE)
#: "near X", "outside X", "on the outskirts of X", "close to X"
NEAR = re.compile(r"\b(?P<rel>near|outside|on the outskirts of|in the outskirts of|at the outskirts of|close to|"
                  r"just outside|around|"
                  r"in the vicinity of)\s+(?:the\s+(?:town|city|village)\s+of\s+)?$", re.IGNORECASE)
#: "near the Libyan border", "along the Tunisia-Libya border"
BORDER = re.compile(r"\b(?P<rel>near|along|on|close to|across)\s+the\s+$", re.IGNORECASE)
#: "in the southeast of the country"
PART = re.compile(r"\bin the (?P<part>north|south|east|west|northeast|northwest|southeast|southwest|"
                  r"north-east|north-west|south-east|south-west|centre|center)(?:ern part)? of (?:the country|$)",
                  re.IGNORECASE)

#: radius of "near X" in metres by the kind of relation
NEAR_RADIUS_M = {"outskirts": 5_000.0, "outside": 10_000.0, "near": 15_000.0, "close": 15_000.0, "around": 15_000.0,
                 "vicinity": 10_000.0}


@dataclass(frozen=True)
class RelativeLocation:
    """An area described relative to a place.

    ``lat``/``lon`` is the area's centre, ``radius_m`` its extent; ``precision`` is
    ACLED's geo_precision (2 near/part of a place, 3 a part of a country). ``phrase``
    is ``text[start:end]``.
    """

    start: int
    end: int
    phrase: str
    anchor: str
    anchor_id: str
    lat: float
    lon: float
    radius_m: float
    precision: int
    relation: str
    distance_km: float | None = None
    bearing_deg: float | None = None
    #: the area itself when it is not a circle: a band along a border (shapely, lon/lat)
    geometry: object | None = None


def _number(token: str) -> float:
    token = token.lower()
    return float(_WORDS[token]) if token in _WORDS else float(token.replace(",", "."))


def _shift(lat: float, lon: float, bearing_deg: float, metres: float) -> tuple[float, float]:
    from pyproj import Geod

    lon2, lat2, _ = Geod(ellps="WGS84").fwd(lon, lat, bearing_deg, metres)
    return lat2, lon2


#: half-width of the band "near the X border" stands for
BORDER_BAND_M = 25_000.0


def _main_country(toponyms: Sequence, exclude: str | None = None) -> str | None:
    """The country the toponyms are most in: named, implied by demonyms, or holding the places."""
    counts: dict[str, int] = {}
    for t in toponyms:
        p = getattr(t, "place", None)
        if p is not None and p.country_code and p.country_code != exclude:
            counts[p.country_code] = counts.get(p.country_code, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _country_info(code: str):
    from geomap.gazetteer import load_countries_table

    return load_countries_table().get(code)


def _border_band(cc1: str, cc2: str, metres: float):
    """A band of ``metres`` either side of the land border between two countries, or None."""
    from geomap.boundaries import border_line, load_countries
    from geomap.errors import GeomapError
    from geomap.measure import buffer_m

    try:
        return buffer_m(border_line(load_countries(), cc1, cc2), metres)
    except GeomapError:
        return None


def _radius_m(area, centre) -> float:
    """Distance from ``centre`` to the farthest vertex of ``area`` (metres)."""
    from geomap.measure import distance_m

    coords = [c for poly in getattr(area, "geoms", [area]) for c in poly.exterior.coords]
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return float(max(distance_m([centre.y] * len(lats), [centre.x] * len(lons), lats, lons)))


def find_relative(text: str, toponyms: Sequence) -> list[RelativeLocation]:
    """Find the relative phrases anchored on resolved toponyms.

    Parameters
    ----------
    text : str
        The document.
    toponyms : sequence of Toponym
        Its resolved toponyms (from :func:`geomap.geoparse`).

    Returns
    -------
    list of RelativeLocation
        In text order.

    Examples
    --------
    >>> find_relative("", [])
    []
    """
    out: list[RelativeLocation] = []
    for t in toponyms:
        p = getattr(t, "place", None)
        if p is None:
            continue
        before = text[max(0, t.start - 60):t.start]
        base = t.start - len(before)
        m = DISTANCE.search(before)
        if m and p.feature != "country":  # "100 km from Tunisia's border" is a claim, not an area
            km = _number(m.group("num")) * UNIT_KM[m.group("unit").lower()]
            bearing = _BEARINGS.get((m.group("bearing") or "").lower())
            if bearing is None:  # "5 km from X": somewhere on a circle round X
                lat, lon, radius = p.lat, p.lon, km * 1000 * 1.15
            else:  # "30 km north of X": that point, give or take a third of the distance
                lat, lon = _shift(p.lat, p.lon, bearing, km * 1000)
                radius = max(km * 1000 / 3, 2_000.0)
            out.append(RelativeLocation(base + m.start(), t.end, text[base + m.start():t.end], t.text, p.source_id,
                                        lat, lon, radius, PRECISION_AREA, "distance", km, bearing))
            continue
        m = NEAR.search(before)
        if m and p.feature != "country":
            rel = m.group("rel").lower()
            key = next((k for k in NEAR_RADIUS_M if k in rel), "near")
            out.append(RelativeLocation(base + m.start(), t.end, text[base + m.start():t.end], t.text, p.source_id,
                                        p.lat, p.lon, NEAR_RADIUS_M[key] + p.uncertainty_m, PRECISION_AREA, rel))
            continue
        after = text[t.end:t.end + 12].lower()
        m = BORDER.search(before)
        if m and p.feature == "country" and re.match(r"['’]?s?\s*border", after):
            end = t.end + text[t.end:].lower().index("border") + len("border")
            phrase = text[base + m.start():end]
            other = _main_country(toponyms, exclude=p.country_code)
            band = _border_band(p.country_code, other, BORDER_BAND_M) if other else None
            if band is not None:
                centre = band.representative_point()
                radius = _radius_m(band, centre)
                out.append(RelativeLocation(base + m.start(), end, phrase, t.text, p.source_id, centre.y, centre.x,
                                            radius, PRECISION_AREA, f"border:{other}-{p.country_code}",
                                            geometry=band))
            else:
                out.append(RelativeLocation(base + m.start(), end, phrase, t.text, p.source_id, p.lat, p.lon,
                                            p.uncertainty_m, PRECISION_REGION, "border"))
    for m in PART.finditer(text):
        # "the country": the country the document is most about, named or not
        code = _main_country(toponyms)
        info = _country_info(code) if code else None
        if info is None:
            continue
        part = m.group("part").lower().replace("center", "centre")
        radius = (info.area_km2 / math.pi) ** 0.5 * 1000
        if part == "centre":
            lat, lon = info.lat, info.lon
        else:
            lat, lon = _shift(info.lat, info.lon, _BEARINGS[part], radius * 0.6)
        out.append(RelativeLocation(m.start(), m.end(), m.group(0), info.name, f"country:{code}", lat, lon,
                                    radius * 0.5, PRECISION_REGION, f"part:{part}"))
    return sorted(out, key=lambda r: (r.start, r.end))

