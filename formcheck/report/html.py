"""The report page: one self-contained page a person would rather look at than read.

The page opens offline (Plotly's JavaScript is inlined once, or, for the pages of a
folder run, one shared copy beside them is linked; thumbnails are data URIs, no fonts
or scripts are fetched) and holds, top to bottom:

* a summary header: exercise, source and date, reps or holds per side, the
  faults with how often they fired, and a plain-language verdict; what could not be
  judged from the camera's view and any warning (a different exercise seen, ...);
* the annotated video, when one was written beside the page, with a mark at each
  fault moment that jumps to it;
* one interactive angle-over-time plot per measured series, with the threshold
  bands shaded, rep/hold spans tinted and every fault event marked where it fired;
* a table per rep and per hold with its metrics and faults;
* thumbnails of the fault moments with captions;
* a left/right comparison when the exercise has sides;
* the medical disclaimer.

Python prepares plain view data from the typed ``Report``; the Jinja2 templates in
``templates/`` (with autoescaping on) lay it out.

Example:
    >>> html = render_html(report, Timeline.of(result), thumbnails)  # doctest: +SKIP
    >>> write_html("report.html", report, Timeline.of(result), thumbnails)  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import itertools
import math
import numbers
import os
import re
from typing import Any, Iterable, Sequence

from formcheck.fileio import write_text_atomic
from formcheck.report.model import Event, Hold, Rep, Report, Thumbnail
from formcheck.report.pages import FAULT_COLORS, plotly_js, render, script_safe_json
from formcheck.report.timeline import Band, Timeline
from formcheck.report.words import (advice, exercise_title, fault_title, humanize, metric_name, metric_text,
                                    not_judged_text, verdict)

SERIES_COLOR = "#2a7f8e"
SPAN_COLOR = "#2a7f8e"
HOLD_SPAN_COLORS = {"left": "#3b82c4", "right": "#2aa876", None: "#2a7f8e"}
BAND_COLOR = "#e4572e"

UNIT_SUFFIXES = (
    ("_deg", "°"), ("_ratio", "ratio"), ("_pct", "%"), ("_cm", "cm"), ("_px", "px"),
    ("_m", "m"), ("_s", "s"),
)
SIDE_ORDER = ("left", "right")


def render_html(report: Report, timeline: Timeline | None = None, thumbnails: Sequence[Thumbnail] = (),
                date: str | None = None, video: str | None = None, plotly_src: str | None = None) -> str:
    """Render the report page.

    Args:
        report: the report (one part of it, for a video split into exercises).
        timeline: the series to plot; None for no plots.
        thumbnails: fault moments to show.
        date: the date to print; default today.
        video: the annotated video to show, as a link relative to the page (e.g.
            ``"annotated.mp4"``); its times are the report's.
        plotly_src: a shared Plotly script to link (relative to the page) instead of
            inlining Plotly.

    Returns:
        The complete HTML document: self-contained but for the annotated video (and the
        shared Plotly script, when one is given).
    """
    context = _page_context(report, timeline or Timeline(), list(thumbnails), date or _today(), video)
    if plotly_src and context["plotly_js"]:
        context.update(plotly_js="", plotly_src=plotly_src)
    return render("report.html", **context)


def write_html(path: str | os.PathLike, report: Report, timeline: Timeline | None = None,
               thumbnails: Sequence[Thumbnail] = (), date: str | None = None,
               video: str | os.PathLike | None = None, plotly_src: str | None = None) -> None:
    """Render the page and write it to ``path`` atomically (complete or untouched).

    ``video``: the annotated video's path (it is linked relative to the page);
    ``plotly_src``: the link, relative to the page, to the Plotly script a folder run shares
    (``pages.write_plotly_js``, ``pages.plotly_link_below``); without it Plotly is inlined."""
    link = None
    if video is not None:
        link = os.path.relpath(os.path.abspath(video), os.path.dirname(os.path.abspath(path)))
    write_text_atomic(path, render_html(report, timeline, thumbnails, date, link, plotly_src))


# --------------------------------------------------------------------------- page data


def _page_context(report: Report, timeline: Timeline, thumbnails: list[Thumbnail], date: str,
                  video: str | None = None) -> dict:
    reps, holds = report.reps, report.holds
    events = sorted(report.events, key=lambda e: _num(e.t_s, 0.0))
    pose_found = report.pose.frames_with_pose > 0
    faults = _fault_list(report, events)
    colors = {fault["code"]: fault["color"] for fault in faults}
    plots = _plots(timeline, events, colors, _num(report.video.duration_s), report.exercise) if pose_found else []
    comparison = _comparison(reps, holds, report.summary.sides, report.exercise)

    return {
        "title": exercise_title(report.exercise),
        "source": report.source,
        "source_name": os.path.basename(report.source),
        "date": date,
        "video": _video_facts(report),
        "pose_found": pose_found,
        "tallies": _tallies(reps, holds),
        "faults": faults,
        "verdict": verdict(report, with_cue=False),  # the cue is said once, under "What to work on"
        "tone": "none" if not pose_found else ("work" if faults else "good"),
        "no_work": pose_found and not reps and not holds,
        "plots": plots,
        "rep_table": _table(reps, "rep", colors, report.exercise),
        "hold_table": _table(holds, "hold", colors, report.exercise),
        "thumbnails": [_thumbnail(t, colors, report.exercise) for t in sorted(thumbnails, key=lambda t: t.t_s)],
        "comparison": comparison,
        "balance_notes": _balance_notes(report, comparison),
        "plotly_js": plotly_js() if plots else "",
        "warnings": list(report.warnings),
        "not_judged": not_judged_text(report.not_judged, report.exercise),
        "player": _player(video, events, colors, _num(report.video.duration_s), report.exercise) if video else None,
    }


def _player(video: str, events: list[Event], colors: dict[str, str], duration_s: float | None,
            exercise: str) -> dict:
    """The annotated video and a mark per fault moment (its place on a bar as long as the video)."""
    duration = duration_s or max([_num(e.t_s, 0.0) for e in events] + [1.0])
    marks = []
    for e in events:
        t = _num(e.t_s, 0.0)
        marks.append({"t": f"{t:.3f}", "time": _clock(t), "title": fault_title(e.code, exercise),
                      "side": e.side or "", "color": colors.get(e.code, FAULT_COLORS[0]),
                      "left": f"{min(100.0, max(0.0, 100.0 * t / duration)):.2f}"})
    return {"src": video.replace(os.sep, "/"), "marks": marks}


def _today() -> str:
    today = dt.date.today()
    return f"{today.day} {today:%B %Y}"


def _video_facts(report: Report) -> list[str]:
    video, facts = report.video, []
    duration = _num(video.duration_s)
    if duration is not None:
        facts.append(f"{_duration_text(duration)} of video")
    if video.width and video.height:
        facts.append(f"{video.width}×{video.height}")
    fps = _num(video.fps)
    if fps:
        facts.append(f"{fps:g} fps")
    if video.frames:
        facts.append(f"body tracked in {100.0 * report.pose.frames_with_pose / video.frames:.0f}% of frames")
    return facts


def _tallies(reps: list[Rep], holds: list[Hold]) -> list[dict]:
    """Big-number tiles: reps (per side if sided) and holds per side with time held."""
    tallies = []
    if reps:
        by_side = _group_by_side(reps)
        if set(by_side) == {None}:
            tallies.append({"value": len(reps), "label": "rep" if len(reps) == 1 else "reps", "detail": ""})
        else:
            for side, items in by_side.items():
                tallies.append({
                    "value": len(items),
                    "label": f"{'rep' if len(items) == 1 else 'reps'}",
                    "detail": (side or "no side").capitalize(),
                })
    top_times = _mean(r.hold_s for r in reps)
    if top_times is not None:
        tallies.append({"value": f"{top_times:.1f} s", "label": "average time at the top", "detail": ""})
    for side, items in _group_by_side(holds).items():
        held = sum(_num(h.duration_s, 0.0) for h in items)
        tallies.append({
            "value": len(items),
            "label": "hold" if len(items) == 1 else "holds",
            "detail": f"{(side or 'both sides').capitalize()} · {held:.0f} s held",
        })
    return tallies


def _fault_list(report: Report, events: list[Event]) -> list[dict]:
    """Each fault that fired, with its count, advice, colour and where it happened."""
    reps, holds = report.reps, report.holds
    counts = dict(report.summary.fault_counts)
    faults = []
    for number, (code, count) in enumerate(counts.items()):
        where = []
        affected_reps = [str(r.index) for r in reps if code in r.faults]
        affected_holds = [_hold_name(h, i) for i, h in enumerate(holds, 1) if code in h.faults]
        if affected_reps:
            where.append(("rep " if len(affected_reps) == 1 else "reps ") + ", ".join(affected_reps))
        if affected_holds:
            where.append(", ".join(affected_holds))
        message = next((e.message for e in events if e.code == code and e.message), "")
        faults.append({
            "code": code,
            "title": fault_title(code, report.exercise),
            "count": count,
            "message": message,
            "advice": advice(code, message, report.exercise),
            "where": "; ".join(where),
            "color": FAULT_COLORS[number % len(FAULT_COLORS)],
        })
    faults.sort(key=lambda f: -f["count"])
    return faults


def _table(items: list[Rep] | list[Hold], kind: str, colors: dict[str, str], exercise: str) -> dict | None:
    if not items:
        return None
    metric_keys: dict[str, None] = {}
    for item in items:
        for key in item.metrics:
            metric_keys.setdefault(key)
    has_side = any(item.side for item in items)
    # a rep's time at the top, for the exercises that have one (a bridge, not a squat)
    has_time = kind == "hold" or any(_num(item.hold_s) is not None for item in items)
    columns = ["Rep" if kind == "rep" else "Hold"]
    columns += ["Side"] if has_side else []
    columns += ["Start", "End"]
    columns += (["Held at top"] if kind == "rep" else ["Held for"]) if has_time else []
    columns += [metric_label(key) for key in metric_keys]

    rows = []
    for number, item in enumerate(items, start=1):
        time_held = item.hold_s if isinstance(item, Rep) else item.duration_s
        cells = [str(item.index if isinstance(item, Rep) else number)]
        cells += [(item.side or "—").capitalize()] if has_side else []
        cells += [_clock(item.start_s), _clock(item.end_s)] + ([_seconds(time_held)] if has_time else [])
        cells += [_metric_value(key, item.metrics.get(key)) for key in metric_keys]
        rows.append({
            "cells": cells,
            "faults": [{"code": c, "title": fault_title(c, exercise), "color": colors.get(c, FAULT_COLORS[0])}
                       for c in item.faults],
        })
    return {"columns": columns, "rows": rows}


def _thumbnail(thumb: Thumbnail, colors: dict[str, str], exercise: str) -> dict:
    return {
        "t": f"{thumb.t_s:.3f}",
        "src": "data:image/jpeg;base64," + base64.b64encode(thumb.jpeg).decode("ascii"),
        "time": _clock(thumb.t_s),
        "title": fault_title(thumb.code, exercise) if thumb.code else "Moment",
        "color": colors.get(thumb.code, FAULT_COLORS[0]),
    }


# --------------------------------------------------------------------------- left / right


def _comparison(reps: list[Rep], holds: list[Hold], sides_seen: list[str], exercise: str) -> dict | None:
    """Side-by-side figures when reps or holds carry a side."""
    sides = [s for s in SIDE_ORDER if s in sides_seen]
    if not sides:
        return None
    shown = list(SIDE_ORDER)  # always show both, so a missing side stands out

    rows = []
    if any(r.side for r in reps):
        rows.append(_side_row("Reps", shown, lambda s: str(sum(1 for r in reps if r.side == s))))
        rows.append(_side_row("Average time at top", shown, lambda s: _seconds(
            _mean(r.hold_s for r in reps if r.side == s))))
    if any(h.side for h in holds):
        rows.append(_side_row("Holds", shown, lambda s: str(sum(1 for h in holds if h.side == s))))
        rows.append(_side_row("Total time held", shown, lambda s: _seconds(
            _sum(h.duration_s for h in holds if h.side == s))))
    sided = [i for i in [*reps, *holds] if i.side]
    metric_keys: dict[str, None] = {}
    for item in sided:
        for key in item.metrics:
            metric_keys.setdefault(key)
    for key in metric_keys:
        rows.append(_side_row(f"{metric_label(key)} (average)", shown, lambda s, key=key: _metric_value(
            key, _mean(i.metrics.get(key) for i in sided if i.side == s))))
    rows.append(_side_row("Faults", shown, lambda s: ", ".join(
        sorted({fault_title(c, exercise) for i in sided if i.side == s for c in i.faults})) or "none"))

    missing = [s for s in SIDE_ORDER if s not in sides]
    note = ""
    if missing:
        note = (f"Only the {sides[0]} side was recorded — remember to do the "
                f"{missing[0]} side too, so both get the same work.")
    return {"sides": [s.capitalize() for s in shown], "rows": rows, "note": note}


def _balance_notes(report: Report, comparison: dict | None) -> list[str]:
    """The report's left/right notes, but none about a side not done at all: the
    comparison's note already says so ("Only the right side was recorded ...")."""
    notes = list(report.balance.notes) if report.balance is not None else []
    if comparison and comparison["note"]:
        missing = [s for s in SIDE_ORDER if s.capitalize() in comparison["sides"] and s not in report.summary.sides]
        notes = [n for n in notes if not any(n.startswith((f"The {side} side", f"{side.capitalize()} side:"))
                                             for side in missing)]
    return notes


