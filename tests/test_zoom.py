"""A person too small for the pose model in the whole frame (filmed from afar) is found
zoomed in, with landmarks in the whole frame's pixels; a person the whole frame shows costs
no model call more (the real model on a real sample frame, shrunk into a larger picture)."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.pose import estimator as estimator_module
from formcheck.pose.estimator import PoseEstimator, prepare

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FPS = 15.0


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(SAMPLES / "squat" / "squat_clean_side.mp4"))
    out = []
    while len(out) < 18:
        ok, frame = capture.read()
        assert ok
        out.append(frame)
    return out


SHRINK = 2 / 3  # the frame's middle, this size, in a picture 3 times the frame's height


def far_away(frame: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The middle of the frame (where the person squats), shrunk, in a portrait picture 3
    times the frame's height, the wall and floor at its edges drawn on: the person spans
    ~1/6 of the picture's height. Returns it and where the frame's (0, 0) is in it, in
    the picture's pixels (a landmark at (x, y) in the frame is at offset + SHRINK * (x, y))."""
    height, width = frame.shape[:2]
    x0 = width // 4
    middle = cv2.resize(frame[:, x0:x0 + width // 2], None, fx=SHRINK, fy=SHRINK, interpolation=cv2.INTER_AREA)
    top, left = int(1.3 * height), int(0.6 * width)
    big_h, big_w = 3 * height, 2 * width
    picture = cv2.copyMakeBorder(middle, top, big_h - top - middle.shape[0], left, big_w - left - middle.shape[1],
                                 cv2.BORDER_REPLICATE)
    return picture, (left - SHRINK * x0, top)


class Calls:
    """Counts the pose model's calls, whichever landmarker makes them."""

    def __init__(self, monkeypatch):
        self.count = 0
        landmarker = estimator_module.mp_pose.PoseLandmarker
        for name in ("detect", "detect_for_video"):
            original = getattr(landmarker, name)
            monkeypatch.setattr(landmarker, name, self._counted(original))

    def _counted(self, original):
        def counted(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)
        return counted


def test_a_small_person_is_found_zoomed_in_and_followed(model_path, frames, monkeypatch):
    with PoseEstimator(model_path) as estimator:
        near = [estimator.detect(frame, i / FPS) for i, frame in enumerate(frames)]
    assert all(pose is not None for pose in near)
    calls = Calls(monkeypatch)
    # the whole frame alone finds nobody: the picture needs the zoom
    monkeypatch.setattr(estimator_module._Zoom, "find", lambda *args: None)
    with PoseEstimator(model_path) as estimator:
        assert all(estimator.detect(far_away(frame)[0], i / FPS) is None for i, frame in enumerate(frames))
    monkeypatch.undo()
    calls = Calls(monkeypatch)
    with PoseEstimator(model_path) as estimator:
        far = []
        for i, frame in enumerate(frames):
            picture, offset = far_away(frame)
            before = calls.count
            far.append((estimator.detect(picture, i / FPS), offset, calls.count - before))
    # the whole frame alone, till it has found nobody for a while; then windows till found
    # (the middle ones first); then the whole frame and the square around the person
    first = round(estimator_module.ZOOM_AFTER_S * FPS)
    assert [pose is None for pose, _, _ in far[:first]] == [True] * first
    assert [n for _, _, n in far[:first]] == [1] * first
    assert all(pose is not None for pose, _, _ in far[first:]), "the small person was not found"
    assert 2 <= far[first][2] <= 1 + estimator_module.ZOOM_SEARCH_WINDOWS
    assert [n for _, _, n in far[first + 1:]] == [2] * (len(far) - first - 1)
    for (pose, offset, _), reference in zip(far[first:], near[first:]):
        span = np.ptp(reference.image_xy[:, 1])
        error = np.linalg.norm(pose.image_xy - offset - SHRINK * reference.image_xy, axis=1)
        assert np.median(error) < 0.05 * SHRINK * span, "landmarks not where the person is in the picture"


def test_a_person_the_whole_frame_finds_costs_one_call(model_path, frames, monkeypatch):
    calls = Calls(monkeypatch)
    with PoseEstimator(model_path) as estimator:
        for i, frame in enumerate(frames):
            assert estimator.detect_prepared(prepare(frame), i / FPS) is not None
    assert calls.count == len(frames)


def test_windows_cover_the_picture_with_overlap():
    for width, height in [(540, 960), (1920, 1080), (480, 360)]:
        windows = estimator_module._windows(width, height)
        covered = np.zeros((height, width), bool)
        for x, y, side in windows:
            assert 0 <= x and x + side <= width and 0 <= y and y + side <= height
            covered[y:y + side, x:x + side] = True
        assert covered.all()
    assert len(estimator_module._windows(540, 960)) == 9  # 3 of the width, 6 of half the height
