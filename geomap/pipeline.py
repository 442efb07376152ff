"""The build pipeline: articles → toponyms → geocoding → layers → measure → map.

:func:`geoparse` is the engine's public entry for one text; :func:`build` runs the
whole job over files and writes ``layers/`` and ``maps/``. Reading and writing
happen in :func:`build` only; the steps it calls are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from geomap.articles import Problem, read_articles
from geomap.errors import InputError
from geomap.gazetteer import Gazetteer, default_gazetteer
from geomap.geocoding import REGION_REACH, Resolution, Weights, resolve_detections
from geomap.model import Article, Place
from geomap.toponyms import find_mentions

__all__ = ["geoparse_article", "collect_places", "events_stage", "BuildResult", "build"]

Progress = Callable[[str, int, int], None]


def geoparse_article(article: Article, gazetteer: Gazetteer, *, countries: Sequence[str] = (),
                     weights: Weights = Weights()) -> list[Resolution]:
    """Find and resolve the places of one article (in text order)."""
    return resolve_detections(find_mentions(article, gazetteer), countries=countries, weights=weights,
                              text=article.text)


def collect_places(resolutions: Sequence[Resolution], *, include_demonym_only: bool = False) -> list[Place]:
    """Group resolved mentions across articles into places (one per gazetteer entry).

    Demonym mentions ("Tunisian") are attached to their country's place, but a
    country mentioned only by demonym is left out unless ``include_demonym_only``.
    """
    places: dict[str, Place] = {}
    for res in resolutions:
        c = res.best
        if c is None:
            continue
        place = places.get(c.source_id)
        if place is None:
            method = "gazetteer"
            if ":" in c.source_id and c.source_id.split(":")[0] not in ("geonames", "sup", "country", "admin1",
                                                                           "admin2", "continent"):
                method = f"online ({c.source_id.split(':')[0]})"
            elif c.source_id.startswith("sup:"):
                method = "curated supplement"
            elif c.source_id.startswith("country:"):
                method = "country table"
            place = Place(
                canonical_name=c.name, lat=c.lat, lon=c.lon, country_code=c.country_code, feature=c.feature,
                precision=c.precision, uncertainty_m=c.uncertainty_m, source_id=c.source_id,
                method=method, score=c.score, mentions=[],
            )
            places[c.source_id] = place
        place.score = max(place.score, c.score)
        place.mentions.append(res.detection.mention)
    out = []
    for place in places.values():
        if not include_demonym_only and all(m.kind == "demonym" for m in place.mentions):
            continue
        place.mentions.sort(key=lambda m: (m.article_id, m.start))
        out.append(place)
    return sorted(out, key=lambda p: p.source_id)


#: degrees of base map drawn around the data (the vector base layer is clipped to this box)
BASEMAP_MARGIN_DEG = 12.0


def _view_box(layers: dict[str, Any]) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the layers' features (regions aside), with a margin, inside the world."""
    import numpy as np

    frames = [gdf[gdf["precision"] < 3] if "precision" in gdf else gdf for gdf in layers.values()]
    bounds = np.array([gdf.total_bounds for gdf in frames if not gdf.empty])
    if bounds.size == 0:
        return (-180.0, -90.0, 180.0, 90.0)
    m = BASEMAP_MARGIN_DEG
    return (max(-180.0, bounds[:, 0].min() - m), max(-90.0, bounds[:, 1].min() - m),
            min(180.0, bounds[:, 2].max() + m), min(90.0, bounds[:, 3].max() + m))


def _ask_online(resolutions: list[Resolution], online: Any) -> list[Resolution]:
    """Resolve the mentions the offline gazetteer left unresolved through an online geocoder."""
    from dataclasses import replace

    from geomap.geocoding import DocumentContext

    countries = sorted({r.best.country_code for r in resolutions if r.best is not None and r.best.country_code})
    ctx = DocumentContext.of(countries)
    out = []
    for r in resolutions:
        if r.best is None and r.detection.mention.kind == "name":
            cands = online.geocode(r.detection.mention.text, ctx)
            if cands:
                r = replace(r, best=cands[0], runner_up=tuple(cands[1:4]))
        out.append(r)
    return out


