"""The rendered map in headless chromium with the network off (see the fixtures in conftest.py).

Every test asserts that the page made no network request and raised no error.
"""

from __future__ import annotations

import pytest
from pyproj import Geod

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need `pip install playwright`").expect
from test_render import (A000, BEN_GARDANE, HOSTILE, SABRATHA, TOLL_000, basemap, events_layers, full_layers,
                         hostile_layers, km, seed_layers)

from geomap.render import render_map, write_map

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/geomap_map.png"
OVERLAYS = ["Places", "Areas (uncertainty)", "Border TN–LY", "Barrier (approximate)", "Distances"]
FULL_OVERLAYS = ["Places", "Events", "Claims (stated vs computed)", "Areas (uncertainty)", "Event precision rings",
                 "Border TN–LY", "Barrier (approximate)", "Distances", "Proximity to the border (10 / 25 / 50 km)"]


def open_map(offline, tmp_path, layers, **options):
    path = write_map(render_map(layers, **options), tmp_path / "map.html")
    offline.page.goto(path.as_uri())
    offline.page.wait_for_selector("html[data-geomap-ready]", state="attached")
    return offline.page


def labels(page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(f".leaflet-control-layers-{selector} label").all_inner_texts()]


def close_popup(page) -> None:
    # a DOM click: a mouse click can land while the popup still auto-pans into view
    page.locator(".leaflet-popup-close-button").dispatch_event("click")
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=5000)  # it fades out first


def popup_texts(page, selector: str = "path.geomap-place") -> list[str]:
    """Click every marker of ``selector`` in turn and collect the text of the popup it opens."""
    texts = []
    for marker in page.locator(selector).all():
        marker.dispatch_event("click")  # markers of nearby places overlap at this zoom
        texts.append(page.locator(".leaflet-popup-content").inner_text(timeout=5000))
        close_popup(page)
    return texts


def clean(offline) -> bool:
    return offline.errors == [] and offline.blocked == [] and offline.dialogs == []


def test_map_works_offline(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), title="Ben Gardane attack, 7 March 2016",
                    basemap=basemap())
    assert page.evaluate("typeof window.L === 'object' && L.version") == "1.9.3"
    assert clean(offline_page)  # the tile layers exist but are not the default
    assert labels(page, "base") == ["Countries (offline)", "OpenStreetMap", "Satellite (Esri)"]
    assert page.locator(".leaflet-control-layers-base input:checked + span").inner_text().strip() == \
        "Countries (offline)"
    assert labels(page, "overlays") == OVERLAYS
    assert page.locator(".leaflet-control-layers-overlays input:checked").count() == len(OVERLAYS)
    assert page.locator("path.geomap-place").count() == 3
    assert page.locator("path.geomap-area").count() == 1
    assert page.locator(".leaflet-control-scale-line").count() == 2  # metric and imperial scale bars
    assert page.locator(".geomap-legend h1").inner_text() == "Ben Gardane attack, 7 March 2016"
    assert page.locator(".geomap-km-label").all_inner_texts() == [f"{km(BEN_GARDANE, SABRATHA):.1f} km"]
    # the online layers are real but opt-in: picking one is what fetches tiles
    page.get_by_label("OpenStreetMap").check()
    page.wait_for_timeout(300)
    assert offline_page.blocked and all(url.startswith("https://tile.openstreetmap.org/")
                                        for url in offline_page.blocked)


def test_toggle_a_layer(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), basemap=basemap())
    page.get_by_label("Places").uncheck()
    assert page.locator("path.geomap-place").count() == 0
    page.get_by_label("Distances").uncheck()
    expect(page.locator(".geomap-km-label")).to_have_count(0)  # labels fade out
    page.get_by_label("Places").check()
    assert page.locator("path.geomap-place").count() == 3
    assert clean(offline_page)


def test_clicking_a_place_opens_its_sentences(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), basemap=basemap())
    ben = next(text for text in popup_texts(page) if text.startswith("Ben Gardane"))
    assert "Ben Guerdan" in ben and "30.9 km, TN side" in ben
    assert "where at least 55 people died during an attack on Monday by Islamic State group fighters" in ben
    assert "004_8030042ffd2176c5 · chars 265–276" in ben
    assert page.locator("path.geomap-place").first.get_attribute("class").count("geomap-place") == 1
    assert clean(offline_page)


