"""Front-view landmark tracks made from numbers: a 3D stick body posed from a few named
parameters (lean, knee angle, which leg is crossed, how far the knees open), seen by a
pinhole camera in front of it. World points are MediaPipe-like: metres, hip-centred,
x to the image's right (the person's left), y down, z away from the camera.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import N_LANDMARKS, Joint, PoseFrame

HIP_W, SHOULDER_W = 0.26, 0.38
TORSO, THIGH, SHIN = 0.50, 0.42, 0.42
CAMERA_DISTANCE_M, FOCAL_PX, WIDTH, HEIGHT = 3.0, 560.0, 640, 480
SIDE_X = {"LEFT": 1.0, "RIGHT": -1.0}  # the person's left is +x when facing the camera


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def _pose(t_s: float, world: np.ndarray, camera_y: float) -> PoseFrame:
    z = world[:, 2] + CAMERA_DISTANCE_M
    image = np.c_[WIDTH / 2 + FOCAL_PX * world[:, 0] / z, HEIGHT / 2 + FOCAL_PX * (world[:, 1] - camera_y) / z]
    return PoseFrame(t_s=t_s, image_xy=image, world_xyz=world, visibility=np.ones(N_LANDMARKS))


def _upper_body(w: np.ndarray, lean_deg: float, hands) -> None:
    """Trunk leaning ``lean_deg`` toward the camera (negative: reclined away from it)."""
    lean = np.radians(lean_deg)
    shoulder_mid = np.array([0.0, -TORSO * np.cos(lean), -TORSO * np.sin(lean)])
    w[:] = shoulder_mid + [0.0, -0.22, -0.05]  # head and face above the shoulders
    for side, sx in SIDE_X.items():
        shoulder = shoulder_mid + [sx * SHOULDER_W / 2, 0, 0]
        hand = np.asarray(hands[side], float)
        w[Joint[f"{side}_SHOULDER"]] = shoulder
        w[Joint[f"{side}_ELBOW"]] = (shoulder + hand) / 2 + [sx * 0.08, 0, 0]
        for name in ("WRIST", "PINKY", "INDEX", "THUMB"):
            w[Joint[f"{side}_{name}"]] = hand
        w[Joint[f"{side}_HIP"]] = [sx * HIP_W / 2, 0.0, 0.0]


def _foot(w: np.ndarray, side: str, ankle) -> None:
    ankle = np.asarray(ankle, float)
    w[Joint[f"{side}_ANKLE"]] = ankle
    w[Joint[f"{side}_HEEL"]] = ankle + [0, 0.05, 0.04]
    w[Joint[f"{side}_FOOT_INDEX"]] = ankle + [0, 0.06, -0.14]


def _crossed_leg(w: np.ndarray, crossed: str, support_knee: np.ndarray, ankle_off_m: float = 0.0) -> None:
    """The crossed leg: ankle resting on the other knee, knee out to its own side.
    ``ankle_off_m``: MediaPipe reads the resting ankle this far out to its own side."""
    sx = SIDE_X[crossed]
    hip = w[Joint[f"{crossed}_HIP"]]
    w[Joint[f"{crossed}_KNEE"]] = hip + THIGH * _unit([sx * 0.75, -0.1, -0.65])
    _foot(w, crossed, support_knee + [sx * ankle_off_m, -0.08, 0.03])


def seated_figure_four_pose(t_s: float, crossed: str | None, lean_deg: float = 20.0,
                            swap_legs: bool = False) -> PoseFrame:
    """Sitting on a chair facing the camera; ``crossed`` = "left"/"right" leg over, or None.
    ``swap_legs`` swaps MediaPipe's labels of the knees and ankles (as it does when legs overlap)."""
    w = np.zeros((N_LANDMARKS, 3))
    knees = {s: np.array([sx * 0.14, 0.0, -THIGH]) for s, sx in SIDE_X.items()}
    _upper_body(w, lean_deg, {s: knees[s] + [0, -0.05, 0] for s in SIDE_X})
    for side in SIDE_X:
        w[Joint[f"{side}_KNEE"]] = knees[side]
        _foot(w, side, knees[side] + [0.0, SHIN, 0.0])
    if crossed is not None:
        support = "LEFT" if crossed == "right" else "RIGHT"
        _crossed_leg(w, crossed.upper(), knees[support])
    if swap_legs:
        w = _swap(w, ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"))
    return _pose(t_s, w, camera_y=-0.25)


def standing_figure_four_pose(t_s: float, crossed: str | None, knee_deg: float = 135.0,
                              lean_deg: float = 25.0, swap_legs: bool = False, hide_legs: bool = False,
                              ankle_off_m: float = 0.0) -> PoseFrame:
    """Standing on one leg, hips sitting back: the standing knee bent to ``knee_deg``, shin and
    thigh tilted equally (shin forward, thigh back). ``crossed=None``: standing on both feet.
    ``ankle_off_m``: the crossed ankle misread that far out to its side, at the same height."""
    w = np.zeros((N_LANDMARKS, 3))
    tilt = np.radians((180.0 - knee_deg) / 2)
    legs = {}
    for side, sx in SIDE_X.items():
        hip = np.array([sx * HIP_W / 2, 0.0, 0.0])
        knee = hip + THIGH * np.array([0.0, np.cos(tilt), -np.sin(tilt)])
        legs[side] = (knee, knee + SHIN * np.array([0.0, np.cos(tilt), np.sin(tilt)]))
    _upper_body(w, lean_deg, {"LEFT": [0.45, -0.1, 0.0], "RIGHT": [-0.3, 0.1, -0.1]})  # a hand on the chair
    for side, (knee, ankle) in legs.items():
        w[Joint[f"{side}_KNEE"]] = knee
        _foot(w, side, ankle)
    if crossed is not None:
        support = "LEFT" if crossed == "right" else "RIGHT"
        _crossed_leg(w, crossed.upper(), legs[support][0], ankle_off_m)
    if swap_legs:
        w = _swap(w, ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"))
    pose = _pose(t_s, w, camera_y=-0.1)
    if hide_legs:  # a chair in front of them: MediaPipe is unsure of every leg landmark
        for side in SIDE_X:
            for name in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"):
                pose.visibility[Joint[f"{side}_{name}"]] = 0.1
    return pose


def abduction_pose(t_s: float, left_open_m: float, right_open_m: float, recline_deg: float = 10.0,
                   swap_knees: bool = False) -> PoseFrame:
    """Sitting on the floor facing the camera, knees up, each knee ``*_open_m`` out from
    straight in front of its hip; trunk reclined ``recline_deg`` away from the camera."""
    w = np.zeros((N_LANDMARKS, 3))
    _upper_body(w, -recline_deg, {s: [sx * 0.2, 0.1, 0.25] for s, sx in SIDE_X.items()})  # hands behind
    rise = np.radians(40.0)
    for side, sx in SIDE_X.items():
        out = left_open_m if side == "LEFT" else right_open_m
        w[Joint[f"{side}_KNEE"]] = [sx * (HIP_W / 2 + out), -THIGH * np.sin(rise), -THIGH * np.cos(rise)]
        _foot(w, side, [sx * 0.12, 0.1, -0.75])
    if swap_knees:
        w = _swap(w, ("KNEE",))
    return _pose(t_s, w, camera_y=-0.35)


def turned(pose: PoseFrame, yaw_deg: float, camera_y: float = -0.2) -> PoseFrame:
    """The same pose with the person turned ``yaw_deg`` about the vertical (90 = side-on)."""
    yaw = np.radians(yaw_deg)
    rotation = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    return _pose(pose.t_s, pose.world_xyz @ rotation.T, camera_y).replace(visibility=pose.visibility)


def _swap(w: np.ndarray, names) -> np.ndarray:
    w = w.copy()
    for name in names:
        left, right = Joint[f"LEFT_{name}"], Joint[f"RIGHT_{name}"]
        w[[left, right]] = w[[right, left]]
    return w


def eased(knots: list[tuple[float, float]], fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Sample a signal given as (duration_s, value at its end) steps from 0 s, each step
    eased in and out (a cosine: speeding up, then slowing down, as people move)."""
    t, times, values = 0.0, [0.0], [knots[0][1]]
    for duration, value in knots:
        t += duration
        times.append(t)
        values.append(value)
    samples = np.arange(0.0, t, 1.0 / fps)
    i = np.clip(np.searchsorted(times, samples, side="right") - 1, 0, len(times) - 2)
    t0, t1 = np.asarray(times)[i], np.asarray(times)[i + 1]
    v0, v1 = np.asarray(values)[i], np.asarray(values)[i + 1]
    ease = 0.5 - 0.5 * np.cos(np.pi * (samples - t0) / (t1 - t0))
    return samples, v0 + (v1 - v0) * ease


def abduction_track(reps: int = 12, open_m: float = 0.2, open_s: float = 1.0, hold_s: float = 0.5,
                    return_s: float = 1.5, pause_s: float = 0.8, right_share: float = 1.0,
                    recline_deg: float = 10.0, swap_every: int = 0, noise_m: float = 0.0, seed: int = 0,
                    fps: float = 30.0) -> list[PoseFrame]:
    """``reps`` knee openings of ``open_m`` per knee (the right knee opens ``right_share`` of that).
    ``swap_every``: swap the knees' labels on every n-th frame."""
    knots = [(1.5, 0.0)]
    for _ in range(reps):
        knots += [(open_s, 1.0), (hold_s, 1.0), (return_s, 0.0), (pause_s, 0.0)]
    times, phase = eased(knots, fps)
    noise = np.random.default_rng(seed).normal(0, noise_m, (len(times), 2)) if noise_m else np.zeros((len(times), 2))
    return [abduction_pose(t, p * open_m + n[0], p * open_m * right_share + n[1], recline_deg,
                           swap_knees=bool(swap_every) and i % swap_every == 0)
            for i, (t, p, n) in enumerate(zip(times, phase, noise))]
