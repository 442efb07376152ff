"""Exports for other tools: the events as an ACLED-compatible CSV.

The first 17 columns are ACLED's, in ACLED's names and order, so the file loads where
ACLED data loads; the ones after are geomap's extensions: the range of reported
fatalities, each group's killed (lowest and highest any source reports), wounded,
captured and arrested, the number of sources and each source's total.

The bytes are deterministic (UTF-8, ``\\n`` line ends, rows in event order, numbers
written the same way every time) and safe to open in a spreadsheet: a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an
apostrophe so that it is shown as text, never run as a formula (article text is
untrusted).

Examples
--------
>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-5 km"), safe_cell("Ben Guerdane"), safe_cell(12)
('\\'=HYPERLINK("http://x")', "'-5 km", 'Ben Guerdane', '12')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap.events.consolidate import headline, source_totals
from geomap.layers import event_notes
from geomap.model import Event

__all__ = ["ACLED_COLUMNS", "EXTENSION_COLUMNS", "acled_rows", "acled_csv", "write_acled_csv", "safe_cell"]

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
                 "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
                 "notes", "fatalities"]
_GROUPS = ("militants", "security_forces", "civilians", "total", "unspecified")
EXTENSION_COLUMNS = ["fatalities_min", "fatalities_max",
                     *[f"{g}_killed_{b}" for g in ("militants", "security_forces", "civilians") for b in ("min", "max")],
                     "wounded_min", "wounded_max", "captured_min", "captured_max", "arrested_min", "arrested_max",
                     "n_sources", "fatalities_by_source", "uncertainty_m", "date_start", "date_end"]
_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell's text, with formula-like text defused by a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(_UNSAFE_START):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")  # one kind of line break, always quoted by csv


def _range(e: Event, kind: str, group: str | None = None) -> tuple[int | None, int | None]:
    """Lowest and highest count any source gives for one kind (and group).

    A source's count for one group is its largest figure for it; over all groups it is the
    larger of its stated total and the sum of its groups. Parts of a larger figure
    ("two security agents were among the dead") are not counted.
    """
    per_source: dict[str, int] = {}
    for art in sorted({f.article_id for f in e.figures}):
        figs = [f for f in e.figures if f.article_id == art and f.kind == kind and not f.partial]
        if group is not None:
            figs = [f for f in figs if f.group == group]
        if not figs:
            continue
        if group is not None:
            per_source[art] = max(f.value for f in figs)
        else:
            stated = max((f.value for f in figs if f.group == "total"), default=0)
            summed = sum(max((f.value for f in figs if f.group == g), default=0) for g in _GROUPS if g != "total")
            per_source[art] = max(stated, summed)
    if not per_source:
        return None, None
    return min(per_source.values()), max(per_source.values())


def acled_rows(events: Sequence[Event]) -> list[dict[str, Any]]:
    """One row per event: ACLED's columns then the extensions (values not yet made safe)."""
    rows = []
    for e in events:
        fatal, lo, hi = headline(e.figures)
        row: dict[str, Any] = {
            "event_id_cnty": e.id, "event_date": e.date or "", "year": int(e.date[:4]) if e.date else None,
            "time_precision": e.time_precision, "event_type": e.event_type, "sub_event_type": e.sub_event_type,
            "actor1": e.actor1, "actor2": e.actor2, "country": e.country, "admin1": e.admin1,
            "location": e.location, "latitude": round(e.lat, 4) if e.lat is not None else None,
            "longitude": round(e.lon, 4) if e.lon is not None else None, "geo_precision": e.geo_precision,
            "source": "; ".join(e.sources), "notes": event_notes(e), "fatalities": fatal if fatal is not None else 0,
            "fatalities_min": lo, "fatalities_max": hi,
        }
        for g in ("militants", "security_forces", "civilians"):
            row[f"{g}_killed_min"], row[f"{g}_killed_max"] = _range(e, "killed", g)
        for kind in ("wounded", "captured", "arrested"):
            row[f"{kind}_min"], row[f"{kind}_max"] = _range(e, kind)
        row["n_sources"] = len(e.sources)
        totals = source_totals(e.figures)
        row["fatalities_by_source"] = json.dumps(totals, sort_keys=True) if totals else ""
        row["uncertainty_m"] = round(float(e.uncertainty_m), 1)
        row["date_start"], row["date_end"] = e.date_start or "", e.date_end or ""
        rows.append(row)
    return rows


def acled_csv(events: Sequence[Event]) -> str:
    """The CSV text (header + one row per event), deterministic and spreadsheet-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    columns = [*ACLED_COLUMNS, *EXTENSION_COLUMNS]
    writer.writerow(columns)
    for row in acled_rows(events):
        writer.writerow([safe_cell(row[c]) for c in columns])
    return buf.getvalue()


def write_acled_csv(events: Sequence[Event], path: str | Path) -> Path:
    """Write :func:`acled_csv` to ``path`` (UTF-8, no BOM); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(acled_csv(events).encode("utf-8"))
    return path
