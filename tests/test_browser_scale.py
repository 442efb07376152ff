"""A big map works: 20,000 events (the benchmark's generator) clustered, searchable, filterable, offline.

Not timed (speed is measured by benchmarks/bench_render.py against explore()): this checks
that a page of many points draws clusters instead of markers, opens popups found by search,
zooms into a cluster, and filters by date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geomap.render import render_map, write_map

pytestmark = pytest.mark.browser

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_render import events_frame  # noqa: E402

N = 20_000


@pytest.fixture(scope="module")
def big_events():
    return events_frame(N)


def test_many_points_are_clustered_and_usable(offline_page, tmp_path, big_events):
    page_html = render_map({"events": big_events}, title="20k events", online_tiles=False)
    assert len(page_html) < 3_000_000  # about 110 bytes an event, all ten attributes included
    path = write_map(page_html, tmp_path / "big.html")
    page = offline_page.page
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-geomap-ready]", state="attached")
    clusters = page.locator(".leaflet-marker-icon.geomap-cluster")
    assert clusters.count() > 20
    assert page.locator("path.geomap-event").count() == 0  # no SVG marker per event
    shown = sum(int(text.replace(",", "")) for text in clusters.all_inner_texts())
    assert shown <= N and shown > N * 0.2  # the clusters in view hold their points

    # search an event by id, its popup shows every attribute
    row = big_events.iloc[1234]
    page.fill(".geomap-search-input", row["event_id"])
    page.press(".geomap-search-input", "Enter")
    text = page.locator(".leaflet-popup-content").inner_text(timeout=10_000)
    assert f"{row['sub_event_type']} — {row['location']} ({row['event_date']})" in text
    assert row["notes"] in text and row["actor1"] in text

    # clicking a cluster zooms in
    page.locator(".leaflet-popup-close-button").dispatch_event("click")
    zoom = page.evaluate("geomap.app.map.getZoom()")
    clusters.first.click()
    page.wait_for_function(f"geomap.app.map.getZoom() > {zoom}")

    # the time slider filters the clustered points
    count = page.locator(".geomap-time-count")
    assert count.inner_text() == f"{N} of {N} shown"
    page.locator(".geomap-time-to").fill("30")  # January 2016 only
    january = int((big_events["event_date"] <= "2016-01-31").sum())
    assert count.inner_text() == f"{january} of {N} shown"
    assert offline_page.errors == [] and offline_page.blocked == [] and offline_page.dialogs == []
