"""A routine at a glance: each exercise's target against what was done, done / partial /
missed, the main thing to work on, and a link to each exercise's own report page.

``summarise`` makes the typed summary (``RoutineSummary``) from each exercise's report;
the recorded routine (``routine_video``) and the live one (``live``) both use it.

Example:
    >>> summary = summarise(routine, report.parts, item_of=[0, 1, 3])  # doctest: +SKIP
    >>> write_routine_html("routine.html", dataclasses.replace(report, routine=summary), pages)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from typing import Sequence

from formcheck.exercises import EXERCISES
from formcheck.fileio import write_text_atomic
from formcheck.report.model import Report, RoutineItem, RoutineSummary
from formcheck.report.pages import render
from formcheck.report.words import advice, exercise_title, fault_title
from formcheck.routine import DONE, MISSED, Routine, Target, progress, status

STATUS_WORDS = {"done": "Done", "partial": "Partly done", "missed": "Missed"}


def summarise(routine: Routine, parts: Sequence[Report], item_of: Sequence[int]) -> RoutineSummary:
    """Each item of ``routine`` against its target, from the reports of the exercises done
    (``parts``; ``item_of[i]``: the item ``parts[i]`` belongs to)."""
    items = []
    for number, item in enumerate(routine.items):
        mine = [i for i, owner in enumerate(item_of) if owner == number]
        reps = [rep for i in mine for rep in parts[i].reps]
        holds = [hold for i in mine for hold in parts[i].holds]
        faults: Counter = Counter()
        for i in mine:
            faults.update(parts[i].summary.fault_counts)
        spans = [parts[i].recognized for i in mine if parts[i].recognized is not None]
        items.append(RoutineItem(
            exercise=item.exercise, target=item.target.to_json(), status=status(item.target, reps, holds),
            reps=len(reps), holds=[{"side": h.side, "duration_s": h.duration_s} for h in holds],
            faults=dict(faults), start_s=min((s.start_s for s in spans), default=None),
            end_s=max((s.end_s for s in spans), default=None), parts=mine))
    return RoutineSummary(routine.name, routine.title, items)


def main_thing(summary: RoutineSummary) -> str | None:
    """The one thing to work on next: the fault that fired most across the routine, in the
    exercise's own words; else the first exercise not finished; None when all is done well."""
    counts = Counter({(item.exercise, code): n for item in summary.items for code, n in item.faults.items()})
    if counts:
        (exercise, code), _ = counts.most_common(1)[0]
        cue = advice(code, EXERCISES[exercise]().message(code), exercise)
        return f"{exercise_title(exercise)}: {cue[:1].upper()}{cue[1:]}"
    unfinished = next((item for item in summary.items if item.status != DONE), None)
    if unfinished is None:
        return None
    if unfinished.status == MISSED:
        return f"{exercise_title(unfinished.exercise)} was not done: do it next time"
    title = exercise_title(unfinished.exercise)
    return f"{title}: {done_text(unfinished)} of {target_text(unfinished)} - build up to it"


def target_text(item: RoutineItem) -> str:
    return _target(item).describe()


def done_text(item: RoutineItem) -> str:
    """What was done, in the target's terms: "3 reps", "right 7.6 s, left 7.7 s"."""
    if "reps" in item.target:
        return f"{item.reps} rep{'' if item.reps == 1 else 's'}"
    if not item.holds:
        return "no hold"
    return ", ".join(f"{h['side'] or 'hold'} {h['duration_s']:.1f} s" for h in item.holds)


def progress_share(item: RoutineItem) -> float:
    """How much of the target was met, 0 to 1."""
    from formcheck.session import Hold, Rep

    target = _target(item)
    reps = [Rep(0, None, 0.0, 0.0, None, [], {}) for _ in range(item.reps)]
    holds = [Hold(h["side"], 0.0, h["duration_s"], h["duration_s"], [], {}) for h in item.holds]
    return progress(target, reps, holds)


def render_routine_html(report: Report, pages: Sequence[str | None], date: str | None = None) -> str:
    """The routine page of ``report`` (its ``routine`` set); ``pages[i]``: the link to the
    page of ``report.parts[i]`` (None when it has none)."""
    summary = report.routine
    rows = []
    for number, item in enumerate(summary.items, start=1):
        links = [pages[i] for i in item.parts if i < len(pages) and pages[i]]
        rows.append({
            "number": number, "title": exercise_title(item.exercise), "target": target_text(item),
            "done": done_text(item) if item.status != MISSED else "—", "status": item.status,
            "status_text": STATUS_WORDS[item.status], "share": round(100 * progress_share(item)),
            "faults": [{"title": fault_title(code, item.exercise), "count": n} for code, n in item.faults.items()],
            "link": links[0] if links else None,
            "when": (f"{item.start_s:.0f}–{item.end_s:.0f} s" if item.start_s is not None else ""),
        })
    return render("routine.html", title=summary.title, name=summary.name, source=os.path.basename(report.source),
                  date=date or dt.date.today().strftime("%-d %b %Y"), rows=rows, done=summary.done,
                  total=len(summary.items), main_thing=main_thing(summary), warnings=report.warnings)


def write_routine_html(path: str | os.PathLike, report: Report, pages: Sequence[str | None],
                       date: str | None = None) -> None:
    """Render the routine page and write it whole to ``path``."""
    write_text_atomic(path, render_routine_html(report, pages, date))


def _target(item: RoutineItem) -> Target:
    t = item.target
    return Target(reps=t.get("reps"), hold_s=t.get("hold_s"), sides=t.get("sides", "either"), sets=t.get("sets", 1))
