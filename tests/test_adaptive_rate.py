"""The adaptive analysis rate: the pose model skips frames while the body is slow, and the
answers (reps, holds, faults) stay those of running it on every frame."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import real_clip
from synthetic import bridge_track, side_pose

from benchmarks import adaptive
from formcheck.analyze import Outputs, analyze_video
from formcheck.exercises.glute_bridge import GluteBridge
from formcheck.pipeline import (
    AdaptiveRate,
    Scheduler,
    body_speed,
    interpolate,
    run_pipelined,
    run_sequential,
)
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import Joint
from formcheck.video import VideoFrame

REPO = adaptive.ROOT


@dataclass(frozen=True)
class _Input:
    """Stands in for the model's input: the frame's number and the picture's size."""

    index: int
    width: int = 640
    height: int = 480


def _schedule(poses, fps, rate=None, picture=lambda model_input: None, inputs=int, size=None):
    """Feed stored poses through a Scheduler: (the frames the model saw, the backfilled ones,
    every frame's pose in order)."""
    seen, backfilled, out = [], [], []
    index = int if inputs is int else (lambda model_input: model_input.index)
    scheduler = Scheduler(lambda m, t: (seen.append(index(m)), poses[index(m)])[1], rate or AdaptiveRate(), fps,
                          backfill=lambda m, t: (backfilled.append(index(m)), poses[index(m)])[1], picture=picture,
                          size=size)
    for i, pose in enumerate(poses):
        out += scheduler.feed(VideoFrame(i, i / fps, None), inputs(i))
    out += scheduler.end()
    return seen, backfilled, out


@pytest.mark.parametrize("pictured", [True, False], ids=["picture checked", "landmarks only"])
@pytest.mark.parametrize("fps", [10.0, 30.0, 60.0])
def test_a_still_body_is_seen_once_per_longest_gap_whatever_the_frame_rate(fps, pictured):
    """Once per ``max_gap_s`` with the picture check; without a picture to check (a
    replay of landmarks) once per ``blind_gap_s``."""
    rate = AdaptiveRate()
    longest = rate.max_gap_s if pictured else rate.blind_gap_s
    poses = [side_pose(i / fps, -45.0) for i in range(int(5 * fps))]
    still = np.zeros((60, 80), np.float32)
    seen, backfilled, out = _schedule(poses, fps, rate, picture=lambda frame: still if pictured else None,
                                      inputs=_Input)
    assert [frame.index for frame, _ in out] == list(range(len(poses)))  # every frame, in order
    assert seen[-1] == len(poses) - 1  # the last frame is the model's, never a guess beyond it
    assert not backfilled
    gaps_s = np.diff(seen) / fps
    assert gaps_s.max() <= longest + 1e-9
    steady = gaps_s[(np.array(seen[:-1]) / fps > 1.0) & (np.array(seen[1:]) < len(poses) - 1)]
    assert np.all(steady >= longest - 1 / fps - 1e-9)  # and no more often, once settled
    assert len(seen) <= len(poses) / (longest * fps - 0.999) + (rate.baseline_s + rate.lookback_s) * fps + 2


def test_exercises_judging_larger_movements_allow_more_travel_between_calls():
    rate = AdaptiveRate()
    assert rate.for_exercise("glute_bridge").travel_bl == GluteBridge.skip_travel_bl > rate.travel_bl
    careful = rate.for_exercise("seated_hip_abduction")  # an abduction's knees move least
    assert careful.travel_bl == rate.travel_bl and careful.max_gap_s == rate.blind_gap_s < rate.max_gap_s
    assert rate.for_exercise("auto") is rate.for_exercise(None) is None  # not known yet: every frame


def test_fast_movement_is_seen_on_every_frame():
    fps = 30.0
    poses = [side_pose(i / fps, -60.0 + 240.0 * i / fps) for i in range(20)]  # hips up at ~2 body lengths/s
    seen, backfilled, _ = _schedule(poses, fps)
    assert seen == list(range(len(poses))) and not backfilled


def test_no_pose_is_guessed_where_the_body_moves_fast():
    """Eased from rest, a lift starts slowly: the frames skipped as it picks up are looked
    at again, so every frame of the fast part has the model's own pose."""
    fps = 30.0
    poses = bridge_track(reps=1, rise_s=0.6, hold_s=1.0, lower_s=0.6, pause_s=1.0, fps=fps)
    seen, backfilled, _ = _schedule(poses, fps)
    hips = np.array([p.xy(Joint.LEFT_HIP)[1] for p in poses])
    fast = np.flatnonzero(np.abs(np.gradient(hips)) * fps > 100)  # px/s, about 0.3 body lengths/s
    assert len(fast) > 10 and set(fast) <= set(seen) | set(backfilled)
    assert len(seen) < len(poses)


def test_skipped_frames_get_poses_on_the_line_between_the_two_calls():
    a, b = side_pose(1.0, -50.0), side_pose(1.2, -40.0)
    middle = interpolate(a, 1.0, b, 1.2, 1.05)
    assert middle.t_s == 1.05
    np.testing.assert_allclose(middle.image_xy, a.image_xy + 0.25 * (b.image_xy - a.image_xy))
    np.testing.assert_allclose(middle.world_xyz, a.world_xyz + 0.25 * (b.world_xyz - a.world_xyz))
    assert interpolate(a, 1.0, None, 1.2, 1.05) is a and interpolate(a, 1.0, None, 1.2, 1.15) is None


