"""The opt-in online geocoder: any geopy geocoder, rate-limited and cached, behind the same protocol.

geomap never touches the network unless asked (``--online``). Then names the offline
gazetteer cannot place are sent to an online service through geopy — Nominatim by
default — with geopy's :class:`~geopy.extra.rate_limiter.RateLimiter` (at most one
request a second, as Nominatim's usage policy asks) and a JSON cache on disk so a
name is asked once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from geomap.errors import GeomapError
from geomap.geocoding.rank import DocumentContext
from geomap.model import PRECISION_POINT, PRECISION_REGION, Candidate

__all__ = ["OnlineGeocoder", "OnlineGeocoderError"]

#: OSM place types that are regions rather than points
_REGION_TYPES = {"country", "state", "region", "province", "county", "administrative", "continent"}


class OnlineGeocoderError(GeomapError, ConnectionError):
    """The online service failed; the message says which and what to do."""


class OnlineGeocoder:
    """Geocode through a geopy geocoder, politely.

    Parameters
    ----------
    geocoder : geopy geocoder, optional
        Defaults to ``geopy.geocoders.Nominatim(user_agent="geomap")``.
    min_delay_seconds : float
        Minimum time between two requests (RateLimiter).
    cache_path : path, optional
        JSON file caching answers; ``$GEOMAP_CACHE_DIR/online-<service>.json`` by default.
    limit : int
        Most candidates asked for per name.
    error_wait_seconds : float
        Wait before the one retry after a failed request.
    """

    def __init__(self, geocoder: Any = None, *, min_delay_seconds: float = 1.0, cache_path: str | Path | None = None,
                 limit: int = 5, error_wait_seconds: float = 5.0) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self.geocoder = geocoder or Nominatim(user_agent="geomap (https://github.com/geomap)", timeout=10)
        self._call = RateLimiter(self.geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=1,
                                 error_wait_seconds=error_wait_seconds, swallow_exceptions=False)
        service = type(self.geocoder).__name__.lower()
        if cache_path is None:
            from geomap.gazetteer.index import default_index_path

            cache_path = default_index_path().parent / f"online-{service}.json"
        self.cache_path = Path(cache_path)
        self.service = service
        self.limit = limit
        self._cache: dict[str, list[dict[str, Any]]] = {}
        if self.cache_path.exists():
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                self._cache = {}

    def _key(self, name: str, countries: list[str]) -> str:
        return f"{name}|{','.join(countries)}"

    def _ask(self, name: str, countries: list[str]) -> list[dict[str, Any]]:
        from geopy.exc import GeopyError

        kwargs: dict[str, Any] = {"exactly_one": False, "limit": self.limit}
        if self.service == "nominatim":
            kwargs["addressdetails"] = True
            if countries:
                kwargs["country_codes"] = [c.lower() for c in countries]
        try:
            found = self._call(name, **kwargs) or []
        except GeopyError as exc:
            raise OnlineGeocoderError(f"{self.service} failed for {name!r}: {exc}. Check the connection, or run "
                                      "without --online (everything else works offline).") from exc
        out = []
        for loc in found:
            raw = loc.raw if isinstance(loc.raw, dict) else {}
            address = raw.get("address") or {}
            out.append({"name": loc.address, "lat": loc.latitude, "lon": loc.longitude,
                        "country_code": str(address.get("country_code", "")).upper(),
                        "type": raw.get("addresstype") or raw.get("type") or "place",
                        "id": f"{raw.get('osm_type', 'x')}/{raw.get('osm_id', raw.get('place_id', ''))}",
                        "importance": float(raw.get("importance") or 0.0)})
        return out

    def geocode(self, name: str, context: DocumentContext | None = None) -> list[Candidate]:
        """Candidates for ``name`` from the online service, best first (cached on disk)."""
        countries = sorted(c for c, w in (context.countries.items() if context else []) if w >= 0.5)
        key = self._key(name, countries)
        if key not in self._cache:
            self._cache[key] = self._ask(name, countries)
            self._save()
        cands = []
        for rank_, r in enumerate(self._cache[key]):
            region = str(r["type"]) in _REGION_TYPES
            cands.append(Candidate(
                name=str(r["name"]), lat=float(r["lat"]), lon=float(r["lon"]), country_code=r["country_code"],
                feature=str(r["type"]), population=0, source_id=f"{self.service}:{r['id']}",
                score=round(max(0.0, 0.9 - 0.05 * rank_), 4), precision=PRECISION_REGION if region else PRECISION_POINT,
                matched=name))
        return cands

    def _save(self) -> None:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self._cache, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
        os.replace(tmp, self.cache_path)
