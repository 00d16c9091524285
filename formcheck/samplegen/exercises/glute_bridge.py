"""Glute bridge, filmed from the side: lying on the back on a mat, knees bent,
feet flat; hips lift until shoulders, hips and knees line up, hold, lower.

Kinematics: the trunk pivots about the upper back (which stays on the mat) by
``alpha`` degrees; both feet stay planted, so hip and knee angles follow from
a two-link solve in the sagittal plane; the neck and arms counter-rotate so the
head and arms stay on the mat. Every bone moves about the body's left axis only,
so the solve is exact in the sagittal plane.
"""
from __future__ import annotations

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import Body, PosedBody, rx, ry
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.geometry import flatten, lateral_axis, line_deviation_deg
from formcheck.samplegen.kinematics import SagittalLeg
from formcheck.samplegen.render import Mesh, box
from formcheck.samplegen.timeline import Timeline

MAT_THICKNESS_M = 0.012
ARM_ADDUCTION_DEG = 32.0   # from Anny's A-pose to arms beside the body

DEFAULTS = {
    "reps": 3,
    "start_s": 1.2,            # lying still before the first rep
    "lift_s": 1.2,
    "hold_s": 2.5,
    "lower_s": 2.0,
    "rest_s": 1.0,
    "peak_hip_line_deg": -4.0,  # deviation of the hip from the shoulder-knee line at the top
    "knee_deg": 62.0,           # knee angle between the leg bones when lying, feet flat
}
FAULT_OPTIONS = {
    None: {},
    "hips_too_high": {"peak_hip_line_deg": 22.0},
    "hips_too_low": {"peak_hip_line_deg": -38.0, "knee_deg": 48.0},  # feet closer: a visible lift
    "short_hold": {"hold_s": 0.3},
    "fast_lowering": {"lower_s": 0.3},
}


