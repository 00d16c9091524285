"""Landmark tracks made from numbers for the strength exercises (squat, chair squat,
deadlift, clamshell): a stick body posed by joint angles in 3D, seen by an orthographic
camera from the side, the front or in between. No model.

A standing body is posed in its own frame - forward ``f``, up ``u``, the person's left
``l``, metres, feet on the floor at ``u = 0`` - then turned by ``yaw`` (0 = facing the
camera, 90 = side-on facing image-right, -90 = facing image-left) into camera
coordinates (x right, y down, z away from the camera), like MediaPipe's world landmarks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from formcheck.pose.landmarks import N_LANDMARKS, Joint, PoseFrame

SHIN, THIGH, TORSO, NECK = 0.43, 0.45, 0.50, 0.18
UPPER_ARM, FOREARM = 0.30, 0.27
HIP_HALF, SHOULDER_HALF = 0.09, 0.18
ANKLE_UP, HEEL_BACK, HEEL_UP, TOE_AHEAD, TOE_UP = 0.08, 0.06, 0.02, 0.16, 0.01
SCALE_PX, CENTRE_X, FLOOR_Y = 400.0, 400.0, 740.0


@dataclass(frozen=True)
class Stance:
    """A standing-leg posture, all angles in degrees.

    Attributes:
        shin: shin tilt forward from vertical (knees ahead of the ankles).
        thigh: thigh tilt from vertical (0 standing, 90 = hips level with the knees).
        lean: trunk lean forward from vertical (negative = leaning back).
        neck: head and neck bent further forward/down off the trunk line (rounding).
        heel: heels lifted, the foot turning about the toe tips.
        knee_ratio: knee-to-knee over ankle-to-ankle width (below 1 = knees caving in).
        arms: "down" (hanging), "forward" (reaching), "thigh" (hands on the thighs by the knees).
    """

    shin: float = 0.0
    thigh: float = 0.0
    lean: float = 0.0
    neck: float = 0.0
    heel: float = 0.0
    knee_ratio: float = 1.0
    arms: str = "down"
    ankle_half: float = 0.12


def _fu(angle_deg: float) -> np.ndarray:
    """Unit vector ``angle_deg`` forward from straight up, in the (f, u) plane."""
    a = np.radians(angle_deg)
    return np.array([np.sin(a), np.cos(a)])


def stance_points(s: Stance) -> dict[Joint, np.ndarray]:
    """The 33 landmarks of a standing posture in the body frame (f, u, l)."""
    toe = np.array([TOE_AHEAD, TOE_UP])
    phi = np.radians(s.heel)
    turn = np.array([[np.cos(phi), np.sin(phi)], [-np.sin(phi), np.cos(phi)]])  # heel up about the toe
    ankle = toe + turn @ (np.array([0.0, ANKLE_UP]) - toe)
    heel = toe + turn @ (np.array([-HEEL_BACK, HEEL_UP]) - toe)
    knee = ankle + SHIN * _fu(s.shin)
    hip = knee + THIGH * np.array([-np.sin(np.radians(s.thigh)), np.cos(np.radians(s.thigh))])
    shoulder = hip + TORSO * _fu(s.lean)
    head_dir = _fu(s.lean + s.neck)
    face = np.array([head_dir[1], -head_dir[0]])  # forward, square to the neck
    ear = shoulder + NECK * head_dir
    nose = ear + 0.10 * face + 0.02 * head_dir
    if s.arms == "forward":
        elbow, wrist = shoulder + [UPPER_ARM, 0], shoulder + [UPPER_ARM + FOREARM, 0]
    elif s.arms == "thigh":
        wrist = hip + 0.8 * (knee - hip) + [0.0, 0.05]
        elbow = (shoulder + wrist) / 2 + [0.08, 0.0]
    else:
        elbow, wrist = shoulder - [0, UPPER_ARM], shoulder - [0, UPPER_ARM + FOREARM]
    knee_half = s.ankle_half * s.knee_ratio
    points: dict[Joint, np.ndarray] = {}

    def put(name: str, fu: np.ndarray, half: float) -> None:
        for side, sign in (("LEFT", 1.0), ("RIGHT", -1.0)):
            points[Joint[f"{side}_{name}"]] = np.array([fu[0], fu[1], sign * half])

    put("ANKLE", ankle, s.ankle_half)
    put("HEEL", heel, s.ankle_half)
    put("FOOT_INDEX", toe, s.ankle_half + 0.02)
    put("KNEE", knee, knee_half)
    put("HIP", hip, HIP_HALF)
    put("SHOULDER", shoulder, SHOULDER_HALF)
    put("ELBOW", elbow, SHOULDER_HALF + 0.02)
    for name in ("WRIST", "PINKY", "INDEX", "THUMB"):
        put(name, wrist, SHOULDER_HALF if s.arms != "thigh" else knee_half + 0.04)
    put("EAR", ear, 0.07)
    for name in ("EYE", "EYE_INNER", "EYE_OUTER"):
        put(name, nose + 0.03 * head_dir, 0.03)
    mouth = nose - 0.04 * head_dir
    points[Joint.MOUTH_LEFT] = np.array([mouth[0], mouth[1], 0.025])
    points[Joint.MOUTH_RIGHT] = np.array([mouth[0], mouth[1], -0.025])
    points[Joint.NOSE] = np.array([nose[0], nose[1], 0.0])
    return points


def _frame(t_s: float, cam: dict[Joint, np.ndarray], noise_px: float, rng) -> PoseFrame:
    """Camera coordinates (x right, y down, z away; metres) -> a PoseFrame."""
    xyz = np.array([cam[Joint(i)] for i in range(N_LANDMARKS)])
    image = np.c_[CENTRE_X + SCALE_PX * xyz[:, 0], FLOOR_Y + SCALE_PX * xyz[:, 1]]
    if noise_px:
        image = image + rng.normal(0, noise_px, image.shape)
    hip_mid = (xyz[Joint.LEFT_HIP] + xyz[Joint.RIGHT_HIP]) / 2
    world = xyz - hip_mid
    if noise_px:
        world = world + rng.normal(0, noise_px / SCALE_PX, world.shape)
    # the side nearer the camera is seen a little better
    visibility = np.where(xyz[:, 2] <= hip_mid[2] + 1e-9, 0.99, 0.9)
    return PoseFrame(t_s=t_s, image_xy=image, world_xyz=world, visibility=visibility)


def stance_pose(t_s: float, s: Stance, yaw: float = 90.0, noise_px: float = 0.0, rng=None,
                pitch: float = 0.0) -> PoseFrame:
    """A standing-leg posture seen from ``yaw`` degrees (0 front, 90 side facing image-right),
    by a camera looking down ``pitch`` degrees (from above: what is nearer looks lower)."""
    g, p = np.radians(yaw), np.radians(pitch)
    down_tilt = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(p), -np.sin(p)], [0.0, np.sin(p), np.cos(p)]])
    forward = down_tilt @ np.array([np.sin(g), 0.0, -np.cos(g)])
    left = down_tilt @ np.array([np.cos(g), 0.0, np.sin(g)])
    up = down_tilt @ np.array([0.0, -1.0, 0.0])
    cam = {j: p[0] * forward + p[1] * up + p[2] * left for j, p in stance_points(s).items()}
    return _frame(t_s, cam, noise_px, rng)


# -- time lines -------------------------------------------------------------------------------

def keyframes(keys: list[tuple[float, object]], fps: float = 30.0):
    """Times and interpolated postures between ``(t_s, dataclass)`` keys (numeric fields
    eased in and out, like a person moving; the rest switch at the next key)."""
    times = np.arange(0.0, keys[-1][0] + 1e-9, 1.0 / fps)
    key_t = [k[0] for k in keys]
    out = []
    for t in times:
        i = max(0, min(int(np.searchsorted(key_t, t, side="right")) - 1, len(keys) - 2))
        (t0, a), (t1, b) = keys[i], keys[i + 1]
        f = 0.0 if t1 == t0 else float(np.clip((t - t0) / (t1 - t0), 0.0, 1.0))
        f = 0.5 - 0.5 * np.cos(np.pi * f)  # people speed up and slow down: a cosine ease
        values = {}
        for name, va in vars(a).items():
            vb = getattr(b, name)
            numeric = isinstance(va, (int, float)) and not isinstance(va, bool)
            values[name] = float(va + f * (vb - va)) if numeric else (va if f < 1.0 else vb)
        out.append((float(t), replace(a, **values)))
    return out


def rep_keys(reps: int, top, bottom, down_s: float, bottom_s: float, up_s: float, rest_s: float = 1.5,
             down_via: list[tuple[float, object]] | None = None,
             up_via: list[tuple[float, object]] | None = None, top_after=None):
    """Keys of ``reps`` repetitions: rest, go ``down_s`` to ``bottom``, stay ``bottom_s``,
    come up in ``up_s``, through the ``(fraction of the phase, posture)`` stops of
    ``down_via`` and ``up_via``. ``top_after`` (a posture) is reached at the end of the
    way up and held for a second before settling back to ``top``."""
    keys = [(0.0, top), (rest_s, top)]
    t = rest_s
    for _ in range(reps):
        for fraction, posture in down_via or []:
            keys.append((t + fraction * down_s, posture))
        keys.append((t + down_s, bottom))
        keys.append((t + down_s + bottom_s, bottom))
        start = t + down_s + bottom_s
        for fraction, posture in up_via or []:
            keys.append((start + fraction * up_s, posture))
        if top_after is not None:
            keys.append((start + up_s, top_after))
            keys.append((start + up_s + 1.0, top_after))
            start += 1.5
        keys.append((start + up_s, top))
        t = start + up_s + rest_s
        keys.append((t, top))
    return keys


def stance_track(keys, yaw: float = 90.0, noise_px: float = 0.0, seed: int = 0, fps: float = 30.0,
                 pitch: float = 0.0):
    rng = np.random.default_rng(seed)
    return [stance_pose(t, s, yaw, noise_px, rng, pitch) for t, s in keyframes(keys, fps)]


# -- side-lying (clamshell) ---------------------------------------------------------------------

@dataclass(frozen=True)
class SideLying:
    """Lying on the left side facing the camera, head at image-left, hips and knees bent.

    Attributes:
        opening: the angle between the thighs as the camera sees it, degrees (the top leg
            turns about its hip-ankle line as far as that takes).
        roll: the pelvis and trunk rolled back (top hip and shoulder away from the camera), degrees.
        feet_gap: the top ankle lifted off the bottom one, metres.
    """

    opening: float = 0.0
    roll: float = 0.0
    feet_gap: float = 0.0


def _rotate(v: np.ndarray, axis: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rodrigues' rotation of ``v`` about the unit ``axis``."""
    a = np.radians(angle_deg)
    return v * np.cos(a) + np.cross(axis, v) * np.sin(a) + axis * np.dot(axis, v) * (1 - np.cos(a))