def _side_row(label: str, sides: Sequence[str], value_of) -> dict:
    return {"label": label, "cells": [value_of(side) for side in sides]}


# --------------------------------------------------------------------------- plots


def _plots(timeline: Timeline, events: list[Event], colors: dict[str, str], duration_s: float | None,
           exercise: str) -> list[dict]:
    times = [_num(t) for t in timeline.t_s]
    plots = []
    for key, values in timeline.series.items():
        values = [_num(v) for v in values]
        if not any(v is not None for v in values) or not times:
            continue
        label = re.sub(r"\(deg\b", "(°", timeline.labels.get(key) or metric_label(key))
        bands = timeline.bands.get(key) or []
        rest = _resting_value(times, values, timeline)
        goals = [b for b in bands if _contains(b, rest)]
        figure = _series_figure(key, label, times, values, bands, goals, events, colors, timeline, duration_s,
                                exercise)
        plots.append({
            "id": f"plot-{len(plots)}",
            "key": key,
            "label": label,
            "bands": [_band_text(b, key, b in goals, label) for b in bands],
            "figure_json": script_safe_json(figure.to_json()),
        })
    return plots


def _series_figure(key: str, label: str, times: list, values: list, bands: list[Band], goals: list[Band],
                   events: list[Event], colors: dict[str, str], timeline: Timeline, duration_s: float | None,
                   exercise: str):
    """One series over time: threshold bands (``goals``, the bands the resting position lies
    in, as a line to reach instead), rep and hold spans, the curve, and a marker where each
    fault fired."""
    import plotly.graph_objects as go  # imported here: heavy, and only needed for plots

    n = min(len(times), len(values))
    times, values = times[:n], values[:n]
    low, high = _y_range(values, bands)
    figure = go.Figure()
    _shade_bands(figure, [b for b in bands if b not in goals], colors, low, high)
    _goal_lines(figure, goals, colors)
    _shade_spans(figure, timeline)
    figure.add_trace(go.Scatter(
        x=times, y=values, mode="lines", name=label, connectgaps=False, showlegend=False,  # the caption names it
        line={"color": SERIES_COLOR, "width": 2.2},
        hovertemplate=f"%{{x:.1f}} s · %{{y:.{2 if _unit(key) == 'ratio' else 1}f}}{_series_unit(key, label)}"
                      "<extra></extra>",
    ))
    _mark_faults(figure, events, colors, times, values, low, high, exercise)
    x_end = max([t for t in times if t is not None] + [_num(duration_s, 0.0) or 0.0])
    figure.update_layout(
        template="plotly_white",
        height=340,
        margin={"l": 60, "r": 20, "t": 34, "b": 40},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#33383d"},
        xaxis={"title": {"text": "Time (s)"}, "range": [0, x_end], "zeroline": False},
        yaxis={"title": {"text": _axis_title(label, _unit(key))}, "range": [low, high], "zeroline": False},
        legend={"orientation": "h", "y": -0.22, "x": 0, "font": {"size": 12}},
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "font": {"size": 13}},
        showlegend=True,
        plot_bgcolor="white",
    )
    return figure


