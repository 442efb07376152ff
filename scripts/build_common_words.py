"""Rebuild ``geomap/data/common_words.txt.gz``: the frequent words of English.

Source: the PyPI package ``wordfreq`` 3.1.1 (code Apache-2.0; its word lists are
CC BY-SA 4.0, compiled by Robyn Speer from Wikipedia, subtitles, news, books, web
text, Twitter and Reddit — see wordfreq's README). Its ``small_en`` list (about
29,000 words, with frequencies) is read once, at build time, with ``msgpack``;
neither package is a dependency of geomap. The derived list keeps the alphabetic
words, folded, and is distributed under CC BY-SA 4.0 as wordfreq's data requires.

Detection asks for a cue (a preposition, a state after a comma, a feature word)
before it takes a frequent word that only small towns bear ("Commerce", "Superior",
"Center") for a place; names of large places, regions and countries need no cue.

Usage::

    python scripts/build_common_words.py [--wheel wordfreq-3.1.1-py3-none-any.whl] [--out PATH]

Without ``--wheel`` the wheel (and msgpack) are fetched with ``pip download``.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.gazetteer.normalize import fold  # noqa: E402
from wordlist import write_word_list  # noqa: E402


def build(wheel: Path, out: Path) -> int:
    import msgpack

    with zipfile.ZipFile(wheel) as zf:
        data = gzip.decompress(zf.read("wordfreq/data/small_en.msgpack.gz"))
    buckets = msgpack.unpackb(data, raw=False)
    if not (isinstance(buckets[0], dict) and buckets[0].get("format") == "cB"):
        raise SystemExit("unexpected wordfreq data format: " + repr(buckets[0]))
    return write_word_list(out, "# frequent English words (wordfreq 3.1.1 small_en, alphabetic, folded); CC BY-SA "
                                "4.0, wordfreq by Robyn Speer; built by scripts/build_common_words.py",
                           (fold(w) for bucket in buckets[1:] for w in bucket if w.isalpha()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", type=Path, help="wordfreq-3.1.1-py3-none-any.whl (fetched when omitted)")
    ap.add_argument("--out", type=Path, default=ROOT / "geomap" / "data" / "common_words.txt.gz")
    args = ap.parse_args()
    wheel = args.wheel
    tmp = Path(tempfile.mkdtemp())
    if wheel is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(tmp), "wordfreq==3.1.1"],
                       check=True)
        wheel = next(tmp.glob("wordfreq-*.whl"))
    try:
        import msgpack  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d",
                        str(tmp), "msgpack"], check=True)
        with zipfile.ZipFile(next(tmp.glob("msgpack-*.whl"))) as zf:
            zf.extractall(tmp / "site")
        sys.path.insert(0, str(tmp / "site"))
    n = build(wheel, args.out)
    print(f"wrote {args.out} ({n} words)")


if __name__ == "__main__":
    main()
