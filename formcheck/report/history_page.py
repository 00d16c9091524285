"""The history page: per exercise, each session's reps, average hold and fault rates over
time, as plots and a table, in one self-contained page.

A *session* is one analysed video (or one recognised exercise of it); ``HistorySession``
holds the figures the page shows, computed from its report (``HistorySession.of``).
Reading sessions from a results folder is ``formcheck.history``'s job.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.fileio import write_text_atomic
from formcheck.report.model import Report
from formcheck.report.pages import FAULT_COLORS, plotly_js, render, script_safe_json
from formcheck.report.words import exercise_title, fault_title

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
    hold_s: float | None              # average time held: at the top of a rep, or a hold's duration
    faulty_share: float | None        # share of reps/holds with any fault; None without any
    fault_rates: dict[str, float] = field(default_factory=dict)  # code -> share of reps/holds it fired in
    session_faults: tuple[str, ...] = ()  # faults about the whole session (missing_side, ...): no rate

    @property
    def html(self) -> Path:
        return self.report.with_suffix(".html")

    @classmethod
    def of(cls, report: Report, path: Path, name: str, date: dt.datetime, date_from: str) -> HistorySession:
        """The history figures of one report (``path`` is where its JSON lies)."""
        units = [*report.reps, *report.holds]
        hold_s = _mean(h.duration_s for h in report.holds) if report.holds else _mean(r.hold_s for r in report.reps)
        rates: dict[str, float] = {}
        if units:
            codes = dict.fromkeys(code for unit in units for code in unit.faults)
            rates = {code: sum(code in u.faults for u in units) / len(units) for code in codes}
        return cls(
            date=date, date_from=date_from, video=name, exercise=report.exercise, report=path,
            rep_count=len(report.reps), hold_count=len(report.holds), hold_s=hold_s,
            faulty_share=sum(1 for u in units if u.faults) / len(units) if units else None,
            fault_rates=rates,
            session_faults=tuple(code for code in report.summary.fault_counts if code not in rates),
        )


@dataclass(frozen=True)
class RoutineSession:
    """One routine done (a report with ``routine``): each exercise's status, for adherence."""

    date: dt.datetime
    date_from: str
    video: str
    report: Path
    name: str
    title: str
    items: tuple[tuple[str, str], ...]  # (exercise, "done" | "partial" | "missed"), in the routine's order

    @property
    def complete(self) -> bool:
        return all(status == "done" for _, status in self.items)

    @property
    def html(self) -> Path:
        return self.report.with_suffix(".html")

    @classmethod
    def of(cls, report: Report, path: Path, name: str, date: dt.datetime, date_from: str) -> RoutineSession:
        routine = report.routine
        return cls(date, date_from, name, path, routine.name, routine.title,
                   tuple((item.exercise, item.status) for item in routine.items))


def by_week(routines: list[RoutineSession]) -> list[tuple[dt.date, int, int]]:
    """(Monday, routines done in full, routines partly done) for every week from the first
    routine's to the last's, empty weeks included (a week missed shows as one)."""
    if not routines:
        return []
    monday = lambda d: (d - dt.timedelta(days=d.weekday())).date()  # noqa: E731
    first, last = monday(min(r.date for r in routines)), monday(max(r.date for r in routines))
    weeks = []
    week = first
    while week <= last:
        these = [r for r in routines if monday(r.date) == week]
        weeks.append((week, sum(r.complete for r in these), sum(not r.complete for r in these)))
        week += dt.timedelta(days=7)
    return weeks


def targets_met(routines: list[RoutineSession]) -> dict[str, list[tuple[dt.datetime, str]]]:
    """Per exercise, in the order first met, its status in each routine done (oldest first)."""
    met: dict[str, list[tuple[dt.datetime, str]]] = {}
    for routine in sorted(routines, key=lambda r: r.date):
        for exercise, status in routine.items:
            met.setdefault(exercise, []).append((routine.date, status))
    return met


def by_exercise(sessions: list[HistorySession]) -> dict[str, list[HistorySession]]:
    groups: dict[str, list[HistorySession]] = {}
    for session in sorted(sessions, key=lambda s: (s.date, s.video)):
        groups.setdefault(session.exercise, []).append(session)
    return dict(sorted(groups.items()))


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
        parts.append(f"{change} reps/holds with a fault ({percent(first.faulty_share)} → {percent(last.faulty_share)})")
    span = f"From {day(first.date)} to {day(last.date)}"
    return f"{span}: " + "; ".join(parts) + "." if parts else ""


def render_history_html(sessions: list[HistorySession], page_dir: Path, index: Path | None = None,
                        routines: list[RoutineSession] = ()) -> str:
    """A self-contained page (Plotly inlined): the routines' adherence (with ``routines``),
    then one plot and one table per exercise.

    Links to the reports (and to ``index``, default ``page_dir/index.html`` if
    it exists) are relative to ``page_dir``, where the page will be saved."""
    sections = [_section(number, exercise, group, page_dir)
                for number, (exercise, group) in enumerate(by_exercise(sessions).items())]
    adherence = _adherence(list(routines), page_dir) if routines else None
    dates = [s.date for s in sessions]
    index = index if index is not None else (page_dir / "index.html" if (page_dir / "index.html").exists() else None)
    return render(
        "history.html",
        sections=sections,
        adherence=adherence,
        count=len(sessions),
        span=f"{day(min(dates))} to {day(max(dates))}" if dates else "",
        index_link=_link(index, page_dir) if index is not None else None,
        plotly_js=plotly_js() if sections or adherence else "",
    )


