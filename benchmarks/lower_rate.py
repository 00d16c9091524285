"""Do the rules answer alike at a lower frame rate? The tuning half's stored tracks filmed
at 24 fps or more are replayed on every n-th pose (n = the rate over ``--fps``, at least 2)
and scored against their truth, beside the full rate:

    .venv/bin/python -m benchmarks.lower_rate              # ~15 fps from 30 (n = 2)
    .venv/bin/python -m benchmarks.lower_rate --fps 10 --root /more/tracks

Only the rules are tested: MediaPipe, run at a lower rate, also tracks differently (the
filmed clips at half their rate, ``benchmarks.filmed_variants``, test both). Prints each
clip whose outcome changes and a last line ``LOWER_RATE clips=N lost=L gained=G``.
"""
from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.accuracy import POPULATION, score_track


def _compare(job: tuple[Path, float]) -> tuple[str, int, bool, bool, str] | None:
    from formcheck.pose.store import load_track

    path, fps = job
    track, truth = load_track(path)
    if track.fps < 24:
        return None
    every = max(2, round(track.fps / fps))
    full = score_track(track, truth)
    track.times_s, track.poses = track.times_s[::every], track.poses[::every]
    lower = score_track(track, truth)
    return path.name.split(".")[0], every, full.ok, lower.ok, "; ".join(lower.reasons if full.ok else full.reasons)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fps", type=float, default=15.0, help="the lower rate to replay at (default 15)")
    parser.add_argument("--root", type=Path, action="append", help="more folders of tuning-side tracks (EXERCISE/*.track.xz)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    paths = [p for p in sorted(POPULATION.glob("*/*.track.xz")) if int(p.name.split(".")[0].rsplit("-", 1)[1]) % 2 == 0]
    for root in args.root or []:
        paths += sorted(root.glob("*/*.track.xz"))
    clips = lost = gained = 0
    with ProcessPoolExecutor(args.jobs) as pool:
        for row in pool.map(_compare, [(p, args.fps) for p in paths], chunksize=4):
            if row is None:
                continue
            name, every, full_ok, lower_ok, why = row
            clips += 1
            if full_ok != lower_ok:
                lost += full_ok
                gained += lower_ok
                print(f"  {'lost  ' if full_ok else 'gained'} {name:32s} every {every}: {why}", flush=True)
    print(f"LOWER_RATE clips={clips} lost={lost} gained={gained}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
