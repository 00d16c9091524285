"""Accuracy floors: the rules replayed on the rendered population's test half (stored pose
tracks, see ``benchmarks/accuracy.py``) must not fall below the figures they reached when
the floors were last raised (``tests/accuracy_floors.json``), overall and fault by fault.
An accuracy regression fails here instead of landing silently. Raise the floors with
``python -m benchmarks.accuracy --half test --raise-floors`` when a change lifts a figure;
never lower one to make a change pass.
"""
from __future__ import annotations

import json

import pytest

from benchmarks.accuracy import FLOORS, POPULATION, fault_table, population_scores, summary

SLACK = 1e-9


@pytest.fixture(scope="module")
def scores():
    if not any(POPULATION.glob("*/*.track.xz")):
        pytest.fail(f"no stored population tracks in {POPULATION}")
    return population_scores("test", jobs=2)


@pytest.fixture(scope="module")
def floors():
    return json.loads(FLOORS.read_text())


def test_the_test_half_is_complete(scores, floors):
    assert len(scores) >= floors["clips"] >= 160
    assert {s.exercise for s in scores} == {
        "glute_bridge", "seated_hip_abduction", "seated_figure_four", "standing_figure_four",
        "squat", "chair_squat", "deadlift", "clamshell"}


def test_counting_and_clean_clips_stay_above_their_floors(scores, floors):
    m = summary(scores)
    for key in ("reps_exact", "holds_exact", "clean_ok", "counted"):
        assert m[key] >= floors[key] - SLACK, f"{key} fell to {m[key]:.3f} (floor {floors[key]})"


def test_every_fault_stays_above_its_floors(scores, floors):
    table = fault_table(scores)
    fallen = []
    for name, floor in floors["faults"].items():
        exercise, code = name.split("/")
        row = table.get((exercise, code), {})
        for key, value in floor.items():
            if row.get(key) is None or row[key] < value - SLACK:
                fallen.append(f"{name} {key} {row.get(key)} < {value}")
    assert not fallen, "; ".join(fallen)


def test_scoring_sees_a_wrong_answer():
    """The instrument itself: a missed rep, a false fault and a missed fault are all counted."""
    from benchmarks.accuracy import Outcome, score

    expect = {"rep_count": 3, "holds": [], "faults_present": ["hips_too_high"],
              "faults_absent": ["short_hold"], "faults_unscored": ["fast_lowering"]}
    s = score("x", "glute_bridge", "side", expect, Outcome(2, [], {"short_hold", "fast_lowering"}))
    assert s.rep_error == -1
    assert s.faults == {"hips_too_high": (True, False), "short_hold": (False, True)}
    assert not s.ok and len(s.reasons) == 3
    assert fault_table([s])[("glute_bridge", "short_hold")]["precision"] == 0.0


def test_a_fault_the_view_hid_is_not_scored():
    from benchmarks.accuracy import Outcome, score

    expect = {"rep_count": 1, "holds": [], "faults_present": ["leaning_forward"], "faults_absent": []}
    s = score("x", "squat", "front", expect, Outcome(1, [], set(), not_judged={"leaning_forward"}))
    assert s.ok and s.faults == {} and s.unjudged == ["leaning_forward"]


def test_a_count_the_report_said_it_could_not_give_is_counted_as_uncounted():
    from benchmarks.accuracy import Outcome, score, summary

    expect = {"rep_count": None, "holds": [{"side": "left", "duration_s": 9.0}, {"side": "right", "duration_s": 9.0}],
              "faults_present": [], "faults_absent": ["missing_side"]}
    said = Outcome(0, [("left", 3.0)], set(), not_judged={"hold_count", "missing_side"})
    s = score("x", "standing_figure_four", "oblique", expect, said)
    assert s.ok and s.holds_exact is None and s.count_judged is False
    assert summary([s])["counted"] == 0.0
    # On a negative (nothing may be counted) and a filmed clip (its label is the truth) it is scored.
    strict = score("x", "standing_figure_four", "filmed", expect, said, count_always=True)
    assert not strict.ok and strict.holds_exact is False and strict.count_judged is True
