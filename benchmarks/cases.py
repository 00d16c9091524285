"""The measured cases. Each runs in a fresh process so its peak memory is its own:

    python -m benchmarks.cases CASE CLIP [--model PATH] [--exercise ID] [--minutes M]

and prints one JSON object on its last line. ``run.py`` calls these; run one by hand
to look at a single figure.

Per-frame times are the gaps between consecutive frames leaving the last stage (for
``analyze`` as well, whose stages overlap). fps is frames over the whole call: opening
the video, loading the model and, for ``analyze``, writing every output.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CASES = {}


def case(name: str):
    def register(fn):
        CASES[name] = fn
        return fn
    return register


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent that started it)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def per_frame(ms: list[float] | np.ndarray) -> dict:
    ms = np.asarray(ms, dtype=float)
    if len(ms) == 0:
        return {"median_ms": None, "p95_ms": None}
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95))}


def gaps_ms(stamps: list[float]) -> np.ndarray:
    return np.diff(np.asarray(stamps)) * 1000.0


@case("decode")
def decode(clip: Path, args) -> dict:
    """(a) Decoding only."""
    from formcheck.video import VideoReader
    started = time.perf_counter()
    stamps = [started]
    with VideoReader(clip) as video:
        for _ in video:
            stamps.append(time.perf_counter())
    wall = time.perf_counter() - started
    return {"frames": len(stamps) - 1, "wall_s": wall, **per_frame(gaps_ms(stamps))}


@case("pose")
def pose(clip: Path, args) -> dict:
    """(b) Decoding + the pose model, nothing else: the floor for a whole analysis."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.video import VideoReader
    started = time.perf_counter()
    stamps, model_ms = [], []
    with VideoReader(clip) as video, PoseEstimator(args.model) as estimator:
        stamps.append(time.perf_counter())
        for frame in video:
            t0 = time.perf_counter()
            estimator.detect(frame.image, frame.t_s)
            stamps.append(time.perf_counter())
            model_ms.append((stamps[-1] - t0) * 1000.0)
    wall = time.perf_counter() - started
    model = per_frame(model_ms)
    return {"frames": len(model_ms), "wall_s": wall, **per_frame(gaps_ms(stamps)),
            "model_median_ms": model["median_ms"], "model_p95_ms": model["p95_ms"],
            "model_busy": sum(model_ms) / 1000.0 / (stamps[-1] - stamps[0])}


