"""Rule tests on sample clips: run the real pipeline and compare with the expected outcome.

Each clip ``name.mp4`` has ``name.expected.json`` beside it (written by the sample
generator from the true joint angles it rendered)::

    {"exercise": "glute_bridge",
     "expect": {"rep_count": 3, "holds": [{"side": "left", "duration_s": 20.0}],
                "faults_present": ["hips_too_high"], "faults_absent": ["short_hold"]}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.analyze import Outputs, analyze_video
from formcheck.errors import FormcheckError
from formcheck.exercises import EXERCISES
from formcheck.report.model import Report

HOLD_TOLERANCE_S = 1.5
PASS, FAIL, NOT_IMPLEMENTED = "pass", "FAIL", "not implemented"


@dataclass
class ClipCheck:
    clip: Path
    exercise: str
    status: str
    reasons: list[str] = field(default_factory=list)


def find_expected(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FormcheckError(f"no such samples folder: {folder}")
    found = sorted(folder.rglob("*.expected.json"))
    if not found:
        raise FormcheckError(f"no sample clips (*.expected.json) in {folder}")
    return found


def clip_for(expected_path: Path) -> Path:
    data = json.loads(expected_path.read_text())
    name = data.get("clip") or expected_path.name.replace(".expected.json", ".mp4")
    return expected_path.parent / name


def compare(report: Report, expect: dict) -> list[str]:
    """Why ``report`` does not meet ``expect`` (empty when it does)."""
    reasons = []
    want_reps = expect.get("rep_count")
    got_reps = len(report.reps)
    if want_reps is not None and got_reps != want_reps:
        reasons.append(f"{got_reps} reps, expected {want_reps}")
    want_holds = expect.get("holds") or []
    got_holds = list(report.holds)
    if want_holds or got_holds and want_reps is None:
        if len(got_holds) != len(want_holds):
            reasons.append(f"{len(got_holds)} holds, expected {len(want_holds)}")
        for want in want_holds:
            match = next((h for h in got_holds if h.side == want["side"]
                          and abs(h.duration_s - want["duration_s"]) <= HOLD_TOLERANCE_S), None)
            if match is None:
                seen = ", ".join(f"{h.side} {h.duration_s:.1f} s" for h in got_holds) or "none"
                reasons.append(f"no {want['side']} hold of {want['duration_s']:.1f} s (got {seen})")
            else:
                got_holds.remove(match)
    fired = set(report.summary.fault_counts)
    not_judged = {n.code for n in report.not_judged}  # the view hid it: shown, not failed (see not_judged_notes)
    for code in expect.get("faults_present", []):
        if code not in fired and code not in not_judged:
            reasons.append(f"{code} did not fire")
    for code in expect.get("faults_absent", []):
        if code in fired:
            reasons.append(f"{code} fired but should not")
    return reasons


def check_clip(expected_path: Path, model_path: Path, config: dict | None = None) -> ClipCheck:
    data = json.loads(expected_path.read_text())
    clip = clip_for(expected_path)
    exercise = data["exercise"]
    if exercise not in EXERCISES:
        return ClipCheck(clip, exercise, NOT_IMPLEMENTED, [f"exercise {exercise!r} is not implemented yet"])
    try:
        report = analyze_video(clip, exercise, model_path, Outputs(), config=config, progress=False)
    except FormcheckError as error:
        return ClipCheck(clip, exercise, FAIL, [str(error)])
    reasons = compare(report, data["expect"])
    notes = [f"{n.code} not judged: {n.why}" for n in report.not_judged
             if n.code in data["expect"].get("faults_present", [])]
    return ClipCheck(clip, exercise, FAIL if reasons else PASS, reasons or notes)


def format_table(checks: list[ClipCheck], root: Path) -> str:
    rows = [("clip", "exercise", "result", "why")]
    for c in checks:
        try:
            name = str(c.clip.relative_to(root))
        except ValueError:
            name = str(c.clip)
        rows.append((name, c.exercise, c.status, "; ".join(c.reasons)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
    lines.insert(1, "-" * min(120, max(len(line) for line in lines)))
    counts = {s: sum(c.status == s for c in checks) for s in (PASS, FAIL, NOT_IMPLEMENTED)}
    lines.append(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[NOT_IMPLEMENTED]} not implemented")
    return "\n".join(lines)