def test_event_popup_lists_figures_per_source_with_quotes(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, full_layers(), basemap=basemap())
    assert labels(page, "overlays") == FULL_OVERLAYS
    texts = popup_texts(page, "path.geomap-event")
    assert len(texts) == 4
    attack = next(text for text in texts if text.startswith("Armed clash — Ben Gardane (2016-03-07)"))
    assert "Figures by source" in attack and A000 in attack
    assert "militants killed: 10" in attack and "militants killed: at least 35" in attack
    assert TOLL_000 in attack  # the quote, as the article wrote it
    assert "16 (lowest reported); reports range 16–55" in attack
    # the legend names every event type present, with the precision ring
    legend = page.locator(".geomap-legend").inner_text()
    for entry in ("event: Battles", "event: Explosions/Remote violence", "event: Strategic developments",
                  "event precision ring", "claim: consistent", "claim: inconsistent", "10 km from the border",
                  "10–25 km from the border", "25–50 km from the border", "international border"):
        assert entry in legend, entry
    assert clean(offline_page)


def test_claims_show_stated_and_computed_km(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, events_layers(), basemap=basemap())
    labels_shown = page.locator(".geomap-km-label").all_inner_texts()
    claims = events_layers()["claims"].set_index("claim_id")
    sabratha = f"stated 100.0 km · computed {claims.loc['C1', 'computed_km']:.1f} km"
    assert sabratha in labels_shown and len(labels_shown) == 3
    page.locator(".geomap-km-label", has_text=sabratha).dispatch_event("click")
    text = page.locator(".leaflet-popup-content").inner_text(timeout=5000)
    assert text.startswith("Sabratha → Tunisia–Libya border") and "consistent" in text
    assert "The city lies just 100 kilometres (62 miles) from Tunisia’s border" in text
    assert clean(offline_page)


def test_time_slider_filters_points(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, events_layers(), basemap=basemap())
    count = page.locator(".geomap-time-count")
    assert count.inner_text() == "4 of 4 shown" and page.locator("path.geomap-event").count() == 4
    assert page.locator(".geomap-time-range").inner_text() == "2016-02-19 – 2016-03-07"
    page.locator(".geomap-time-from").fill("1")  # dates: 02-19, 03-02, 03-07
    assert page.locator(".geomap-time-range").inner_text() == "2016-03-02 – 2016-03-07"
    assert count.inner_text() == "3 of 4 shown"  # the undated event stays until asked otherwise
    assert page.locator("path.geomap-event").count() == 3
    page.locator(".geomap-time-undated input").uncheck()
    assert count.inner_text() == "2 of 4 shown" and page.locator("path.geomap-event").count() == 2
    page.locator(".geomap-time-to").fill("0")  # the end cannot pass the start: both move
    assert page.locator(".geomap-time-range").inner_text() == "2016-02-19"
    assert count.inner_text() == "1 of 4 shown"
    assert page.locator("path.geomap-area").count() == 1  # the precision ring of the Sabratha strike
    assert clean(offline_page)


def test_search_by_place_name(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, full_layers(), basemap=basemap())
    page.fill(".geomap-search-input", "sabr")
    results = page.locator(".geomap-search-results a").all_inner_texts()
    assert results[0].startswith("Sabratha") and any("Air/drone strike — Sabratha" in r for r in results)
    page.fill(".geomap-search-input", "ben guerdan")  # a written form, folded
    assert page.locator(".geomap-search-results a").first.inner_text().startswith("Ben Gardane")
    page.locator(".geomap-search-results a").first.click()
    text = page.locator(".leaflet-popup-content").inner_text(timeout=5000)
    assert text.startswith("Ben Gardane") and "Ben Guerdan" in text
    page.fill(".geomap-search-input", "Ṣabrātah nowhere")
    assert page.locator(".geomap-search-results").inner_text() == "no match"
    assert clean(offline_page)


def test_measure_tool_gives_geodesic_km(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), basemap=basemap())
    page.locator(".geomap-measure-button").click()
    points = [(300, 600), (700, 650), (760, 420)]
    for x, y in points:
        page.mouse.click(x, y)
    total = page.locator(".geomap-measure-total").inner_text()
    latlngs = [page.evaluate(f"(() => {{ const p = geomap.app.map.containerPointToLatLng([{x}, {y}]); "
                             f"return [p.lat, p.lng]; }})()") for x, y in points]
    geod = Geod(ellps="WGS84")
    expected = sum(geod.inv(a[1], a[0], b[1], b[0])[2] for a, b in zip(latlngs, latlngs[1:])) / 1000
    assert total == f"{expected:.2f} km"
    assert page.locator(".geomap-measure-label").count() == 3
    page.keyboard.press("Escape")
    expect(page.locator(".geomap-measure-label")).to_have_count(0)
    assert clean(offline_page)


