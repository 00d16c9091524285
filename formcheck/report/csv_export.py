"""CSV export of a ``formcheck.report/1`` report: one row per rep and per hold.

Opens in any spreadsheet, so a physiotherapist can track a patient across
sessions. Columns, in order::

    kind, index, side, start_s, end_s, duration_s, hold_s, faults, <metrics...>

``duration_s`` is the span of the rep or hold (``end_s - start_s`` for a rep,
the report's ``duration_s`` for a hold); ``hold_s`` is a rep's time at the top
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
from typing import Any, Iterable

from formcheck.fileio import write_text_atomic

FIXED_COLUMNS = ("kind", "index", "side", "start_s", "end_s", "duration_s", "hold_s", "faults")
_DECIMALS = 3


def write_csv(path: str | os.PathLike, report: dict) -> None:
    """Write one row per rep and per hold of ``report`` to ``path``, atomically."""
    write_text_atomic(path, report_to_csv(report))


def report_to_csv(report: dict) -> str:
    """The CSV text that :func:`write_csv` writes."""
    reps = list(report.get("reps") or [])
    holds = list(report.get("holds") or [])
    metric_keys = _metric_keys(reps + holds)
    metric_columns = [_metric_column(key) for key in metric_keys]

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(FIXED_COLUMNS) + metric_columns)
    for number, rep in enumerate(reps, start=1):
        start, end = rep.get("start_s"), rep.get("end_s")
        duration = end - start if _is_number(start) and _is_number(end) else None
        writer.writerow(
            _fixed_cells("rep", rep.get("index", number), rep, duration, rep.get("hold_s"))
            + _metric_cells(rep, metric_keys)
        )
    for number, hold in enumerate(holds, start=1):
        writer.writerow(
            _fixed_cells("hold", hold.get("index", number), hold, hold.get("duration_s"), None)
            + _metric_cells(hold, metric_keys)
        )
    return buffer.getvalue()


def _fixed_cells(kind: str, index: Any, item: dict, duration: Any, hold: Any) -> list[str]:
    return [
        kind,
        _cell(index),
        item.get("side") or "",
        _cell(item.get("start_s")),
        _cell(item.get("end_s")),
        _cell(duration),
        _cell(hold),
        ";".join(item.get("faults") or []),
    ]


def _metric_keys(items: Iterable[dict]) -> list[str]:
    keys: dict[str, None] = {}
    for item in items:
        for key in item.get("metrics") or {}:
            keys.setdefault(key)
    return list(keys)


def _metric_column(key: str) -> str:
    """A metric's column name; renamed only if it would clash with a fixed column."""
    return f"metric_{key}" if key in FIXED_COLUMNS else key


def _metric_cells(item: dict, keys: list[str]) -> list[str]:
    metrics = item.get("metrics") or {}
    return [_cell(metrics.get(key)) for key in keys]


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


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
