"""Joint angles in degrees. Image points are pixels with y pointing down."""

from __future__ import annotations

import numpy as np


def angle_deg(a, b, c) -> float:
    """Interior angle at ``b`` between ``b->a`` and ``b->c`` (0..180; 180 = straight line)."""
    u = np.asarray(a, float) - np.asarray(b, float)
    v = np.asarray(c, float) - np.asarray(b, float)
    norm = np.linalg.norm(u) * np.linalg.norm(v)
    if norm == 0:
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / norm, -1.0, 1.0))))


def line_deviation_deg(a, b, c) -> float:
    """How far ``b`` bends off the straight line ``a->c``, signed: positive when ``b``
    lies above the line in the image (smaller y), negative below, 0 on the line.

    For a glute bridge with a = shoulder, b = hip, c = knee this is 0 when the three
    line up, negative while the hips sag toward the floor, positive when they over-arch.
    """
    a, b, c = (np.asarray(p, float)[:2] for p in (a, b, c))
    bend = 180.0 - angle_deg(a, b, c)
    ac = c - a
    # The sign of the 2D cross product tells which side of a->c the point b is on;
    # orient it so that "above" (toward -y) is positive whichever way a->c points.
    cross = ac[0] * (b - a)[1] - ac[1] * (b - a)[0]
    above = -cross if ac[0] >= 0 else cross
    return float(bend if above > 0 else -bend)


def lean_from_vertical_deg(lower, upper) -> float:
    """Angle of the ``lower->upper`` line from straight up (0 = upright, 90 = horizontal).

    Works for image points (x, y) and MediaPipe world points (x, y, z), both y-down.
    """
    d = np.asarray(upper, float) - np.asarray(lower, float)
    up = -d[1]
    sideways = float(np.linalg.norm(np.delete(d, 1)))
    return float(np.degrees(np.arctan2(sideways, up)))


def distance(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))


def segment_distance(p, a, b) -> float:
    """Distance from point ``p`` to the segment ``a-b`` (to its nearer end beyond either end)."""
    p, a, b = (np.asarray(x, float) for x in (p, a, b))
    ab = b - a
    length2 = float(np.dot(ab, ab))
    along = 0.0 if length2 == 0 else float(np.clip(np.dot(p - a, ab) / length2, 0.0, 1.0))
    return float(np.linalg.norm(p - (a + along * ab)))


def local_rate(times_s, values, span_s: float) -> np.ndarray:
    """The signal's rate of change per second at each sample: the slope of a straight line
    fitted to the samples within ``span_s`` around it, so frame-to-frame jitter averages out
    the same way at 10 and at 60 fps."""
    t = np.asarray(times_s, float)
    v = np.asarray(values, float)
    rates = np.full(len(v), np.nan)
    for i in range(len(v)):
        near = (np.abs(t - t[i]) <= span_s / 2) & np.isfinite(v)
        if near.sum() >= 2 and np.ptp(t[near]) > 0:
            dt = t[near] - t[near].mean()
            rates[i] = float(dt @ (v[near] - v[near].mean()) / (dt @ dt))
    return rates


def sustained_max(times_s, values, min_duration_s: float) -> float:
    """The highest level the signal stayed at or above for at least ``min_duration_s``.

    A one-frame spike does not count; a peak that is held does.
    """
    t = np.asarray(times_s, float)
    v = np.asarray(values, float)
    keep = np.isfinite(v)
    t, v = t[keep], v[keep]
    if len(v) == 0:
        return float("nan")
    best = -np.inf
    start = 0
    for end in range(len(v)):
        # the shortest window ending here that still spans min_duration_s (frames rarely
        # fall exactly min_duration_s apart: 0.5 s at 15 or 25 fps)
        while start < end and t[end] - t[start + 1] >= min_duration_s * 0.999:
            start += 1
        if t[end] - t[start] >= min_duration_s * 0.999 or (start == 0 and end == len(v) - 1):
            best = max(best, v[start:end + 1].min())
    return float(best if np.isfinite(best) else v.max())


def sustained_min(times_s, values, min_duration_s: float) -> float:
    """The lowest level the signal stayed at or below for at least ``min_duration_s``."""
    return -sustained_max(times_s, -np.asarray(values, float), min_duration_s)