def write_history_html(path: Path, sessions: list[HistorySession], index: Path | None = None,
                       routines: list[RoutineSession] = ()) -> None:
    """Render the history page and write it atomically to ``path``."""
    path = Path(path)
    write_text_atomic(path, render_history_html(sessions, path.resolve().parent, index, routines))


STATUS_COLORS = {"done": "#2f8f5b", "partial": "#e07a3f", "missed": "#b9bdc1"}


def _adherence(routines: list[RoutineSession], page_dir: Path) -> dict:
    """The routines over time: how many a week, and each exercise's target met or not."""
    routines = sorted(routines, key=lambda r: (r.date, r.video))
    return {
        "figure_json": script_safe_json(_adherence_figure(routines).to_json()),
        "summary": adherence_sentence(routines),
        "rows": [{"date": day(r.date), "title": r.title, "video": r.video,
                  "link": _link(r.html, page_dir) if r.html.exists() else None,
                  "items": [{"title": exercise_title(e), "status": st, "color": STATUS_COLORS[st]}
                            for e, st in r.items]}
                 for r in routines],
    }


def adherence_sentence(routines: list[RoutineSession]) -> str:
    """"5 routines in 3 weeks (2 done in full); targets met: Glute bridge 4 of 5, ..."."""
    weeks = by_week(routines)
    complete = sum(r.complete for r in routines)
    met = ", ".join(f"{exercise_title(e)} {sum(st == 'done' for _, st in v)} of {len(v)}"
                    for e, v in targets_met(routines).items())
    return (f"{len(routines)} routine{'s' if len(routines) != 1 else ''} in {len(weeks)} week"
            f"{'s' if len(weeks) != 1 else ''} ({complete} done in full); targets met: {met}.")


def _adherence_figure(routines: list[RoutineSession]):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    weeks = by_week(routines)
    met = targets_met(routines)
    figure = make_subplots(rows=2, cols=1, vertical_spacing=0.2, row_heights=[0.45, 0.55],
                           subplot_titles=("Routines per week", "Each exercise: target met?"))
    mondays = [dt.datetime.combine(week, dt.time()) for week, _, _ in weeks]
    for value, name, color in ((1, "done in full", STATUS_COLORS["done"]),
                               (2, "partly done", STATUS_COLORS["partial"])):
        figure.add_trace(go.Bar(x=mondays, y=[w[value] for w in weeks], name=name, marker_color=color,
                                hovertemplate="week of %{x|%d %b %Y}: %{y} " + name + "<extra></extra>"), row=1, col=1)
    for status, color in STATUS_COLORS.items():
        points = [(date, exercise_title(e)) for e, history in met.items() for date, st in history if st == status]
        figure.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="markers",
                                    marker={"color": color, "size": 16, "symbol": "square"},
                                    name={"done": "target met", "partial": "partly", "missed": "missed"}[status],
                                    hovertemplate="%{y}, %{x|%d %b %Y}: " + status + "<extra></extra>"), row=2, col=1)
    figure.update_layout(barmode="stack", template="plotly_white", height=460,
                         margin={"l": 190, "r": 20, "t": 40, "b": 40}, bargap=0.5,
                         legend={"orientation": "h", "y": -0.12, "x": 0},
                         font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13,
                               "color": "#33383d"})
    figure.update_yaxes(rangemode="tozero", dtick=1, row=1, col=1)
    figure.update_yaxes(categoryorder="array", categoryarray=[exercise_title(e) for e in reversed(list(met))],
                        row=2, col=1)
    axis = date_axis([r.date for r in routines] + mondays)
    axis.pop("dtick", None)
    figure.update_xaxes(**axis)
    return figure


def _section(number: int, exercise: str, group: list[HistorySession], page_dir: Path) -> dict:
    colors: dict[str, str] = {}
    for session in group:
        for code in session.fault_rates:
            colors.setdefault(code, FAULT_COLORS[len(colors) % len(FAULT_COLORS)])
    return {
        "id": f"history-{number}",
        "title": exercise_title(exercise),
        "trend": trend_sentence(group),
        "has_reps": any(s.rep_count for s in group) or not any(s.hold_count for s in group),
        "has_holds": any(s.hold_count for s in group),
        "hold_label": _hold_label(group),
        "figure_json": script_safe_json(_figure(group, colors).to_json()),
        "rows": [{
            "date": day(s.date) + ("" if s.date_from == FROM_NAME else s.date.strftime(", %H:%M")),
            "date_from": s.date_from,
            "video": s.video,
            "link": _link(s.html, page_dir) if s.html.exists() else None,
            "reps": s.rep_count, "holds": s.hold_count,
            "hold": "—" if s.hold_s is None else f"{s.hold_s:.1f} s",
            "faulty": "—" if s.faulty_share is None else percent(s.faulty_share),
            "faults": [{"title": fault_title(c, exercise), "rate": percent(r), "color": colors[c]}
                       for c, r in s.fault_rates.items()]
                      + [{"title": fault_title(c, exercise), "rate": "", "color": "#9aa0a6"} for c in s.session_faults],
        } for s in group],
    }


