"""The HTML report: one self-contained page a person would rather look at than read.

The page opens offline (Plotly's JavaScript is inlined once, thumbnails are
data URIs, no fonts or scripts are fetched) and holds, top to bottom:

* a summary header: exercise, source and date, reps or holds per side, the
  faults with how often they fired, and a plain-language verdict;
* one interactive angle-over-time plot per measured series, with the threshold
  bands shaded, rep/hold spans tinted and every fault event marked where it fired;
* a table per rep and per hold with its metrics and faults;
* thumbnails of the fault moments with captions;
* a left/right comparison when the exercise has sides;
* the medical disclaimer.

Python prepares plain view data; the Jinja2 templates in ``templates/`` (with
autoescaping on) lay it out.

Example:
    >>> html = render_html(report, timeline, thumbnails)  # doctest: +SKIP
    >>> write_html("report.html", report, timeline, thumbnails)  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
import numbers
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import jinja2

from formcheck.fileio import write_text_atomic

TEMPLATE_DIR = Path(__file__).with_name("templates")

# Warm, print-friendly colours handed to fault codes in order of appearance.
FAULT_COLORS = ("#d9534f", "#e08e2b", "#8e5bb5", "#c2185b", "#6d4c41", "#b8860b", "#5c6bc0")
SERIES_COLOR = "#2a7f8e"
SPAN_COLOR = "#2a7f8e"
HOLD_SPAN_COLORS = {"left": "#3b82c4", "right": "#2aa876", None: "#2a7f8e"}
BAND_COLOR = "#e4572e"

UNIT_SUFFIXES = (
    ("_deg", "°"), ("_ratio", "ratio"), ("_pct", "%"), ("_cm", "cm"), ("_px", "px"),
    ("_m", "m"), ("_s", "s"),
)
SIDE_ORDER = ("left", "right")

PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def render_html(report: dict, timeline: dict, thumbnails: list[dict]) -> str:
    """Render the report page.

    Args:
        report: a ``formcheck.report/1`` dict, optionally with ``verdict`` (str),
            ``exercise_title`` (str) and ``balance`` (dict) added.
        timeline: ``{"t_s": [...], "series": {key: [...]}, "labels": {key: str},
            "bands": {key: [{"label", "min", "max", "code"}]}, "reps": [[start, end]],
            "holds": [[start, end, side]]}``; values may be ``None`` where unmeasured.
        thumbnails: ``[{"t_s", "code", "message", "jpeg": bytes}]`` fault frames.

    Returns:
        The complete, self-contained HTML document.
    """
    context = _page_context(report, timeline or {}, thumbnails or [])
    return _environment().get_template("report.html").render(**context)


def write_html(path: str | os.PathLike, report: dict, timeline: dict, thumbnails: list[dict]) -> None:
    """Render the page and write it to ``path`` atomically (complete or untouched)."""
    write_text_atomic(path, render_html(report, timeline, thumbnails))


# --------------------------------------------------------------------------- page data


def _page_context(report: dict, timeline: dict, thumbnails: list[dict]) -> dict:
    reps = list(report.get("reps") or [])
    holds = list(report.get("holds") or [])
    events = sorted(report.get("events") or [], key=lambda e: _num(e.get("t_s"), 0.0))
    summary = report.get("summary") or {}
    video = report.get("video") or {}
    pose = report.get("pose") or {}

    pose_found = _pose_found(pose, video)
    faults = _fault_list(summary, events, reps, holds)
    colors = {fault["code"]: fault["color"] for fault in faults}
    plots = _plots(timeline, events, colors, _num(video.get("duration_s"))) if pose_found else []

    return {
        "title": _exercise_title(report),
        "source": report.get("source") or "",
        "source_name": Path(str(report.get("source") or "")).name,
        "date": _report_date(report),
        "video": _video_facts(video, pose),
        "pose_found": pose_found,
        "tallies": _tallies(reps, holds),
        "faults": faults,
        "verdict": _verdict(report, reps, holds, faults, pose_found),
        "tone": "none" if not pose_found else ("work" if faults else "good"),
        "no_work": pose_found and not reps and not holds,
        "plots": plots,
        "rep_table": _table(reps, "rep", colors),
        "hold_table": _table(holds, "hold", colors),
        "thumbnails": [_thumbnail(t, colors) for t in sorted(thumbnails, key=lambda t: _num(t.get("t_s"), 0.0))],
        "comparison": _comparison(reps, holds, summary),
        "balance_rows": _balance_rows(report.get("balance")),
        "balance_notes": _balance_notes(report.get("balance")),
        "plotly_js": _plotly_js() if plots else "",
        "plotly_config": PLOTLY_CONFIG,
    }


def _exercise_title(report: dict) -> str:
    return report.get("exercise_title") or _humanize(report.get("exercise") or "Exercise")


def _report_date(report: dict) -> str:
    for key in ("created_at", "created", "date"):
        if report.get(key):
            return str(report[key])
    today = dt.date.today()
    return f"{today.day} {today:%B %Y}"


def _pose_found(pose: dict, video: dict) -> bool:
    frames_with_pose = pose.get("frames_with_pose")
    return frames_with_pose is None or frames_with_pose > 0


def _video_facts(video: dict, pose: dict) -> list[str]:
    facts = []
    duration = _num(video.get("duration_s"))
    if duration is not None:
        facts.append(f"{_duration_text(duration)} of video")
    if video.get("width") and video.get("height"):
        facts.append(f"{video['width']}×{video['height']}")
    fps = _num(video.get("fps"))
    if fps:
        facts.append(f"{fps:g} fps")
    frames, seen = video.get("frames"), pose.get("frames_with_pose")
    if frames and seen is not None:
        facts.append(f"body tracked in {100.0 * seen / frames:.0f}% of frames")
    return facts


def _tallies(reps: list[dict], holds: list[dict]) -> list[dict]:
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
    top_times = _mean(r.get("hold_s") for r in reps)
    if top_times is not None:
        tallies.append({"value": f"{top_times:.1f} s", "label": "average time at the top", "detail": ""})
    for side, items in _group_by_side(holds).items():
        held = sum(_num(h.get("duration_s"), 0.0) for h in items)
        tallies.append({
            "value": len(items),
            "label": "hold" if len(items) == 1 else "holds",
            "detail": f"{(side or 'both sides').capitalize()} · {held:.0f} s held",
        })
    return tallies


def _fault_list(summary: dict, events: list[dict], reps: list[dict], holds: list[dict]) -> list[dict]:
    """Each fault that fired, with its count, advice, colour and where it happened."""
    counts: dict[str, int] = dict(summary.get("fault_counts") or {})
    for event in events:  # tolerate a summary that forgot a code
        counts.setdefault(event.get("code"), 0)
    for item in reps + holds:
        for code in item.get("faults") or []:
            counts.setdefault(code, 0)
    counts.pop(None, None)

    faults = []
    for number, (code, count) in enumerate(counts.items()):
        where = []
        affected_reps = [str(r.get("index", i)) for i, r in enumerate(reps, 1) if code in (r.get("faults") or [])]
        affected_holds = [_hold_name(h, i) for i, h in enumerate(holds, 1) if code in (h.get("faults") or [])]
        if affected_reps:
            where.append(("rep " if len(affected_reps) == 1 else "reps ") + ", ".join(affected_reps))
        if affected_holds:
            where.append(", ".join(affected_holds))
        message = next((e.get("message") for e in events if e.get("code") == code and e.get("message")), "")
        faults.append({
            "code": code,
            "title": fault_title(code),
            "count": count or sum(1 for e in events if e.get("code") == code) or 1,
            "message": message,
            "advice": _advice(code, message),
            "where": "; ".join(where),
            "color": FAULT_COLORS[number % len(FAULT_COLORS)],
        })
    faults.sort(key=lambda f: -f["count"])
    return faults


def fault_title(code: str, exercise_id: str | None = None) -> str:
    """A fault's short title as its exercise declares it ("hips_too_high" -> "Hips too high");
    without an exercise, the first exercise declaring the code; an unknown code is
    title-cased from its id."""
    titles = _fault_titles()
    return titles.get((exercise_id, code)) or titles.get((None, code)) or _humanize(code)


@functools.lru_cache(maxsize=1)
def _fault_titles() -> dict[tuple[str | None, str], str]:
    from formcheck.exercises import EXERCISES
    titles: dict[tuple[str | None, str], str] = {}
    for ex in EXERCISES.values():
        for fault in ex.faults():
            titles[(ex.id, fault.code)] = fault.title
            titles.setdefault((None, fault.code), fault.title)
    return titles


def _advice(code: str, message: str) -> str:
    """The cue without a leading restatement of the fault's title ("Hips too high — stop when…")."""
    for title in {fault_title(code), _humanize(code)}:
        head, sep, rest = message.partition(" — ")
        if sep and head.strip().lower() == title.lower() and rest:
            return rest[:1].upper() + rest[1:]
    return message


