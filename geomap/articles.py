"""Reading articles: plain text, HTML, Markdown and JSON Lines into :class:`~geomap.model.Article`.

Article text is untrusted input. Reading never raises for one bad file: problems
are returned beside the good articles so a run keeps everything it can read.

Supported files
---------------
``.txt`` / ``.text``
    UTF-8 (with or without BOM), or UTF-16/UTF-32 with their BOM; cp1252 as a fallback, reported as a
    warning. A file with a NUL byte in its first 8,000 bytes is not text: it is skipped, with a problem said.
``.html`` / ``.htm``
    Tags removed (``<script>``/``<style>`` dropped), block elements become line
    breaks, entities decoded; ``<title>`` and ``<meta name=date>``-style tags
    give the title and date.
``.md`` / ``.markdown``
    Read as text; a leading ``# Title`` gives the title.
``.jsonl``
    One article per line: ``{"text": ..., "id"?, "title"?, "date"?, "source"?, "url"?}``.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from geomap.model import Article

__all__ = ["Problem", "SUFFIXES", "read_articles", "parse_html", "discover"]

SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".md": "markdown",
            ".markdown": "markdown", ".jsonl": "jsonl"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
          "article", "header", "footer", "blockquote", "pre", "figcaption", "figure", "hr", "title"}
_DATE_META = {"date", "article:published_time", "pubdate", "publishdate", "dc.date", "og:published_time"}


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input: the run goes on without it (or with a fallback)."""

    path: str
    message: str
    fatal: bool = True  # False: the article was read, with a caveat


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            key = (a.get("name") or a.get("property") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template") and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title.append(data)
            return
        self.parts.append(data)


def parse_html(markup: str) -> tuple[str, str, str | None]:
    """Return ``(text, title, date)`` of an HTML document.

    Examples
    --------
    >>> parse_html("<title>T</title><p>Ben Guerdane &amp; Tunis<script>x()</script></p>")
    ('Ben Guerdane & Tunis', 'T', None)
    """
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    date = next((v for k, v in parser.meta.items() if k in _DATE_META), None)
    return text, unescape(" ".join("".join(parser.title).split())), date


#: the byte-order marks a text editor may write, and their encodings (UTF-32's marks first: they start as UTF-16's)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: how far a file is searched for a NUL byte, which no text file holds (the rule git and grep use)
_BINARY_PROBE = 8000


def _decode(raw: bytes, path: str, problems: list[Problem]) -> str | None:
    """The text of a file's bytes, or ``None`` (with a problem said) when they are not text."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):  # "Unicode text" as Windows saves it, say
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                name = encoding.removesuffix("-sig").upper()
                problems.append(Problem(path, f"marked as {name} but not valid {name} ({exc.reason} at byte "
                                              f"{exc.start}); what cannot be read is replaced by '\ufffd' — "
                                              "re-save the file as UTF-8", fatal=False))
                return raw.decode(encoding, errors="replace")
    if b"\0" in raw[:_BINARY_PROBE]:
        problems.append(Problem(path, "not text (NUL bytes: an image, an archive, a PDF, or UTF-16 without its "
                                      "byte-order mark?); skipped — save the article as UTF-8 text"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, f"not valid UTF-8 ({exc.reason} at byte {exc.start}); read as cp1252 instead — "
                                      "re-save the file as UTF-8 to silence this", fatal=False))
        return raw.decode("cp1252", errors="replace")


def _first_line_title(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


def discover(inputs: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into the article files to read, sorted by path.

    Folders are searched recursively for the supported suffixes; hidden files are skipped.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                problems.append(Problem(str(p), f"no article files ({', '.join(sorted(SUFFIXES))}) in this folder"))
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in SUFFIXES:
                problems.append(Problem(str(p), f"unsupported file type '{p.suffix}'; "
                                                f"use one of {', '.join(sorted(SUFFIXES))}"))
            else:
                files.append(p)
        else:
            problems.append(Problem(str(p), "no such file or folder; check the path (default articles folder: seeds/)"))
    return list(dict.fromkeys(files)), problems


def _read_jsonl(path: Path, text: str, problems: list[Problem]) -> Iterable[Article]:
    seen: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(where, f"not valid JSON ({exc.msg}); each line must be one JSON object"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            problems.append(Problem(where, 'each line needs a "text" string, e.g. {"id": "a1", "text": "..."}'))
            continue
        art_id = str(obj.get("id") or f"{path.stem}-{lineno}")
        if art_id in seen:
            problems.append(Problem(where, f"duplicate id {art_id!r}; renamed to {art_id}-{lineno}", fatal=False))
            art_id = f"{art_id}-{lineno}"
        seen.add(art_id)
        body = obj["text"]
        yield Article(
            id=art_id, path=where, title=str(obj.get("title") or _first_line_title(body)), text=body,
            date=str(obj["date"]) if obj.get("date") else None,
            source=str(obj.get("source") or obj.get("url") or "") or None,
        )


def read_articles(inputs: Sequence[str | Path]) -> tuple[list[Article], list[Problem]]:
    """Read every article under ``inputs`` (files or folders).

    Parameters
    ----------
    inputs : sequence of str or Path
        Files and folders; folders are searched recursively.

    Returns
    -------
    articles : list of Article
        In path order; ids are file stems (``name#k`` when two files share a stem)
        or the JSON Lines ``id``.
    problems : list of Problem
        One per file or line that could not be read, or was read with a caveat.
    """
    files, problems = discover(inputs)
    articles: list[Article] = []
    used: set[str] = set()
    for path in files:
        kind = SUFFIXES[path.suffix.lower()]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read: {exc.strerror}; check permissions"))
            continue
        text = _decode(raw, str(path), problems)
        if text is None:
            continue
        if kind == "jsonl":
            batch = list(_read_jsonl(path, text, problems))
        else:
            date = None
            if kind == "html":
                text, title, date = parse_html(text)
                title = title or _first_line_title(text)
            else:
                title = _first_line_title(text)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            art_id = path.stem
            k = 2
            while art_id in used:
                art_id = f"{path.stem}#{k}"
                k += 1
            batch = [Article(id=art_id, path=str(path), title=title, text=text, date=date)]
        for art in batch:
            if not art.text.strip():
                problems.append(Problem(art.path, "empty article (no text); skipped"))
                continue
            used.add(art.id)
            articles.append(art)
    return articles, problems
