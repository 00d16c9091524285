"""A standing body posed by sagittal angles with both feet planted: the shared poser of
the squat, the chair squat and the deadlift scripts.

Parameters (degrees unless said): ``shin`` tilt forward of the shins from vertical,
``thigh`` tilt of the thighs from vertical with the hips going back (90 = thighs level),
``lean`` forward tilt of the pelvis and trunk, ``curl`` bend of the upper back and neck
(rounding, chin down), ``heel`` heels lifted (the feet turning about the balls of the
feet), ``knees_in`` knees drawn in toward each other (metres, at the knee), ``reach``
arms from hanging (0) to reaching forward level (1), ``hands_on_thighs`` (0..1) hands
moved onto the thighs by the knees.

The hips are placed where the shins and thighs put them (ankles planted, legs in the
sagittal plane); each leg is then solved to reach its ankle, its knee bending toward a
hint (forward, or forward and in for caving knees). Feet stay level unless heels lift.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen.body import Body, PosedBody, axis_angle, rx
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.kinematics import Limb, arm_towards

CURL_SHARES = {"spine03": 0.2, "spine02": 0.25, "spine01": 0.25, "neck01": 0.3}
HAND_LIFT_M = 0.01  # wrist joint above the thigh it pushes on
STANCE = {
    "shin": 0.0, "thigh": 0.0, "lean": 0.0, "curl": 0.0, "heel": 0.0,
    "knees_in": 0.0, "reach": 0.0, "hands_on_thighs": 0.0,
}


class StancePoser:
    def __init__(self, body: Body, feet_apart_m: float = 0.0):
        self.body = body
        rest = body.rest
        self.floor_offset = -rest.vertices[:, 2].min()
        lift = np.array([0.0, 0.0, self.floor_offset])
        self.legs = {s: Limb(body, (f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}"), rest_axis=(1, 0, 0))
                     for s in "LR"}
        self.arms = {s: Limb(body, (f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}")) for s in "LR"}
        self.ankles = {}
        self.balls = {}
        for s in "LR":
            out = np.array([feet_apart_m / 2 * (1 if s == "L" else -1), 0.0, 0.0])
            self.ankles[s] = body.head(rest, f"foot.{s}") + lift + out
            ball = body.head(rest, f"toe3-1.{s}") + lift + out
            ball[2] = 0.02
            self.balls[s] = ball
        self.thigh_vertices = {s: body.vertex_mask("upperleg", side=s) for s in "LR"}

    def hip_height(self, shin: float, thigh: float, heel: float = 0.0) -> float:
        """Height of the hip joints for these angles."""
        return float(self._hip_centre(shin, thigh, heel)[2])

    def _ankle(self, s: str, heel: float) -> np.ndarray:
        """The ankle after the heel lifts ``heel`` degrees about the ball of the foot."""
        ball = self.balls[s]
        return ball + axis_angle((1.0, 0.0, 0.0), heel) @ (self.ankles[s] - ball)

    def _hip_centre(self, shin: float, thigh: float, heel: float) -> np.ndarray:
        leg = self.legs["L"]
        ankle = (self._ankle("L", heel) + self._ankle("R", heel)) / 2
        a, b = math.radians(shin), math.radians(thigh)
        knee = ankle + leg.l2 * np.array([0.0, -math.sin(a), math.cos(a)])
        return knee + leg.l1 * np.array([0.0, math.sin(b), math.cos(b)])

    def pose(self, p: dict[str, float]) -> PosedBody:
        root = rx(p["lean"])
        hip_rest = (self.legs["L"].root_rest + self.legs["R"].root_rest) / 2
        root_t = self._hip_centre(p["shin"], p["thigh"], p["heel"]) - root @ hip_rest
        rotations: dict[str, np.ndarray] = {}
        for bone, share in CURL_SHARES.items():
            rotations[bone] = rx(share * p["curl"])
        for s in "LR":
            leg = self.legs[s]
            inward = np.array([-1.0 if s == "L" else 1.0, 0.0, 0.0])
            hint = np.array([0.0, -1.0, 0.0]) + inward * 4.0 * p["knees_in"]
            ankle = self._ankle(s, p["heel"])
            rot = leg.solve(root, root @ leg.root_rest + root_t, ankle, hint)
            shank = root @ rot[f"upperleg01.{s}"] @ rot[f"lowerleg01.{s}"]
            rot[f"foot.{s}"] = shank.T @ axis_angle((1.0, 0.0, 0.0), p["heel"])
            rotations.update(rot)
        trunk = root
        for bone in ("spine03", "spine02", "spine01"):
            trunk = trunk @ rotations[bone]
        hang, forward = trunk.T @ np.array([0.0, 0.0, -1.0]), trunk.T @ np.array([0.0, -1.0, 0.0])
        r = p["reach"]
        direction = (1 - r) * hang + r * forward
        for s in "LR":
            rotations.update(arm_towards(self.body, s, direction, elbow_bend_deg=10.0))
        if p["hands_on_thighs"] > 0:
            free = self.body.pose(rotations, root, root_t)
            for s in "LR":
                knee = self.body.head(free, f"lowerleg01.{s}")
                hip = self.body.head(free, f"upperleg01.{s}")
                spot = knee + 0.1 * (hip - knee)
                near = self.thigh_vertices[s] & (np.linalg.norm(free.vertices[:, :2] - spot[:2], axis=1) < 0.05)
                if near.any():
                    spot[2] = free.vertices[near, 2].max() + HAND_LIFT_M
                wrist = self.body.head(free, f"wrist.{s}")
                h = p["hands_on_thighs"]
                target = (1 - h) * wrist + h * spot
                shoulder = self.body.head(free, f"upperarm01.{s}")
                outward = -np.array([-1.0 if s == "L" else 1.0, 0.0, 0.0])
                rotations.update(self.arms[s].solve(trunk, shoulder, target, outward + np.array([0.0, 0.5, 0.0])))
        return self.body.pose(rotations, root, root_t)


class StandingExercise(Exercise):
    """A script whose body stands, feet planted ``feet_apart_m`` apart, posed by ``StancePoser``."""

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        self.poser = StancePoser(body, self.o["feet_apart_m"])

    def pose(self, params: dict[str, float]) -> PosedBody:
        return self.poser.pose(params)

    def reference(self):
        return np.array([0.0, -0.1, 0.85]), np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])
