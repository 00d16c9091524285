"""Landmark tracks made from numbers, for testing rules without the model."""

from __future__ import annotations

import numpy as np

from formcheck.geometry import line_deviation_deg
from formcheck.pose.landmarks import N_LANDMARKS, Joint, PoseFrame

SHOULDER = np.array([150.0, 400.0])
KNEE = np.array([450.0, 300.0])
ANKLE = np.array([500.0, 420.0])


def _hip_for(deviation_deg: float) -> np.ndarray:
    """The hip point that bends ``deviation_deg`` off the shoulder-knee line (side view)."""
    along = SHOULDER + 0.55 * (KNEE - SHOULDER)
    normal = np.array([(KNEE - SHOULDER)[1], -(KNEE - SHOULDER)[0]])
    normal /= np.linalg.norm(normal)
    if normal[1] > 0:
        normal = -normal  # point "up" in the image
    lo, hi = -400.0, 400.0
    for _ in range(60):  # bisection: the deviation grows with the offset
        mid = (lo + hi) / 2
        if line_deviation_deg(SHOULDER, along + mid * normal, KNEE) < deviation_deg:
            lo = mid
        else:
            hi = mid
    return along + lo * normal


def side_pose(t_s: float, hip_line_deg: float, flip: bool = False) -> PoseFrame:
    """A person lying side-on (both sides overlap), hips ``hip_line_deg`` off the line."""
    hip = _hip_for(hip_line_deg)
    xy = np.zeros((N_LANDMARKS, 2))
    xy[:] = SHOULDER + np.array([-60.0, -10.0])  # head and face near the shoulders
    for side in ("LEFT", "RIGHT"):
        xy[Joint[f"{side}_SHOULDER"]] = SHOULDER
        xy[Joint[f"{side}_ELBOW"]] = SHOULDER + [60, 10]
        xy[Joint[f"{side}_WRIST"]] = SHOULDER + [120, 15]
        xy[Joint[f"{side}_HIP"]] = hip
        xy[Joint[f"{side}_KNEE"]] = KNEE
        xy[Joint[f"{side}_ANKLE"]] = ANKLE
        xy[Joint[f"{side}_HEEL"]] = ANKLE + [-10, 5]
        xy[Joint[f"{side}_FOOT_INDEX"]] = ANKLE + [30, 5]
    if flip:  # camera on the other side: the picture mirrored
        xy[:, 0] = 640 - xy[:, 0]
    world = np.c_[(xy - 320) / 400.0, np.zeros(N_LANDMARKS)]
    for joint in Joint:  # side-on, one side is behind the other
        world[joint, 2] = {"LEFT": -0.1, "RIGHT": 0.1}.get(joint.name.split("_")[0], 0.0)
    return PoseFrame(t_s=t_s, image_xy=xy, world_xyz=world, visibility=np.ones(N_LANDMARKS))


def bridge_signal(reps: int = 3, rest_deg: float = -50.0, top_deg: float = 0.0, rise_s: float = 1.0,
                  hold_s: float = 2.5, lower_s: float = 1.5, pause_s: float = 1.5, fps: float = 30.0,
                  noise_deg: float = 0.0, seed: int = 0):
    """Times and hip-line angles of ``reps`` bridges, each move eased in and out."""
    knots_t, knots_v = [0.0], [rest_deg]
    t = pause_s
    knots_t.append(t); knots_v.append(rest_deg)
    for _ in range(reps):
        for dt, v in ((rise_s, top_deg), (hold_s, top_deg), (lower_s, rest_deg), (pause_s, rest_deg)):
            t += dt
            knots_t.append(t); knots_v.append(v)
    times = np.arange(0, t, 1.0 / fps)
    # Eased like a person moves (speeding up, then slowing down), not at a constant speed.
    i = np.clip(np.searchsorted(knots_t, times, side="right") - 1, 0, len(knots_t) - 2)
    t0, t1 = np.asarray(knots_t)[i], np.asarray(knots_t)[i + 1]
    v0, v1 = np.asarray(knots_v)[i], np.asarray(knots_v)[i + 1]
    ease = 0.5 - 0.5 * np.cos(np.pi * np.clip((times - t0) / (t1 - t0), 0.0, 1.0))
    values = v0 + (v1 - v0) * ease
    values += np.random.default_rng(seed).normal(0, noise_deg, len(values)) if noise_deg else 0
    return times, values


def bridge_track(flip: bool = False, **kwargs) -> list[PoseFrame]:
    times, values = bridge_signal(**kwargs)
    return [side_pose(t, v, flip=flip) for t, v in zip(times, values)]
