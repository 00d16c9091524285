"""Squat, filmed from the side or the front: feet planted a little wider than the hips,
arms reaching forward; sit the hips back and down until the thighs are about level,
stand up.

Kinematics (see ``stance``): the shins tip forward by ``shin``, the thighs tilt by
``thigh`` (hips back and down), the trunk leans by ``lean``; knees caving in bend
toward each other, heels lifting turn the feet about their balls.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import PosedBody
from formcheck.samplegen.exercises.stance import STANCE, StandingExercise
from formcheck.samplegen.timeline import Timeline

DEFAULTS = {
    "reps": 2,
    "start_s": 1.0,
    "down_s": 2.0,
    "bottom_s": 0.4,
    "up_s": 1.5,
    "rest_s": 1.0,
    "feet_apart_m": -0.12,     # from Anny's A-pose stance: feet a little wider than the hips
    "bottom": {"shin": 28.0, "thigh": 102.0, "lean": 30.0, "knees_in": -0.05},  # knees out over the toes
}
FAULT_OPTIONS = {
    None: {},
    "too_shallow": {"bottom": {"shin": 16.0, "thigh": 52.0, "lean": 22.0, "knees_in": -0.05}},
    "knees_caving": {"bottom": {"shin": 28.0, "thigh": 102.0, "lean": 30.0, "knees_in": 0.035}},
    "heels_lifting": {"bottom": {"shin": 28.0, "thigh": 102.0, "lean": 30.0, "knees_in": -0.05, "heel": 24.0}},
    "leaning_forward": {"bottom": {"shin": 18.0, "thigh": 100.0, "lean": 60.0, "knees_in": -0.05}},
    "too_fast_down": {"down_s": 0.4},
}


class Squat(StandingExercise):
    id = "squat"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((-90.0, 90.0),)   # any view
    camera_heights_m = (0.1, 1.4)
    distances_m = (2.6, 3.4)
    portrait_ok = True
    negative_options = {"bottom": {"shin": 5.0, "thigh": 14.0, "lean": 8.0, "knees_in": -0.05}}  # a small bob
    negative_moves = ("sitting_down",)

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        kp = posed.kp
        above, heel = [], []
        for s in ("left", "right"):
            hip, knee, ankle = kp(f"{s}_hip"), kp(f"{s}_knee"), kp(f"{s}_ankle")
            above.append(math.degrees(math.asin((hip[2] - knee[2]) / np.linalg.norm(hip - knee))))
            heel.append(kp(f"{s}_heel")[2] / np.linalg.norm(knee - ankle))  # heel height, shin lengths
        knees = abs(kp("left_knee")[0] - kp("right_knee")[0])
        ankles = abs(kp("left_ankle")[0] - kp("right_ankle")[0])
        return {"thigh_above_parallel_deg": float(np.mean(above)), "heel_height_ratio": float(max(heel)),
                "knee_ankle_ratio": float(knees / ankles)}

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(**{**STANCE, "reach": 1.0})
        top = tl.current
        tl.hold(o["start_s"])
        for _ in range(o["reps"]):
            down = tl.move(o["down_s"], **o["bottom"])
            bottom = tl.hold(o["bottom_s"])
            up = tl.move(o["up_s"], **{k: top[k] for k in o["bottom"]})
            self.reps.append({"start_s": down[0], "bottom_s": bottom, "end_s": up[1], "descent_s": o["down_s"]})
            tl.hold(o["rest_s"])
        return tl

    def expectation(self, times, angles):
        th = S.SQUAT
        m, f, w = S.ANGLE_MARGIN_DEG, S.TIME_MARGIN_FRACTION, S.WIDTH_RATIO_MARGIN
        truth_reps, faults = [], set()
        for rep in self.reps:
            in_rep = (times >= rep["start_s"]) & (times <= rep["end_s"])
            at_bottom = (times >= rep["bottom_s"][0]) & (times <= rep["bottom_s"][1])
            heel = angles["heel_height_ratio"]
            entry = {
                "start_s": round(rep["start_s"], 3), "end_s": round(rep["end_s"], 3),
                "thigh_above_parallel_deg": round(float(angles["thigh_above_parallel_deg"][in_rep].min()), 2),
                "knee_ankle_ratio": round(float(angles["knee_ankle_ratio"][at_bottom].min()), 3),
                "heel_rise_ratio": round(float(heel[in_rep].max() - heel[in_rep][0]), 3),
                "max_trunk_lean_deg": round(float(angles["trunk_lean_deg"][in_rep].max()), 2),
                "min_knee_deg": round(float(np.mean([angles[f"{s}_knee_deg"][in_rep].min()
                                                     for s in ("left", "right")])), 2),
                "descent_s": rep["descent_s"],
            }
            truth_reps.append(entry)
            checks = (
                ("too_shallow", entry["thigh_above_parallel_deg"], th["max_thigh_above_parallel_deg"], True, m),
                ("knees_caving", entry["knee_ankle_ratio"], th["min_knee_ankle_ratio"], False, w),
                ("heels_lifting", entry["heel_rise_ratio"], th["max_heel_rise_ratio"], True,
                 S.RATIO_MARGIN_FRACTION * th["max_heel_rise_ratio"]),
                ("leaning_forward", entry["max_trunk_lean_deg"], th["max_lean_deg"], True, m),
                ("too_fast_down", entry["descent_s"], th["min_descent_s"], False, f * th["min_descent_s"]),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        return self.outcome(faults, reps=truth_reps)
