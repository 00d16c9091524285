"""One Euro filter (Casiez et al. 2012) over landmark arrays.

Smooths jitter when a joint is still and follows fast when it moves: the cut-off
frequency rises with the joint's speed.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.pose.landmarks import PoseFrame


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Filters an array signal sampled at irregular times."""

    def __init__(self, min_cutoff_hz: float = 1.5, beta: float | np.ndarray = 0.05,
                 derivative_cutoff_hz: float = 1.0):
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.derivative_cutoff_hz = derivative_cutoff_hz
        self.reset()

    def reset(self) -> None:
        self._t = None
        self._x = None
        self._dx = None

    def __call__(self, t_s: float, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or t_s <= self._t:
            self._t, self._x, self._dx = t_s, x.copy(), np.zeros_like(x)
            return x
        dt = t_s - self._t
        dx = (x - self._x) / dt
        self._dx = self._dx + _alpha(self.derivative_cutoff_hz, dt) * (dx - self._dx)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(self._dx)
        tau = 1.0 / (2 * np.pi * cutoff)
        a = 1.0 / (1.0 + tau / dt)
        self._x = self._x + a * (x - self._x)
        self._t = t_s
        return self._x.copy()


class PoseSmoother:
    """Smooths a stream of PoseFrames; a gap (no person) longer than ``max_gap_s`` restarts it."""

    def __init__(self, min_cutoff_hz: float = 1.5, beta: float = 0.05, max_gap_s: float = 0.5):
        # Image pixels move hundreds of px/s; world metres about one: scale beta to match.
        # Image (x, y) and world (x, y, z) go through one filter as a (33, 5) array.
        world_beta = beta * 300
        self._filter = OneEuroFilter(min_cutoff_hz, np.array([beta, beta, world_beta, world_beta, world_beta]))
        self._max_gap_s = max_gap_s
        self._last_t = None

    def __call__(self, pose: PoseFrame | None) -> PoseFrame | None:
        if pose is None:
            return None
        if self._last_t is not None and pose.t_s - self._last_t > self._max_gap_s:
            self._filter.reset()
        self._last_t = pose.t_s
        smoothed = self._filter(pose.t_s, np.hstack((pose.image_xy, pose.world_xyz)))
        return pose.replace(image_xy=smoothed[:, :2], world_xyz=smoothed[:, 2:])
