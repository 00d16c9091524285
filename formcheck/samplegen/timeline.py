"""Scripted motion: named parameters moved between keyframes with ease-in-out."""
from __future__ import annotations

import bisect
import math


class Timeline:
    """Keyframes of named parameters; ``at(t)`` interpolates with a cosine ease.

    Between two equal keyframes the parameters are *exactly* constant, so a
    renderer can reuse the previous frame during holds.

        tl = Timeline(lift=0.0)
        tl.hold(1.0)
        up = tl.move(1.0, lift=30.0)     # returns (start_s, end_s)
    """

    def __init__(self, **start: float):
        self._times = [0.0]
        self._values = [dict(start)]

    @property
    def now(self) -> float:
        return self._times[-1]

    @property
    def duration(self) -> float:
        return self._times[-1]

    @property
    def current(self) -> dict[str, float]:
        return dict(self._values[-1])

    def move(self, duration_s: float, **targets: float) -> tuple[float, float]:
        unknown = set(targets) - set(self._values[-1])
        if unknown:
            raise KeyError(f"unknown parameters {sorted(unknown)}")
        start = self.now
        values = dict(self._values[-1])
        values.update(targets)
        self._times.append(start + duration_s)
        self._values.append(values)
        return start, self.now

    def hold(self, duration_s: float) -> tuple[float, float]:
        return self.move(duration_s)

    def at(self, t: float) -> dict[str, float]:
        if t >= self._times[-1]:
            return dict(self._values[-1])
        i = max(0, bisect.bisect_right(self._times, t) - 1)
        t0, t1 = self._times[i], self._times[i + 1]
        a, b = self._values[i], self._values[i + 1]
        s = 0.5 - 0.5 * math.cos(math.pi * (t - t0) / (t1 - t0))
        return {k: a[k] if a[k] == b[k] else a[k] + (b[k] - a[k]) * s for k in a}
