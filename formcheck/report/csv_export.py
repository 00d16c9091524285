"""CSV export of a report: one row per rep and per hold.

Opens in any spreadsheet, so a physiotherapist can track a patient across
sessions. Columns, in order::

    kind, index, side, start_s, end_s, duration_s, hold_s, faults, <metrics...>

``duration_s`` is the span of the rep or hold (``end_s - start_s`` for a rep,
the hold's ``duration_s`` for a hold); ``hold_s`` is a rep's time at the top
(empty for holds). ``faults`` is ``;``-joined. Every metric key found in any
rep or hold gets its own column (first-seen order); a row without that metric
leaves the cell empty.

Example:
    >>> write_csv("session.csv", report)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
from typing import Any

from formcheck.fileio import write_text_atomic
from formcheck.report.model import Hold, Rep, Report

FIXED_COLUMNS = ("kind", "index", "side", "start_s", "end_s", "duration_s", "hold_s", "faults")
_DECIMALS = 3


def write_csv(path: str | os.PathLike, report: Report) -> None:
    """Write one row per rep and per hold of ``report`` to ``path``, atomically."""
    write_text_atomic(path, report_to_csv(report))


def report_to_csv(report: Report) -> str:
    """The CSV text that :func:`write_csv` writes."""
    metric_keys = list(dict.fromkeys(key for item in [*report.reps, *report.holds] for key in item.metrics))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*FIXED_COLUMNS, *(_metric_column(key) for key in metric_keys)])
    for rep in report.reps:
        writer.writerow(_row("rep", rep.index, rep, rep.end_s - rep.start_s, rep.hold_s, metric_keys))
    for number, hold in enumerate(report.holds, start=1):
        writer.writerow(_row("hold", number, hold, hold.duration_s, None, metric_keys))
    return buffer.getvalue()


def _row(kind: str, index: int, item: Rep | Hold, duration: float, hold: float | None, keys: list[str]) -> list[str]:
    return [kind, _cell(index), item.side or "", _cell(item.start_s), _cell(item.end_s), _cell(duration),
            _cell(hold), ";".join(item.faults), *(_cell(item.metrics.get(key)) for key in keys)]


def _metric_column(key: str) -> str:
    """A metric's column name; renamed only if it would clash with a fixed column."""
    return f"metric_{key}" if key in FIXED_COLUMNS else key


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        return repr(round(value, _DECIMALS)) if math.isfinite(value) else ""
    return str(value)
