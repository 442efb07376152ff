"""Geoparsing evaluation: metrics by hand, file validation, robustness, and a regression floor on real corpora."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from geomap import engine
from geomap.errors import InputError
from geomap.evaluate import (
    MISS_KM,
    EvalDoc,
    GoldToponym,
    auc,
    detection_metrics,
    evaluate,
    match_spans,
    parse_eval_lines,
    read_eval_jsonl,
    resolution_metrics,
)
from geomap.model import Candidate

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "eval" / "geoparse"


# -- metrics on hand-made numbers ----------------------------------------------------------------


def test_resolution_metrics_three_items_by_hand():
    m = resolution_metrics([200.0, MISS_KM, 10.0])
    assert m["n"] == 3
    assert m["acc161"] == pytest.approx(1 / 3)  # only 10 km is within 161 km
    assert m["median_km"] == 200.0
    assert m["mean_km"] == pytest.approx((10 + 200 + 20039) / 3)
    # sorted ln(1+e): ln 11, ln 201, ln 20040; two unit trapezoids, over ln(20039) * (3 - 1)
    by_hand = ((math.log(11) + math.log(201)) / 2 + (math.log(201) + math.log(20040)) / 2) / (math.log(20039) * 2)
    assert m["auc"] == pytest.approx(by_hand)
    assert m["auc"] == pytest.approx(0.578218, abs=1e-6)


def test_acc161_boundary_is_inclusive():
    assert resolution_metrics([161.0, 161.0001])["acc161"] == 0.5


@pytest.mark.parametrize(
    ("errors", "expected"),
    [([], None), ([0.0], 0.0), ([MISS_KM], math.log(20040) / math.log(20039)), ([0.0, 0.0, 0.0], 0.0)],
)
def test_auc_edge_cases(errors, expected):
    got = auc(errors)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_empty_resolution_metrics_are_null():
    assert resolution_metrics([]) == {"n": 0, "acc161": None, "mean_km": None, "median_km": None, "auc": None}


def test_exact_vs_overlap_span_matching():
    pred = [(0, 5), (10, 20), (30, 35), (40, 50)]
    gold = [(0, 5), (12, 18), (36, 39), (40, 45), (46, 50)]
    assert match_spans(pred, gold) == [(0, 0)]
    # (10,20) overlaps (12,18); (30,35) touches nothing; (40,50) takes one gold only, the one sharing
    # more characters: (40,45) shares 5, (46,50) shares 4
    assert match_spans(pred, gold, overlap=True) == [(0, 0), (1, 1), (3, 3)]


def test_overlap_matching_keeps_exact_pairs_and_is_one_to_one():
    pred = [(0, 20), (0, 10)]
    gold = [(0, 10)]
    assert match_spans(pred, gold, overlap=True) == [(1, 0)]  # the exact pair wins over the bigger one
    assert match_spans([(0, 5), (0, 5)], [(0, 5)], overlap=True) == [(0, 0)]


def test_detection_metrics_counts():
    assert detection_metrics(2, 4, 5) == {"precision": 0.5, "recall": 0.4, "f1": pytest.approx(4 / 9)}
    assert detection_metrics(0, 3, 3)["f1"] == 0.0
    assert detection_metrics(0, 0, 0) == {"precision": None, "recall": None, "f1": None}


# -- evaluate() with a stand-in engine -----------------------------------------------------------

TEXT = "From Paris to Lyon and Qqqzz."
DOC = EvalDoc("d1", TEXT, (GoldToponym(5, 10, "Paris", 48.8566, 2.3522), GoldToponym(14, 18, "Lyon", 45.764, 4.8357),
                           GoldToponym(23, 28, "Qqqzz", 10.0, 10.0)))


def _cand(name: str, lat: float, lon: float) -> Candidate:
    return Candidate(name, lat, lon, "FR", "P", 1, f"test:{name}")


def test_resolve_mode_unresolved_counts_as_miss(monkeypatch):
    calls = []

    def fake_resolve(text, spans, **kw):
        calls.append(list(spans))
        places = [_cand("Paris", 48.8566, 2.3522), _cand("Lyon", 45.764, 4.8357 + 3), None]
        return [engine.Toponym(s, e, text[s:e], place=p) for (s, e), p in zip(spans, places)]

    monkeypatch.setattr(engine, "resolve_spans", fake_resolve)
    rep = evaluate([DOC], "resolve", gazetteer=object())
    assert calls == [[(5, 10), (14, 18), (23, 28)]]  # one call per document, all spans together
    kms = [e.km for e in rep.toponyms]
    assert kms[0] == pytest.approx(0.0, abs=1e-6)
    assert 200 < kms[1] < 250  # 3 degrees of longitude at 45.8 N, geodesic
    assert kms[2] == MISS_KM and rep.toponyms[2].why == "unresolved"
    assert rep.metrics["acc161"] == pytest.approx(1 / 3)
    assert rep.metrics["precision"] is None and rep.metrics["unresolved"] == 1
    assert rep.worst(1)[0].name == "Qqqzz"
    out = rep.as_dict(errors=2)
    for key in ("n", "acc161", "mean_km", "median_km", "auc", "precision", "recall", "f1", "mode", "docs",
                "seconds", "articles_per_s"):
        assert key in out
    assert [e["name"] for e in out["errors"]] == ["Qqqzz", "Lyon"]


def test_end2end_scores_only_exactly_detected_spans(monkeypatch):
    def fake_geoparse(text, **kw):
        return [engine.Toponym(5, 10, "Paris", place=_cand("Paris", 48.8566, 2.3522)),
                engine.Toponym(14, 17, "Lyo", place=_cand("Lyon", 45.764, 4.8357)),  # overlap only
                engine.Toponym(0, 4, "From", place=None)]

    monkeypatch.setattr(engine, "geoparse", fake_geoparse)
    rep = evaluate([DOC], "end2end", gazetteer=object())
    m = rep.metrics
    assert (m["precision"], m["recall"]) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert (m["precision_overlap"], m["recall_overlap"]) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert m["acc161"] == pytest.approx(1 / 3) and m["undetected"] == 2
    det = evaluate([DOC], "detect", gazetteer=object()).metrics
    assert det["acc161"] is None and det["f1"] == pytest.approx(1 / 3)


def test_a_failing_document_is_reported_and_counted_as_misses(monkeypatch):
    good = EvalDoc("ok", "In Paris.", (GoldToponym(3, 8, "Paris", 48.8566, 2.3522),))

    def flaky(text, spans, **kw):
        if text == TEXT:
            raise RuntimeError("boom")
        return [engine.Toponym(s, e, text[s:e], place=_cand("Paris", 48.8566, 2.3522)) for s, e in spans]

    monkeypatch.setattr(engine, "resolve_spans", flaky)
    seen = []
    rep = evaluate([DOC, good], "resolve", gazetteer=object(), progress=lambda d, t: seen.append((d, t)))
    assert rep.failures == [{"id": "d1", "error": "RuntimeError: boom"}]
    assert rep.metrics["n"] == 4 and rep.metrics["failed"] == 3
    assert rep.metrics["acc161"] == pytest.approx(1 / 4)
    assert seen == [(1, 2), (2, 2)]


def test_unknown_mode_is_an_input_error():
    with pytest.raises(InputError, match="resolve, detect, end2end"):
        evaluate([], "geocode", gazetteer=object())  # type: ignore[arg-type]


# -- reading and validating the file ------------------------------------------------------------


def _line(**over) -> str:
    obj = {"id": "x", "url": "u", "text": "In Paris today.",
           "toponyms": [{"start": 3, "end": 8, "name": "Paris", "lat": 48.85, "lon": 2.35, "geonameid": 1,
                         "type": None}]}
    obj.update(over)
    return json.dumps(obj)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (_line(text=None), "'text' is None"),
        (_line(toponyms=[{"start": 0, "end": 5, "name": "Paris", "lat": 1, "lon": 1}]), "text[0:5] is 'In Pa'"),
        (_line(toponyms=[{"start": 3, "end": 80, "name": "Paris", "lat": 1, "lon": 1}]), "outside the text"),
        (_line(toponyms=[{"start": 3, "end": 8, "name": "Paris", "lon": 1}]), "missing key 'lat'"),
        (_line(toponyms=[{"start": 3, "end": 8, "name": "Paris", "lat": 2.35, "lon": 248.85}]), "not a WGS84"),
        (_line(id=None), "'id'"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, bad, message):
    path = tmp_path / "corpus.jsonl"
    path.write_text(_line() + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_eval_jsonl(path)
    assert str(info.value).startswith(f"{path}:3: ")
    assert message in str(info.value)


def test_reading_limit_and_missing_file(tmp_path):
    docs = parse_eval_lines([_line(id="a"), _line(id="b"), _line(id="c")], limit=2)
    assert [d.id for d in docs] == ["a", "b"] and docs[0].toponyms[0].geonameid == 1
    with pytest.raises(InputError, match="no such file"):
        read_eval_jsonl(tmp_path / "absent.jsonl")


def test_cli_reports_a_bad_file_in_one_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(_line(toponyms=[{"start": 0, "end": 5, "name": "Paris", "lat": 1, "lon": 1}]) + "\n")
    out = subprocess.run([sys.executable, "-m", "geomap.cli", "eval", "geoparse", str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [f"geomap eval: error: {path}:1: text[0:5] is 'In Pa', not 'Paris'; "
                                               "offsets are character (not byte) offsets into 'text'."]


# -- regression floor on the first 40 documents of each corpus -----------------------------------

# Measured with listed designations, list peers and the story's focus for names nothing places
# (first 40 docs):
#   geovirus resolve acc161 0.862, auc 0.309; detect f1 0.853, precision 0.803, recall 0.908
#   lgl      resolve acc161 0.900, auc 0.256; detect f1 0.830, precision 0.786, recall 0.879
# (AUC rose when countries moved midway to their area centroid: a mention annotated at the exact
# GeoNames point now misses it by up to 150 km; acc161 is the target.)
# The floors sit 2-3 points below, so only a real regression fails; raise them as the engine improves.
FLOORS = {
    "geovirus": {"acc161": 0.84, "auc": 0.33, "f1": 0.83, "recall": 0.88},
    "lgl": {"acc161": 0.88, "auc": 0.28, "f1": 0.81, "recall": 0.86},
}


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_quality_floor_on_corpus_sample(corpus):
    path = CORPORA / f"{corpus}.jsonl"
    if not path.exists():
        pytest.skip(f"evaluation corpus {path} is absent (it lives outside the repo in ../shared/eval/geoparse/)")
    docs = read_eval_jsonl(path, limit=40)
    floor = FLOORS[corpus]
    res = evaluate(docs, "resolve")
    assert not res.failures
    assert res.metrics["acc161"] >= floor["acc161"], res.metrics
    assert res.metrics["auc"] <= floor["auc"], res.metrics
    det = evaluate(docs, "detect")
    assert not det.failures
    assert det.metrics["f1"] >= floor["f1"], det.metrics
    assert det.metrics["recall"] >= floor["recall"], det.metrics


def test_country_centre_misses_tell_a_convention_from_a_wrong_place():
    from geomap.evaluate import ToponymError, country_centre_misses

    china = {"name": "China", "lat": 35.0, "lon": 105.0, "country_code": "CN", "source_id": "country:CN"}
    errs = [
        ToponymError("d", 0, 5, "China", 35.0, 103.0, 182.0, "resolved", china),     # encyclopaedia centre: convention
        ToponymError("d", 9, 14, "China", 19.4, -99.1, 12_900.0, "resolved", china),  # gold in Mexico: a wrong place
        ToponymError("d", 20, 25, "China", 35.0, 105.5, 45.0, "resolved", china),     # within 161 km: no miss
    ]
    assert country_centre_misses(errs) == 1
