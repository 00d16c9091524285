"""Clamshell, filmed from in front of the body: lying on the left side on a mat, hips bent
~45 deg and knees ~90 deg, hips stacked, feet together; the top knee opens and closes.

Kinematics: the body is laid on its left side facing the camera; ``roll`` turns it back
about its long axis (the pelvis rolling back, the trunk with it; the truth is the
smaller of the hips' and the shoulders' turn, as the analyser judges it). The top (right) leg turns about the line
from its hip to its ankle by ``opening`` degrees (the clamshell), its ankle lifted by
``feet`` metres when the feet come apart: a two-bone solve with the knee on that circle.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import Body, PosedBody, axis_angle, hip, rx
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.geometry import angle_deg
from formcheck.samplegen.kinematics import Limb, arm_towards
from formcheck.samplegen.render import Mesh, box
from formcheck.samplegen.timeline import Timeline

# Body axes (x left, y back, z up) -> world: left side down, head toward -x, facing +y.
LYING = np.array([[0.0, 0.0, -1.0], [0.0, -1.0, 0.0], [-1.0, 0.0, 0.0]]).T
MAT_THICKNESS_M = 0.012
ADDUCTION_DEG = 3.0  # past parallel: the knees rest on each other
FEET_GAP_M = 0.1     # ankle joints apart with the feet together
DEFAULTS = {
    "reps": 2,
    "start_s": 1.0,
    "open_s": 0.8,
    "top_s": 1.0,
    "close_s": 1.0,
    "rest_s": 1.0,
    "hip_flex_deg": 45.0,
    "knee_flex_deg": 90.0,
    "top": {"opening": 80.0},     # the leg's turn: the thighs end ~54 deg apart
}
FAULT_OPTIONS = {
    None: {},
    "partial_range": {"top": {"opening": 20.0}},
    "pelvis_rolls_back": {"top": {"opening": 80.0, "roll": 35.0}},
    "feet_apart": {"top": {"opening": 70.0, "feet": 0.3}},
}


class Clamshell(Exercise):
    id = "clamshell"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((-30.0, 30.0),)   # in front of the lying body
    beyond_deg = 0.0
    camera_heights_m = (1.0, 1.6)
    distances_m = (1.9, 2.4)
    negative_options = {"top": {"opening": 7.0}}  # the knee hardly lifts

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        self.top_leg = Limb(body, ("upperleg01.R", "lowerleg01.R", "foot.R"), rest_axis=(1, 0, 0))
        self.twist = 0.0
        lo, hi = 0.0, 40.0
        for _ in range(12):  # turn both hips out until the feet rest on each other
            self.twist = (lo + hi) / 2
            legs = self.body.pose(self._legs())
            gap = np.linalg.norm(self.body.head(legs, "foot.R") - self.body.head(legs, "foot.L"))
            lo, hi = (self.twist, hi) if gap > FEET_GAP_M else (lo, self.twist)
        closed = self._pose(0.0, 0.0, 0.0, np.zeros(3))
        self.t0 = np.array([0.0, 0.0, MAT_THICKNESS_M - closed.vertices[:, 2].min()])

    def _legs(self) -> dict[str, np.ndarray]:
        flex, knee = self.o["hip_flex_deg"], self.o["knee_flex_deg"]
        rest = self.body.rest
        rotations = {}
        for s in "LR":
            h, k = self.body.head(rest, f"upperleg01.{s}"), self.body.head(rest, f"lowerleg01.{s}")
            spread = math.degrees(math.atan2(abs(k[0] - h[0]), h[2] - k[2]))  # Anny's A-pose: legs apart
            rotations[f"upperleg01.{s}"] = hip(s, flex=flex, abd=-(spread + ADDUCTION_DEG), rot=self.twist)
            rotations[f"lowerleg01.{s}"] = rx(knee)
        rotations.update(arm_towards(self.body, "L", np.array([0.0, -1.0, 0.35]), elbow_bend_deg=20.0))
        rotations.update(arm_towards(self.body, "R", np.array([0.25, -0.45, -1.0]), elbow_bend_deg=10.0))
        return rotations

    def _pose(self, opening: float, roll: float, feet: float, t) -> PosedBody:
        root = axis_angle((1.0, 0.0, 0.0), roll) @ LYING   # roll back: the top hip turns away (-y)
        rotations = self._legs()
        if opening == 0.0 and feet == 0.0:
            return self.body.pose(rotations, root, t)
        closed = self.body.pose(rotations, root, t)
        hip = self.body.head(closed, "upperleg01.R")
        knee = self.body.head(closed, "lowerleg01.R")
        ankle = self.body.head(closed, "foot.R") + np.array([0.0, 0.0, feet])
        axis = (ankle - hip) / np.linalg.norm(ankle - hip)
        turned = [axis_angle(axis, sign * opening) @ (knee - hip) for sign in (1.0, -1.0)]
        hint = max(turned, key=lambda v: v[2])  # the knee goes up toward the ceiling
        leg = self.top_leg.solve(root, hip, ankle, hint)
        shank = root @ leg["upperleg01.R"] @ leg["lowerleg01.R"]
        closed_shank = root @ rotations["upperleg01.R"] @ rotations["lowerleg01.R"]
        leg["foot.R"] = shank.T @ closed_shank  # the foot keeps its place beside the other
        rotations.update(leg)
        return self.body.pose(rotations, root, t)

    def pose(self, params: dict[str, float]) -> PosedBody:
        return self._pose(params["opening"], params["roll"], params["feet"], self.t0)

    def props(self) -> list[Mesh]:
        return [box((-0.2, 0.1, MAT_THICKNESS_M / 2), (2.0, 0.9, MAT_THICKNESS_M), (200, 140, 140))]

    def reference(self):
        return np.array([-0.25, 0.0, 0.25]), np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, -1.0])

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        kp = posed.kp
        top_thigh = kp("right_knee") - kp("right_hip")
        bottom_thigh = kp("left_knee") - kp("left_hip")
        hips = kp("right_hip") - kp("left_hip")
        shoulders = kp("right_shoulder") - kp("left_shoulder")
        thigh = (np.linalg.norm(top_thigh) + np.linalg.norm(bottom_thigh)) / 2
        return {"opening_deg": angle_deg(top_thigh, np.zeros(3), bottom_thigh),
                "pelvis_roll_deg": math.degrees(math.atan2(-hips[1], hips[2])),  # away from the camera: -y
                "trunk_roll_deg": math.degrees(math.atan2(-shoulders[1], shoulders[2])),
                "feet_gap_ratio": float(np.linalg.norm(kp("right_ankle") - kp("left_ankle")) / thigh)}

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(opening=0.0, roll=0.0, feet=0.0)
        rest = tl.current
        tl.hold(o["start_s"])
        for _ in range(o["reps"]):
            up = tl.move(o["open_s"], **o["top"])
            top = tl.hold(o["top_s"])
            down = tl.move(o["close_s"], **{k: rest[k] for k in o["top"]})
            self.reps.append({"start_s": up[0], "top": top, "end_s": down[1]})
            tl.hold(o["rest_s"])
        return tl

    def expectation(self, times, angles):
        th = S.CLAMSHELL
        m, r = S.ANGLE_MARGIN_DEG, S.RATIO_MARGIN_FRACTION
        truth_reps, faults = [], set()
        for rep in self.reps:
            in_rep = (times >= rep["start_s"]) & (times <= rep["end_s"])
            start = int(np.flatnonzero(in_rep)[0])
            rise = lambda name: float(angles[name][in_rep].max() - angles[name][start])  # noqa: E731
            entry = {
                "start_s": round(rep["start_s"], 3), "end_s": round(rep["end_s"], 3),
                "peak_opening_deg": round(float(angles["opening_deg"][in_rep].max()), 2),
                "rest_opening_deg": round(float(angles["opening_deg"][start]), 2),
                "pelvis_roll_deg": round(min(rise("pelvis_roll_deg"), rise("trunk_roll_deg")), 2),
                "feet_gap_ratio": round(rise("feet_gap_ratio"), 3),
            }
            truth_reps.append(entry)
            checks = (
                ("partial_range", entry["peak_opening_deg"], th["min_opening_deg"], False, m),
                ("pelvis_rolls_back", entry["pelvis_roll_deg"], th["max_pelvis_roll_deg"], True, m),
                ("feet_apart", entry["feet_gap_ratio"], th["max_feet_gap_ratio"], True,
                 r * th["max_feet_gap_ratio"]),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        return self.outcome(faults, reps=truth_reps)
