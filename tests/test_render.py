"""The map renderer without a browser: offline references, same bytes, escaping, the data blob.

The fixtures here (seed layers, events and claims following the events/claims contract,
hostile text, the basemap) are built from real places and sentences of the seed articles
and shared with the browser tests.
"""

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

from geomap import measure, render
from geomap.assets import inline_tags
from geomap.errors import DataError, GeomapError, InputError
from geomap.render import escape_text, external_references, render_map, write_map
from geomap.render_data import dumps_blob, encode_layer, time_column

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


def quote(article: str, text: str) -> dict:
    """``{"article_id", "start", "end", "quote"}`` of a sentence as it stands in a seed article."""
    body = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
    start = body.index(text)
    return {"article_id": article, "start": start, "end": start + len(text), "quote": text}


def figure(article: str, text: str, group: str, kind: str, value: int, qualifier: str = "exact") -> dict:
    return {"group": group, "kind": kind, "value": value, "qualifier": qualifier, **quote(article, text)}


A000, A001, A002, A003, A004 = ("000_99ed67a9c6f8b278", "001_afabbc8f0a8b8052", "002_1f7647938c63438c",
                                "003_eb202909779a93a4", "004_8030042ffd2176c5")
TOLL_000 = "Ten militants, five civilians and one soldier were killed in the fighting, officials said."
TOLL_001 = "Tunisian security forces killed at least 35 militants in a series of failed attacks"
TOLL_003 = "He said that 36 attackers had been killed and seven captured in a fierce firefight"
WEEK_BEFORE = "Five militants were killed in a firefight last week outside the town"
STRIKE_000 = "On 19 February US air strikes on Qasr Talil near the western Libyan town of Sabratha killed at least 30"
SABRATHA_CLAIM = "The city lies just 100 kilometres (62 miles) from Tunisia’s border"
EL_AMRIA_CLAIM = "clashes with up to ten suspected militants in the town of El Amria, 5 km from"
BORDER_CLAIM = "285mile-long border with Libya"


def events_layers() -> dict[str, geopandas.GeoDataFrame]:
    """``events`` and ``claims`` layers following the events/claims contract, from the seed articles.

    Figures and quotes are the articles' own words at their real offsets; claim distances are
    computed here with :mod:`geomap.measure` on the simplified border of this module.
    """
    ben_attack = [
        figure(A000, TOLL_000, "militants", "killed", 10), figure(A000, TOLL_000, "civilians", "killed", 5),
        figure(A000, TOLL_000, "security_forces", "killed", 1),
        figure(A001, TOLL_001, "militants", "killed", 35, "at_least"),
        figure(A003, TOLL_003, "militants", "killed", 36), figure(A003, TOLL_003, "militants", "captured", 7),
    ]
    events = geopandas.GeoDataFrame(
        {
            "event_id": ["TUN1", "TUN2", "LBY1", "TUN3"],
            "event_date": ["2016-03-07", "2016-03-02", "2016-02-19", None],
            "year": [2016, 2016, 2016, None],
            "time_precision": [1, 2, 1, None],
            "event_type": ["Battles", "Battles", "Explosions/Remote violence", "Strategic developments"],
            "sub_event_type": ["Armed clash", "Armed clash", "Air/drone strike", "Other"],
            "actor1": ["Islamic State", "Islamic State", "US forces", "Tunisian army"],
            "actor2": ["Tunisian army", "Tunisian army", "Islamic State", None],
            "actors": [["Islamic State", "Tunisian army", "National Guard"], ["Islamic State", "Tunisian army"],
                       ["US forces", "Islamic State"], ["Tunisian army"]],
            "location": ["Ben Gardane", "Ben Gardane", "Sabratha", "El Amria"],
            "country": ["Tunisia", "Tunisia", "Libya", "Tunisia"],
            "admin1": ["Medenine", "Medenine", "Az Zawiyah", "Medenine"],
            "geo_precision": [1, 2, 2, 2],
            "uncertainty_m": [0.0, 5000.0, 12000.0, 15000.0],
            "fatalities": [16, 6, 30, None],
            "fatalities_min": [16, 6, 30, None],
            "fatalities_max": [55, 6, 50, None],
            "figures": [ben_attack, [figure(A001, WEEK_BEFORE, "militants", "killed", 5)],
                        [figure(A000, STRIKE_000, "militants", "killed", 30, "at_least")], []],
            "sources": [[A000, A001, A002, A003, A004], [A001], [A000, A002], [A002]],
            "n_sources": [5, 1, 2, 1],
            "notes": ["Coordinated attack on army and National Guard posts", "", "", ""],
            "quotes": [[quote(A004, "at least 55 people died during an attack on Monday")], [], [], []],
        },
        geometry=[Point(lon, lat) for lat, lon in (BEN_GARDANE, (33.18, 11.18), SABRATHA, EL_AMRIA)],
        crs="EPSG:4326",
    )
    border = LineString(BORDER_TN_LY)
    to_border = measure.nearest_point(SABRATHA[0], SABRATHA[1], border)
    border_km = measure.geodesic_length_m(border) / 1000
    amria_km = km(EL_AMRIA, BEN_GARDANE)
    rows = [
        ("C1", A003, SABRATHA_CLAIM, "Sabratha", "Tunisia–Libya border", 100.0, "km", 100.0,
         to_border.distance_m / 1000, 10.0, "distance",
         LineString([SABRATHA[::-1], (to_border.lon, to_border.lat)])),
        ("C2", A002, EL_AMRIA_CLAIM, "El Amria", "Ben Gardane", 5.0, "km", 5.0, amria_km, 5.0, "distance",
         LineString([EL_AMRIA[::-1], BEN_GARDANE[::-1]])),
        ("C3", A000, BORDER_CLAIM, "Tunisia–Libya border", "", 285.0, "mi", 285 * 1.609344, border_km, 25.0,
         "length", border),
    ]
    claims = []
    for claim_id, article, text, subject, obj, value, unit, stated, computed, tolerance, kind, geom in rows:
        difference = computed - stated
        claims.append({**quote(article, text), "claim_id": claim_id, "subject": subject, "object": obj,
                       "stated_value": value, "stated_unit": unit, "stated_km": round(stated, 3),
                       "computed_km": round(computed, 3), "difference_km": round(difference, 3),
                       "tolerance_km": tolerance, "kind": kind, "method": "geodesic WGS84 (pyproj Geod)",
                       "verdict": "consistent" if abs(difference) <= tolerance else "inconsistent",
                       "geometry": geom})
    return {"events": events, "claims": geopandas.GeoDataFrame(claims, geometry="geometry", crs="EPSG:4326")}


