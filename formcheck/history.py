"""Progress over time: reps, hold times and fault rates per exercise, session by session.

A *session* is one analysed video: one ``formcheck.report/1`` JSON file in a
results folder (written by ``formcheck analyze DIR --out RESULTS``, or by hand).
Its date is a date written in the video's file or folder name
(``2026-11-18``, ``2026_11_18`` or ``20261118``) if there is one, otherwise the
video file's modification time (kept in the batch marker, since the video may
have moved since).

Per session:

* **reps** and **holds** counted;
* **average hold** in seconds: the mean time held at the top of a rep for
  rep exercises, the mean hold duration for hold exercises;
* **fault rate** per fault code: the share of reps/holds in which it fired,
  and the share with any fault. Faults about the whole session
  (``missing_side``, ``wrong_view``...) are listed but have no rate.

Example::

    sessions = load_sessions(Path("results"))
    print(format_table(sessions))
    write_history_html(Path("results/history.html"), sessions)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from formcheck.fileio import write_text_atomic
from formcheck.report.json_report import SCHEMA

# A calendar date in a file name: 2026-11-18, 2026_11_18, 2026.11.18 or 20261118.
DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")
FROM_NAME, FROM_FILE_TIME = "file name", "file time"


@dataclass(frozen=True)
class HistorySession:
    date: dt.datetime
    date_from: str                    # FROM_NAME or FROM_FILE_TIME
    video: str                        # the video, as named in the results folder
    exercise: str
    report: Path                      # the JSON report
    rep_count: int
    hold_count: int
    hold_s: float | None              # average time held (see module docstring)
    faulty_share: float | None        # share of reps/holds with any fault; None without any
    fault_rates: dict[str, float] = field(default_factory=dict)
    session_faults: tuple[str, ...] = ()

    @property
    def html(self) -> Path:
        return self.report.with_suffix(".html")


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


def session_from_report(report: dict, path: Path, name: str, marker: dict | None = None) -> HistorySession:
    """The history figures of one report (``path`` is where its JSON lies)."""
    reps, holds = list(report.get("reps") or []), list(report.get("holds") or [])
    units = reps + holds
    if holds:
        hold_s = _mean(h.get("duration_s") for h in holds)
    else:
        hold_s = _mean(r.get("hold_s") for r in reps)
    rates: dict[str, float] = {}
    if units:
        codes = dict.fromkeys(code for unit in units for code in unit.get("faults") or [])
        rates = {code: sum(code in (u.get("faults") or []) for u in units) / len(units) for code in codes}
    fired = (report.get("summary") or {}).get("fault_counts") or {}
    source = report.get("source") or ""
    video_path = Path(source) if source else None
    date, date_from = session_date(name, marker, video_path if video_path and video_path.is_absolute() else None,
                                   fallback=path)
    return HistorySession(
        date=date, date_from=date_from, video=name, exercise=report.get("exercise") or "unknown", report=path,
        rep_count=len(reps), hold_count=len(holds), hold_s=hold_s,
        faulty_share=sum(1 for u in units if u.get("faults")) / len(units) if units else None,
        fault_rates=rates, session_faults=tuple(code for code in fired if code not in rates),
    )


def load_sessions(results: Path) -> list[HistorySession]:
    """Every report below ``results`` (hidden folders skipped), oldest first."""
    from formcheck.batch import read_marker

    results = Path(results)
    sessions = []
    for path in sorted(results.rglob("*.json")):
        relative = path.relative_to(results)
        if any(part.startswith(".") for part in relative.parts):
            continue
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(report, dict) or report.get("schema") != SCHEMA:
            continue
        marker = read_marker(results, relative.with_suffix("").as_posix())
        name = (marker or {}).get("video") or report.get("source") or relative.as_posix()
        if date_in_name(name) is None and date_in_name(relative.as_posix()) is not None:
            name = relative.as_posix()  # the report was saved under a dated name
        for part in report.get("segments") or [report]:  # each recognised exercise is a session of its own
            sessions.append(session_from_report(part, path, name, marker))
    sessions.sort(key=lambda s: (s.exercise, s.date, s.video))
    return sessions


def by_exercise(sessions: list[HistorySession]) -> dict[str, list[HistorySession]]:
    groups: dict[str, list[HistorySession]] = {}
    for session in sorted(sessions, key=lambda s: (s.date, s.video)):
        groups.setdefault(session.exercise, []).append(session)
    return dict(sorted(groups.items()))


# --------------------------------------------------------------------------- text


def format_table(sessions: list[HistorySession]) -> str:
    """A plain-text table per exercise, oldest session first."""
    from formcheck.report.html import fault_title

    if not sessions:
        return "no analysed sessions found"
    blocks = []
    for exercise, group in by_exercise(sessions).items():
        header = ("date", "video", "reps", "holds", "avg hold", "faulty", "fault rates")
        rows = []
        for s in group:
            rates = [f"{fault_title(code).lower()} {_percent(rate)}" for code, rate in s.fault_rates.items()]
            rates += [fault_title(code).lower() for code in s.session_faults]
            rows.append((s.date.strftime("%Y-%m-%d"), s.video, str(s.rep_count), str(s.hold_count),
                         "-" if s.hold_s is None else f"{s.hold_s:.1f} s",
                         "-" if s.faulty_share is None else _percent(s.faulty_share),
                         ", ".join(rates) or "none"))
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
        right = {2, 3, 4, 5}

        def line(cells):
            out = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
            return "  ".join(out + [cells[-1]]).rstrip()

        title = f"{_exercise_title(exercise)}: {len(group)} session{'s' if len(group) != 1 else ''}"
        trend = trend_sentence(group)
        blocks.append("\n".join([title, *([trend] if trend else []), line(header), *map(line, rows)]))
    return "\n\n".join(blocks)


def trend_sentence(group: list[HistorySession]) -> str:
    """How the first and the last session compare, in words."""
    if len(group) < 2:
        return ""
    first, last = group[0], group[-1]
    parts = []
    if first.rep_count or last.rep_count:
        parts.append(f"reps {first.rep_count} → {last.rep_count}")
    if first.hold_count or last.hold_count:
        parts.append(f"holds {first.hold_count} → {last.hold_count}")
    if first.hold_s is not None and last.hold_s is not None:
        parts.append(f"average hold {first.hold_s:.1f} s → {last.hold_s:.1f} s")
    if first.faulty_share is not None and last.faulty_share is not None:
        change = ("fewer" if last.faulty_share < first.faulty_share
                  else "more" if last.faulty_share > first.faulty_share else "as many")
        parts.append(f"{change} reps/holds with a fault ({_percent(first.faulty_share)} → {_percent(last.faulty_share)})")
    span = f"From {_day(first.date)} to {_day(last.date)}"
    return f"{span}: " + "; ".join(parts) + "." if parts else ""


# --------------------------------------------------------------------------- HTML


def render_history_html(sessions: list[HistorySession], page_dir: Path, index: Path | None = None) -> str:
    """A self-contained page (Plotly inlined): one plot and one table per exercise.

    Links to the reports (and to ``index``, default ``page_dir/index.html`` if
    it exists) are relative to ``page_dir``, where the page will be saved."""
    from formcheck.batch import templates
    from formcheck.report.html import FAULT_COLORS, fault_title

    sections = []
    for number, (exercise, group) in enumerate(by_exercise(sessions).items()):
        colors = {}
        for session in group:
            for code in session.fault_rates:
                colors.setdefault(code, FAULT_COLORS[len(colors) % len(FAULT_COLORS)])
        sections.append({
            "id": f"history-{number}",
            "title": _exercise_title(exercise),
            "trend": trend_sentence(group),
            "has_reps": any(s.rep_count for s in group) or not any(s.hold_count for s in group),
            "has_holds": any(s.hold_count for s in group),
            "hold_label": _hold_label(group),
            "figure_json": _script_safe_json(_figure(group, colors).to_json()),
            "rows": [{
                "date": _day(s.date) + ("" if s.date_from == FROM_NAME else s.date.strftime(", %H:%M")),
                "date_from": s.date_from,
                "video": s.video,
                "link": _link(s.html, page_dir) if s.html.exists() else None,
                "reps": s.rep_count, "holds": s.hold_count,
                "hold": "—" if s.hold_s is None else f"{s.hold_s:.1f} s",
                "faulty": "—" if s.faulty_share is None else _percent(s.faulty_share),
                "faults": [{"title": fault_title(c), "rate": _percent(r), "color": colors[c]}
                           for c, r in s.fault_rates.items()]
                          + [{"title": fault_title(c), "rate": "", "color": "#9aa0a6"} for c in s.session_faults],
            } for s in group],
        })
    dates = [s.date for s in sessions]
    index = index if index is not None else (page_dir / "index.html" if (page_dir / "index.html").exists() else None)
    return templates().get_template("history.html").render(
        sections=sections,
        count=len(sessions),
        span=f"{_day(min(dates))} to {_day(max(dates))}" if dates else "",
        index_link=_link(index, page_dir) if index is not None else None,
        plotly_js=_plotly_js() if sections else "",
    )


def write_history_html(path: Path, sessions: list[HistorySession], index: Path | None = None) -> None:
    """Render the history page and write it atomically to ``path``."""
    path = Path(path)
    write_text_atomic(path, render_history_html(sessions, path.resolve().parent, index))


def _figure(group: list[HistorySession], colors: dict[str, str]):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from formcheck.report.html import fault_title

    holds_based = any(s.hold_count for s in group) and not any(s.rep_count for s in group)
    x = [s.date for s in group]
    names = [s.video for s in group]
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
                           subplot_titles=("Holds per session" if holds_based else "Reps per session",
                                           f"{_hold_label(group)} (s)", "Reps/holds with the fault (%)"))
    hover = "%{customdata}<br>%{x|%d %b %Y}: %{y}<extra></extra>"
    figure.add_trace(go.Bar(x=x, y=[s.hold_count if holds_based else s.rep_count for s in group],
                            customdata=names, hovertemplate=hover, marker_color="#2a7f8e",
                            text=[s.hold_count if holds_based else s.rep_count for s in group],
                            textposition="outside", cliponaxis=False,
                            name="holds" if holds_based else "reps", showlegend=False), row=1, col=1)
    figure.add_trace(go.Scatter(x=x, y=[s.hold_s for s in group], customdata=names, mode="lines+markers",
                                hovertemplate="%{customdata}<br>%{x|%d %b %Y}: %{y:.1f} s<extra></extra>",
                                line={"color": "#3b82c4", "width": 2.2}, marker={"size": 9},
                                name="average hold", showlegend=False), row=2, col=1)
    rate_hover = "%{customdata}<br>%{x|%d %b %Y}: %{y:.0f}%<extra></extra>"
    figure.add_trace(go.Scatter(
        x=x, y=[None if s.faulty_share is None else 100 * s.faulty_share for s in group], customdata=names,
        mode="lines+markers", name="any fault", hovertemplate=rate_hover,
        line={"color": "#6b7177", "width": 2, "dash": "dash"}, marker={"size": 8}), row=3, col=1)
    for code, color in colors.items():
        figure.add_trace(go.Scatter(
            x=x, y=[100 * s.fault_rates.get(code, 0.0) if s.faulty_share is not None else None for s in group],
            customdata=names, mode="lines+markers", name=fault_title(code), hovertemplate=rate_hover,
            line={"color": color, "width": 2.2}, marker={"size": 9, "symbol": "diamond"}), row=3, col=1)
    most = max([s.hold_count if holds_based else s.rep_count for s in group] + [1])
    figure.update_yaxes(rangemode="tozero", dtick=max(1, math.ceil(most / 5)), row=1, col=1)
    figure.update_yaxes(rangemode="tozero", row=2, col=1)
    figure.update_yaxes(range=[-5, 105], row=3, col=1)
    figure.update_layout(
        template="plotly_white", height=620, margin={"l": 55, "r": 20, "t": 40, "b": 40},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#33383d"},
        legend={"orientation": "h", "y": -0.08, "x": 0}, hovermode="closest", bargap=0.6,
    )
    return figure


def _hold_label(group: list[HistorySession]) -> str:
    return "Average hold" if any(s.hold_count for s in group) else "Average time at the top"


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


def _link(target: Path, page_dir: Path) -> str:
    return os.path.relpath(Path(target).resolve(), page_dir)


def _exercise_title(exercise_id: str) -> str:
    from formcheck.batch import exercise_title
    return exercise_title(exercise_id)


def _script_safe_json(text: str) -> str:
    """JSON that can sit inside a <script> element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _day(date: dt.datetime) -> str:
    return f"{date.day} {date:%b %Y}"


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _mean(values) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None
