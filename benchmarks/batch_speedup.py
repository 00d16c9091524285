"""How much faster folder analysis gets with more worker processes.

Builds a folder of 12 clips (copies of the filmed clips in ../shared/real-clips,
or of the rendered samples in samples/ when those are absent) and times

    formcheck analyze FOLDER --exercise glute_bridge --out RESULTS --jobs N --quiet

for N = 1 and N = 2 (fresh results each time), then prints both times and the
speed-up; then runs the last one again, when every video is up to date and skipped,
and prints how long that took against the first run (it should be a small fraction:
only the index and history pages are made again). It prints, never asserts: timings
on a shared machine are noisy.

    .venv/bin/python benchmarks/batch_speedup.py [--clips 12] [--jobs 1 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = (REPO.parent / "shared" / "real-clips", REPO / "samples")
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".gif"}


def source_clips() -> list[Path]:
    for folder in SOURCES:
        clips = sorted(p for p in folder.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES) if folder.is_dir() else []
        if clips:
            return clips
    sys.exit("no clips found: needs ../shared/real-clips or samples/ (make samples)")


def build_folder(target: Path, count: int) -> list[Path]:
    copies = []
    for number, clip in zip(range(count), itertools.cycle(source_clips())):
        copy = target / f"clip{number:02d}_{clip.name}"
        shutil.copyfile(clip, copy)
        copies.append(copy)
    return copies


def frames(clips: list[Path]) -> int:
    import cv2
    total = 0
    for clip in clips:
        capture = cv2.VideoCapture(str(clip))
        total += int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        capture.release()
    return total


def timed_run(folder: Path, results: Path, jobs: int) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (all processes) of one folder run."""
    command = [sys.executable, "-m", "formcheck", "analyze", str(folder), "--exercise", "glute_bridge",
               "--out", str(results), "--jobs", str(jobs), "--quiet"]
    cpu_before = _children_cpu_s()
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = _children_cpu_s() - cpu_before
    if run.returncode != 0:
        print(run.stdout + run.stderr, file=sys.stderr)
        sys.exit(f"formcheck failed with --jobs {jobs}")
    return seconds, cpu


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting, taking turns; the fastest counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="formcheck-bench-") as tmp:
        folder = Path(tmp, "clips")
        folder.mkdir()
        clips = build_folder(folder, args.clips)
        total_frames = frames(clips)
        print(f"{len(clips)} clips, {total_frames} frames; {os.cpu_count()} CPUs "
              f"(load average now {os.getloadavg()[0]:.1f})")
        # Settings take turns, so a burst of load from elsewhere hits them alike.
        all_runs: dict[int, list[tuple[float, float]]] = {jobs: [] for jobs in args.jobs}
        for attempt in range(args.repeat):
            for jobs in args.jobs:
                all_runs[jobs].append(timed_run(folder, Path(tmp, f"results-{jobs}-{attempt}"), jobs))
        timings = {}
        for jobs, runs in all_runs.items():
            timings[jobs], cpu = min(runs)
            # CPU seconds / wall seconds: how many cores the run kept busy (others' load lowers it).
            print(f"--jobs {jobs}: {timings[jobs]:6.1f} s  ({total_frames / timings[jobs]:5.1f} frames/s, "
                  f"{cpu:.1f} CPU-s, {cpu / timings[jobs]:.2f} cores busy)"
                  + (f"  runs: {', '.join(f'{r:.1f}' for r, _ in runs)}" if len(runs) > 1 else ""))
        base = timings[args.jobs[0]]
        for jobs in args.jobs[1:]:
            print(f"speed-up --jobs {args.jobs[0]} -> --jobs {jobs}: {base / timings[jobs]:.2f}x")
        jobs = args.jobs[-1]
        first = all_runs[jobs][-1][0]
        again, _ = timed_run(folder, Path(tmp, f"results-{jobs}-{args.repeat - 1}"), jobs)
        print(f"run again, all up to date (--jobs {jobs}): {again:.1f} s, {again / first:.0%} of the first run")


if __name__ == "__main__":
    main()