def hostile_layers() -> dict[str, geopandas.GeoDataFrame]:
    """Seed layers with attacker-controlled text in every field that reaches the page."""
    layers = seed_layers()
    places = layers["places"].copy()
    places.loc[1, "name"] = HOSTILE
    places.at[1, "mentions"] = [{"article_id": "evil</script>", "start": 0, "end": len(HOSTILE),
                                  "text": HOSTILE, "sentence": f"Before {HOSTILE} after."}]
    layers["places"] = places
    layers["border"] = layers["border"].assign(name=[HOSTILE], countries=["<b>TN</b>-LY"])
    layers["notes</script>"] = geopandas.GeoDataFrame({"name": [HOSTILE], HOSTILE: [HOSTILE]},
                                                      geometry=[Point(11.0, 33.5)], crs="EPSG:4326")
    events = events_layers()["events"].copy()
    events.loc[0, "event_type"] = HOSTILE
    events.at[0, "figures"] = [{"group": "militants", "kind": "killed", "value": 10, "qualifier": "exact",
                                "article_id": HOSTILE, "start": 0, "end": 5, "quote": HOSTILE}]
    layers["events"] = events
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


def full_layers() -> dict[str, geopandas.GeoDataFrame]:
    """Everything a build can show: the seed layers, events, claims and the border bands."""
    from geomap.render_files import with_bands

    return with_bands({**seed_layers(), **events_layers()})


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