class GluteBridge(Exercise):
    id = "glute_bridge"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((70.0, 110.0), (-110.0, -70.0))
    beyond_deg = 35.0
    camera_heights_m = (0.1, 0.9)      # down to a phone on the floor
    distances_m = (2.1, 2.8)
    negative_options = {"top_alpha": 5.0}  # a pelvic tilt: the hips barely leave the mat

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        rest = body.rest
        head = lambda n: body.head(rest, n)
        self.legs = {s: SagittalLeg(body, s) for s in "LR"}
        # Pivot: the upper back, just under the shoulder blades.
        sh = (head("upperarm01.L") + head("upperarm01.R")) / 2
        v = rest.vertices
        near = (np.abs(v[:, 2] - (sh[2] - 0.05)) < 0.03) & (np.abs(v[:, 0]) < 0.1)
        self.pivot_rest = np.array([0.0, v[near, 1].max(), sh[2] - 0.05])
        # Lie flat (legs straight) with the lowest point on the mat.
        flat = body.pose(self._upper_rotations(0.0), rx(-90.0))
        self.t0 = np.array([0.0, 0.0, MAT_THICKNESS_M - flat.vertices[:, 2].min()])
        self.pivot_world = rx(-90.0) @ self.pivot_rest + self.t0
        # Feet: planted where the knee angle is knee_deg with the hips on the mat.
        a_z = MAT_THICKNESS_M + self.legs["L"].ankle_height
        self.ankle_yz = self.legs["L"].ankle_for_knee(-90.0, self.t0, self.o["knee_deg"], a_z)
        y_all = flat.vertices[:, 1]
        self.mat_center_y = (y_all.max() + self.ankle_yz[0] - 0.15) / 2
        self.mat_length = y_all.max() - self.ankle_yz[0] + 0.45
        self._alpha_table = None

    # --- posing --------------------------------------------------------------
    def _upper_rotations(self, alpha: float) -> dict:
        return {
            "upperarm01.L": rx(alpha) @ ry(ARM_ADDUCTION_DEG),
            "upperarm01.R": rx(alpha) @ ry(-ARM_ADDUCTION_DEG),
            "lowerarm01.L": self.body.elbow_straightening("L", 8.0),
            "lowerarm01.R": self.body.elbow_straightening("R", 8.0),
            "neck01": rx(alpha),
        }

    def pose(self, params: dict[str, float]) -> PosedBody:
        alpha = params["alpha"]
        root = rx(-90.0 - alpha)
        t = self.pivot_world - root @ self.pivot_rest
        rotations = self._upper_rotations(alpha)
        for s, leg in self.legs.items():
            th_hip, th_knee = leg.solve(-90.0 - alpha, t, self.ankle_yz)
            rotations[f"upperleg01.{s}"] = rx(th_hip)
            rotations[f"lowerleg01.{s}"] = rx(th_knee)
            rotations[f"foot.{s}"] = (root @ rx(th_hip) @ rx(th_knee)).T
        return self.body.pose(rotations, root, t)

    def props(self) -> list[Mesh]:
        return [box((0.0, self.mat_center_y, MAT_THICKNESS_M / 2),
                    (0.7, self.mat_length, MAT_THICKNESS_M), (70, 120, 135))]

    def reference(self):
        center = np.array([0.0, self.mat_center_y, 0.3])
        return center, np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        lateral = lateral_axis(posed.keypoints)
        devs = [line_deviation_deg(*flatten(np.stack([posed.kp(f"{s}_{j}") for j in ("shoulder", "hip", "knee")]),
                                            lateral))
                for s in ("left", "right")]
        hip_z = (posed.kp("left_hip")[2] + posed.kp("right_hip")[2]) / 2
        return {"hip_line_deg": float(np.mean(devs)), "hip_height_m": float(hip_z)}

    # --- script ----------------------------------------------------------------
    def alpha_for(self, deviation_deg: float) -> float:
        if self._alpha_table is None:
            alphas = np.arange(0.0, 75.0, 1.0)
            devs = np.array([self.extra_angles(self.pose({"alpha": a}))["hip_line_deg"] for a in alphas])
            self._alpha_table = (alphas, devs)
        alphas, devs = self._alpha_table
        if not np.all(np.diff(devs) > 0):
            raise ValueError("hip-line deviation is not monotonic in alpha")
        if not devs[0] < deviation_deg < devs[-1]:
            raise ValueError(f"deviation {deviation_deg} outside reachable {devs[0]:.1f}..{devs[-1]:.1f}")
        return float(np.interp(deviation_deg, devs, alphas))

    def timeline(self) -> Timeline:
        o = self.o
        top = (o["top_alpha"] if o.get("top_alpha") is not None
               else round(self.alpha_for(o["peak_hip_line_deg"]), 2))
        tl = Timeline(alpha=0.0)
        tl.hold(o["start_s"])
        for _ in range(o["reps"]):
            up = tl.move(o["lift_s"], alpha=top)
            hold = tl.hold(o["hold_s"])
            down = tl.move(o["lower_s"], alpha=0.0)
            self.reps.append({"start_s": up[0], "top_s": up[1], "hold_end_s": hold[1], "end_s": down[1],
                              "hold_s": o["hold_s"], "lowering_s": o["lower_s"]})
            tl.hold(o["rest_s"])
        return tl

    def expectation(self, times, angles):
        th = S.GLUTE_BRIDGE
        dev = angles["hip_line_deg"]
        truth_reps, faults = [], set()
        for rep in self.reps:
            in_rep = (times >= rep["start_s"]) & (times <= rep["end_s"])
            peak = float(dev[in_rep].max())
            near_top = in_rep & (dev >= peak - 5.0)
            entry = {
                "start_s": round(rep["start_s"], 3), "end_s": round(rep["end_s"], 3),
                "peak_hip_line_deg": round(peak, 2),
                "rest_hip_line_deg": round(float(dev[in_rep][0]), 2),
                "hip_rise_m": round(float(angles["hip_height_m"][in_rep].max() - angles["hip_height_m"][in_rep][0]), 3),
                "peak_hip_deg": round(float(np.mean([angles[f"{s}_hip_sagittal_deg"][in_rep].max() for s in ("left", "right")])), 2),
                "hold_s": rep["hold_s"], "lowering_s": rep["lowering_s"],
                "within_5deg_of_peak_s": round(float(near_top.sum() / self.spec.camera.fps), 2),
            }
            truth_reps.append(entry)
            m, f = S.ANGLE_MARGIN_DEG, S.TIME_MARGIN_FRACTION
            checks = (
                ("hips_too_high", peak, th["hips_too_high_deg"], True, m),
                ("hips_too_low", peak, -th["hips_too_low_deg"], False, m),
                ("short_hold", rep["hold_s"], th["min_hold_s"], False, f * th["min_hold_s"]),
                ("fast_lowering", rep["lowering_s"], th["min_lowering_s"], False, f * th["min_lowering_s"]),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        return self.outcome(faults, reps=truth_reps)
