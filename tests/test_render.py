"""The map renderer without a browser: offline references, same bytes, escaping, layer control."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import geopandas
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from geomap import render
from geomap.assets import inline_tags
from geomap.errors import DataError, GeomapError, InputError
from geomap.render import escape_text, external_references, render_map, write_map

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HOSTILE = ("<img src=x onerror=alert(1)> <script>alert(1)</script> {{7*7}} {% if 1 %}x{% endif %} "
           "${alert(2)} `tick` back\\slash")

# Real places of the seed articles, lat/lon as a human reads them.
BEN_GARDANE = (33.138, 11.220)
SABRATHA = (32.793, 12.488)
EL_AMRIA = (33.0, 11.3)
# Tunisia–Libya border, Natural Earth 1:10m simplified to 0.03°, from Ras Ajdir on the coast to the
# tripoint with Algeria near Ghadames (lon, lat).
BORDER_TN_LY = [(11.504, 33.181), (11.45, 32.637), (11.562, 32.507), (11.547, 32.435), (10.874, 32.136),
                (10.773, 32.004), (10.608, 31.953), (10.586, 31.84), (10.499, 31.744), (10.265, 31.68),
                (10.107, 31.428), (10.244, 31.079), (10.255, 30.842), (9.873, 30.354), (9.52, 30.229)]
# The barrier, drawn ~3 km inside Tunisia from Ras Ajdir to Dehiba: the articles give no coordinates.
BARRIER = [(11.474, 33.184), (11.419, 32.627), (11.53, 32.499), (11.521, 32.456), (10.855, 32.16),
           (10.755, 32.03), (10.599, 31.982)]


def mention(article: str, name: str, sentence: str) -> dict:
    """A mention with its real offsets in the seed article."""
    text = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
    start = text.index(sentence) + sentence.index(name)
    return {"article_id": article, "start": start, "end": start + len(name), "text": name, "sentence": sentence}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])[2] / 1000


def seed_layers() -> dict[str, geopandas.GeoDataFrame]:
    """The foundation milestone's layers, built from facts of the seed articles."""
    ben = mention("004_8030042ffd2176c5", "Ben Guerdan",
                  "Tunisian troops have killed seven more Islamic militants during raids in Ben Guerdan, "
                  "the town on the Libyan border where at least 55 people died during an attack on Monday "
                  "by Islamic State group fighters, the army said Wednesday.")
    amria = mention("002_1f7647938c63438c", "El-Amria",
                    "There are multiple reports that a civilian and an army colonel in El-Amria were "
                    "seriously wounded.")
    sabratha = mention("002_1f7647938c63438c", "Sabratha",
                       "The Tripoli government in Libya released a taped confession\u00a0last week of two Tunisian "
                       "militants captured in Sabratha, Libya prior to a February 19, U.S. airstrike.")
    places = geopandas.GeoDataFrame(
        {
            "name": ["Sabratha", "Ben Guerdan", "El-Amria"],
            "canonical_name": ["Sabratha", "Ben Gardane", "El Amria"],
            "country_code": ["LY", "TN", "TN"],
            "feature": ["PPL", "PPL", "sector"],
            "precision": [1, 1, 2],
            "uncertainty_m": [0.0, 0.0, 15000.0],
            "source_id": ["geonames:2212709", "geonames:2472706", "supplement:el-amria"],
            "method": ["gazetteer", "gazetteer", "supplement"],
            "score": [0.91, 0.97, 0.6],
            "border_km": [84.0, 30.9, 21.0],
            "side": ["LY", "TN", "TN"],
            "nearest_lat": [32.95, 33.16, 33.10],
            "nearest_lon": [11.56, 11.55, 11.52],
            "mentions": [[sabratha], json.dumps([ben]), [amria]],  # a list, or JSON after a round trip
        },
        geometry=[Point(lon, lat) for lat, lon in (SABRATHA, BEN_GARDANE, EL_AMRIA)],
        crs="EPSG:4326",
    )
    border = geopandas.GeoDataFrame(
        {"name": ["Tunisia–Libya border"], "countries": [["TN", "LY"]], "length_km": [459.0],
         "source": ["Natural Earth 1:10m"]},
        geometry=[LineString(BORDER_TN_LY)], crs="EPSG:4326",
    )
    barrier = geopandas.GeoDataFrame(
        {"name": ["Tunisian border barrier"], "approximate": [True], "length_km": [212.4],
         "reported": [json.dumps([{"value": 200, "unit": "km", "km": 200.0, "article_id": "003_eb202909779a93a4",
                                   "quote": "Tunisia has erected the  200-kilometre (125-mile) barrier"}])],
         "note": ["drawn along the border from Ras Ajdir to Dehiba; the articles give no coordinates"]},
        geometry=[LineString(BARRIER)], crs="EPSG:4326",
    )
    distances = geopandas.GeoDataFrame(
        {"from": ["Ben Gardane"], "to": ["Sabratha"], "km": [round(km(BEN_GARDANE, SABRATHA), 1)],
         "method": ["geodesic WGS84"]},
        geometry=[LineString([BEN_GARDANE[::-1], SABRATHA[::-1]])], crs="EPSG:4326",
    )
    return {"distances": distances, "places": places, "barrier": barrier, "border": border}


