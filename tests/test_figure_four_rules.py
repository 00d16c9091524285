"""Seated and standing figure-four rules on front-view landmark tracks made from numbers (no model)."""

import numpy as np
import pytest

from formcheck.counting import UNSEEN, HoldTracker, Window
from formcheck.exercises.base import body_width_ratio, facing_yaw_deg
from formcheck.exercises.seated_figure_four import SeatedFigureFour
from formcheck.exercises.seated_figure_four import Thresholds as SeatedThresholds
from formcheck.exercises.standing_figure_four import StandingFigureFour
from formcheck.pose.landmarks import Joint
from formcheck.session import Session
from population_tracks import replay_population
from synthetic_front import seated_figure_four_pose, standing_figure_four_pose, turned

FPS = 15.0


def track(pose_fn, script, fps=FPS, **kwargs):
    """``script``: [(seconds, crossed side or None, {pose overrides})...] played in order."""
    poses, t = [], 0.0
    for duration, crossed, extra in script:
        end = t + duration
        while t < end - 1e-9:
            poses.append(pose_fn(t, crossed, **{**kwargs, **extra}))
            t += 1.0 / fps
    return poses


def run(exercise, poses):
    session = Session(exercise)
    states = [session.update(p.t_s, p) for p in poses]
    return session.finish(), states


def fired(result):
    return {e.code for e in result.events}


def holds(result):
    return [(h.side, round(h.duration_s)) for h in result.holds]


# -- seated ------------------------------------------------------------------------------------

def seated(script, **kwargs):
    return run(SeatedFigureFour(), track(seated_figure_four_pose, script, **kwargs))


def test_seated_clean_holds_on_both_sides_are_timed_by_side():
    result, _ = seated([(3, None, {}), (22, "right", {}), (4, None, {}), (20, "left", {}), (3, None, {})])
    assert holds(result) == [("right", 22), ("left", 20)]
    assert fired(result) == set()
    assert result.holds[0].metrics["max_trunk_lean_deg"] == pytest.approx(20, abs=1)


def test_seated_hold_keeps_its_side_when_mediapipe_swaps_the_legs_mid_hold():
    swapped = {"swap_legs": True}  # the crossed leg read as the other one, for 15 s
    result, _ = seated([(2, None, {}), (4, "right", {}), (15, "right", swapped), (3, None, {}),
                        (4, "left", {}), (15, "left", swapped), (2, None, {})])
    assert holds(result) == [("right", 19), ("left", 19)]


def test_seated_brief_label_swaps_do_not_split_a_hold():
    poses = track(seated_figure_four_pose, [(2, None, {}), (20, "left", {}), (2, None, {})])
    flipped = []
    for i, pose in enumerate(poses):  # every 10th frame: the crossing read as the other leg
        if 2.5 < pose.t_s < 21 and i % 10 == 0:
            pose = seated_figure_four_pose(pose.t_s, "right")
        flipped.append(pose)
    result, _ = run(SeatedFigureFour(), flipped)
    assert holds(result) == [("left", 20)]


def test_seated_a_leg_hidden_under_a_deep_lean_does_not_end_the_hold():
    hidden = {"lean_deg": 60.0}  # the crossing is lost: legs read as uncrossed while folded
    result, _ = seated([(2, None, {}), (3, "right", {}), (18, None, hidden), (3, "right", {}), (3, None, {})])
    assert holds(result) == [("right", 24)]
    assert fired(result) == {"missing_side"}
    assert "leaning_too_far" in result.not_judged  # a lean toward a camera in front reads low


def test_seated_folding_forward_without_crossing_is_no_hold():
    result, _ = seated([(2, None, {}), (10, None, {"lean_deg": 60.0}), (2, None, {})])
    assert result.holds == []


