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


# -- one session, and no empty charts (issue #15) ---------------------------------------------------

def _figure_of(page: str, target: str | None = None) -> dict:
    pattern = r'class="fc-figure" data-target="%s"[^>]*>(.*?)</script>' % (re.escape(target) if target else "[^\"]+")
    return json.loads(re.search(pattern, page, re.S).group(1))


def test_one_session_gets_a_time_axis_of_days_not_hours(tmp_path):
    write_results(tmp_path, {"2026-11-18_bridge.json": bridge_report("x.mp4", [["hips_too_high"], []])})
    figure = _figure_of(render_history_html(load_sessions(tmp_path), tmp_path))
    axis = figure["layout"]["xaxis"]
    assert axis["type"] == "date" and axis["tickformat"] == "%d %b %Y"
    low, high = (dt.datetime.fromisoformat(v) for v in axis["range"])
    assert low < dt.datetime(2026, 11, 18) < high and high - low == dt.timedelta(days=2)
    assert axis["dtick"] == 86_400_000  # a tick a day


def test_no_empty_charts(tmp_path):
    # reps without a time at the top and without any fault: no hold chart; a fault chart still
    # (its 0% is news); no reps at all: no fault chart either
    write_results(tmp_path, {"2026-11-18_a.json": bridge_report("a.mp4", [[], []], hold_s=None),
                             "2026-11-19_b.json": bridge_report("b.mp4", [[]], hold_s=None)})
    figure = _figure_of(render_history_html(load_sessions(tmp_path), tmp_path))
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == ["Reps per session", "Reps/holds with the fault (%)"]
    write_results(tmp_path / "none", {"2026-11-18_a.json": bridge_report("a.mp4", [])})
    figure = _figure_of(render_history_html(load_sessions(tmp_path / "none"), tmp_path))
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == ["Reps per session"]


# -- routines: adherence --------------------------------------------------------------------------

def routine_report(source: str, statuses: list[str]) -> Report:
    """A back-pain routine report whose four exercises ended as ``statuses``."""
    from formcheck.report.routine_page import summarise
    from formcheck.routine import load_routine
    from reports import hold

    routine = load_routine("back-pain")
    parts, owners = [], []
    for number, (item, status) in enumerate(zip(routine.items, statuses)):
        if status == "missed":
            continue
        if item.target.reps is not None:
            part = bridge_report(source, [[]] * (item.target.reps if status == "done" else 2), exercise=item.exercise)
        else:
            seconds = item.target.hold_s + (5 if status == "done" else -3)
            part = make_report(item.exercise, holds=[hold("right", 0, seconds), hold("left", 30, 30 + seconds)],
                               source=source)
        parts.append(part)
        owners.append(number)
    summary = summarise(routine, parts, owners)
    assert [item.status for item in summary.items] == statuses
    return dataclasses.replace(parts[0], segments=parts, routine=summary)


def test_adherence_routines_per_week_and_targets_met_over_time(tmp_path):
    from formcheck.history import format_adherence, load_routines
    from formcheck.report.history_page import by_week

    write_results(tmp_path, {
        "2026-11-16_routine.json": routine_report("a.mp4", ["done", "partial", "partial", "done"]),
        "2026-11-18_routine.json": routine_report("b.mp4", ["done", "done", "done", "done"]),
        "2026-12-01_routine.json": routine_report("c.mp4", ["done", "done", "missed", "done"]),
        "2026-11-17_bridge.json": bridge_report("d.mp4", [[]]),  # not a routine
    })
    routines = load_routines(tmp_path)
    assert [r.date.day for r in routines] == [16, 18, 1]
    # the week of 23 Nov had none: it shows as a week with nothing done
    weeks = [(monday.day, full, part) for monday, full, part in by_week(routines)]
    assert weeks == [(16, 1, 1), (23, 0, 0), (30, 0, 1)]
    text = format_adherence(routines)
    assert "3 routines in 3 weeks (1 done in full)" in text
    assert "Glute bridge 2 of 3" in text and "Seated hip abduction 1 of 3" in text
    assert re.search(r"Seated hip abduction\s+~ \+ -", text)
    # the exercises of the routines are sessions of the per-exercise history too
    assert [s.rep_count for s in load_sessions(tmp_path) if s.exercise == "glute_bridge"] == [2, 1, 10, 10]
    page = render_history_html(load_sessions(tmp_path), tmp_path, routines=routines)
    assert "Your routine" in page
    figure = _figure_of(page, "adherence-plot")
    assert [t["name"] for t in figure["data"]][:2] == ["done in full", "partly done"]
    assert figure["data"][0]["y"] == [1, 0, 0] and figure["data"][1]["y"] == [1, 0, 1]


def test_cli_history_shows_adherence_and_defaults_to_the_folder_analysed_last(tmp_path, monkeypatch):
    from conftest import SAMPLES, run_cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    r = run_cli("history")
    assert r.returncode == 2 and "which results folder?" in r.stderr
    videos = tmp_path / "videos"
    videos.mkdir()
    (videos / "2026-11-18_squat.mp4").write_bytes((SAMPLES / "squat" / "squat_too_fast_down.mp4").read_bytes())
    r = run_cli("analyze", videos, "--exercise", "squat", "--out", tmp_path / "results", "-q")
    assert r.returncode == 0, r.stderr
    write_results(tmp_path / "results", {"2026-11-19_routine.json": routine_report("r.mp4", ["done"] * 4)})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = run_cli("history", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert "(the folder analysed last)" in r.stderr and "Squat: 1 session" in r.stdout
    assert r.stdout.startswith("Routines: 1 routine in 1 week (1 done in full)")
