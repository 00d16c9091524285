"""Hold exercises in the session: the timer counts only in position, and a broken hold says why."""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.counting import Window
from formcheck.exercises.base import SIDE, Fault, FaultSpec, HoldExercise, KeyAngle
from synthetic import side_pose


@dataclass(frozen=True)
class Thresholds:
    min_hold_s: float = 5.0


class ToyHold(HoldExercise):
    """Held (left) while the hips are within 10 degrees of the line; a side-view toy."""

    id, title, view, view_name, setup = "toy_hold", "Toy hold", "side", "side", "Lie down"
    Thresholds = Thresholds
    FAULTS = (FaultSpec("short_hold", "Hold too short", "Hold longer", "min_hold_s", (SIDE,)),
              FaultSpec("missing_side", "Other side missing", "Now switch legs", None, (SIDE,)))
    joints = ("shoulder", "hip", "knee")
    key_angle, plots = KeyAngle("line", "hip"), {}

    def measure(self, pose):
        from formcheck.exercises.base import midpoint
        from formcheck.geometry import line_deviation_deg
        return {"line": line_deviation_deg(*(midpoint(pose, j) for j in ("shoulder", "hip", "knee")))}

    def held_side(self, m):
        return "left" if abs(m["line"]) < 10 else None

    def why_not_held(self, m):
        return "your hips dropped"

    def check_hold(self, hold: Window):
        short = hold.duration_s < self.th.min_hold_s
        return ([Fault("short_hold", hold.end_s)] if short else []), {}


def run(script):
    from formcheck.session import Session
    session = Session(ToyHold())
    states, t = [], 0.0
    for line_deg, seconds in script:
        for _ in range(int(seconds * 10)):
            states.append(session.update(t, side_pose(t, line_deg)))
            t += 0.1
    return session.finish(), states


def test_a_hold_broken_early_says_why():
    result, states = run([(0, 3.0), (-40, 3.0)])
    assert [h.side for h in result.holds] == ["left"]
    assert result.holds[0].faults == ["short_hold"]
    assert any(s.banner and s.banner.text == "Hold ended early: your hips dropped" for s in states)


def test_a_full_hold_prompts_the_other_side_and_the_timer_only_runs_in_position():
    result, states = run([(-40, 1.0), (0, 8.0), (-40, 3.0)])
    assert abs(result.holds[0].duration_s - 7.9) < 0.3
    assert all(s.hold_s is None for s in states[:10])  # not in position: no timer
    assert any(s.banner and s.banner.text == "Now switch legs" for s in states)
