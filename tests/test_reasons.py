"""Why nothing was counted: a wrong exercise, a dark picture, a small person, a video on its
side, faults the view hides. Each reason is one line a person can act on, in the CLI's
output, the JSON report's warnings and the page."""

from __future__ import annotations

import json
import subprocess

import cv2
import numpy as np
import pytest

from conftest import real_clip, run_cli
from formcheck import reasons
from formcheck.report.html import render_html
from formcheck.report.model import NotJudged
from formcheck.report.words import not_judged_text
from reports import make_report, rep
from synthetic import bridge_track
from test_cli_errors import assert_clean_failure, outputs

ffmpeg_exe = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
BRIDGE = "physioplus_bridging.mp4"  # 91 frames, 640x480, one rep


def ffmpeg(source, target, video_filter):
    subprocess.run([ffmpeg_exe, "-v", "error", "-y", "-i", str(source), "-vf", video_filter, "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", str(target)], check=True, timeout=120)
    return target


@pytest.fixture
def out_dir(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    return d


def analyze(clip, exercise, out_dir):
    r = run_cli("analyze", clip, "--exercise", exercise, "--quiet", *outputs(out_dir))
    report = json.loads((out_dir / "r.json").read_text()) if (out_dir / "r.json").exists() else None
    return r, report


# -- end to end, the real model on filmed clips made awkward -----------------------------------

def test_a_squat_analysed_as_a_glute_bridge_says_so(out_dir, model_path):
    r, report = analyze(real_clip("tobefrank_goblet-squat.mp4"), "glute_bridge", out_dir)
    assert r.returncode == 0, r.stderr
    line = "this looks like a squat or chair squat, not a glute bridge: use --exercise squat"
    assert f"warning: {line}" in r.stderr
    assert report["summary"]["rep_count"] == 0 and any(w.startswith(line) for w in report["warnings"])
    assert "This looks like a squat" in (out_dir / "r.html").read_text()


def test_a_dark_clip_says_it_is_too_dark(tmp_path, out_dir, model_path):
    dark = ffmpeg(real_clip(BRIDGE), tmp_path / "dark.mp4", "eq=brightness=-0.4")
    r, _ = analyze(dark, "glute_bridge", out_dir)
    assert_clean_failure(r, "the picture is too dark", out_dir)
    assert "more light" in r.stderr


def test_a_small_person_is_found_zoomed_in_or_said_to_be_too_small(tmp_path, out_dir, model_path):
    small = ffmpeg(real_clip(BRIDGE), tmp_path / "far.mp4",
                   "scale=iw/4:ih/4,pad=640:480:(ow-iw)/3:(oh-ih)/2:color=gray")  # a quarter the size, far off
    r, report = analyze(small, "glute_bridge", out_dir)
    assert r.returncode == 0, r.stderr  # the pose estimator's zoomed search finds them
    assert report["summary"]["rep_count"] == 1
    # where even that misses them (seen only in moments), the frames kept say why
    capture, frames = cv2.VideoCapture(str(small)), []
    while (frame := capture.read()[1]) is not None:
        frames.append(frame)
    samples = frames[:: len(frames) // reasons.SAMPLE_FRAMES][: reasons.SAMPLE_FRAMES]
    line = reasons.nobody_found(samples, model_path, "far.mp4")
    assert "the person is too small in the picture" in line and "move the camera closer" in line


def test_a_video_on_its_side_without_a_rotation_tag_is_noticed(tmp_path, out_dir, model_path):
    sideways = ffmpeg(real_clip(BRIDGE), tmp_path / "sideways.mp4", "transpose=2")  # turned anticlockwise
    r, report = analyze(sideways, "glute_bridge", out_dir)
    assert r.returncode == 0, r.stderr
    assert report["summary"]["rep_count"] == 0
    [warning] = report["warnings"]
    assert "on its side" in warning and "turned 90° clockwise, 1 rep would count" in warning
    assert "transpose=1" in warning and f"warning: {warning}" in r.stderr


def test_faults_the_view_hides_are_listed_in_the_output(out_dir, model_path):
    r, report = analyze(real_clip("tobefrank_rdl.mp4"), "deadlift", out_dir)  # filmed from the front
    assert r.returncode == 0, r.stderr
    assert report["summary"]["rep_count"] == 1 and report["not_judged"]
    assert "  not judged from this camera view (it needs a side view" in r.stdout
    assert "back rounding" in r.stdout
    assert 'class="not-judged"' in (out_dir / "r.html").read_text()


def test_a_well_filmed_clip_gets_no_warning(out_dir, model_path):
    r, report = analyze(real_clip(BRIDGE), "glute_bridge", out_dir)
    assert r.returncode == 0 and "warning" not in r.stderr and "warnings" not in report


# -- the parts, without the model ---------------------------------------------------------------

def test_samples_are_spread_over_the_whole_video_and_few():
    samples = reasons.FrameSamples(limit=8)
    for i in range(1000):
        samples.offer(lambda i=i: np.full((4, 4, 3), i, np.uint16))  # made only when kept
    kept = [int(image[0, 0, 0]) for image in samples.images]
    assert 4 < len(kept) <= 8 and kept[0] == 0 and kept[-1] >= 1000 - samples.stride
    gaps = set(np.diff(kept))
    assert gaps == {samples.stride}  # evenly spread


def test_the_samples_of_a_long_video_are_small():
    samples = reasons.FrameSamples()
    samples.offer(np.zeros((2160, 3840, 3), np.uint8))
    assert max(samples.images[0].shape[:2]) == reasons.SAMPLE_SIDE_PX


def test_turning_a_track_back_and_forth_gives_it_back():
    from formcheck.pose.landmarks import PoseTrack

    track = PoseTrack(fps=30.0, width=640, height=480)
    for pose in bridge_track(reps=1):
        track.append(pose.t_s, pose)
    back = reasons.rotated(reasons.rotated(track, "clockwise"), "anticlockwise")
    assert (back.width, back.height) == (640, 480)
    for a, b in zip(track.poses, back.poses):
        assert np.allclose(a.image_xy, b.image_xy) and np.allclose(a.world_xyz, b.world_xyz)
    assert reasons.counted(track, "glute_bridge") == 1
    assert reasons.on_its_side(track, "glute_bridge") is None  # it counts as it is


def test_nobody_found_upright_but_turned_says_the_video_is_on_its_side(monkeypatch):
    class OnlyUprightPeople:
        """A pose model that finds someone only in portrait pictures (a standing person)."""

        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def detect(self, image, t_s):
            return object() if image.shape[0] > image.shape[1] * 1.2 else None

    monkeypatch.setattr(reasons, "PoseEstimator", OnlyUprightPeople)
    landscape = [np.full((480, 640, 3), 120, np.uint8) for _ in range(8)]
    line = reasons.nobody_found(landscape, "model.task", "clip.mp4")
    assert line.startswith("no person was found in clip.mp4 upright, but turned 90° clockwise there is someone")
    assert "transpose=1" in line


def test_not_judged_faults_read_as_one_line_on_the_page():
    report = make_report("deadlift", reps=[rep(1, 1.0, 4.0)])
    report.not_judged = [NotJudged("rounded_back", "needs a side view (this one was front)"),
                         NotJudged("squatting", "needs a side view (this one was front)")]
    report.warnings = ["the body was tracked in only 40% of the video"]
    text = not_judged_text(report.not_judged, "deadlift")
    assert text.startswith("not judged from this camera view (it needs a side view; this one was front): ")
    page = render_html(report)
    assert "Not judged from this camera view (it needs a side view; this one was front)" in page
    assert "The body was tracked in only 40% of the video" in page