CAMERA_PITCH_DEG = 20.0  # the camera in front of the body looks down on it a little


def _camera_above(p: np.ndarray) -> np.ndarray:
    return _rotate(p, np.array([1.0, 0.0, 0.0]), CAMERA_PITCH_DEG)


def side_lying_points(s: SideLying) -> dict[Joint, np.ndarray]:
    """Body coordinates (x toward the feet, y down = toward the floor, z away from the camera)."""
    turns, openings = _opening_table(round(s.roll, 1), round(s.feet_gap, 3))
    reachable = int(np.argmax(openings)) + 1  # the opening grows with the turn up to here
    return _side_lying_points(s, float(np.interp(s.opening, openings[:reachable], turns[:reachable])))


@functools.lru_cache(maxsize=4096)
def _opening_table(roll: float, feet_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """The opening the camera sees for each turn of the top leg (0..150 deg)."""
    turns = np.arange(0.0, 150.5, 0.5)
    openings = []
    for turn in turns:
        bottom_hip, bottom_knee, _, top_hip, top_knee, _, _ = _legs(SideLying(0.0, roll, feet_gap), turn)
        top = (_camera_above(top_knee) - _camera_above(top_hip))[:2]
        bottom = (_camera_above(bottom_knee) - _camera_above(bottom_hip))[:2]
        cos = np.dot(top, bottom) / np.linalg.norm(top) / np.linalg.norm(bottom)
        openings.append(np.degrees(np.arccos(np.clip(cos, -1, 1))))
    return turns, np.array(openings)


def _legs(s: SideLying, turn_deg: float):
    """Bottom hip, knee, ankle, top hip, knee, ankle, and the shins' direction."""
    foot_ward = np.array([1.0, 0.0, 0.0])
    hip_flex, knee_flex = 45.0, 90.0
    thigh_dir = _rotate(foot_ward, np.array([0.0, 1.0, 0.0]), hip_flex)    # toward the camera
    shin_dir = _rotate(thigh_dir, np.array([0.0, 1.0, 0.0]), -knee_flex)   # back, away from it
    up = _rotate(np.array([0.0, -1.0, 0.0]), foot_ward, -s.roll)           # top hip rolls back
    bottom_hip = np.array([0.0, 0.55, 0.0])
    top_hip = bottom_hip + 2 * HIP_HALF * up
    bottom_knee = bottom_hip + THIGH * thigh_dir
    bottom_ankle = bottom_knee + SHIN * shin_dir
    top_ankle = bottom_ankle + np.array([0.0, -0.08 - s.feet_gap, 0.0])
    top_knee0 = top_hip + THIGH * thigh_dir
    axis = top_ankle - top_hip
    axis /= np.linalg.norm(axis)
    top_knee = top_hip + _rotate(top_knee0 - top_hip, axis, -turn_deg)
    if top_knee[1] > top_knee0[1]:  # turn the knee up toward the ceiling, not into the floor
        top_knee = top_hip + _rotate(top_knee0 - top_hip, axis, turn_deg)
    return bottom_hip, bottom_knee, bottom_ankle, top_hip, top_knee, top_ankle, shin_dir


def _side_lying_points(s: SideLying, turn_deg: float) -> dict[Joint, np.ndarray]:
    bottom_hip, bottom_knee, bottom_ankle, top_hip, top_knee, top_ankle, shin_dir = _legs(s, turn_deg)
    pts: dict[Joint, np.ndarray] = {}
    mid_hip = (bottom_hip + top_hip) / 2
    shoulder_mid = mid_hip + np.array([-TORSO, -0.05, 0.0])
    up = _rotate(np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0]), -s.roll)  # the trunk rolls too
    legs = {"LEFT": (bottom_hip, bottom_knee, bottom_ankle), "RIGHT": (top_hip, top_knee, top_ankle)}
    for side, (hip, knee, ankle) in legs.items():
        sign = 1.0 if side == "LEFT" else -1.0
        pts[Joint[f"{side}_HIP"]] = hip
        pts[Joint[f"{side}_KNEE"]] = knee
        pts[Joint[f"{side}_ANKLE"]] = ankle
        pts[Joint[f"{side}_HEEL"]] = ankle + 0.06 * shin_dir
        pts[Joint[f"{side}_FOOT_INDEX"]] = ankle + np.array([0.12, 0.0, -0.05])
        shoulder = shoulder_mid - sign * SHOULDER_HALF * up
        pts[Joint[f"{side}_SHOULDER"]] = shoulder
        pts[Joint[f"{side}_ELBOW"]] = shoulder + np.array([0.15, 0.0, -0.2])
        for name in ("WRIST", "PINKY", "INDEX", "THUMB"):
            pts[Joint[f"{side}_{name}"]] = shoulder + np.array([0.35, 0.0, -0.25])
        pts[Joint[f"{side}_EAR"]] = shoulder_mid + np.array([-0.2, sign * 0.07, 0.0])
        for name in ("EYE", "EYE_INNER", "EYE_OUTER"):
            pts[Joint[f"{side}_{name}"]] = shoulder_mid + np.array([-0.25, sign * 0.03, -0.08])
        pts[Joint[f"MOUTH_{side}"]] = shoulder_mid + np.array([-0.22, sign * 0.02, -0.1])
    pts[Joint.NOSE] = shoulder_mid + np.array([-0.24, 0.0, -0.12])
    return pts


def side_lying_pose(t_s: float, s: SideLying, noise_px: float = 0.0, rng=None,
                    swap_labels: bool = False) -> PoseFrame:
    pts = side_lying_points(s)
    cam = {j: _camera_above(pts[j]) + np.array([-0.2, -0.2, 2.0]) for j in pts}
    pose = _frame(t_s, cam, noise_px, rng)
    if swap_labels:  # MediaPipe's left and right the other way round
        order = [Joint[j.name.replace("LEFT", "TMP").replace("RIGHT", "LEFT").replace("TMP", "RIGHT")]
                 for j in Joint]
        pose = pose.replace(image_xy=pose.image_xy[order], world_xyz=pose.world_xyz[order],
                            visibility=pose.visibility[order])
    return pose


def side_lying_track(keys, noise_px: float = 0.0, seed: int = 0, fps: float = 30.0, swap_labels: bool = False):
    rng = np.random.default_rng(seed)
    return [side_lying_pose(t, s, noise_px, rng, swap_labels) for t, s in keyframes(keys, fps)]
