"""Glute bridge rules on landmark tracks made from known angles (no model)."""

import pytest

from formcheck.exercises.glute_bridge import GluteBridge, Thresholds
from formcheck.session import Session
from population_tracks import replay_population
from synthetic import bridge_track, side_pose

FAULTS = {"hips_too_high", "hips_too_low", "short_hold", "fast_lowering"}


def run(poses, thresholds=None):
    session = Session(GluteBridge(thresholds))
    for pose in poses:
        session.update(pose.t_s, pose)
    return session.finish()


def fired(result):
    return {e.code for e in result.events}


@pytest.mark.parametrize("flip", [False, True], ids=["head-left", "head-right"])
def test_clean_bridges_count_exactly_with_no_faults(flip):
    result = run(bridge_track(reps=3, flip=flip, noise_deg=1.5))
    assert len(result.reps) == 3
    assert fired(result) == set()
    for rep in result.reps:
        assert rep.hold_s == pytest.approx(2.5, abs=0.5)
        assert rep.metrics["lowering_s"] == pytest.approx(1.5, abs=0.3)
        assert abs(rep.metrics["peak_hip_extension_deg"]) < 4


@pytest.mark.parametrize("code, kwargs", [
    ("hips_too_high", {"top_deg": 22.0}),
    ("hips_too_low", {"top_deg": -35.0, "rest_deg": -65.0}),
    ("short_hold", {"hold_s": 0.5}),
    ("fast_lowering", {"lower_s": 0.3}),
])
def test_each_fault_fires_once_per_rep_and_alone(code, kwargs):
    result = run(bridge_track(reps=2, noise_deg=1.0, **kwargs))
    assert len(result.reps) == 2
    assert all(rep.faults == [code] for rep in result.reps)
    assert [e.code for e in result.events] == [code, code]
    assert fired(result) == {code}


def test_thresholds_are_data_a_physio_can_tune():
    strict = Thresholds(min_hold_s=3.0)
    result = run(bridge_track(reps=2), strict)
    assert fired(result) == {"short_hold"}


def test_leaving_the_frame_is_reported_once_and_counting_resumes():
    poses = bridge_track(reps=1)
    t_end = poses[-1].t_s
    gap = [None] * 60  # two seconds away
    later = [p.replace(t_s=p.t_s + t_end + 2.1) for p in bridge_track(reps=1)]
    session = Session(GluteBridge())
    for p in poses:
        session.update(p.t_s, p)
    for i, _ in enumerate(gap):
        state = session.update(t_end + (i + 1) / 30, None)
    assert state.banner is not None and "whole body" in state.banner.text
    for p in later:
        session.update(p.t_s, p)
    result = session.finish()
    assert len(result.reps) == 2
    assert [e.code for e in result.events] == ["out_of_frame"]


def test_facing_the_camera_is_the_wrong_view():
    poses = []
    for pose in bridge_track(reps=1):
        xy, world = pose.image_xy.copy(), pose.world_xyz.copy()
        for left, right in ((11, 12), (23, 24)):  # shoulders and hips spread apart, across the picture
            xy[left, 1] -= 60
            xy[right, 1] += 60
            world[[left, right], 2] = 0.0
            world[left, 1] -= 0.15
            world[right, 1] += 0.15
        poses.append(pose.replace(image_xy=xy, world_xyz=world))
    result = run(poses)
    assert "wrong_view" in fired(result)


def test_not_in_position_shows_the_set_up_cue():
    session = Session(GluteBridge())
    standing = side_pose(0.0, 0.0)
    xy = standing.image_xy.copy()
    xy[:, [0, 1]] = xy[:, [1, 0]]  # rotate the person upright
    state = session.update(0.0, standing.replace(image_xy=xy))
    assert not state.in_position
    assert state.banner is not None and "Lie on your back" in state.banner.text


def test_a_bridge_seen_obliquely_is_counted_but_neither_its_count_nor_its_form_stood_by():
    # glute_bridge-078 (the population, tuning side): filmed 38 deg off the front, 3 bridges;
    # MediaPipe's leg points jump and the count reads 4. Obliquely 12 of 14 such counts were right.
    said = set()
    result, _ = replay_population(GluteBridge(), "glute_bridge-078",
                                  lambda t_s, state: said.add(state.banner.text) if state.banner else None)
    assert result.reps and result.not_judged["rep_count"].startswith("needs a side view")
    # its form is not judged from there either: a rep with nothing to correct is not praised
    assert "Rep 1 - nothing to correct that this view shows" in said
    assert not any("good form" in text for text in said)