def _shade_bands(figure, bands: list[Band], colors: dict[str, str], low: float, high: float) -> None:
    for band in bands:
        y0, y1 = _num(band.min), _num(band.max)
        figure.add_hrect(
            y0=low if y0 is None else max(y0, low), y1=high if y1 is None else min(y1, high),
            fillcolor=colors.get(band.code, BAND_COLOR), line_width=0, layer="below",
            opacity=0.13 if band.code in colors else 0.06,
            annotation_text=band.label, annotation_position="top right" if y1 is None else "bottom right",
            annotation_font={"size": 11, "color": "#8a3b2a"},
        )


def _goal_lines(figure, goals: list[Band], colors: dict[str, str]) -> None:
    """A band the resting position lies in (e.g. "hips not high enough": below -25°) is a
    fault only when a rep's top stops there; shading it would paint every rest as a fault,
    so its edge is drawn as the line each rep should reach."""
    for band in goals:
        edge = _num(band.max) if _num(band.max) is not None else _num(band.min)
        if edge is None:
            continue
        figure.add_hline(
            y=edge, line={"color": colors.get(band.code, BAND_COLOR), "width": 1.6, "dash": "dash"},
            annotation_text=f"{band.label}: {'below' if _num(band.max) is not None else 'above'} this line",
            annotation_position="bottom right",
            annotation_font={"size": 11, "color": "#8a3b2a"},
        )


