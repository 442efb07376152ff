"""Geoparsing evaluation: gold toponyms in JSON Lines, metrics for resolution and detection.

The corpus format and the metrics are those of ``docs/architecture.md`` ("Evaluation
format")::

    {"id": "lgl-1", "url": "...", "text": "...",
     "toponyms": [{"start": 0, "end": 10, "name": "Alexandria", "lat": 31.31, "lon": -92.45,
                   "geonameid": 4314550, "type": null}]}

Three modes, one function (:func:`evaluate`):

``resolve``
    the gold spans are resolved with :func:`geomap.engine.resolve_spans`, all spans of a
    document in one call so that document context plays its part; resolution metrics only.
``detect``
    spans found by :func:`geomap.engine.geoparse` against the gold spans; detection metrics
    only (exact span match, and one-to-one overlap match).
``end2end``
    :func:`~geomap.engine.geoparse` once; detection metrics, and resolution metrics over
    *all* gold toponyms where a gold toponym counts as resolved only when a detected span
    matches it exactly (undetected ones are misses at :data:`MISS_KM`).

Errors are geodesic distances on WGS84 (:func:`geomap.measure.distance_m`), in km. A
toponym left unresolved, undetected, or in a document whose processing raised, counts as
a miss at :data:`MISS_KM` (half the Earth's circumference).

Reading the file is the only I/O (:func:`read_eval_jsonl`); everything else is pure but for
the clock that times the run.

Examples
--------
>>> resolution_metrics([0.0, 100.0, MISS_KM])["acc161"]
0.6666666666666666
>>> resolution_metrics([])["acc161"] is None
True
>>> match_spans([(0, 5), (10, 20)], [(0, 5), (12, 18)])
[(0, 0)]
>>> match_spans([(0, 5), (10, 20)], [(0, 5), (12, 18)], overlap=True)
[(0, 0), (1, 1)]
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from geomap.errors import InputError

__all__ = [
    "MISS_KM",
    "ACC_KM",
    "MODES",
    "GoldToponym",
    "EvalDoc",
    "ToponymError",
    "EvalReport",
    "parse_eval_lines",
    "read_eval_jsonl",
    "auc",
    "resolution_metrics",
    "match_spans",
    "detection_metrics",
    "evaluate",
]

MISS_KM: float = 20039.0
"""Error, in km, of a toponym left unresolved (about half the Earth's circumference)."""

ACC_KM: float = 161.0
"""The acc@161 threshold in km (100 miles)."""

Mode = Literal["resolve", "detect", "end2end"]
MODES: tuple[str, ...] = ("resolve", "detect", "end2end")

Span = tuple[int, int]


@dataclass(frozen=True)
class GoldToponym:
    """One annotated toponym: ``text[start:end] == name``, at (``lat``, ``lon``)."""

    start: int
    end: int
    name: str
    lat: float
    lon: float
    geonameid: int | None = None
    type: str | None = None


@dataclass(frozen=True)
class EvalDoc:
    """One document of an evaluation corpus."""

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]
    url: str | None = None