def hostile_layers() -> dict[str, geopandas.GeoDataFrame]:
    """Seed layers with attacker-controlled text in every field that reaches the page."""
    layers = seed_layers()
    places = layers["places"].copy()
    places.loc[1, "name"] = HOSTILE
    places.at[1, "mentions"] = [{"article_id": "evil</script>", "start": 0, "end": len(HOSTILE),
                                  "text": HOSTILE, "sentence": f"Before {HOSTILE} after."}]
    layers["places"] = places
    layers["border"] = layers["border"].assign(name=[HOSTILE], countries=["<b>TN</b>-LY"])
    layers["notes</script>"] = geopandas.GeoDataFrame({"name": [HOSTILE], "text": [HOSTILE]},
                                                      geometry=[Point(11.0, 33.5)], crs="EPSG:4326")
    return layers


def basemap() -> geopandas.GeoDataFrame:
    """Natural Earth countries when geomap.boundaries ships them, else three rough polygons."""
    try:
        from geomap.boundaries import load_countries

        return load_countries()
    except (ImportError, GeomapError):
        pass
    rough = {
        "TN": [(7.5, 37.3), (11.1, 37.1), (10.3, 36.0), (11.1, 35.2), (10.1, 34.3), *BORDER_TN_LY,
               (8.3, 32.5), (7.5, 33.5), (8.4, 34.6), (8.4, 36.5)],
        "LY": [(12.5, 32.8), (13.3, 32.9), (15.2, 32.3), (15.7, 31.4), (19.0, 30.3), (20.1, 31.0), (20.0, 32.2),
               (21.5, 32.8), (25.0, 31.6), (25.0, 20.0), (24.0, 20.0), (15.0, 23.0), (14.0, 22.5), (11.5, 24.3),
               (10.2, 25.0), (9.5, 26.5), (9.9, 29.0), *BORDER_TN_LY[::-1]],
        "DZ": [(8.4, 36.9), (8.4, 36.5), (8.4, 34.6), (7.5, 33.5), (8.3, 32.5), (9.52, 30.229), (9.9, 29.0),
               (9.5, 26.5), (10.2, 25.0), (11.5, 24.3), (4.0, 19.0), (-2.0, 20.0), (-8.7, 27.7), (-1.7, 35.0),
               (2.0, 36.6)],
    }
    names = {"TN": "Tunisia", "LY": "Libya", "DZ": "Algeria"}
    return geopandas.GeoDataFrame({"iso_a2": list(rough), "name": [names[cc] for cc in rough]},
                                  geometry=[Polygon(ring) for ring in rough.values()], crs="EPSG:4326")


