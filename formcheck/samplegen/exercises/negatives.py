"""Moves that are not the exercise at all, filmed where the exercise would be: the population's
named negatives (``ClipSpec.options["move"]``), on which no rep, hold or fault may count.

- ``walking_through`` (any exercise): a person walks across the picture, from near one
  edge to near the other, and stands. A simple gait: the hips swing ``step_deg`` each way,
  the swinging knee bends, the arms swing against the legs; the pelvis moves along a line
  across the camera's view (within ``heading_deg`` of square to it) at a speed that eases
  in and out, the gait's phase following the distance walked so the feet barely slide; the
  lowest point of the body stays on the floor.
- ``sitting_down`` (squat, chair squat): a person sits down onto a chair behind them the
  way a chair squat goes down (arms reaching forward a little), then settles (trunk more
  upright, hands onto the thighs) and stays seated: a descent with no rise is not a rep.
- ``pigeon_stretch`` (seated and standing figure-four): a floor stretch that is not a
  figure-four: one shin across the front (hip turned out, knee bent), the other leg long
  behind on its knee and the top of its foot, hands on the floor; the person sits up, folds
  forward over the front shin, stays there, comes up again.

Each move is an ``Exercise`` script made for the exercise it stands in for (``script_for``):
it carries that exercise's id, so every fault code of the exercise is expected absent.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from formcheck.samplegen.body import Body, PosedBody, hip, rx, rz
from formcheck.samplegen.exercises.base import ClipSpec, Exercise
from formcheck.samplegen.exercises.chair_squat import ChairSquat
from formcheck.samplegen.exercises.stance import STANCE
from formcheck.samplegen.kinematics import Limb, arm_towards
from formcheck.samplegen.timeline import Timeline

FACING, LEFT = np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])


def _grounded(posed: PosedBody) -> PosedBody:
    """The same pose moved straight down (or up) until its lowest point is on the floor."""
    dz = np.array([0.0, 0.0, -posed.vertices[:, 2].min()])
    return PosedBody(posed.vertices + dz, posed.keypoints + dz, posed.bone_heads + dz)


class Negative(Exercise):
    """A move standing in for ``for_exercise``: no rep, no hold, no fault."""

    for_exercise: ClassVar[type[Exercise]] = Exercise

    @staticmethod
    def draw_options(rng: np.random.Generator) -> dict[str, Any]:
        raise NotImplementedError

    def expectation(self, times, angles):
        counts_reps = "reps" in self.for_exercise.defaults
        return self.outcome(set(), reps=[] if counts_reps else None)


class WalkingThrough(Negative):
    defaults: ClassVar[dict[str, Any]] = {"start_s": 0.5, "end_s": 0.6, "speed_mps": 1.2, "step_deg": 20.0,
                                          "heading_deg": 0.0, "direction": 1.0, "path_share": 0.55}

    @staticmethod
    def draw_options(rng):
        return {"start_s": float(rng.uniform(0.3, 1.2)), "end_s": float(rng.uniform(0.3, 1.2)),
                "speed_mps": float(rng.uniform(0.8, 1.4)), "step_deg": float(rng.uniform(16.0, 24.0)),
                "heading_deg": float(rng.uniform(-15.0, 15.0)), "direction": float(rng.choice((-1.0, 1.0))),
                "path_share": float(rng.uniform(0.45, 0.6))}

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        o, cam = self.o, spec.camera
        leg = Limb(body, ("upperleg01.L", "lowerleg01.L", "foot.L"), rest_axis=(1, 0, 0))
        leg_m = leg.l1 + leg.l2
        # A step covers what the legs' swing does (the feet then barely slide on the floor).
        self.step_m = 2.0 * leg_m * math.sin(math.radians(o["step_deg"]))
        yaw = math.radians(cam.yaw_deg)
        to_camera = math.cos(yaw) * FACING + math.sin(yaw) * LEFT
        across = np.array([-to_camera[1], to_camera[0], 0.0]) * o["direction"]
        across = rz(o["heading_deg"]) @ across
        # From near one edge of the picture to near the other, at the subject's distance.
        half = o["path_share"] * cam.distance_m * math.tan(math.radians(cam.hfov_deg) / 2)
        self.start = -half * across
        self.across = across
        self.length = 2 * half
        self.heading = rz(math.degrees(math.atan2(across[0], -across[1])))  # rest faces -y

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(walked=0.0)
        tl.hold(o["start_s"])
        tl.move(self.length / o["speed_mps"], walked=self.length)
        tl.hold(o["end_s"])
        return tl

    def pose(self, params: dict[str, float]) -> PosedBody:
        walked = params["walked"]
        # The first and the last step are shorter: from standing and back to standing.
        stride = min(1.0, walked / self.step_m, (self.length - walked) / self.step_m)
        a = self.o["step_deg"] * max(stride, 0.0)
        phase = math.pi * walked / self.step_m  # one step per half cycle
        swing = math.sin(phase)
        rotations = {"spine03": rx(3.0)}
        for s, sign in (("L", 1.0), ("R", -1.0)):
            forward = sign * math.cos(phase)  # > 0 while this leg swings forward
            knee = (5.0 + 55.0 * max(0.0, forward) ** 2) * max(stride, 0.0)
            rotations[f"upperleg01.{s}"] = hip(s, flex=sign * a * swing + 0.4 * knee)
            rotations[f"lowerleg01.{s}"] = rx(knee)
            rotations[f"foot.{s}"] = (rotations[f"upperleg01.{s}"] @ rotations[f"lowerleg01.{s}"]).T  # sole level
            arm = math.radians(-sign * 0.9 * a * swing)
            out = 0.18 if s == "L" else -0.18
            rotations.update(arm_towards(self.body, s, (out, -math.sin(arm), -math.cos(arm)), elbow_bend_deg=15.0))
        root_t = self.start + params["walked"] * self.across
        return _grounded(self.body.pose(rotations, self.heading, root_t))

    def reference(self):
        return np.array([0.0, 0.0, 0.9]), FACING, LEFT


class SittingDown(Negative, ChairSquat):
    """Sits down onto the chair squat's chair and stays seated."""

    defaults: ClassVar[dict[str, Any]] = {**ChairSquat.defaults, "seated_s": 4.0, "settle_s": 1.0,
                                          "settle_lean": 20.0}

    @staticmethod
    def draw_options(rng):
        return {"start_s": float(rng.uniform(0.3, 1.5)), "down_s": float(rng.uniform(1.2, 2.6)),
                "settle_s": float(rng.uniform(0.6, 1.4)), "settle_lean": float(rng.uniform(10.0, 25.0)),
                "seated_s": float(rng.uniform(3.0, 7.0))}

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        settled = self.poser.pose({**STANCE, **self.o["bottom"], **self._settled()})
        seat = body.vertex_mask("root", "pelvis", "upperleg", "spine05")
        self.seat_z = min(self.seat_z, float(settled.vertices[seat, 2].min()))  # sat back on it

    def _settled(self) -> dict[str, float]:
        return {"lean": self.o["settle_lean"], "reach": 0.0, "hands_on_thighs": 1.0}

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(**STANCE)  # arms hanging, reaching forward for balance on the way down
        tl.hold(o["start_s"])
        tl.move(o["down_s"], **o["bottom"], reach=0.6)
        tl.move(o["settle_s"], **self._settled())
        tl.hold(o["seated_s"])
        return tl

    def expectation(self, times, angles):
        return Negative.expectation(self, times, angles)