def _verdict(report: dict, reps: list[dict], holds: list[dict], faults: list[dict], pose_found: bool) -> str:
    if report.get("verdict"):
        return str(report["verdict"])
    if not pose_found:
        return ("We couldn't see a person clearly in this video, so there is no feedback this time. "
                "Try again with your whole body in view, in good light.")
    if not reps and not holds:
        return ("No reps or holds were counted in this video. Check that the whole movement is in view "
                "and that the camera is set up the way the exercise needs.")
    done = _work_phrase(reps, holds)
    if not faults:
        return f"Nice work! {done[:1].upper() + done[1:]}, all with good form — nothing to correct."
    tip = (faults[0]["message"] or faults[0]["title"]).rstrip(". ")
    clean = sum(1 for item in reps + holds if not item.get("faults"))
    praise = f", {clean} of them spot on" if clean else ""
    return f"Good effort: {done}{praise}. The main thing to work on: {tip[:1].lower() + tip[1:]}."


def _work_phrase(reps: list[dict], holds: list[dict]) -> str:
    parts = []
    if reps:
        parts.append(f"{len(reps)} rep{'s' if len(reps) != 1 else ''} done")
    if holds:
        parts.append(f"{len(holds)} hold{'s' if len(holds) != 1 else ''} done")
    return " and ".join(parts)


