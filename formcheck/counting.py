"""Small state machines that turn per-frame signals into reps, holds and debounced faults.

Each uses hysteresis (enter above one level, leave below a lower one) or a minimum
duration, so one noisy frame never starts or ends anything.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np


def longest_run_s(times_s, mask) -> float:
    """Duration of the longest stretch of consecutive True samples (0 for a single one)."""
    best, start = 0.0, None
    for i, on in enumerate(mask):
        if on and start is None:
            start = i
        if start is not None and (not on or i == len(mask) - 1):
            end = i if on else i - 1
            best = max(best, times_s[end] - times_s[start])
            start = None
    return float(best)


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

    A rep starts when the signal climbs ``enter_rise`` above its resting level (and, if given,
    reaches ``enter_level``: where the resting level reads with a bias but the rep's far end
    reads true, the count is set by the far end). It ends when
    the signal falls back below ``exit_fraction`` of the rep's height (but at least
    ``min_exit_rise`` above rest), or, for reps done back to back, at the trough between two
    peaks: once it has come down past ``trough_fraction`` of the height and climbs again by
    ``rebound_fraction`` of it, the rep ends at the trough and the next one starts there.
    Either way the signal must stay down ``min_down_s``: a landmark lost for a frame is no
    end. A rep also ends where the signal settles below ``trough_fraction`` of the height and
    stays still (within ``min_exit_rise`` for ``settle_s``): back at rest in a new posture.

    The resting level follows a slow drift up (time constant ``rest_follow_s``, and never
    faster than ``min_exit_rise`` per ``rest_follow_s``: a slow rep's start must not carry
    the rest up with it) and drops to a lower level only once that level has lasted
    ``dip_s``: one glitch at rest does not lower it for good, nor do the first rough
    detections (``first_detection_s``). A video that starts inside a rep (seated, at the
    bottom of a squat or a deadlift) counts that rise as one rep once the signal has come
    down by ``enter_rise`` and settled (``max_opening_s`` = 0: never, for exercises that do
    not start inside a rep). Every span is in seconds, so 10 and 60 fps count alike.
    """

    def __init__(self, enter_rise: float, exit_fraction: float = 0.15, min_exit_rise: float = 4.0,
                 min_rep_s: float = 0.4, rest_follow_s: float = 4.0, settle_s: float = 0.5,
                 lead_in_s: float = 2.0, dip_s: float = 0.3, trough_fraction: float = 0.35,
                 rebound_fraction: float = 0.3, min_down_s: float = 0.15, max_opening_s: float = 20.0,
                 first_detection_s: float = 0.1, min_above_s: float = 0.2, enter_level: float | None = None):
        self.enter_rise = enter_rise
        self.enter_level = enter_level  # and the signal must reach this level (None: any)
        self.exit_fraction = exit_fraction
        self.min_exit_rise = min_exit_rise
        self.min_rep_s = min_rep_s
        self.min_above_s = min_above_s  # a rep stays past the count this long (see _counted)
        self.rest_follow_s = rest_follow_s
        self.settle_s = settle_s  # the first moments only set the resting level: first detections are rough
        self.first_detection_s = first_detection_s
        self.lead_in_s = lead_in_s  # rest samples kept to start a rep where it truly began
        self.dip_s = dip_s
        self.trough_fraction = trough_fraction
        self.rebound_fraction = rebound_fraction
        self.min_down_s = min_down_s
        self.max_opening_s = max_opening_s  # how long a video may start at the bottom before it rises
        self.opening_span_s = settle_s  # the level a video starts at: the median of its first moments
        self._first_t: float | None = None
        self._last_t: float | None = None
        self.rest_level: float | None = None
        self.rep: Window | None = None
        self._peak = -np.inf
        self._values: list[float] = []  # the signal over the current rep
        self._trough: tuple[int, float] | None = None  # (sample index, value) since the rep came down
        self._exit_at: int | None = None  # the sample where the signal came back near rest
        self._lead_in: deque[tuple[float, float, dict]] = deque()  # (t, value, metrics) at rest
        self._recent: deque[tuple[float, float]] = deque()  # the last dip_s of rest samples
        self._opening: Window | None = None  # every sample from the start until a rep begins
        self._opening_level = -np.inf  # where the signal started (median of the first opening_span_s)
        self._first_values: list[float] = []
        self._settle_low = np.inf  # the lowest level in the first settle_s, after first_detection_s

    @property
    def active(self) -> bool:
        return self.rep is not None

    @property
    def waiting(self) -> int:
        """Reps that have ended but are not handed over yet (see the deadlift's lockout)."""
        return 0

    def update(self, t_s: float, value: float, metrics: dict[str, float]) -> Window | None:
        """Feed one sample; returns the finished rep when one completes."""
        if not np.isfinite(value):
            return None
        if self._first_t is None:
            self._first_t, self.rest_level, self._opening = t_s, value, Window(start_s=t_s)
        dt = t_s - self._last_t if self._last_t is not None else 0.0
        self._last_t = t_s
        if self._opening is not None:
            self._opening.add(t_s, metrics)
        if t_s - self._first_t < self.settle_s:
            if t_s - self._first_t <= self.opening_span_s:
                self._first_values.append(value)
                self._opening_level = float(np.median(self._first_values))
            self._remember_rest(t_s, value, metrics)
            # The lowest level, but not of the first first_detection_s: the pose model's first
            # detection of a person is rough and converges over a few frames (a seated
            # abduction's knees read 1.26 hip widths, then 1.6 from 0.1 s on).
            if t_s - self._first_t >= self.first_detection_s:
                self._settle_low = min(self._settle_low, value)
            self.rest_level = self._settle_low if self._settle_low < np.inf else value
            return None
        if self.rep is None:
            return self._at_rest(t_s, value, metrics, dt)
        return self._in_rep(t_s, value, metrics)

    def _remember_rest(self, t_s: float, value: float, metrics: dict[str, float]) -> None:
        self._lead_in.append((t_s, value, metrics))
        while self._lead_in and t_s - self._lead_in[0][0] > self.lead_in_s:
            self._lead_in.popleft()
        self._recent.append((t_s, value))
        while len(self._recent) > 1 and t_s - self._recent[1][0] >= self.dip_s:
            self._recent.popleft()  # keep the last dip_s, and the one sample just before it

    def _at_rest(self, t_s: float, value: float, metrics: dict[str, float], dt: float) -> Window | None:
        self._remember_rest(t_s, value, metrics)
        # A drift is slow: following a slow rep's own start at full speed lifted the rest by
        # 4-8 deg, and squats 6-11 deg past the count's depth went uncounted (tuning side),
        # small abductions too. Noise still lifts it (a wobble is no rep).
        if value > self.rest_level:
            self.rest_level += min(1.0, dt / self.rest_follow_s) * min(value - self.rest_level, self.min_exit_rise)
        held_low = max(v for _, v in self._recent)  # the lowest level that lasted dip_s
        if held_low < self.rest_level and t_s - self._recent[0][0] >= self.dip_s:
            self.rest_level = held_low
        opening = self._opened_from_the_bottom(t_s)
        if opening is not None:
            return opening
        if not self._past_count(value, self.rest_level):
            return None
        start = next((t for t, v, _ in reversed(self._lead_in) if v - self.rest_level < self.min_exit_rise),
                     self._lead_in[0][0])
        self.rep = Window(start_s=start, rest_level=self.rest_level)
        self._values = []
        for t, v, m in self._lead_in:
            if t >= start:
                self.rep.add(t, m)
                self._values.append(v)
        self._peak, self._trough = value, None
        self._lead_in.clear()
        self._opening = None
        return None

    def _opened_from_the_bottom(self, t_s: float) -> Window | None:
        """The video started inside a rep: the signal began high and has come down by a
        whole rep's height to a resting level it held. That rise is one rep."""
        if self._opening is None:
            return None
        if t_s - self._first_t > self.max_opening_s:
            self._opening = None
            return None
        values = [v for _, v in self._recent]
        settled = max(values) - min(values) < self.min_exit_rise
        if not self._past_count(self._opening_level, self.rest_level) or not settled:
            return None
        rep, self._opening = self._opening, None
        rep.end_s, rep.rest_level = t_s, self.rest_level
        return rep if rep.duration_s >= self.min_rep_s else None

    def _in_rep(self, t_s: float, value: float, metrics: dict[str, float]) -> Window | None:
        rep = self.rep
        rep.add(t_s, metrics)
        self._values.append(value)
        self._peak = max(self._peak, value)
        height = self._peak - self.rest_level
        # Back near rest: the rep ends there once the signal has stayed down min_down_s (a
        # frame's drop-out in mid-rep is no end: a clamshell's knee, lost for a frame at 24
        # fps, read 6 deg of a 44 deg opening and split one rep in two).
        if value - self.rest_level >= max(self.min_exit_rise, self.exit_fraction * height):
            self._exit_at = None
        elif self._exit_at is None:
            self._exit_at = len(rep.times_s) - 1
        if self._exit_at is not None and t_s - rep.times_s[self._exit_at] >= self.min_down_s:
            return self._end_rep(self._exit_at)
        low = self.rest_level + self.trough_fraction * height
        still = self._still_since(low)
        if still is not None:  # back down and still, short of the old rest: a new resting posture
            return self._end_rep(still, new_rest=min(self._values[still:]))
        if value < low:  # on the way down: watch the trough
            if self._trough is None or value < self._trough[1]:
                self._trough = (len(rep.times_s) - 1, value)
        if self._trough is not None and value - self._trough[1] >= max(self.min_exit_rise,
                                                                        self.rebound_fraction * height):
            if self._low_around_s(self._trough[0], low) < self.min_down_s:
                self._trough = None  # a drop-out for a frame or two, not a turn between two reps
                return None
            return self._split_at_trough()
        return None

    def _still_since(self, line: float) -> int | None:
        """The sample from which the signal has stayed below ``line`` and still (within
        ``min_exit_rise``) for ``settle_s``, if it has."""
        times = self.rep.times_s
        first = bisect.bisect_right(times, times[-1] - self.settle_s) - 1  # the last sample settle_s back
        if first < 0:
            return None
        stretch = self._values[first:]
        top = max(stretch)
        return first if top < line and top - min(stretch) < self.min_exit_rise else None

    def _low_around_s(self, i: int, line: float) -> float:
        """How long the signal stayed below ``line`` around sample ``i`` of the current rep."""
        first = last = i
        while first > 0 and self._values[first - 1] < line:
            first -= 1
        while last + 1 < len(self._values) and self._values[last + 1] < line:
            last += 1
        return self.rep.times_s[last] - self.rep.times_s[first]

    def _end_rep(self, i: int, new_rest: float | None = None) -> Window | None:
        """The rep ended at its sample ``i``, back at rest (near the old resting level, or
        ``new_rest``); the samples since are rest."""
        rep = self.rep
        later = self._cut(i, i + 1)
        done = self._values[:i + 1]
        self.rep, self._exit_at = None, None
        self.rest_level = min(self.rest_level, done[-1]) if new_rest is None else new_rest
        self._recent = deque([(rep.end_s, done[-1])])
        for t_s, value, metrics in later:
            self._remember_rest(t_s, value, metrics)
        return self._counted(rep, done)

    def _split_at_trough(self) -> Window | None:
        """Back-to-back reps: end this one at the trough; the next starts there."""
        rep, (i, _) = self.rep, self._trough
        nxt = Window(start_s=rep.times_s[i], rest_level=self.rest_level)
        for t_s, _, metrics in self._cut(i, i):
            nxt.add(t_s, metrics)
        done, self._values = self._values[:i + 1], self._values[i:]
        self.rep, self._trough, self._exit_at, self._peak = nxt, None, None, max(self._values)
        return self._counted(rep, done)

    def _cut(self, end: int, tail_from: int) -> list[tuple[float, float, dict[str, float]]]:
        """Ends the current rep's window at its sample ``end``; returns its samples from
        ``tail_from`` on as (time, value, metrics)."""
        rep = self.rep
        tail = [(rep.times_s[k], self._values[k], {name: values[k] for name, values in rep.metrics.items()})
                for k in range(tail_from, len(rep.times_s))]
        rep.end_s = rep.times_s[end]
        rep.times_s = rep.times_s[:end + 1]
        rep.metrics = {name: values[:end + 1] for name, values in rep.metrics.items()}
        return tail

    def _past_count(self, value: float, rest: float) -> bool:
        """Whether ``value`` is far enough above ``rest`` to be a rep."""
        return value - rest >= self.enter_rise and (self.enter_level is None or value >= self.enter_level)

    def _counted(self, rep: Window, values: list[float]) -> Window | None:
        """``rep`` if it is one: it lasted ``min_rep_s`` and stayed past the count for
        ``min_above_s``. A jump of the landmarks lasts a frame or two (a seated abduction filmed
        at 10 fps read its knees 0.32 hip widths apart for one frame at rest); on the tuning
        side every true rep stayed there 0.4 s or more."""
        held = longest_run_s(rep.times_s, [self._past_count(v, rep.rest_level) for v in values])
        return rep if rep.duration_s >= self.min_rep_s and held >= self.min_above_s else None

    def finish(self, t_s: float) -> Window | None:
        """The video ended: a rep that never came back down is dropped, but one that came down
        past ``trough_fraction`` of its height in the last ``settle_s`` counts (a video cut as
        the person gets back to rest leaves no time to see the signal settle; lower for longer
        and still moving, it is another movement), and a video that started at the bottom and
        ends as the rise completes counts that rise."""
        if self.rep is not None and self._exit_at is not None:  # it was back down, not yet for long
            return self._end_rep(self._exit_at)
        rep, self.rep = self.rep, None
        if rep is not None:
            low = self.rest_level + self.trough_fraction * (self._peak - self.rest_level)
            last_high = max(i for i, v in enumerate(self._values) if v > low)  # the peak at least
            if last_high == len(self._values) - 1 or rep.times_s[-1] - rep.times_s[last_high + 1] > self.settle_s:
                return None
            rep.end_s = rep.times_s[-1]
            return self._counted(rep, self._values)
        opening, self._opening = self._opening, None
        if opening is None or not self._recent or not self._past_count(self._opening_level, self._recent[-1][1]):
            return None
        opening.end_s, opening.rest_level = opening.times_s[-1], self._recent[-1][1]
        return opening if opening.duration_s >= self.min_rep_s else None


