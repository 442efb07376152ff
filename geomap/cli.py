"""The ``geomap`` command line: parse arguments, call the stages, print.

No logic lives here beyond choosing what to call and how to show it. Errors
that geomap raises on purpose (:class:`~geomap.errors.GeomapError`) print as
one line naming the argument or file at fault and the fix, with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap import __version__
from geomap.errors import GeomapError, InputError

__all__ = ["main", "parser"]

EPILOG_GEOCODE = """examples:
  geomap geocode "Ben Guerdane"
  geomap geocode "El Amria" --country TN --json
  geomap geocode Tripoli --context LY,TN
"""
EPILOG_DISTANCE = """A and B may each be:
  a place name          Sabratha, "Ben Guerdane"
  "LAT,LON"             "32.793,12.488" (decimal degrees, latitude first)
  border:CC1-CC2        border:TN-LY (ISO 3166 alpha-2 codes)
  barrier               the modelled Tunisian border barrier

examples:
  geomap distance Sabratha border:TN-LY
  geomap distance "Ben Guerdane" border:TN-LY --json
  geomap distance "33.138,11.220" "Ras Jedir"
"""
EPILOG_BUILD = """examples:
  geomap build                              # the seed articles in seeds/
  geomap build articles/ more.jsonl --maps out/maps --layers out/layers
  geomap build --gazetteer my_places.csv    # your places take precedence
  geomap build --date 2016-03-08            # the date of articles that give none