def _table(items: list[dict], kind: str, colors: dict[str, str]) -> dict | None:
    if not items:
        return None
    metric_keys: dict[str, None] = {}
    for item in items:
        for key in item.get("metrics") or {}:
            metric_keys.setdefault(key)
    has_side = any(item.get("side") for item in items)
    columns = ["Rep" if kind == "rep" else "Hold"]
    columns += ["Side"] if has_side else []
    columns += ["Start", "End"]
    columns += ["Held at top"] if kind == "rep" else ["Held for"]
    columns += [metric_label(key) for key in metric_keys]

    rows = []
    for number, item in enumerate(items, start=1):
        time_held = item.get("hold_s") if kind == "rep" else item.get("duration_s")
        cells = [str(item.get("index", number))]
        cells += [(item.get("side") or "—").capitalize()] if has_side else []
        cells += [_clock(item.get("start_s")), _clock(item.get("end_s")), _seconds(time_held)]
        cells += [_metric_value(key, (item.get("metrics") or {}).get(key)) for key in metric_keys]
        rows.append({
            "cells": cells,
            "faults": [{"code": c, "title": fault_title(c), "color": colors.get(c, FAULT_COLORS[0])}
                       for c in item.get("faults") or []],
        })
    return {"columns": columns, "rows": rows}


