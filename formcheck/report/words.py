"""The words every page shares: fault and exercise titles, the verdict, the work done.

Titles and cues come from the exercises' own declarations (``FaultSpec``), so a new
exercise's faults are named on every page without touching this file.
"""

from __future__ import annotations

import functools

from formcheck.report.model import Hold, Rep, Report


def fault_title(code: str, exercise_id: str | None = None) -> str:
    """A fault's short title as its exercise declares it ("hips_too_high" -> "Hips too high");
    without an exercise, as the first exercise declaring the code does; an unknown code
    is written out from its id."""
    titles = _fault_titles()
    return titles.get((exercise_id, code)) or titles.get((None, code)) or humanize(code)


@functools.lru_cache(maxsize=1)
def _fault_titles() -> dict[tuple[str | None, str], str]:
    from formcheck.exercises import EXERCISES

    titles: dict[tuple[str | None, str], str] = {}
    for ex in EXERCISES.values():
        for fault in ex.faults():
            titles[(ex.id, fault.code)] = fault.title
            titles.setdefault((None, fault.code), fault.title)
    return titles


def exercise_title(exercise_id: str) -> str:
    """``"glute_bridge"`` -> ``"Glute bridge"``; ``"auto"`` (not yet recognised) -> ``"—"``."""
    from formcheck.exercises import EXERCISES

    if exercise_id == "auto":
        return "—"
    cls = EXERCISES.get(exercise_id)
    return cls.title if cls is not None else humanize(exercise_id)


def advice(code: str, message: str, exercise_id: str | None = None) -> str:
    """The cue without a leading restatement of the fault's title: "Hips too high - stop
    when ..." under the title "Hips too high" reads "Stop when ..."."""
    head, sep, rest = message.partition(" - ")
    if sep and rest and head.strip().lower() in {fault_title(code, exercise_id).lower(), humanize(code).lower()}:
        return rest[:1].upper() + rest[1:]
    return message


def main_fault(report: Report) -> str | None:
    """The fault that fired most often (the first of them on a tie), or None."""
    counts = report.summary.fault_counts
    return max(counts, key=counts.get) if counts else None


def verdict(report: Report, with_cue: bool = True) -> str:
    """One plain-language sentence on a report: the report page's and the folder index's.

    ``with_cue``: end on the main fault's cue ("hips too high - stop when ..."); the report
    page leaves it out (it says each cue once, under "What to work on")."""
    reps, holds = report.reps, report.holds
    if report.pose.frames_with_pose == 0:
        return "We couldn't see a person clearly in this video, so there is no feedback this time."
    if not reps and not holds:
        return "No reps or holds were counted."
    from formcheck.exercises.base import clean_praise, is_count_code

    work = work_text(reps, holds)
    if any(is_count_code(n.code) for n in report.not_judged):  # a count the view could not give is no count
        work = f"{work} found, but not reliably counted"
    main = main_fault(report)
    if main is None and report.not_judged:  # silence on what the view hid is not a pass
        return f"Good form in what this camera view shows: {work}, nothing to correct there."
    if main is None:
        return f"Good form: {work}, nothing to correct."
    tip = fault_title(main, report.exercise)
    if with_cue:
        tip = next((e.message for e in report.events if e.code == main and e.message), tip).rstrip(". ")
    clean = sum(1 for item in [*reps, *holds] if not item.faults)
    praise = f", {clean} with {clean_praise(n.code for n in report.not_judged)}" if clean else ""
    return f"{work[:1].upper()}{work[1:]}{praise}. The main thing to work on: {tip[:1].lower() + tip[1:]}."


def work_text(reps: list[Rep], holds: list[Hold]) -> str:
    """"3 reps", "2 holds (44 s)", "3 reps and 1 hold (20 s)"."""
    parts = []
    if reps or not holds:
        parts.append(f"{len(reps)} rep{'' if len(reps) == 1 else 's'}")
    if holds:
        held = sum(h.duration_s or 0.0 for h in holds)
        parts.append(f"{len(holds)} hold{'' if len(holds) == 1 else 's'} ({held:.0f} s)")
    return " and ".join(parts)


