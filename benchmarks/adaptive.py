"""Does the adaptive analysis rate change any answer? Every-frame against adaptive, on the
rendered population and the filmed clips:

    .venv/bin/python -m benchmarks.adaptive                 # population (both halves) + filmed clips
    .venv/bin/python -m benchmarks.adaptive --no-filmed     # the population only (~1 min)

The population is stored as every-frame pose tracks, so its adaptive run is a
*simulation* of the skip and the fill: the same ``pipeline.Scheduler`` decides which
frames the model would see, takes those frames' stored poses, interpolates the rest, and
the rules run on the result. There are no pictures, so it runs without the picture
check, and so with gaps of at most ``AdaptiveRate.blind_gap_s``. What it cannot show is
that MediaPipe, tracking across a gap, gives slightly different landmarks on the frames
it does see (a few pixels), nor the longer gaps the picture check allows; the filmed
clips run the real model both ways (``analyze`` with and without the rate) and are the
check of that.

Answers compared: the reps (count, side, faults), the holds (count, side, faults,
duration within ``HOLD_TOLERANCE_S``), the fault events (code and side, counted) and
the faults the view could not judge. Prints each difference, the model calls per frame,
and a last line ``ADAPTIVE population_diffs=N filmed_diffs=M ...``; exits 1 on any.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POPULATION = ROOT / "samples" / "population"
REAL_CLIPS = ROOT.parent / "shared" / "real-clips"
REAL_LABELS = Path(__file__).resolve().parent / "real_clips.json"
HOLD_TOLERANCE_S = 0.2


def answers(reps, holds, events, not_judged) -> dict:
    """What a user reads off a report, from a ``SessionResult``'s or a ``Report``'s parts."""
    return {"reps": [(r.side, sorted(r.faults)) for r in reps],
            "holds": [(h.side, sorted(h.faults), h.duration_s) for h in holds],
            "events": Counter((e.code, e.side) for e in events),
            "not_judged": sorted(not_judged)}


def differences(every: dict, adaptive: dict) -> list[str]:
    """What differs between two ``answers``, in words (empty: the same)."""
    out = []
    if len(every["reps"]) != len(adaptive["reps"]):
        out.append(f"{len(adaptive['reps'])} reps, every frame {len(every['reps'])}")
    else:
        out += [f"rep {i}: {b}, every frame {a}" for i, (a, b) in enumerate(zip(every["reps"], adaptive["reps"]), 1)
                if a != b]
    if len(every["holds"]) != len(adaptive["holds"]):
        out.append(f"{len(adaptive['holds'])} holds, every frame {len(every['holds'])}")
    else:
        for i, (a, b) in enumerate(zip(every["holds"], adaptive["holds"]), 1):
            if a[:2] != b[:2] or abs(a[2] - b[2]) > HOLD_TOLERANCE_S:
                out.append(f"hold {i}: {b[0]} {b[1]} {b[2]:.2f} s, every frame {a[0]} {a[1]} {a[2]:.2f} s")
    if every["events"] != adaptive["events"]:
        out.append(f"fault events {dict(adaptive['events'])}, every frame {dict(every['events'])}")
    if every["not_judged"] != adaptive["not_judged"]:
        out.append(f"not judged {adaptive['not_judged']}, every frame {every['not_judged']}")
    return out


def simulate(track, rate):
    """The track as the adaptive rate would have made it from these poses: the frames the
    scheduler sends to the model keep their pose, the others are filled in. Returns the
    new track and the number of model calls."""
    from formcheck.pipeline import Scheduler
    from formcheck.pose.landmarks import PoseTrack
    from formcheck.video import VideoFrame

    out = PoseTrack(fps=track.fps, width=track.width, height=track.height)
    def stored(index, t_s):  # the model, as it answered every frame
        return track.poses[index]

    scheduler = Scheduler(stored, rate, track.fps, backfill=stored, picture=lambda index: None,
                          size=(track.width, track.height))
    for index, t_s in enumerate(track.times_s):
        for frame, pose in scheduler.feed(VideoFrame(index, t_s, None), index):
            out.append(frame.t_s, pose)
    for frame, pose in scheduler.end():
        out.append(frame.t_s, pose)
    return out, scheduler.calls + scheduler.backfilled


def replay_answers(track, exercise_id: str) -> dict:
    """The rules over a pose track, as ``analyze`` runs them."""
    from formcheck.config import thresholds_for
    from formcheck.exercises import get_exercise
    from formcheck.session import Session

    exercise = get_exercise(exercise_id)(thresholds_for({}, exercise_id))
    session = Session(exercise, thresholds_for({}, "common"), keep_timeline=False)
    for t_s, pose in zip(track.times_s, track.poses):
        session.update(t_s, pose)
    result = session.finish()
    return answers(result.reps, result.holds, result.events, result.not_judged)


def compare_track(path: Path, rate=None) -> tuple[str, list[str], int, int]:
    """One stored track every-frame and simulated adaptive: (name, differences, model
    calls, frames)."""
    from formcheck.pipeline import AdaptiveRate
    from formcheck.pose.store import load_track

    track, truth = load_track(path)
    adaptive, calls = simulate(track, (rate or AdaptiveRate()).for_exercise(truth["exercise"]))
    diffs = differences(replay_answers(track, truth["exercise"]), replay_answers(adaptive, truth["exercise"]))
    return path.name.split(".")[0], diffs, calls, len(track)


def population(paths: list[Path], rate=None, jobs: int = 2) -> list[tuple[str, list[str], int, int]]:
    """``compare_track`` on each path, in ``jobs`` processes."""
    if jobs > 1 and len(paths) > 8:
        with ProcessPoolExecutor(jobs) as pool:
            return list(pool.map(compare_track, paths, [rate] * len(paths), chunksize=4))
    return [compare_track(p, rate) for p in paths]


def compare_filmed(clip: Path, exercise: str, model_path: Path, rate=None) -> tuple[list[str], int, int]:
    """A filmed clip through the real model, every frame and adaptive: (differences, model
    calls of the adaptive run, frames)."""
    from formcheck.analyze import Outputs, analyze_video
    from formcheck.pipeline import AdaptiveRate
    from formcheck.pose.estimator import PoseEstimator

    calls = 0
    detect = PoseEstimator.detect_prepared

    def counted(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        return detect(self, *args, **kwargs)

    every = analyze_video(clip, exercise, model_path, Outputs(), progress=False, rate=None)
    PoseEstimator.detect_prepared = counted
    try:
        adaptive = analyze_video(clip, exercise, model_path, Outputs(), progress=False, rate=rate or AdaptiveRate())
    finally:
        PoseEstimator.detect_prepared = detect
    pair = [answers(r.reps, r.holds, r.events, [n.code for n in r.not_judged])
            for r in (every, adaptive)]
    return differences(*pair), calls, every.video.frames


def filmed_labels() -> list[tuple[Path, str]]:
    """Each filmed clip with its exercise(s), as labelled in ``real_clips.json``."""
    labels = json.loads(REAL_LABELS.read_text())["clips"]
    return [(REAL_CLIPS / c["file"], c["exercise"]) for c in labels if (REAL_CLIPS / c["file"]).exists()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-filmed", action="store_true", help="skip the filmed clips (real model, ~5 min)")
    parser.add_argument("--no-population", action="store_true", help="skip the rendered population")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the population [2]")
    parser.add_argument("--clip", action="append", help="only this filmed clip (its file name; repeatable)")
    parser.add_argument("--rate", action="append", default=[], metavar="KEY=VALUE",
                        help="an AdaptiveRate setting other than its default (repeatable), to try one "
                             "(travel_bl: for the exercises without their own skip_travel_bl)")
    args = parser.parse_args(argv)
    from formcheck.pipeline import AdaptiveRate
    rate = AdaptiveRate(**{k: float(v) for k, v in (item.split("=", 1) for item in args.rate)})
    totals = {}
    if not args.no_population:
        results = population(sorted(POPULATION.glob("*/*.track.xz")), rate, args.jobs)
        calls, frames = sum(r[2] for r in results), sum(r[3] for r in results)
        differ = [(name, diffs) for name, diffs, _, _ in results if diffs]
        print(f"rendered population, simulated skip + fill: {len(results)} tracks, {len(differ)} differ; "
              f"model calls per frame {calls / frames:.2f}")
        for name, diffs in differ:
            print(f"  {name}: " + "; ".join(diffs))
        totals.update(population_diffs=len(differ), population_calls_per_frame=round(calls / frames, 3))
    if not args.no_filmed:
        from formcheck.models import ensure_model
        model = ensure_model("full", progress=False)
        calls = frames = differ = 0
        print("filmed clips, the real model every frame and adaptive:")
        for clip, exercise in filmed_labels():
            if args.clip and clip.name not in args.clip:
                continue
            diffs, n_calls, n_frames = compare_filmed(clip, exercise, model, rate)
            calls, frames, differ = calls + n_calls, frames + n_frames, differ + bool(diffs)
            print(f"  {clip.name} ({exercise}): model calls per frame {n_calls / n_frames:.2f}, "
                  + ("; ".join(diffs) if diffs else "same answers"))
        print(f"  {differ} of the filmed runs differ; model calls per frame {calls / max(frames, 1):.2f}")
        totals.update(filmed_diffs=differ, filmed_calls_per_frame=round(calls / max(frames, 1), 3))
    print("ADAPTIVE " + " ".join(f"{k}={v}" for k, v in totals.items()))
    return 1 if totals.get("population_diffs") or totals.get("filmed_diffs") else 0


if __name__ == "__main__":
    sys.exit(main())