@dataclass(frozen=True)
class ToponymError:
    """How far one gold toponym was placed from its gold coordinates.

    ``why`` is ``"resolved"`` (a place was chosen), ``"unresolved"`` (no place),
    ``"undetected"`` (end2end: no detected span matched it exactly) or ``"failed"``
    (the document raised).
    """

    doc_id: str
    start: int
    end: int
    name: str
    gold_lat: float
    gold_lon: float
    km: float
    why: str
    predicted: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``id, name, start, end, gold [lat, lon], predicted, km, why``."""
        return {"id": self.doc_id, "name": self.name, "start": self.start, "end": self.end,
                "gold": [self.gold_lat, self.gold_lon], "predicted": self.predicted,
                "km": round(self.km, 1), "why": self.why}


@dataclass
class EvalReport:
    """The outcome of :func:`evaluate`: metrics plus what is needed to look behind them."""

    mode: str
    docs: int
    seconds: float
    metrics: dict[str, float | int | None]
    toponyms: list[ToponymError] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def articles_per_s(self) -> float | None:
        """Documents processed per second of wall time."""
        return self.docs / self.seconds if self.seconds > 0 else None

    def worst(self, n: int) -> list[ToponymError]:
        """The ``n`` largest resolution errors, largest first (ties in corpus order)."""
        order = sorted(range(len(self.toponyms)), key=lambda i: (-self.toponyms[i].km, i))
        return [self.toponyms[i] for i in order[: max(n, 0)]]

    def as_dict(self, errors: int = 0) -> dict[str, Any]:
        """The ``--json`` form: the contract keys ``n, acc161, mean_km, median_km, auc,
        precision, recall, f1``, the ``*_overlap`` detection metrics and ``mode, docs,
        seconds, articles_per_s, failures``; ``errors`` (the worst) when ``errors > 0``."""
        out: dict[str, Any] = {"mode": self.mode, "docs": self.docs}
        for key, value in self.metrics.items():
            out[key] = round(value, 4) if isinstance(value, float) else value
        out["seconds"] = round(self.seconds, 3)
        aps = self.articles_per_s
        out["articles_per_s"] = round(aps, 2) if aps is not None else None
        out["failures"] = self.failures
        if errors > 0:
            out["errors"] = [e.as_dict() for e in self.worst(errors)]
        return out


# -- reading -------------------------------------------------------------------------------------


def _need(obj: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise InputError(f"{where}: missing key {key!r}; every line needs id, text and toponyms, "
                         "every toponym start, end, name, lat and lon.")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}: {key!r} is {value!r}, expected {_kind_name(kind)}.")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _gold(t: Any, text: str, where: str) -> GoldToponym:
    if not isinstance(t, dict):
        raise InputError(f"{where}: a toponym must be a JSON object, got {t!r}.")
    start = _need(t, "start", int, where)
    end = _need(t, "end", int, where)
    name = _need(t, "name", str, where)
    lat = float(_need(t, "lat", (int, float), where))
    lon = float(_need(t, "lon", (int, float), where))
    if not 0 <= start < end <= len(text):
        raise InputError(f"{where}: span {start}-{end} of {name!r} is outside the text (length {len(text)}).")
    if text[start:end] != name:
        raise InputError(f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {name!r}; "
                         "offsets are character (not byte) offsets into 'text'.")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"{where}: {name!r} at lat {lat}, lon {lon} is not a WGS84 position (lat first).")
    gid = t.get("geonameid")
    return GoldToponym(start, end, name, lat, lon, int(gid) if isinstance(gid, int) else None, t.get("type"))


def parse_eval_lines(lines: Iterable[str], source: str = "<input>", limit: int | None = None) -> list[EvalDoc]:
    """Parse evaluation JSON Lines, checking every toponym against its text.

    Parameters
    ----------
    lines : iterable of str
        One JSON object per line; blank lines are skipped.
    source : str
        The name used in error messages (``source:line``).
    limit : int, optional
        Stop after this many documents.

    Returns
    -------
    list of EvalDoc

    Raises
    ------
    InputError
        Naming ``source:line`` and what is wrong (bad JSON, a missing key, a span whose
        text is not the given name, a position outside WGS84).

    Examples
    --------
    >>> doc = parse_eval_lines(['{"id": "a", "text": "In Paris.", "toponyms": '
    ...                         '[{"start": 3, "end": 8, "name": "Paris", "lat": 48.85, "lon": 2.35}]}'])[0]
    >>> doc.toponyms[0].name
    'Paris'
    >>> parse_eval_lines(['{"id": "a", "text": "In Paris.", "toponyms": '
    ...                   '[{"start": 0, "end": 5, "name": "Paris", "lat": 48.85, "lon": 2.35}]}'], "x.jsonl")
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: x.jsonl:1: text[0:5] is 'In Pa', not 'Paris'; offsets are character (not byte) offsets into 'text'.
    """
    docs: list[EvalDoc] = []
    for lineno, line in enumerate(lines, 1):
        if limit is not None and len(docs) >= limit:
            break
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); "
                             "the file must hold one JSON object per line.") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object per line, got {type(obj).__name__}.")
        doc_id = obj.get("id")
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
            raise InputError(f"{where}: missing or invalid 'id' (a string is expected).")
        text = _need(obj, "text", str, where)
        gold = tuple(_gold(t, text, where) for t in _need(obj, "toponyms", list, where))
        url = obj.get("url")
        docs.append(EvalDoc(str(doc_id), text, gold, url if isinstance(url, str) else None))
    return docs


def read_eval_jsonl(path: str | Path, limit: int | None = None) -> list[EvalDoc]:
    """Read an evaluation corpus file (see :func:`parse_eval_lines`).

    Raises
    ------
    InputError
        When the file is missing, not UTF-8, or a line is malformed (named ``file:line``).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file; give a JSON Lines corpus such as ../shared/eval/geoparse/lgl.jsonl.")
    if limit is not None and limit < 1:
        raise InputError(f"--limit {limit}: give at least 1 document.")
    try:
        with p.open(encoding="utf-8") as fh:
            return parse_eval_lines(fh, str(p), limit)
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-save it as UTF-8.") from None


