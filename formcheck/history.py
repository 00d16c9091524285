"""Progress over time, read from a results folder: one session per analysed video (or per
recognised exercise of it), dated, with its reps, holds and fault rates.

A *session* is one ``formcheck.report/1`` JSON file in a results folder (written by
``formcheck analyze DIR --out RESULTS``, or by hand). Its date is a date written in
the video's file or folder name (``2026-11-18``, ``2026_11_18`` or ``20261118``) if
there is one, otherwise the video file's modification time (kept in the batch
marker, since the video may have moved since).

Per session (see ``HistorySession``): reps and holds counted; the average hold in
seconds (the mean time held at the top of a rep for rep exercises, the mean hold
duration for hold exercises); the share of reps/holds in which each fault fired,
and the share with any fault. Faults about the whole session (``missing_side``,
``wrong_view``...) are listed but have no rate. The page is
``formcheck.report.history_page``; this module reads and prints.

Example::

    sessions = load_sessions(Path("results"))
    print(format_table(sessions))
    write_history_html(Path("results/history.html"), sessions)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path, PurePosixPath

from formcheck.fileio import write_text_atomic
from formcheck.markers import read_marker
from formcheck.report.history_page import (FROM_FILE_TIME, FROM_NAME, HistorySession, RoutineSession,
                                           adherence_sentence, by_exercise, by_week, percent, render_history_html,
                                           targets_met, trend_sentence, write_history_html)
from formcheck.report.model import Report
from formcheck.report.words import exercise_title, fault_title

__all__ = ["FROM_FILE_TIME", "FROM_NAME", "HistorySession", "RoutineSession", "date_in_name", "format_adherence",
           "format_table", "last_results", "load_routines", "load_sessions", "remember_results", "render_history_html",
           "session_date", "session_from_report", "write_history_html"]

# A calendar date in a file name: 2026-11-18, 2026_11_18, 2026.11.18 or 20261118.
DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_name(name: str) -> dt.datetime | None:
    """The last calendar date written in a path (file name first, then folders), if any."""
    for part in reversed(PurePosixPath(str(name).replace("\\", "/")).parts):
        for match in reversed(list(DATE_IN_NAME.finditer(part))):
            try:
                return dt.datetime(int(match[1]), int(match[3]), int(match[4]))
            except ValueError:  # 2026-02-31
                continue
    return None


def session_date(name: str, marker: dict | None = None, video: Path | None = None,
                 fallback: Path | None = None) -> tuple[dt.datetime, str]:
    """When a session happened: a date in ``name``, else the video's modification time
    (from the batch ``marker``, else the ``video`` file), else ``fallback``'s."""
    named = date_in_name(name)
    if named is not None:
        return named, FROM_NAME
    if marker and marker.get("video_mtime_ns"):
        return dt.datetime.fromtimestamp(marker["video_mtime_ns"] / 1e9), FROM_FILE_TIME
    for path in (video, fallback):
        try:
            return dt.datetime.fromtimestamp(path.stat().st_mtime), FROM_FILE_TIME
        except (AttributeError, OSError):
            continue
    return dt.datetime.fromtimestamp(0), FROM_FILE_TIME


def session_from_report(report: Report, path: Path, name: str, marker: dict | None = None) -> HistorySession:
    """The session of one report (``path`` is where its JSON lies, ``name`` the video's)."""
    video_path = Path(report.source) if report.source else None
    date, date_from = session_date(name, marker, video_path if video_path and video_path.is_absolute() else None,
                                   fallback=path)
    return HistorySession.of(report, path, name, date, date_from)


def _reports(results: Path):
    """(report, its JSON's path, the video's name, the batch marker) for every report below
    ``results`` (hidden folders skipped)."""
    results = Path(results)
    for path in sorted(results.rglob("*.json")):
        relative = path.relative_to(results)
        if any(part.startswith(".") for part in relative.parts):
            continue
        try:
            report = Report.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        marker = read_marker(results, relative.with_suffix("").as_posix())
        name = (marker or {}).get("video") or report.source or relative.as_posix()
        if date_in_name(name) is None and date_in_name(relative.as_posix()) is not None:
            name = relative.as_posix()  # the report was saved under a dated name
        yield report, path, name, marker


def load_sessions(results: Path) -> list[HistorySession]:
    """Every report below ``results`` (hidden folders skipped), oldest first."""
    sessions = [session_from_report(part, path, name, marker)
                for report, path, name, marker in _reports(results)
                for part in report.parts]  # each recognised exercise (or routine's) is a session of its own
    sessions.sort(key=lambda s: (s.exercise, s.date, s.video))
    return sessions


def load_routines(results: Path) -> list[RoutineSession]:
    """Every routine done (a report of ``--routine``) below ``results``, oldest first."""
    routines = []
    for report, path, name, marker in _reports(results):
        if report.routine is not None:
            session = session_from_report(report, path, name, marker)
            routines.append(RoutineSession.of(report, path, name, session.date, session.date_from))
    return sorted(routines, key=lambda r: (r.date, r.video))


def format_adherence(routines: list[RoutineSession]) -> str:
    """The routines done: per week, and per exercise each time whether its target was met."""
    if not routines:
        return ""
    weeks = ", ".join(f"{monday:%d %b} {full + part}" for monday, full, part in by_week(routines))
    marks = {"done": "+", "partial": "~", "missed": "-"}
    lines = [f"Routines: {adherence_sentence(routines)}", f"  per week (from Monday): {weeks}",
             "  targets met, oldest first (+ met, ~ partly, - missed):"]
    for exercise, history in targets_met(routines).items():
        lines.append(f"    {exercise_title(exercise):<30} {' '.join(marks[status] for _, status in history)}")
    return "\n".join(lines)


# Where a folder run last wrote its reports: `formcheck history` reads it without a folder.
def _state_file() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "formcheck" / "last-results"


def remember_results(results: Path) -> None:
    """Note ``results`` as the folder a folder run wrote last (best effort: never fails the run)."""
    state = _state_file()
    with contextlib.suppress(OSError):
        state.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(state, str(Path(results).resolve()) + "\n")


def last_results() -> Path | None:
    """The folder a folder run wrote last, if it is still there."""
    with contextlib.suppress(OSError):
        folder = Path(_state_file().read_text(encoding="utf-8").strip())
        if folder.is_dir():
            return folder
    return None


def format_table(sessions: list[HistorySession]) -> str:
    """A plain-text table per exercise, oldest session first."""
    if not sessions:
        return "no analysed sessions found"
    blocks = []
    for exercise, group in by_exercise(sessions).items():
        header = ("date", "video", "reps", "holds", "avg hold", "faulty", "fault rates")
        rows = []
        for s in group:
            rates = [f"{fault_title(code, exercise).lower()} {percent(rate)}" for code, rate in s.fault_rates.items()]
            rates += [fault_title(code, exercise).lower() for code in s.session_faults]
            rows.append((s.date.strftime("%Y-%m-%d"), s.video, str(s.rep_count), str(s.hold_count),
                         "-" if s.hold_s is None else f"{s.hold_s:.1f} s",
                         "-" if s.faulty_share is None else percent(s.faulty_share),
                         ", ".join(rates) or "none"))
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
        right = {2, 3, 4, 5}

        def line(cells):
            out = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
            return "  ".join(out + [cells[-1]]).rstrip()

        title = f"{exercise_title(exercise)}: {len(group)} session{'s' if len(group) != 1 else ''}"
        trend = trend_sentence(group)
        blocks.append("\n".join([title, *([trend] if trend else []), line(header), *map(line, rows)]))
    return "\n\n".join(blocks)