def blob(page: str) -> dict:
    """The data blob the page's script draws, decoded as the browser decodes it."""
    found = re.findall(r'<script type="application/json" id="geomap-data">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def column(layer: dict, name: str) -> list:
    """One column of an encoded layer, dictionary codes resolved."""
    value = layer["data"][name]
    if isinstance(value, dict):
        return [None if code < 0 else value["d"][code] for code in value["c"]]
    return value


def layer(page_blob: dict, name: str) -> dict:
    return next(item for item in page_blob["layers"] if item["name"] == name)


@pytest.fixture(scope="module")
def seed_page() -> str:
    return render_map(full_layers(), title="Ben Gardane attack, 7 March 2016", basemap=basemap())


# --------------------------------------------------------------------------- offline


def test_no_external_script_or_stylesheet(seed_page):
    page = Page(seed_page)
    assert [url for url in page.resources if re.match(r"(https?:)?//", url)] == []
    assert external_references(seed_page) == []
    assert any("L.version" in script or "leaflet" in script.lower() for script in page.scripts)
    assert any("geomap.mount = function" in script for script in page.scripts)
    # the only URLs are the optional tile templates, in the data blob
    assert {url for _, url, _ in blob(seed_page)["tiles"]} == {url for _, url, _ in render.ONLINE_TILES}
    code = "".join(script for script in page.scripts if "geomap.mount" in script)
    assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", code)


def test_offline_only_has_no_url_at_all():
    page = render_map(seed_layers(), online_tiles=False)
    assert blob(page)["tiles"] == []
    assert "tile.openstreetmap" not in page and "arcgisonline" not in page


# --------------------------------------------------------------------------- stable bytes


def test_same_bytes_twice(seed_page):
    assert render_map(full_layers(), title="Ben Gardane attack, 7 March 2016", basemap=basemap()) == seed_page


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
    layers = {name: gdf.iloc[::-1] for name, gdf in reversed(full_layers().items())}
    assert render_map(layers, title="Ben Gardane attack, 7 March 2016", basemap=basemap()) == seed_page


def test_floats_are_rounded_and_ids_stable(seed_page):
    assert not re.search(r"\d\.\d{7,}", blob(seed_page)["layers"].__repr__())
    assert re.findall(r"var (map_\w+) = L\.map", seed_page) == ["map_0009"]  # a counter, not random
    assert "geomap.mount(map_0009," in seed_page


# --------------------------------------------------------------------------- the data blob


def test_blob_holds_every_layer_and_attribute(seed_page):
    data = blob(seed_page)
    assert [(item["name"], item["role"], item["title"]) for item in data["layers"]] == [
        ("bands", "bands", "Proximity to the border (10 / 25 / 50 km)"),
        ("border", "border", "Border TN–LY"),
        ("barrier", "barrier", "Barrier (approximate)"),
        ("distances", "distances", "Distances"),
        ("claims", "claims", "Claims (stated vs computed)"),
        ("places", "places", "Places"),
        ("events", "events", "Events"),
    ]
    places = layer(data, "places")
    assert places["columns"] == [c for c in seed_layers()["places"].columns if c != "geometry"]
    assert column(places, "canonical_name") == ["Ben Gardane", "El Amria", "Sabratha"]
    assert places["xy"][:2] == [BEN_GARDANE[1], BEN_GARDANE[0]]  # lon, lat
    ben = column(places, "mentions")[0]
    assert isinstance(ben, list) and ben[0]["text"] == "Ben Guerdan"  # JSON text decoded back to a list
    events = layer(data, "events")
    assert events["time"] == "event_date"
    assert column(events, "event_id") == ["LBY1", "TUN1", "TUN2", "TUN3"]
    assert column(events, "event_date") == ["2016-02-19", "2016-03-07", "2016-03-02", None]
    figures = column(events, "figures")[1]
    assert [(f["group"], f["value"], f["article_id"]) for f in figures][:3] == [
        ("militants", 10, A000), ("civilians", 5, A000), ("security_forces", 1, A000)]
    assert all(f["quote"] in (SEEDS / f"{f['article_id']}.txt").read_text(encoding="utf-8") for f in figures)
    bands = layer(data, "bands")
    assert column(bands, "outer_km") == [10.0, 25.0, 50.0] and len(bands["geoms"]) == 3


def test_claims_carry_stated_and_computed_km(seed_page):
    claims = layer(blob(seed_page), "claims")
    by_id = dict(zip(column(claims, "claim_id"), zip(column(claims, "stated_km"), column(claims, "computed_km"),
                                                     column(claims, "verdict"))))
    stated, computed, verdict = by_id["C1"]
    assert stated == 100.0 and 80 < computed < 100 and verdict == "consistent"
    assert by_id["C2"][2] == "inconsistent" and by_id["C2"][1] == pytest.approx(km(EL_AMRIA, BEN_GARDANE), abs=0.001)
    assert by_id["C3"][0] == pytest.approx(458.663, abs=0.001)


def test_dictionary_coding_and_nulls():
    gdf = geopandas.GeoDataFrame(
        {"kind": ["a", "b", "a", None, "a", "b"], "n": [1, 2, None, 4, 5, 6], "flag": [True, False] * 3,
         "date": ["2016-03-07", None, "2016-03-01", "2016-03-07", None, "2016-02-19"],
         "mixed": [1, "two", [3], {"four": 4}, None, 6.5]},
        geometry=[Point(i, i) for i in range(6)], crs="EPSG:4326")
    encoded = encode_layer("things", gdf)
    assert encoded["role"] == "generic" and encoded["time"] == "date"
    assert encoded["data"]["kind"]["d"] == ["a", "b"]  # distinct values, sorted, referred to by code
    rows = list(zip(*(column(encoded, name) for name in encoded["columns"])))
    assert rows == [  # sorted by the columns in turn, nulls (code -1) first among text, NaN last among numbers
        (None, 4.0, False, "2016-03-07", {"four": 4}), ("a", 1.0, True, "2016-03-07", 1),
        ("a", 5.0, True, None, None), ("a", None, True, "2016-03-01", [3]),
        ("b", 2.0, False, None, "two"), ("b", 6.0, False, "2016-02-19", 6.5),
    ]
    assert encoded["xy"][:2] == [3.0, 3.0]
    assert json.loads(dumps_blob(encoded)) == encoded  # strict JSON: no NaN


def test_rows_without_geometry_are_counted_not_drawn():
    gdf = geopandas.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[Point(1, 1), None, Point()], crs="EPSG:4326")
    encoded = encode_layer("x", gdf)
    assert encoded["n"] == 1 and encoded["dropped"] == 2 and encoded["data"]["name"] == ["a"]