# A held_side() answer for a frame on which the posture cannot be seen (a leg hidden under a
# forward lean) but nothing says it ended: it continues a hold in progress and starts none.
UNSEEN = "unseen"
# A held_side() answer for a posture half way between held and undone (a foot half down):
# a hold in progress goes on, but nothing about to start is taken for a hold (crossing and
# uncrossing pass through it).
HALFWAY = "halfway"


class SideEvidence(Protocol):
    """Tells a hold's side from evidence gathered frame by frame (see ``HoldTracker``)."""

    def note(self, metrics: dict[str, float], side: str | None, holding: bool) -> None:
        """Each frame: its metrics, the side its posture shows, and whether a hold is in progress."""

    def crossed_side(self) -> str | None: ...


class HoldTracker:
    """Tracks holds of a posture that is either held (with a side) or not.

    A hold starts once the posture has been seen for ``enter_s`` (or seen, then unsure but
    never clearly undone, for ``enter_s + exit_s``) and ends once it has been gone for
    ``exit_s``; a brief loss (a lost landmark, a wobble) does not end it.
    """

    def __init__(self, enter_s: float = 1.0, exit_s: float = 1.0, keep_side: bool = False,
                 side_evidence: SideEvidence | None = None,
                 cannot_switch: Callable[[dict[str, float]], bool] | None = None, release_s: float = 0.0):
        self.enter_s = enter_s
        self.exit_s = exit_s
        # side_evidence: settles a finished hold's side from more than the labels seen in it
        self.side_evidence = side_evidence
        # keep_side: a hold's side is the side seen most while it started, and stays until the
        # posture is gone for exit_s; the other side seen meanwhile is a left/right label swap
        # (nobody switches legs without first uncrossing them).
        self.keep_side = keep_side
        # cannot_switch: a posture in which nobody can switch legs (sat back on one of them):
        # the other side seen then is a label swap, even after the posture was let go of.
        self.cannot_switch = cannot_switch
        # release_s: how long the posture must be clearly undone to be let go of (a switch of
        # legs takes both feet down); a shorter drop-out is a jumpy landmark, and does not end a
        # crossing about to become a hold either
        self.release_s = release_s
        self._undone_since: float | None = None
        self.hold: Window | None = None
        self._candidate: Window | None = None
        self._votes: dict[str, int] = {}
        self._candidate_t: float | None = None  # the candidate's last sure frame
        self._candidate_gap = False  # unsure frames came after it
        self._candidate_seen_s = 0.0  # how long the candidate was seen for sure
        self._last_seen_s = float("nan")
        self._let_go = False  # the posture was undone for a moment during this hold
        self._last_sure_s = float("nan")  # the last frame the posture was seen for sure

    @property
    def active(self) -> bool:
        return self.hold is not None

    def update(self, t_s: float, side: str | None, metrics: dict[str, float]) -> Window | None:
        """``side`` is the held side, None when the posture is not held, ``UNSEEN`` or
        ``HALFWAY``. Returns a finished hold."""
        finished = self._update(t_s, side, metrics)
        if self.side_evidence is not None:
            self.side_evidence.note(metrics, side, self.hold is not None)
        return finished

    def _update(self, t_s: float, side: str | None, metrics: dict[str, float]) -> Window | None:
        if side == HALFWAY:
            side = UNSEEN if self.hold is not None else None
        unseen = side == UNSEEN
        if unseen:
            if self.hold is None:
                # Unsure frames add nothing to the time seen for sure; but a posture seen, then
                # never clearly undone for enter_s + exit_s, is held: the legs got hidden (the
                # trunk folded over them, a chair).
                self._candidate_gap = True
                if self._candidate is not None:
                    self._candidate.add(t_s, metrics)
                    if t_s - self._candidate.start_s >= self.enter_s + self.exit_s:
                        self._start_hold(t_s)
                return None
            side = self.hold.side
        finished = None
        if side is not None:
            self._undone_since = None
        if self.hold is not None:
            # The other side seen straight after this one is a label swap, kept as this side;
            # seen after the posture was let go of (undone for release_s), it is a switch of
            # legs, unless the posture rules a switch out (cannot_switch).
            if side == self.hold.side or (side is not None and self.keep_side and (
                    not self._let_go or (self.cannot_switch is not None and self.cannot_switch(metrics)))):
                self.hold.add(t_s, metrics)
                self._last_seen_s = t_s
                if not unseen:  # a hold that ends after unsure frames ends where it was last sure
                    self._last_sure_s = t_s
                    if side == self.hold.side:
                        self._let_go = False  # taken up again
                return None
            if side is not None or t_s - self._last_seen_s > self.exit_s:
                finished = self._close()
            else:
                if self._undone_since is None:
                    self._undone_since = t_s
                self._let_go |= t_s - self._undone_since >= self.release_s
                return None
        if side is None:  # clearly undone: whatever was about to start was not a hold ...
            self._undone_since = t_s if self._undone_since is None else self._undone_since
            if self._candidate is not None and t_s - self._undone_since < self.release_s:
                # ... unless undone for less than release_s (a jumpy landmark): the crossing then
                # still becomes a hold if hidden from here on, but its time seen starts again (a
                # flickering crossing side-on is no hold)
                self._candidate_gap, self._candidate_seen_s = True, 0.0
                return finished
            self._candidate = None
            return finished
        if self._candidate is None or (self._candidate.side != side and not self.keep_side):
            self._candidate = Window(start_s=t_s, side=side)
            self._votes, self._candidate_t, self._candidate_seen_s = {}, None, 0.0
        self._candidate.add(t_s, metrics)
        self._votes[side] = self._votes.get(side, 0) + 1
        if self._candidate_t is not None and not self._candidate_gap:
            self._candidate_seen_s += t_s - self._candidate_t  # time between sure frames only
        self._candidate_t, self._candidate_gap = t_s, False
        if self._candidate_seen_s >= self.enter_s:
            self._start_hold(t_s)
        return finished

    def _start_hold(self, t_s: float) -> None:
        self._candidate.side = max(self._votes, key=self._votes.get)
        self.hold, self._candidate = self._candidate, None
        self._last_seen_s, self._last_sure_s = t_s, self._candidate_t

    def _close(self) -> Window:
        hold, self.hold, self._let_go = self.hold, None, False
        if self.side_evidence is not None:
            hold.side = self.side_evidence.crossed_side() or hold.side
        # Trim the trailing samples recorded after the posture was last seen for sure.
        end = self._last_sure_s if self._last_sure_s == self._last_sure_s else self._last_seen_s
        keep = sum(t <= end for t in hold.times_s)
        hold.times_s = hold.times_s[:keep]
        hold.metrics = {k: v[:keep] for k, v in hold.metrics.items()}
        hold.end_s = end
        return hold

    def finish(self, t_s: float) -> Window | None:
        """The video ended: a hold in progress ends where it was last seen."""
        return self._close() if self.hold is not None else None


class Persistent:
    """A condition that only counts once it has been true for ``min_s`` without a break."""

    def __init__(self, min_s: float):
        self.min_s = min_s
        self._since: float | None = None
        self._paused_at: float | None = None

    def update(self, t_s: float, condition: bool) -> bool:
        if not condition:
            self._since = self._paused_at = None
            return False
        if self._since is None:
            self._since = t_s
        elif self._paused_at is not None:  # the time it could not be seen does not count
            self._since += t_s - self._paused_at
        self._paused_at = None
        return t_s - self._since >= self.min_s

    def pause(self, t_s: float) -> None:
        """The condition cannot be seen at ``t_s``: the time it has held so far is kept, and
        the time until it is seen again does not count."""
        if self._since is not None and self._paused_at is None:
            self._paused_at = t_s

    @property
    def since_s(self) -> float | None:
        return self._since
