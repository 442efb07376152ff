"""The folium map: offline, deterministic, with every piece of article text escaped.

Presentation only: this module draws what the layers already say (coordinates, distances,
lengths) and computes nothing but styles, labels and the view.

- **Offline.** Every folium element's CDN links (``default_js`` / ``default_css``) are
  dropped and Leaflet is inlined from the XStatic package (:mod:`geomap.assets`). Markers are
  Leaflet circle markers, so neither awesome-markers, Font Awesome, Bootstrap nor jQuery is
  needed. The default base layer is a vector one (country polygons on a sea-coloured
  background); online tiles are optional base layers that load only when picked.
- **Deterministic.** Features are sorted, coordinates rounded to 6 decimals and branca's
  random element ids replaced by a counter, so the same input gives the same bytes.
- **Escaped.** Text from articles is untrusted: it is HTML-escaped, and the characters that
  matter to Jinja and to JS template literals (``{ } ` $ \\``) become character references,
  so a name such as ``<script>``, ``{{7*7}}`` or ``${alert(1)}`` shows up as text.

>>> html = render_map({"places": places_gdf}, title="Ben Gardane, March 2016")  # doctest: +SKIP
>>> write_map(html, "maps/ben_gardane.html")                                   # doctest: +SKIP
PosixPath('maps/ben_gardane.html')
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable

import folium
import geopandas
import shapely
from branca.element import Element
from folium.elements import JSCSSMixin
from folium.template import Template
from shapely.geometry.base import BaseGeometry

from geomap.assets import inline_tags
from geomap.errors import GeomapError, InputError
from geomap.model import PRECISION_AREA, PRECISION_POINT, PRECISION_REGION

__all__ = [
    "MapStyle",
    "STYLE",
    "render_map",
    "write_map",
    "escape_text",
    "external_references",
]

#: Optional online base layers: (name, URL template, attribution as plain text).
ONLINE_TILES = (
    ("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    (
        "Satellite (Esri)",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Tiles © Esri — Esri, Maxar, Earthstar Geographics, GIS User Community",
    ),
)

_PRECISION_LABEL = {PRECISION_POINT: "point", PRECISION_AREA: "area", PRECISION_REGION: "region"}
_COORD_DIGITS = 6
_BASEMAP_DIGITS = 4  # ~11 m: finer than the basemap's simplification
_BASEMAP_SIMPLIFY_DEG = 0.005  # ~500 m; the border itself is drawn from its own layer
_BASEMAP_MARGIN_DEG = 10.0  # basemap kept ~1,000 km around the data, not the whole world
_MAX_SENTENCES = 20
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class MapStyle:
    """Colours and line styles of the map and its legend."""

    sea: str = "#aacbdc"
    blank: str = "#e9e9e6"
    land: str = "#f3f0e6"
    land_edge: str = "#a8a08a"
    border: str = "#8b0000"
    barrier: str = "#f28c00"
    barrier_dash: str = "10 7"
    distance: str = "#5a5a5a"
    distance_dash: str = "4 5"
    area: str = "#6a3d9a"
    area_dash: str = "6 5"
    generic: str = "#1b7f79"
    #: marker fill by precision: 1 point, 2 area, 3 region
    precision: tuple[str, str, str] = ("#1f4e9c", "#6a3d9a", "#8a8a8a")
    marker_radius: int = 7


STYLE = MapStyle()

# Leaflet panes keep the draw order when layers are switched off and on again.
_PANES = (("geomapBase", 350), ("geomapAreas", 380), ("geomapPlaces", 450))


# --------------------------------------------------------------------------- public API


def render_map(
    layers: Mapping[str, geopandas.GeoDataFrame],
    *,
    title: str = "geomap",
    basemap: geopandas.GeoDataFrame | None = None,
    online_tiles: bool = True,
) -> str:
    """Draw the layers as one self-contained, offline HTML page.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        EPSG:4326 layers by name. ``"places"``, ``"border"``, ``"barrier"`` and
        ``"distances"`` get their own styles and popups; any other name is drawn generically
        with all its attributes in the popup. Every column is optional.
    title : str
        Page title and heading of the legend box (escaped).
    basemap : GeoDataFrame, optional
        Country polygons (``iso_a2``, ``name``) drawn as the default base layer
        "Countries (offline)" on a sea-coloured background.
    online_tiles : bool
        Offer OpenStreetMap and Esri satellite tiles as optional base layers. They are never
        the default, so nothing is requested from the network until a user picks one.

    Returns
    -------
    str
        The HTML page; the same input always gives the same string.

    Raises
    ------
    InputError
        A layer is not a GeoDataFrame, or not in EPSG:4326.
    """
    _check_layers(layers, basemap)
    data_bounds = _data_bounds(layers)
    m = folium.Map(tiles=None, location=_centre(data_bounds), zoom_start=6, control_scale=True,
                   minZoom=2, maxZoom=18)
    m.get_root().title = escape_text(title)
    for pane, z_index in _PANES:
        folium.map.CustomPane(pane, z_index=z_index, pointer_events=True).add_to(m)

    _add_base_layers(m, basemap, data_bounds, online_tiles)
    present = []
    for name, gdf in _ordered(layers):
        builder = _BUILDERS.get(name)
        if builder is None:
            _generic_layer(m, name, gdf)
        else:
            builder(m, gdf)
        present.append(name)
    folium.LayerControl(collapsed=False).add_to(m)
    if data_bounds is not None:
        # the layer control (top right) and the legend (bottom right) stay clear of the data
        m.fit_bounds(data_bounds, padding_top_left=(30, 30), padding_bottom_right=(280, 30), max_zoom=12)

    figure = m.get_root()
    figure.header.add_child(_Raw(inline_tags("leaflet")), name="leaflet", index=1)
    figure.header.add_child(_Raw(_page_css(has_basemap=basemap is not None)), name="geomap_css")
    figure.html.add_child(_Raw(_legend_html(title, present, has_basemap=basemap is not None)), name="geomap_legend")
    _freeze(figure)
    page = figure.render()

    leaks = external_references(page)
    if leaks:  # a folium upgrade added a resource this module does not yet inline
        raise GeomapError(f"the map would load {leaks} from the network; inline them in geomap.render")
    return page


def write_map(html: str, path: str | Path) -> Path:
    """Write a rendered map to ``path`` (UTF-8, parent folders created); return the path."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a file name such as {path / 'map.html'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8", newline="")
    return path