class _ModelClock:
    """Times every call of the pose model inside ``analyze``: how busy the pipeline keeps it."""

    busy_s = 0.0
    calls = 0
    first = last = None

    @classmethod
    def install(cls) -> None:
        from formcheck.pose.estimator import PoseEstimator
        detect = PoseEstimator.detect_prepared

        def timed(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return detect(self, *args, **kwargs)
            finally:
                cls.calls += 1
                cls.last = time.perf_counter()
                cls.first = cls.first or started
                cls.busy_s += cls.last - started

        PoseEstimator.detect_prepared = timed

    @classmethod
    def share(cls) -> float:
        return cls.busy_s / (cls.last - cls.first) if cls.first else float("nan")


def _analyze(clip: Path, args, video: bool, pipelined: bool = True, every_frame: bool = False) -> dict:
    from formcheck.analyze import Outputs, analyze_video
    _ModelClock.install()
    stamps: list[float] = []  # when each frame leaves the pipeline
    with tempfile.TemporaryDirectory() as out:
        out = Path(out)
        outputs = Outputs(json=out / "r.json")
        if video:
            outputs.video, outputs.html = out / "a.mp4", out / "r.html"
        started = time.perf_counter()
        report = analyze_video(clip, args.exercise, args.model, outputs, progress=False, pipelined=pipelined,
                               on_frame=lambda: stamps.append(time.perf_counter()),
                               **({"rate": None} if every_frame else {}))
        wall = time.perf_counter() - started
    return {"frames": report.video.frames, "wall_s": wall, **per_frame(gaps_ms(stamps)),
            "after_last_frame_s": wall - (stamps[-1] - started), "reps": report.summary.rep_count,
            "model_busy": _ModelClock.share(), "model_calls": _ModelClock.calls,
            "answers": {"reps": [r.faults for r in report.reps],
                        "holds": [(h.side, h.duration_s, h.faults) for h in report.holds],
                        "faults": report.summary.fault_counts}}


@case("analyze_json")
def analyze_json(clip: Path, args) -> dict:
    """(c) ``analyze`` writing the JSON report only."""
    return _analyze(clip, args, video=False)


@case("analyze_all")
def analyze_all(clip: Path, args) -> dict:
    """(d) ``analyze`` writing the annotated video and the HTML report (and JSON)."""
    return _analyze(clip, args, video=True)


@case("analyze_json_every_frame")
def analyze_json_every_frame(clip: Path, args) -> dict:
    """(c) with the pose model on every frame (``--every-frame``)."""
    return _analyze(clip, args, video=False, every_frame=True)


@case("analyze_json_sequential")
def analyze_json_sequential(clip: Path, args) -> dict:
    return _analyze(clip, args, video=False, pipelined=False)


@case("analyze_all_sequential")
def analyze_all_sequential(clip: Path, args) -> dict:
    return _analyze(clip, args, video=True, pipelined=False)


@case("parts")
def parts(clip: Path, args) -> dict:
    """What each step of a frame costs on its own: decoding, preparing the model's input, the
    model, the rules (``Session.update`` with smoothing), the overlay and encoding."""
    from formcheck.annotate import Annotator, VideoWriter
    from formcheck.exercises import get_exercise
    from formcheck.pose.estimator import PoseEstimator, prepare
    from formcheck.session import Session
    from formcheck.video import VideoReader

    exercise = get_exercise(args.exercise)()
    times: dict[str, list[float]] = {k: [] for k in ("decode", "prepare", "model", "rules", "overlay", "encode")}
    poses = []

    def timed(name, fn, *a):
        t0 = time.perf_counter()
        out = fn(*a)
        times[name].append((time.perf_counter() - t0) * 1000.0)
        return out

    with tempfile.TemporaryDirectory() as out, VideoReader(clip) as video, PoseEstimator(args.model) as estimator:
        info = video.info
        annotate = Annotator(exercise, info.width, info.height)
        writer = VideoWriter(Path(out) / "a.mp4", info.fps, annotate.size)
        session = Session(exercise)
        frames = iter(video)
        while (frame := timed("decode", next, frames, None)) is not None:
            model_input = timed("prepare", prepare, frame.image)
            pose_ = timed("model", estimator.detect_prepared, model_input, frame.t_s)
            poses.append((frame.t_s, pose_))
            state = timed("rules", session.update, frame.t_s, pose_)
            drawn = timed("overlay", annotate, frame.image, state)
            timed("encode", writer.write, drawn, frame.t_s)
        times["decode"].pop()  # the end of the video, not a frame
        t0 = time.perf_counter()
        writer.close()  # the encoder's last frames, and faststart's move of the index
        times["encode"][-1] += (time.perf_counter() - t0) * 1000.0
    # The rules once more on their own, a few times over, without the rest of the frame
    # competing for the caches: their steady cost.
    rules_only = []
    for _ in range(5):
        session = Session(exercise)
        t0 = time.perf_counter()
        for t_s, p in poses:
            session.update(t_s, p)
        rules_only.append((time.perf_counter() - t0) * 1000.0 / len(poses))
    return {"frames": len(poses), "size": [info.width, info.height], "annotated_size": list(annotate.size),
            **{name: per_frame(ms) for name, ms in times.items()}, "rules_replay_ms": float(np.median(rules_only))}


@dataclass
class _Recording:
    """Latencies with the moment each was taken (preallocated: the recording itself must not grow)."""

    capacity: int
    count: int = 0
    at: np.ndarray = field(init=False)
    ms: np.ndarray = field(init=False)

    def __post_init__(self):
        self.at = np.zeros(self.capacity)
        self.ms = np.zeros(self.capacity)


@case("live")
def live(clip: Path, args) -> dict:
    """The live loop, headless, on a file played like a camera (looped for ``--minutes``)."""
    from formcheck import live as live_module
    from formcheck.exercises import get_exercise
    from formcheck.session import Session

    seconds = args.minutes * 60.0
    recording = _Recording(int(seconds * 120) + 1000)
    rss = np.zeros(int(seconds) + 100)
    rss_at = np.zeros_like(rss)
    blocks = np.zeros_like(rss)  # Python objects alive: tells Python growth from native memory
    samples = 0
    next_sample = 0.0

    class Latencies(deque):
        def append(self, ms):
            if recording.count < recording.capacity:
                recording.at[recording.count], recording.ms[recording.count] = time.monotonic(), ms
                recording.count += 1
            super().append(ms)

    @dataclass
    class RecordingStats(live_module.LiveStats):
        latencies_ms: deque = field(default_factory=lambda: Latencies(maxlen=live_module.LATENCY_WINDOW))


    def on_frame(shown, state):
        nonlocal samples, next_sample
        now = time.monotonic()
        if now >= next_sample and samples < len(rss):
            rss[samples], rss_at[samples], blocks[samples] = rss_mb(), now, sys.getallocatedblocks()
            samples += 1
            next_sample = now + 1.0

    session = Session(get_exercise(args.exercise)(), keep_timeline=False)  # as `formcheck live` makes it
    started = time.monotonic()
    result, stats, _ = live_module.run_live(clip, session, args.model, window=False, loop=True,
                                            max_seconds=seconds, on_frame=on_frame, stats=RecordingStats())
    at, ms = recording.at[:recording.count] - started, recording.ms[:recording.count]
    rss_t, rss_v = rss_at[:samples] - started, rss[:samples]
    minute = min(60.0, stats.wall_s / 4)  # first and last minute (a quarter of a short run)
    first, last = ms[at < at[0] + minute], ms[at > at[-1] - minute]
    warm = rss_t >= min(10.0, stats.wall_s / 4)  # after the model and first frames settled
    slope = float(np.polyfit(rss_t[warm] / 60.0, rss_v[warm], 1)[0]) if warm.sum() > 2 else float("nan")
    return {
        "wall_s": stats.wall_s, "frames_shown": stats.frames_shown, "frames_dropped": stats.frames_dropped,
        "shown_per_s": stats.frames_shown / stats.wall_s, "size": [stats.width, stats.height],
        "latency_p50_ms": float(np.percentile(ms, 50)), "latency_p95_ms": float(np.percentile(ms, 95)),
        "first_window_s": minute,
        "first_p50_ms": float(np.percentile(first, 50)), "first_p95_ms": float(np.percentile(first, 95)),
        "last_p50_ms": float(np.percentile(last, 50)), "last_p95_ms": float(np.percentile(last, 95)),
        "rss_start_mb": float(rss_v[warm][0]) if warm.any() else None, "rss_end_mb": float(rss_v[-1]),
        "rss_slope_mb_per_min": slope, "reps": len(result.reps),
        "rss_by_minute_mb": [float(rss_v[rss_t <= m * 60][-1]) for m in range(1, int(stats.wall_s // 60) + 1)],
        "python_blocks_start": int(blocks[:samples][warm][0]) if warm.any() else None,
        "python_blocks_end": int(blocks[samples - 1]),
        "timeline_frames": len(result.timeline_t_s),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("clip", type=Path)
    parser.add_argument("--model", type=Path, help="pose model bundle [default: the full model]")
    parser.add_argument("--exercise", default="glute_bridge")
    parser.add_argument("--minutes", type=float, default=1.0, help="live: how long to run")
    args = parser.parse_args(argv)
    if args.model is None:
        from formcheck.models import ensure_model
        args.model = ensure_model("full", progress=False)
    cpu = os.times()
    result = CASES[args.case](args.clip, args)
    used = os.times()
    result["cpu_s"] = (used.user - cpu.user) + (used.system - cpu.system)  # all threads
    result["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.flush()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
