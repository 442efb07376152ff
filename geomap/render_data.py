"""The map's data blob: every layer as compact, columnar, deterministic JSON.

Presentation only: this module turns GeoDataFrames into the one JSON document the page's
script (``geomap/data/js/geomap.js``) draws, and computes nothing but encodings, the view
and the draw order. It is what lets a page hold 100,000 points: no per-feature HTML,
no per-feature JavaScript, popups built in the browser when a feature is clicked.

Layer encoding (``layers[i]``)::

    {"name": "places", "role": "places", "n": 3, "dropped": 0,
     "columns": ["name", "precision", ...],
     "data": {"name": ["Ben Gardane", ...],                   # a plain column, or
              "country_code": {"d": ["LY", "TN"], "c": [1, 0, ...]}},  # dictionary-coded (-1 = null)
     "xy": [11.22, 33.138, ...],       # all points: lon, lat pairs, 6 decimals; else
     "geoms": [{"type": "LineString", "coordinates": [...]}, ...],
     "time": "event_date"}             # the column the time slider filters on, if any

Determinism: rows are sorted by their attribute values then their coordinates (one
``numpy.lexsort``), floats are rounded to 6 decimals, dictionaries are sorted, keys keep
the column order, so the same layers give the same bytes whatever the input row order.

Safety: strings stay raw in the JSON (the page escapes them where it shows them), and the
serialised blob has ``<``, ``>``, ``&``, U+2028/9, backticks, ``$`` and the Jinja openers
``{{ {% {#`` as ``\\uXXXX`` escapes, so it can neither close its ``<script>`` element nor be
read as a template.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import geopandas
import numpy as np
import pandas as pd
import shapely

from geomap.errors import InputError

__all__ = ["KNOWN_ROLES", "encode_layer", "dumps_blob", "data_bounds", "time_column", "role_of", "draw_order",
           "check_layers"]

#: layer names with their own style, popups and legend entries; any other name is "generic"
KNOWN_ROLES = ("places", "areas", "bands", "border", "barrier", "distances", "claims", "events")
#: draw order: bands under areas under lines under points
_ROLE_ORDER = {"bands": 0, "areas": 1, "border": 2, "barrier": 3, "distances": 4, "claims": 5, "generic": 6,
               "places": 7, "events": 8}

_DIGITS = 6
_DICT_SHARE = 0.5  # dictionary-code a text column when it has at most this share of distinct values
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
              "`": "\\u0060", "$": "\\u0024"}


def role_of(name: str) -> str:
    """The drawing role of a layer named ``name`` (``"generic"`` unless a known name)."""
    return name if name in KNOWN_ROLES else "generic"


def draw_order(names: list[str]) -> list[str]:
    """Layer names in drawing order: by role, then by name."""
    return sorted(names, key=lambda name: (_ROLE_ORDER[role_of(name)], name))


def dumps_blob(blob: Mapping[str, Any]) -> str:
    """Serialise the blob as JSON that is safe inside ``<script type="application/json">``.

    >>> dumps_blob({"t": "</script>{{7*7}} ${x} `y`"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u007b{7*7}} \\\\u0024{x} \\\\u0060y\\\\u0060"}'
    """
    text = json.dumps(blob, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # these characters only ever occur inside JSON strings (a JSON object never opens with
    # "{{", "{%" or "{#"), where a \\uXXXX escape reads back as the same character
    for char, escaped in _JS_UNSAFE.items():
        if char in text:
            text = text.replace(char, escaped)
    for opener in ("{{", "{%", "{#"):
        while opener in text:
            text = text.replace(opener, "\\u007b" + opener[1])
    return text


# --------------------------------------------------------------------------- layers


def encode_layer(name: str, gdf: geopandas.GeoDataFrame) -> dict[str, Any]:
    """One layer as the columnar JSON object the page draws (see the module docstring).

    Parameters
    ----------
    name : str
        The layer's name; a name in :data:`KNOWN_ROLES` selects its style.
    gdf : GeoDataFrame
        EPSG:4326. Rows without a geometry are counted in ``"dropped"`` and left out.

    Returns
    -------
    dict
        JSON-ready; rows sorted by attributes then coordinates.
    """
    geoms = gdf.geometry.values
    keep = ~(pd.isna(geoms) | shapely.is_empty(np.asarray(geoms, dtype=object)))
    dropped = int((~keep).sum())
    frame = gdf[keep]
    geoms = np.asarray(frame.geometry.values, dtype=object)
    columns = [str(column) for column in frame.columns if column != frame.geometry.name]
    encoded, keys = {}, []
    for column, source in zip(columns, (c for c in frame.columns if c != frame.geometry.name)):
        value, key = _encode_column(frame[source], f"column {column!r} of layer {name!r}")
        encoded[column] = value
        keys.append(key)

    points = len(geoms) > 0 and bool((shapely.get_type_id(geoms) == 0).all())
    if points:
        xy = np.round(shapely.get_coordinates(geoms), _DIGITS)
        geometry_keys = [xy[:, 0], xy[:, 1]]
    else:
        wkt = shapely.to_wkt(geoms, rounding_precision=_DIGITS)
        geometry_keys = [pd.factorize(pd.Series(wkt, dtype=object), sort=True)[0]]
    # np.lexsort sorts by its last key first: attributes in column order, then the geometry
    order = np.lexsort([*geometry_keys[::-1], *keys[::-1]]) if len(geoms) else np.arange(0)

    layer: dict[str, Any] = {"name": name, "role": role_of(name), "n": int(len(geoms)), "dropped": dropped,
                             "columns": columns, "data": {c: _take(encoded[c], order) for c in columns}}
    if points:
        layer["xy"] = _floats(xy[order].ravel())
    else:
        layer["geoms"] = [_rounded(shapely.geometry.mapping(geoms[i])) for i in order]
    time = time_column(frame)
    if time is not None:
        layer["time"] = time
    return layer


def time_column(gdf: pd.DataFrame) -> str | None:
    """The column of ISO dates (``YYYY-MM-DD…``) the time slider filters on, if any.

    ``event_date`` first, then ``date``, then any column whose name ends in ``date``;
    it must hold at least one date and nothing but dates or nulls.
    """
    names = [str(c) for c in gdf.columns if c != getattr(gdf, "geometry", pd.Series()).name]
    ranked = sorted((c for c in names if c.lower().endswith("date")),
                    key=lambda c: (c.lower() != "event_date", c.lower() != "date", c))
    for column in ranked:
        values = gdf[column]
        if values.dtype.kind == "M":
            if values.notna().any():
                return column
            continue
        present = [v for v in pd.unique(values.dropna()).tolist()]  # distinct values: a few hundred dates
        if present and all(isinstance(v, str) and _DATE.match(v) for v in present):
            return column
    return None


def _take(value: Any, order: np.ndarray) -> Any:
    if isinstance(value, dict):
        return {"d": value["d"], "c": np.asarray(value["c"], dtype=np.int64)[order].tolist()}
    column = np.empty(len(value), dtype=object)
    column[:] = value
    return column[order].tolist()


def _encode_column(series: pd.Series, what: str) -> tuple[Any, np.ndarray]:
    """(JSON value, sort key) of one column: numbers as numbers, text plain or dictionary-coded."""
    kind = series.dtype.kind
    if kind == "b":
        return series.tolist(), series.to_numpy(dtype=np.int8)
    if kind in "iu" and not series.hasnans:
        return series.astype("int64").tolist(), series.to_numpy(dtype=np.int64)
    if kind in "iuf":
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        integral = kind in "iu"
        return _floats(np.round(numbers, _DIGITS), integral=integral), numbers
    if kind == "M":
        as_text = series.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
        return _dictionary(as_text.where(series.notna(), None))
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        present = series.dropna()
        if present.empty or not present.str[:1].isin(["[", "{"]).all():
            return _dictionary(series)
    return _mixed(series, what)


def _dictionary(series: pd.Series) -> tuple[Any, np.ndarray]:
    """Text (or JSON text keys) factorised in sorted order; dictionary-coded when it saves room."""
    codes, uniques = _factorize_sorted(series.astype(object).where(series.notna(), None))
    uniques = uniques.tolist()
    if len(uniques) <= _DICT_SHARE * len(series):
        return {"d": uniques, "c": codes.tolist()}, codes
    values = [None if code < 0 else uniques[code] for code in codes.tolist()]
    return values, codes


def _factorize_sorted(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)`` for text, faster: hash first, then sort the distinct values."""
    codes, uniques = pd.factorize(values, sort=False)
    if len(uniques) == 0:
        return codes, np.asarray(uniques, dtype=object)
    order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")  # code-point order, as Python sorts str
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return np.where(codes < 0, -1, rank[codes]), np.asarray(uniques, dtype=object)[order]


def _mixed(series: pd.Series, what: str) -> tuple[Any, np.ndarray]:
    """An object column: lists, dicts, numbers and text mixed, or JSON text of lists/dicts."""
    values = [_json_text(_plain(value)) for value in series.tolist()]
    keys = [None if v is None else (v if isinstance(v, str) else
                                    "\x00" + json.dumps(v, sort_keys=True, ensure_ascii=False))
            for v in values]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=True)
    if len(uniques) <= _DICT_SHARE * len(values):
        first = {}
        for value, code in zip(values, codes.tolist()):
            first.setdefault(code, value)
        return {"d": [first[i] for i in range(len(uniques))], "c": codes.tolist()}, codes
    return values, codes


