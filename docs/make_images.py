"""Make the README's pictures from a sample clip, so they can be made again after a change:

    python docs/make_images.py                  # docs/images/overlay.png, report.png, report-phone.png
    python docs/make_images.py --every-exercise /tmp/frames
                                                # also three overlay frames of every exercise
                                                # (at rest, mid-rep or mid-hold, with a cue) to look at

Each picture comes from what a user gets: ``formcheck analyze`` runs on the clip (as typed,
in a subprocess) and writes the annotated video and the HTML report; a frame of the video
is the overlay picture, and headless Chromium (tests/browser.py: the system's chromium
driven by Playwright) photographs the report at 1280 and 390 px wide. Pictures are shrunk
and stored with a palette, to stay small in the repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "images"
README_CLIP = REPO / "samples" / "glute_bridge" / "bridge_hips_too_high.mp4"
README_EXERCISE = "glute_bridge"
# One clip per exercise for --every-exercise: one with a fault, so a cue shows.
EVERY_EXERCISE = {
    "glute_bridge": "glute_bridge/bridge_hips_too_high.mp4",
    "squat": "squat/squat_leaning_forward.mp4",
    "chair_squat": "chair_squat/chair_squat_using_hands.mp4",
    "deadlift": "deadlift/deadlift_rounded_back.mp4",
    "clamshell": "clamshell/clamshell_partial_range.mp4",
    "seated_hip_abduction": "seated_hip_abduction/abduction_uneven.mp4",
    "seated_figure_four": "seated_figure_four/seated_f4_leaning_too_far.mp4",
    "standing_figure_four": "standing_figure_four/standing_f4_too_deep.mp4",
}
OVERLAY_WIDTH_PX = 720
REPORT_WIDTH_PX = 1280
PHONE_WIDTH_PX = 390
REPORT_CROP_PX = 1960     # the report's top: summary, video, first plot
PHONE_CROP_PX = 1400      # the phone's first screens: summary and video
SHRINK_TO_PX = 760        # widest picture stored
PALETTE_COLOURS = 256


def analyze(clip: Path, exercise: str, out: Path) -> dict:
    """``formcheck analyze`` as a user types it; returns the JSON report."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "formcheck", "analyze", str(clip), "--exercise", exercise, "--quiet",
               "--json", str(out / "report.json"), "--output", str(out / "annotated.mp4"),
               "--html", str(out / "report.html")]
    subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def frame_at(video: Path, t_s: float):
    """The annotated video's frame shown at ``t_s`` (BGR)."""
    capture = cv2.VideoCapture(str(video))
    capture.set(cv2.CAP_PROP_POS_MSEC, 1000.0 * t_s)
    ok, image = capture.read()
    capture.release()
    if not ok:
        raise SystemExit(f"could not read {video} at {t_s:.2f} s")
    return image


def moments(report: dict) -> dict[str, float]:
    """Times worth a look: at rest, the middle of the first rep or hold, and just after the
    first faulty one ends (a fault judged over the whole rep is shown once the rep is counted)."""
    windows = report["reps"] + report["holds"]
    chosen = {"rest": 0.3}
    if windows:
        chosen["mid"] = (windows[0]["start_s"] + windows[0]["end_s"]) / 2
    faulty = [w for w in windows if w["faults"]]
    if faulty:
        chosen["cue"] = faulty[0]["end_s"] + 0.3
    return chosen


def save_small(image: Image.Image, path: Path, width: int = SHRINK_TO_PX) -> None:
    """Shrunk to ``width`` at most and stored with a palette: a sharp picture of a few hundred KB."""
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image = image.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
          f"{image.width}x{image.height}, {path.stat().st_size // 1024} KB")


def overlay_picture(video: Path, t_s: float, path: Path) -> None:
    image = cv2.cvtColor(frame_at(video, t_s), cv2.COLOR_BGR2RGB)
    save_small(Image.fromarray(image), path, OVERLAY_WIDTH_PX)


def report_pictures(page: Path) -> None:
    """The report at a laptop's and a phone's width, its top part."""
    sys.path.insert(0, str(REPO / "tests"))
    from browser import chromium_page

    for width, crop, name in ((REPORT_WIDTH_PX, REPORT_CROP_PX, "report.png"),
                              (PHONE_WIDTH_PX, PHONE_CROP_PX, "report-phone.png")):
        with chromium_page(width, 900) as (browser, errors):
            browser.goto(page.as_uri())
            browser.wait_for_function("document.querySelectorAll('.main-svg').length > 0", timeout=30_000)
            browser.wait_for_function("document.getElementById('fc-video').readyState >= 2", timeout=30_000)
            shot = Path(tempfile.mkdtemp()) / name
            browser.screenshot(path=str(shot), full_page=True)
        if errors:
            raise SystemExit(f"the report logged errors in Chromium: {errors}")
        image = Image.open(shot)
        save_small(image.crop((0, 0, image.width, min(image.height, crop))), IMAGES / name,
                   SHRINK_TO_PX if width > SHRINK_TO_PX else width)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every-exercise", type=Path, metavar="DIR",
                        help="also save overlay frames of every exercise in DIR (not for the README)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="formcheck-docs-") as tmp:
        out = Path(tmp, "readme")
        report = analyze(README_CLIP, README_EXERCISE, out)
        overlay_picture(out / "annotated.mp4", report["events"][0]["t_s"] + 0.3, IMAGES / "overlay.png")
        report_pictures(out / "report.html")
        if args.every_exercise:
            for exercise, clip in EVERY_EXERCISE.items():
                folder = Path(tmp, exercise)
                report = analyze(REPO / "samples" / clip, exercise, folder)
                for name, t_s in moments(report).items():
                    overlay_picture(folder / "annotated.mp4", t_s, args.every_exercise / f"{exercise}-{name}.png")


if __name__ == "__main__":
    main()
