"""The interactive map: one offline, deterministic HTML page with every string escaped.

Presentation only: this module draws what the layers already say (coordinates, distances,
lengths, bands) and computes nothing but styles, labels and the view.

How the page is made:

- **One data blob.** Every layer is encoded once, column by column
  (:mod:`geomap.render_data`), into a ``<script type="application/json">`` element. The
  page's script (``geomap/data/js/geomap.js``, written for geomap) draws it: markers on
  SVG for small layers, a grid clustering on canvas for big ones, popups built in the
  browser when a feature is clicked. That is how 100,000 events make a working page of a
  few MB instead of 100,000 folium elements.
- **Interactions** (all inlined): layer control, legend, popups with the attribute table,
  per-source figures and quotes, tooltips, a geodesic measure tool, fullscreen, a minimap,
  search by name, a time slider over event dates, distance labels in km, a scale bar.
- **Offline.** folium draws the page shell (the ``L.map`` and its scale bar) with its CDN
  links dropped; Leaflet is inlined from the XStatic package and geomap's script and
  stylesheet from the package data (:mod:`geomap.assets`). The default base layer is a
  vector one (country polygons on a sea-coloured background); online tiles are optional
  base layers that load only when picked.
- **Deterministic.** Rows are sorted, floats rounded, branca's random element ids replaced
  by a counter: the same input gives the same bytes.
- **Escaped.** Text from articles and users' files is untrusted. In the blob it stays data
  (``<``, ``>``, ``&``, backticks, ``$`` and Jinja openers as ``\\uXXXX``); the page's script
  escapes it wherever it becomes HTML; the title is escaped here with :func:`escape_text`.

>>> html = render_map({"places": places_gdf}, title="Ben Gardane, March 2016")  # doctest: +SKIP
>>> write_map(html, "maps/ben_gardane.html")                                   # doctest: +SKIP
PosixPath('maps/ben_gardane.html')
"""

from __future__ import annotations

import dataclasses
import html
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
import geopandas
import numpy as np
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geomap.assets import inline_tags
from geomap.errors import GeomapError, InputError
from geomap.render_data import check_layers, data_bounds, draw_order, dumps_blob, encode_layer, role_of

