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


def verdict(report: Report) -> str:
    """One plain-language sentence on a report: the report page's and the folder index's."""
    reps, holds = report.reps, report.holds
    if report.pose.frames_with_pose == 0:
        return ("We couldn't see a person clearly in this video, so there is no feedback this time. "
                "Try again with your whole body in view, in good light.")
    if not reps and not holds:
        return ("No reps or holds were counted. Check that the whole movement is in view and that the "
                "camera is set up the way the exercise needs.")
    work = work_text(reps, holds)
    main = main_fault(report)
    if main is None:
        return f"Good form: {work}, nothing to correct."
    tip = next((e.message for e in report.events if e.code == main and e.message),
               fault_title(main, report.exercise)).rstrip(". ")
    clean = sum(1 for item in [*reps, *holds] if not item.faults)
    praise = f", {clean} with good form" if clean else ""
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
    ``NotJudged`` items or ``(code, why)`` pairs; faults with the same reason go together."""
    items = [(n.code, n.why) if hasattr(n, "code") else tuple(n) for n in not_judged]
    if not items:
        return None
    by_why: dict[str, list[str]] = {}
    for code, why in items:
        title = fault_title(code, exercise_id)
        by_why.setdefault(why, []).append(title[:1].lower() + title[1:])
    return "not judged from this camera view " + "; ".join(
        f"(it {why.replace(' (', '; ').rstrip(')') if why.count('(') == 1 else why}): {'; '.join(names)}"
        for why, names in by_why.items())