def _resting_value(times: list, values: list, timeline: Timeline) -> float | None:
    """The series' median outside the reps and holds (all of it when there are none): where
    the body rests between them."""
    spans = sorted([(a, b) for a, b in timeline.reps] + [(a, b) for a, b, _ in timeline.holds])
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # the furthest end of the spans so far

    def inside(t: float) -> bool:  # in some span a <= t <= b (a bisection: a long video has thousands)
        i = bisect.bisect_right(starts, t) - 1
        return i >= 0 and reach[i] >= t

    outside = [v for t, v in zip(times, values) if v is not None and t is not None and not inside(t)]
    chosen = outside or [v for v in values if v is not None]
    if not chosen:
        return None
    chosen = sorted(chosen)
    return chosen[len(chosen) // 2]


def _contains(band: Band, value: float | None) -> bool:
    low, high = _num(band.min), _num(band.max)
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _shade_spans(figure, timeline: Timeline) -> None:
    """A shaded span and its label per rep and hold, added at once (``add_vrect`` copies every
    shape so far on each call: minutes for the thousand reps of a long video)."""
    spans = [(start, end, SPAN_COLOR, 0.07, f"Rep {number}")
             for number, (start, end) in enumerate(timeline.reps, start=1)]
    spans += [(start, end, HOLD_SPAN_COLORS.get(side, SPAN_COLOR), 0.08, f"Hold · {side}" if side else "Hold")
              for start, end, side in timeline.holds]
    if not spans:
        return
    shapes = [{"type": "rect", "x0": start, "x1": end, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
               "fillcolor": color, "opacity": opacity, "line": {"width": 0}, "layer": "below"}
              for start, end, color, opacity, _ in spans]
    labels = [{"text": text, "x": start, "xref": "x", "y": 1, "yref": "y domain", "xanchor": "left",
               "yanchor": "top", "showarrow": False, "font": {"size": 10, "color": "#2a5f69"}}
              for start, _, _, _, text in spans]
    figure.layout.shapes = figure.layout.shapes + tuple(shapes)
    figure.layout.annotations = figure.layout.annotations + tuple(labels)


def _mark_faults(figure, events: list[Event], colors: dict[str, str], times: list, values: list,
                 low: float, high: float, exercise: str) -> None:
    import plotly.graph_objects as go

    by_code: dict[str, list[Event]] = {}
    for event in events:
        by_code.setdefault(event.code, []).append(event)
    for code, code_events in by_code.items():
        color = colors.get(code, FAULT_COLORS[0])
        title = fault_title(code, exercise)
        xs, ys, texts = [], [], []
        for event in code_events:
            y = _value_at(times, values, event.t_s)
            xs.append(event.t_s)
            ys.append(high - 0.06 * (high - low) if y is None else y)
            side = f" ({event.side})" if event.side else ""
            texts.append(f"<b>{_clock(event.t_s)} · {title}{side}</b><br>{event.message}")
            figure.add_vline(x=event.t_s, line={"color": color, "width": 1.5, "dash": "dot"})
        figure.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=f"⚠ {title}",
            marker={"color": color, "size": 12, "symbol": "diamond", "line": {"color": "white", "width": 1.5}},
            hovertext=texts, hoverinfo="text", meta={"fault_code": code},
        ))


