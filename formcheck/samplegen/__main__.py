"""python -m formcheck.samplegen [render|measure|all|population|plan|video] ..."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

POPULATION_ROOT = Path("samples/population")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m formcheck.samplegen",
                                     description="Render the sample clips (and measure MediaPipe on them), or the "
                                                 "random population's pose tracks.")
    parser.add_argument("command", nargs="?", default="render",
                        choices=("render", "measure", "all", "population", "plan", "video"))
    parser.add_argument("--only", action="append", help="only these exercise ids (repeatable)")
    parser.add_argument("--clip", action="append", help="only these clip names (repeatable)")
    parser.add_argument("--out", default=None, type=Path,
                        help="output folder (samples, or samples/population for the population)")
    parser.add_argument("--contact", default="/tmp/contact", type=Path, help="contact-sheet folder")
    parser.add_argument("--model", default="models/pose_landmarker_full.task", type=Path)
    parser.add_argument("--count", type=int, default=None, help="population clips per exercise (default: all, the named negatives included)")
    parser.add_argument("--jobs", type=int, default=2, help="population: worker processes")
    args = parser.parse_args(argv)
    if args.command in ("population", "plan", "video"):
        return _population(args)

    import torch

    torch.set_num_threads(1)  # spinning threads cost more than they give on a busy 2-core box
    from formcheck.samplegen.clips import all_clips

    out = args.out or Path("samples")
    clips = [c for c in all_clips()
             if (not args.only or c.exercise in args.only) and (not args.clip or c.clip in args.clip)]
    if not clips:
        print("no clip matches", file=sys.stderr)
        return 2
    if args.command in ("render", "all"):
        from formcheck.samplegen.generate import render_clip

        total = time.monotonic()
        for spec in clips:
            data = render_clip(spec, out, args.contact)
            r = data["render"]
            print(f"{spec.exercise}/{spec.clip}: {r['frames']} frames ({r['unique_frames']} rendered) "
                  f"in {data['_render_s']:.1f} s; expect {data['expect']}", flush=True)
        print(f"rendered {len(clips)} clips in {time.monotonic() - total:.0f} s")
    if args.command in ("measure", "all"):
        from formcheck.samplegen.measure import measure_clip

        for spec in clips:
            m = measure_clip(spec, out, args.model)
            print(f"{spec.exercise}/{spec.clip}: detection {m['detection_rate']:.3f} "
                  f"errors {m['angle_error_deg']} peaks {m['at_true_peaks']}", flush=True)
    return 0


def _population(args) -> int:
    """Render the population's pose tracks (resumable: clips already stored are kept)."""
    from formcheck.samplegen import population as P
    from formcheck.samplegen.exercises import EXERCISES

    root = args.out or POPULATION_ROOT
    count = {ex: args.count or P.clip_count(ex) for ex in EXERCISES if not args.only or ex in args.only}
    jobs = [(ex, k) for k in range(max(count.values(), default=0)) for ex in count if k < count[ex]]
    if args.clip:
        jobs = [(ex, k) for ex, k in jobs if P.clip_name(ex, k) in args.clip]
    if args.command == "plan":
        frames = 0
        for ex, k in jobs:
            spec = P.draw(ex, k)
            frames_k = _planned_frames(spec)
            frames += frames_k
            print(f"{spec.clip}: {spec.camera.width}x{spec.camera.height} {spec.camera.fps:.0f} fps "
                  f"~{frames_k} frames; {spec.description}")
        print(f"{len(jobs)} clips, ~{frames} frames")
        return 0
    if args.command == "video":
        for ex, k in jobs:
            print(P.video(ex, k, args.out or Path("out/population")))
        return 0
    todo = [(ex, k, str(root), str(args.model)) for ex, k in jobs if not P.track_path(root, ex, k).exists()]
    print(f"{len(jobs) - len(todo)} of {len(jobs)} tracks already stored in {root}; rendering {len(todo)}",
          flush=True)
    started = time.monotonic()
    if args.jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(args.jobs, maxtasksperchild=8) as pool:
            for line in pool.imap_unordered(P.build_one, todo):
                print(line, flush=True)
    else:
        for job in todo:
            print(P.build_one(job), flush=True)
    print(f"rendered {len(todo)} tracks in {time.monotonic() - started:.0f} s")
    return 0


def _planned_frames(spec) -> int:
    from formcheck.samplegen.generate import Rendering

    return len(Rendering(spec).times)


if __name__ == "__main__":
    sys.exit(main())