def _thumbnail(thumb: dict, colors: dict[str, str]) -> dict:
    data = bytes(thumb.get("jpeg") or b"")
    code = thumb.get("code") or ""
    return {
        "src": "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii"),
        "time": _clock(thumb.get("t_s")),
        "title": fault_title(code) if code else "Moment",
        "message": _advice(code, thumb.get("message") or ""),
        "color": colors.get(code, FAULT_COLORS[0]),
    }


# --------------------------------------------------------------------------- left / right


def _comparison(reps: list[dict], holds: list[dict], summary: dict) -> dict | None:
    """Side-by-side figures when reps or holds carry a side."""
    sides = [s for s in SIDE_ORDER if any(i.get("side") == s for i in reps + holds)]
    sides += [s for s in summary.get("sides") or [] if s not in sides and s in SIDE_ORDER]
    if not sides:
        return None
    shown = list(SIDE_ORDER)  # always show both, so a missing side stands out

    rows = []
    if any(r.get("side") for r in reps):
        rows.append(_side_row("Reps", shown, lambda s: str(sum(1 for r in reps if r.get("side") == s))))
        rows.append(_side_row("Average time at top", shown, lambda s: _seconds(
            _mean(r.get("hold_s") for r in reps if r.get("side") == s))))
    if any(h.get("side") for h in holds):
        rows.append(_side_row("Holds", shown, lambda s: str(sum(1 for h in holds if h.get("side") == s))))
        rows.append(_side_row("Total time held", shown, lambda s: _seconds(
            _sum(h.get("duration_s") for h in holds if h.get("side") == s))))
    sided = [i for i in reps + holds if i.get("side")]
    metric_keys: dict[str, None] = {}
    for item in sided:
        for key in item.get("metrics") or {}:
            metric_keys.setdefault(key)
    for key in metric_keys:
        rows.append(_side_row("Average " + metric_label(key)[:1].lower() + metric_label(key)[1:], shown, lambda s, key=key: _metric_value(
            key, _mean((i.get("metrics") or {}).get(key) for i in sided if i.get("side") == s))))
    rows.append(_side_row("Faults", shown, lambda s: ", ".join(
        sorted({fault_title(c) for i in sided if i.get("side") == s for c in i.get("faults") or []})) or "none"))

    missing = [s for s in SIDE_ORDER if s not in sides]
    note = ""
    if missing:
        note = (f"Only the {sides[0]} side was recorded — remember to do the "
                f"{missing[0]} side too, so both get the same work.")
    return {"sides": [s.capitalize() for s in shown], "rows": rows, "note": note}


def _side_row(label: str, sides: Sequence[str], value_of) -> dict:
    return {"label": label, "cells": [value_of(side) for side in sides]}


