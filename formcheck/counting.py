"""Small state machines that turn per-frame signals into reps, holds and debounced faults.

Each uses hysteresis (enter above one level, leave below a lower one) or a minimum
duration, so one noisy frame never starts or ends anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Window:
    """The samples of one rep or hold: times and named per-frame metrics."""

    start_s: float
    end_s: float = float("nan")
    side: str | None = None
    rest_level: float = float("nan")  # the signal's resting level, for rep windows
    times_s: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)

    def add(self, t_s: float, metrics: dict[str, float]) -> None:
        self.times_s.append(t_s)
        for name, value in metrics.items():
            self.metrics.setdefault(name, [float("nan")] * (len(self.times_s) - 1)).append(value)
        for name, values in self.metrics.items():
            if len(values) < len(self.times_s):
                values.append(float("nan"))

    def series(self, name: str) -> np.ndarray:
        return np.asarray(self.metrics.get(name, [float("nan")] * len(self.times_s)), dtype=float)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class RepCounter:
    """Counts reps of one signal that rises from a resting level and comes back.

    A rep starts when the signal climbs ``enter_rise`` above its resting level and
    ends when it falls back below ``exit_fraction`` of the rep's height (but at least
    ``min_exit_rise`` above rest). The resting level follows the signal while at rest.
    """

    def __init__(self, enter_rise: float, exit_fraction: float = 0.15, min_exit_rise: float = 4.0,
                 min_rep_s: float = 0.4, rest_follow_s: float = 4.0, settle_s: float = 0.5):
        self.enter_rise = enter_rise
        self.exit_fraction = exit_fraction
        self.min_exit_rise = min_exit_rise
        self.min_rep_s = min_rep_s
        self.rest_follow_s = rest_follow_s  # time constant with which the resting level drifts up
        self.settle_s = settle_s  # the first moments only set the resting level: first detections are rough
        self._first_t: float | None = None
        self._last_t: float | None = None
        self.rest_level: float | None = None
        self.rep: Window | None = None
        self._peak = -np.inf
        self._lead_in: list[tuple[float, dict]] = []  # recent rest samples, to start a rep where it began

    @property
    def active(self) -> bool:
        return self.rep is not None

    def update(self, t_s: float, value: float, metrics: dict[str, float]) -> Window | None:
        """Feed one sample; returns the finished rep when one completes."""
        if not np.isfinite(value):
            return None
        if self.rest_level is None:
            self.rest_level, self._first_t = value, t_s
        if t_s - self._first_t < self.settle_s:
            self.rest_level, self._last_t = value, t_s
            return None
        dt = t_s - self._last_t if self._last_t is not None else 0.0
        self._last_t = t_s
        rise = value - self.rest_level
        if self.rep is None:
            # At rest: follow slow drift up, and drop at once to a lower resting level.
            self.rest_level = min(value, self.rest_level + min(1.0, dt / self.rest_follow_s) * rise)
            self._lead_in = self._lead_in[-60:]
            self._lead_in.append((t_s, {**metrics, "_rise": value - self.rest_level}))
            if value - self.rest_level >= self.enter_rise:
                start = next((t for t, m in reversed(self._lead_in) if m["_rise"] < self.min_exit_rise), t_s)
                self.rep = Window(start_s=start, rest_level=self.rest_level)
                for t, m in self._lead_in:
                    if t >= start:
                        self.rep.add(t, {k: v for k, v in m.items() if k != "_rise"})
                self._peak = value
                self._lead_in = []
            return None
        self.rep.add(t_s, metrics)
        self._peak = max(self._peak, value)
        exit_rise = max(self.min_exit_rise, self.exit_fraction * (self._peak - self.rest_level))
        if rise < exit_rise:
            rep, self.rep = self.rep, None
            rep.end_s = t_s
            self.rest_level = min(self.rest_level, value)
            return rep if rep.duration_s >= self.min_rep_s else None
        return None

    def finish(self, t_s: float) -> Window | None:
        """The video ended: an unfinished rep is dropped (it never came back down)."""
        self.rep = None
        return None


# A held_side() answer for a frame on which the posture cannot be seen (a leg hidden under a
# forward lean) but nothing says it ended: it continues a hold in progress and starts none.
UNSEEN = "unseen"


class HoldTracker:
    """Tracks holds of a posture that is either held (with a side) or not.

    A hold starts once the posture has been seen for ``enter_s`` and ends once it has
    been gone for ``exit_s``; a brief loss (a lost landmark, a wobble) does not end it.
    """

    def __init__(self, enter_s: float = 1.0, exit_s: float = 1.0, keep_side: bool = False):
        self.enter_s = enter_s
        self.exit_s = exit_s
        # keep_side: a hold's side is the side seen most while it started, and stays until the
        # posture is gone for exit_s; the other side seen meanwhile is a left/right label swap
        # (nobody switches legs without first uncrossing them).
        self.keep_side = keep_side
        self.hold: Window | None = None
        self._candidate: Window | None = None
        self._votes: dict[str, int] = {}
        self._last_seen_s = float("nan")

    @property
    def active(self) -> bool:
        return self.hold is not None

    def update(self, t_s: float, side: str | None, metrics: dict[str, float]) -> Window | None:
        """``side`` is the held side, None when the posture is not held, or ``UNSEEN``.
        Returns a finished hold."""
        if side == UNSEEN:
            side = self.hold.side if self.hold is not None else None
        finished = None
        if self.hold is not None:
            if side == self.hold.side or (side is not None and self.keep_side):
                self.hold.add(t_s, metrics)
                self._last_seen_s = t_s
                return None
            if side is not None or t_s - self._last_seen_s > self.exit_s:
                finished = self._close()
            else:
                return None
        if side is None:
            self._candidate = None
            return finished
        if self._candidate is None or (self._candidate.side != side and not self.keep_side):
            self._candidate = Window(start_s=t_s, side=side)
            self._votes = {}
        self._candidate.add(t_s, metrics)
        self._votes[side] = self._votes.get(side, 0) + 1
        if t_s - self._candidate.start_s >= self.enter_s:
            self._candidate.side = max(self._votes, key=self._votes.get)
            self.hold, self._candidate = self._candidate, None
            self._last_seen_s = t_s
        return finished

    def _close(self) -> Window:
        hold, self.hold = self.hold, None
        # Trim the trailing samples recorded after the posture was last seen.
        keep = sum(t <= self._last_seen_s for t in hold.times_s)
        hold.times_s = hold.times_s[:keep]
        hold.metrics = {k: v[:keep] for k, v in hold.metrics.items()}
        hold.end_s = self._last_seen_s
        return hold

    def finish(self, t_s: float) -> Window | None:
        """The video ended: a hold in progress ends where it was last seen."""
        return self._close() if self.hold is not None else None


class Persistent:
    """A condition that only counts once it has been true for ``min_s`` without a break."""

    def __init__(self, min_s: float):
        self.min_s = min_s
        self._since: float | None = None

    def update(self, t_s: float, condition: bool) -> bool:
        if not condition:
            self._since = None
            return False
        if self._since is None:
            self._since = t_s
        return t_s - self._since >= self.min_s

    @property
    def since_s(self) -> float | None:
        return self._since
