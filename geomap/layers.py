"""Building the layers as GeoDataFrames (EPSG:4326) and reading / writing them.

Layers built here: ``places``, ``areas``, ``border``, ``barrier``, ``distances``.
Distances and nearest points are computed by :mod:`geomap.measure` and passed in;
this module only assembles rows and serialises them.

Files are deterministic: features sorted by a stable key, coordinates rounded
to 6 decimals (≈ 0.1 m), keys in a fixed order, GeoPackage timestamps pinned.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, mapping

from geomap.model import Place

__all__ = [
    "CRS",
    "places_frame",
    "line_frame",
    "write_geojson",
    "write_geopackage",
    "write_layers",
    "read_layer",
    "feature_collection",
    "bands_frame",
]

CRS = "EPSG:4326"
COORD_DECIMALS = 6


def _clean(value: Any) -> Any:
    """JSON-safe, deterministic value: NaN → None, numpy scalars → Python, floats rounded."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 6)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), COORD_DECIMALS) for v in obj]
        return [_round_coords(v) for v in obj]
    return obj


def places_frame(places: Sequence[Place], measures: Mapping[str, Mapping[str, Any]] | None = None) -> gpd.GeoDataFrame:
    """One point per resolved place, with its mentions and border measures.

    Parameters
    ----------
    places : sequence of Place
        Resolved places with their mentions.
    measures : mapping, optional
        ``source_id → {"border_km", "side", "nearest_lat", "nearest_lon", ...}`` as
        computed by :mod:`geomap.measure`.

    Returns
    -------
    GeoDataFrame
        Columns ``name, names_written, canonical_name, country_code, feature,
        precision, uncertainty_m, source_id, method, score, n_mentions, articles,
        mentions, border_km, side, nearest_lat, nearest_lon``; sorted by source id.
    """
    measures = measures or {}
    rows = []
    for p in sorted(places, key=lambda p: p.source_id):
        written: dict[str, int] = {}
        for m in p.mentions:
            written[m.text] = written.get(m.text, 0) + 1
        name = max(sorted(written), key=lambda k: written[k]) if written else p.canonical_name
        extra = measures.get(p.source_id, {})
        rows.append(
            {
                "name": name,
                "names_written": sorted(written),
                "canonical_name": p.canonical_name,
                "country_code": p.country_code,
                "feature": p.feature,
                "precision": int(p.precision),
                "uncertainty_m": float(p.uncertainty_m),
                "source_id": p.source_id,
                "method": p.method,
                "score": round(float(p.score), 4),
                "n_mentions": len(p.mentions),
                "articles": sorted({m.article_id for m in p.mentions}),
                "mentions": [
                    {"article_id": m.article_id, "start": m.start, "end": m.end, "text": m.text, "kind": m.kind,
                     "sentence": m.sentence}
                    for m in sorted(p.mentions, key=lambda m: (m.article_id, m.start))
                ],
                "border_km": extra.get("border_km"),
                "side": extra.get("side"),
                "nearest_lat": extra.get("nearest_lat"),
                "nearest_lon": extra.get("nearest_lon"),
                "geometry": Point(p.lon, p.lat),  # the one lat/lon → lon/lat swap for places
            }
        )
    columns = ["name", "names_written", "canonical_name", "country_code", "feature", "precision", "uncertainty_m",
               "source_id", "method", "score", "n_mentions", "articles", "mentions", "border_km", "side",
               "nearest_lat", "nearest_lon", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry", crs=CRS)


def line_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> gpd.GeoDataFrame:
    """A GeoDataFrame from row dicts that each carry a ``geometry``; columns in the given order."""
    frame = pd.DataFrame([dict(r) for r in rows], columns=[*columns, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


def feature_collection(gdf: gpd.GeoDataFrame, name: str) -> dict[str, Any]:
    """RFC 7946 FeatureCollection of a layer: lon/lat, rounded, properties in column order."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(CRS)
    props = [c for c in gdf.columns if c != gdf.geometry.name]
    features = []
    columns = [gdf[c].tolist() for c in props]
    for geom, *values in zip(gdf.geometry.tolist(), *columns):
        rec = dict(zip(props, values))
        gj = None
        if geom is not None and not geom.is_empty:
            gj = mapping(geom)
            gj = {"type": gj["type"], "coordinates": _round_coords(gj["coordinates"])}
        features.append({"type": "Feature", "properties": {k: _clean(rec[k]) for k in props}, "geometry": gj})
    return {"type": "FeatureCollection", "name": name, "features": features}


def write_geojson(gdf: gpd.GeoDataFrame, path: str | Path, name: str | None = None) -> Path:
    """Write one layer as deterministic GeoJSON (UTF-8, one feature per line)."""
    path = Path(path)
    fc = feature_collection(gdf, name or path.stem)
    head = json.dumps({"type": "FeatureCollection", "name": fc["name"]}, ensure_ascii=False)[:-1]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    body = head + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(body, encoding="utf-8")
    return path


def _flat_for_gpkg(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and dicts become JSON strings (GeoPackage columns are scalar)."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].map(lambda v: isinstance(v, (list, dict, tuple))).any():
            out[col] = out[col].map(lambda v: json.dumps(_clean(v), ensure_ascii=False, sort_keys=True)
                                    if isinstance(v, (list, dict, tuple)) else v)
    return out


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> Path:
    """Write all layers into one GeoPackage (replaced, not appended; timestamps pinned)."""
    import pyogrio

    path = Path(path)
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2016-03-07T00:00:00Z", "OGR_SQLITE_JOURNAL": "OFF"})
    for name in sorted(layers):
        gdf = layers[name]
        if gdf.empty:
            continue
        _flat_for_gpkg(gdf).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def write_layers(layers: Mapping[str, gpd.GeoDataFrame], directory: str | Path, gpkg_name: str = "geomap.gpkg") -> list[Path]:
    """Write every layer as ``DIR/<name>.geojson`` plus ``DIR/geomap.gpkg``; returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = [write_geojson(gdf, directory / f"{name}.geojson", name) for name, gdf in sorted(layers.items())]
    written.append(write_geopackage(layers, directory / gpkg_name))
    return written


def read_layer(path: str | Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a layer written by geomap (or any GDAL-readable file) back as a GeoDataFrame in EPSG:4326."""
    gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    if gdf.crs is None:
        gdf = gdf.set_crs(CRS)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(CRS)
    return gdf


def line(a_latlon: tuple[float, float], b_latlon: tuple[float, float]) -> LineString:
    """A straight two-point line from (lat, lon) pairs, in lon/lat order."""
    return LineString([(a_latlon[1], a_latlon[0]), (b_latlon[1], b_latlon[0])])


def bands_frame(lines: gpd.GeoDataFrame, distances_km: Sequence[float] = (10, 25, 50), *,
                of: str = "border") -> gpd.GeoDataFrame:
    """Proximity bands (geodesic, from :func:`geomap.measure.proximity_bands`) around a line layer.

    Parameters
    ----------
    lines : GeoDataFrame
        The border (or any line layer) in EPSG:4326; its rows are merged into one line.
    distances_km : sequence of float
        Outer distances of the bands in km (10, 25 and 50 km by default).
    of : str
        What the line is, for the labels ("border", "barrier").

    Returns
    -------
    GeoDataFrame
        Columns ``name, inner_km, outer_km, of`` and the ring polygons, nearest band first;
        empty when *lines* has no geometry.
    """
    from geomap.measure import proximity_bands

    columns = ["name", "inner_km", "outer_km", "of"]
    geoms = [g for g in lines.to_crs(CRS).geometry if g is not None and not g.is_empty] if len(lines) else []
    if not geoms:
        return line_frame([], columns)
    import shapely

    merged = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    rows = []
    for inner, outer, ring in proximity_bands(merged, distances_km):
        span = f"{outer:g} km" if inner == 0 else f"{inner:g}–{outer:g} km"
        rows.append({"name": f"{span} from the {of}", "inner_km": inner, "outer_km": outer, "of": of,
                     "geometry": ring})
    return line_frame(rows, columns)


def events_frame(events: Sequence[Any]) -> gpd.GeoDataFrame:
    """One point per consolidated event, with the properties of the events/claims layer contract.

    Parameters
    ----------
    events : sequence of geomap.model.Event
        Consolidated events (:func:`geomap.events.extract_events`).

    Returns
    -------
    GeoDataFrame
        ``event_id, event_date, year, time_precision, date_start, date_end, event_type,
        sub_event_type, actor1, actor2, actors, location, country, admin1, geo_precision,
        uncertainty_m, fatalities, fatalities_min, fatalities_max, fatalities_by_source,
        figures, sources, n_sources, notes, quotes``; a Point at the event's place (none
        when the text ties it to no place). Sorted by event id order as given.
    """
    from geomap.events.consolidate import headline, source_totals

    rows = []
    for e in events:
        fatal, lo, hi = headline(e.figures)
        rows.append({
            "event_id": e.id,
            "event_date": e.date,
            "year": int(e.date[:4]) if e.date else None,
            "time_precision": int(e.time_precision),
            "date_start": e.date_start,
            "date_end": e.date_end,
            "event_type": e.event_type,
            "sub_event_type": e.sub_event_type,
            "actor1": e.actor1,
            "actor2": e.actor2,
            "actors": list(e.actors),
            "location": e.location,
            "country": e.country,
            "admin1": e.admin1,
            "geo_precision": int(e.geo_precision),
            "uncertainty_m": float(e.uncertainty_m),
            "fatalities": fatal,
            "fatalities_min": lo,
            "fatalities_max": hi,
            "fatalities_by_source": source_totals(e.figures),
            "figures": [{"group": f.group, "kind": f.kind, "value": f.value, "qualifier": f.qualifier,
                         "high": f.high, "partial": f.partial, "article_id": f.article_id, "start": f.start,
                         "end": f.end, "quote": f.quote, "sentence": f.sentence} for f in e.figures],
            "sources": list(e.sources),
            "n_sources": len(e.sources),
            "notes": event_notes(e),
            "quotes": [{"article_id": q.article_id, "start": q.start, "end": q.end, "quote": q.quote, "role": q.role}
                       for q in e.evidence],
            "geometry": Point(e.lon, e.lat) if e.lat is not None and e.lon is not None else None,
        })
    columns = ["event_id", "event_date", "year", "time_precision", "date_start", "date_end", "event_type",
               "sub_event_type", "actor1", "actor2", "actors", "location", "country", "admin1", "geo_precision",
               "uncertainty_m", "fatalities", "fatalities_min", "fatalities_max", "fatalities_by_source", "figures",
               "sources", "n_sources", "notes", "quotes"]
    frame = pd.DataFrame(rows, columns=[*columns, "geometry"])
    for col in ("year", "fatalities", "fatalities_min", "fatalities_max"):  # int or None, never a float
        frame[col] = pd.Series([r[col] for r in rows], index=frame.index, dtype=object)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


def event_notes(event: Any) -> str:
    """ACLED-style notes: what, where, when, the toll each source gives, and the caveats."""
    from geomap.events.consolidate import source_totals

    when = event.date or "date unknown"
    head = f"{event.sub_event_type} ({event.event_type}) at {event.location or 'an unknown place'}, {when}"
    if event.actor1:
        head += f": {event.actor1}" + (f" vs {event.actor2}" if event.actor2 else "")
    totals = source_totals(event.figures)
    parts = [head + "."]
    if totals:
        parts.append("Killed per source: " + "; ".join(f"{a} {v}" for a, v in totals.items()) + ".")
    parts.append(f"Sources: {', '.join(event.sources)}.")
    parts.extend(f"{n}." if not n.endswith(".") else n for n in event.notes)
    return " ".join(parts)


def claims_frame(claims: Sequence[Any]) -> gpd.GeoDataFrame:
    """One line per claim: from the subject to the object (or the measured line itself for a length).

    Returns
    -------
    GeoDataFrame
        ``claim_id, article_id, start, end, quote, kind, subject, object, stated_value,
        stated_unit, stated_km, qualifier, computed_km, difference_km, tolerance_km, verdict,
        method, sentence``.
    """
    columns = ["claim_id", "article_id", "start", "end", "quote", "kind", "subject", "object", "stated_value",
               "stated_unit", "stated_km", "qualifier", "computed_km", "difference_km", "tolerance_km", "verdict",
               "method", "sentence"]
    rows = [{**{c: getattr(c_, c) for c in columns}, "geometry": c_.geometry} for c_ in claims]
    return line_frame(rows, columns)