def test_fullscreen_and_minimap(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), basemap=basemap())
    assert page.locator(".geomap-minimap canvas").count() == 1  # countries and the view's frame
    frame = page.evaluate("(() => { const a = geomap.app; let f; a.mini.eachLayer(l => { if (l instanceof L.Rectangle) "
                          "f = l.getBounds(); }); return f.equals(a.map.getBounds()); })()")
    assert frame
    page.locator(".geomap-fullscreen-button").click()
    assert "geomap-fullscreen" in page.locator(".folium-map").get_attribute("class")
    box = page.locator(".folium-map").bounding_box()
    assert (box["width"], box["height"]) == (1280, 860)
    page.locator(".geomap-fullscreen-button").click()
    assert "geomap-fullscreen" not in page.locator(".folium-map").get_attribute("class")
    assert clean(offline_page)


def test_hostile_text_shows_as_text_and_runs_nothing(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, hostile_layers(), title=HOSTILE, basemap=basemap())
    assert page.title() == HOSTILE
    assert page.locator(".geomap-legend h1").inner_text() == HOSTILE
    texts = popup_texts(page)
    assert any(f"Before {HOSTILE} after." in text for text in texts)
    hostile_marker = page.locator("path.geomap-place").nth(texts.index(next(t for t in texts if HOSTILE in t)))
    hostile_marker.dispatch_event("mouseover")  # the event marker at the same spot lies above it
    assert page.locator(".leaflet-tooltip", has_text="onerror").inner_text(timeout=5000).strip() == HOSTILE
    assert "notes</script>" in labels(page, "overlays")
    events = popup_texts(page, "path.geomap-event")
    assert any(HOSTILE in text and "Figures by source" in text for text in events)
    assert f"event: {HOSTILE}" in page.locator(".geomap-legend").inner_text()
    page.fill(".geomap-search-input", "onerror")
    assert HOSTILE in page.locator(".geomap-search-results").inner_text()
    page.locator(".geomap-search-results a").first.click()
    assert HOSTILE in page.locator(".leaflet-popup-content").inner_text(timeout=5000)
    body = page.locator("body").inner_text()
    assert "{{7*7}}" in body and "49" not in body
    assert page.locator(":is(.leaflet-container, .geomap-legend) :is(img, script)").count() == 0
    assert clean(offline_page)


def test_screenshot_for_a_human(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, full_layers(), title="Ben Gardane attack, 7 March 2016",
                    basemap=basemap())
    page.wait_for_timeout(300)  # let fitBounds settle
    page.screenshot(path=SCREENSHOT)
    assert clean(offline_page)


def test_built_seed_map_offline(offline_page, tmp_path):
    """The map `geomap build` writes from the five seeds, opened from disk with the network off."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "geomap.cli", "build", str(root / "seeds"), "--layers",
                          str(tmp_path / "layers"), "--maps", str(tmp_path / "maps")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    page = offline_page.page
    page.goto((tmp_path / "maps" / "index.html").as_uri())
    page.wait_for_selector("html[data-geomap-ready]", state="attached")
    assert page.evaluate("typeof window.L === 'object' && L.version") == "1.9.3"
    overlays = labels(page, "overlays")
    assert overlays[:5] == OVERLAYS[:2] + OVERLAYS[2:] or set(OVERLAYS) <= set(overlays)
    assert "Proximity to the border (10 / 25 / 50 km)" in overlays
    assert page.locator("path.geomap-area").count() >= 1  # El Amria (and Qasr Talil) drawn as areas
    texts = popup_texts(page)
    assert len(texts) == page.locator("path.geomap-place").count() >= 12
    sabratha = next(t for t in texts if t.startswith("Şabrātah"))
    assert "Sabratha" in sabratha and "LY side" in sabratha
    assert "US air strike on an IS training camp near the Libyan city of Sabratha" in sabratha
    assert any(t.startswith("El Amria") for t in texts)
    assert page.locator(".geomap-km-label").count() >= 5  # every distance line says its km
    assert clean(offline_page)
    page.screenshot(path="/tmp/geomap_seed_map.png")
