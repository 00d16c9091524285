"""Chair squat (sit to stand), filmed from the side: a chair behind the person, arms
reaching forward; sit back until the seat is touched, stand up again.

Kinematics (see ``stance``): as the squat; the chair's seat is put where the buttocks are
at the bottom of the script, so the body touches it there. Plopping: a controlled
descent that stops short and then drops onto the seat; using the hands: the hands go
onto the thighs by the knees at the bottom and push up from there.
"""
from __future__ import annotations

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import Body, PosedBody
from formcheck.samplegen.exercises.base import ClipSpec
from formcheck.samplegen.exercises.stance import STANCE, StandingExercise
from formcheck.samplegen.render import Mesh, chair
from formcheck.samplegen.timeline import Timeline

DEFAULTS = {
    "reps": 2,
    "start_s": 1.0,
    "down_s": 2.0,
    "seated_s": 0.8,
    "up_s": 1.6,
    "rest_s": 1.0,
    "feet_apart_m": -0.15,
    "bottom": {"shin": 6.0, "thigh": 86.0, "lean": 40.0},
    "drop": None,             # (share of down_s, posture): where a plop lets go
    "hands": False,           # hands onto the thighs at the bottom, pushing up
}
FAULT_OPTIONS = {
    None: {},
    "plopping": {"drop": (0.88, {"shin": 4.0, "thigh": 55.0, "lean": 32.0})},
    "using_hands": {"hands": True},
    "knees_past_toes": {"bottom": {"shin": 44.0, "thigh": 74.0, "lean": 26.0}},
}
LAST_PART = 0.4      # the last part of the way down, as the analyser judges it
RISE_START = 0.4     # the first part of the way up


class ChairSquat(StandingExercise):
    id = "chair_squat"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((70.0, 110.0), (-110.0, -70.0))
    beyond_deg = 35.0
    camera_heights_m = (0.1, 1.4)
    distances_m = (2.6, 3.4)
    portrait_ok = True
    negative_options = {"bottom": {"shin": 4.0, "thigh": 15.0, "lean": 10.0}}  # a shallow knee bend, no chair
    negative_moves = ("sitting_down",)

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        bottom = self.poser.pose({**STANCE, **self.o["bottom"]})
        seat = body.vertex_mask("root", "pelvis", "upperleg", "spine05")
        self.seat_z = float(bottom.vertices[seat, 2].min())
        hip_y = float((bottom.kp("left_hip")[1] + bottom.kp("right_hip")[1]) / 2)
        heel_y = float(max(bottom.kp("left_heel")[1], bottom.kp("right_heel")[1]))
        self.front_y = max(hip_y - 0.2, heel_y + 0.06)  # under the thighs, behind the heels

    def props(self) -> list[Mesh]:
        return chair(self.front_y, self.seat_z)

    def reference(self):
        return np.array([0.0, 0.0, 0.8]), np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        kp = posed.kp
        mid = lambda j: (kp(f"left_{j}") + kp(f"right_{j}")) / 2  # noqa: E731
        hip, knee, ankle, toe = mid("hip"), mid("knee"), mid("ankle"), mid("big_toe")
        thigh, shin = np.linalg.norm(hip - knee), np.linalg.norm(knee - ankle)
        a, b = hip + 0.4 * (knee - hip), knee
        wrists = []
        for s in ("left", "right"):
            p = kp(f"{s}_wrist")
            f = float(np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0))
            wrists.append(np.linalg.norm(p - (a + f * (b - a))) / thigh)
        return {"hip_height_ratio": float(hip[2] / shin), "wrist_on_thigh_ratio": float(min(wrists)),
                "knee_past_toe_ratio": float((toe[1] - knee[1]) / shin)}  # forward is -y

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(**{**STANCE, "reach": 1.0})
        top = tl.current
        bottom = dict(o["bottom"], hands_on_thighs=1.0 if o["hands"] else 0.0)
        tl.hold(o["start_s"])
        for _ in range(o["reps"]):
            start = tl.now
            if o["drop"] is not None:
                share, posture = o["drop"]
                tl.move(share * o["down_s"], **posture)
                tl.move((1 - share) * o["down_s"], **bottom)
            else:
                tl.move(o["down_s"], **bottom)
            seated = tl.hold(o["seated_s"])
            up = tl.move(o["up_s"], **{k: top[k] for k in bottom})
            self.reps.append({"start_s": start, "seated": seated, "end_s": up[1], "up_s": o["up_s"]})
            tl.hold(o["rest_s"])
        return tl

    def expectation(self, times, angles):
        th = S.CHAIR_SQUAT
        r = S.RATIO_MARGIN_FRACTION
        truth_reps, faults = [], set()
        for rep in self.reps:
            down = (times >= rep["start_s"]) & (times <= rep["seated"][0])
            rising = (times >= rep["seated"][1]) & (times <= rep["seated"][1] + RISE_START * rep["up_s"])
            in_rep = (times >= rep["start_s"]) & (times <= rep["end_s"])
            entry = {
                "start_s": round(rep["start_s"], 3), "end_s": round(rep["end_s"], 3),
                "sit_speedup_ratio": round(_speedup(times[down], angles["hip_height_ratio"][down]), 2),
                "wrist_on_thigh_ratio": round(float(angles["wrist_on_thigh_ratio"][rising].min()), 3),
                "knee_past_toe_ratio": round(float(angles["knee_past_toe_ratio"][in_rep].max()), 3),
            }
            truth_reps.append(entry)
            checks = (
                ("plopping", entry["sit_speedup_ratio"], th["plop_speedup_ratio"], True,
                 r * th["plop_speedup_ratio"]),
                ("using_hands", entry["wrist_on_thigh_ratio"], th["max_wrist_on_thigh_ratio"], False,
                 S.WRIST_RATIO_MARGIN),
                ("knees_past_toes", entry["knee_past_toe_ratio"], th["max_knee_past_toe_ratio"], True,
                 S.KNEE_TOE_MARGIN),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        return self.outcome(faults, reps=truth_reps)


def _speedup(t: np.ndarray, height: np.ndarray) -> float:
    """How many times faster the hips fall over the last part of the way down (60-95%)
    than over the part before it (10-60%), as average speeds."""
    top, low = height[0], height.min()
    way = (top - height) / (top - low)

    def when(level: float) -> float:
        return float(np.interp(level, np.maximum.accumulate(way), t))

    t10, t_late, t95 = when(0.1), when(1 - LAST_PART), when(0.95)
    return float(((LAST_PART - 0.05) / (t95 - t_late)) / ((0.9 - LAST_PART) / (t_late - t10)))