def humanize(code: str) -> str:
    """``"hips_too_high"`` -> ``"Hips too high"``."""
    text = str(code).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def not_judged_text(not_judged, exercise_id: str) -> str | None:
    """"not judged from this camera view (it needs a side view; this one was front): back
    rounding; hips rising first"; None if nothing was left unjudged. ``not_judged``:
    ``NotJudged`` items or ``(code, why)`` pairs; faults with the same reason go together
    (a second reason: "... . Nor (it needs a front view; ...): ...").
    A count's entry (``rep_count``, ``hold_count``) reads "rep count", "hold count"."""
    from formcheck.exercises.base import is_count_code

    items = [(n.code, n.why) if hasattr(n, "code") else tuple(n) for n in not_judged]
    if not items:
        return None
    items.sort(key=lambda item: not is_count_code(item[0]))  # a count first, then the faults
    by_why: dict[str, list[str]] = {}
    for code, why in items:
        title = fault_title(code, exercise_id)
        by_why.setdefault(why, []).append(title[:1].lower() + title[1:])
    groups = [f"(it {why.replace(' (', '; ').rstrip(')') if why.count('(') == 1 else why}): {'; '.join(names)}"
              for why, names in by_why.items()]
    return "not judged from this camera view " + ". Nor ".join(groups)


# What each rep's or hold's metric is called in plain words, and how its value reads (a
# format for the value, or for a signed value the words for above 0, below 0 and about 0).
# A metric missing here falls back to its key ("peak_knee_deg" -> "Peak knee", "°").
METRICS: dict[str, tuple[str, str | tuple[str, str, str]]] = {
    # glute bridge
    "peak_hip_extension_deg": ("Hips at the top", ("{:.0f}° above the shoulder–knee line",
                                                   "{:.0f}° below the shoulder–knee line",
                                                   "level with the shoulder–knee line")),
    "lift_deg": ("Hips lifted by", "{:.0f}°"),
    "lowering_s": ("Time to lower", "{:.1f} s"),
    "hold_s": ("Held at the top", "{:.1f} s"),
    # squat, chair squat
    "thigh_below_parallel_deg": ("Depth", ("{:.0f}° below parallel", "{:.0f}° above parallel", "at parallel")),
    "thigh_tilt_deg": ("Deepest thigh angle", "{:.0f}° from upright"),
    "descent_s": ("Time to go down", "{:.1f} s"),
    "heel_rise_ratio": ("Heels lifted", "{:.2f} × shin length"),
    "min_knee_ankle_ratio": ("Knees apart (narrowest)", "{:.2f} × ankle gap"),
    "knees_in_ratio": ("Knees in from standing (below 0: out)", "{:.2f} × ankle gap"),
    "sit_speed_shins_s": ("Speed onto the chair", "{:.1f} shin lengths a second"),
    "sit_speedup_ratio": ("Speed-up near the chair", "{:.1f} × faster"),
    "wrist_on_thigh_ratio": ("Hands from the thighs", "{:.2f} × thigh length"),
    "knee_past_toe_ratio": ("Knees past the toes", "{:.2f} × shin length"),
    # deadlift
    "min_hip_deg": ("Hip angle at the bottom", "{:.0f}°"),
    "min_knee_deg": ("Knee angle at its most bent", "{:.0f}°"),
    "max_neck_bend_deg": ("Head and upper back bent", "{:.0f}°"),
    "chest_rise_fraction": ("Chest rising with the hips", "{:.0%}"),
    "lean_back_deg": ("Leaning back at the top", "{:.0f}°"),
    # any exercise that watches the trunk
    "max_trunk_lean_deg": ("Most trunk lean", "{:.0f}° from upright"),
    # clamshell
    "peak_opening_deg": ("Knee opening at the top", "{:.0f}°"),
    "pelvis_roll_deg": ("Hips rolled back", "{:.0f}°"),
    "feet_gap_ratio": ("Feet apart", "{:.2f} × thigh length"),
    # seated hip abduction
    "peak_knee_gap_ratio": ("Knees apart at the top", "{:.2f} × hip width"),
    "return_s": ("Time to bring the knees back", "{:.1f} s"),
    "max_recline_deg": ("Most lean back", "{:.0f}°"),
    "left_travel_ratio": ("Left knee moved out", "{:.2f} × hip width"),
    "right_travel_ratio": ("Right knee moved out", "{:.2f} × hip width"),
    # figure-four stretches
    "breaths": ("Slow breaths held", "about {:.0f} breaths"),
}


def metric_name(key: str) -> str | None:
    """A metric's name in plain words ("peak_hip_extension_deg" -> "Hips at the top"), or
    None when it has none here."""
    entry = METRICS.get(key)
    return entry[0] if entry else None


def metric_text(key: str, value: float) -> str | None:
    """A metric's value in plain words with its unit ("24° above the shoulder–knee line",
    "2.2 s", "1.62 × hip width"), or None when the metric has no words here."""
    entry = METRICS.get(key)
    if entry is None:
        return None
    form = entry[1]
    if isinstance(form, tuple):
        above, below, level = form
        if round(value) == 0:
            return level
        return (above if value > 0 else below).format(abs(value))
    return form.format(value)