class Page(HTMLParser):
    """What a rendered page loads and shows: resource URLs, scripts, visible text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.resources: list[str] = []
        self.scripts: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.resources += [attrs[key] for key in ("src", "href") if attrs.get(key)]
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in != "style":
            self.text.append(data)


def layer_control(page: str) -> dict[str, list[str]]:
    """Base-layer and overlay names from the L.control.layers configuration."""
    script = next(s for s in Page(page).scripts if "L.control.layers" in s)
    found = {}
    for part in ("base_layers", "overlays"):
        block = re.search(part + r"\s*:\s*\{(.*?)\}", script, re.S).group(1)
        found[part] = [json.loads(key) for key in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block)]
    return found


def popups(page: str) -> list[str]:
    """The HTML of every popup, decoded from the JSON strings the page passes to setContent."""
    return [json.loads(text) for script in Page(page).scripts
            for text in re.findall(r'\.setContent\(("(?:[^"\\]|\\.)*")\)', script)]


@pytest.fixture(scope="module")
def seed_page() -> str:
    return render_map(seed_layers(), title="Ben Gardane attack, 7 March 2016", basemap=basemap())


def test_no_external_script_or_stylesheet(seed_page):
    page = Page(seed_page)
    assert [url for url in page.resources if re.match(r"(https?:)?//", url)] == []
    assert external_references(seed_page) == []
    assert any("L.version" in script or "leaflet" in script.lower() for script in page.scripts)
    # the only URLs are the optional tile templates, inside JS strings
    urls = set(re.findall(r"https?://[^\s\"'`)<>]+", "".join(s for s in page.scripts if "L.map(" in s)))
    assert urls == {url for _, url, _ in render.ONLINE_TILES}


def test_offline_only_has_no_url_at_all():
    page = render_map(seed_layers(), online_tiles=False)
    map_script = "".join(s for s in Page(page).scripts if "L.map(" in s)
    assert "http" not in map_script
    assert "OpenStreetMap" not in layer_control(page)["base_layers"]


def test_same_bytes_twice(seed_page):
    assert render_map(seed_layers(), title="Ben Gardane attack, 7 March 2016", basemap=basemap()) == seed_page


def test_same_bytes_across_processes():
    code = (
        "import sys; sys.path[:0] = [sys.argv[1]];"
        "import test_render as t; from geomap.render import render_map;"
        "sys.stdout.write(render_map(t.hostile_layers(), title='x', basemap=t.basemap()))"
    )
    here = Path(__file__).parent
    pages = {
        subprocess.run([sys.executable, "-c", code, str(here)], capture_output=True, text=True, check=True,
                       cwd=here.parent, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(pages) == 1 and len(pages.pop()) > 100_000


def test_input_order_does_not_matter(seed_page):
    layers = {name: gdf.iloc[::-1] for name, gdf in reversed(seed_layers().items())}
    assert render_map(layers, title="Ben Gardane attack, 7 March 2016", basemap=basemap()) == seed_page


def test_every_layer_listed_in_layer_control(seed_page):
    control = layer_control(seed_page)
    assert control["base_layers"] == ["Countries (offline)", "OpenStreetMap", "Satellite (Esri)"]
    assert control["overlays"] == ["Places", "Areas (uncertainty)", "Border TN–LY", "Barrier (approximate)",
                                   "Distances"]


def test_only_offline_base_layer_is_shown(seed_page):
    script = next(s for s in Page(seed_page).scripts if "L.control.layers" in s)
    added = set(re.findall(r"(\w+)\.addTo\(map_\d+\)", script))
    tiles = set(re.findall(r"var (\w+) = L\.tileLayer\(", script))
    assert len(tiles) == 2 and not tiles & added


def test_popups_carry_the_facts(seed_page):
    texts = ["".join(Page(popup).text) for popup in popups(seed_page)]
    headings = [Page(popup).text[0] for popup in popups(seed_page)]
    # places (markers) first, then the uncertainty area, then the lines
    assert headings == ["Ben Gardane", "El Amria", "Sabratha", "El Amria", "Tunisia–Libya border",
                        "Tunisian border barrier", f"Ben Gardane → Sabratha: {km(BEN_GARDANE, SABRATHA):.1f} km"]
    shown = dict(zip(headings[::-1], texts[::-1]))  # the first popup of each heading
    ben = shown["Ben Gardane"]
    for fact in ("Ben Guerdan", "TN", "1 (point)", "30.9 km, TN side", "geonames:2472706",
                 "55 people died during an attack on Monday", "004_8030042ffd2176c5"):
        assert fact in ben
    assert "2 (area)" in shown["El Amria"] and "±15.0 km" in shown["El Amria"] and "El-Amria" in shown["El Amria"]
    assert "2 (area)" in texts[3] and "15.0 km" in texts[3]
    assert "212.4 km" in shown["Tunisian border barrier"] and "200 km = 200.0 km" in shown["Tunisian border barrier"]
    assert "459.0 km" in shown["Tunisia–Libya border"] and "TN–LY" in shown["Tunisia–Libya border"]


def test_hostile_text_is_escaped():
    page = render_map(hostile_layers(), title=HOSTILE)
    parsed = Page(page)
    # nothing closes a script early and no markup from the text becomes a tag
    assert len(re.findall(r"</script", page, re.I)) == sum(tag == "script" for tag, _ in parsed.tags)
    assert not any(tag == "img" for tag, _ in parsed.tags)
    for raw in ("<img src=x", "<script>alert", "{{7*7}}", "{%", "${alert", "`tick`", "back\\slash"):
        assert raw not in page, raw
    # and it all still reads as the original text
    assert parsed.text.count(HOSTILE) == 2  # <title> and the legend heading
    hostile = [Page(popup) for popup in popups(page) if HOSTILE in "".join(Page(popup).text)]
    assert len(hostile) == 3  # the place, the border, the generic layer
    assert not any(tag in ("img", "script") for popup in hostile for tag, _ in popup.tags)
    assert any(f"Before {HOSTILE} after." in "".join(popup.text) for popup in hostile)
    assert "notes&lt;/script&gt;" in layer_control(page)["overlays"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>", "&lt;b&gt;"),
        ("{{7*7}}", "&#123;&#123;7*7&#125;&#125;"),
        ("${x}", "&#36;&#123;x&#125;"),
        ("`", "&#96;"),
        ("a\\u0041", "a&#92;u0041"),
        ("\"'&", "&quot;&#x27;&amp;"),
        (15000.0, "15000.0"),
    ],
)
def test_escape_text(text, expected):
    assert escape_text(text) == expected


def test_missing_columns_and_unknown_layers_render():
    points = geopandas.GeoDataFrame(geometry=[Point(11.22, 33.138)], crs="EPSG:4326")
    shapes = geopandas.GeoDataFrame({"label": ["zone"], "tags": [["a", "b"]]},
                                    geometry=[Point(11.2, 33.1).buffer(0.1)], crs="EPSG:4326")
    page = render_map({"places": points, "zones": shapes})
    assert layer_control(page) == {"base_layers": ["Blank (offline)", "OpenStreetMap", "Satellite (Esri)"],
                                   "overlays": ["Places", "zones"]}
    assert any("<td>[&quot;a&quot;, &quot;b&quot;]</td>" in popup for popup in popups(page))


def test_mentions_must_be_objects():
    places = seed_layers()["places"].assign(mentions=['["just a string"]'] * 3)
    with pytest.raises(InputError, match="list of objects"):
        render_map({"places": places})


def test_empty_input_renders_an_empty_map():
    page = render_map({}, online_tiles=False)
    assert layer_control(page) == {"base_layers": [], "overlays": []}


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ({"places": "not a table"}, "must be a GeoDataFrame"),
        ({"places": geopandas.GeoDataFrame(geometry=[Point(0, 0)])}, "set_crs"),
        ({"places": geopandas.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:3857")}, "to_crs"),
    ],
)
def test_bad_input_says_how_to_fix(layers, message):
    with pytest.raises(InputError, match=message):
        render_map(layers)


def test_write_map(tmp_path):
    path = write_map("<html></html>", tmp_path / "maps" / "m.html")
    assert path.read_text(encoding="utf-8") == "<html></html>"
    with pytest.raises(InputError, match="folder"):
        write_map("x", tmp_path)


def test_assets_inline_images_and_name_missing_packages(monkeypatch):
    leaflet = inline_tags("leaflet")
    assert "url(data:image/png;base64," in leaflet and "url(images/" not in leaflet
    assert "sourceMappingURL" not in leaflet
    from geomap import assets

    monkeypatch.setitem(assets.ASSETS, "missing", assets.Asset("xstatic.pkg.nope", "XStatic-Nope", (), ()))
    with pytest.raises(DataError, match="pip install XStatic-Nope"):
        assets.inline_tags("missing")
    with pytest.raises(InputError, match="unknown asset"):
        assets.inline_tags("jquery")
