"""Benchmark: geomap's map renderer against ``GeoDataFrame.explore()`` on the same 100,000 events.

One GeoDataFrame of N points (deterministic random, seed 2016) with ten attributes in the
``events`` contract's names (event_id, event_date, event_type, sub_event_type, actor1,
location, country, fatalities, geo_precision, notes) is rendered in the same run by

* geomap: ``render_map({"events": gdf})`` written to an HTML file (the time slider, search,
  clustering, popups with every attribute: the page is the full map, no basemap polygons), and
* the peer: ``gdf.explore()`` saved to an HTML file (folium GeoJSON, popups / tooltips with
  every attribute, as its defaults).

Prints both times (best of ``--repeat``), both file sizes and the ratios (targets: geomap
≥ 10× faster, ≥ 3× smaller). With ``--browser`` it also opens geomap's page in headless
Debian Chromium with the network off and prints the time to usable: the page loaded and the
clusters drawn, then a search for one event and its popup open (target ≤ 2 s).

Usage::

    python benchmarks/bench_render.py [--n 100000] [--repeat 3] [--browser] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd

EVENT_TYPES = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Strategic developments": ["Arrests", "Disrupted weapons use", "Other"],
    "Protests": ["Peaceful protest"],
    "Riots": ["Violent demonstration"],
}
ACTORS = [f"Actor group {k:02d}" for k in range(60)]
COUNTRIES = ["Tunisia", "Libya", "Algeria", "Egypt", "Niger", "Chad", "Mali", "Sudan", "Morocco", "Nigeria"]


def events_frame(n: int, seed: int = 2016) -> geopandas.GeoDataFrame:
    """N random events (lon -18..40, lat 5..37) with ten attributes; the same for a given seed."""
    rng = np.random.default_rng(seed)
    types = list(EVENT_TYPES)
    type_idx = rng.integers(0, len(types), n)
    sub = [EVENT_TYPES[types[t]][k % len(EVENT_TYPES[types[t]])] for t, k in zip(type_idx, rng.integers(0, 6, n))]
    days = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D")
    towns = rng.integers(0, 3000, n)
    lon = np.round(rng.uniform(-18, 40, n), 6)
    lat = np.round(rng.uniform(5, 37, n), 6)
    frame = pd.DataFrame({
        "event_id": [f"EVT{k:06d}" for k in range(1, n + 1)],
        "event_date": days.strftime("%Y-%m-%d"),
        "event_type": [types[t] for t in type_idx],
        "sub_event_type": sub,
        "actor1": [ACTORS[k] for k in rng.integers(0, len(ACTORS), n)],
        "location": [f"Town {k}" for k in towns],
        "country": [COUNTRIES[k] for k in rng.integers(0, len(COUNTRIES), n)],
        "fatalities": rng.poisson(2.0, n).astype("int64"),
        "geo_precision": rng.integers(1, 4, n).astype("int64"),
        "notes": [f"Clash reported near Town {t}; {f} casualties claimed" for t, f in zip(towns, rng.integers(0, 90, n))],
    })
    return geopandas.GeoDataFrame(frame, geometry=geopandas.points_from_xy(lon, lat), crs="EPSG:4326")


def best_of(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def time_to_usable(page_path: Path, query: str) -> dict[str, float]:
    """Open the page offline in headless chromium; seconds to clusters drawn and to a popup found by search."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        blocked: list[str] = []
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else (blocked.append(route.request.url), route.abort()))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        start = time.perf_counter()
        page.goto(page_path.as_uri(), wait_until="commit")
        page.wait_for_selector(".leaflet-marker-icon.geomap-cluster", timeout=60_000)
        drawn = time.perf_counter() - start
        page.fill(".geomap-search-input", query)
        page.press(".geomap-search-input", "Enter")
        page.wait_for_selector(".leaflet-popup-content .geomap-popup", timeout=60_000)
        popup = time.perf_counter() - start
        text = page.locator(".leaflet-popup-content").inner_text()
        in_page = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        browser.close()
    if query not in text or errors or blocked:
        raise SystemExit(f"page not usable: popup={text[:80]!r} errors={errors} blocked={blocked}")
    return {"clusters_drawn_s": drawn, "popup_open_s": popup, "dom_content_loaded_s": in_page / 1000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="number of points (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each renderer; the best is kept (default 3)")
    ap.add_argument("--browser", action="store_true", help="also time the geomap page in headless chromium")
    ap.add_argument("--keep", metavar="DIR", help="keep both HTML files in DIR")
    args = ap.parse_args()

    from geomap.render import render_map, write_map

    gdf = events_frame(args.n)
    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_render_"))
    out.mkdir(parents=True, exist_ok=True)
    ours_path, peer_path = out / "geomap.html", out / "explore.html"

    ours_s, _ = best_of(args.repeat, lambda: write_map(render_map({"events": gdf}, title="100k events"), ours_path))
    peer_s, _ = best_of(args.repeat, lambda: gdf.explore().save(str(peer_path)))
    ours_mb, peer_mb = ours_path.stat().st_size / 1e6, peer_path.stat().st_size / 1e6

    print(f"{args.n:,} points x {len(gdf.columns) - 1} attributes, best of {args.repeat}")
    print(f"{'':24}{'seconds':>10}{'MB':>10}")
    print(f"{'geomap render_map':24}{ours_s:>10.2f}{ours_mb:>10.1f}")
    print(f"{'GeoDataFrame.explore()':24}{peer_s:>10.2f}{peer_mb:>10.1f}")
    print(f"ratio: geomap {peer_s / ours_s:.1f}x faster (target >= 10x), {peer_mb / ours_mb:.1f}x smaller (target >= 3x)")
    if args.browser:
        usable = time_to_usable(ours_path, "EVT000001")
        print(f"headless chromium, geomap page: DOMContentLoaded {usable['dom_content_loaded_s']:.2f} s, clusters drawn "
              f"{usable['clusters_drawn_s']:.2f} s, search + popup open {usable['popup_open_s']:.2f} s (target <= 2 s)")
    if args.keep:
        print(f"kept: {ours_path}, {peer_path}")
    else:
        shutil.rmtree(out)


if __name__ == "__main__":
    sys.exit(main())
