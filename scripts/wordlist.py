"""Shared by the word-list build scripts: write a deterministic ``.txt.gz`` list."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path


def write_word_list(out: Path, header: str, words: Iterable[str]) -> int:
    """Write ``header`` (``#`` comment lines) and the sorted, distinct ``words`` to ``out`` as gzip
    with no timestamp or file name in it, so rebuilding gives the same bytes. Returns the word count."""
    unique = sorted(set(words))
    body = header.rstrip("\n") + "\n" + "\n".join(unique) + "\n"
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(body.encode("utf-8"))
    return len(unique)