def test_seated_side_on_a_lean_over_the_thighs_keeps_the_hold_when_the_crossed_leg_is_lost():
    # Side-on, leaning 20 deg or more, MediaPipe puts the crossed ankle down by the other foot
    # (the population); the hold goes on. From the front it loses the leg from about 29 deg
    # (the population; hidden_leg_lean_deg 22), while people switching legs sit at 16 or less.
    def script(lean_deg):
        leaning_lost, upright = {"lean_deg": lean_deg}, {"lean_deg": 5.0}
        return [(2, None, upright), (3, "right", {}), (15, None, leaning_lost), (2, "right", {}), (3, None, upright),
                (20, "left", {}), (2, None, upright)]
    side_on, _ = run(SeatedFigureFour(), [turned(p, 85.0) for p in track(seated_figure_four_pose, script(21.0))])
    assert holds(side_on) == [("right", 20), ("left", 20)]
    assert holds(seated(script(26.0))[0]) == [("right", 20), ("left", 20)]
    assert holds(seated(script(15.0))[0])[0] == ("right", 3)  # sat up with the foot down: it ended


def test_seated_a_deep_fold_over_the_legs_is_still_the_hold():
    # Folded 80 deg forward over the crossed leg is past where the trunk counts as "up"
    # (max_seated_lean_deg), but it is a fold over the legs, not lying down: the hold goes on.
    folded = {"lean_deg": 80.0}
    result, _ = seated([(2, None, {}), (3, "right", {}), (15, "right", folded), (2, "right", {}), (2, None, {})])
    assert holds(result) == [("right", 20)]
    reclined, _ = seated([(2, None, {}), (3, "right", {}), (15, "right", {"lean_deg": -80.0}), (2, None, {})])
    assert holds(reclined) == [("right", 3)]  # lying back is not the stretch


def test_the_standing_foot_tells_the_side_only_when_it_is_clearly_nearer_one_resting_place():
    from formcheck.exercises.seated_figure_four import StandingFoot

    def side_from(standing_x):
        feet = StandingFoot()
        rest = {"left_ankle_x_px": 400.0, "left_ankle_y_px": 300.0, "right_ankle_x_px": 340.0, "right_ankle_y_px": 300.0}
        for _ in range(5):
            feet.note(rest, None, holding=False)
        crossed = {**rest, "right_ankle_y_px": 200.0, "left_ankle_x_px": standing_x}  # right raised, left stands
        for _ in range(5):
            feet.note(crossed, "right", holding=True)
        return feet.crossed_side()

    assert side_from(395.0) == "right"  # the left foot stayed where it rested
    assert side_from(372.0) is None     # halfway between the two: the labels stand


def test_seated_leaning_too_far_fires_once_per_hold_seen_side_on():
    far, upright = {"lean_deg": 58.0}, {"lean_deg": 5.0}  # between holds people sit up
    script = [(2, None, upright), (5, "right", {}), (15, "right", far), (3, None, upright), (20, "left", far),
              (2, None, upright)]
    result, _ = run(SeatedFigureFour(), [turned(p, 88.0) for p in track(seated_figure_four_pose, script)])
    assert [h.faults for h in result.holds] == [["leaning_too_far"], ["leaning_too_far"]]
    leans = [e for e in result.events if e.code == "leaning_too_far"]
    assert len(leans) == 2 and 5 <= leans[0].t_s <= 8  # when the lean began, not when the hold ended


def test_seated_leaning_from_the_front_is_not_judged_not_passed():
    far = {"lean_deg": 58.0}
    result, _ = seated([(2, None, {}), (5, "right", {}), (15, "right", far), (2, None, {})])
    assert "leaning_too_far" not in fired(result)
    assert result.not_judged["leaning_too_far"].startswith("needs a side view")


def test_seated_short_hold():
    result, _ = seated([(2, None, {}), (8, "right", {}), (3, None, {}), (9, "left", {}), (2, None, {})])
    assert holds(result) == [("right", 8), ("left", 9)]
    assert fired(result) == {"short_hold"}
    assert all(h.faults == ["short_hold"] for h in result.holds)


def test_seated_missing_side_at_the_end_and_switch_cue_after_the_hold():
    result, states = seated([(2, None, {}), (20, "left", {}), (5, None, {})])
    assert holds(result) == [("left", 20)]
    assert [e.code for e in result.events] == ["missing_side"]
    after = [s for s in states if 22.5 < s.t_s < 24]
    assert any(s.banner is not None and s.banner.text == "Now switch legs" for s in after)


