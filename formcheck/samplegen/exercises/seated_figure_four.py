"""Seated figure four, filmed from the front or obliquely: sitting tall on a chair,
one ankle crossed over the other knee, lean forward gently from the hips, hold,
switch.

Kinematics: the pelvis turns forward about its left axis by ``lean``; the
support foot stays planted; the crossing ankle follows a lifted path onto the
top of the other thigh just behind the knee (two-bone solve, knee pointing
out); the hands rest on the thighs, then on the crossed knee and ankle.
``cross_L`` / ``cross_R`` (0..1) is how far that leg has crossed.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import Body, PosedBody, rx
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.kinematics import Limb, ease, rotation_fraction
from formcheck.samplegen.render import Mesh, chair
from formcheck.samplegen.timeline import Timeline

DEFAULTS = {
    "sides": ["right", "left"],  # crossed leg of each hold, in order
    "start_s": 1.0,
    "cross_s": 1.4,
    "lean_in_s": 2.0,
    "hold_s": 24.0,               # ankle fully crossed, incl. leaning in and out
    "lean_out_s": 1.5,
    "uncross_s": 1.2,
    "between_s": 1.5,
    "end_s": 1.0,
    "lean_deg": 18.0,             # pelvis forward rotation during the hold
}
FAULT_OPTIONS = {
    None: {},
    "leaning_too_far": {"lean_deg": 60.0},
    "short_hold": {"hold_s": 6.0},
    "missing_side": {"sides": ["right"]},
}
SIDE = {"left": "L", "right": "R"}
OTHER = {"L": "R", "R": "L"}
CROSSED_ANKLE_LIFT_M = 0.045  # ankle joint above the top of the supporting thigh
HAND_LIFT_M = 0.055           # wrist joint above the surface the hand rests on
MIN_REACH = 0.8               # shoulder-wrist distance kept >= this share of the arm length


def ankles_to_other_knees_m(posed: PosedBody) -> dict[str, float]:
    """How far each ankle is from the other knee: the crossing, for both figure-fours."""
    d = lambda a, b: float(np.linalg.norm(posed.kp(a) - posed.kp(b)))  # noqa: E731
    return {"right_ankle_to_left_knee_m": d("right_ankle", "left_knee"),
            "left_ankle_to_right_knee_m": d("left_ankle", "right_knee")}


class SeatedFigureFour(Exercise):
    id = "seated_figure_four"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((-55.0, 55.0),)
    beyond_deg = 30.0
    camera_heights_m = (0.45, 1.1)
    distances_m = (2.0, 2.6)
    negative_options = {"sides": [], "start_s": 8.0}  # sitting, never crossing a leg
    negative_moves = ("pigeon_stretch",)

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        self.legs = {s: Limb(body, (f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}"), rest_axis=(1, 0, 0))
                     for s in "LR"}
        self.arms = {s: Limb(body, (f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}")) for s in "LR"}
        rest = body.rest
        floor_z = rest.vertices[:, 2].min()
        ankle_h = body.head(rest, "foot.L")[2] - floor_z
        leg = self.legs["L"]
        # Thighs level, shins vertical: hip joint at knee height.
        self.hip_z = ankle_h + leg.l2
        self.root_t = np.array([0.0, 0.0, self.hip_z - leg.root_rest[2]])
        self.feet = {}
        for s in "LR":
            hip = self.legs[s].root_rest + self.root_t
            self.feet[s] = np.array([hip[0] + 0.03 * (1 if s == "L" else -1), hip[1] - leg.l1 - 0.06, ankle_h])
        self.thigh_vertices = {s: body.vertex_mask("upperleg", side=s) for s in "LR"}
        seat = body.vertex_mask("root", "pelvis", "upperleg", "spine05")
        neutral = self._pose(0.0, 0.0, 0.0, arms=False)
        self.seat_z = float(neutral.vertices[seat, 2].min())
        back = body.vertex_mask("spine", "root", "pelvis")
        self.back_y = float(neutral.vertices[back, 1].max()) + 0.03
        self.front_y = float(self.root_t[1] - 0.25)

    # --- posing --------------------------------------------------------------
    def _leg_rotations(self, root, s: str, cross: float, support_knee=None, support_thigh_top=None) -> dict:
        leg = self.legs[s]
        hip = root @ leg.root_rest + self.root_t
        outward = np.array([1.0 if s == "L" else -1.0, 0.0, 0.0])
        if cross <= 0.0:
            rot = leg.solve(root, hip, self.feet[s], np.array([0.0, -0.3, 1.0]))
            g_shank = root @ rot[f"upperleg01.{s}"] @ rot[f"lowerleg01.{s}"]
            rot[f"foot.{s}"] = g_shank.T
            return rot
        c = ease(cross)
        onto = support_thigh_top.copy()
        path = (1 - c) * self.feet[s] + c * onto
        path[2] += 0.22 * math.sin(math.pi * min(cross, 1.0)) * (1 - c)
        hint = (1 - c) * np.array([0.0, -0.3, 1.0]) + c * (outward * 1.0 + np.array([0.0, -0.2, 0.35]))
        rot = leg.solve(root, hip, path, hint)
        g_shank = root @ rot[f"upperleg01.{s}"] @ rot[f"lowerleg01.{s}"]
        rot[f"foot.{s}"] = rotation_fraction(g_shank.T, 1 - c)
        return rot

    def _pose(self, cross_l: float, cross_r: float, lean: float, arms: bool = True) -> PosedBody:
        root = rx(lean)
        rotations = {"neck01": rx(-0.5 * lean)}  # keep the gaze ahead
        crossing = "L" if cross_l > 0 else "R" if cross_r > 0 else None
        for s in "LR":
            if s != crossing:
                rotations.update(self._leg_rotations(root, s, 0.0))
        if crossing is not None:
            legs_only = self.body.pose(rotations, root, self.root_t)
            support = OTHER[crossing]
            knee = self.body.head(legs_only, f"lowerleg01.{support}")
            hip = self.body.head(legs_only, f"upperleg01.{support}")
            along = (hip - knee) / np.linalg.norm(hip - knee)
            spot = knee + 0.07 * along
            near = self.thigh_vertices[support] & (np.linalg.norm(legs_only.vertices[:, :2] - spot[:2], axis=1) < 0.05)
            top = spot.copy()
            top[2] = legs_only.vertices[near, 2].max() + CROSSED_ANKLE_LIFT_M
            rotations.update(self._leg_rotations(root, crossing, cross_l if crossing == "L" else cross_r,
                                                 knee, top))
        if not arms:
            return self.body.pose(rotations, root, self.root_t)
        legs_posed = self.body.pose(rotations, root, self.root_t)
        c = ease(max(cross_l, cross_r))
        for s in "LR":
            outward = np.array([1.0 if s == "L" else -1.0, 0.0, 0.0])
            thigh_mid = (self.body.head(legs_posed, f"upperleg01.{s}") + self.body.head(legs_posed, f"lowerleg01.{s}")) / 2
            rest_spot = self._surface_above(legs_posed, thigh_mid, self.thigh_vertices[s])
            target = rest_spot
            if crossing is not None:
                # Hand on the crossing leg's own side goes to its knee, the other to its ankle.
                if s == crossing:
                    spot = self.body.head(legs_posed, f"lowerleg01.{crossing}")
                    spot = spot + np.array([0.0, 0.03, 0.06])
                else:
                    spot = self.body.head(legs_posed, f"foot.{crossing}") + np.array([0.0, 0.02, 0.05])
                target = (1 - c) * rest_spot + c * spot
            shoulder = root @ self.arms[s].root_rest + self.root_t
            reach = self.arms[s].l1 + self.arms[s].l2
            if np.linalg.norm(target - shoulder) < MIN_REACH * reach:
                # Folded far forward: let the hand hang lower rather than fold the arm up.
                flat = np.linalg.norm((target - shoulder)[:2])
                target = target.copy()
                target[2] = shoulder[2] - math.sqrt(max((MIN_REACH * reach) ** 2 - flat ** 2, 0.0))
            rotations.update(self.arms[s].solve(root, shoulder, target, outward + np.array([0.0, 0.6, -0.2])))
        return self.body.pose(rotations, root, self.root_t)

    def _surface_above(self, posed: PosedBody, point, mask) -> np.ndarray:
        near = mask & (np.linalg.norm(posed.vertices[:, :2] - point[:2], axis=1) < 0.05)
        out = point.copy()
        out[2] = posed.vertices[near, 2].max() + HAND_LIFT_M if near.any() else point[2] + 0.12
        return out

    def pose(self, params: dict[str, float]) -> PosedBody:
        return self._pose(params["cross_L"], params["cross_R"], params["lean"])

    def props(self) -> list[Mesh]:
        return chair(self.front_y, self.seat_z, back_y=self.back_y)

    def reference(self):
        return np.array([0.0, self.root_t[1] - 0.2, 0.62]), np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        return ankles_to_other_knees_m(posed)

    # --- script ----------------------------------------------------------------
    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(cross_L=0.0, cross_R=0.0, lean=0.0)
        tl.hold(o["start_s"])
        for i, side in enumerate(o["sides"]):
            key = f"cross_{SIDE[side]}"
            crossing = tl.move(o["cross_s"], **{key: 1.0})
            tl.move(o["lean_in_s"], lean=o["lean_deg"])
            tl.hold(o["hold_s"] - o["lean_in_s"] - o["lean_out_s"])
            tl.move(o["lean_out_s"], lean=0.0)
            uncrossing = tl.move(o["uncross_s"], **{key: 0.0})
            self.holds.append({"side": side, "crossed_s": crossing[1], "uncross_start_s": uncrossing[0],
                               "start_s": (crossing[0] + crossing[1]) / 2,
                               "end_s": (uncrossing[0] + uncrossing[1]) / 2})
            tl.hold(o["between_s"] if i + 1 < len(o["sides"]) else o["end_s"])
        return tl

    def expectation(self, times, angles):
        th = S.SEATED_FIGURE_FOUR
        f, m = S.TIME_MARGIN_FRACTION, S.ANGLE_MARGIN_DEG
        holds, faults = [], set()
        lean = angles["trunk_lean_deg"]
        for h in self.holds:
            during = (times >= h["start_s"]) & (times <= h["end_s"])
            duration = h["end_s"] - h["start_s"]
            max_lean = float(lean[during].max())
            holds.append({"side": h["side"], "start_s": round(h["start_s"], 3), "end_s": round(h["end_s"], 3),
                          "duration_s": round(duration, 2),
                          "fully_crossed_s": round(h["uncross_start_s"] - h["crossed_s"], 2),
                          "max_trunk_lean_deg": round(max_lean, 2)})
            if self.judge("leaning_too_far", max_lean, th["max_lean_deg"], True, m):
                faults.add("leaning_too_far")
            if self.judge("short_hold", duration, th["min_hold_s"], False, f * th["min_hold_s"]):
                faults.add("short_hold")
        if len({h["side"] for h in self.holds}) < 2:
            faults.add("missing_side")
        return self.outcome(faults, holds=holds)
