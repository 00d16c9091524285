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


def render_history_html(sessions: list[HistorySession], page_dir: Path, index: Path | None = None) -> str:
    """A self-contained page (Plotly inlined): one plot and one table per exercise.

    Links to the reports (and to ``index``, default ``page_dir/index.html`` if
    it exists) are relative to ``page_dir``, where the page will be saved."""
    sections = [_section(number, exercise, group, page_dir)
                for number, (exercise, group) in enumerate(by_exercise(sessions).items())]
    dates = [s.date for s in sessions]
    index = index if index is not None else (page_dir / "index.html" if (page_dir / "index.html").exists() else None)
    return render(
        "history.html",
        sections=sections,
        count=len(sessions),
        span=f"{day(min(dates))} to {day(max(dates))}" if dates else "",
        index_link=_link(index, page_dir) if index is not None else None,
        plotly_js=plotly_js() if sections else "",
    )


def write_history_html(path: Path, sessions: list[HistorySession], index: Path | None = None) -> None:
    """Render the history page and write it atomically to ``path``."""
    path = Path(path)
    write_text_atomic(path, render_history_html(sessions, path.resolve().parent, index))


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
    """Three plots over the sessions' dates: reps (or holds), average hold, fault rates."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    holds_based = any(s.hold_count for s in group) and not any(s.rep_count for s in group)
    counts = [s.hold_count if holds_based else s.rep_count for s in group]
    x = [s.date for s in group]
    names = [s.video for s in group]
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
                           subplot_titles=("Holds per session" if holds_based else "Reps per session",
                                           f"{_hold_label(group)} (s)", "Reps/holds with the fault (%)"))
    hover = "%{customdata}<br>%{x|%d %b %Y}: %{y}<extra></extra>"
    figure.add_trace(go.Bar(x=x, y=counts, customdata=names, hovertemplate=hover, marker_color="#2a7f8e",
                            text=counts, textposition="outside", cliponaxis=False,
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
            customdata=names, mode="lines+markers", name=fault_title(code, group[0].exercise),
            hovertemplate=rate_hover, line={"color": color, "width": 2.2},
            marker={"size": 9, "symbol": "diamond"}), row=3, col=1)
    figure.update_yaxes(rangemode="tozero", dtick=max(1, math.ceil(max(counts + [1]) / 5)), row=1, col=1)
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


def _link(target: Path, page_dir: Path) -> str:
    return os.path.relpath(Path(target).resolve(), page_dir)


def day(date: dt.datetime) -> str:
    return f"{date.day} {date:%b %Y}"


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _mean(values) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None