__all__ = [
    "MapStyle",
    "STYLE",
    "ONLINE_TILES",
    "render_map",
    "write_map",
    "escape_text",
    "external_references",
    "layer_title",
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

_BASEMAP_DIGITS = 4  # ~11 m: finer than the basemap's simplification
_BASEMAP_SIMPLIFY_DEG = 0.005  # ~500 m; the border itself is drawn from its own layer
_BASEMAP_MARGIN_DEG = 10.0  # basemap kept ~1,000 km around the data, not the whole world


@dataclass(frozen=True)
class MapStyle:
    """Colours and line styles of the map and its legend (passed to the page as they are)."""

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
    band: str = "#d95f02"
    generic: str = "#1b7f79"
    #: marker fill by precision: 1 point, 2 area, 3 region
    precision: tuple[str, str, str] = ("#1f4e9c", "#6a3d9a", "#8a8a8a")
    #: event fill by ACLED event type; other types take colours from ``palette``
    event_types: tuple[tuple[str, str], ...] = (
        ("Battles", "#c0392b"),
        ("Explosions/Remote violence", "#e67e22"),
        ("Violence against civilians", "#7b2d8b"),
        ("Strategic developments", "#2471a3"),
        ("Protests", "#27ae60"),
        ("Riots", "#b7950b"),
    )
    palette: tuple[str, ...] = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
    #: claim line colour by verdict
    verdicts: tuple[tuple[str, str], ...] = (
        ("consistent", "#1a9850"), ("inconsistent", "#d73027"), ("unverifiable", "#7f7f7f"),
    )
    marker_radius: int = 7
    #: point layers with more rows than this are clustered
    cluster_above: int = 400


STYLE = MapStyle()


# --------------------------------------------------------------------------- public API


def render_map(
    layers: Mapping[str, geopandas.GeoDataFrame],
    *,
    title: str = "geomap",
    basemap: geopandas.GeoDataFrame | None = None,
    online_tiles: bool = True,
    style: MapStyle = STYLE,
) -> str:
    """Draw the layers as one self-contained, offline HTML page.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        EPSG:4326 layers by name, any schema: every attribute shows in the popups. The names
        ``places``, ``events``, ``claims``, ``border``, ``barrier``, ``distances``, ``bands``
        and ``areas`` get their own styles, popups and legend entries (all columns optional);
        any other name is drawn generically. A layer with an ISO date column
        (``event_date``, ``date``, ``*date``) is filtered by the time slider.
    title : str
        Page title and heading of the legend (escaped).
    basemap : GeoDataFrame, optional
        Country polygons (``iso_a2``, ``name``) drawn as the default base layer
        "Countries (offline)" on a sea-coloured background, and in the minimap.
    online_tiles : bool
        Offer OpenStreetMap and Esri satellite tiles as optional base layers. They are never
        the default, so nothing is requested from the network until a user picks one.
    style : MapStyle
        Colours and sizes.

    Returns
    -------
    str
        The HTML page; the same input always gives the same string.

    Raises
    ------
    InputError
        A layer is not a GeoDataFrame, has no CRS or is not in EPSG:4326.
    """
    check_layers(layers, basemap)
    bounds = data_bounds(layers)
    names = draw_order([str(name) for name in layers])
    by_name = {str(name): gdf for name, gdf in layers.items()}
    encoded = []
    for name in names:
        layer = encode_layer(name, by_name[name])
        layer["title"] = layer_title(name, by_name[name])
        encoded.append(layer)
    blob = {
        "title": str(title),
        "view": bounds,
        "basemap": _basemap_blob(basemap, bounds),
        "tiles": [list(tile) for tile in ONLINE_TILES] if online_tiles else [],
        "style": dataclasses.asdict(style),
        "layers": encoded,
    }

    m = folium.Map(tiles=None, location=_centre(bounds), zoom_start=6 if bounds else 2, control_scale=True,
                   minZoom=2, maxZoom=18)
    figure = m.get_root()
    figure.title = escape_text(title)
    figure.header.add_child(_Raw(inline_tags("leaflet")), name="leaflet", index=1)
    figure.header.add_child(_Raw(inline_tags("geomap")), name="geomap_assets")
    figure.header.add_child(_Raw(f"<style>.folium-map.leaflet-container {{ background: "
                                 f"{style.sea if basemap is not None else style.blank}; }}</style>"),
                            name="geomap_background")
    figure.html.add_child(_Raw(f'<script type="application/json" id="geomap-data">{dumps_blob(blob)}</script>'),
                          name="geomap_data")
    _Mount().add_to(m)
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
    """Return the http(s) URLs a page loads through ``<script src>``, ``<link href>`` or ``<img src>``."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    return [url for url in finder.urls if url.lower().startswith(("http:", "https:", "//"))]


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        self.urls += [value for key, value in attrs if key == wanted and value]


def layer_title(name: str, gdf: geopandas.GeoDataFrame) -> str:
    """The name a layer shows in the layer control (plain text; the page escapes it).

    >>> import geopandas, shapely
    >>> border = geopandas.GeoDataFrame({"countries": [["TN", "LY"]]}, geometry=[shapely.LineString([(0, 0), (1, 1)])])
    >>> layer_title("border", border), layer_title("my zones", border)
    ('Border TN–LY', 'my zones')
    """
    role = role_of(name)
    if role == "border":
        pairs = {_countries(value) for value in _column_values(gdf, "countries")}
        names = {str(value) for value in _column_values(gdf, "name")}
        if len(pairs) == 1 and "" not in pairs:
            return f"Border {pairs.pop()}"
        return names.pop() if len(names) == 1 else "Borders"
    if role == "barrier":
        approximate = any(bool(value) for value in _column_values(gdf, "approximate"))
        return "Barrier (approximate)" if approximate else "Barrier"
    if role == "bands":
        outer = sorted({float(value) for value in _column_values(gdf, "outer_km")})
        what = next(iter(sorted({str(v) for v in _column_values(gdf, "of")})), "border")
        return f"Proximity to the {what} ({' / '.join(f'{km:g}' for km in outer)} km)" if outer else "Proximity bands"
    return {"places": "Places", "events": "Events", "claims": "Claims (stated vs computed)",
            "distances": "Distances", "areas": "Areas (uncertainty)"}.get(role, name)


# --------------------------------------------------------------------------- pieces


def _column_values(gdf: geopandas.GeoDataFrame, column: str) -> list[Any]:
    if column not in gdf.columns:
        return []
    values = [value.tolist() if hasattr(value, "tolist") else value for value in gdf[column].tolist()]
    return [value for value in values
            if value is not None and value != "" and not (isinstance(value, float) and value != value)]


def _countries(value: Any) -> str:
    """``["TN", "LY"]``, ``"TN,LY"`` or ``"TN-LY"`` as ``"TN–LY"``."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str):
        if value.startswith("["):
            import json

            try:
                value = json.loads(value)
            except ValueError:
                pass
        if isinstance(value, str):
            for separator in ",;/–- ":
                value = value.replace(separator, "\n")
            value = value.split()
    return "–".join(str(code) for code in value)


def _centre(bounds: list[list[float]] | None) -> list[float]:
    if bounds is None:
        return [20.0, 0.0]
    (south, west), (north, east) = bounds
    return [round((south + north) / 2, 6), round((west + east) / 2, 6)]


def _basemap_blob(basemap: geopandas.GeoDataFrame | None, bounds: list[list[float]] | None) -> dict[str, Any] | None:
    """Countries around the data (simplified) as GeoJSON, with a label inside each one in view."""
    if basemap is None:
        return None
    window = _box(bounds, _BASEMAP_MARGIN_DEG) if bounds is not None else None
    view = _box(bounds, 0.0) if bounds is not None else None
    names = basemap["name"].tolist() if "name" in basemap.columns else [""] * len(basemap)
    codes = basemap["iso_a2"].tolist() if "iso_a2" in basemap.columns else [""] * len(basemap)
    rows = []
    for iso_a2, name, geom in zip(codes, names, basemap.geometry):
        if geom is None or geom.is_empty:
            continue
        if window is not None:
            geom = geom.intersection(window)
        geom = shapely.set_precision(geom.simplify(_BASEMAP_SIMPLIFY_DEG, preserve_topology=True),
                                     10 ** -_BASEMAP_DIGITS)
        if not geom.is_empty:
            rows.append((str(iso_a2 or ""), str(name or ""), geom))
    rows.sort(key=lambda row: (row[0], row[1], shapely.to_wkt(row[2], rounding_precision=_BASEMAP_DIGITS)))
    features, labels = [], []
    for iso_a2, name, geom in rows:
        features.append({"type": "Feature", "properties": {"iso_a2": iso_a2, "name": name},
                         "geometry": _rounded(shapely.geometry.mapping(geom), _BASEMAP_DIGITS)})
        if view is not None and name:
            inside = geom.intersection(view)
            if inside.area > 0.02 * view.area:
                point = inside.representative_point()
                labels.append([round(point.y, 6), round(point.x, 6), name])
    return {"type": "FeatureCollection", "features": features, "labels": labels}


def _box(bounds: list[list[float]], margin_deg: float) -> shapely.Geometry:
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
    if isinstance(obj, np.floating):
        return round(float(obj), digits)
    return obj


# --------------------------------------------------------------------------- folium plumbing


class _Raw(Element):
    """Finished, already-escaped markup inserted verbatim (never parsed as a Jinja template)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.markup = markup

    def render(self, **kwargs: Any) -> str:
        return self.markup


class _Mount(MacroElement):
    """The call that hands the folium ``L.map`` and the data blob to geomap's script.

    A child of the map, so it renders after the ``L.map`` it uses. Its template holds no
    user text: the blob is read from the page by id.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
geomap.mount({{ this._parent.get_name() }}, document.getElementById("geomap-data"));
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Mount"


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
