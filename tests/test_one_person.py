"""With a second person in view, formcheck stays on the person who was there first (the real
model on two filmed-like sample clips side by side)."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.person import RELOCK_S, centre_and_torso

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FPS = 15.0


def frames(path: Path) -> list[np.ndarray]:
    capture, out = cv2.VideoCapture(str(path)), []
    while True:
        ok, frame = capture.read()
        if not ok:
            return out
        out.append(frame)


def side_by_side(script, first, second):
    """``script``: [(seconds, first person shown, second person shown)]: frames of both halves."""
    blank = np.full_like(first[0], 128)
    t, i = 0.0, 0
    for seconds, show_first, show_second in script:
        for _ in range(round(seconds * FPS)):
            left = first[i % len(first)] if show_first else blank
            right = second[i % len(second)] if show_second else blank
            yield t, np.hstack([left, right])
            t, i = t + 1.0 / FPS, i + 1


def track(model_path, script):
    first = frames(SAMPLES / "squat" / "squat_clean_front.mp4")
    second = frames(SAMPLES / "deadlift" / "deadlift_clean.mp4")
    half_width = first[0].shape[1]
    out = []
    with PoseEstimator(model_path) as estimator:
        for t, frame in side_by_side(script, first, second):
            pose = estimator.detect(frame, t)
            on_left = None if pose is None else bool(centre_and_torso(pose)[0][0] < half_width)
            out.append((t, on_left, pose is not None and pose.new_person))
    return out


def test_stays_on_the_first_person_while_they_step_out_and_back(model_path):
    seen = track(model_path, [(2.0, True, False), (2.0, True, True), (1.5, False, True), (3.0, True, True)])
    assert all(on_left is not False for t, on_left, _ in seen), "followed the second person"
    back = [on_left for t, on_left, _ in seen if t >= 5.5 + 1.0]
    assert sum(bool(x) for x in back) >= 0.8 * len(back), "did not find the first person again"
    assert not any(new for *_, new in seen)


def test_follows_someone_else_only_when_the_first_person_has_gone_and_says_so(model_path):
    seen = track(model_path, [(2.0, True, False), (1.0, True, True), (RELOCK_S + 2.0, False, True)])
    gone_at = 3.0
    assert all(on_left is not False for t, on_left, _ in seen if t < gone_at + RELOCK_S - 0.01)
    switched = [t for t, _, new in seen if new]
    assert len(switched) == 1 and switched[0] == pytest.approx(gone_at + RELOCK_S, abs=0.5)
    assert all(on_left is False for t, on_left, _ in seen if t > switched[0])


def test_the_report_says_when_another_person_was_followed(model_path):
    from formcheck.exercises import get_exercise
    from formcheck.report.model import Report
    from formcheck.session import Session
    from formcheck.report.model import VideoFacts

    first = frames(SAMPLES / "squat" / "squat_clean_front.mp4")
    with PoseEstimator(model_path) as estimator:
        pose = estimator.detect(np.hstack([first[0], first[0]]), 0.0)
    session = Session(get_exercise("squat")())
    session.update(0.0, pose)
    session.update(1.0, pose.replace(t_s=1.0, new_person=True))
    report = Report.from_session(session.finish(), "x.mp4", VideoFacts(15.0, 2, 1.0, 960, 360), "full")
    assert report.warnings == ["from 1.0 s another person was followed: the first one had left the picture"]