def escape_text(value: object) -> str:
    """Escape any value for HTML, Jinja templates and JS template literals alike.

    >>> escape_text("<b>{{7*7}}</b> ${x} `y`")
    '&lt;b&gt;&#123;&#123;7*7&#125;&#125;&lt;/b&gt; &#36;&#123;x&#125; &#96;y&#96;'
    """
    return html.escape(str(value), quote=True).translate(_EXTRA_ESCAPES)


_EXTRA_ESCAPES = str.maketrans({"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def external_references(page: str) -> list[str]:
    """Return the http(s) URLs a page loads through ``<script src>`` or ``<link href>``."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    return [url for url in finder.urls if url.lower().startswith(("http:", "https:", "//"))]


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        self.urls += [value for key, value in attrs if key == wanted and value]


# --------------------------------------------------------------------------- input checks


def _check_layers(layers: Mapping[str, Any], basemap: Any) -> None:
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
            raise InputError(f"{label} is in {gdf.crs.to_string()}; call .to_crs('EPSG:4326') first")


_KNOWN_ORDER = ("places", "border", "barrier", "distances")


def _ordered(layers: Mapping[str, geopandas.GeoDataFrame]) -> list[tuple[str, geopandas.GeoDataFrame]]:
    """Known layers in drawing order, then the others by name (the dict's order is ignored)."""
    known = [name for name in _KNOWN_ORDER if name in layers]
    return [(name, layers[name]) for name in known + sorted(set(layers) - set(known))]


# --------------------------------------------------------------------------- rows and values


def _records(gdf: geopandas.GeoDataFrame, *keys: str) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Rows with a geometry, as (attributes, geometry), sorted by ``keys`` then geometry."""
    attrs = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    rows = [(row, geom) for row, geom in zip(attrs, gdf.geometry) if geom is not None and not geom.is_empty]

    def order(item: tuple[dict[str, Any], BaseGeometry]) -> tuple[Any, ...]:
        row, geom = item
        return (*(_plain(row.get(key)) for key in keys), shapely.to_wkt(geom, rounding_precision=_COORD_DIGITS))

    return sorted(rows, key=order)


def _value(row: Mapping[str, Any], key: str) -> Any:
    """``row[key]``, or None when missing, NaN, NA or an empty string."""
    value = row.get(key)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        value = value.tolist()
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    return value


def _plain(value: Any) -> str:
    """A value as plain text with fixed formatting (lists and dicts as sorted JSON)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(round(value, _COORD_DIGITS))
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _number(row: Mapping[str, Any], key: str) -> float | None:
    value = _value(row, key)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _km(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f} km"


def _json_list(value: Any, what: str) -> list[Any]:
    """A list column that may also arrive as a JSON string (after a GeoJSON round trip)."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InputError(f"{what} is neither a list nor a JSON list: {exc}") from None
    items = value if isinstance(value, (list, tuple)) else [value]
    items = [dataclasses.asdict(item) if dataclasses.is_dataclass(item) else item for item in items]
    if not all(isinstance(item, Mapping) for item in items):
        raise InputError(f"{what} must be a list of objects (dicts), got {value!r:.200}")
    return items


def _latlon(coords: Any) -> list[list[float]]:
    """GeoJSON-order (lon, lat) coordinates to Leaflet's [lat, lon], rounded. The one axis swap."""
    return [[round(y, _COORD_DIGITS), round(x, _COORD_DIGITS)] for x, y, *_ in coords]


def _lines(geom: BaseGeometry) -> list[list[list[float]]]:
    parts = getattr(geom, "geoms", [geom])
    return [_latlon(part.coords) for part in parts if not part.is_empty]


# --------------------------------------------------------------------------- HTML pieces


def _table(rows: list[tuple[str, str]]) -> str:
    """A label/value table; labels are escaped here, values must already be safe HTML."""
    cells = "".join(f"<tr><th>{escape_text(label)}</th><td>{value}</td></tr>" for label, value in rows if value)
    return f"<table>{cells}</table>" if cells else ""


def _popup_html(heading: str, rows: list[tuple[str, str]], extra: str = "") -> str:
    return f'<div class="geomap-popup"><b>{escape_text(heading)}</b>{_table(rows)}{extra}</div>'


def _quotes(items: list[tuple[str, str, str]]) -> str:
    """Quoted sentences as (sentence, highlighted part, article id), escaped and capped."""
    shown = [_quote(*item) for item in items[:_MAX_SENTENCES]]
    if len(items) > _MAX_SENTENCES:
        shown.append(f"<p>… and {len(items) - _MAX_SENTENCES} more</p>")
    return "".join(shown)


def _quote(sentence: str, part: str, article_id: str) -> str:
    at = sentence.find(part) if part else -1
    if at < 0:
        body = escape_text(sentence)
    else:
        end = at + len(part)
        body = f"{escape_text(sentence[:at])}<mark>{escape_text(part)}</mark>{escape_text(sentence[end:])}"
    return f'<blockquote>{body}<cite>{escape_text(article_id)}</cite></blockquote>'


# --------------------------------------------------------------------------- layer builders


def _group(m: folium.Map, name: str, *, overlay: bool = True) -> folium.FeatureGroup:
    return folium.FeatureGroup(name=escape_text(name), overlay=overlay).add_to(m)


def _decorate(item: Element, popup: str | None, tooltip: str | None, pane: str | None = None) -> Element:
    """Attach an escaped popup / tooltip and a pane to a folium vector element."""
    if pane:
        item.options["pane"] = pane
    if popup:
        item.add_child(_Popup(popup))
    if tooltip:
        item.add_child(folium.Tooltip(escape_text(tooltip), sticky=True))
    return item


def _add_base_layers(m: folium.Map, basemap: geopandas.GeoDataFrame | None,
                     bounds: list[list[float]] | None, online_tiles: bool) -> None:
    if basemap is not None:
        group = _group(m, "Countries (offline)", overlay=False)
        countries = _basemap_rows(basemap, bounds)
        features = [{"type": "Feature", "id": str(number), "properties": {"iso_a2": iso_a2, "name": name},
                     "geometry": _rounded(geom.__geo_interface__, _BASEMAP_DIGITS)}
                    for number, (iso_a2, name, geom) in enumerate(countries)]
        folium.GeoJson({"type": "FeatureCollection", "features": features}, style_function=_country_style,
                       control=False, interactive=False, pane="geomapBase").add_to(group)
        for location, name in _country_labels(countries, bounds):
            label = folium.Marker(location, interactive=False, keyboard=False, pane="geomapBase", icon=folium.DivIcon(
                html=f"<span>{escape_text(name)}</span>", icon_size=(160, 16), icon_anchor=(80, 8),
                class_name="geomap-country-label"))
            label.add_to(group)
    elif online_tiles:  # an empty offline default, so no tile is fetched until asked for
        _group(m, "Blank (offline)", overlay=False)
    if online_tiles:
        for name, url, attribution in ONLINE_TILES:
            folium.TileLayer(url, name=name, attr=attribution, overlay=False, show=False, max_zoom=19).add_to(m)


def _country_style(feature: dict[str, Any]) -> dict[str, Any]:
    return {"color": STYLE.land_edge, "weight": 0.8, "fillColor": STYLE.land, "fillOpacity": 1.0}


def _basemap_rows(basemap: geopandas.GeoDataFrame,
                  bounds: list[list[float]] | None) -> list[tuple[str, str, BaseGeometry]]:
    """(iso_a2, name, geometry) of the countries around the data, simplified for a lean page."""
    window = _box(bounds, _BASEMAP_MARGIN_DEG) if bounds is not None else None
    rows = []
    for row, geom in _records(basemap, "iso_a2", "name"):
        if window is not None:
            geom = geom.intersection(window)
        geom = shapely.set_precision(geom.simplify(_BASEMAP_SIMPLIFY_DEG, preserve_topology=True),
                                     10 ** -_BASEMAP_DIGITS)
        if not geom.is_empty:
            rows.append((_plain(_value(row, "iso_a2")), _plain(_value(row, "name")), geom))
    return rows


def _country_labels(countries: list[tuple[str, str, BaseGeometry]],
                    bounds: list[list[float]] | None) -> list[tuple[list[float], str]]:
    """A name inside each country the data touches, so both sides of a border are named."""
    if bounds is None:
        return []
    view = _box(bounds, 0.0)
    labels = []
    for _, name, geom in countries:
        inside = geom.intersection(view)
        if name and inside.area > 0.02 * view.area:
            labels.append((_latlon(inside.representative_point().coords)[0], name))
    return labels


def _box(bounds: list[list[float]], margin_deg: float) -> BaseGeometry:
    (south, west), (north, east) = bounds
    return shapely.box(west - margin_deg, max(south - margin_deg, -90.0),
                       east + margin_deg, min(north + margin_deg, 90.0))


def _rounded(obj: Any, digits: int) -> Any:
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, (list, tuple)):
        return [_rounded(item, digits) for item in obj]
    if isinstance(obj, dict):
        return {key: _rounded(value, digits) for key, value in obj.items()}
    return obj


def _places_layer(m: folium.Map, gdf: geopandas.GeoDataFrame) -> None:
    rows = _records(gdf, "canonical_name", "name")
    group = _group(m, "Places")
    for row, geom in rows:
        precision = int(_number(row, "precision") or PRECISION_POINT)
        colour = STYLE.precision[min(max(precision, 1), 3) - 1]
        marker = folium.CircleMarker(
            _latlon([geom.centroid.coords[0]])[0], radius=STYLE.marker_radius, color="#ffffff", weight=1.5,
            fill_color=colour, fill_opacity=0.95, class_name="geomap-place",
        )
        name = _value(row, "name") or _value(row, "canonical_name") or "place"
        _decorate(marker, _place_popup(row), str(name), "geomapPlaces").add_to(group)

    areas = [(row, geom) for row, geom in rows if _is_area(row)]
    if areas:
        area_group = _group(m, "Areas (uncertainty)")
        for row, geom in areas:
            label = _value(row, "canonical_name") or _value(row, "name") or "area"
            radius = _number(row, "uncertainty_m")
            circle = folium.Circle(
                _latlon([geom.centroid.coords[0]])[0], radius=radius, color=STYLE.area, weight=2,
                dash_array=STYLE.area_dash, fill=True, fill_opacity=0.08, class_name="geomap-area",
            )
            popup = _popup_html(str(label), [
                ("Precision", escape_text(_precision_text(_number(row, "precision")))),
                ("Radius", escape_text(_km(radius / 1000))),
                ("Centre", escape_text(f"{geom.centroid.y:.4f}, {geom.centroid.x:.4f}")),
            ])
            _decorate(circle, popup, f"{label} (±{_km(radius / 1000)})", "geomapAreas").add_to(area_group)


def _precision_text(precision: float | None) -> str:
    """``2`` as ``"2 (area)"``, ACLED's geo_precision with its meaning."""
    if precision is None:
        return ""
    return f"{int(precision)} ({_PRECISION_LABEL.get(int(precision), 'unknown')})"


def _is_area(row: Mapping[str, Any]) -> bool:
    """A precision-2 place with a radius: drawn as its uncertainty circle.

    Regions (precision 3: countries, provinces) are not: the base layer already draws
    them, and a circle the size of a country says nothing.
    """
    return (_number(row, "precision") or 0) == PRECISION_AREA and (_number(row, "uncertainty_m") or 0) > 0


def _is_region(row: Mapping[str, Any]) -> bool:
    return (_number(row, "precision") or 0) >= PRECISION_REGION


def _place_popup(row: Mapping[str, Any]) -> str:
    mentions = _json_list(_value(row, "mentions"), f"mentions of {_value(row, 'canonical_name')!r}")
    mentions.sort(key=lambda item: (_plain(item.get("article_id")), _number(item, "start") or 0))
    written = [_value(row, "name"), *(_value(item, "text") for item in mentions)]
    names = list(dict.fromkeys(str(name) for name in written if name))
    canonical = _value(row, "canonical_name") or (names[0] if names else "place")

    uncertainty = _number(row, "uncertainty_m")
    border_text = _km(_number(row, "border_km"))
    if border_text and _value(row, "side"):
        border_text += f", {_value(row, 'side')} side"
    nearest = (_number(row, "nearest_lat"), _number(row, "nearest_lon"))
    if border_text and None not in nearest:
        border_text += f" (nearest point {nearest[0]:.4f}, {nearest[1]:.4f})"
    source = " · ".join(_plain(_value(row, key)) for key in ("source_id", "method") if _value(row, key))
    score = _number(row, "score")

    rows = [
        ("Written", escape_text(" / ".join(names))),
        ("Country", escape_text(_plain(_value(row, "country_code")))),
        ("Feature", escape_text(_plain(_value(row, "feature")))),
        ("Precision", escape_text(_precision_text(_number(row, "precision")))),
        ("Uncertainty", escape_text(f"±{_km(uncertainty / 1000)}" if uncertainty else "")),
        ("To border", escape_text(border_text)),
        ("Source", escape_text(source)),
        ("Score", escape_text("" if score is None else f"{score:.2f}")),
    ]
    quotes = [(_plain(_value(item, "sentence") or _value(item, "text")), _plain(_value(item, "text")),
               _plain(_value(item, "article_id"))) for item in mentions]
    unique = list(dict.fromkeys(quotes))
    return _popup_html(str(canonical), rows, _quotes(unique))


def _line_layer(m: folium.Map, name: str, rows: list[tuple[dict[str, Any], BaseGeometry]],
                popup: Callable[[dict[str, Any]], str], tooltip: Callable[[dict[str, Any]], str],
                **style: Any) -> None:
    """One FeatureGroup of polylines; ``popup`` / ``tooltip`` map a row to text."""
    group = _group(m, name)
    for row, geom in rows:
        lines = _lines(geom)
        if lines:
            line = folium.PolyLine(lines if len(lines) > 1 else lines[0], **style)
            _decorate(line, popup(row), tooltip(row)).add_to(group)


def _border_layer(m: folium.Map, gdf: geopandas.GeoDataFrame) -> None:
    rows = _records(gdf, "countries", "name")
    pairs = {_countries(_value(row, "countries")) for row, _ in rows}
    names = {_value(row, "name") for row, _ in rows}
    if len(pairs) == 1 and "" not in pairs:
        title = f"Border {pairs.pop()}"
    elif len(names) == 1 and None not in names:
        title = str(names.pop())
    else:
        title = "Borders"

    def popup(row: dict[str, Any]) -> str:
        return _popup_html(str(_value(row, "name") or title), [
            ("Countries", escape_text(_countries(_value(row, "countries")))),
            ("Length", escape_text(_km(_number(row, "length_km")))),
            ("Source", escape_text(_plain(_value(row, "source")))),
        ])

    _line_layer(m, title, rows, popup, lambda row: _value(row, "name") or title,
                color=STYLE.border, weight=3, opacity=0.95)


def _countries(value: Any) -> str:
    """``["TN", "LY"]``, ``"TN,LY"`` or ``"TN-LY"`` as ``"TN–LY"``."""
    if value is None:
        return ""
    if isinstance(value, str):
        for separator in ",;/–- ":
            value = value.replace(separator, "\n")
        value = value.split()
    return "–".join(str(code) for code in value)


def _barrier_layer(m: folium.Map, gdf: geopandas.GeoDataFrame) -> None:
    rows = _records(gdf, "name")
    approximate = any(bool(_value(row, "approximate")) for row, _ in rows)

    def popup(row: dict[str, Any]) -> str:
        reported = _json_list(_value(row, "reported"), f"reported lengths of {_value(row, 'name')!r}")
        claims = [(
            f"{_plain(_value(item, 'value'))} {_plain(_value(item, 'unit'))}".strip()
            + (f" = {_km(_number(item, 'km'))}" if _number(item, "km") is not None else "")
            + (f": “{_value(item, 'quote')}”" if _value(item, "quote") else ""),
            "", _plain(_value(item, "article_id")),
        ) for item in reported]
        return _popup_html(str(_value(row, "name") or "Barrier"), [
            ("Drawn length", escape_text(_km(_number(row, "length_km")))),
            ("Geometry", escape_text("approximate" if _value(row, "approximate") else "")),
            ("Note", escape_text(_plain(_value(row, "note")))),
        ], ("<p>Reported lengths:</p>" + _quotes(claims)) if claims else "")

    _line_layer(m, "Barrier (approximate)" if approximate else "Barrier", rows, popup,
                lambda row: _value(row, "name") or "Barrier",
                color=STYLE.barrier, weight=4, dash_array=STYLE.barrier_dash, opacity=0.95)


def _distances_layer(m: folium.Map, gdf: geopandas.GeoDataFrame) -> None:
    rows = _records(gdf, "from", "to")

    def label(row: dict[str, Any]) -> str:
        return f"{_plain(_value(row, 'from'))} → {_plain(_value(row, 'to'))}: {_km(_number(row, 'km'))}"

    def popup(row: dict[str, Any]) -> str:
        return _popup_html(label(row), [("Method", escape_text(_plain(_value(row, "method"))))])

    _line_layer(m, "Distances", rows, popup, label,
                color=STYLE.distance, weight=1.5, dash_array=STYLE.distance_dash, opacity=0.9)


def _generic_layer(m: folium.Map, name: str, gdf: geopandas.GeoDataFrame) -> None:
    """Any other layer: every geometry type, all attributes in the popup."""
    group = _group(m, name)
    columns = [column for column in gdf.columns if column != gdf.geometry.name]
    for row, geom in _records(gdf, *columns):
        rows = [(str(column), escape_text(_plain(_value(row, column)))) for column in columns]
        label = next((_plain(_value(row, key)) for key in ("name", "title", "id") if _value(row, key)), name)
        feature = {"type": "Feature", "properties": {},
                   "geometry": _rounded(geom.__geo_interface__, _COORD_DIGITS)}
        layer = folium.GeoJson(
            feature, control=False, style_function=_generic_style,
            marker=folium.CircleMarker(radius=STYLE.marker_radius - 1, color="#ffffff", weight=1.5,
                                       fill_color=STYLE.generic, fill_opacity=0.9),
        )
        _decorate(layer, _popup_html(label, rows), label).add_to(group)


def _generic_style(feature: dict[str, Any]) -> dict[str, Any]:
    if feature["geometry"]["type"] in ("Point", "MultiPoint"):  # a marker: solid with a white rim
        return {"color": "#ffffff", "weight": 1.5, "fillColor": STYLE.generic, "fillOpacity": 0.9}
    return {"color": STYLE.generic, "weight": 2, "fillColor": STYLE.generic, "fillOpacity": 0.2}


_BUILDERS = {
    "places": _places_layer,
    "border": _border_layer,
    "barrier": _barrier_layer,
    "distances": _distances_layer,
}


# --------------------------------------------------------------------------- view


def _data_bounds(layers: Mapping[str, geopandas.GeoDataFrame]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the data layers, uncertainty circles included.

    Regions (precision 3, e.g. a country named in passing) set the view only when
    nothing more precise is there: the map opens on the event, not on the world.
    """
    records = [(row, geom) for gdf in layers.values() for row, geom in _records(gdf)]
    if any(not _is_region(row) for row, _ in records):
        records = [(row, geom) for row, geom in records if not _is_region(row)]
    boxes = []
    for row, geom in records:
        west, south, east, north = geom.bounds
        if _is_area(row):
            radius_deg = _number(row, "uncertainty_m") / _M_PER_DEG
            lat_factor = max(math.cos(math.radians(south)), 0.01)
            west, east = west - radius_deg / lat_factor, east + radius_deg / lat_factor
            south, north = south - radius_deg, north + radius_deg
        boxes.append((south, west, north, east))
    if not boxes:
        return None
    south, west, north, east = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                max(b[2] for b in boxes), max(b[3] for b in boxes))
    digits = _COORD_DIGITS
    return [[round(south, digits), round(west, digits)], [round(north, digits), round(east, digits)]]


def _centre(bounds: list[list[float]] | None) -> list[float]:
    if bounds is None:
        return [20.0, 0.0]
    (south, west), (north, east) = bounds
    return [round((south + north) / 2, _COORD_DIGITS), round((west + east) / 2, _COORD_DIGITS)]


def _page_css(*, has_basemap: bool) -> str:
    background = STYLE.sea if has_basemap else STYLE.blank
    return f"""<style>
.folium-map.leaflet-container {{ background: {background}; }}
.geomap-legend {{ position: absolute; z-index: 1000; right: 10px; bottom: 24px; max-width: 240px;
  background: rgba(255,255,255,0.93); padding: 8px 10px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.35); font: 12px/1.4 system-ui, sans-serif; }}
.geomap-legend h1 {{ font-size: 14px; margin: 0 0 6px; }}
.geomap-legend ul {{ list-style: none; margin: 0; padding: 0; }}
.geomap-legend li {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.geomap-country-label {{ color: #6b6454; font: 600 12px/16px system-ui, sans-serif; text-align: center;
  letter-spacing: 0.12em; text-transform: uppercase; text-shadow: 0 0 3px #fff; white-space: nowrap; }}
.geomap-popup {{ font: 12px/1.4 system-ui, sans-serif; max-height: 320px; overflow-y: auto; }}
.geomap-popup table {{ border-collapse: collapse; margin: 4px 0; }}
.geomap-popup th {{ text-align: left; vertical-align: top; padding-right: 8px; color: #555; font-weight: 600; }}
.geomap-popup blockquote {{ margin: 4px 0; padding-left: 6px; border-left: 3px solid #ccc; }}
.geomap-popup cite {{ display: block; color: #777; font-size: 11px; }}
</style>"""


def _legend_html(title: str, present: list[str], *, has_basemap: bool) -> str:
    def line(colour: str, width: float, dash: str = "") -> str:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<svg width="28" height="12"><line x1="1" y1="6" x2="27" y2="6" stroke="{colour}" '
                f'stroke-width="{width}"{dash_attr}/></svg>')

    def dot(colour: str) -> str:
        return (f'<svg width="28" height="14"><circle cx="14" cy="7" r="5.5" fill="{colour}" '
                f'stroke="#fff" stroke-width="1.5"/></svg>')

    entries = {
        "places": [(dot(STYLE.precision[0]), "place, precision 1 (point)"),
                   (dot(STYLE.precision[1]), "place, precision 2 (area)"),
                   (dot(STYLE.precision[2]), "place, precision 3 (region)"),
                   (f'<svg width="28" height="14"><circle cx="14" cy="7" r="6" fill="{STYLE.area}" '
                    f'fill-opacity="0.1" stroke="{STYLE.area}" stroke-dasharray="3 2"/></svg>',
                    "uncertainty area (radius)")],
        "border": [(line(STYLE.border, 3), "international border")],
        "barrier": [(line(STYLE.barrier, 4, "6 4"), "barrier (approximate line)")],
        "distances": [(line(STYLE.distance, 1.5, "3 3"), "geodesic distance")],
    }
    items = [item for name in present for item in entries.get(name, [])]
    items += [(dot(STYLE.generic), f"layer “{name}”") for name in present if name not in entries]
    if has_basemap:
        swatch = (f'<svg width="28" height="14"><rect x="1" y="1" width="13" height="12" fill="{STYLE.land}" '
                  f'stroke="{STYLE.land_edge}"/><rect x="14" y="1" width="13" height="12" fill="{STYLE.sea}"/></svg>')
        items.append((swatch, "land / sea (offline basemap)"))
    listing = "".join(f"<li>{swatch}<span>{escape_text(text)}</span></li>" for swatch, text in items)
    return f'<div class="geomap-legend"><h1>{escape_text(title)}</h1><ul>{listing}</ul></div>'


# --------------------------------------------------------------------------- folium plumbing


class _Raw(Element):
    """Finished, already-escaped markup inserted verbatim (never parsed as a Jinja template)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.markup = markup

    def render(self, **kwargs: Any) -> str:
        return self.markup


def _popup_base():
    return folium.Popup


class _Popup(_popup_base()):  # type: ignore[misc]
    """folium's Popup without jQuery: the (escaped) HTML travels as one JSON string.

    folium's own template builds the content with ``$(`…`)``, which needs jQuery and puts the
    text inside a JS template literal; a JSON string with ``<`` escaped cannot close the script.
    """

    _template = Template(
        """
        var {{ this.get_name() }} = L.popup({{ this.options|tojavascript }});
        {{ this.get_name() }}.setContent({{ this.content|tojson }});
        {{ this._parent.get_name() }}.bindPopup({{ this.get_name() }});
        """
    )

    def __init__(self, content: str, max_width: int = 380) -> None:
        super().__init__(max_width=max_width)
        self.content = content


def _walk(element: Element) -> Iterator[Element]:
    """Every element below ``element`` in insertion order, the Figure's parts included."""
    yield element
    for part in ("header", "html", "script"):
        sub = element.__dict__.get(part)
        if sub is not None and getattr(sub, "_parent", None) is element:
            yield from _walk(sub)
    for child in element._children.values():
        yield from _walk(child)


def _freeze(root: Element) -> None:
    """Stable element ids (branca draws random ones) and no CDN links on any element."""
    elements = list(_walk(root))
    old_names = {id(element): element.get_name() for element in elements}
    for number, element in enumerate(elements):
        element._id = f"{number:04d}"
        if isinstance(element, JSCSSMixin):
            element.default_js = []  # instance attributes: folium's class lists stay untouched
            element.default_css = []
    for element in elements:
        element._children = OrderedDict(
            (child.get_name() if key == old_names[id(child)] else key, child)
            for key, child in element._children.items()
        )
