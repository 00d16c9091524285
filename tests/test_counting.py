import pytest
import numpy as np

from formcheck.counting import HoldTracker, Persistent, RepCounter
from synthetic import bridge_signal


def count(counter, times, values):
    reps = []
    for t, v in zip(times, values):
        rep = counter.update(t, v, {"x": v})
        if rep is not None:
            reps.append(rep)
    return reps


def test_rep_counter_counts_each_rise_once_despite_noise():
    times, values = bridge_signal(reps=4, noise_deg=2.0)
    reps = count(RepCounter(enter_rise=15), times, values)
    assert len(reps) == 4
    for rep in reps:
        assert rep.rest_level < -45
        assert rep.end_s > rep.start_s


def test_rep_counter_ignores_small_wobbles():
    times = np.arange(0, 10, 1 / 30)
    values = -50 + 8 * np.sin(times * 3)  # a pelvic tilt, not a bridge
    assert count(RepCounter(enter_rise=15), times, values) == []


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_slow_rep_just_past_the_threshold_counts(fps):
    # A squat 4 deg past the count's 35 deg, taken slowly (2.5 s down, 2 s up) from a rest
    # that wobbles a little: its own start must not lift the resting level and eat the rise.
    times = np.arange(0, 12, 1 / fps)
    down = np.clip((times - 1.5) / 2.5, 0, 1) * np.clip((8.0 - times) / 2.0, 0, 1)
    values = 3 + 39 * np.sin(np.pi / 2 * down) ** 2 + 0.5 * np.sin(times * 7)
    assert len(count(RepCounter(enter_rise=35), times, values)) == 1


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_rep_is_set_by_its_far_end_when_the_rest_reads_high(fps):
    # A shallow squat to a true 41 deg while standing reads 10 (the view's bias on near-vertical
    # thighs): it counts by reaching 35 deg from vertical; a 16 deg bob from there does not.
    times, values = _reps_signal(fps, [(1.0, 3.0), (6.0, 3.0)], rest=10.0, height=31.0)
    assert len(count(RepCounter(enter_rise=20, enter_level=35), times, values)) == 2
    assert count(RepCounter(enter_rise=35), times, values) == []  # from the rest alone: missed
    times, values = _reps_signal(fps, [(1.0, 3.0)], rest=20.0, height=16.0)
    assert count(RepCounter(enter_rise=20, enter_level=35), times, values) == []


def test_rep_counter_adapts_to_a_different_resting_level():
    times, values = bridge_signal(reps=2, rest_deg=-70, top_deg=-40)
    assert len(count(RepCounter(enter_rise=15), times, values)) == 2


def test_hold_tracker_survives_a_brief_loss_and_splits_sides():
    tracker = HoldTracker(enter_s=1.0, exit_s=1.0)
    holds = []
    t = 0.0
    script = [("left", 10.0), (None, 0.5), ("left", 5.0), (None, 3.0), ("right", 8.0), (None, 2.0)]
    for side, duration in script:
        end = t + duration
        while t < end:
            done = tracker.update(t, side, {})
            if done:
                holds.append(done)
            t += 0.1
    assert [h.side for h in holds] == ["left", "right"]
    assert abs(holds[0].duration_s - 15.5) < 0.3
    assert abs(holds[1].duration_s - 8.0) < 0.3


def test_hold_tracker_needs_the_posture_for_enter_s():
    tracker = HoldTracker(enter_s=1.0)
    for i in range(5):
        tracker.update(i * 0.1, "left", {})
    assert not tracker.active
    assert tracker.finish(0.5) is None


def test_persistent_needs_an_unbroken_stretch():
    p = Persistent(1.0)
    assert not p.update(0.0, True)
    assert not p.update(0.5, True)
    assert not p.update(0.6, False)
    assert not p.update(1.2, True)
    assert p.update(2.2, True)


def test_persistent_does_not_count_the_time_it_could_not_be_seen():
    p = Persistent(1.0)
    assert not p.update(0.0, True)  # seen for 0.2 s ...
    assert not p.update(0.2, True)
    for t in (0.4, 3.0, 6.0):  # ... then hidden for 6 s ...
        p.pause(t)
    assert not p.update(6.2, True)  # ... and seen again: 0.4 s in all, not 6
    assert p.update(7.0, True)  # 1.2 s seen in all
    p.pause(7.2)
    assert not p.update(9.0, False)  # a break, seen, still starts it over


