"""The population's named negatives (clips 040 on, ``formcheck.samplegen.exercises.negatives``)
and fault clips (the last ones): each stored track is the clip its seed draws, the earlier 40
clips of each exercise are drawn as before, every named move has as many clips in the tuning
half as in the test half, all expecting nothing to count, and every fault as many clips too."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from benchmarks.accuracy import POPULATION
from formcheck.pose.store import load_track

pytest.importorskip("torch")  # the sample generator's body model (the "samples" extra)


def _camera(spec: dict) -> dict:
    return {k: v for k, v in spec["camera"].items() if k != "distance_m"}


@pytest.fixture(scope="module")
def stored():
    tracks = [load_track(path)[1] for path in sorted(POPULATION.glob("*/*.track.xz"))]
    if not tracks:
        pytest.fail(f"no stored population tracks in {POPULATION}")
    return tracks


def test_each_stored_track_is_the_clip_its_seed_draws(stored):
    from formcheck.samplegen import population as P

    checked = 0
    for truth in stored:
        spec = json.loads(json.dumps(P.draw(truth["exercise"], truth["index"]).to_dict()))
        kept = truth["render"]
        # The camera may have been moved back to keep the body in the picture; a clip drawn
        # again (another attempt: another camera too) is not the first draw.
        if _camera(kept) == _camera(spec):
            checked += 1
            assert kept["camera"]["distance_m"] >= spec["camera"]["distance_m"], truth["clip"]
            same = ("seed", "fault", "shape", "outfit", "options", "negative", "description")
            assert {k: kept[k] for k in same} == {k: spec[k] for k in same}, truth["clip"]
    assert checked >= 0.9 * len(stored)


def test_named_negatives_come_in_both_halves(stored):
    from formcheck.samplegen import population as P

    halves = Counter((t["exercise"], t.get("negative_move"), t["half"]) for t in stored if t.get("negative_move"))
    for exercise in {t["exercise"] for t in stored}:
        moves = Counter(P.negative_moves(exercise))
        assert "walking_through" in moves
        for move, count in moves.items():
            for half in ("tune", "test"):
                assert halves[(exercise, move, half)] == count // 2, (exercise, move, half)
    named = [t for t in stored if t.get("negative_move")]
    assert {t["negative_move"] for t in named} == {"walking_through", "sitting_down", "pigeon_stretch"}
    for truth in named:
        assert truth["negative"] and truth["index"] >= P.PER_EXERCISE
        expect = truth["expect"]
        assert expect["rep_count"] in (0, None) and expect["holds"] == [] and expect["faults_present"] == []


def test_fault_clips_act_each_fault_as_often_in_both_halves(stored):
    """The last clips of each exercise act its faults in turn (``population.PER_FAULT`` each),
    half in the tuning half and half in the test half, none a negative or off the views."""
    from formcheck.samplegen import population as P

    acted = Counter()
    for truth in stored:
        if truth["index"] >= P.first_fault_clip(truth["exercise"]):
            assert truth["render"]["fault"] == P.fault_acted(truth["exercise"], truth["index"]), truth["clip"]
            assert not truth["negative"] and truth["view"]["outside_views_deg"] == 0, truth["clip"]
            acted[(truth["exercise"], truth["render"]["fault"], truth["half"])] += 1
    for exercise in {t["exercise"] for t in stored}:
        for fault in P.faults_of(exercise):
            for half in ("tune", "test"):
                assert acted[(exercise, fault, half)] == P.PER_FAULT // 2, (exercise, fault, half)