Writes layers/<name>.geojson (RFC 7946, EPSG:4326; events and claims included),
layers/geomap.gpkg, layers/events.csv (ACLED columns) and maps/index.html
(self-contained: opens offline).
"""

EPILOG_RENDER = """examples:
  geomap render layers/*.geojson -o maps/layers.html --title "Ben Gardane, March 2016"
  geomap render layers/geomap.gpkg -o maps/all.html          # every layer of the GeoPackage
  geomap render my_points.geojson zones.gpkg -o my_map.html --no-online-tiles

Layers named places, events, claims, border, barrier, distances, bands or areas get geomap's
styles; any other layer is drawn with all its attributes in the popups. A file that cannot
be read is reported and the others are still drawn. Layers in another CRS are reprojected.
"""


def _console(stderr: bool = True):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``geomap`` command."""
    p = argparse.ArgumentParser(
        prog="geomap",
        description="geomap: turn news articles about an event into an offline, trustworthy map.",
        epilog="Run `geomap COMMAND --help` for a command's options and examples. Start with `geomap build`.",
    )
    p.add_argument("--version", action="version", version=f"geomap {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("geocode", help="look a place name up in the offline gazetteer",
                       description="Candidates for a place name, best first (offline: GeoNames, countries, the "
                                   "curated supplement and your --gazetteer files).",
                       epilog=EPILOG_GEOCODE, formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("name", help="the place name as written, e.g. 'Ben Guerdane'")
    g.add_argument("--country", metavar="CC", help="keep only candidates in this country (ISO alpha-2, e.g. TN)")
    g.add_argument("--context", metavar="CC[,CC]", default="",
                   help="countries the text is about; their places rank first (e.g. TN,LY)")
    g.add_argument("--gazetteer", metavar="FILE", action="append", default=[],
                   help="a supplement gazetteer (CSV or GeoJSON) that takes precedence; repeatable")
    g.add_argument("--limit", type=int, default=10, help="most candidates shown (default 10)")
    g.add_argument("--online", action="store_true",
                   help="also ask OpenStreetMap Nominatim (via geopy, rate-limited, cached); off by default")
    g.add_argument("--json", action="store_true", help="print JSON: a list of candidates")

    d = sub.add_parser("distance", help="geodesic distance between places, points, borders and the barrier",
                       description="Geodesic distance on the WGS84 ellipsoid (pyproj Geod), never planar degrees. "
                                   "To a line (border, barrier) it is the true minimum, with the nearest point.",
                       epilog=EPILOG_DISTANCE, formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("a", metavar="A", help="from: place name, 'LAT,LON', border:CC1-CC2 or barrier")
    d.add_argument("b", metavar="B", help="to: place name, 'LAT,LON', border:CC1-CC2 or barrier")
    d.add_argument("--boundaries", metavar="FILE",
                   help="country polygons in any format GDAL reads (default: Natural Earth 1:10m, shipped)")
    d.add_argument("--gazetteer", metavar="FILE", action="append", default=[],
                   help="a supplement gazetteer (CSV or GeoJSON); repeatable")
    d.add_argument("--theatre", metavar="FILE", help="theatre JSON whose barrier 'barrier' means (default: Ben Guerdane)")
    d.add_argument("--json", action="store_true", help='print JSON {"from", "to", "km", "nearest", "method"}')

    b = sub.add_parser("build", help="articles → places → layers/ and an offline HTML map in maps/",
                       description="Read the articles, find and geocode their places, measure them against the "
                                   "theatre's border and barrier, write the layers and the map.",
                       epilog=EPILOG_BUILD, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("articles", nargs="*", metavar="ARTICLES",
                   help="article files or folders (.txt .html .md .jsonl); default: seeds/")
    b.add_argument("--layers", metavar="DIR", default="layers", help="where layers are written (default layers/)")
    b.add_argument("--maps", metavar="DIR", default="maps", help="where the HTML map is written (default maps/)")
    b.add_argument("--gazetteer", metavar="FILE", action="append", default=[],
                   help="a supplement gazetteer (CSV or GeoJSON) that takes precedence; repeatable")
    b.add_argument("--boundaries", metavar="FILE",
                   help="country polygons in any format GDAL reads (default: Natural Earth 1:10m, shipped)")
    b.add_argument("--theatre", metavar="FILE",
                   help="theatre JSON: border, barrier, distance pairs (default: Ben Guerdane, March 2016)")
    b.add_argument("--online", action="store_true",
                   help="ask OpenStreetMap Nominatim (via geopy, 1 request/s, cached) for names the offline "
                        "gazetteer cannot place; off by default: geomap never needs the network")
    b.add_argument("--date", metavar="YYYY-MM-DD",
                   help="the date of articles whose text and metadata give none; their 'Monday', 'last month' "
                        "are read against it (e.g. --date 2016-03-08)")
    b.add_argument("--json", action="store_true", help="print a JSON summary instead of a table")

    r = sub.add_parser("render", help="draw GeoJSON / GeoPackage layers (any schema) as an offline HTML map",
                       description="Draw layers (geomap's own or yours, any schema: popups show every attribute) "
                                   "as the same self-contained offline map `geomap build` writes.",
                       epilog=EPILOG_RENDER, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("files", nargs="+", metavar="FILE",
                   help="GeoJSON, GeoPackage (all its layers) or any vector file GDAL reads")
    r.add_argument("-o", "--output", metavar="OUT.html", required=True, help="the HTML file to write")
    r.add_argument("--title", default=None, help="page title and legend heading (default: the file names)")
    r.add_argument("--bands", metavar="KM[,KM...]", default="10,25,50",
                   help="proximity bands drawn around a layer named 'border' (default 10,25,50; 'none' for none)")
    r.add_argument("--no-basemap", action="store_true", help="no offline country polygons (a blank background)")
    r.add_argument("--no-online-tiles", action="store_true",
                   help="leave out the optional OpenStreetMap / satellite base layers (no URL at all in the page)")

    e = sub.add_parser("eval", help="score the geoparser against a gold-annotated corpus",
                       description="Evaluate geomap against gold annotations.")
    esub = e.add_subparsers(dest="target", metavar="TARGET", required=True)
    eg = esub.add_parser(
        "geoparse", help="toponym detection and resolution against a JSON Lines corpus",
        description="Score geomap's geoparser on a JSON Lines corpus with gold toponyms "
                    '({"id", "text", "toponyms": [{"start", "end", "name", "lat", "lon", ...}]}). Errors are '
                    "geodesic km on WGS84; an unresolved or undetected toponym counts as 20,039 km.",
        epilog="modes:\n"
               "  resolve   resolve the gold spans: n, acc161, mean_km, median_km, auc (lower is better)\n"
               "  detect    spans found vs gold spans: precision, recall, f1 (exact) and *_overlap\n"
               "  end2end   both; a gold toponym counts as resolved only if detected with exact offsets\n\n"
               "examples:\n"
               "  geomap eval geoparse ../shared/eval/geoparse/lgl.jsonl\n"
               "  geomap eval geoparse ../shared/eval/geoparse/geovirus.jsonl --mode end2end --json\n"
               "  geomap eval geoparse lgl.jsonl --limit 50 --errors 20   # the 20 worst errors, on stderr\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    eg.add_argument("file", metavar="FILE.jsonl", help="the corpus, one JSON document per line")
    eg.add_argument("--mode", choices=("resolve", "detect", "end2end"), default="resolve",
                    help="what to score (default resolve)")
    eg.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    eg.add_argument("--errors", type=int, default=0, metavar="N",
                    help="also list the N worst resolution errors (stderr; in --json under 'errors')")
    eg.add_argument("--json", action="store_true",
                    help="print JSON {n, acc161, mean_km, median_km, auc, precision, recall, f1, ...} on stdout")
    return p


# -- geocode -------------------------------------------------------------------------------------

def _gazetteer(files: Sequence[str]):
    from geomap.gazetteer import Gazetteer

    console = _console()
    return Gazetteer(files, notify=lambda msg: console.print(f"[dim]{msg}[/dim]"))


def _candidate_dict(c) -> dict[str, Any]:
    return {"name": c.name, "lat": round(c.lat, 6), "lon": round(c.lon, 6), "country_code": c.country_code,
            "source_id": c.source_id, "score": round(c.score, 4), "precision": c.precision,
            "feature": c.feature, "population": c.population, "uncertainty_m": c.uncertainty_m,
            "matched": c.matched}


def cmd_geocode(args: argparse.Namespace) -> int:
    from geomap.geocoding import DocumentContext, OfflineGeocoder

    if args.limit < 1:
        raise InputError("--limit must be at least 1.")
    gaz = _gazetteer(args.gazetteer)
    country = args.country.upper() if args.country else None
    if country and gaz.country(country) is None:
        raise InputError(f"--country {args.country}: not an ISO 3166 alpha-2 code known to geomap (e.g. TN, LY, US).")
    ctx = DocumentContext.of([c for c in args.context.split(",") if c.strip()])
    cands = OfflineGeocoder(gaz, country=country).geocode(args.name, ctx)
    if args.online:
        from geomap.geocoding.online import OnlineGeocoder

        seen = {(round(c.lat, 2), round(c.lon, 2)) for c in cands}
        cands += [c for c in OnlineGeocoder().geocode(args.name, ctx) if (round(c.lat, 2), round(c.lon, 2)) not in seen
                  and (not country or c.country_code == country)]
    cands = cands[: args.limit]
    if args.json:
        print(json.dumps([_candidate_dict(c) for c in cands], ensure_ascii=False, indent=2))
        return 0 if cands else 1
    console = _console(stderr=False)
    if not cands:
        console.print(f"No place matches {args.name!r}. Check the spelling, drop --country, or add the place to a "
                      "supplement file and pass it with --gazetteer.")
        return 1
    from rich.table import Table

    t = Table(title=f"Candidates for {args.name!r}", title_justify="left")
    for col in ("#", "name", "lat", "lon", "cc", "population", "prec", "score", "source"):
        t.add_column(col, justify="right" if col in ("#", "lat", "lon", "population", "score") else "left",
                     no_wrap=col != "name", min_width=14 if col == "name" else None)
    for i, c in enumerate(cands, 1):
        t.add_row(str(i), c.name, f"{c.lat:.4f}", f"{c.lon:.4f}", c.country_code, f"{c.population:,}",
                  str(c.precision), f"{c.score:.3f}", c.source_id)
    console.print(t)
    return 0


# -- distance ------------------------------------------------------------------------------------

def cmd_distance(args: argparse.Namespace) -> int:
    from geomap.endpoints import measure_between, resolve_endpoint

    opts = {"gazetteer_files": args.gazetteer, "boundaries": args.boundaries, "theatre": args.theatre}
    a = resolve_endpoint(args.a, **opts)
    b = resolve_endpoint(args.b, **opts)
    result = measure_between(a, b)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        lat, lon = result["nearest"]
        print(f"{result['from']} → {result['to']}: {result['km']:.1f} km "
              f"(nearest point {lat:.4f} N, {lon:.4f} E; {result['method']})")
        for key in ("from_detail", "to_detail"):
            if result.get(key):
                print(f"  {key.split('_')[0]}: {result[key]}")
    return 0


# -- build ---------------------------------------------------------------------------------------

def _online():
    from geomap.geocoding.online import OnlineGeocoder

    return OnlineGeocoder()


def cmd_build(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from geomap.pipeline import build

    default_date = None
    if args.date:
        from geomap.events.dates import parse_iso_date

        default_date = parse_iso_date(args.date)
        if default_date is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.date.strip()):
            raise InputError(f"--date {args.date!r}: give a calendar date as YYYY-MM-DD, e.g. --date 2016-03-08.")
    inputs = args.articles or ["seeds"]
    if not args.articles and not Path("seeds").exists():
        raise InputError("no articles given and no seeds/ folder here: run `geomap build` from the geomap checkout, "
                         "or name article files/folders, e.g. `geomap build my_articles/`.")
    console = _console()
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=False, disable=args.json) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        def index_progress(done: int, total: int) -> None:
            progress("index", done, total)

        result = build(inputs, layers_dir=args.layers, maps_dir=args.maps, gazetteer_files=args.gazetteer,
                       boundaries_file=args.boundaries, theatre_file=args.theatre, progress=progress,
                       notify=lambda msg: console.print(f"[dim]{msg}[/dim]"), index_progress=index_progress,
                       online=_online() if args.online else None, default_date=default_date)
    for prob in result.problems:
        console.print(f"[yellow]warning[/yellow]: {prob.path}: {prob.message}")
    summary = {
        "articles": len(result.articles),
        "problems": len(result.problems),
        "places": len(result.places),
        "layers": [str(p) for p in result.written],
        "map": str(result.map_path),
        **result.figures,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    out = _console(stderr=False)
    out.print(f"Read {summary['articles']} article(s); found {summary['places']} place(s).")
    out.print(f"{result.figures.get('border_label', 'Border')}: {result.figures['border_km']} km; "
              f"barrier (approximate): {result.figures.get('barrier_km')} km")
    for label, km in result.figures.get("distances", {}).items():
        out.print(f"  {label}: {km} km")
    if "events" in result.figures:
        verdicts = result.figures.get("claims", {})
        out.print(f"Events: {result.figures['events']} (merged across articles); claims checked: "
                  + ", ".join(f"{n} {v}" for v, n in verdicts.items()))
    out.print(f"Layers: {', '.join(summary['layers'])}")
    out.print(f"Map:    {summary['map']}  (open it in a browser; it works offline)")
    return 0


# -- render --------------------------------------------------------------------------------------

def cmd_render(args: argparse.Namespace) -> int:
    from geomap.render import render_map, write_map
    from geomap.render_files import read_map_layers, with_bands

    if args.bands.strip().lower() in ("", "none", "0"):
        bands: list[float] = []
    else:
        try:
            bands = [float(part) for part in args.bands.split(",") if part.strip()]
        except ValueError:
            raise InputError(f"--bands {args.bands!r}: give km separated by commas, e.g. --bands 10,25,50") from None
        if any(not km > 0 for km in bands):
            raise InputError(f"--bands {args.bands!r}: every distance must be a positive number of km")
    output = Path(args.output)
    if output.is_dir():
        raise InputError(f"-o {output}: is a folder; give a file name such as {output / 'map.html'}")
    layers, problems = read_map_layers(args.files)
    for prob in problems:  # plain print: file names are not rich markup
        print(f"geomap render: warning: {prob.path}: {prob.message}", file=sys.stderr)
    if not layers:
        raise InputError("none of the files could be drawn (see the warnings above); "
                         "give GeoJSON or GeoPackage files with geometries")
    if bands:
        layers = with_bands(layers, bands)
    basemap = None
    if not args.no_basemap:
        from geomap import boundaries as bd
        from geomap.render_data import data_bounds

        view = data_bounds(layers)
        bbox = None if view is None else (max(view[0][1] - 12, -180.0), max(view[0][0] - 12, -90.0),
                                          min(view[1][1] + 12, 180.0), min(view[1][0] + 12, 90.0))
        basemap = bd.display_countries(bd.load_countries(), bbox=bbox)
    title = args.title or ", ".join(Path(f).name for f in args.files)
    html = render_map(layers, title=title, basemap=basemap, online_tiles=not args.no_online_tiles)
    path = write_map(html, output)
    counts = ", ".join(f"{name} ({len(gdf)})" for name, gdf in sorted(layers.items()))
    print(f"Map: {path}  ({len(html) / 1e6:.1f} MB; layers: {counts})")
    return 0


# -- eval ----------------------------------------------------------------------------------------

def cmd_eval(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from geomap.evaluate import evaluate, read_eval_jsonl

    if args.errors < 0:
        raise InputError(f"--errors {args.errors}: give 0 or more.")
    docs = read_eval_jsonl(args.file, limit=args.limit)
    console = _console()
    with Progress(TextColumn(f"{args.mode:<8}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(args.mode, total=max(len(docs), 1))
        report = evaluate(docs, args.mode, progress=lambda done, total: bar.update(task, completed=done))
    for f in report.failures:
        console.print(f"[yellow]warning[/yellow]: document {f['id']} failed and counts as misses: {f['error']}")
    if args.json:
        print(json.dumps(report.as_dict(errors=args.errors), ensure_ascii=False, indent=2))
        return 0
    if args.errors:
        worst = Table(title=f"{args.errors} worst resolution errors", title_justify="left")
        for col in ("id", "name", "gold", "predicted", "km", "why"):
            worst.add_column(col, justify="right" if col == "km" else "left", no_wrap=col in ("gold", "km", "why"))
        for err in report.worst(args.errors):
            p = err.predicted
            worst.add_row(err.doc_id, err.name, f"{err.gold_lat:.2f},{err.gold_lon:.2f}",
                          f"{p['name']} ({p['country_code']}) {p['lat']:.2f},{p['lon']:.2f}" if p else "—",
                          f"{err.km:,.0f}", err.why)
        console.print(worst)
    m = report.metrics
    t = Table()
    t.add_column("metric")
    t.add_column("value", justify="right")
    fmt = {"acc161": "{:.1%}", "mean_km": "{:,.1f}", "median_km": "{:,.1f}", "auc": "{:.3f}"}
    for key in ("n", "acc161", "mean_km", "median_km", "auc", "unresolved", "undetected", "country_centre_misses",
                "precision", "recall", "f1", "precision_overlap", "recall_overlap", "f1_overlap"):
        if m.get(key) is not None:
            t.add_row(key, fmt.get(key, "{:.3f}" if isinstance(m[key], float) else "{}").format(m[key]))
    t.add_row("documents", str(report.docs))
    t.add_row("failed documents", str(len(report.failures)))
    aps = report.articles_per_s
    t.add_row("articles/s", f"{aps:,.1f}" if aps is not None else "—")
    out = _console(stderr=False)
    out.print(f"geoparse {args.mode}: {args.file}")
    out.print(t)
    return 0


COMMANDS = {"geocode": cmd_geocode, "distance": cmd_distance, "build": cmd_build, "render": cmd_render,
            "eval": cmd_eval}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 nothing found, 2 error)."""
    args = parser().parse_args(argv)
    if not args.command:
        parser().print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except GeomapError as exc:
        print(f"geomap {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