def test_seated_standing_up_is_out_of_position():
    ex = SeatedFigureFour()
    assert ex.in_position(ex.measure(seated_figure_four_pose(0.0, "left")))
    assert not ex.in_position(ex.measure(standing_figure_four_pose(0.0, None, knee_deg=175)))


def test_breath_cue_paces_five_breaths_then_asks_to_switch():
    ex = SeatedFigureFour()
    assert ex.hold_cue(0.5, "right", ()) == "Breathe in... 1 of 5"
    assert ex.hold_cue(3.5, "right", ()) == "Breathe out... 1 of 5"
    assert ex.hold_cue(11.0, "right", ()) == "Breathe in... 3 of 5"
    assert ex.hold_cue(26.0, "right", ()) == "5 breaths - now switch legs"
    assert ex.hold_cue(26.0, "left", ("right",)) == "5 breaths - well done"


def test_breath_cue_is_shown_while_holding():
    _, states = seated([(2, None, {}), (12, "right", {})])
    holding = [s for s in states if s.hold_s is not None]
    assert holding and holding[-1].hold_side == "right"
    cue = SeatedFigureFour().hold_cue(holding[-1].hold_s, "right", holding[-1].sides_held)
    assert cue.endswith("3 of 5")


def test_seated_thresholds_are_data():
    result, _ = run(SeatedFigureFour(SeatedThresholds(min_hold_s=25.0)),
                    track(seated_figure_four_pose, [(2, None, {}), (20, "left", {}), (2, None, {}),
                                                    (20, "right", {}), (2, None, {})]))
    assert fired(result) == {"short_hold"}


# -- standing ----------------------------------------------------------------------------------

# Between sides people stand up straight: sat back on one leg, the crossed leg is taken as still
# crossed even when MediaPipe loses it (see StandingFigureFour.held_side).
UPRIGHT = {"knee_deg": 172.0, "lean_deg": 4.0}


def standing(script, **kwargs):
    return run(StandingFigureFour(), track(standing_figure_four_pose, script, **kwargs))


def test_standing_clean_holds_on_both_sides():
    result, _ = standing([(2, None, UPRIGHT), (6, "left", {}), (3, None, UPRIGHT), (7, "right", {}), (2, None, UPRIGHT)])
    assert holds(result) == [("left", 6), ("right", 7)]
    assert fired(result) == set()
    assert result.holds[0].metrics["min_knee_deg"] == pytest.approx(135, abs=1)


def test_standing_hold_keeps_its_side_through_a_label_swap():
    swapped = {"swap_legs": True}
    result, _ = standing([(2, None, UPRIGHT), (2, "left", {}), (4, "left", swapped), (3, None, UPRIGHT),
                          (2, "right", {}), (4, "right", swapped), (2, None, UPRIGHT)])
    assert holds(result) == [("left", 6), ("right", 6)]


@pytest.mark.parametrize("code, extra", [
    ("too_deep", {"knee_deg": 85.0}),
    ("torso_not_tall", {"lean_deg": 62.0}),
])
def test_standing_fault_fires_once_per_hold_and_alone(code, extra):
    result, _ = standing([(2, None, UPRIGHT), (6, "left", extra), (3, None, UPRIGHT), (6, "right", extra), (2, None, UPRIGHT)])
    assert holds(result) == [("left", 6), ("right", 6)]
    # From the front a lean toward the camera and a knee bending toward it read too small:
    # both are judged side-on only, and listed as not judged here.
    assert code in result.not_judged and fired(result) == set()


def test_standing_too_deep_is_a_sustained_low_knee_the_model_saw():
    ex = StandingFigureFour()
    hold = Window(start_s=0.0, end_s=6.0, side="left")
    for i in range(61):
        seen_knee = 85.0 if 20 <= i < 40 else 135.0
        hold.add(i / 10, {"trunk_lean_deg": 25.0, "seen_support_knee_deg": seen_knee, "support_knee_deg": seen_knee})
    assert [f.code for f in ex.check_hold(hold)[0]] == ["too_deep"]
    hidden = Window(start_s=0.0, end_s=6.0, side="left")  # the chair hid the standing leg: nan
    for i in range(61):
        hidden.add(i / 10, {"trunk_lean_deg": 25.0, "seen_support_knee_deg": float("nan"), "support_knee_deg": 20.0})
    assert "too_deep" not in [f.code for f in ex.check_hold(hidden)[0]]


