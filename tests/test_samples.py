"""Rule tests on the rendered sample clips: one test per clip, the real model on real pixels."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import SAMPLES, run_cli
from formcheck.exercises import EXERCISES
from formcheck.samples import FAIL, NOT_IMPLEMENTED, PASS, check_clip, compare
from reports import event, hold, make_report, rep

EXPECTED = sorted(SAMPLES.rglob("*.expected.json"))


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.name.replace(".expected.json", "") for p in EXPECTED])
def test_sample_clip_meets_its_expected_outcome(expected, model_path):
    check = check_clip(expected, model_path)
    if check.status == NOT_IMPLEMENTED:
        pytest.xfail(f"{check.exercise} is not implemented yet")
    assert check.status == PASS, "; ".join(check.reasons)


def test_every_exercise_has_sample_clips():
    exercises = {json.loads(p.read_text())["exercise"] for p in EXPECTED}
    assert exercises == set(EXERCISES)


def report(reps=0, holds=(), faults=()):
    """A report with ``reps`` reps, or ``holds`` (side, seconds), in which ``faults`` fired."""
    exercise = "seated_figure_four" if holds else "glute_bridge"
    return make_report(exercise, reps=[rep(i, 2.0 * i, 2.0 * i + 1.5) for i in range(1, reps + 1)],
                       holds=[hold(side, 0.0, seconds) for side, seconds in holds],
                       events=[event(exercise, code, 1.0) for code in faults])


def test_compare_explains_every_mismatch():
    expect = {"rep_count": 3, "holds": [], "faults_present": ["hips_too_high"], "faults_absent": ["short_hold"]}
    assert compare(report(3, faults=["hips_too_high"]), expect) == []
    reasons = compare(report(2, faults=["short_hold"]), expect)
    assert reasons == ["2 reps, expected 3", "hips_too_high did not fire", "short_hold fired but should not"]


def test_compare_matches_holds_by_side_within_tolerance():
    expect = {"rep_count": None, "holds": [{"side": "left", "duration_s": 20.0}, {"side": "right", "duration_s": 18.0}]}
    assert compare(report(holds=[("right", 19.2), ("left", 21.0)]), expect) == []
    reasons = compare(report(holds=[("left", 20.0), ("left", 18.0)]), expect)
    assert any("no right hold" in r for r in reasons)


def test_a_deliberately_broken_rule_makes_check_samples_fail(tmp_path, model_path):
    clean = [p for p in SAMPLES.glob("glute_bridge/*.expected.json")
             if "hips_too_high" in json.loads(p.read_text())["expect"].get("faults_absent", [])]
    if not clean:
        pytest.skip("no clean glute-bridge sample yet")
    src = min(clean, key=lambda p: json.loads(p.read_text())["render"].get("frames", 1e9))  # the shortest
    folder = tmp_path / "samples"
    folder.mkdir()
    data = json.loads(src.read_text())
    shutil.copy(src, folder / src.name)
    shutil.copy(src.parent / data["clip"], folder / data["clip"])
    good = run_cli("check-samples", folder)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "1 passed, 0 failed" in good.stdout
    broken = tmp_path / "broken.toml"
    broken.write_text("[glute_bridge]\nhips_too_high_deg = -60\n")  # every top is now "too high"
    bad = run_cli("check-samples", folder, "--config", broken)
    assert bad.returncode != 0
    assert FAIL in bad.stdout and "hips_too_high fired but should not" in bad.stdout