def _balance_rows(balance: Any) -> list[dict]:
    """Flatten an optional ``balance`` dict (shape chosen by its producer) into label/value rows.

    Prose (sentences) is left to :func:`_balance_notes`.
    """
    if not isinstance(balance, dict):
        return []
    rows = []

    def visit(label: str, value: Any, unit_key: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                key = str(key)
                inner_unit_key = unit_key or (key if _unit(key) else "")
                visit(f"{label} · {_balance_label(key)}", inner, inner_unit_key)
        elif not _is_prose(value) and not (isinstance(value, list) and value and all(map(_is_prose, value))):
            shown = _metric_value(unit_key, value) if unit_key and _num(value) is not None else _plain_value(value)
            rows.append({"label": label, "value": shown})

    for key, value in balance.items():
        key = str(key)
        visit(_balance_label(key), value, key if _unit(key) else "")
    return rows


def _balance_label(key: str) -> str:
    """A balance key as a label: metric keys lose their unit suffix (the value shows it)."""
    unit = _unit(key)
    label = metric_label(key)
    return label[: -len(f" ({unit})")] if unit else label


def _is_prose(value: Any) -> bool:
    return isinstance(value, str) and " " in value.strip()


def _balance_notes(balance: Any) -> list[str]:
    if not isinstance(balance, dict):
        return []
    notes = []
    for value in balance.values():
        if _is_prose(value):
            notes.append(value)
        elif isinstance(value, list) and value and all(_is_prose(v) for v in value):
            notes.extend(value)
    return notes


# --------------------------------------------------------------------------- plots


def _plots(timeline: dict, events: list[dict], colors: dict[str, str], duration_s: float | None) -> list[dict]:
    times = [_num(t) for t in timeline.get("t_s") or []]
    labels = timeline.get("labels") or {}
    bands = timeline.get("bands") or {}
    plots = []
    for key, values in (timeline.get("series") or {}).items():
        values = [_num(v) for v in values]
        if not any(v is not None for v in values) or not times:
            continue
        label = (labels.get(key) or metric_label(key)).replace("(deg)", "(°)")
        figure = _series_figure(
            key, label, times, values, bands.get(key) or [], events, colors,
            timeline.get("reps") or [], timeline.get("holds") or [], duration_s,
        )
        plots.append({
            "id": f"plot-{len(plots)}",
            "key": key,
            "label": label,
            "bands": [_band_text(b, key) for b in bands.get(key) or []],
            "figure_json": _script_safe_json(figure.to_json()),
        })
    return plots


def _series_figure(key, label, times, values, bands, events, colors, rep_spans, hold_spans, duration_s):
    import plotly.graph_objects as go  # imported here: heavy, and only needed for plots

    unit = _unit(key)
    n = min(len(times), len(values))
    times, values = times[:n], values[:n]
    low, high = _y_range(values, bands)

    figure = go.Figure()
    for band in bands:
        y0 = _num(band.get("min"))
        y1 = _num(band.get("max"))
        figure.add_hrect(
            y0=low if y0 is None else max(y0, low), y1=high if y1 is None else min(y1, high),
            fillcolor=colors.get(band.get("code"), BAND_COLOR), line_width=0, layer="below",
            opacity=0.13 if band.get("code") in colors else 0.06,
            annotation_text=band.get("label") or "", annotation_position="top right" if y1 is None else "bottom right",
            annotation_font={"size": 11, "color": "#8a3b2a"},
        )
    for number, span in enumerate(rep_spans, start=1):
        if len(span) >= 2 and _num(span[0]) is not None and _num(span[1]) is not None:
            figure.add_vrect(
                x0=span[0], x1=span[1], fillcolor=SPAN_COLOR, opacity=0.07, line_width=0, layer="below",
                annotation_text=f"Rep {number}", annotation_position="top left",
                annotation_font={"size": 10, "color": "#2a5f69"},
            )
    for span in hold_spans:
        if len(span) >= 2 and _num(span[0]) is not None and _num(span[1]) is not None:
            side = span[2] if len(span) > 2 else None
            figure.add_vrect(
                x0=span[0], x1=span[1], fillcolor=HOLD_SPAN_COLORS.get(side, SPAN_COLOR), opacity=0.08,
                line_width=0, layer="below",
                annotation_text=f"Hold · {side}" if side else "Hold", annotation_position="top left",
                annotation_font={"size": 10, "color": "#2a5f69"},
            )

    figure.add_trace(go.Scatter(
        x=times, y=values, mode="lines", name=label, connectgaps=False,
        line={"color": SERIES_COLOR, "width": 2.2},
        hovertemplate=f"%{{x:.1f}} s · %{{y:.1f}}{_unit_suffix(unit)}<extra></extra>",
    ))

    by_code: dict[str, list[dict]] = {}
    for event in events:
        if _num(event.get("t_s")) is not None:
            by_code.setdefault(event.get("code") or "fault", []).append(event)
    for code, code_events in by_code.items():
        color = colors.get(code, FAULT_COLORS[0])
        xs, ys, texts = [], [], []
        for event in code_events:
            t = _num(event["t_s"])
            y = _value_at(times, values, t)
            xs.append(t)
            ys.append(high - 0.06 * (high - low) if y is None else y)
            side = f" ({event['side']})" if event.get("side") else ""
            texts.append(f"<b>{_clock(t)} · {fault_title(code)}{side}</b><br>{event.get('message') or ''}")
            figure.add_vline(x=t, line={"color": color, "width": 1.5, "dash": "dot"})
        figure.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=f"⚠ {fault_title(code)}",
            marker={"color": color, "size": 12, "symbol": "diamond", "line": {"color": "white", "width": 1.5}},
            hovertext=texts, hoverinfo="text", meta={"fault_code": code},
        ))

    x_end = max([t for t in times if t is not None] + [_num(duration_s, 0.0) or 0.0])
    figure.update_layout(
        template="plotly_white",
        height=340,
        margin={"l": 60, "r": 20, "t": 34, "b": 40},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#33383d"},
        xaxis={"title": {"text": "Time (s)"}, "range": [0, x_end], "zeroline": False},
        yaxis={"title": {"text": _axis_title(label, unit)}, "range": [low, high], "zeroline": False},
        legend={"orientation": "h", "y": -0.22, "x": 0, "font": {"size": 12}},
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "font": {"size": 13}},
        showlegend=True,
        plot_bgcolor="white",
    )
    return figure


