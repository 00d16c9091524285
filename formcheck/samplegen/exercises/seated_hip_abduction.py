"""Seated hip abduction, filmed from the front: sitting on the floor, knees bent,
feet flat, hands on the floor behind; press the knees apart and return slowly.

Kinematics: the pelvis reclines by ``lean`` about its left axis; each foot stays
planted and the whole leg swings about the hip-ankle line by ``open_L`` /
``open_R`` degrees (knees out), the feet kept flat; straight arms reach the
floor behind the hips.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import Body, PosedBody, axis_angle, rx
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.kinematics import SagittalLeg, arm_length, arm_towards
from formcheck.samplegen.render import Mesh, box
from formcheck.samplegen.timeline import Timeline

MAT_THICKNESS_M = 0.012
RATIO_MARGIN = 0.25  # knee-separation ratio kept this far from the thresholds

DEFAULTS = {
    "reps": 5,
    "start_s": 1.0,
    "open_s": 0.9,
    "top_s": 0.3,
    "return_s": 1.3,
    "rest_s": 0.5,
    "lean_deg": 12.0,        # trunk recline from vertical
    "knee_deg": 80.0,        # interior knee angle, feet flat
    "rest_ratio": 0.85,      # knee separation / hip width at rest
    "peak_ratio": 2.2,
    "uneven_right": 1.0,     # right knee's share of the left knee's opening
}
FAULT_OPTIONS = {
    None: {},
    "partial_range": {"peak_ratio": 1.32},
    "leaning_back": {"lean_deg": 48.0},
    "fast_return": {"return_s": 0.25},
    "uneven": {"uneven_right": 0.15, "peak_ratio": 1.9},
}


class SeatedHipAbduction(Exercise):
    id = "seated_hip_abduction"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((-25.0, 25.0),)
    beyond_deg = 35.0
    camera_heights_m = (0.15, 1.0)
    distances_m = (1.9, 2.6)
    negative_options = {"peak_ratio": 0.97}  # knees twitch, never opening
    measure_extra = staticmethod(lambda poses, truth: measure_extra(poses, truth))

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        self.legs = {s: SagittalLeg(body, s) for s in "LR"}
        self.root_deg = -self.o["lean_deg"]
        # Sit: hips placed so the lowest point of the seat touches the mat; iterate the
        # leg solve (the feet depend on the hip height).
        self.root_t = np.array([0.0, 0.0, 0.12])
        self.ankle = {}
        ankle_z = MAT_THICKNESS_M + self.legs["L"].ankle_height
        seat_bones = [i for i, n in enumerate(body.bone_labels)
                      if n.startswith(("root", "pelvis", "upperleg", "spine05"))]
        weights = body.model.vertex_bone_weights.numpy()
        indices = body.model.vertex_bone_indices.numpy()
        dominant = indices[np.arange(len(indices)), weights.argmax(1)]
        self.seat_vertices = np.isin(dominant, seat_bones)
        for _ in range(3):
            for s, leg in self.legs.items():
                self.ankle[s] = leg.ankle_for_knee(self.root_deg, self.root_t, self.o["knee_deg"], ankle_z)
            posed = self._pose(0.0, 0.0, arms=False)
            self.root_t[2] += MAT_THICKNESS_M - posed.vertices[self.seat_vertices, 2].min()
        self.arms = self._arm_rotations()
        self._table = None

    # --- posing --------------------------------------------------------------
    def _arm_rotations(self) -> dict:
        root = rx(self.root_deg)
        rotations = {}
        for s, sign in (("L", 1.0), ("R", -1.0)):
            shoulder = root @ self.body.head(self.body.rest, f"upperarm01.{s}") + self.root_t
            reach = arm_length(self.body, s) + 0.02
            dz = shoulder[2] - (MAT_THICKNESS_M + 0.04)
            dx = 0.10
            dy = math.sqrt(max(reach ** 2 - dz ** 2 - dx ** 2, 0.01))
            target_world = np.array([sign * dx, dy, -dz])
            rotations.update(arm_towards(self.body, s, root.T @ target_world))
        return rotations

    def _pose(self, open_l: float, open_r: float, arms: bool = True) -> PosedBody:
        root = rx(self.root_deg)
        rotations = dict(self.arms) if arms else {}
        rotations["neck01"] = rx(0.6 * self.o["lean_deg"])  # keep looking ahead
        for s, opening, outward in (("L", open_l, 1.0), ("R", open_r, -1.0)):
            leg = self.legs[s]
            th_hip, th_knee = leg.solve(self.root_deg, self.root_t, self.ankle[s])
            thigh = rx(th_hip)
            hip = leg.hip_world(self.root_deg, self.root_t)
            ankle = np.array([hip[0] + 0.0, *self.ankle[s]])
            # The ankle keeps its rest x offset from the hip under x-rotations.
            knee_rest = self.body.head(self.body.rest, f"lowerleg01.{s}") - leg.hip_rest
            foot_rest = self.body.head(self.body.rest, f"foot.{s}") - leg.hip_rest
            ankle[0] = (root @ thigh @ (knee_rest + rx(th_knee) @ (foot_rest - knee_rest)))[0] + hip[0]
            axis = root.T @ (ankle - hip)           # in pelvis axes
            knee_dir = thigh @ knee_rest
            # Turn so the knee moves outward (+x for the left leg).
            sign = 1.0 if np.cross(axis, knee_dir)[0] * outward > 0 else -1.0
            thigh = axis_angle(axis, sign * opening) @ thigh
            rotations[f"upperleg01.{s}"] = thigh
            rotations[f"lowerleg01.{s}"] = rx(th_knee)
            rotations[f"foot.{s}"] = (root @ thigh @ rx(th_knee)).T
        return self.body.pose(rotations, root, self.root_t)

    def pose(self, params: dict[str, float]) -> PosedBody:
        return self._pose(params["open_L"], params["open_R"])

    def props(self) -> list[Mesh]:
        y_back = self.root_t[1] + 0.45
        y_front = min(a[0] for a in self.ankle.values()) - 0.2
        return [box((0.0, (y_back + y_front) / 2, MAT_THICKNESS_M / 2),
                    (0.9, y_back - y_front, MAT_THICKNESS_M), (150, 80, 110))]

    def reference(self):
        return (np.array([0.0, self.root_t[1] - 0.15, 0.4]), np.array([0.0, -1.0, 0.0]),
                np.array([1.0, 0.0, 0.0]))

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        kl, kr = posed.kp("left_knee"), posed.kp("right_knee")
        hl, hr = posed.kp("left_hip"), posed.kp("right_hip")
        return {"knee_ratio": float(np.linalg.norm(kl - kr) / np.linalg.norm(hl - hr)),
                "left_knee_x_m": float(kl[0]), "right_knee_x_m": float(kr[0])}

    # --- script ----------------------------------------------------------------
    def opening_for(self, ratio: float, right_share: float = 1.0) -> float:
        """Left opening (deg) giving knee ratio ``ratio`` when the right opens ``right_share`` as far."""
        lo, hi = -40.0, 80.0
        for _ in range(40):
            mid = (lo + hi) / 2
            r = self.extra_angles(self._pose(mid, right_share * mid if mid > 0 else mid, arms=False))["knee_ratio"]
            lo, hi = (mid, hi) if r < ratio else (lo, mid)
        return round((lo + hi) / 2, 3)

    def timeline(self) -> Timeline:
        o = self.o
        rest = self.opening_for(o["rest_ratio"])
        # Openings are measured from the rest position.
        peak_extra = self._peak_extra(rest)
        tl = Timeline(open_L=rest, open_R=rest)
        tl.hold(o["start_s"])
        for _ in range(o["reps"]):
            out = tl.move(o["open_s"], open_L=rest + peak_extra, open_R=rest + o["uneven_right"] * peak_extra)
            tl.hold(o["top_s"])
            back = tl.move(o["return_s"], open_L=rest, open_R=rest)
            self.reps.append({"start_s": out[0], "peak_s": out[1], "return_start_s": back[0],
                              "end_s": back[1], "return_s": o["return_s"]})
            tl.hold(o["rest_s"])
        return tl

    def _peak_extra(self, rest: float) -> float:
        lo, hi = 0.0, 90.0
        for _ in range(40):
            mid = (lo + hi) / 2
            p = self._pose(rest + mid, rest + self.o["uneven_right"] * mid, arms=False)
            lo, hi = (mid, hi) if self.extra_angles(p)["knee_ratio"] < self.o["peak_ratio"] else (lo, mid)
        return round((lo + hi) / 2, 3)

    def expectation(self, times, angles):
        th = S.SEATED_HIP_ABDUCTION
        ratio = angles["knee_ratio"]
        lean = angles["trunk_lean_deg"]
        truth_reps, faults = [], set()
        for rep in self.reps:
            in_rep = (times >= rep["start_s"]) & (times <= rep["end_s"])
            i0 = np.flatnonzero(in_rep)[0]
            ip = i0 + int(np.argmax(ratio[in_rep]))
            rest_ratio, peak = float(ratio[i0]), float(ratio[ip])
            travel_l = float(angles["left_knee_x_m"][ip] - angles["left_knee_x_m"][i0])
            travel_r = float(-(angles["right_knee_x_m"][ip] - angles["right_knee_x_m"][i0]))
            share = min(travel_l, travel_r) / max(travel_l, travel_r)
            max_lean = float(lean[in_rep].max())
            truth_reps.append({
                "start_s": round(rep["start_s"], 3), "peak_s": round(rep["peak_s"], 3),
                "end_s": round(rep["end_s"], 3), "rest_ratio": round(rest_ratio, 3),
                "peak_ratio": round(peak, 3), "return_s": rep["return_s"],
                "left_knee_travel_m": round(travel_l, 3), "right_knee_travel_m": round(travel_r, 3),
                "travel_share": round(share, 3), "max_trunk_lean_deg": round(max_lean, 2),
            })
            # (population clips may act a rep too small to count: the scoring leaves it out)
            if peak - rest_ratio < th["rep_rise_ratio"] + RATIO_MARGIN / 2 and not self.spec.band_share:
                raise ValueError(f"rep rises only {peak - rest_ratio:.2f}")
            f = S.TIME_MARGIN_FRACTION
            checks = (
                ("partial_range", peak, th["min_peak_ratio"], False, RATIO_MARGIN),
                ("leaning_back", max_lean, th["max_recline_deg"], True, S.ANGLE_MARGIN_DEG),
                ("fast_return", rep["return_s"], th["min_return_s"], False, f * th["min_return_s"]),
                ("uneven", share, th["uneven_fraction"], False, f * th["uneven_fraction"]),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        return self.outcome(faults, reps=truth_reps)


def measure_extra(poses, truth) -> dict:
    """Knee separation / hip width from the image landmarks vs the truth."""
    from formcheck.samplegen.geometry import L_HIP, L_KNEE, R_HIP, R_KNEE

    ratios = []
    for pose in poses:
        if pose is None:
            ratios.append(None)
            continue
        xy = pose.image_xy
        ratios.append(float(np.linalg.norm(xy[L_KNEE] - xy[R_KNEE]) / np.linalg.norm(xy[L_HIP] - xy[R_HIP])))
    return {"knee_ratio_image": (ratios, truth["angle_knee_ratio"])}
