"""The theatre: the border, the barrier and the distances a build measures its places against.

A theatre file (JSON; the shipped one is the March 2016 Ben Guerdane raid) names
the border (``"TN-LY"``), the barrier to model (from one curated place to
another, offset into a country) with the lengths the articles report, and extra
place pairs to measure. This module turns it, the resolved places and the
country boundaries into layers, calling :mod:`geomap.measure` for every
number and :mod:`geomap.layers` for every frame.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd

from geomap import layers as ly
from geomap import measure
from geomap.boundaries import border_line, country, parse_border_spec
from geomap.errors import InputError
from geomap.gazetteer import Gazetteer, default_gazetteer
from geomap.model import Article, Place

__all__ = ["Theatre", "load_theatre", "place_measures", "barrier_geometry", "theatre_layers", "UNIT_KM"]

#: kilometres per unit for reported lengths
UNIT_KM = {"km": 1.0, "kilometre": 1.0, "kilometer": 1.0, "mi": 1.609344, "mile": 1.609344, "m": 0.001}
#: places closer than this to the border get a distance line to it
BORDER_LINE_MAX_KM = 300.0
#: how every distance in the layers is computed
DISTANCE_METHOD = "geodesic WGS84 (pyproj Geod)"


@dataclass(frozen=True)
class Theatre:
    """What a build focuses on: the border to measure against, the barrier, extra distance pairs."""

    title: str
    border: str
    barrier: dict[str, Any] | None
    distances: tuple[tuple[str, str], ...]
    border_reference_km: dict[str, Any] | None = None
    path: str = ""


def load_theatre(path: str | Path | None = None) -> Theatre:
    """Read a theatre file (JSON); the shipped Ben Guerdane theatre by default.

    Raises
    ------
    InputError
        If the file is missing or malformed; the message names the key at fault.
    """
    src = Path(path) if path else Path(str(resources.files("geomap") / "data" / "theatre.json"))
    try:
        data = json.loads(src.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"theatre file {src} does not exist; pass an existing JSON file to --theatre.") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"theatre file {src} is not valid JSON: {exc}") from None
    if "border" not in data:
        raise InputError(f'theatre file {src} needs a "border" key such as "TN-LY" (ISO alpha-2 codes).')
    pairs = tuple((str(a), str(b)) for a, b in data.get("distances", []))
    return Theatre(
        title=str(data.get("title") or "geomap"),
        border=str(data["border"]),
        barrier=data.get("barrier"),
        distances=pairs,
        border_reference_km=data.get("border_reference_km"),
        path=str(src),
    )




def _quote_span(articles: Mapping[str, Article], article_id: str, quote: str) -> tuple[int | None, int | None]:
    art = articles.get(article_id)
    if art is None:
        return None, None
    i = art.text.find(quote)
    return (i, i + len(quote)) if i >= 0 else (None, None)


def place_measures(places: Sequence[Place], border, countries: gpd.GeoDataFrame) -> dict[str, dict[str, Any]]:
    """Distance to the border (km), nearest border point and side for every point-like place.

    Countries (precision 3) get only their side; their distance to a border is not meaningful.
    """
    out: dict[str, dict[str, Any]] = {}
    for p in places:
        side = p.country_code if p.feature == "country" else measure.side_of(p.lat, p.lon, countries)
        rec: dict[str, Any] = {"side": side, "border_km": None, "nearest_lat": None, "nearest_lon": None}
        if p.feature != "country":
            near = measure.nearest_point(p.lat, p.lon, border)
            rec.update(border_km=round(near.distance_m / 1000, 3), nearest_lat=round(near.lat, 6),
                       nearest_lon=round(near.lon, 6))
        out[p.source_id] = rec
    return out


def barrier_geometry(theatre: Theatre, countries: gpd.GeoDataFrame, gazetteer: Gazetteer):
    """The modelled barrier line (lon/lat), or ``None`` when the theatre has no barrier.

    The part of the theatre's border between the points nearest to the barrier's
    two end places, moved ``offset_m`` into the ``inside`` country.
    """
    spec = theatre.barrier
    if not spec:
        return None
    ends = []
    for key in ("from", "to"):
        ref = spec.get(key)
        entry = gazetteer.entry(str(ref))
        if entry is None:
            raise InputError(f"theatre {theatre.path}: barrier '{key}' = {ref!r} is not a known place id "
                             "(use an id such as 'sup:ras-jedir-crossing' from the supplement gazetteer).")
        ends.append((entry.lat, entry.lon))
    cc1, cc2 = parse_border_spec("border:" + theatre.border)
    part = measure.line_between(border_line(countries, cc1, cc2), ends[0], ends[1])
    inside = spec.get("inside")
    if not inside:
        return part
    return measure.offset_into(part, country(countries, inside), float(spec.get("offset_m", 0)))


def _barrier_rows(theatre: Theatre, countries, gazetteer: Gazetteer, articles) -> list[dict]:
    spec = theatre.barrier
    geom = barrier_geometry(theatre, countries, gazetteer)
    if geom is None:
        return []
    length_km = measure.geodesic_length_m(geom) / 1000
    reported = []
    for r in spec.get("reported", []):
        unit = str(r.get("unit", "km"))
        if unit not in UNIT_KM:
            raise InputError(f"theatre {theatre.path}: unknown unit {unit!r}; use one of {sorted(UNIT_KM)}.")
        start, end = _quote_span(articles, r.get("article_id", ""), r.get("quote", ""))
        km = float(r["value"]) * UNIT_KM[unit]
        reported.append({"value": r["value"], "unit": unit, "km": round(km, 1),
                         "diff_km": round(km - length_km, 1), "article_id": r.get("article_id"),
                         "start": start, "end": end, "quote": r.get("quote", "")})
    return [{
        "name": spec.get("name", "barrier"),
        "approximate": bool(spec.get("approximate", True)),
        "length_km": round(length_km, 3),
        "offset_m": float(spec.get("offset_m", 0)),
        "reported": reported,
        "note": spec.get("note", ""),
        "geometry": geom,
    }]


def theatre_layers(
    places: Sequence[Place],
    countries: gpd.GeoDataFrame,
    theatre: Theatre,
    articles: Sequence[Article] = (),
    gazetteer: Gazetteer | None = None,
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, Any]]:
    """Build the ``places``, ``areas``, ``border``, ``barrier`` and ``distances`` layers.

    Parameters
    ----------
    places : sequence of Place
        Resolved places.
    countries : GeoDataFrame
        Country polygons with ``iso_a2``.
    theatre : Theatre
        Border, barrier and distance pairs.
    articles : sequence of Article
        For tying reported figures to their offsets.
    gazetteer : Gazetteer, optional
        Where theatre places that no article mentions (the barrier's ends) are
        found by id; the default gazetteer when omitted.

    Returns
    -------
    layers : dict of GeoDataFrame
    figures : dict
        Headline numbers (border length, barrier length, ...) for the CLI summary.
    """
    cc1, cc2 = parse_border_spec("border:" + theatre.border)
    border = border_line(countries, cc1, cc2)
    border_km = measure.geodesic_length_m(border) / 1000
    by_art = {a.id: a for a in articles}
    by_id = {p.source_id: (p.lat, p.lon) for p in places}
    gaz = gazetteer or default_gazetteer()
    measures = place_measures(places, border, countries)
    places_gdf = ly.places_frame(places, measures)

    areas = [
        {"name": p.canonical_name, "source_id": p.source_id, "precision": p.precision,
         "uncertainty_m": p.uncertainty_m, "geometry": measure.buffer_m(ly.Point(p.lon, p.lat), p.uncertainty_m)}
        for p in places if p.precision == 2 and p.uncertainty_m > 0
    ]
    ref = theatre.border_reference_km or {}
    border_rows = [{
        "name": f"{cc1}–{cc2} border", "countries": f"{cc1}-{cc2}", "length_km": round(border_km, 3),
        "reference_km": ref.get("value"), "reference_source": ref.get("source"),
        "source": "Natural Earth 1:10m admin-0 (public domain)", "geometry": border,
    }]
    barrier_rows = _barrier_rows(theatre, countries, gaz, by_art)

    dist_rows = []
    names = {p.source_id: p.canonical_name for p in places}
    for p in places:
        m = measures[p.source_id]
        if m["border_km"] is not None and m["border_km"] <= BORDER_LINE_MAX_KM:
            dist_rows.append({
                "from": p.canonical_name, "to": f"{cc1}–{cc2} border", "km": m["border_km"], "kind": "to border",
                "from_id": p.source_id, "to_id": f"border:{cc1}-{cc2}", "method": DISTANCE_METHOD,
                "geometry": ly.line((p.lat, p.lon), (m["nearest_lat"], m["nearest_lon"])),
            })
    for a, b in theatre.distances:
        if a in by_id and b in by_id:
            km = float(measure.distance_m(*by_id[a], *by_id[b])) / 1000
            dist_rows.append({
                "from": names[a], "to": names[b], "km": round(km, 3), "kind": "between places",
                "from_id": a, "to_id": b, "method": DISTANCE_METHOD, "geometry": ly.line(by_id[a], by_id[b]),
            })
    dist_rows.sort(key=lambda r: (r["kind"], r["from_id"], r["to_id"]))
    layers = {
        "places": places_gdf,
        "areas": ly.line_frame(areas, ["name", "source_id", "precision", "uncertainty_m"]),
        "border": ly.line_frame(border_rows, ["name", "countries", "length_km", "reference_km", "reference_source", "source"]),
        "barrier": ly.line_frame(barrier_rows, ["name", "approximate", "length_km", "offset_m", "reported", "note"]),
        "distances": ly.line_frame(dist_rows, ["from", "to", "km", "kind", "from_id", "to_id", "method"]),
    }
    figures = {"border_km": round(border_km, 1), "border_label": f"{cc1}–{cc2} border",
               "barrier_km": round(barrier_rows[0]["length_km"], 1) if barrier_rows else None,
               "places": len(places), "distances": {f"{r['from']} → {r['to']}": round(r["km"], 1) for r in dist_rows}}
    return layers, figures