def _figure(group: list[HistorySession], colors: dict[str, str]):
    """Up to three plots over the sessions' dates: reps (or holds), average hold, fault rates;
    a plot with nothing to show (no hold timed, no rep or hold to rate) is left out."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    holds_based = any(s.hold_count for s in group) and not any(s.rep_count for s in group)
    counts = [s.hold_count if holds_based else s.rep_count for s in group]
    x = [s.date for s in group]
    names = [s.video for s in group]
    rows = ["counts"] + (["hold"] if any(s.hold_s is not None for s in group) else []) \
        + (["faults"] if any(s.faulty_share is not None for s in group) else [])
    titles = {"counts": "Holds per session" if holds_based else "Reps per session",
              "hold": f"{_hold_label(group)} (s)", "faults": "Reps/holds with the fault (%)"}
    figure = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.09 * 3 / len(rows) / 1.5,
                           subplot_titles=[titles[row] for row in rows])
    row_of = {row: number for number, row in enumerate(rows, start=1)}
    hover = "%{customdata}<br>%{x|%d %b %Y}: %{y}<extra></extra>"
    figure.add_trace(go.Bar(x=x, y=counts, customdata=names, hovertemplate=hover, marker_color="#2a7f8e",
                            text=counts, textposition="outside", cliponaxis=False,
                            name="holds" if holds_based else "reps", showlegend=False), row=1, col=1)
    figure.update_yaxes(rangemode="tozero", dtick=max(1, math.ceil(max(counts + [1]) / 5)), row=1, col=1)
    if "hold" in row_of:
        figure.add_trace(go.Scatter(x=x, y=[s.hold_s for s in group], customdata=names, mode="lines+markers",
                                    hovertemplate="%{customdata}<br>%{x|%d %b %Y}: %{y:.1f} s<extra></extra>",
                                    line={"color": "#3b82c4", "width": 2.2}, marker={"size": 9},
                                    name="average hold", showlegend=False), row=row_of["hold"], col=1)
        figure.update_yaxes(rangemode="tozero", row=row_of["hold"], col=1)
    if "faults" in row_of:
        _fault_traces(figure, group, colors, x, names, row_of["faults"])
    figure.update_xaxes(**date_axis(x))
    figure.update_layout(
        template="plotly_white", height=120 + 170 * len(rows), margin={"l": 55, "r": 20, "t": 40, "b": 40},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#33383d"},
        legend={"orientation": "h", "y": -0.08, "x": 0}, hovermode="closest", bargap=0.6,
    )
    return figure


def _fault_traces(figure, group: list[HistorySession], colors: dict[str, str], x: list, names: list, row: int) -> None:
    import plotly.graph_objects as go

    rate_hover = "%{customdata}<br>%{x|%d %b %Y}: %{y:.0f}%<extra></extra>"
    figure.add_trace(go.Scatter(
        x=x, y=[None if s.faulty_share is None else 100 * s.faulty_share for s in group], customdata=names,
        mode="lines+markers", name="any fault", hovertemplate=rate_hover,
        line={"color": "#6b7177", "width": 2, "dash": "dash"}, marker={"size": 8}), row=row, col=1)
    for code, color in colors.items():
        figure.add_trace(go.Scatter(
            x=x, y=[100 * s.fault_rates.get(code, 0.0) if s.faulty_share is not None else None for s in group],
            customdata=names, mode="lines+markers", name=fault_title(code, group[0].exercise),
            hovertemplate=rate_hover, line={"color": color, "width": 2.2},
            marker={"size": 9, "symbol": "diamond"}), row=row, col=1)
    figure.update_yaxes(range=[-5, 105], row=row, col=1)


DAY = dt.timedelta(days=1)


def date_axis(dates: list[dt.datetime]) -> dict:
    """A date axis that is right for any number of sessions: a single day (or sessions all
    on one day) gets a day either side and a tick per day, never Plotly's hours; longer
    spans a margin of a twentieth either side."""
    low, high = min(dates), max(dates)
    margin = max(DAY if high - low < 2 * DAY else dt.timedelta(hours=12), (high - low) / 20)
    axis = {"type": "date", "range": [low - margin, high + margin], "tickformat": "%d %b %Y"}
    if high - low < 14 * DAY:
        axis["dtick"] = DAY.total_seconds() * 1000  # one tick a day (milliseconds)
    return axis


def _hold_label(group: list[HistorySession]) -> str:
    return "Average hold" if any(s.hold_count for s in group) else "Average time at the top"


def _link(target: Path, page_dir: Path) -> str:
    return os.path.relpath(Path(target).resolve(), page_dir)


def day(date: dt.datetime) -> str:
    return f"{date.day} {date:%b %Y}"


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _mean(values) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None