def test_standing_a_brief_dip_is_not_too_deep():
    dip = {"knee_deg": 85.0}
    result, _ = standing([(2, None, UPRIGHT), (3, "left", {}), (0.2, "left", dip), (3, "left", {}), (2, None, UPRIGHT),
                          (6, "right", {}), (2, None, UPRIGHT)])
    assert fired(result) == set()


def test_standing_a_deep_lean_hiding_the_leg_keeps_the_hold_and_is_reported():
    folded = {"lean_deg": 60.0}
    result, _ = standing([(2, None, UPRIGHT), (1.5, "left", {}), (8, None, folded), (1.5, "left", {}), (2, None, UPRIGHT),
                          (6, "right", {}), (2, None, UPRIGHT)])
    assert holds(result) == [("left", 11), ("right", 6)]
    assert fired(result) == set() and "torso_not_tall" in result.not_judged  # the lean is toward the camera


def test_standing_knee_angle_is_the_smaller_of_world_and_image():
    ex = StandingFigureFour()
    m = ex.measure(standing_figure_four_pose(0.0, "left", knee_deg=95.0))
    assert m["support_knee_deg"] == pytest.approx(95, abs=1)  # the world angle; the image one reads straighter
    side_on = ex.measure(turned(standing_figure_four_pose(0.0, "left", knee_deg=95.0), 80.0))
    assert side_on["support_knee_deg"] == pytest.approx(95, abs=3)


@pytest.mark.parametrize("yaw_deg, wrong", [(0.0, False), (45.0, False), (88.0, True)])
def test_figure_four_counts_from_any_view_and_judges_the_lean_side_on(yaw_deg, wrong):
    poses = [turned(p, yaw_deg) for p in track(seated_figure_four_pose, [(2, None, {}), (20, "right", {})])]
    result, _ = run(SeatedFigureFour(), poses)
    assert ("wrong_view" in fired(result)) == wrong
    assert [h.side for h in result.holds] == ["right"]
    assert ("leaning_too_far" in result.not_judged) == (not wrong)  # the lean is judged side-on only


def test_standing_short_hold_and_missing_side():
    result, _ = standing([(2, None, {}), (2, "right", {}), (3, None, {})])
    assert holds(result) == [("right", 2)]
    assert fired(result) == {"short_hold", "missing_side"}


# -- the hold tracker's tolerance of swaps -----------------------------------------------------

def test_hold_tracker_keep_side_holds_through_swaps_and_unseen_frames_start_nothing():
    tracker = HoldTracker(enter_s=1.0, exit_s=1.0, keep_side=True)
    script = [(UNSEEN, 3.0), ("left", 0.3), ("right", 0.2), ("left", 4.0), ("right", 5.0), (UNSEEN, 4.0),
              ("left", 2.0), (None, 3.0), ("right", 6.0), (None, 2.0)]
    done, t = [], 0.0
    for side, duration in script:
        for _ in range(round(duration * 10)):
            finished = tracker.update(t, side, {})
            if finished:
                done.append(finished)
            t += 0.1
    assert [(h.side, round(h.duration_s)) for h in done] == [("left", 15), ("right", 6)]


def _tracked(tracker, script, metrics=None):
    done, t = [], 0.0
    for side, duration in script:
        for _ in range(round(duration * 25)):
            finished = tracker.update(t, side, metrics(side) if metrics else {})
            if finished:
                done.append(finished)
            t += 0.04
    if tracker.active:
        done.append(tracker.finish(t))
    return [(h.side, round(h.duration_s)) for h in done]


def test_hold_tracker_a_brief_drop_out_is_not_a_switch_of_legs():
    # One undone frame, then the other label: a jumpy landmark and a swap, not a switch (which
    # takes both feet down for longer than release_s).
    script = [("left", 4.0), (None, 0.08), ("right", 4.0), (None, 0.6), ("right", 5.0), (None, 2.0)]
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True, release_s=0.25), script) == [("left", 8), ("right", 5)]
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True), script) == [("left", 4), ("right", 10)]  # before


