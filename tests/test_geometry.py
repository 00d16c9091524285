import math

import numpy as np
import pytest

from formcheck import geometry


def test_angle_straight_and_right():
    assert geometry.angle_deg((0, 0), (1, 0), (2, 0)) == pytest.approx(180)
    assert geometry.angle_deg((0, 1), (0, 0), (1, 0)) == pytest.approx(90)
    assert math.isnan(geometry.angle_deg((0, 0), (0, 0), (1, 0)))


@pytest.mark.parametrize("direction", [1, -1])
def test_line_deviation_sign_is_up_whichever_way_the_line_points(direction):
    a, c = (0, 100), (200 * direction, 100)
    above, below = (100 * direction, 80), (100 * direction, 130)
    assert geometry.line_deviation_deg(a, above, c) > 0
    assert geometry.line_deviation_deg(a, below, c) < 0
    assert geometry.line_deviation_deg(a, (100 * direction, 100), c) == pytest.approx(0, abs=1e-9)
    # 180 minus the interior angle, whatever the sign
    assert abs(geometry.line_deviation_deg(a, above, c)) == pytest.approx(
        180 - geometry.angle_deg(a, above, c))


def test_lean_from_vertical_image_and_world():
    assert geometry.lean_from_vertical_deg((0, 0), (0, -10)) == pytest.approx(0)
    assert geometry.lean_from_vertical_deg((0, 0), (10, -10)) == pytest.approx(45)
    assert geometry.lean_from_vertical_deg((0, 0), (10, 0)) == pytest.approx(90)
    # world (x, y, z), y down: leaning toward the camera (z) counts too
    assert geometry.lean_from_vertical_deg((0, 0, 0), (0, -1, -1)) == pytest.approx(45)


def test_sustained_max_ignores_a_one_frame_spike():
    t = np.arange(0, 3, 0.1)
    v = np.zeros_like(t)
    v[10] = 50  # one-frame spike
    v[20:26] = 20  # held for 0.5 s
    assert geometry.sustained_max(t, v, 0.3) == pytest.approx(20)
    assert geometry.sustained_min(t, -v, 0.3) == pytest.approx(-20)


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_smooth_movement_is_timed_alike_at_any_frame_rate(fps):
    from formcheck.exercises.base import fall_time_s, rise_time_s

    def smooth(t, start, length):  # 0 -> 1 over ``length`` s, speeding up then slowing down
        u = np.clip((t - start) / length, 0.0, 1.0)
        return (1 - np.cos(np.pi * u)) / 2

    for offset in (0.0, 0.37 / fps, 0.71 / fps):  # wherever the frames fall on the movement
        t = np.arange(0.0, 4.0, 1.0 / fps) + offset
        up_and_down = smooth(t, 0.5, 0.8) - smooth(t, 2.0, 0.6)  # up in 0.8 s, down in 0.6 s
        # The middle 60% of this movement takes 41% of its time (SMOOTH_MIDDLE_SHARE is 0.4);
        # timed frame by frame, a span read a frame long on average (0.25 s at 10 fps, scaled).
        assert rise_time_s(t, up_and_down, 0.0, 1.0) == pytest.approx(0.8 * 0.41 / 0.4, abs=0.03)
        assert fall_time_s(t, up_and_down, top=1.0, floor=0.0) == pytest.approx(0.6 * 0.41 / 0.4, abs=0.03)
