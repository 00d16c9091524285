"""Accuracy floors: the rules replayed on the rendered population's test half (stored pose
tracks, see ``benchmarks/accuracy.py``) must not fall below what they reached when these
floors were last raised. An accuracy regression fails here instead of landing silently.
Raise a floor whenever the judgement work lifts a figure; never lower one to make a change pass.
"""
from __future__ import annotations

import pytest

from benchmarks.accuracy import POPULATION, fault_table, population_scores, summary

# Reached on the test half when last raised (see the README's accuracy section).
FLOORS = {
    "clips": 160,
    "reps_exact": 0.0,
    "holds_exact": 0.0,
    "clean_ok": 0.0,
    "fault_precision_min": 0.0,
    "fault_recall_min": 0.0,
}


@pytest.fixture(scope="module")
def scores():
    if not any(POPULATION.glob("*/*.track.xz")):
        pytest.fail(f"no stored population tracks in {POPULATION}")
    return population_scores("test", jobs=2)


def test_the_test_half_is_complete(scores):
    assert len(scores) >= FLOORS["clips"]
    assert {s.exercise for s in scores} == {
        "glute_bridge", "seated_hip_abduction", "seated_figure_four", "standing_figure_four",
        "squat", "chair_squat", "deadlift", "clamshell"}


def test_counting_and_clean_clips_stay_above_their_floors(scores):
    m = summary(scores)
    for key in ("reps_exact", "holds_exact", "clean_ok"):
        assert m[key] >= FLOORS[key], f"{key} fell to {m[key]:.3f} (floor {FLOORS[key]})"


def test_every_fault_stays_above_its_floors(scores):
    for (exercise, code), row in fault_table(scores).items():
        if row["precision"] is not None:
            assert row["precision"] >= FLOORS["fault_precision_min"], (exercise, code, row)
        if row["recall"] is not None:
            assert row["recall"] >= FLOORS["fault_recall_min"], (exercise, code, row)


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