def _y_range(values: list[float | None], bands: list[dict]) -> tuple[float, float]:
    finite = [v for v in values if v is not None]
    edges = [e for b in bands for e in (_num(b.get("min")), _num(b.get("max"))) if e is not None]
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


def _band_text(band: dict, key: str) -> str:
    unit = _unit_suffix(_unit(key))
    low, high = _num(band.get("min")), _num(band.get("max"))
    if low is not None and high is not None:
        span = f"{low:g}{unit} to {high:g}{unit}"
    elif low is not None:
        span = f"above {low:g}{unit}"
    elif high is not None:
        span = f"below {high:g}{unit}"
    else:
        span = "anywhere"
    return f"{band.get('label') or fault_title(band.get('code') or '')}: {span}"


@functools.lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _script_safe_json(text: str) -> str:
    """JSON that can sit inside a <script> element (no '</script>' or '<!--' can form)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --------------------------------------------------------------------------- formatting


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["script_json"] = lambda value: _script_safe_json(_json_dumps(value))
    return env


def _json_dumps(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))


def metric_label(key: str) -> str:
    """A readable column or axis name for a metric key ("peak_hip_extension_deg" -> "Peak hip extension (°)")."""
    unit = _unit(key)
    base = key
    for suffix, name in UNIT_SUFFIXES:
        if key.endswith(suffix) and name == unit:
            base = key[: -len(suffix)]
            break
    text = _humanize(base)
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


def _axis_title(label: str, unit: str) -> str:
    already_has_unit = label.rstrip().endswith(")") or unit in label
    return label if (not unit or already_has_unit) else f"{label} ({unit})"


def _metric_value(key: str, value: Any) -> str:
    number = _num(value)
    if number is None:
        return "—" if value is None else _plain_value(value)
    unit = _unit(key)
    if unit == "ratio":
        return f"{number:.2f}"
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


def _humanize(code: str) -> str:
    text = str(code).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


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


def _group_by_side(items: list[dict]) -> dict[str | None, list[dict]]:
    groups: dict[str | None, list[dict]] = {}
    for side in (*SIDE_ORDER, None):
        members = [i for i in items if i.get("side") == side]
        if members:
            groups[side] = members
    for item in items:  # any unexpected side label
        if item.get("side") not in (*SIDE_ORDER, None):
            groups.setdefault(item.get("side"), []).append(item)
    return groups


def _hold_name(hold: dict, number: int) -> str:
    side = hold.get("side")
    return f"{side} hold" if side else f"hold {hold.get('index', number)}"
