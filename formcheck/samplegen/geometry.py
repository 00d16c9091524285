"""True angles from 3D keypoints (same definitions as the SPEC)."""
from __future__ import annotations

import numpy as np

from formcheck.samplegen.body import KP


def angle_deg(a, b, c) -> float:
    """Angle a-b-c at b, degrees (180 = straight)."""
    u, v = np.asarray(a) - b, np.asarray(c) - b
    cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


def line_deviation_deg(a, b, c, up=(0.0, 0.0, 1.0)) -> float:
    """How far b sits off the line a-c, as 180 - angle(a, b, c), signed + when b is
    on the ``up`` side of the line."""
    a, b, c, up = map(np.asarray, (a, b, c, up))
    dev = 180.0 - angle_deg(a, b, c)
    ac = (c - a) / np.linalg.norm(c - a)
    off = (b - a) - np.dot(b - a, ac) * ac
    return dev if np.dot(off, up) >= 0 else -dev


def lean_from_vertical_deg(bottom, top) -> float:
    v = np.asarray(top) - bottom
    return float(np.degrees(np.arccos(np.clip(v[2] / np.linalg.norm(v), -1, 1))))


def flatten(points, normal) -> np.ndarray:
    """Project points onto the plane through the origin orthogonal to ``normal``."""
    n = np.asarray(normal, float) / np.linalg.norm(normal)
    p = np.asarray(points, float)
    return p - np.outer(p @ n, n).reshape(p.shape)


def lateral_axis(kp: np.ndarray) -> np.ndarray:
    """The body's right-to-left axis (through the hip keypoints)."""
    v = kp[KP["left_hip"]] - kp[KP["right_hip"]]
    return v / np.linalg.norm(v)


def standard_angles(kp: np.ndarray) -> dict[str, float]:
    """Angles every exercise records (world z is up): hip and knee angles in 3D and
    in the sagittal plane (what a side camera sees), and the trunk lean."""
    g = lambda name: kp[KP[name]]
    lateral = lateral_axis(kp)
    out = {}
    for side in ("left", "right"):
        sh, hp, kn, an = (g(f"{side}_{j}") for j in ("shoulder", "hip", "knee", "ankle"))
        out[f"{side}_hip_deg"] = angle_deg(sh, hp, kn)
        out[f"{side}_knee_deg"] = angle_deg(hp, kn, an)
        sh2, hp2, kn2, an2 = flatten(np.stack([sh, hp, kn, an]), lateral)
        out[f"{side}_hip_sagittal_deg"] = angle_deg(sh2, hp2, kn2)
        out[f"{side}_knee_sagittal_deg"] = angle_deg(hp2, kn2, an2)
    mid_hip = (g("left_hip") + g("right_hip")) / 2
    mid_sh = (g("left_shoulder") + g("right_shoulder")) / 2
    out["trunk_lean_deg"] = lean_from_vertical_deg(mid_hip, mid_sh)
    return out


# MediaPipe landmark indices used to measure the model on rendered clips.
L_SH, R_SH, L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANK, R_ANK = 11, 12, 23, 24, 25, 26, 27, 28
SIDES = {"left": (L_SH, L_HIP, L_KNEE, L_ANK), "right": (R_SH, R_HIP, R_KNEE, R_ANK)}
