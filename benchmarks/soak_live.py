"""Long live session on a camera-like source: does memory or latency grow?

    .venv/bin/python -m benchmarks.soak_live [CLIP] [--minutes 30] [--model full]

Plays CLIP in a loop at its own frame rate (dropping frames when behind, as a camera
does) through the whole live path, headless, and prints every ``--every`` seconds the
resident memory and the capture-to-overlay latency of the frames shown since the last
line; at the end the growth of both.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import numpy as np

from formcheck.exercises import get_exercise
from formcheck.live import LiveStats, run_live
from formcheck.models import ensure_model
from formcheck.session import Session

DEFAULT_CLIP = Path(__file__).resolve().parents[1] / "samples" / "glute_bridge" / "bridge_clean_left.mp4"


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--exercise", default="glute_bridge")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between lines")
    parser.add_argument("--model", default="full", help="pose model: lite, full or heavy")
    args = parser.parse_args()

    stats = LiveStats()
    rows = []
    done = threading.Event()

    def sample() -> None:
        started, seen = time.monotonic(), 0
        while not done.wait(args.every):
            latencies = list(stats.latencies_ms)
            total = stats.frames_shown
            fresh = latencies[-max(1, min(len(latencies), total - seen)):] if latencies else [float("nan")]
            seen = total
            row = (time.monotonic() - started, rss_mb(), float(np.percentile(fresh, 50)),
                   float(np.percentile(fresh, 95)), total)
            rows.append(row)
            print(f"{row[0] / 60:6.1f} min  rss {row[1]:7.1f} MB  latency p50 {row[2]:5.0f} ms  "
                  f"p95 {row[3]:5.0f} ms  frames shown {row[4]}", flush=True)

    session = Session(get_exercise(args.exercise)(), keep_timeline=False)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result, stats, _ = run_live(args.clip, session, ensure_model(args.model), window=False, loop=True,
                                max_seconds=args.minutes * 60, stats=stats)
    done.set()
    sampler.join()
    print(f"reps counted: {len(result.reps)}; {stats.describe()}")
    if len(rows) >= 3:
        warm = rows[1:]  # after the model and first frames settled
        t = np.array([r[0] for r in warm]) / 60
        for name, column in (("memory", 1), ("latency p95", 3)):
            values = np.array([r[column] for r in warm])
            slope = np.polyfit(t, values, 1)[0]
            unit = "MB" if column == 1 else "ms"
            print(f"{name}: first {values[0]:.1f} {unit}, last {values[-1]:.1f} {unit}, "
                  f"trend {slope:+.3f} {unit}/min over {t[-1] - t[0]:.0f} min")


if __name__ == "__main__":
    main()