# -- metrics -------------------------------------------------------------------------------------


def auc(errors_km: Sequence[float]) -> float | None:
    """Area under the sorted ``ln(1 + error_km)`` curve, normalised; lower is better.

    The trapezoid rule over unit steps, divided by ``ln(MISS_KM) * (n - 1)``: 0 when every
    error is 0, about 1 when every toponym is a miss. With one toponym there is no area;
    its normalised height ``ln(1 + e) / ln(MISS_KM)`` is returned instead (the limit of a
    constant curve). ``None`` when there are no toponyms.

    Examples
    --------
    >>> auc([0.0, 0.0])
    0.0
    >>> round(auc([MISS_KM, MISS_KM]), 6)
    1.000005
    >>> auc([]) is None
    True
    """
    n = len(errors_km)
    if n == 0:
        return None
    ys = [math.log1p(e) for e in sorted(errors_km)]
    if n == 1:
        return ys[0] / math.log(MISS_KM)
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:]))
    return area / (math.log(MISS_KM) * (n - 1))


def resolution_metrics(errors_km: Sequence[float]) -> dict[str, float | int | None]:
    """``n, acc161, mean_km, median_km, auc`` of a list of errors in km.

    Examples
    --------
    >>> m = resolution_metrics([10.0, 200.0, MISS_KM])
    >>> m["n"], round(m["acc161"], 4), m["median_km"]
    (3, 0.3333, 200.0)
    """
    n = len(errors_km)
    if n == 0:
        return {"n": 0, "acc161": None, "mean_km": None, "median_km": None, "auc": None}
    return {
        "n": n,
        "acc161": sum(e <= ACC_KM for e in errors_km) / n,
        "mean_km": sum(errors_km) / n,
        "median_km": float(statistics.median(errors_km)),
        "auc": auc(errors_km),
    }