def _y_range(values: list[float | None], bands: list[Band]) -> tuple[float, float]:
    finite = [v for v in values if v is not None]
    edges = [e for b in bands for e in (_num(b.min), _num(b.max)) if e is not None]
    low, high = min(finite + edges), max(finite + edges)
    pad = max(2.0, 0.12 * (high - low))
    return low - pad, high + pad


def _value_at(times: list[float | None], values: list[float | None], t: float) -> float | None:
    """The series value nearest in time to ``t`` (None if that sample is missing)."""
    best, best_gap = None, math.inf
    for time, value in zip(times, values):
        if time is not None and abs(time - t) < best_gap:
            best, best_gap = value, abs(time - t)
    return best


def _band_text(band: Band, key: str, goal: bool = False, label: str = "") -> str:
    unit = _series_unit(key, label)
    low, high = _num(band.min), _num(band.max)
    if goal and (low is None) != (high is None):  # a line to reach, not a range to stay out of
        return (f"{band.label} if the curve stays {'below' if low is None else 'above'} the dashed line at "
                f"{(high if low is None else low):g}{unit}")
    if low is not None and high is not None:
        span = f"{low:g}{unit} to {high:g}{unit}"
    elif low is not None:
        span = f"above {low:g}{unit}"
    elif high is not None:
        span = f"below {high:g}{unit}"
    else:
        span = "anywhere"
    return f"{band.label}: {span}"