@pytest.mark.parametrize(("values", "expected"), [
    (["2016-03-07", None, "2016-02-19T10:00:00"], "event_date"),
    (["7 March", "2016-03-07", None], None),
    ([None, None, None], None),
])
def test_time_column(values, expected):
    assert time_column(geopandas.GeoDataFrame({"event_date": values}, geometry=[Point(0, 0)] * 3)) == expected


def test_proximity_bands_are_geodesic_rings():
    border = LineString(BORDER_TN_LY)
    bands = measure.proximity_bands(border, (50, 10, 25))
    assert [(inner, outer) for inner, outer, _ in bands] == [(0.0, 10.0), (10.0, 25.0), (25.0, 50.0)]
    assert not bands[0][2].intersection(bands[1][2]).area > 1e-9
    for inner, outer, ring in bands:  # every vertex of the outer edge lies `outer` km from the border
        edge = max(getattr(ring, "geoms", [ring]), key=lambda part: part.area).exterior.coords[::25]
        distances = [measure.nearest_point(lat, lon, border).distance_m / 1000 for lon, lat in edge]
        assert max(distances) == pytest.approx(outer, abs=0.05)
    with pytest.raises(InputError, match="positive"):
        measure.proximity_bands(border, (-5,))


# --------------------------------------------------------------------------- escaping


def test_hostile_text_is_escaped():
    page = render_map(hostile_layers(), title=HOSTILE)
    parsed = Page(page)
    # nothing closes a script early and no markup from the text becomes a tag
    assert len(re.findall(r"</script", page, re.I)) == sum(tag == "script" for tag, _ in parsed.tags)
    assert not any(tag == "img" for tag, _ in parsed.tags)
    for raw in ("<img src=x", "<script>alert", "{{7*7}}", "{%", "${alert", "`tick`", "evil</script>"):
        assert raw not in page, raw
    assert parsed.text.count(HOSTILE) == 1  # <title>, escaped by the renderer; the rest is data
    data = blob(page)  # and it all reads back as the original text
    assert data["title"] == HOSTILE
    assert HOSTILE in column(layer(data, "places"), "name")
    assert "notes</script>" in [item["name"] for item in data["layers"]]
    assert layer(data, "notes</script>")["columns"] == ["name", HOSTILE]
    assert column(layer(data, "events"), "figures")[1][0]["quote"] == HOSTILE


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


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "{{7*7}}{%x%}{#c#}", "`${a}`", "\u2028&<>"])
def test_blob_is_inert_in_html(text):
    dumped = dumps_blob({"t": text, "k": [text]})
    assert not re.search(r"[<>&`$\u2028\u2029]|\{\{|\{%|\{#", dumped)
    assert json.loads(dumped) == {"t": text, "k": [text]}


# --------------------------------------------------------------------------- input


def test_missing_columns_and_unknown_layers_render():
    points = geopandas.GeoDataFrame(geometry=[Point(11.22, 33.138)], crs="EPSG:4326")
    shapes = geopandas.GeoDataFrame({"label": ["zone"], "tags": [["a", "b"]]},
                                    geometry=[Point(11.2, 33.1).buffer(0.1)], crs="EPSG:4326")
    data = blob(render_map({"places": points, "zones": shapes}))
    assert [(item["name"], item["title"]) for item in data["layers"]] == [("zones", "zones"), ("places", "Places")]
    assert layer(data, "zones")["data"]["tags"] == [["a", "b"]]
    assert layer(data, "zones")["geoms"][0]["type"] == "Polygon"


def test_empty_input_renders_an_empty_map():
    data = blob(render_map({}, online_tiles=False))
    assert data["layers"] == [] and data["view"] is None


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
    ours = inline_tags("geomap")
    assert "geomap.mount = function" in ours and ".geomap-legend" in ours
    from geomap import assets

    monkeypatch.setitem(assets.ASSETS, "missing", assets.Asset("xstatic.pkg.nope", "XStatic-Nope", (), ()))
    with pytest.raises(DataError, match="pip install XStatic-Nope"):
        assets.inline_tags("missing")
    with pytest.raises(InputError, match="unknown asset"):
        assets.inline_tags("jquery")
