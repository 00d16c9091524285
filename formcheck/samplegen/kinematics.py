"""Small closed-form solvers for posing: planar legs, arms pointed at a target."""
from __future__ import annotations

import math

import numpy as np

from formcheck.samplegen.body import Body, axis_angle, rx


def _ang(v) -> float:
    """Angle of a (y, z) vector in degrees."""
    return math.degrees(math.atan2(v[1], v[0]))


def _rot2(v, deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([v[0] * c - v[1] * s, v[0] * s + v[1] * c])


def rotation_between(a, b) -> np.ndarray:
    """Smallest rotation taking direction ``a`` to direction ``b``."""
    a = np.asarray(a, float) / np.linalg.norm(a)
    b = np.asarray(b, float) / np.linalg.norm(b)
    axis = np.cross(a, b)
    s = np.linalg.norm(axis)
    if s < 1e-9:
        return np.eye(3)
    return axis_angle(axis, math.degrees(math.atan2(s, np.dot(a, b))))


class SagittalLeg:
    """Hip and knee flexion that put the ankle at a target, for a pelvis rotated only
    about its left axis (``root = rx(root_deg)``): every leg bone then turns about
    that same axis, so the solve is exact in the body's sagittal (y, z) plane."""

    def __init__(self, body: Body, side: str):
        self.side = side
        rest = body.rest
        head = lambda n: body.head(rest, n)
        self.hip_rest = head(f"upperleg01.{side}")
        thigh = (head(f"lowerleg01.{side}") - self.hip_rest)[1:]
        shank = (head(f"foot.{side}") - head(f"lowerleg01.{side}"))[1:]
        self.l1, self.l2 = float(np.linalg.norm(thigh)), float(np.linalg.norm(shank))
        self.thigh0, self.shank0 = _ang(thigh), _ang(shank)
        self.ankle_height = head(f"foot.{side}")[2] - rest.vertices[:, 2].min()

    def hip_world(self, root_deg: float, root_t) -> np.ndarray:
        return rx(root_deg) @ self.hip_rest + np.asarray(root_t, float)

    def ankle_for_knee(self, root_deg: float, root_t, knee_deg: float, ankle_z: float) -> np.ndarray:
        """(y, z) ankle target in front of the hip giving interior knee angle ``knee_deg``."""
        hip = self.hip_world(root_deg, root_t)[1:]
        d = math.sqrt(self.l1 ** 2 + self.l2 ** 2 - 2 * self.l1 * self.l2 * math.cos(math.radians(knee_deg)))
        dz = ankle_z - hip[1]
        return np.array([hip[0] - math.sqrt(max(d ** 2 - dz ** 2, 0.0)), ankle_z])

    def solve(self, root_deg: float, root_t, ankle_yz) -> tuple[float, float]:
        """(hip, knee) rotations about x (degrees) reaching ``ankle_yz``, knee up."""
        hip = self.hip_world(root_deg, root_t)[1:]
        ankle = np.asarray(ankle_yz, float)
        d = min(float(np.linalg.norm(ankle - hip)), self.l1 + self.l2 - 1e-6)
        beta = math.degrees(math.acos(np.clip((self.l1 ** 2 + d ** 2 - self.l2 ** 2) / (2 * self.l1 * d), -1, 1)))
        to_ankle = (ankle - hip) / np.linalg.norm(ankle - hip)
        knee = max((hip + self.l1 * _rot2(to_ankle, sgn * beta) for sgn in (1, -1)), key=lambda k: k[1])
        thigh_b = _ang(_rot2(knee - hip, -root_deg))
        shank_b = _ang(_rot2(ankle - knee, -root_deg))
        th_hip = thigh_b - self.thigh0
        return th_hip, shank_b - self.shank0 - th_hip


def arm_towards(body: Body, side: str, direction_in_trunk, elbow_bend_deg: float = 8.0) -> dict:
    """Rotations pointing a nearly straight arm (shoulder -> wrist) along a direction
    given in the trunk's rest axes."""
    rest = body.rest
    shoulder, elbow, wrist = (body.head(rest, f"{b}.{side}") for b in ("upperarm01", "lowerarm01", "wrist"))
    straighten = body.elbow_straightening(side, elbow_bend_deg)
    wrist_straight = elbow + straighten @ (wrist - elbow)
    upper = rotation_between(wrist_straight - shoulder, direction_in_trunk)
    return {f"upperarm01.{side}": upper, f"lowerarm01.{side}": straighten}


def arm_length(body: Body, side: str) -> float:
    rest = body.rest
    shoulder, elbow, wrist = (body.head(rest, f"{b}.{side}") for b in ("upperarm01", "lowerarm01", "wrist"))
    return float(np.linalg.norm(elbow - shoulder) + np.linalg.norm(wrist - elbow))


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def _frame(primary, secondary) -> np.ndarray:
    """Orthonormal frame (columns) from a primary direction and a second one."""
    a = _unit(primary)
    b = np.asarray(secondary, float) - np.dot(secondary, a) * a
    b = _unit(b)
    return np.stack([a, b, np.cross(a, b)], axis=1)


def rotation_fraction(rotation: np.ndarray, fraction: float) -> np.ndarray:
    """``rotation`` scaled to ``fraction`` of its angle (same axis)."""
    angle = math.degrees(math.acos(np.clip((np.trace(rotation) - 1) / 2, -1, 1)))
    if angle < 1e-6:
        return np.eye(3)
    axis = np.array([rotation[2, 1] - rotation[1, 2], rotation[0, 2] - rotation[2, 0],
                     rotation[1, 0] - rotation[0, 1]])
    if np.linalg.norm(axis) < 1e-9:
        return np.eye(3) if fraction == 0 else rotation
    return axis_angle(axis, fraction * angle)


class Limb:
    """A two-bone limb (hip-knee-ankle or shoulder-elbow-wrist) solved to reach a
    world target, its middle joint bending towards a hint direction.

    ``rest_axis``: the rest bending axis (defaults to the cross product of the
    rest bones; pass +x for legs, whose rest bones are nearly straight)."""

    def __init__(self, body: Body, bones: tuple[str, str, str], rest_axis=None):
        self.bones = bones
        rest = body.rest
        j, k, e = (body.head(rest, b) for b in bones)
        self.root_rest = j
        self.u0, self.f0 = k - j, e - k
        self.l1, self.l2 = float(np.linalg.norm(self.u0)), float(np.linalg.norm(self.f0))
        axis = np.cross(self.u0, self.f0) if rest_axis is None else np.asarray(rest_axis, float)
        self.frame0 = _frame(self.u0, axis)
        self.axis0 = self.frame0[:, 1]
        # Rest bend measured about the rest axis.
        f_perp = self.f0 - np.dot(self.f0, self.axis0) * self.axis0
        self.bend0 = math.degrees(math.atan2(np.dot(np.cross(self.u0, f_perp), self.axis0),
                                             np.dot(self.u0, f_perp)))

    def solve(self, parent_rotation: np.ndarray, joint_world, target_world, hint_world) -> dict:
        """Rotations of the upper and lower bone (in rest axes) reaching ``target_world``."""
        j = np.asarray(joint_world, float)
        to_target = np.asarray(target_world, float) - j
        d = float(np.clip(np.linalg.norm(to_target), abs(self.l1 - self.l2) + 1e-4, self.l1 + self.l2 - 1e-4))
        w = _unit(to_target)
        cos_b = (self.l1 ** 2 + d ** 2 - self.l2 ** 2) / (2 * self.l1 * d)
        sin_b = math.sqrt(max(0.0, 1 - cos_b ** 2))
        hint = np.asarray(hint_world, float) - np.dot(hint_world, w) * w
        mid = j + self.l1 * (cos_b * w + sin_b * _unit(hint))
        end = j + d * w
        t, s = _unit(mid - j), _unit(end - mid)
        n = np.cross(t, s)
        n = _unit(n) if np.linalg.norm(n) > 1e-6 else _unit(np.cross(t, hint))
        p = np.asarray(parent_rotation, float)
        upper = _frame(p.T @ t, p.T @ n) @ self.frame0.T
        bend = math.degrees(math.acos(np.clip(np.dot(t, s), -1, 1)))
        lower = axis_angle(self.axis0, bend - self.bend0)
        return {self.bones[0]: upper, self.bones[1]: lower}


def thigh_top_near_knee(body: Body, posed, side: str, back_m: float = 0.07, lift_m: float = 0.045,
                        radius_m: float = 0.05) -> np.ndarray:
    """A point ``lift_m`` above the top of ``side``'s thigh, ``back_m`` up the thigh from
    the knee: where a crossed ankle rests."""
    knee = body.head(posed, f"lowerleg01.{side}")
    hip = body.head(posed, f"upperleg01.{side}")
    spot = knee + back_m * (hip - knee) / np.linalg.norm(hip - knee)
    mask = body.vertex_mask("upperleg", "lowerleg01", side=side)
    near = mask & (np.linalg.norm(posed.vertices[:, :2] - spot[:2], axis=1) < radius_m)
    top = spot.copy()
    top[2] = posed.vertices[near, 2].max() + lift_m
    return top


def ease(x: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(max(x, 0.0), 1.0))