def _admin1_lookup(gazetteer: Gazetteer) -> Callable[[float, float, str], str]:
    """``admin1(lat, lon, cc)``: the first-level region of the country whose centre is nearest, within twice its radius."""
    import numpy as np

    from geomap import measure
    from geomap.gazetteer.admin import load_admin_entries

    by_cc: dict[str, list] = {}
    for e in load_admin_entries():
        if e.feature == "admin1":
            by_cc.setdefault(e.country_code, []).append(e)

    def admin1(lat: float, lon: float, cc: str) -> str:
        regions = by_cc.get(cc, [])
        if not regions:
            return ""
        d = np.asarray(measure.distance_m(lat, lon, [r.lat for r in regions], [r.lon for r in regions]))
        i = int(np.argmin(d))
        return regions[i].name if d[i] <= REGION_REACH * max(regions[i].uncertainty_m, 20_000.0) else ""

    return admin1


def events_stage(articles: Sequence[Article], resolutions: Sequence[Resolution], layers: dict[str, Any],
                 countries: Any, gazetteer: Gazetteer, *, default_date: date | None = None,
                 progress: Callable[[int, int], None] | None = None):
    """Events and claims from the articles and their resolved places (the events stage of :func:`build`).

    The borders and the barrier claims are checked against are the theatre's (``layers["border"]``,
    ``layers["barrier"]``); any other land border a claim names comes from ``countries``.

    Returns
    -------
    (geomap.events.EventsResult, list of geomap.model.Claim)
    """
    from geomap import boundaries as bd
    from geomap.events import extract_events
    from geomap.events.claims import Line, find_claims

    places = collect_places(resolutions, include_demonym_only=True)  # demonyms name actors' countries
    names = {c.iso_a2: (c.name, c.iso_a3) for c in gazetteer.countries.values()}
    result = extract_events(articles, places, default_date=default_date, country_names=names,
                            admin1=_admin1_lookup(gazetteer), progress=progress)
    lines = []
    for row in layers["border"].itertuples() if "border" in layers else ():
        lines.append(Line(str(row.name), row.geometry, "border", tuple(str(row.countries).split("-"))))
    for row in layers["barrier"].itertuples() if "barrier" in layers else ():
        lines.append(Line(str(row.name), row.geometry, "barrier", (), bool(row.approximate)))

    def border_between(cc1: str, cc2: str):
        try:
            return bd.border_line(countries, cc1, cc2)
        except Exception:  # no shared land border, or a country missing from the boundaries
            return None

    claims = []
    for art in articles:
        try:
            claims.extend(find_claims([art], places, lines, border_between=border_between))
        except Exception as exc:  # one article's claims must not cost the others, nor the events
            result.problems.append((art.id, f"claim check failed ({type(exc).__name__}: {exc}); its claims skipped"))
    return result, claims