def test_speed_is_in_body_lengths_whatever_the_picture_size():
    a, b = side_pose(0.0, -50.0), side_pose(0.5, -30.0)
    big = [p.replace(image_xy=p.image_xy * 3) for p in (a, b)]
    assert body_speed(a, b) == pytest.approx(body_speed(*big))
    assert 0 < body_speed(a, b) < math.inf
    assert body_speed(a, a.replace(t_s=0.5)) == 0.0
    assert body_speed(None, b) == math.inf


def test_movement_starting_during_a_gap_has_the_skipped_frames_looked_at_again():
    fps = 30.0
    start = 66  # between two calls of the still body (every 15th frame from frame 14)
    still = [side_pose(i / fps, -50.0) for i in range(start)]
    jump = [side_pose((start + i) / fps, -50.0 + 4 * (i + 1)) for i in range(15)]  # sudden, fast
    seen, backfilled, out = _schedule(still + jump, fps)
    assert backfilled and set(backfilled).isdisjoint(seen)
    assert min(backfilled) < start < max(seen[:-1] + backfilled)
    assert all(out[i][1] is (still + jump)[i] for i in backfilled)  # the model's own poses


def test_a_changed_picture_stops_the_skipping():
    """The landmarks say the body was still; the picture says it moved since: no skip."""
    fps = 30.0
    poses = [side_pose(i / fps, -50.0) for i in range(60)]
    pictures = [np.zeros((60, 80), np.float32) for _ in range(60)]
    for i in range(40, 60, 2):
        pictures[i][30:40, 20:30] = 255.0  # something flickers where the body is
    seen, _, _ = _schedule(poses, fps, picture=lambda frame: pictures[frame.index], inputs=_Input)
    assert 30 not in seen and set(range(40, 60)) <= set(seen)


def test_a_picture_that_changes_once_costs_one_call_not_every_frame():
    """A light switched on changes the picture, not the body: the model looks at once,
    its landmarks say the body is still, and the long gaps go on."""
    fps = 30.0
    poses = [side_pose(i / fps, -50.0) for i in range(90)]
    pictures = [np.full((60, 80), 80.0 if i >= 40 else 40.0, np.float32) for i in range(90)]
    seen, backfilled, _ = _schedule(poses, fps, picture=lambda frame: pictures[frame.index], inputs=_Input)
    assert 40 in seen and not backfilled
    assert len([i for i in seen if 40 < i < 89]) <= 4  # every max_gap_s (15 frames) after it


def test_a_body_reaching_out_of_the_picture_is_seen_on_every_frame():
    """Landmarks beyond the frame's edge are the model's guesses: its tracking is unsure
    there, and a skipped frame could send it another way."""
    fps = 30.0
    poses = [side_pose(i / fps, -45.0) for i in range(60)]
    seen, _, _ = _schedule(poses, fps, size=(640, 480))
    assert len(seen) < 30
    seen, _, _ = _schedule(poses, fps, size=(640, 410))  # the ankles (y = 420) out of the picture
    assert seen == list(range(60))


def test_pipelined_and_sequential_schedule_alike():
    fps = 30.0
    poses = bridge_track(reps=1)
    black = np.zeros((480, 640, 3), np.uint8)  # a picture that never changes: the landmarks decide
    frames = [VideoFrame(i, p.t_s, black) for i, p in enumerate(poses)]
    got = {}
    for run in (run_sequential, run_pipelined):
        out = got[run.__name__] = []
        def rest(frame, pose, out=out):
            out.append((frame.index, None if pose is None else pose.image_xy.sum()))

        scheduler = run(frames, lambda model_input, t_s: poses[round(t_s * fps)], rest,
                        images=False, rate=AdaptiveRate(), fps=fps)
        assert scheduler.calls < len(frames)
    assert got["run_pipelined"] == got["run_sequential"]
    assert [i for i, _ in got["run_sequential"]] == list(range(len(frames)))


# One track of each exercise of the rendered population, replayed through the simulated
# skip + fill (the whole population: ``python -m benchmarks.adaptive``).
SUBSET = sorted((REPO / "samples" / "population").glob("*/*-00[0-1].track.xz"))


@pytest.mark.parametrize("path", SUBSET, ids=lambda p: p.name.split(".")[0])
def test_simulated_adaptive_rate_changes_no_answer_on_the_population(path):
    name, diffs, calls, frames = adaptive.compare_track(path)
    assert diffs == [], f"{name}: {diffs}"
    assert calls <= frames


@pytest.mark.parametrize("name, exercise", [("physioplus_bridging.mp4", "glute_bridge"),
                                            ("tobefrank_glute-bridge.mp4", "glute_bridge")])
def test_the_real_model_gives_the_same_answers_with_fewer_calls(name, exercise, model_path):
    diffs, calls, frames = adaptive.compare_filmed(real_clip(name), exercise, model_path)
    assert diffs == []
    assert calls < 0.6 * frames  # the model skipped while the hips were held up or down


def test_every_frame_runs_the_model_on_every_frame(model_path, monkeypatch):
    calls = 0
    detect = PoseEstimator.detect_prepared

    def counted(self, *args):
        nonlocal calls
        calls += 1
        return detect(self, *args)

    monkeypatch.setattr(PoseEstimator, "detect_prepared", counted)
    report = analyze_video(real_clip("jeffchen_deadlift_bad.mp4"), "deadlift", model_path, Outputs(),
                           progress=False, rate=None)
    assert calls == report.video.frames