def _reps_signal(fps: float, tops: list[tuple[float, float]], rest: float = 0.0, height: float = 90.0,
                 start: float | None = None, noise: float = 0.0, seed: int = 0):
    """A smooth signal at ``fps``: each (start_s, duration_s) a rise to ``rest + height`` and back."""
    times = np.arange(0.0, max(s + d for s, d in tops) + 2.0, 1.0 / fps)
    values = np.full(len(times), rest, float)
    for s, d in tops:
        inside = (times >= s) & (times <= s + d)
        values[inside] = rest + height * np.sin(np.pi * (times[inside] - s) / d) ** 2
    if start is not None:  # the video starts at the top of a rise, coming down to rest by ``start``
        first = times <= start
        values[first] = rest + height * np.cos(0.5 * np.pi * times[first] / start) ** 2
    values += np.random.default_rng(seed).normal(0, noise, len(times))
    return times, values


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_back_to_back_reps_each_count(fps):
    # Two squats 0.7 s apart, then three with no pause at all (a bridge set with no top hold).
    tops = [(1.0, 3.0), (4.7, 3.0), (9.0, 2.5), (11.5, 2.5), (14.0, 2.5)]
    times, values = _reps_signal(fps, tops, noise=1.0)
    reps = count(RepCounter(enter_rise=35), times, values)
    assert len(reps) == 5
    for rep, (s, d) in zip(reps, tops):
        assert abs(rep.start_s - s) < 0.6 and abs(rep.end_s - (s + d)) < 0.6


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_one_glitch_at_rest_does_not_lower_the_resting_level(fps):
    times, values = _reps_signal(fps, [(3.0, 3.0), (7.0, 3.0)])
    values[np.searchsorted(times, 2.0)] = -60.0  # one frame of a landmark jumping
    reps = count(RepCounter(enter_rise=35), times, values)
    assert len(reps) == 2
    assert all(-1.0 < rep.rest_level < 5.0 for rep in reps)  # not dragged down to -60


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_landmark_jump_up_at_rest_is_no_rep_but_a_quick_rep_is(fps):
    # A wobble at rest with the landmarks jumping past the count's level for two frames in
    # it (a seated abduction filmed at 10 fps: 0.32 hip widths for one frame) is no rep; a
    # real rep only 0.8 s long is one.
    times, values = _reps_signal(fps, [(1.0, 0.8), (5.0, 2.5)])
    wobble = (times > 3.2) & (times < 3.9)
    values[wobble] = 25.0
    jump = np.searchsorted(times, 3.5)
    values[jump:jump + 2] = 40.0
    reps = count(RepCounter(enter_rise=35), times, values)
    assert [round(rep.start_s) for rep in reps] == [1, 5]


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_rough_first_detections_do_not_make_a_rep(fps):
    # The pose model's first detection reads low and converges within ~0.1 s (a seated
    # abduction's knees: 1.26 hip widths, then 1.6 from 0.1 s on): that is no rise.
    times, values = _reps_signal(fps, [(1.5, 2.5), (5.0, 2.5)], rest=60.0, height=40.0)
    values[times < 0.09] = 25.0
    reps = count(RepCounter(enter_rise=30), times, values)
    assert len(reps) == 2
    assert all(55.0 < rep.rest_level < 65.0 for rep in reps)


@pytest.mark.parametrize("fps", [10, 25, 60])
def test_a_fast_rise_from_the_first_detection_counts(fps):
    # Seen first on the way down into a fast squat: 0 -> 45 in 0.2 s, 80 by 0.4 s.
    times, values = _reps_signal(fps, [(0.0, 1.6), (3.0, 2.5)], height=85.0)
    assert len(count(RepCounter(enter_rise=35), times, values)) == 2


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_rep_starting_in_the_first_second_counts(fps):
    times, values = _reps_signal(fps, [(0.3, 2.5), (3.5, 2.5)])
    assert len(count(RepCounter(enter_rise=35), times, values)) == 2


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_video_starting_at_the_bottom_counts_the_rise(fps):
    # Seated (thighs level) at the start, standing up by 1.5 s, then one full rep.
    times, values = _reps_signal(fps, [(3.0, 3.0)], start=1.5)
    reps = count(RepCounter(enter_rise=35), times, values)
    assert len(reps) == 2
    assert reps[0].start_s == 0.0 and 1.2 < reps[0].end_s < 2.5
    # ... unless the exercise never starts inside a rep (a bridge, an abduction): then only
    # the full rep counts
    assert len(count(RepCounter(enter_rise=35, max_opening_s=0.0), times, values)) == 1


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_counting_is_the_same_at_any_frame_rate(fps):
    tops = [(0.8, 2.0), (3.2, 2.0), (6.0, 1.5)]
    times, values = _reps_signal(fps, tops, noise=2.0, seed=fps)
    reps = count(RepCounter(enter_rise=35), times, values)
    assert [round(r.start_s) for r in reps] == [1, 3, 6]