def test_hold_tracker_no_switch_while_the_posture_forbids_it():
    # Sat back on one leg nobody switches legs: the other label then is a swap, even after a let-go.
    sat_back = lambda side: {"sat": 1.0 if side == "right" else 0.0}  # noqa: E731 - the script's posture
    tracker = HoldTracker(1.0, 1.0, keep_side=True, release_s=0.25, cannot_switch=lambda m: m["sat"] > 0)
    assert _tracked(tracker, [("left", 4.0), (None, 0.5), ("right", 4.0), (None, 2.0)], sat_back) == [("left", 8)]


def test_hold_tracker_a_crossing_seen_briefly_then_hidden_is_a_hold():
    # Side-on, the leg crossed behind is seen for a moment before the trunk folds over it.
    seen_then_hidden = [(None, 1.0), ("right", 0.6), (UNSEEN, 10.0), ("right", 0.5), (None, 2.0)]
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True), seen_then_hidden) == [("right", 11)]
    # ... but never clearly undone is needed: a flicker of a crossing before sitting still is none.
    flicker = [(None, 1.0), ("right", 0.6), (None, 0.2), (UNSEEN, 10.0), (None, 2.0)]
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True), flicker) == []
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True, release_s=0.25), flicker[:2] + [(None, 0.5)] + flicker[3:]) == []
    # Undone for less than release_s as the trunk folds over the leg (a seated figure-four seen
    # 64 deg off the front read its ankle half down for 0.12 s on the way): still a hold.
    folding = [(None, 1.0), ("right", 0.6), (None, 0.12), (UNSEEN, 10.0), ("right", 0.5), (None, 2.0)]
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True, release_s=0.25), folding) == [("right", 11)]
    assert _tracked(HoldTracker(1.0, 1.0, keep_side=True), folding) == []  # before: no release_s


def test_standing_a_foot_on_a_hanging_thigh_is_not_crossed():
    # The chair hid a foot and MediaPipe put it at knee height, the thigh hanging straight down.
    ex = StandingFigureFour()
    m = ex.measure(standing_figure_four_pose(0.0, "left", lean_deg=4.0))
    assert ex.held_side(m) == "left"
    assert ex.held_side({**m, "crossed_thigh_deg": 8.0}) is None


def test_standing_hold_goes_on_while_the_raised_ankle_is_misread_far_off_the_knee():
    # Sat deep on one leg, MediaPipe put a resting ankle 3 shins off the other knee for
    # seconds (tuning side); raised that high, the leg is still crossed.
    deep_misread = {"knee_deg": 100.0, "lean_deg": 16.0, "ankle_off_m": 1.2}
    ex = StandingFigureFour()
    m = ex.measure(standing_figure_four_pose(0.0, "left", **deep_misread))
    assert m["ankle_gap_ratio"] > 3 and m["ankle_raise_ratio"] > ex.th.min_ankle_raise_ratio
    result, _ = standing([(2, None, UPRIGHT), (2, "left", {}), (5, "left", deep_misread), (2, "left", {}),
                          (3, None, UPRIGHT), (6, "right", {}), (2, None, UPRIGHT)])
    assert holds(result) == [("left", 9), ("right", 6)]


def test_standing_hold_goes_on_while_the_body_is_hidden_for_a_few_seconds():
    # Behind the chair MediaPipe can lose the legs for seconds; the hold goes on when it is
    # still held after, and ends where it was last seen when it is not.
    hidden = {"hide_legs": True}
    result, _ = standing([(2, None, UPRIGHT), (3, "left", {}), (3, "left", hidden), (3, "left", {}), (3, None, UPRIGHT),
                          (6, "right", {}), (2, "right", hidden), (3, None, UPRIGHT)])
    assert holds(result) == [("left", 9), ("right", 6)]


