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
