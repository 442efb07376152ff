"""The opt-in online geocoder, against a real local HTTP server speaking Nominatim's API (no internet)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from geomap.geocoding import DocumentContext
from geomap.geocoding.online import OnlineGeocoder, OnlineGeocoderError

ANSWERS = {
    "choucha": [{"place_id": 1, "osm_type": "node", "osm_id": 42, "lat": "33.0900", "lon": "11.4000",
                 "display_name": "Choucha, Ben Gardane, Médenine, Tunisia", "addresstype": "hamlet",
                 "importance": 0.31, "address": {"country_code": "tn"}}],
}


class Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        Handler.requests.append({"path": url.path, **query})
        if query.get("q") == "boom":
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(ANSWERS.get(query.get("q", "").lower(), [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def server():
    Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def geocoder(domain, tmp_path):
    from geopy.geocoders import Nominatim

    return OnlineGeocoder(Nominatim(user_agent="geomap-tests", domain=domain, scheme="http", timeout=5),
                          min_delay_seconds=0.0, cache_path=tmp_path / "cache.json",
                          error_wait_seconds=0.0)


def test_online_candidates_and_country_filter(server, tmp_path):
    g = geocoder(server, tmp_path)
    (c,) = g.geocode("Choucha", DocumentContext.of(["TN"]))
    assert (c.country_code, round(c.lat, 2), round(c.lon, 2)) == ("TN", 33.09, 11.4)
    assert c.source_id == "nominatim:node/42"
    assert Handler.requests[0]["path"] == "/search" and Handler.requests[0]["countrycodes"] == "tn"
    assert g.geocode("Nowhere at all") == []


def test_answers_are_cached_on_disk(server, tmp_path):
    geocoder(server, tmp_path).geocode("Choucha")
    n = len(Handler.requests)
    again = geocoder(server, tmp_path).geocode("Choucha")  # a new process would read the same file
    assert len(Handler.requests) == n and again[0].name.startswith("Choucha")


def test_server_errors_name_the_fix(server, tmp_path):
    with pytest.raises(OnlineGeocoderError, match="without --online"):
        geocoder(server, tmp_path).geocode("boom")


def test_build_online_resolves_what_the_gazetteer_cannot(server, tmp_path):
    from geomap.pipeline import build

    art = tmp_path / "a.txt"
    art.write_text("Refugees from Libya crossed into Tunisia and reached Choucha camp near Ben Guerdane.",
                   encoding="utf-8")
    offline = build([art], layers_dir=tmp_path / "l0", maps_dir=tmp_path / "m0")
    assert "Choucha" not in {m.text for p in offline.places for m in p.mentions}
    res = build([art], layers_dir=tmp_path / "l1", maps_dir=tmp_path / "m1", online=geocoder(server, tmp_path))
    (choucha,) = [p for p in res.places if p.source_id == "nominatim:node/42"]
    assert choucha.method == "online (nominatim)" and choucha.country_code == "TN"