@pytest.mark.parametrize("yaw_deg, wrong", [(40.0, False), (85.0, True)])
def test_standing_a_side_on_camera_is_told_while_the_chair_hides_the_legs(yaw_deg, wrong):
    # Only the trunk is seen: the view is read from its width in the picture (MediaPipe's world
    # turn reads anything without the legs), so a side-on camera still gets wrong_view.
    hidden = {"hide_legs": True}
    poses = [turned(p, yaw_deg) for p in track(standing_figure_four_pose, [(2, None, {**UPRIGHT, **hidden}), (8, "left", hidden)])]
    result, _ = run(StandingFigureFour(), poses)
    assert ("wrong_view" in fired(result)) == wrong


def turned_script(script):
    """``script`` as in ``track``, each step with the body's turn from the camera as its fourth
    item: the standing figure-four's poses, turned."""
    poses, t0 = [], 0.0
    for duration, crossed, extra, yaw in script:
        step = track(standing_figure_four_pose, [(duration, crossed, extra)])
        poses += [turned(p.replace(t_s=p.t_s + t0), yaw) for p in step]
        t0 += duration
    return poses


def test_standing_the_view_is_read_standing_tall():
    # Sat back into the stretch MediaPipe reads the hips' line turned further (here side-on),
    # and one frame read side-on as the leg crossed must not set the view for the whole hold.
    script = [(2, None, UPRIGHT, 45.0), (0.07, None, UPRIGHT, 85.0), (8, "left", {}, 85.0), (3, None, UPRIGHT, 45.0),
              (8, "right", {}, 85.0), (2, None, UPRIGHT, 45.0)]
    result, _ = run(StandingFigureFour(), turned_script(script))
    assert "wrong_view" not in fired(result)
    assert holds(result) == [("left", 8), ("right", 8)]
    assert "hold_count" not in result.not_judged  # an oblique view: the count stands


def test_standing_a_side_on_body_whose_hips_read_less_turned_gets_wrong_view():
    # Standing, MediaPipe sets the two hips close in depth and reads their line turned less
    # than the shoulders' (see standing_turn_deg; a camera 70 deg off read the hips 58, the
    # shoulders 72): the larger turn is the body's. Here, filmed 72 deg off, the world hips read
    # 57, the shoulders 78; the picture, 0.2 wide, does not say side-on by itself.
    def twisted(pose):
        world = pose.world_xyz.copy()
        for name, deg in (("HIP", -15.0), ("SHOULDER", 6.0)):
            a = np.radians(deg)
            about_up = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
            pair = [Joint[f"LEFT_{name}"], Joint[f"RIGHT_{name}"]]
            middle = world[pair].mean(axis=0)
            world[pair] = (world[pair] - middle) @ about_up.T + middle
        return pose.replace(world_xyz=world)

    poses = [twisted(p) for p in turned_script([(4, None, UPRIGHT, 72.0), (6, "left", {}, 72.0)])]
    assert facing_yaw_deg(poses[0]) < 60.0 and body_width_ratio(poses[0]) > 0.18
    result, _ = run(StandingFigureFour(), poses)
    assert "wrong_view" in fired(result)


def test_standing_hold_goes_on_when_the_crossed_leg_is_lost_while_sat_back():
    # Filmed obliquely, MediaPipe puts the crossed ankle down by the other foot while the hips
    # sit back (the rendered population); the hold goes on and keeps its side.
    result, _ = standing([(2, None, UPRIGHT), (2, "left", {}), (3, None, {}), (2, "left", {}),
                          (3, None, UPRIGHT), (6, "right", {}), (2, None, UPRIGHT)])
    assert holds(result) == [("left", 7), ("right", 6)]


def test_standing_side_comes_from_the_foot_that_stayed_down_not_the_labels():
    # Filmed obliquely MediaPipe may mirror the crossed leg for a whole hold (the population);
    # the foot on the floor still stands where that foot rested before.
    mirrored = {"swap_legs": True}
    result, _ = standing([(2, None, UPRIGHT), (6, "left", mirrored), (3, None, UPRIGHT), (6, "right", mirrored),
                          (2, None, UPRIGHT)])
    assert holds(result) == [("left", 6), ("right", 6)]
    assert fired(result) == set()


