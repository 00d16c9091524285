"""History over sessions, from hand-written reports (no model, no video)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re

import pytest

from formcheck.history import FROM_FILE_TIME, FROM_NAME, date_in_name, format_table, load_sessions, session_from_report
from formcheck.report.history_page import render_history_html
from formcheck.report.model import Report
from reports import event, events_of, make_report, rep


def bridge_report(source: str, reps: list[list[str]], hold_s: float = 2.0, session_faults=(),
                  exercise: str = "glute_bridge") -> Report:
    """A glute-bridge report with one rep per entry of ``reps`` (its fault codes)."""
    rep_list = [rep(i, 2.0 * i, 2.0 * i + 1.5, faults, hold_s=hold_s) for i, faults in enumerate(reps, start=1)]
    events = events_of(exercise, rep_list) + [event(exercise, code, 30.0) for code in session_faults]
    return make_report(exercise, reps=rep_list, events=events, source=source, duration_s=10.0)


@pytest.mark.parametrize("name, expected", [
    ("2026-11-18_bridge.mp4", dt.datetime(2026, 11, 18)),
    ("bridge 2026_11_18.mov", dt.datetime(2026, 11, 18)),
    ("VID_20261118_073000.mp4", dt.datetime(2026, 11, 18)),
    ("2026-11-18/evening.mp4", dt.datetime(2026, 11, 18)),      # a dated folder
    ("2026-11-01/2026-11-02.mp4", dt.datetime(2026, 11, 2)),    # the file name wins
    ("bridge.mp4", None),
    ("clip_2026-13-01.mp4", None),                               # no 13th month
    ("2026-02-31.mp4", None),                                    # no such day
    ("id1234567890.mp4", None),                                  # digits, but not a date
])
def test_date_in_name(name, expected):
    assert date_in_name(name) == expected


def test_rates_and_hold_times_of_one_session(tmp_path):
    report = bridge_report("a.mp4", [["hips_too_high"], [], ["hips_too_high", "short_hold"], []], hold_s=1.5,
                           session_faults=["out_of_frame"])
    session = session_from_report(report, tmp_path / "a.json", "2026-11-18_a.mp4")
    assert (session.date, session.date_from) == (dt.datetime(2026, 11, 18), FROM_NAME)
    assert session.rep_count == 4 and session.hold_s == pytest.approx(1.5)
    assert session.faulty_share == pytest.approx(0.5)
    assert session.fault_rates == {"hips_too_high": 0.5, "short_hold": 0.25}
    assert session.session_faults == ("out_of_frame",)


def test_a_session_without_reps_has_no_rates(tmp_path):
    session = session_from_report(bridge_report("a.mp4", []), tmp_path / "a.json", "a.mp4")
    assert session.rep_count == 0 and session.faulty_share is None and session.hold_s is None


def write_results(results, reports: dict[str, dict], markers: dict[str, dict] = {}):
    for name, report in reports.items():
        path = results / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report.dumps() if isinstance(report, Report) else json.dumps(report))
    for stem, marker in markers.items():
        path = results / ".formcheck" / f"{stem}.result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(marker))


def test_sessions_in_date_order_with_a_trend(tmp_path):
    undated_time = dt.datetime(2026, 11, 25, 18, 30)
    write_results(tmp_path, {
        "week2/2026-11-20_bridge.json": bridge_report("week2/2026-11-20_bridge.mp4", [[], [], ["short_hold"], []]),
        "2026-11-18_bridge.json": bridge_report("2026-11-18_bridge.mp4", [["hips_too_high"], ["hips_too_high"]]),
        "evening.json": bridge_report("evening.mp4", [[], [], [], [], []], hold_s=2.5),
        "notes.json": {"not": "a report"},
        ".formcheck/x.result.json": {"schema": "formcheck.report/1"},
    }, markers={"evening": {"video": "evening.mp4", "video_mtime_ns": int(undated_time.timestamp() * 1e9)}})
    sessions = load_sessions(tmp_path)
    assert [s.video for s in sessions] == ["2026-11-18_bridge.mp4", "week2/2026-11-20_bridge.mp4", "evening.mp4"]
    assert sessions[2].date == undated_time and sessions[2].date_from == FROM_FILE_TIME
    assert [s.rep_count for s in sessions] == [2, 4, 5]

    table = format_table(sessions)
    lines = table.splitlines()
    assert lines[0] == "Glute bridge: 3 sessions"
    assert "reps 2 → 5" in lines[1] and "fewer reps/holds with a fault (100% → 0%)" in lines[1]
    rows = [line for line in lines if re.match(r"\d{4}-\d\d-\d\d", line)]
    assert [row[:10] for row in rows] == ["2026-11-18", "2026-11-20", "2026-11-25"]
    assert "hips too high 100%" in rows[0] and "hold too short 25%" in rows[1] and rows[2].endswith("none")


def test_history_page_is_self_contained_and_links_the_reports(tmp_path):
    write_results(tmp_path, {"2026-11-18_bridge.json": bridge_report("x.mp4", [["hips_too_high"], []])})
    (tmp_path / "2026-11-18_bridge.html").write_text("<html></html>")
    (tmp_path / "index.html").write_text("<html></html>")
    page_dir = tmp_path / "elsewhere"
    page_dir.mkdir()
    page = render_history_html(load_sessions(tmp_path), page_dir)
    assert page.count("Plotly.newPlot") == 1 and "<script src=" not in page and "<link" not in page
    assert 'href="../2026-11-18_bridge.html"' in page
    figure = json.loads(re.search(r'class="fc-figure"[^>]*>(.*?)</script>', page, re.S).group(1))
    names = [trace.get("name") for trace in figure["data"]]
    assert "Hips too high" in names and "any fault" in names


def test_cli_history_prints_and_writes(tmp_path):
    from conftest import run_cli

    write_results(tmp_path / "results", {"2026-11-18_a.json": bridge_report("a.mp4", [[]]),
                                         "2026-11-19_b.json": bridge_report("b.mp4", [[], []])})
    run = run_cli("history", tmp_path / "results", "--html", tmp_path / "h.html")
    assert run.returncode == 0, run.stderr
    assert "Glute bridge: 2 sessions" in run.stdout and (tmp_path / "h.html").stat().st_size > 100_000
    missing = run_cli("history", tmp_path / "results", "--html", tmp_path / "no" / "h.html")
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    assert not os.path.exists(tmp_path / "no")


def test_each_recognised_exercise_of_a_video_is_a_session(tmp_path):
    bridge = bridge_report("mix.mp4", [["hips_too_high"], []])
    squat = bridge_report("mix.mp4", [[], [], []], exercise="squat")
    write_results(tmp_path, {"2026-11-18_mix.json": dataclasses.replace(squat, segments=[bridge, squat])})
    sessions = load_sessions(tmp_path)
    assert sorted((s.exercise, s.rep_count) for s in sessions) == [("glute_bridge", 2), ("squat", 3)]
    assert all(s.date == dt.datetime(2026, 11, 18) for s in sessions)
