"""The rendered map in headless chromium with the network off (see the fixtures in conftest.py)."""

from __future__ import annotations

import pytest
from test_render import HOSTILE, basemap, hostile_layers, seed_layers

from geomap.render import render_map, write_map

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/geomap_map.png"
OVERLAYS = ["Places", "Areas (uncertainty)", "Border TN–LY", "Barrier (approximate)", "Distances"]


def open_map(offline, tmp_path, layers, **options):
    path = write_map(render_map(layers, **options), tmp_path / "map.html")
    offline.page.goto(path.as_uri())
    offline.page.wait_for_selector("path.geomap-place")
    return offline.page


def labels(page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(f".leaflet-control-layers-{selector} label").all_inner_texts()]


def popup_texts(page) -> list[str]:
    """Click every place marker in turn and collect the text of the popup it opens."""
    texts = []
    for marker in page.locator("path.geomap-place").all():
        marker.click(timeout=5000)
        texts.append(page.locator(".leaflet-popup-content").inner_text(timeout=5000))
        # a DOM click: a mouse click can land while the popup still auto-pans into view
        page.locator(".leaflet-popup-close-button").dispatch_event("click")
        page.locator(".leaflet-popup").wait_for(state="detached", timeout=5000)  # it fades out first
    return texts


def test_map_works_offline(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), title="Ben Gardane attack, 7 March 2016",
                    basemap=basemap())
    assert page.evaluate("typeof window.L === 'object' && L.version") == "1.9.3"
    assert offline_page.errors == []
    assert offline_page.blocked == []  # the tile layers exist but are not the default
    assert labels(page, "base") == ["Countries (offline)", "OpenStreetMap", "Satellite (Esri)"]
    assert page.locator(".leaflet-control-layers-base input:checked + span").inner_text().strip() == \
        "Countries (offline)"
    assert labels(page, "overlays") == OVERLAYS
    assert page.locator(".leaflet-control-layers-overlays input:checked").count() == len(OVERLAYS)
    assert page.locator("path.geomap-place").count() == 3
    assert page.locator("path.geomap-area").count() == 1
    # the online layers are real but opt-in: picking one is what fetches tiles
    page.get_by_label("OpenStreetMap").check()
    page.wait_for_timeout(300)
    assert offline_page.blocked and all(url.startswith("https://tile.openstreetmap.org/")
                                        for url in offline_page.blocked)


def test_clicking_a_place_opens_its_sentences(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), basemap=basemap())
    ben = next(text for text in popup_texts(page) if text.startswith("Ben Gardane"))
    assert "Ben Guerdan" in ben and "30.9 km, TN side" in ben
    assert "where at least 55 people died during an attack on Monday by Islamic State group fighters" in ben
    assert "004_8030042ffd2176c5" in ben
    assert offline_page.errors == [] and offline_page.blocked == []


def test_hostile_text_shows_as_text_and_runs_nothing(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, hostile_layers(), title=HOSTILE, basemap=basemap())
    assert page.title() == HOSTILE
    assert page.locator(".geomap-legend h1").inner_text() == HOSTILE
    texts = popup_texts(page)
    assert any(f"Before {HOSTILE} after." in text for text in texts)
    hostile_marker = page.locator("path.geomap-place").nth(texts.index(next(t for t in texts if HOSTILE in t)))
    hostile_marker.hover()
    assert page.locator(".leaflet-tooltip", has_text="onerror").inner_text(timeout=5000).strip() == HOSTILE
    assert "notes</script>" in labels(page, "overlays")
    body = page.locator("body").inner_text()
    assert "{{7*7}}" in body and "49" not in body
    assert page.locator(":is(.leaflet-container, .geomap-legend) :is(img, script)").count() == 0
    assert offline_page.dialogs == []
    assert offline_page.errors == [] and offline_page.blocked == []


def test_screenshot_for_a_human(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, seed_layers(), title="Ben Gardane attack, 7 March 2016",
                    basemap=basemap())
    page.wait_for_timeout(300)  # let fitBounds settle
    page.screenshot(path=SCREENSHOT)
    assert offline_page.errors == [] and offline_page.blocked == []


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
    page.wait_for_selector("path.geomap-place")
    assert page.evaluate("typeof window.L === 'object' && L.version") == "1.9.3"
    assert labels(page, "overlays") == OVERLAYS
    assert page.locator("path.geomap-area").count() >= 1  # El Amria (and Qasr Talil) drawn as areas
    texts = []
    for marker in page.locator("path.geomap-place").all():
        # a DOM click: markers of nearby places (Tunis, Le Bardo) overlap at this zoom
        marker.dispatch_event("click")
        texts.append(page.locator(".leaflet-popup-content").last.inner_text(timeout=5000))
        page.locator(".leaflet-popup-close-button").last.dispatch_event("click")
        page.locator(".leaflet-popup").wait_for(state="detached", timeout=5000)
    assert len(texts) == page.locator("path.geomap-place").count() >= 12
    sabratha = next(t for t in texts if t.startswith("Şabrātah"))
    assert "Sabratha" in sabratha and "LY side" in sabratha
    assert "US air strike on an IS training camp near the Libyan city of Sabratha" in sabratha
    assert any(t.startswith("El Amria") for t in texts)
    assert offline_page.errors == [] and offline_page.blocked == [] and offline_page.dialogs == []
    page.screenshot(path="/tmp/geomap_seed_map.png")
