"""The folder index page (``results/index.html``): one row per video with what was done,
its faults, a one-line verdict and links to its reports.

``formcheck.batch`` finds what there is for each video (``IndexEntry``); this module
only words and lays it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from formcheck.report.model import Report
from formcheck.report.pages import render
from formcheck.report.words import exercise_title, fault_title, verdict, work_text

OK, FAILED, PENDING = "ok", "failed", "pending"


@dataclass(frozen=True)
class IndexEntry:
    """One video of the folder, as the index shows it.

    Attributes:
        video: its path below the analysed folder ("week1/monday.mp4").
        state: OK (analysed: ``report`` is set), FAILED (``error`` says why) or PENDING.
        date: when the session happened.
        report: its report, when analysed.
        error: why it could not be analysed.
        links: link text -> path relative to the results folder ("report", "JSON", "CSV",
            "video", "part 2: squat").
    """

    video: str
    state: str
    date: dt.datetime
    report: Report | None = None
    error: str | None = None
    links: dict[str, str] = field(default_factory=dict)


def render_index(folder: str, entries: list[IndexEntry], exercise: str, history: str | None,
                 now: dt.datetime | None = None) -> str:
    """The page; ``exercise`` is the id every video was analysed as ("auto": recognised),
    ``history`` the history page's path relative to the results folder, if there is one."""
    now = now or dt.datetime.now()
    rows = [_row(entry, exercise) for entry in entries]
    counts = {"videos": len(rows), "good": 0, "faulty": 0, "empty": 0, "failed": 0, "pending": 0}
    for row in rows:
        counts[row["state"] if row["state"] != OK else row["form"]] += 1
    return render(
        "index.html", folder=folder, rows=rows, counts=counts, history=history,
        exercise="exercise recognised automatically" if exercise == "auto" else exercise_title(exercise),
        date=f"{now.day} {now:%B %Y, %H:%M}",
    )


def _row(entry: IndexEntry, exercise: str) -> dict:
    row = {"video": entry.video, "state": entry.state, "form": None, "exercise": exercise_title(exercise),
           "date": entry.date, "work": "", "faults": [], "verdict": "", "links": dict(entry.links),
           "error": entry.error, "warnings": []}
    if entry.state == FAILED:
        row["verdict"] = f"Could not be analysed: {entry.error}"
        return row
    report = entry.report
    if report is None:
        row["verdict"] = "Not analysed yet — run the command again to finish."
        return row
    parts = report.parts  # a video may hold several recognised exercises
    counts: dict[str, int] = {}
    for part in parts:
        for code, n in part.summary.fault_counts.items():
            counts[code] = counts.get(code, 0) + n
    done = any(part.reps or part.holds for part in parts)
    row.update(
        form="faulty" if counts else ("good" if done else "empty"),
        exercise=" → ".join(exercise_title(part.exercise) for part in parts),
        work="; ".join(work_text(part.reps, part.holds) for part in parts),
        faults=[{"code": code, "title": fault_title(code), "count": n}
                for code, n in sorted(counts.items(), key=lambda item: -item[1])],
        verdict=verdict(report),
        # what the run warned of (a file cut short, another exercise seen), each said once
        warnings=list(dict.fromkeys(w for part in (report, *parts) for w in part.warnings)),
    )
    return row
