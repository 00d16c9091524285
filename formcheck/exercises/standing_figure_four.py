"""Standing figure-four stretch. Front or oblique view: one hand on a chair, stand on one
leg, cross the other ankle over the standing knee, sit the hips back with the chest tall,
hold a few seconds, switch.

A hold is the crossed ankle raised and resting on or near the standing leg's knee.
``side`` is the crossed leg. The crossing is found as in the seated stretch (see
``crossed_leg``); the hold keeps its side through MediaPipe's brief left/right swaps.
The trunk lean is the world trunk lean. The standing knee angle
is the world-landmark angle at the supporting knee (the knee nearest the raised ankle,
with the lower ankle): the knee bends toward the camera, so its 2D image angle reads far
too straight, while the world angle follows the bend.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.counting import HoldTracker, Window
from formcheck.exercises.base import Fault, HoldExercise, crossed_leg, missing_side, sustained_extreme
from formcheck.exercises.seated_figure_four import crossed_side, figure_four_metrics, why_not_crossed
from formcheck.pose.landmarks import Joint, PoseFrame


@dataclass(frozen=True)
class Thresholds:
    min_knee_deg: float = 100.0           # standing-leg knee angle; below = too deep
    max_lean_deg: float = 50.0            # trunk lean from vertical
    min_hold_s: float = 3.0               # shorter holds -> short_hold
    persist_s: float = 0.5                # a depth or lean must last this long to count
    max_ankle_gap_ratio: float = 0.75     # raised ankle to the other knee, x that leg's shin (image)
    min_ankle_raise_ratio: float = 0.5    # raised ankle above the other ankle, x torso length
    max_standing_lean_deg: float = 80.0   # beyond this the person is not standing
    hold_enter_s: float = 1.0             # posture seen this long starts a hold
    hold_exit_s: float = 1.0              # ... gone this long ends it


CUES = {
    "too_deep": "Don't sink so low - protect your knee",
    "torso_not_tall": "Keep your chest up and your upper body tall",
    "short_hold": "Hold the stretch for a few seconds",
    "missing_side": "Now switch legs",
}


class StandingFigureFour(HoldExercise):
    id = "standing_figure_four"
    title = "Standing figure-four stretch"
    view = "front_or_oblique"
    view_name = "front"
    setup = "Face the camera, one hand on a chair; cross one ankle over the other knee"
    Thresholds = Thresholds
    CUES = CUES
    FAULTS = tuple(CUES)
    joints = ("shoulder", "hip", "knee", "ankle")
    key_metric = "support_knee_deg"
    key_joint = "knee"
    plots = {"support_knee_deg": "Standing knee angle (deg)", "trunk_lean_deg": "Trunk lean (deg)"}

    def measure(self, pose: PoseFrame) -> dict[str, float]:
        return figure_four_metrics(pose)

    def in_position(self, m: dict[str, float]) -> bool:
        return m["trunk_lean_deg"] <= self.th.max_standing_lean_deg

    def tracker(self) -> HoldTracker:
        return HoldTracker(self.th.hold_enter_s, self.th.hold_exit_s, keep_side=True)

    def held_side(self, m: dict[str, float]) -> str | None:
        return crossed_side(m, self.th)

    def why_not_held(self, m: dict[str, float]) -> str | None:
        return why_not_crossed(m, self.th)

    def live_cues(self, m: dict[str, float], active: bool) -> list[str]:
        if not active:
            return []
        cues = []
        if m["support_knee_deg"] < self.th.min_knee_deg:
            cues.append("too_deep")
        if m["trunk_lean_deg"] > self.th.max_lean_deg:
            cues.append("torso_not_tall")
        return cues

    def check_hold(self, hold: Window) -> tuple[list[Fault], dict[str, float]]:
        th = self.th
        lean, lean_t = sustained_extreme(hold, "trunk_lean_deg", th.persist_s)
        knee, deep_t = sustained_extreme(hold, "support_knee_deg", th.persist_s, lowest=True)
        faults = []
        if knee < th.min_knee_deg:
            faults.append(Fault("too_deep", deep_t))
        if lean > th.max_lean_deg:
            faults.append(Fault("torso_not_tall", lean_t))
        if hold.duration_s < th.min_hold_s:
            faults.append(Fault("short_hold", hold.end_s))
        return faults, {"min_knee_deg": knee, "max_trunk_lean_deg": lean}

    def check_session(self, holds: list[Window], end_s: float) -> list[Fault]:
        return missing_side(holds, end_s)

    def key_points(self, pose: PoseFrame, m: dict[str, float]) -> tuple[Joint, Joint, Joint] | None:
        return crossed_leg(pose).support

    def bands(self) -> dict[str, list[dict]]:
        return {
            "support_knee_deg": [{"label": "Too deep", "min": None, "max": self.th.min_knee_deg, "code": "too_deep"}],
            "trunk_lean_deg": [{"label": "Chest not tall", "min": self.th.max_lean_deg, "max": None,
                                "code": "torso_not_tall"}],
        }