# --------------------------------------------------------------------------- formatting


def metric_label(key: str) -> str:
    """A readable column name for a metric key: its plain words ("peak_hip_extension_deg" ->
    "Hips at the top", whose values carry their units), else the key written out with its
    unit ("peak_knee_deg" -> "Peak knee (°)")."""
    plain = metric_name(key)
    if plain:
        return plain
    unit = _unit(key)
    base = key
    for suffix, name in UNIT_SUFFIXES:
        if key.endswith(suffix) and name == unit:
            base = key[: -len(suffix)]
            break
    text = humanize(base)
    return f"{text} ({unit})" if unit else text


def _unit(key: str) -> str:
    for suffix, name in UNIT_SUFFIXES:
        if key.endswith(suffix):
            return name
    return ""


def _unit_suffix(unit: str) -> str:
    if unit in ("°", "%"):
        return unit
    return f" {unit}" if unit and unit != "ratio" else ""


def _series_unit(key: str, label: str) -> str:
    """The unit written after a plotted value: "°", "%", " s", or for a ratio the unit its
    label names ("Hip height (shin lengths)" -> " shin lengths")."""
    unit = _unit(key)
    if unit == "ratio":
        named = re.search(r"\(([^()]+)\)\s*$", label)
        return f" {named.group(1)}" if named else "×"
    return _unit_suffix(unit)


def _axis_title(label: str, unit: str) -> str:
    already_has_unit = label.rstrip().endswith(")") or unit in label
    return label if (not unit or already_has_unit) else f"{label} ({unit})"


def _metric_value(key: str, value: Any) -> str:
    number = _num(value)
    if number is None:
        return "—" if value is None else _plain_value(value)
    plain = metric_text(key, number)
    if plain:
        return plain
    unit = _unit(key)
    if unit == "ratio":
        return f"{number:.2f}×"
    return f"{number:.1f}{_unit_suffix(unit)}"


def _plain_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = _num(value)
    if number is not None:
        return f"{number:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain_value(v) for v in value)
    return str(value)


def _num(value: Any, default: float | None = None) -> float | None:
    """``value`` as a finite float, else ``default`` (None, NaN, text and bools are not numbers)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
        if math.isfinite(value):
            return value
    return default


def _clock(seconds: Any) -> str:
    value = _num(seconds)
    if value is None:
        return "—"
    minutes, rest = divmod(value, 60.0)
    return f"{int(minutes)}:{rest:04.1f}"


def _duration_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.0f} s"


def _seconds(seconds: Any) -> str:
    value = _num(seconds)
    return "—" if value is None else f"{value:.1f} s"


def _mean(values: Iterable[Any]) -> float | None:
    numbers_ = [v for v in (_num(x) for x in values) if v is not None]
    return sum(numbers_) / len(numbers_) if numbers_ else None


def _sum(values: Iterable[Any]) -> float | None:
    numbers_ = [v for v in (_num(x) for x in values) if v is not None]
    return sum(numbers_) if numbers_ else None


def _group_by_side(items: list[Rep] | list[Hold]) -> dict[str | None, list]:
    groups: dict[str | None, list] = {}
    for side in (*SIDE_ORDER, None):
        members = [i for i in items if i.side == side]
        if members:
            groups[side] = members
    return groups


def _hold_name(hold: Hold, number: int) -> str:
    return f"{hold.side} hold" if hold.side else f"hold {number}"
