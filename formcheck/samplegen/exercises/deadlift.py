"""Deadlift as a hip hinge (Romanian deadlift, no weight), filmed from the side: knees
soft, arms hanging; push the hips back and bring the chest forward with a flat back,
then drive the hips forward to stand tall.

Kinematics (see ``stance``): the trunk leans by ``lean`` while the hips go back
(``thigh``) and the knees soften (``shin``). Faults: the upper back and neck curl
(``curl``); the knees bend like a squat; on the way up the knees straighten first with
the trunk still level; at the top the trunk leans back past vertical.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import PosedBody
from formcheck.samplegen.exercises.stance import STANCE, StandingExercise
from formcheck.samplegen.geometry import angle_deg, flatten, lateral_axis, line_deviation_deg
from formcheck.samplegen.timeline import Timeline

DEFAULTS = {
    "reps": 2,
    "start_s": 1.0,
    "down_s": 2.0,
    "bottom_s": 0.5,
    "up_s": 1.6,
    "rest_s": 1.0,
    "feet_apart_m": -0.2,
    "top_lean_deg": 7.0,    # standing tall (some bodies' shoulder keypoints sit ~5 deg behind their hips)
    "bottom": {"shin": 8.0, "thigh": 16.0, "lean": 78.0},
    "up_via": None,         # (share of up_s, posture) on the way up
    "lockout": None,        # posture held for a moment at the top
}
FAULT_OPTIONS = {
    None: {},
    "rounded_back": {"bottom": {"shin": 8.0, "thigh": 16.0, "lean": 62.0, "curl": 50.0}},
    "squatting": {"bottom": {"shin": 30.0, "thigh": 64.0, "lean": 66.0}},
    "hips_rise_first": {"bottom": {"shin": 14.0, "thigh": 32.0, "lean": 78.0},
                        "up_via": (0.45, {"shin": 0.0, "thigh": 2.0, "lean": 76.0})},
    "leaning_back": {"lockout": {"lean": -22.0}},
}
LIFT_CHECK_DEG = 20.0  # the start of the lift: until the hips have opened this much


class Deadlift(StandingExercise):
    id = "deadlift"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((70.0, 110.0), (-110.0, -70.0))
    beyond_deg = 40.0
    camera_heights_m = (0.1, 1.4)
    distances_m = (2.6, 3.4)
    portrait_ok = True
    negative_options = {"bottom": {"shin": 3.0, "thigh": 4.0, "lean": 12.0}}  # a nod of the trunk

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        kp = posed.kp
        mid = lambda j: (kp(f"left_{j}") + kp(f"right_{j}")) / 2  # noqa: E731
        ear, shoulder, hip, knee = flatten(np.stack([mid("ear"), mid("shoulder"), mid("hip"), mid("knee")]),
                                           lateral_axis(posed.keypoints))
        trunk = shoulder - hip
        return {"neck_bend_deg": line_deviation_deg(ear, shoulder, hip),
                "hip_deg": angle_deg(shoulder, hip, knee),
                "trunk_forward_deg": math.degrees(math.atan2(-trunk[1], trunk[2]))}  # forward is -y

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(**{**STANCE, "lean": o["top_lean_deg"]})
        top = tl.current
        tl.hold(o["start_s"])
        for _ in range(o["reps"]):
            down = tl.move(o["down_s"], **o["bottom"])
            bottom = tl.hold(o["bottom_s"])
            back = {k: top[k] for k in o["bottom"]}
            if o["up_via"] is not None:
                share, posture = o["up_via"]
                tl.move(share * o["up_s"], **posture)
                up = tl.move((1 - share) * o["up_s"], **back)
            else:
                up = tl.move(o["up_s"], **back)
            end = up[1]
            if o["lockout"] is not None:
                tl.move(0.5, **o["lockout"])
                tl.hold(0.6)
                end = tl.move(0.5, lean=top["lean"])[1]
            self.reps.append({"start_s": down[0], "bottom": bottom, "end_s": end})
            tl.hold(o["rest_s"])
        return tl

    def expectation(self, times, angles):
        th = S.DEADLIFT
        m, r = S.ANGLE_MARGIN_DEG, S.RATIO_MARGIN_FRACTION
        truth_reps, faults = [], set()
        knee = np.minimum(angles["left_knee_sagittal_deg"], angles["right_knee_sagittal_deg"])
        hip, lean = angles["hip_deg"], angles["trunk_forward_deg"]
        for rep in self.reps:
            in_rep = (times >= rep["start_s"]) & (times <= rep["end_s"])
            at_bottom = (times >= rep["bottom"][0]) & (times <= rep["bottom"][1])
            start = int(np.flatnonzero(at_bottom)[-1])
            opening = np.flatnonzero(hip[start:] >= hip[start] + LIFT_CHECK_DEG)
            opened = start + int(opening[0]) if len(opening) else len(hip) - 1  # a nod opens less
            after = in_rep & (times >= rep["bottom"][1])
            entry = {
                "start_s": round(rep["start_s"], 3), "end_s": round(rep["end_s"], 3),
                "neck_bend_deg": round(float(angles["neck_bend_deg"][at_bottom].max()), 2),
                "min_knee_deg": round(float(knee[in_rep].min()), 2),
                "min_hip_deg": round(float(hip[in_rep].min()), 2),
                "chest_rise_fraction": round(float((lean[start] - lean[opened]) / max(1e-6, hip[opened] - hip[start])),
                                             3),
                "lean_back_deg": round(float(-lean[after].min()), 2),
            }
            truth_reps.append(entry)
            checks = (
                ("rounded_back", entry["neck_bend_deg"], th["max_neck_bend_deg"], True, m),
                ("squatting", entry["min_knee_deg"], th["min_knee_deg"], False, m),
                ("hips_rise_first", entry["chest_rise_fraction"], th["min_chest_rise_fraction"], False,
                 r * th["min_chest_rise_fraction"]),
                ("leaning_back", entry["lean_back_deg"], th["max_lean_back_deg"], True, m),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        return self.outcome(faults, reps=truth_reps)