def match_spans(predicted: Sequence[Span], gold: Sequence[Span], *, overlap: bool = False) -> list[tuple[int, int]]:
    """Pair predicted spans with gold spans, one to one.

    Parameters
    ----------
    predicted, gold : sequence of (start, end)
    overlap : bool
        ``False``: a pair needs the very same offsets. ``True``: any shared character
        will do; pairs are taken greedily, most shared characters first, then fewest
        characters not shared (so an exact pair is never lost to a looser one).

    Returns
    -------
    list of (predicted index, gold index)
        Sorted by predicted index.

    Examples
    --------
    >>> match_spans([(0, 5), (0, 5)], [(0, 5)])
    [(0, 0)]
    >>> match_spans([(0, 12)], [(0, 5), (6, 12)], overlap=True)
    [(0, 1)]
    >>> match_spans([], [(0, 5)])
    []
    """
    pairs: list[tuple[int, int]] = []
    if not overlap:
        free: dict[Span, list[int]] = {}
        for gi, g in enumerate(gold):
            free.setdefault((g[0], g[1]), []).append(gi)
        for pi, p in enumerate(predicted):
            slots = free.get((p[0], p[1]))
            if slots:
                pairs.append((pi, slots.pop(0)))
        return pairs
    options = []
    for pi, (ps, pe) in enumerate(predicted):
        for gi, (gs, ge) in enumerate(gold):
            shared = min(pe, ge) - max(ps, gs)
            if shared > 0:
                options.append((-shared, (pe - ps) + (ge - gs) - 2 * shared, pi, gi))
    options.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, _, pi, gi in options:
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            pairs.append((pi, gi))
    return sorted(pairs)


def detection_metrics(matched: int, predicted: int, gold: int, suffix: str = "") -> dict[str, float | None]:
    """Micro precision, recall and F1 from counts; ``None`` where a denominator is 0.

    Examples
    --------
    >>> detection_metrics(3, 4, 6)
    {'precision': 0.75, 'recall': 0.5, 'f1': 0.6}
    >>> detection_metrics(0, 0, 2, "_overlap")
    {'precision_overlap': None, 'recall_overlap': 0.0, 'f1_overlap': None}
    """
    p = matched / predicted if predicted else None
    r = matched / gold if gold else None
    if p is None or r is None:
        f1 = None
    else:
        f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {f"precision{suffix}": p, f"recall{suffix}": r, f"f1{suffix}": f1}


# -- running -------------------------------------------------------------------------------------


def _predicted(place: Any) -> dict[str, Any]:
    return {"name": place.name, "lat": round(place.lat, 5), "lon": round(place.lon, 5),
            "country_code": place.country_code, "source_id": place.source_id}


def _score_places(doc: EvalDoc, places: Sequence[Any | None], why_missing: Sequence[str]) -> list[ToponymError]:
    """One :class:`ToponymError` per gold toponym, given the chosen place (or None) of each."""
    from geomap.measure import distance_m

    idx = [i for i, pl in enumerate(places) if pl is not None]
    kms: dict[int, float] = {}
    if idx:
        g = doc.toponyms
        metres = distance_m([g[i].lat for i in idx], [g[i].lon for i in idx],
                            [places[i].lat for i in idx], [places[i].lon for i in idx])
        kms = {i: float(m) / 1000 for i, m in zip(idx, metres)}
    out = []
    for i, t in enumerate(doc.toponyms):
        pl = places[i]
        out.append(ToponymError(doc.id, t.start, t.end, t.name, t.lat, t.lon,
                                kms[i] if pl is not None else MISS_KM,
                                "resolved" if pl is not None else why_missing[i],
                                _predicted(pl) if pl is not None else None))
    return out


def country_centre_misses(errors: Sequence[ToponymError], km: float = 161.0) -> int:
    """How many misses name a country, resolved to the right country, only placed at another centre.

    Corpora disagree on where a country "is": LGL uses GeoNames' points, GeoVirus many
    encyclopaedia ones (China at 35° N 103° E against GeoNames' 35° N 105° E, 182 km
    apart; small countries at their capitals). A country resolved to the country that
    holds the gold point, yet more than ``km`` from it, is such a convention miss, not a
    wrong place; the count tells the two apart.
    """
    import shapely

    from geomap.boundaries import load_countries

    far = [e for e in errors if e.km > km and e.predicted and str(e.predicted.get("source_id", "")).startswith("country:")]
    if not far:
        return 0
    countries = load_countries()
    shapes = dict(zip(countries["iso_a2"], countries.geometry))
    return sum(1 for e in far if (g := shapes.get(e.predicted["country_code"])) is not None
               and shapely.intersects(g, shapely.Point(e.gold_lon, e.gold_lat)))


