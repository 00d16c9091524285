"""python -m formcheck.samplegen [render|measure] [--only EXERCISE] [--clip NAME] [--out samples]"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m formcheck.samplegen",
                                     description="Render the sample clips (and measure MediaPipe on them).")
    parser.add_argument("command", nargs="?", default="render", choices=("render", "measure", "all"))
    parser.add_argument("--only", help="one exercise id")
    parser.add_argument("--clip", action="append", help="only these clip names (repeatable)")
    parser.add_argument("--out", default="samples", type=Path)
    parser.add_argument("--contact", default="/tmp/contact", type=Path, help="contact-sheet folder")
    parser.add_argument("--model", default="models/pose_landmarker_full.task", type=Path)
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)  # spinning threads cost more than they give on a busy 2-core box
    from formcheck.samplegen.clips import all_clips

    clips = [c for c in all_clips()
             if (not args.only or c.exercise == args.only) and (not args.clip or c.clip in args.clip)]
    if not clips:
        print("no clip matches", file=sys.stderr)
        return 2
    if args.command in ("render", "all"):
        from formcheck.samplegen.generate import render_clip

        total = time.monotonic()
        for spec in clips:
            data = render_clip(spec, args.out, args.contact)
            r = data["render"]
            print(f"{spec.exercise}/{spec.clip}: {r['frames']} frames ({r['unique_frames']} rendered) "
                  f"in {data['_render_s']:.1f} s; expect {data['expect']}", flush=True)
        print(f"rendered {len(clips)} clips in {time.monotonic() - total:.0f} s")
    if args.command in ("measure", "all"):
        from formcheck.samplegen.measure import measure_clip

        for spec in clips:
            m = measure_clip(spec, args.out, args.model)
            print(f"{spec.exercise}/{spec.clip}: detection {m['detection_rate']:.3f} "
                  f"errors {m['angle_error_deg']} peaks {m['at_true_peaks']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
