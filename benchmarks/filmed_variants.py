"""Are the filmed clips still right when the camera changes? Each clip in
``../shared/real-clips`` is written again as a variant a different phone or set-up would
film, run through the real model, and scored against its hand labels:

    .venv/bin/python -m benchmarks.filmed_variants                 # every variant (~4 min each)
    .venv/bin/python -m benchmarks.filmed_variants mirror tilt8    # some of them

- ``mirror``: flipped left to right (the person on the other side of the camera; a
  labelled hold's side swaps);
- ``half_fps``: every other frame (a phone filming at 12-15 fps);
- ``half_size``: half the width and height (a far or low-resolution camera);
- ``tilt8``: the camera rolled 8 degrees;
- ``dim``: a dim room (brightness x 0.45).

The variants are written under ``benchmarks/.cache/variants`` (git-ignored; the clips are
never copied into the project) and their pose tracks cached like the filmed clips'. Prints
a line per clip that is wrong and a last line ``FILMED_VARIANTS mirror=16/16 ...``.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import cv2

from benchmarks.accuracy import REAL_CACHE, REAL_CLIPS, REAL_LABELS, real_track, replay, score
from formcheck.video import VideoReader


@dataclass(frozen=True)
class Variant:
    every: int = 1          # keep every n-th frame
    scale: float = 1.0
    mirror: bool = False
    roll_deg: float = 0.0
    brightness: float = 1.0

    def frame(self, image):
        """The picture as this camera would film it."""
        if self.scale != 1.0:
            image = cv2.resize(image, None, fx=self.scale, fy=self.scale, interpolation=cv2.INTER_AREA)
        if self.mirror:
            image = cv2.flip(image, 1)
        if self.roll_deg:
            h, w = image.shape[:2]
            turn = cv2.getRotationMatrix2D((w / 2, h / 2), self.roll_deg, 1.0)
            image = cv2.warpAffine(image, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)
        if self.brightness != 1.0:
            image = cv2.convertScaleAbs(image, alpha=self.brightness)
        return image


VARIANTS = {
    "mirror": Variant(mirror=True),
    "half_fps": Variant(every=2),
    "half_size": Variant(scale=0.5),
    "tilt8": Variant(roll_deg=8.0),
    "dim": Variant(brightness=0.45),
}
SWAPPED = {"left": "right", "right": "left"}


def write_variant(source: Path, target: Path, variant: Variant) -> None:
    """``source`` filmed again as ``variant`` would, to ``target`` (.mp4); kept if there."""
    if target.exists():
        return
    partial = target.with_suffix(".partial.mp4")
    writer = None
    with VideoReader(source) as video:  # its frame rate as formcheck reads it (a GIF's from its frame times)
        try:
            for frame in video:
                if frame.index % variant.every:
                    continue
                image = variant.frame(frame.image)
                if writer is None:
                    h, w = image.shape[:2]
                    fourcc = cv2.VideoWriter_fourcc(*"mp4v")
                    writer = cv2.VideoWriter(str(partial), fourcc, video.info.fps / variant.every, (w, h))
                writer.write(image)
        finally:
            if writer is not None:
                writer.release()
    partial.rename(target)


def labels_seen_as(label: dict, variant: Variant) -> dict:
    """The hand labels of a clip as the variant shows it: a mirror swaps a hold's side."""
    label = copy.deepcopy(label)
    if variant.mirror:
        for hold in label.get("holds", []):
            if hold.get("side"):
                hold["side"] = SWAPPED[hold["side"]]
    return label


def run_variant(name: str) -> tuple[int, int]:
    variant = VARIANTS[name]
    # named by what the variant does, so a changed variant is written again
    folder = REAL_CACHE / "variants" / f"{name}-{hashlib.sha256(repr(variant).encode()).hexdigest()[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    right = scored = 0
    for label in json.loads(REAL_LABELS.read_text())["clips"]:
        if label.get("unscored"):
            continue
        label = labels_seen_as(label, variant)
        clip = folder / f"{Path(label['file']).stem}.mp4"
        write_variant(REAL_CLIPS / label["file"], clip, variant)
        got = replay(real_track(clip, label["exercise"]), label["exercise"])
        result = score(label["file"], label["exercise"], "filmed", label, got, count_always=True)
        scored += 1
        right += result.ok
        if not result.ok:
            print(f"  {name:9s} {label['file']:38s} {label['exercise']:20s} {'; '.join(result.reasons)}", flush=True)
    return right, scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="*", metavar="VARIANT", help=", ".join(VARIANTS) + " (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.variants if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant {unknown[0]!r}: choose from {', '.join(VARIANTS)}")
    if not REAL_CLIPS.is_dir():
        print(f"formcheck: no filmed clips at {REAL_CLIPS}")
        return 2
    results = {name: run_variant(name) for name in args.variants or VARIANTS}
    print("FILMED_VARIANTS " + " ".join(f"{name}={right}/{scored}" for name, (right, scored) in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
