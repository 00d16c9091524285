"""The ``formcheck.report/1`` JSON report (schema in SPEC.md)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from formcheck.fileio import write_text_atomic
from formcheck.report.balance import side_balance
from formcheck.session import SessionResult

SCHEMA = "formcheck.report/1"
__all__ = ["SCHEMA", "build_report", "write_json_atomic", "write_text_atomic"]


def build_report(result: SessionResult, source: str, fps: float, width: int, height: int,
                 duration_s: float, model: str) -> dict:
    reps = [asdict(r) for r in result.reps]
    holds = [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(h).items()}
             for h in result.holds]
    for rep in reps:
        for key in ("start_s", "end_s", "hold_s"):
            rep[key] = round(rep[key], 2) if rep[key] is not None else None
    events = [asdict(e) for e in result.events]
    sides = sorted({w["side"] for w in reps + holds if w["side"]})
    report = {
        "schema": SCHEMA,
        "source": source,
        "exercise": result.exercise.id,
        "video": {"fps": round(fps, 3), "frames": result.frames, "duration_s": round(duration_s, 3),
                  "width": width, "height": height},
        "pose": {"frames_with_pose": result.frames_with_pose, "model": model},
        "reps": reps,
        "holds": holds,
        "events": events,
        "summary": {"rep_count": len(reps), "hold_count": len(holds), "sides": sides,
                    "fault_counts": dict(Counter(e["code"] for e in events))},
    }
    balance = side_balance(reps, holds, result.common.balance_min_ratio)
    if balance is not None:
        report["balance"] = balance
    return report


def write_json_atomic(path: str | Path, data: dict) -> None:
    """Write JSON to a temporary file beside ``path``, then rename: never half-written."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