def _json_text(value: Any) -> Any:
    """A list or dict that a GeoPackage (or a CSV) stored as JSON text, decoded; anything else as is."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, (list, dict)):
            return _plain(decoded)
    return value


def _plain(value: Any) -> Any:
    """A cell as a JSON value: NaN/NA → None, numpy → Python, floats rounded, tuples → lists."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, _DIGITS)
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return _plain(dataclasses.asdict(value))
    if pd.isna(value) is True:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _floats(values: np.ndarray, integral: bool = False) -> list[Any]:
    """Numbers as a JSON list: NaN → null; integral columns as ints."""
    out = values.tolist()
    if integral:
        return [None if v != v else int(v) for v in out]
    if np.isnan(values).any():
        return [None if v != v else v for v in out]
    return out


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, _DIGITS)
    if isinstance(obj, (list, tuple)):
        return [_rounded(item) for item in obj]
    if isinstance(obj, dict):
        return {key: _rounded(value) for key, value in obj.items()}
    return obj


# --------------------------------------------------------------------------- view


def data_bounds(layers: Mapping[str, geopandas.GeoDataFrame]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the data, precision rings included.

    Regions (``precision`` / ``geo_precision`` 3: a country named in passing) set the view
    only when nothing more precise is there, so the map opens on the event.
    """
    boxes, region = [], []
    for gdf in layers.values():
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        if len(geoms) == 0:
            continue
        bounds = shapely.bounds(geoms)  # xmin, ymin, xmax, ymax; NaN for empty / missing
        radius = _column(gdf, "uncertainty_m")
        precision = _column(gdf, "precision", "geo_precision")
        ring = np.where(np.isfinite(radius) & (radius > 0) & ~(precision >= 3), radius, 0.0)
        lat = np.clip(np.abs(bounds[:, 1]), 0, 89)
        dlat = ring / 111_320.0
        dlon = dlat / np.maximum(np.cos(np.radians(lat)), 0.01)
        boxes.append(np.column_stack([bounds[:, 1] - dlat, bounds[:, 0] - dlon,
                                      bounds[:, 3] + dlat, bounds[:, 2] + dlon]))
        region.append(precision >= 3)
    if not boxes:
        return None
    box, is_region = np.vstack(boxes), np.concatenate(region)
    valid = np.isfinite(box).all(axis=1)
    if (valid & ~is_region).any():
        valid &= ~is_region
    if not valid.any():
        return None
    box = box[valid]
    south, west = max(box[:, 0].min(), -85.0), max(box[:, 1].min(), -180.0)
    north, east = min(box[:, 2].max(), 85.0), min(box[:, 3].max(), 180.0)
    return [[round(float(south), _DIGITS), round(float(west), _DIGITS)],
            [round(float(north), _DIGITS), round(float(east), _DIGITS)]]


def _column(gdf: pd.DataFrame, *names: str) -> np.ndarray:
    for name in names:
        if name in gdf.columns:
            return pd.to_numeric(gdf[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.full(len(gdf), np.nan)


def check_layers(layers: Any, basemap: Any) -> None:
    """Raise :class:`InputError` naming the fix when a layer is not an EPSG:4326 GeoDataFrame."""
    if not isinstance(layers, Mapping):
        raise InputError(f"layers must be a mapping of name to GeoDataFrame, not {type(layers).__name__}")
    named = [(f"layer {name!r}", gdf) for name, gdf in layers.items()]
    if basemap is not None:
        named.append(("basemap", basemap))
    for label, gdf in named:
        if not isinstance(gdf, geopandas.GeoDataFrame):
            raise InputError(f"{label} must be a GeoDataFrame, not {type(gdf).__name__}")
        if gdf.crs is None:
            raise InputError(f"{label} has no CRS; if it holds lon/lat, call .set_crs('EPSG:4326')")
        if gdf.crs.to_epsg() != 4326:
            raise InputError(f"{label} is in {gdf.crs.to_string()}; reproject it with .to_crs('EPSG:4326') first")