def evaluate(
    docs: Sequence[EvalDoc],
    mode: Mode = "resolve",
    *,
    gazetteer: Any = None,
    context: Sequence[str] | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> EvalReport:
    """Run the geoparser over ``docs`` and score it against their gold toponyms.

    Parameters
    ----------
    docs : sequence of EvalDoc
        From :func:`read_eval_jsonl`.
    mode : {"resolve", "detect", "end2end"}
        See the module docstring.
    gazetteer : Gazetteer, optional
        The shared default gazetteer when omitted (opened before the clock starts).
    context : sequence of str or str, optional
        Country codes passed to the engine for every document.
    progress : callable(done, total), optional
        Called after each document.
    clock : callable
        Seconds, for ``seconds`` and ``articles_per_s``.

    Returns
    -------
    EvalReport
        ``metrics`` holds ``n, acc161, mean_km, median_km, auc`` (``None`` in detect mode)
        and ``precision, recall, f1`` plus their ``*_overlap`` forms (``None`` in resolve
        mode). A document whose processing raises is listed in ``failures`` and its gold
        toponyms count as misses (resolve, end2end) and as undetected (detect, end2end).

    Examples
    --------
    >>> evaluate([], "detect").metrics["precision"] is None
    True
    """
    if mode not in MODES:
        raise InputError(f"mode {mode!r}: choose one of {', '.join(MODES)}.")
    from geomap.engine import geoparse, resolve_spans
    from geomap.gazetteer import default_gazetteer

    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    resolving = mode in ("resolve", "end2end")
    detecting = mode in ("detect", "end2end")
    errors: list[ToponymError] = []
    failures: list[dict[str, str]] = []
    n_pred = n_gold = n_exact = n_overlap = 0
    t0 = clock()
    for k, doc in enumerate(docs, 1):
        gold_spans = [(t.start, t.end) for t in doc.toponyms]
        n_gold += len(gold_spans)
        places: list[Any | None] = [None] * len(gold_spans)
        why = ["unresolved"] * len(gold_spans)
        try:
            if mode == "resolve":
                places = [t.place for t in resolve_spans(doc.text, gold_spans, context=context, gazetteer=gaz)]
            else:
                found = geoparse(doc.text, context=context, gazetteer=gaz)
                spans = [(t.start, t.end) for t in found]
                exact = match_spans(spans, gold_spans)
                n_pred += len(spans)
                n_exact += len(exact)
                n_overlap += len(match_spans(spans, gold_spans, overlap=True))
                why = ["undetected"] * len(gold_spans)
                for pi, gi in exact:
                    places[gi] = found[pi].place
                    why[gi] = "unresolved"
        except Exception as exc:  # one bad document must not end the run
            failures.append({"id": doc.id, "error": f"{type(exc).__name__}: {exc}"})
            places = [None] * len(gold_spans)
            why = ["failed"] * len(gold_spans)
        if resolving:
            errors.extend(_score_places(doc, places, why))
        if progress is not None:
            progress(k, len(docs))
    seconds = clock() - t0

    metrics: dict[str, float | int | None] = {}
    if resolving:
        metrics.update(resolution_metrics([e.km for e in errors]))
        for why in ("unresolved", "undetected", "failed"):
            metrics[why] = sum(e.why == why for e in errors)
        metrics["country_centre_misses"] = country_centre_misses(errors)
    else:
        metrics.update({"n": n_gold, "acc161": None, "mean_km": None, "median_km": None, "auc": None})
    if detecting:
        metrics.update(detection_metrics(n_exact, n_pred, n_gold))
        metrics.update(detection_metrics(n_overlap, n_pred, n_gold, "_overlap"))
        metrics["predicted"] = n_pred
    else:
        metrics.update({"precision": None, "recall": None, "f1": None})
    return EvalReport(mode, len(docs), seconds, metrics, errors, failures)