class PigeonStretch(Negative):
    """On the floor: ``front`` leg's shin across the front, the other leg long behind."""

    defaults: ClassVar[dict[str, Any]] = {"front": "R", "start_s": 1.0, "fold_s": 2.0, "hold_s": 12.0,
                                          "up_s": 1.5, "end_s": 1.5, "fold_deg": 45.0}

    @staticmethod
    def draw_options(rng):
        return {"front": str(rng.choice(("L", "R"))), "start_s": float(rng.uniform(1.0, 3.0)),
                "fold_s": float(rng.uniform(1.5, 3.0)), "hold_s": float(rng.uniform(8.0, 20.0)),
                "up_s": float(rng.uniform(1.0, 2.0)), "end_s": float(rng.uniform(1.0, 3.0)),
                "fold_deg": float(rng.uniform(20.0, 45.0))}

    HIP_Z = 0.2   # hip joints above the floor (the pelvis sits on the front leg)

    def __init__(self, body: Body, spec: ClipSpec):
        super().__init__(body, spec)
        self.legs = {s: Limb(body, (f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}"), rest_axis=(1, 0, 0))
                     for s in "LR"}
        self.arms = {s: Limb(body, (f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}")) for s in "LR"}

    def timeline(self) -> Timeline:
        o = self.o
        tl = Timeline(fold=0.0)
        tl.hold(o["start_s"])
        tl.move(o["fold_s"], fold=1.0)
        tl.hold(o["hold_s"])
        tl.move(o["up_s"], fold=0.0)
        tl.hold(o["end_s"])
        return tl

    def pose(self, params: dict[str, float]) -> PosedBody:
        o = self.o
        f = params["fold"]
        front = o["front"]
        back = "L" if front == "R" else "R"
        out = {s: np.array([1.0 if s == "L" else -1.0, 0.0, 0.0]) for s in "LR"}
        tilt = 25.0 + f * o["fold_deg"]          # pelvis tipped forward over the front leg
        root = rx(tilt)
        hips = {s: root @ self.legs[s].root_rest for s in "LR"}
        root_t = np.array([0.0, 0.0, self.HIP_Z - (hips["L"][2] + hips["R"][2]) / 2])
        rotations = {"spine03": rx(-22.0 + 22.0 * f), "spine02": rx(-8.0 + 18.0 * f), "neck01": rx(-15.0 - 20.0 * f)}
        leg = self.legs[front]
        h = hips[front] + root_t
        # Front shin across the body: knee forward and out, ankle in front of the other hip.
        ankle = np.array([hips[back][0] + 0.1 * out[back][0], h[1] - 0.35, 0.09])
        rotations.update(leg.solve(root, h, ankle, out[front] + np.array([0.0, -1.0, -0.6])))
        leg = self.legs[back]
        h = hips[back] + root_t
        reach = 0.97 * (leg.l1 + leg.l2)
        ankle = np.array([h[0], h[1] + math.sqrt(max(reach ** 2 - (h[2] - 0.07) ** 2, 0.01)), 0.07])
        rot = leg.solve(root, h, ankle, np.array([0.0, 0.0, -1.0]))
        shank = root @ rot[f"upperleg01.{back}"] @ rot[f"lowerleg01.{back}"]
        rot[f"foot.{back}"] = shank.T @ rx(170.0)  # toes pointed back, the top of the foot down
        rotations.update(rot)
        trunk = root
        for bone in ("spine03", "spine02"):
            trunk = trunk @ rotations[bone]
        unarmed = self.body.pose(rotations, root, root_t)
        for s in "LR":
            shoulder = self.body.head(unarmed, f"upperarm01.{s}")
            # Hands on the floor beside the hips, walking forward as the trunk folds.
            hand = np.array([shoulder[0] + 0.12 * out[s][0], shoulder[1] - 0.1 - 0.35 * f, 0.05])
            rotations.update(self.arms[s].solve(trunk, shoulder, hand, out[s] + np.array([0.0, 0.5, 0.0])))
        return _grounded(self.body.pose(rotations, root, root_t))

    def reference(self):
        return np.array([0.0, -0.1, 0.35]), FACING, LEFT


MOVES: dict[str, type[Negative]] = {
    "walking_through": WalkingThrough,
    "sitting_down": SittingDown,
    "pigeon_stretch": PigeonStretch,
}


def script_for(spec: ClipSpec, exercises: dict[str, type[Exercise]]) -> type[Exercise]:
    """The script that acts ``spec``: its exercise's, or a named negative move made for it."""
    cls = exercises[spec.exercise]
    move = spec.options.get("move")
    if move is None:
        return cls
    return type(f"{MOVES[move].__name__}For{cls.__name__}", (MOVES[move],), {"id": cls.id, "for_exercise": cls})
