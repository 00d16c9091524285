"""The overlay, readable from two metres: a big counter, a labelled key angle off the body,
an outlined skeleton on any background, a hold clock from 0.0, no banner left over from a
finished rep. On numbers and synthetic poses (no model); the frames of every exercise drawn
on real pictures are looked at by a person (see README, "Overlay")."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from formcheck.exercises.glute_bridge import GluteBridge
from formcheck.exercises.seated_figure_four import SeatedFigureFour
from formcheck.overlay import FONT, KEY_LABELS, Overlay, Presenter, _body_points
from formcheck.pose.landmarks import Joint
from formcheck.session import Banner, LiveState, Session
from synthetic import bridge_track, side_pose
from synthetic_front import seated_figure_four_pose


def states(exercise, poses) -> list[LiveState]:
    session = Session(exercise)
    return [session.update(pose.t_s, pose) for pose in poses]


def test_the_rep_count_is_big_enough_to_read_from_two_metres():
    overlay = Overlay(GluteBridge(), 1280, 720)
    (_, height), _ = cv2.getTextSize("0", FONT, overlay.huge, overlay.thick)
    assert height >= 0.06 * 720  # ~4.5 cm on a 75 cm tall picture: readable at 2 m


@pytest.mark.parametrize("wall", [(255, 255, 255), (60, 230, 250), (0, 0, 0), (120, 120, 120)],
                         ids=["white", "yellow", "black", "grey"])
def test_the_skeleton_stands_out_on_any_wall(wall):
    """Each bone is a light line inside a dark outline: one of them contrasts with any wall."""
    pose = side_pose(0.0, -40.0)
    image = np.empty((480, 640, 3), np.uint8)
    image[:] = wall
    Overlay(GluteBridge(), 640, 480)._skeleton(image, pose)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(int)
    wall_grey = int(cv2.cvtColor(np.uint8([[wall]]), cv2.COLOR_BGR2GRAY)[0, 0])
    # across the shoulder-hip bone, from one side of it to the other
    a, b = pose.image_xy[11], pose.image_xy[23]
    middle, normal = (a + b) / 2, np.array([-(b - a)[1], (b - a)[0]]) / np.linalg.norm(b - a)
    across = [grey[int(round(p[1])), int(round(p[0]))] for p in (middle + normal * d for d in range(-8, 9))]
    assert max(abs(v - wall_grey) for v in across) >= 100


def test_the_key_angle_is_named_and_set_off_the_skeleton_and_the_panel():
    exercise = GluteBridge()
    state = states(exercise, [side_pose(t / 30, -30.0) for t in range(10)])[-1]
    overlay = Overlay(exercise, 640, 480)
    image = overlay.draw(np.full((480, 640, 3), 128, np.uint8), state)
    assert KEY_LABELS[exercise.key_angle.metric] == "hips"
    from formcheck.exercises.base import midpoint
    box, _ = overlay.tag_box(state.pose, midpoint(state.pose, "hip"), "hips -30", degree=True,
                             avoid=(overlay._panel(image.copy(), state),), clear=24)
    x0, y0, x1, y1 = box
    body = _body_points(state.pose, overlay.min_visibility)
    inside = (body[:, 0] >= x0) & (body[:, 0] <= x1) & (body[:, 1] >= y0) & (body[:, 1] <= y1)
    assert not inside.any()


def test_a_hold_counts_up_from_zero_without_a_jump():
    exercise = SeatedFigureFour()
    poses = [seated_figure_four_pose(i / 30, None) for i in range(30)]
    poses += [seated_figure_four_pose(1 + i / 30, "right") for i in range(300)]
    present = Presenter(exercise)
    shown = [present(state).hold_s for state in states(exercise, poses)]
    timed = [s for s in shown if s is not None]
    assert timed[0] == 0.0
    steps = np.diff(timed)
    assert steps.max() <= 1.5 / 30  # one frame's time at most: no jump when the session confirms
    assert timed[-1] == pytest.approx(299 / 30, abs=0.1)
    raw = [s.hold_s for s in states(exercise, poses)]
    assert raw[next(i for i, s in enumerate(raw) if s is not None)] > 0.5  # what the session alone shows


def test_the_bridge_shows_the_time_held_at_the_top():
    exercise = GluteBridge()
    present = Presenter(exercise)
    session = Session(exercise)
    shown = []
    for pose in bridge_track(reps=1, hold_s=2.5):
        shown.append((pose.t_s, present(session.update(pose.t_s, pose)).hold_s))
    timed = [(t, s) for t, s in shown if s is not None]
    assert timed and timed[0][1] < 0.1  # from zero
    assert max(s for _, s in timed) == pytest.approx(session.finish().reps[0].hold_s, abs=0.3)
    assert shown[-1][1] is None  # gone once the hips are back down


def test_a_fault_banner_goes_when_its_rep_is_over():
    exercise = GluteBridge()
    present = Presenter(exercise)
    cue = Banner("Hips too high - stop when shoulders, hips and knees line up", "warning")

    def state(t, count, banner, hip_line):
        return LiveState(t_s=t, pose=None, metrics={"hip_line_deg": hip_line, "knee_deg": 90.0,
                                                    "torso_from_horizontal_deg": 10.0},
                         rep_count=count, hold_side=None, hold_s=None, banner=banner, in_position=True)

    assert present(state(0.0, 0, None, -50.0)).banner is None
    assert present(state(1.0, 0, cue, 12.0)).banner == cue          # said during rep 1
    assert present(state(2.0, 1, cue, -50.0)).banner is None         # rep 1 is counted: not that cue
    summary = Banner("Hold for 2-3 seconds at the top", "warning")
    assert present(state(2.1, 1, summary, -50.0)).banner == summary  # rep 1's summary, said as it ends
    assert present(state(3.0, 1, summary, -30.0)).banner is None     # rep 2 has started
    info = Banner("Lie on your back", "info")
    assert present(state(3.1, 1, info, -30.0)).banner == info        # other banners are the session's


@pytest.mark.parametrize("open_m", [0.0, 0.2], ids=["at rest", "knees open"])
def test_the_knees_tag_keeps_off_the_face_and_sits_beside_the_knees(open_m):
    """Front view, the tag of the knees' spread anchored in the middle of the body: it goes
    beside the knees, not over the face or the shoulders (where it went when only the bones
    were avoided and only two distances were tried)."""
    from formcheck.exercises.seated_hip_abduction import SeatedHipAbduction
    from formcheck.overlay import FACE_LANDMARKS
    from synthetic_front import abduction_pose

    pose = abduction_pose(0.0, open_m, open_m)
    overlay = Overlay(SeatedHipAbduction(), 640, 480)
    anchor = (pose.xy(Joint.LEFT_KNEE) + pose.xy(Joint.RIGHT_KNEE)) / 2
    box, _ = overlay.tag_box(pose, anchor, "knees 2.14x hips")
    body = _body_points(pose, overlay.min_visibility)
    x0, y0, x1, y1 = box
    face = pose.image_xy[:FACE_LANDMARKS]
    assert not ((face[:, 0] >= x0) & (face[:, 0] <= x1) & (face[:, 1] >= y0) & (face[:, 1] <= y1)).any()
    assert not ((body[:, 0] >= x0) & (body[:, 0] <= x1) & (body[:, 1] >= y0) & (body[:, 1] <= y1)).any()
    assert y0 - 24 * overlay.unit <= anchor[1] <= y1 + 24 * overlay.unit  # beside the knees, not above them
