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
