"""Reliability: bad input gets one clear line; awkward but valid input works; Ctrl-C leaves nothing.

Every awkward file is generated here (ffmpeg from the imageio-ffmpeg wheel), none is committed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from conftest import interrupted_midway, real_clip, run_cli
from test_cli_errors import assert_clean_failure, outputs

ffmpeg_exe = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
BRIDGE = "physioplus_bridging.mp4"  # 91 frames, 640x480, 30 fps, one rep


def ffmpeg(*args):
    subprocess.run([ffmpeg_exe, "-v", "error", "-y", *map(str, args)], check=True, timeout=120)


@pytest.fixture
def out_dir(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    return d


def analyze(clip, out_dir, *extra):
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", "--quiet", *outputs(out_dir), *extra)
    report = json.loads((out_dir / "r.json").read_text()) if (out_dir / "r.json").exists() else None
    return r, report


# -- bad input: one line, non-zero exit, nothing written ------------------------------------

def test_image_named_mp4(tmp_path, out_dir):
    clip = tmp_path / "photo.mp4"
    cv2.imwrite(str(tmp_path / "photo.png"), np.full((240, 320, 3), 128, np.uint8))
    (tmp_path / "photo.png").rename(clip)
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", *outputs(out_dir))
    assert_clean_failure(r, "still image, not a video", out_dir)


def test_audio_only_file(tmp_path, out_dir):
    clip = tmp_path / "song.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", clip)
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", *outputs(out_dir))
    assert_clean_failure(r, "not a readable video", out_dir)


def test_corrupt_model_file_says_how_to_rebuild(tmp_path, out_dir):
    models = tmp_path / "models"
    models.mkdir()
    (models / "pose_landmarker_full.task").write_bytes(b"PK\x03\x04 not really a model")
    clip = real_clip(BRIDGE)
    env = {**os.environ, "FORMCHECK_MODELS_DIR": str(models)}
    r = subprocess.run([sys.executable, "-m", "formcheck", "analyze", clip, "--exercise", "glute_bridge",
                        *map(str, outputs(out_dir))], capture_output=True, text=True, env=env, timeout=300)
    assert_clean_failure(r, "formcheck models fetch", out_dir)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_unwritable_output_folder(tmp_path, out_dir):
    out_dir.chmod(0o500)
    try:
        r = run_cli("analyze", real_clip(BRIDGE), "--exercise", "glute_bridge", "--json", out_dir / "r.json")
        assert r.returncode != 0 and "cannot write" in r.stderr
    finally:
        out_dir.chmod(0o700)


# -- awkward but valid input ---------------------------------------------------------------------

def test_truncated_video_is_analysed_as_far_as_it_goes(tmp_path, out_dir, model_path):
    whole = tmp_path / "whole.mp4"
    ffmpeg("-i", real_clip(BRIDGE), "-c:v", "mpeg4", "-q:v", "4", "-movflags", "+faststart", whole)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    r, report = analyze(cut, out_dir)
    assert r.returncode == 0, r.stderr
    assert "truncated" in r.stderr and "Traceback" not in r.stderr
    assert 30 < report["video"]["frames"] < 91
    assert any("truncated" in w for w in report["warnings"])


def test_portrait_phone_video_is_analysed_upright(tmp_path, out_dir, model_path):
    rotated = tmp_path / "phone.mp4"
    ffmpeg("-display_rotation", "90", "-i", real_clip(BRIDGE), "-c", "copy", rotated)
    r, report = analyze(rotated, out_dir)
    assert r.returncode == 0, r.stderr
    assert (report["video"]["width"], report["video"]["height"]) == (480, 640)
    assert report["pose"]["frames_with_pose"] >= 80


def test_variable_frame_rate_uses_container_times(tmp_path, out_dir, model_path):
    vfr = tmp_path / "vfr.mp4"
    # the first 45 frames at 30 fps, the rest at 15 fps: the clip lasts 1.5 + 46/15 s
    ffmpeg("-i", real_clip(BRIDGE), "-vf", "setpts='if(lt(N,45),N/30,1.5+(N-45)/15)/TB'",
           "-fps_mode", "vfr", "-c:v", "mpeg4", "-q:v", "4", vfr)
    r, report = analyze(vfr, out_dir)
    assert r.returncode == 0, r.stderr
    assert report["video"]["duration_s"] == pytest.approx(1.5 + 46 / 15, abs=0.1)
    assert report["summary"]["rep_count"] == 1
    assert report["reps"][0]["end_s"] > 3.0  # stretched in time like the video


def test_corrupt_frame_in_the_middle_is_skipped_and_counted(tmp_path, out_dir, model_path):
    mjpeg = tmp_path / "mj.avi"
    ffmpeg("-i", real_clip(BRIDGE), "-c:v", "mjpeg", "-q:v", "5", mjpeg)
    data = bytearray(mjpeg.read_bytes())
    starts = [i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] == 0xD8]
    a, b = starts[40], starts[41]
    data[a:b - 200] = np.random.default_rng(0).integers(0, 256, b - 200 - a, dtype=np.uint8).tobytes()
    broken = tmp_path / "broken.avi"
    broken.write_bytes(bytes(data))
    r, report = analyze(broken, out_dir)
    assert r.returncode == 0, r.stderr
    assert "unreadable frames were skipped" in r.stderr
    assert 85 <= report["video"]["frames"] < 91
    assert report["summary"]["rep_count"] == 1


def test_4k_and_a_very_short_clip(tmp_path, out_dir, model_path):
    big = tmp_path / "big.mp4"
    ffmpeg("-i", real_clip(BRIDGE), "-frames:v", "8", "-vf", "scale=3840:2160", "-c:v", "mpeg4", "-q:v", "8", big)
    r = run_cli("analyze", big, "--exercise", "glute_bridge", "--json", out_dir / "r.json", "--quiet")
    assert r.returncode == 0, r.stderr
    report = json.loads((out_dir / "r.json").read_text())
    assert report["video"]["width"] == 3840 and report["video"]["frames"] == 8
    assert report["pose"]["frames_with_pose"] >= 6


def test_two_people_one_is_followed(tmp_path, model_path):
    """Two people side by side: the tracked hips stay on one person the whole clip."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.video import VideoReader

    left, right = real_clip(BRIDGE), real_clip("myguides_pelvic-tilt.mp4")
    with VideoReader(left) as a, VideoReader(right) as b, PoseEstimator(model_path) as est:
        xs = []
        for fa, fb in zip(a, b):
            both = np.hstack([fa.image, cv2.resize(fb.image, (640, 480))])
            pose = est.detect(both, fa.t_s)
            if pose is not None:
                xs.append((pose.image_xy[23, 0] + pose.image_xy[24, 0]) / 2)
    assert len(xs) > 60
    halves = {x < 640 for x in xs}
    assert len(halves) == 1, "the tracker jumped between people"


# -- interruption ----------------------------------------------------------------------------------

def test_ctrl_c_during_analyze_leaves_no_partial_output(tmp_path, out_dir, model_path):
    clip = real_clip("myguides_pelvic-tilt.mp4")
    run, _ = interrupted_midway(20, "analyze", clip, "--exercise", "glute_bridge", "--quiet", *outputs(out_dir))
    assert run.returncode == 130
    assert "interrupted" in run.stderr and "Traceback" not in run.stderr
    assert list(out_dir.iterdir()) == []

# -- fuzz: tests/test_fuzz.py (30 files) and python -m benchmarks.fuzz (500) ------------------------