@pytest.mark.parametrize("fps", [10, 15, 25, 30, 60])
def test_the_resting_level_comes_back_down_after_a_slow_rise(fps):
    # A slow first rise lets the resting level drift up a little; standing still again for
    # a second must bring it back down, whatever the frame rate, or the next rep is lost.
    times, values = _reps_signal(fps, [(1.5, 6.0), (9.0, 3.0)], height=50.0)
    assert len(count(RepCounter(enter_rise=35), times, values)) == 2


@pytest.mark.parametrize("fps", [10, 30, 60])
@pytest.mark.parametrize("cut_at, counted", [(0.8, True), (0.5, False)])
def test_a_video_cut_as_the_last_rep_comes_back_down(fps, cut_at, counted):
    # The second rep's video ends 80% of the way through it (the signal ~10% of its height
    # above rest: nearly back down, counted) or at its top (not a finished rep).
    times, values = _reps_signal(fps, [(1.0, 2.5), (4.0, 2.5)])
    kept = times <= 4.0 + cut_at * 2.5
    counter = RepCounter(enter_rise=35)
    reps = count(counter, times[kept], values[kept])
    last = counter.finish(times[kept][-1])
    assert len(reps) == 1 and (last is not None) == counted
    if counted:
        assert abs(last.start_s - 4.0) < 0.5 and last.end_s == times[kept][-1]


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_video_ending_long_after_the_signal_wandered_half_way_down_has_no_last_rep(fps):
    # Down to about a fifth of the rise and moving about there for 2 s (another movement: a
    # routine's next exercise) when the video ends: no rep was seen to finish.
    times, values = _reps_signal(fps, [(1.0, 2.5), (4.0, 2.5)])
    kept = times <= 4.0 + 0.85 * 2.5
    times, values = times[kept], values[kept]
    after = np.arange(times[-1] + 1.0 / fps, times[-1] + 2.0, 1.0 / fps)
    wander = 18.0 + 3.0 * np.sin(4 * np.pi * (after - after[0]))
    counter = RepCounter(enter_rise=35)
    reps = count(counter, np.concatenate([times, after]), np.concatenate([values, wander]))
    assert len(reps) == 1 and counter.finish(after[-1]) is None


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_rep_ending_still_short_of_the_old_rest_counts(fps):
    # Back up from a squat to standing, but read a fifth of the rep above the old rest and
    # still there (the filmed Smith-machine squat reads 23 deg of a 96 deg rep, standing): the
    # rep ended, in the stream, where the signal came to rest.
    times, values = _reps_signal(fps, [(1.0, 2.5), (4.0, 2.5)])
    kept = times <= 4.0 + 0.85 * 2.5
    times, values = times[kept], values[kept]
    held = np.arange(times[-1] + 1.0 / fps, times[-1] + 2.0, 1.0 / fps)
    counter = RepCounter(enter_rise=35)
    reps = count(counter, np.concatenate([times, held]), np.concatenate([values, np.full(len(held), 18.0)]))
    assert len(reps) == 2 and counter.finish(held[-1]) is None
    assert abs(reps[1].end_s - times[-1]) < 0.25


@pytest.mark.parametrize("fps", [10, 24, 30, 60])
def test_a_drop_out_for_a_frame_in_mid_rep_neither_ends_nor_splits_it(fps):
    # MediaPipe loses a clamshell's knee for a frame: the opening reads near rest (an end),
    # or down past the trough and back (a split), once in each rep.
    times, values = _reps_signal(fps, [(1.0, 2.5), (4.0, 2.5)])
    values[np.searchsorted(times, 2.0)] = 2.0
    values[np.searchsorted(times, 5.4)] = 20.0
    reps = count(RepCounter(enter_rise=35), times, values)
    assert [(round(r.start_s), round(r.end_s)) for r in reps] == [(1, 3), (4, 6)]
