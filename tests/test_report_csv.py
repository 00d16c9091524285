"""CSV export: one row per rep and per hold, metrics as columns."""

from __future__ import annotations

import csv
import dataclasses

import pytest

from formcheck.report.csv_export import FIXED_COLUMNS, write_csv
from reports import hold, make_report, rep


def sample_report():
    """Two bridge reps plus two sided holds, with partly overlapping metric keys."""
    return make_report("glute_bridge", reps=[
        rep(1, 1.2, 5.0, hold_s=2.6, peak_hip_extension_deg=2.0, lowering_s=1.4),
        rep(2, 6.0, 9.5, ["hips_too_high", "short_hold"], hold_s=0.8, peak_hip_extension_deg=18.04999),
    ], holds=[
        hold("right", 12.0, 24.5, ["short_hold"], max_trunk_lean_deg=21.0),
        hold("left", 26.0, 29.0, max_trunk_lean_deg=19.5, duration_s=3.0),
    ])


def read(path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_one_row_per_rep_and_hold_with_metric_columns(tmp_path):
    path = tmp_path / "session.csv"
    write_csv(path, sample_report())
    columns, rows = read(path)
    assert columns == [*FIXED_COLUMNS, "peak_hip_extension_deg", "lowering_s", "max_trunk_lean_deg",
                       "metric_duration_s"]
    assert [(r["kind"], r["index"], r["side"]) for r in rows] == [
        ("rep", "1", ""), ("rep", "2", ""), ("hold", "1", "right"), ("hold", "2", "left")]

    rep2, hold1 = rows[1], rows[2]
    assert rep2["faults"] == "hips_too_high;short_hold"
    assert rep2["start_s"] == "6.0" and rep2["end_s"] == "9.5"
    assert rep2["duration_s"] == "3.5" and rep2["hold_s"] == "0.8"
    assert rep2["peak_hip_extension_deg"] == "18.05" and rep2["lowering_s"] == "" and rep2["max_trunk_lean_deg"] == ""
    assert hold1["duration_s"] == "12.5" and hold1["hold_s"] == "" and hold1["faults"] == "short_hold"
    assert hold1["max_trunk_lean_deg"] == "21.0" and hold1["peak_hip_extension_deg"] == ""
    assert rows[3]["metric_duration_s"] == "3.0"


def test_empty_report_writes_just_the_header(tmp_path):
    path = tmp_path / "empty.csv"
    write_csv(path, make_report("glute_bridge"))
    columns, rows = read(path)
    assert columns == list(FIXED_COLUMNS) and rows == []


def test_write_is_atomic(tmp_path):
    path = tmp_path / "session.csv"
    path.write_text("previous\n")
    with pytest.raises(Exception):
        write_csv(path, make_report("glute_bridge", reps=[
            dataclasses.replace(rep(1, 0.0, 1.0), metrics=5)]))  # metrics that are not a mapping
    assert path.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["session.csv"]
    write_csv(path, sample_report())
    assert len(read(path)[1]) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["session.csv"]


def test_text_with_commas_and_quotes_round_trips(tmp_path):
    path = tmp_path / "odd.csv"
    report = sample_report()
    report.reps[0].faults = ['odd, "quoted" code']
    write_csv(path, report)
    assert read(path)[1][0]["faults"] == 'odd, "quoted" code'
