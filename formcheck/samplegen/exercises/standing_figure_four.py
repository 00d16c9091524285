"""Standing figure four, filmed from the front or obliquely: one hand on a chair
back, stand on one leg, cross the other ankle over the standing knee, sit the
hips back with the chest tall, hold, switch.

Kinematics: the standing foot stays planted; ``sink`` (0..1) bends the standing
knee to ``knee_deg`` (shin tipping forward, hips going back) and tips the
pelvis forward by ``lean_deg``; the crossing ankle follows a lifted path onto
the standing thigh just above the knee; the left hand stays on the top of a
chair back beside the person, the right hand rests on the crossed knee.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen import spec as S
from formcheck.samplegen.body import Body, PosedBody, rx
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.exercises.seated_figure_four import SIDE, ankles_to_other_knees_m
from formcheck.samplegen.kinematics import Limb, ease, rotation_fraction, thigh_top_near_knee
from formcheck.samplegen.render import Mesh, side_chair
from formcheck.samplegen.timeline import Timeline

DEFAULTS = {
    "sides": ["right", "left"],  # crossed leg of each hold, in order
    "start_s": 1.0,
    "cross_s": 1.4,
    "sink_s": 1.5,
    "hold_s": 8.0,                # ankle crossed and sat back (plateau)
    "rise_s": 1.2,
    "uncross_s": 1.2,
    "between_s": 1.5,
    "end_s": 1.0,
    "tall_knee_deg": 172.0,       # standing knee while crossing
    "knee_deg": 132.0,            # interior knee angle of the standing leg when sat back
    "lean_deg": 22.0,             # pelvis forward tilt when sat back
}
FAULT_OPTIONS = {
    None: {},
    "too_deep": {"knee_deg": 66.0, "lean_deg": 30.0},
    "torso_not_tall": {"lean_deg": 62.0},
    "short_hold": {"cross_s": 0.7, "sink_s": 0.3, "hold_s": 0.1, "rise_s": 0.3, "uncross_s": 0.7},
    "missing_side": {"sides": ["right"]},
}
OTHER = {"L": "R", "R": "L"}
SHIN_SHARE = 0.45  # share of the knee bend taken by the shin tipping forward (balance)


def measure_extra(poses, truth) -> dict:
    """Standing-leg knee angle (the leg whose true ankle is lower) from MediaPipe's
    world landmarks and from the image, against the truth."""
    from formcheck.samplegen.geometry import angle_deg
    from formcheck.samplegen.geometry import SIDES

    names = list(truth["keypoint_names"])
    la, ra = names.index("left_ankle"), names.index("right_ankle")
    world, image, true = [], [], []
    for pose, xyz, lk, rk in zip(poses, truth["world_xyz"], truth["angle_left_knee_deg"],
                                 truth["angle_right_knee_deg"]):
        side = "left" if xyz[la, 2] <= xyz[ra, 2] else "right"
        true.append(lk if side == "left" else rk)
        if pose is None:
            world.append(None), image.append(None)
            continue
        _, hip, knee, ankle = SIDES[side]
        world.append(angle_deg(pose.world_xyz[hip], pose.world_xyz[knee], pose.world_xyz[ankle]))
        image.append(angle_deg(pose.image_xy[hip], pose.image_xy[knee], pose.image_xy[ankle]))
    true = np.array(true)
    return {"standing_knee_world": (world, true), "standing_knee_image": (image, true)}


class StandingFigureFour(Exercise):
    id = "standing_figure_four"
    defaults = DEFAULTS
    fault_options = FAULT_OPTIONS
    yaw_ranges = ((-55.0, 55.0),)
    beyond_deg = 30.0
    camera_heights_m = (0.5, 1.4)
    distances_m = (2.8, 3.5)
    portrait_ok = True
    hold_scale = (0.35, 0.9)   # sat back 3-7 s
    negative_options = {"sides": [], "start_s": 6.0}  # standing by the chair, never crossing
    negative_moves = ("pigeon_stretch",)
    measure_extra = staticmethod(lambda poses, truth: measure_extra(poses, truth))

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        self.legs = {s: Limb(body, (f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}"), rest_axis=(1, 0, 0))
                     for s in "LR"}
        self.arms = {s: Limb(body, (f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}")) for s in "LR"}
        rest = body.rest
        self.floor_offset = -rest.vertices[:, 2].min()
        self.feet = {s: body.head(rest, f"foot.{s}") + np.array([0.0, 0.0, self.floor_offset]) for s in "LR"}
        # The chair: backrest beside the left hand, where the hand reaches it both standing
        # tall and sat back (the shoulder drops and moves forward in between).
        arm = self.arms["L"].l1 + self.arms["L"].l2
        self.hand_target = np.zeros(3)
        shoulders = [self.body.head(self._pose(1.0, "R", sink, arms=False), "upperarm01.L") for sink in (0.0, 1.0)]
        tall, low = shoulders
        target = np.array([(tall[0] + low[0]) / 2 + 0.22, 0.3 * tall[1] + 0.7 * low[1] - 0.05, low[2] - 0.35 * arm])
        flat = np.linalg.norm((target - tall)[:2])
        # Reachable standing tall if possible; a deep sink wins (the hand then lifts off
        # the chair while standing tall).
        target[2] = min(max(target[2], tall[2] - math.sqrt(max((0.95 * arm) ** 2 - flat ** 2, 0.0))),
                        low[2] - 0.2 * arm)
        self.hand_target = target
        self.chair_top_z = float(target[2] - 0.05)

    # --- posing --------------------------------------------------------------
    def _support_hip(self, s: str, knee_deg: float) -> np.ndarray:
        leg = self.legs[s]
        bend = 180.0 - knee_deg
        shin, thigh = SHIN_SHARE * bend, (1 - SHIN_SHARE) * bend
        a = self.feet[s]
        knee = a + leg.l2 * np.array([0.0, -math.sin(math.radians(shin)), math.cos(math.radians(shin))])
        hip = knee + leg.l1 * np.array([0.0, math.sin(math.radians(thigh)), math.cos(math.radians(thigh))])
        hip[0] = leg.root_rest[0]
        return hip

    def _pose(self, cross: float, side: str, sink: float, arms: bool = True) -> PosedBody:
        """``side``: the crossing leg ("L"/"R"); the other one stands."""
        o = self.o
        k = ease(sink)
        knee_deg = o["tall_knee_deg"] + k * (o["knee_deg"] - o["tall_knee_deg"])
        lean = k * o["lean_deg"]
        root = rx(lean)
        support = OTHER[side]
        hip = self._support_hip(support, knee_deg)
        root_t = hip - root @ self.legs[support].root_rest
        rotations = {"neck01": rx(-0.6 * lean)}
        for s in "LR":
            if s == side and cross > 0:
                continue
            leg = self.legs[s]
            rot = leg.solve(root, root @ leg.root_rest + root_t, self.feet[s], np.array([0.0, -1.0, 0.1]))
            rot[f"foot.{s}"] = (root @ rot[f"upperleg01.{s}"] @ rot[f"lowerleg01.{s}"]).T
            rotations.update(rot)
        if cross > 0:
            standing = self.body.pose(rotations, root, root_t)
            onto = thigh_top_near_knee(self.body, standing, support)
            c = ease(cross)
            path = (1 - c) * self.feet[side] + c * onto
            path[2] += 0.25 * math.sin(math.pi * min(cross, 1.0)) * (1 - c)
            outward = np.array([1.0 if side == "L" else -1.0, 0.0, 0.0])
            hint = (1 - c) * np.array([0.0, -1.0, 0.3]) + c * (outward + np.array([0.0, -0.4, 0.3]))
            leg = self.legs[side]
            rot = leg.solve(root, root @ leg.root_rest + root_t, path, hint)
            g_shank = root @ rot[f"upperleg01.{side}"] @ rot[f"lowerleg01.{side}"]
            rot[f"foot.{side}"] = rotation_fraction(g_shank.T, 1 - c)
            rotations.update(rot)
        if not arms:
            return self.body.pose(rotations, root, root_t)
        legs_posed = self.body.pose(rotations, root, root_t)
        # Left hand on the chair back.
        shoulder = root @ self.arms["L"].root_rest + root_t
        rotations.update(self.arms["L"].solve(root, shoulder, self.hand_target, np.array([1.0, 0.5, -0.3])))
        # Right hand: on the right thigh, then on the crossed knee.
        thigh_mid = (self.body.head(legs_posed, "upperleg01.R") + self.body.head(legs_posed, "lowerleg01.R")) / 2
        rest_spot = thigh_mid + np.array([-0.06, -0.02, 0.02])
        knee = self.body.head(legs_posed, f"lowerleg01.{side}") + np.array([0.0, 0.0, 0.07])
        c = ease(cross)
        target = (1 - c) * rest_spot + c * knee
        shoulder = root @ self.arms["R"].root_rest + root_t
        reach = self.arms["R"].l1 + self.arms["R"].l2
        if np.linalg.norm(target - shoulder) < 0.8 * reach:
            flat = np.linalg.norm((target - shoulder)[:2])
            target[2] = shoulder[2] - math.sqrt(max((0.8 * reach) ** 2 - flat ** 2, 0.0))
        rotations.update(self.arms["R"].solve(root, shoulder, target, np.array([-1.0, 0.6, -0.2])))
        return self.body.pose(rotations, root, root_t)

    def pose(self, params: dict[str, float]) -> PosedBody:
        side = "L" if params["cross_L"] > 0 else "R"
        cross = max(params["cross_L"], params["cross_R"])
        return self._pose(cross, side, params["sink"])

    def props(self) -> list[Mesh]:
        return side_chair(self.hand_target[0] - 0.02, self.hand_target[1], self.chair_top_z)

    def reference(self):
        return np.array([0.12, 0.0, 0.85]), np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        return ankles_to_other_knees_m(posed)

    # --- script ----------------------------------------------------------------
    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(cross_L=0.0, cross_R=0.0, sink=0.0)
        tl.hold(o["start_s"])
        for i, side in enumerate(o["sides"]):
            key = f"cross_{SIDE[side]}"
            crossing = tl.move(o["cross_s"], **{key: 1.0})
            tl.move(o["sink_s"], sink=1.0)
            plateau = tl.hold(o["hold_s"])
            tl.move(o["rise_s"], sink=0.0)
            uncrossing = tl.move(o["uncross_s"], **{key: 0.0})
            self.holds.append({"side": side, "plateau": plateau,
                               "start_s": (crossing[0] + crossing[1]) / 2,
                               "end_s": (uncrossing[0] + uncrossing[1]) / 2})
            tl.hold(o["between_s"] if i + 1 < len(o["sides"]) else o["end_s"])
        return tl

    def expectation(self, times, angles):
        th = S.STANDING_FIGURE_FOUR
        f, m = S.TIME_MARGIN_FRACTION, S.ANGLE_MARGIN_DEG
        holds, faults = [], set()
        for h in self.holds:
            during = (times >= h["start_s"]) & (times <= h["end_s"])
            standing = "left" if h["side"] == "right" else "right"
            knee = float(angles[f"{standing}_knee_deg"][during].min())
            lean = float(angles["trunk_lean_deg"][during].max())
            duration = h["end_s"] - h["start_s"]
            holds.append({"side": h["side"], "start_s": round(h["start_s"], 3), "end_s": round(h["end_s"], 3),
                          "duration_s": round(duration, 2),
                          "sat_back_s": round(h["plateau"][1] - h["plateau"][0], 2),
                          "min_standing_knee_deg": round(knee, 2), "max_trunk_lean_deg": round(lean, 2)})
            checks = (
                ("too_deep", knee, th["min_knee_deg"], False, m),
                ("torso_not_tall", lean, th["max_lean_deg"], True, m),
                ("short_hold", duration, th["min_hold_s"], False, f * th["min_hold_s"]),
            )
            faults |= {code for code, value, limit, above, margin in checks
                       if self.judge(code, value, limit, above, margin)}
        if len({h["side"] for h in self.holds}) < 2:
            faults.add("missing_side")
        return self.outcome(faults, holds=holds)
