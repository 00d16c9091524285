import numpy as np

from formcheck.pose.smoothing import OneEuroFilter, PoseSmoother
from synthetic import side_pose


def test_one_euro_reduces_jitter_when_still():
    rng = np.random.default_rng(1)
    f = OneEuroFilter()
    raw = 100 + rng.normal(0, 3, 300)
    out = np.array([f(i / 30, np.array([x]))[0] for i, x in enumerate(raw)])
    assert np.std(out[30:]) < np.std(raw[30:]) / 2


def test_one_euro_follows_a_fast_move():
    f = OneEuroFilter()
    values = [f(i / 30, np.array([0.0 if i < 30 else 200.0]))[0] for i in range(60)]
    assert values[-1] > 195  # caught up within a second


def test_pose_smoother_restarts_after_a_gap():
    smoother = PoseSmoother(max_gap_s=0.5)
    smoother(side_pose(0.0, -50))
    assert smoother(None) is None
    after_gap = smoother(side_pose(2.0, 0))
    np.testing.assert_allclose(after_gap.image_xy, side_pose(2.0, 0).image_xy)