@dataclass
class BuildResult:
    """What :func:`build` did: inputs read, problems met, places found, files written."""

    articles: list[Article]
    problems: list[Problem]
    places: list[Place]
    layers: dict[str, Any]
    written: list[Path] = field(default_factory=list)
    map_path: Path | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def build(
    inputs: Sequence[str | Path],
    *,
    layers_dir: str | Path = "layers",
    maps_dir: str | Path = "maps",
    gazetteer_files: Sequence[str | Path] = (),
    boundaries_file: str | Path | None = None,
    theatre_file: str | Path | None = None,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
    index_progress: Callable[[int, int], None] | None = None,
    online: Any = None,
    default_date: date | None = None,
) -> BuildResult:
    """Run the whole job: read articles, geoparse, measure, write layers and the map.

    Parameters
    ----------
    inputs : sequence of path
        Article files or folders (``seeds/`` by default in the CLI).
    layers_dir, maps_dir : path
        Where layers (GeoJSON + GeoPackage) and the HTML map are written.
    gazetteer_files : sequence of path
        Users' supplement gazetteers (CSV/GeoJSON); they take precedence.
    boundaries_file : path, optional
        Country polygons in any format GDAL reads; Natural Earth 1:10m by default.
    theatre_file : path, optional
        Theatre JSON (border, barrier, distance pairs); the Ben Guerdane theatre by default.
    progress : callable, optional
        ``progress(stage, done, total)`` for progress bars.
    index_progress : callable, optional
        ``index_progress(done, total)`` while the one-time GeoNames index is built.
    online : Geocoder, optional
        An online geocoder (``--online``) asked for the names the offline gazetteer
        leaves unresolved; ``None`` (the default) never touches the network.
    notify : callable, optional
        One-line messages (e.g. the one-time index build).
    default_date : datetime.date, optional
        The date of articles whose metadata and text give none (``--date``); relative
        dates in them ("Monday", "last month") are read against it.

    Returns
    -------
    BuildResult
    """
    from geomap import boundaries as bd
    from geomap import layers as ly
    from geomap.theatre import load_theatre, theatre_layers
    from geomap.render import render_map, write_map
    from geomap.render_files import with_bands

    theatre = load_theatre(theatre_file)
    articles, problems = read_articles(inputs)
    if not articles:
        detail = "; ".join(f"{p.path}: {p.message}" for p in problems) or "nothing found"
        raise InputError(f"no article could be read ({detail}). Pass article files or folders, e.g. `geomap build seeds/`.")
    if notify or index_progress:
        gazetteer = Gazetteer(gazetteer_files, notify=notify, progress=index_progress)
    else:
        gazetteer = default_gazetteer(gazetteer_files)
    resolutions: list[Resolution] = []
    for i, art in enumerate(articles):
        try:
            found = geoparse_article(art, gazetteer)
            if online is not None:
                found = _ask_online(found, online)
            resolutions.extend(found)
        except Exception as exc:  # one bad article must not lose the others
            problems.append(Problem(art.path, f"geoparsing failed ({type(exc).__name__}: {exc}); article skipped"))
        if progress:
            progress("geoparse", i + 1, len(articles))
    places = collect_places(resolutions)
    countries = bd.load_countries(boundaries_file)
    if progress:
        progress("measure", 0, 1)
    layers, figures = theatre_layers(places, countries, theatre, articles, gazetteer=gazetteer)
    if progress:
        progress("measure", 1, 1)
    events_result, claims = events_stage(articles, resolutions, layers, countries, gazetteer,
                                         default_date=default_date,
                                         progress=(lambda d, t: progress("events", d, t)) if progress else None)
    problems.extend(Problem(next((a.path for a in articles if a.id == aid), aid), msg)
                    for aid, msg in events_result.problems)
    layers["events"] = ly.events_frame(events_result.events)
    layers["claims"] = ly.claims_frame(claims)
    figures["events"] = len(events_result.events)
    figures["claims"] = {v: sum(1 for c in claims if c.verdict == v) for v in ("consistent", "inconsistent",
                                                                               "unverifiable")}
    written = ly.write_layers(layers, layers_dir)
    from geomap.export import write_acled_csv

    written.append(write_acled_csv(events_result.events, Path(layers_dir) / "events.csv"))
    if progress:
        progress("layers", 1, 1)
    shown = {k: layers[k] for k in ("places", "events", "claims", "border", "barrier", "distances") if k in layers}
    html = render_map(with_bands(shown), title=theatre.title,
                      basemap=bd.display_countries(countries, bbox=_view_box(shown)))
    map_path = write_map(html, Path(maps_dir) / "index.html")
    if progress:
        progress("map", 1, 1)
    return BuildResult(articles, problems, places, layers, written, map_path, figures)
