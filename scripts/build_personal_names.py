"""Rebuild ``geomap/data/personal_names.txt.gz``: frequent US surnames and given names.

Source: the PyPI package ``names`` 0.3.0 (code MIT), which ships the US Census Bureau's
1990 name frequency files ``dist.all.last``, ``dist.male.first`` and ``dist.female.first``
(US government work, public domain). Only those data files are read, at build time;
``names`` is not a dependency of geomap.

Detection uses the list to ask for a cue (a preposition, a state after a comma, a
feature word) before it takes a frequent personal name that only small towns bear
("Turner", "Ripley") for a place.

Usage::

    python scripts/build_personal_names.py [--sdist names-0.3.0.tar.gz] [--out PATH]

Without ``--sdist`` the sdist is fetched with ``pip download --no-deps names==0.3.0``.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.gazetteer.normalize import fold  # noqa: E402
from wordlist import write_word_list  # noqa: E402

#: how many of each list to keep (by Census frequency rank)
SURNAMES, MALE, FEMALE = 10_000, 500, 1_000


def _ranked(data: bytes, limit: int) -> list[str]:
    out = []
    for line in io.TextIOWrapper(io.BytesIO(data), encoding="ascii"):
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) <= limit:
            out.append(fold(parts[0]))
    return out


def build(sdist: Path, out: Path) -> int:
    with tarfile.open(sdist) as tar:
        files = {Path(m.name).name: tar.extractfile(m).read() for m in tar.getmembers()
                 if Path(m.name).name.startswith("dist.")}
    names = set(_ranked(files["dist.all.last"], SURNAMES))
    names |= set(_ranked(files["dist.male.first"], MALE)) | set(_ranked(files["dist.female.first"], FEMALE))
    return write_word_list(out, "# frequent US surnames (top %d) and given names (top %d male, %d female), folded;\n"
                                "# US Census Bureau 1990 name files (public domain) via PyPI names 0.3.0; built by "
                                "scripts/build_personal_names.py" % (SURNAMES, MALE, FEMALE), names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sdist", type=Path, help="names-0.3.0.tar.gz (fetched with pip download when omitted)")
    ap.add_argument("--out", type=Path, default=ROOT / "geomap" / "data" / "personal_names.txt.gz")
    args = ap.parse_args()
    sdist = args.sdist
    if sdist is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "-d", str(tmp), "names==0.3.0"], check=True)
        sdist = next(tmp.glob("names-*.tar.gz"))
    n = build(sdist, args.out)
    print(f"wrote {args.out} ({n} names)")


if __name__ == "__main__":
    main()