@pytest.mark.parametrize("clip, in_the_way", [("standing_figure_four-014", True),   # chair between, 52 deg
                                              ("standing_figure_four-016", False),  # chair beyond, -54 deg
                                              ("standing_figure_four-022", False)])  # near front, 8 deg
def test_standing_says_when_the_chair_stands_between_the_camera_and_the_legs(clip, in_the_way):
    # Rendered tuning clips through the real model: the chair at the person's left hand; from
    # the left it hides a leg, which MediaPipe then invents (see ChairInTheWay).
    result, _ = replay_population(StandingFigureFour(), clip)
    warned = [w for w in result.warnings if "chair" in w]
    assert bool(warned) == in_the_way
    # With a leg hidden the holds could not be timed (14 of 24 such clips right): the count
    # and what rests on it are listed as not judged, and none of those fires.
    hidden = {"hold_count", "short_hold", "missing_side", "out_of_frame"}
    assert (set(result.not_judged) >= hidden) == in_the_way
    if in_the_way:
        assert "chair" in result.not_judged["hold_count"]
        assert not hidden & {e.code for e in result.events}
        assert not hidden & {code for hold in result.holds for code in hold.faults}


@pytest.mark.parametrize("clip, judged", [("seated_figure_four-020", False),   # side-on, -69 deg
                                          ("seated_figure_four-024", True)])   # nearly facing, -22 deg
def test_seated_holds_seen_side_on_are_listed_as_not_judged(clip, judged):
    # Rendered tuning clips through the real model: side-on the legs overlap and the holds
    # were right in 11 of 18 such clips, so the count says it is not judged.
    result, truth = replay_population(SeatedFigureFour(), clip)
    assert ("hold_count" not in result.not_judged) == judged
    if not judged:
        assert result.not_judged["hold_count"] == "needs a front or oblique view (this one was side)"
        assert {"short_hold", "missing_side"} <= set(result.not_judged)
    assert len(result.holds) == len(truth["expect"]["holds"])  # the holds found are still listed


@pytest.mark.parametrize("clip, in_the_way", [("standing_figure_four-014", True), ("standing_figure_four-022", False)])
def test_standing_says_live_that_the_chair_is_in_the_way(clip, in_the_way):
    # Said once the person has been seen for [common] setup_watch_s, not only in the summary.
    said = {}

    def note(t_s, state):
        if state.banner is not None and "chair" in state.banner.text:
            said.setdefault(state.banner.text, t_s)

    result, truth = replay_population(StandingFigureFour(), clip, note)
    assert bool(said) == in_the_way
    if in_the_way:
        assert list(said) == ["The chair hides a leg: put it on your far side"]
        assert 10.0 <= min(said.values()) < truth["render"]["duration_s"] - 5.0  # in time to move it


def test_seated_where_the_feet_rest_is_not_read_from_a_hold_mediapipe_lost():
    # Rendered tuning clip through the real model (front, -23 deg, leaning far): late in the
    # left hold MediaPipe loses the crossing for several frames, reading both legs mirrored and
    # up off the floor. Taken as "both feet down", those frames made the right hold "left".
    result, truth = replay_population(SeatedFigureFour(), "seated_figure_four-084")
    assert [h.side for h in result.holds] == [h["side"] for h in truth["expect"]["holds"]] == ["left", "right"]
    assert "missing_side" not in {e.code for e in result.events}


@pytest.mark.parametrize("clip, wrong_view", [("seated_figure_four-092", False),   # oblique, -50 deg, folds 40 deg
                                              ("seated_figure_four-026", True)])   # side-on, -77 deg
def test_seated_view_is_read_sitting_tall_not_folded(clip, wrong_view):
    # Rendered tuning clips through the real model: folded 40 deg over the legs, MediaPipe
    # read the oblique camera's hips turned 63-66 deg (40 sitting tall), past the side-on
    # limit, for 16 s; the view is read only while sitting taller. Side-on still says so.
    result, truth = replay_population(SeatedFigureFour(), clip)
    assert ("wrong_view" in {e.code for e in result.events}) == wrong_view
    assert ("wrong_view" in truth["expect"]["faults_present"]) == wrong_view
