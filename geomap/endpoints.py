"""The endpoints of ``geomap distance``: place names, "LAT,LON", ``border:CC1-CC2``, ``barrier``.

:func:`resolve_endpoint` turns one argument into a point or a line;
:func:`measure_between` measures the geodesic distance between two of them
(point↔point, point↔line with the nearest point, line↔line as the minimum over
the first line's densified vertices).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap.errors import InputError, UnknownPlaceError

__all__ = ["Endpoint", "parse_latlon", "resolve_endpoint", "measure_between", "METHOD"]

METHOD = "geodesic (WGS84 ellipsoid, pyproj Geod)"
_LATLON = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[, ]\s*([-+]?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Endpoint:
    """A resolved endpoint: a point (``lat``/``lon``) or a line (``geom`` in lon/lat)."""

    label: str
    detail: str
    lat: float | None = None
    lon: float | None = None
    geom: Any = None

    @property
    def is_point(self) -> bool:
        """True for a point, False for a line."""
        return self.geom is None


def parse_latlon(text: str) -> tuple[float, float] | None:
    """Parse ``"LAT,LON"`` (decimal degrees); ``None`` if ``text`` is not of that form.

    Raises
    ------
    InputError
        If it has that form but is out of range.

    Examples
    --------
    >>> parse_latlon("32.793,12.488")
    (32.793, 12.488)
    >>> parse_latlon("Sabratha") is None
    True
    """
    m = _LATLON.match(text)
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise InputError(f"{text!r}: latitude must be in [-90, 90] and longitude in [-180, 180] "
                         "(write LAT,LON with latitude first, e.g. \"32.793,12.488\").")
    return lat, lon


def resolve_endpoint(
    spec: str,
    *,
    gazetteer_files: Sequence[str | Path] = (),
    boundaries: str | Path | None = None,
    theatre: str | Path | None = None,
) -> Endpoint:
    """Turn one ``geomap distance`` argument into an :class:`Endpoint`.

    Parameters
    ----------
    spec : str
        A place name, ``"LAT,LON"``, ``border:CC1-CC2`` or ``barrier``.
    gazetteer_files : sequence of path
        Users' supplement gazetteers for place names.
    boundaries : path, optional
        Country polygons for borders (Natural Earth 1:10m by default).
    theatre : path, optional
        Theatre file whose barrier ``barrier`` means (Ben Guerdane by default).

    Raises
    ------
    InputError, UnknownPlaceError
        With the fix in the message.
    """
    spec = spec.strip()
    if not spec:
        raise InputError("an endpoint is empty: give a place name, \"LAT,LON\", border:CC1-CC2 or barrier.")
    latlon = parse_latlon(spec)
    if latlon:
        return Endpoint(spec, f"point {latlon[0]:.5f}, {latlon[1]:.5f}", lat=latlon[0], lon=latlon[1])
    if spec.lower().startswith("border:"):
        from geomap.boundaries import border_line, load_countries, parse_border_spec

        cc1, cc2 = parse_border_spec(spec)
        line = border_line(load_countries(boundaries), cc1, cc2)
        return Endpoint(spec, f"land border {cc1}–{cc2} (Natural Earth 1:10m)" if boundaries is None
                        else f"land border {cc1}–{cc2} ({boundaries})", geom=line)
    if spec.lower() == "barrier":
        from geomap.boundaries import load_countries
        from geomap.gazetteer import Gazetteer
        from geomap.theatre import barrier_geometry, load_theatre

        th = load_theatre(theatre)
        geom = barrier_geometry(th, load_countries(boundaries), Gazetteer(gazetteer_files))
        if geom is None:
            raise InputError(f"the theatre {th.path} defines no barrier.")
        return Endpoint(spec, "modelled border barrier (approximate route)", geom=geom)
    from geomap.gazetteer import Gazetteer
    from geomap.geocoding import OfflineGeocoder

    cands = OfflineGeocoder(Gazetteer(gazetteer_files)).geocode(spec)
    if not cands:
        raise UnknownPlaceError(f"no place matches {spec!r}: check the spelling, write it as \"LAT,LON\", or add it "
                                "to a supplement file passed with --gazetteer.")
    c = cands[0]
    return Endpoint(spec, f"{c.name}, {c.country_code} ({c.source_id}) at {c.lat:.5f}, {c.lon:.5f}",
                    lat=c.lat, lon=c.lon)


def measure_between(a: Endpoint, b: Endpoint) -> dict[str, Any]:
    """Geodesic distance between two endpoints.

    Returns
    -------
    dict
        ``{"from", "to", "km", "nearest": [lat, lon], "method", "from_detail", "to_detail"}``;
        ``nearest`` is the point of ``b`` nearest to ``a`` (of ``a`` when only ``a`` is a line).
    """
    from geomap import measure

    if a.is_point and b.is_point:
        km = float(measure.distance_m(a.lat, a.lon, b.lat, b.lon)) / 1000
        nearest = [b.lat, b.lon]
    elif a.is_point or b.is_point:
        point, line = (a, b) if a.is_point else (b, a)
        near = measure.nearest_point(point.lat, point.lon, line.geom)
        km, nearest = near.distance_m / 1000, [near.lat, near.lon]
    else:
        dense = measure.densify(a.geom, 1000.0)
        coords = [c for part in getattr(dense, "geoms", [dense]) for c in part.coords]
        lons = [c[0] for c in coords]
        lats = [c[1] for c in coords]
        best = min(measure.nearest_points(lats, lons, b.geom), key=lambda n: n.distance_m)
        km, nearest = best.distance_m / 1000, [best.lat, best.lon]
    return {"from": a.label, "to": b.label, "km": round(km, 3),
            "nearest": [round(nearest[0], 6), round(nearest[1], 6)], "method": METHOD,
            "from_detail": a.detail, "to_detail": b.detail}
