"""Measures shared by the standing leg exercises (squat, chair squat, deadlift).

All of them use both sides' midpoints where the view lets them (in a side view the
two legs overlap, and the midpoint does not care which one MediaPipe called left),
and lengths of the person's own limbs as the ruler, so they hold at any distance.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from formcheck import geometry
from formcheck.exercises.base import facing_yaw_deg, midpoint, world_midpoint
from formcheck.pose.landmarks import Joint, PoseFrame, side_joint


def shin_length_px(pose: PoseFrame) -> float:
    """Knee to ankle in the image (the shin stays near the image plane in side and front views)."""
    return geometry.distance(midpoint(pose, "knee"), midpoint(pose, "ankle"))


def thigh_tilt_deg(pose: PoseFrame) -> float:
    """How far the thighs tilt from vertical: 0 standing, 90 with the hips level with the
    knees (thighs parallel to the floor), above 90 below parallel.

    Taken from how high the hips are above the knees in the image over the thigh's length.
    From the front the thigh points at the camera and looks short, so the length is the
    longer of thigh and shin (about equal in people; the shin stays near the image
    plane): the vertical drop stays true from the side and from the front, and near
    parallel - where depth is judged - the ratio is small and hardly depends on the
    length used. (MediaPipe's thigh can be ~10% shorter than its shin: standing then
    reads up to ~15 deg, which the rep counter's resting level absorbs.)
    """
    hip, knee = midpoint(pose, "hip"), midpoint(pose, "knee")
    length = max(geometry.distance(hip, knee), shin_length_px(pose))
    if length <= 0:
        return float("nan")
    rise = float(np.clip((knee[1] - hip[1]) / length, -1.0, 1.0))  # y points down
    return 90.0 - float(np.degrees(np.arcsin(rise)))


def facing_sign(pose: PoseFrame) -> float:
    """+1 when the person faces image-right (toes ahead of heels), -1 facing left; side view."""
    toes = midpoint(pose, "foot_index")[0] - midpoint(pose, "heel")[0]
    return 1.0 if toes >= 0 else -1.0


# A squat's legs, to turn the hips' drop into the thighs' tilt: the thigh ~1.1 shin lengths,
# and the shin tilting forward ~0.4 as far as the thigh (knees travelling over the toes).
THIGH_OVER_SHIN = 1.1
SHIN_SHARE_OF_TILT = 0.4
_TILTS = np.linspace(0.0, 120.0, 241)
_DROPS = 1.0 - (THIGH_OVER_SHIN * np.cos(np.radians(_TILTS)) + np.cos(np.radians(SHIN_SHARE_OF_TILT * _TILTS))) \
    / (THIGH_OVER_SHIN + 1.0)


class HipDrop:
    """The thighs' tilt from how far the hips have dropped toward the ankles in the picture,
    against their height when standing (the tallest of the last ``window_s`` seconds).

    From a camera above hip height in front, the thighs point at the camera and foreshorten
    with the shins, so their tilt reads far too low (on the tuning half a true 57 deg read
    10 deg); the hips' drop against the person's own standing height does not depend on
    the camera (true 57-65 deg: 26-34% of the height; 92-100 deg: 49-74%). The camera must
    stand still."""

    def __init__(self, window_s: float = 20.0):
        self.window_s = window_s
        self._tallest: deque[tuple[float, float]] = deque()  # (t, ankles-to-hips px): a running max

    def tilt_deg(self, pose: PoseFrame) -> float:
        height = float(midpoint(pose, "ankle")[1] - midpoint(pose, "hip")[1])  # y points down
        t = pose.t_s
        while self._tallest and self._tallest[-1][1] <= height:
            self._tallest.pop()
        self._tallest.append((t, height))
        while self._tallest[0][0] < t - self.window_s:
            self._tallest.popleft()
        standing = self._tallest[0][1]
        if not standing > 0:
            return float("nan")
        return float(np.interp(1.0 - height / standing, _DROPS, _TILTS))


def signed_lean_deg(pose: PoseFrame) -> float:
    """Trunk lean from vertical in the image, positive forward (toward the toes), negative
    leaning back. Side view only: from the front, forward is toward the camera."""
    hip, shoulder = midpoint(pose, "hip"), midpoint(pose, "shoulder")
    lean = geometry.lean_from_vertical_deg(hip, shoulder)
    return lean if (shoulder[0] - hip[0]) * facing_sign(pose) >= 0 else -lean


def standing_turn_deg(pose: PoseFrame) -> float:
    """How far a standing body is turned from facing the camera (0 facing it, 90 side-on):
    the larger of the hip axis's and the shoulder axis's turn out of the picture (world
    landmarks). Side-on MediaPipe sets a standing body's two hips close in depth and reads
    their turn low: on the tuning side chair squats and deadlifts filmed 70-90 deg off read
    their hips from 57 deg, their shoulders from 67; those filmed 36-52 deg off read both
    below 60."""
    return max(facing_yaw_deg(pose), facing_yaw_deg(pose, "shoulder"))


def leans_toward_toes(pose: PoseFrame) -> bool:
    """Whether the shoulders are ahead of the hips toward where the toes point (world
    landmarks, on the floor's plane), not behind them. Any view: on the tuning side the
    world toes told the direction right on all 18015 frames leaning over 30 deg (the 56 read
    as leaning back were in the two clips acting a lean back of 27 deg and more)."""
    heels, toes = world_midpoint(pose, "heel"), world_midpoint(pose, "foot_index")
    trunk = world_midpoint(pose, "shoulder") - world_midpoint(pose, "hip")
    return bool((toes - heels)[[0, 2]] @ trunk[[0, 2]] >= 0)  # y is up-down


# The tips of the toes, from the heel: MediaPipe's toe landmark (foot_index) sits short of
# them by 0.04-0.28 shin lengths (chair squats from the side, true points projected: more
# with the shin tipped forward), its heel point steadily: the toe tips lie 0.62 shin lengths
# ahead of it (0.55-0.68, sd 0.03, the tuning side; a foot is ~0.6 of a shin on most bodies).
TOE_TIPS_FROM_HEEL_RATIO = 0.62


def knee_past_toe_ratio(pose: PoseFrame) -> float:
    """How far the knees are ahead of the toe tips, in shin lengths (negative = behind). Side view."""
    ahead = (midpoint(pose, "knee")[0] - midpoint(pose, "heel")[0]) * facing_sign(pose)
    shin = shin_length_px(pose)
    return ahead / shin - TOE_TIPS_FROM_HEEL_RATIO if shin > 0 else float("nan")


# A height that follows the cosine of a smoothly turning joint (the hips' drop as the
# thighs tilt) moves little at first: the middle 60% of its way take ~32% of the movement
# (for thighs tilting 40-115 deg), not the ~40% of the angle itself (SMOOTH_MIDDLE_SHARE).
HIP_DROP_MIDDLE_SHARE = 0.32


def baseline(values: np.ndarray, near_rest: np.ndarray) -> float:
    """The median of ``values`` over the samples marked as resting (standing), NaN if none."""
    picked = values[near_rest & np.isfinite(values)]
    return float(np.median(picked)) if len(picked) else float("nan")


def near_side(pose: PoseFrame) -> str:
    """The leg the camera sees better (its hip, knee and ankle are more visible)."""
    def seen(side: str) -> float:
        return sum(pose.visibility[side_joint(side, j)] for j in ("hip", "knee", "ankle"))
    return "left" if seen("left") >= seen("right") else "right"


def sustained_min_or_nan(t: np.ndarray, values: np.ndarray, min_s: float) -> float:
    """The lowest level held for ``min_s``; NaN when nothing was measured."""
    if not np.isfinite(values).any():
        return float("nan")
    return geometry.sustained_min(t, values, min_s)


def sustained_max_or_nan(t: np.ndarray, values: np.ndarray, min_s: float) -> float:
    """The highest level held for ``min_s``; NaN when nothing was measured."""
    if not np.isfinite(values).any():
        return float("nan")
    return geometry.sustained_max(t, values, min_s)
