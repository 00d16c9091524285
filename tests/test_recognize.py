"""--exercise auto: recognising the exercise, and splitting a video that changes exercise."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from conftest import SAMPLES, real_clip, run_cli
from formcheck.recognize import FEATURES, Recognizer, frame_features, window_vector
from synthetic import side_pose


def test_features_are_finite_and_the_same_for_a_mirrored_person():
    pose = side_pose(0.0, -30)
    mirrored = pose.replace(world_xyz=pose.world_xyz * np.array([-1, 1, 1]))
    a, b = frame_features(pose), frame_features(mirrored)
    assert a.shape == (len(FEATURES),) and np.all(np.isfinite(a))
    np.testing.assert_allclose(a, b, atol=1e-9)


def test_knn_votes_for_the_nearest_windows():
    rng = np.random.default_rng(0)
    lying = [window_vector(rng.normal(0, 1, (30, len(FEATURES))) + 50) for _ in range(6)]
    sitting = [window_vector(rng.normal(0, 1, (30, len(FEATURES))) - 50) for _ in range(6)]
    model = Recognizer.fit(lying + sitting, ["a"] * 6 + ["b"] * 6, [f"c{i}" for i in range(12)])
    assert model.predict(lying[0])[0] == "a"
    assert model.predict(sitting[0] + 1)[0] == "b"


@pytest.mark.parametrize("clip, exercise", [
    ("physioplus_bridging.mp4", "glute_bridge"),
    ("chloe_seated-piriformis-stretch.gif", "seated_figure_four"),
])
def test_filmed_clips_it_never_saw(clip, exercise, model_path, tmp_path):
    r = run_cli("analyze", real_clip(clip), "--exercise", "auto", "--json", tmp_path / "r.json", "--quiet")
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["exercise"] == exercise and report["recognized"]["exercise"] == exercise


def test_a_video_that_changes_exercise_is_split(model_path, tmp_path):
    """A bridge clip followed by a hip-abduction clip: two segments, each with its own report."""
    first = SAMPLES / "glute_bridge" / "bridge_clean_left.mp4"
    second = SAMPLES / "seated_hip_abduction" / "abduction_clean_hd.mp4"
    if not (first.exists() and second.exists()):
        pytest.skip("sample clips missing")
    joined = tmp_path / "both.mp4"
    size = (640, 480)
    writer = cv2.VideoWriter(str(joined), cv2.VideoWriter_fourcc(*"mp4v"), 25, size)
    for clip in (first, second):
        cap = cv2.VideoCapture(str(clip))
        ok, image = cap.read()
        while ok:
            writer.write(cv2.resize(image, size))
            ok, image = cap.read()
        cap.release()
    writer.release()
    out = tmp_path / "out"
    out.mkdir()
    r = run_cli("analyze", joined, "--exercise", "auto", "--json", out / "r.json", "--html", out / "r.html",
                "--quiet")
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "r.json").read_text())
    segments = report["segments"]
    assert [s["exercise"] for s in segments] == ["glute_bridge", "seated_hip_abduction"]
    assert segments[0]["summary"]["rep_count"] == 3
    assert segments[0]["recognized"]["end_s"] == pytest.approx(segments[1]["recognized"]["start_s"])
    htmls = sorted(p.name for p in out.glob("*.html"))
    assert len(htmls) == 2
