"""Frames -> exercise -> reps, holds and events. No I/O and no drawing here.

The same Session serves a recorded video and a live camera: feed it every frame's
pose (or None) with the video timestamp, read back what to show now, and call
``finish`` at the end for the full result.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Protocol

from formcheck.counting import UNSEEN, Persistent, Window
from formcheck.exercises.base import (COUNT_CODES, SIDES, CommonThresholds, Exercise, Fault, HoldRules, RepRules,
                                      TRUNK, clean_praise, sees)
from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.smoothing import PoseSmoother

# How long a message stays on screen after it is said.
BANNER_S = 3.0
GOOD_REP_S = 1.5
# The per-frame timeline (for the report's plots) holds at most this many samples. When it
# is full every other sample goes, and from then on only every 2nd (later 4th, ...) frame is
# kept: a session of any length, a live one of hours too, stays within a few MB.
MAX_TIMELINE_SAMPLES = 2 ** 15  # 18 min at 30 fps before the first thinning


@dataclass(frozen=True)
class Event:
    t_s: float
    code: str
    message: str
    severity: str = "warning"
    side: str | None = None


@dataclass
class Rep:
    index: int
    side: str | None
    start_s: float
    end_s: float
    hold_s: float | None
    faults: list[str]
    metrics: dict[str, float]


@dataclass
class Hold:
    side: str | None
    start_s: float
    end_s: float
    duration_s: float
    faults: list[str]
    metrics: dict[str, float]


@dataclass(frozen=True)
class Banner:
    text: str
    severity: str  # "info", "good", "warning"


@dataclass(frozen=True)
class LiveState:
    """What to show on one frame."""

    t_s: float
    pose: PoseFrame | None
    metrics: dict[str, float]
    rep_count: int
    hold_side: str | None
    hold_s: float | None
    banner: Banner | None
    in_position: bool
    sides_held: tuple[str, ...] = ()  # sides with a finished hold so far
    hold_cue: str | None = None       # a line under the hold timer (e.g. breath pacing)


@dataclass
class SessionResult:
    exercise: Exercise
    common: CommonThresholds = field(default_factory=CommonThresholds)
    reps: list[Rep] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    frames: int = 0
    frames_with_pose: int = 0
    timeline_t_s: list[float] = field(default_factory=list)
    timeline: dict[str, list[float | None]] = field(default_factory=dict)
    not_judged: dict[str, str] = field(default_factory=dict)  # fault code -> why the view hides it
    warnings: list[str] = field(default_factory=list)  # things to know about the whole session


class ViewLog:
    """Which view the camera had when: the changes only, so it stays small in a long session."""

    def __init__(self):
        self._changes: list[tuple[float, str | None]] = []

    def note(self, t_s: float, view: str | None) -> None:
        if not self._changes or self._changes[-1][1] != view:
            self._changes.append((t_s, view))

    def dominant(self, start_s: float, end_s: float) -> str | None:
        """The view seen longest between ``start_s`` and ``end_s`` (None: the body unseen)."""
        time: dict[str | None, float] = {}
        for i, (t, view) in enumerate(self._changes):
            until = self._changes[i + 1][0] if i + 1 < len(self._changes) else max(end_s, t)
            overlap = min(until, end_s) - max(t, start_s)
            if overlap > 0 or (start_s == end_s and t <= start_s < until):
                time[view] = time.get(view, 0.0) + max(overlap, 0.0)
        seen = {v: d for v, d in time.items() if v is not None}
        return max(seen, key=seen.get) if seen else None


class Session:
    def __init__(self, exercise: Exercise, common: CommonThresholds | None = None, smooth: bool = True,
                 keep_timeline: bool = True):
        """``keep_timeline=False`` keeps no per-frame series (a live session has no plots,
        and its memory must not grow with its length)."""
        self.exercise = exercise
        self.common = common or CommonThresholds()
        self.result = SessionResult(exercise=exercise, common=self.common)
        self._keep_timeline = keep_timeline
        self._smoother = PoseSmoother() if smooth else (lambda pose: pose)
        exercise.start_session()
        self._segments: _Segments = SEGMENTS[exercise.kind](self, exercise)
        self._unseen = Persistent(self.common.out_of_frame_s)
        self._wrong_view = Persistent(self.common.wrong_view_s)
        self._cue_timers: dict[str, Persistent] = {}
        self._live_faults: dict[str, float] = {}  # code -> time first shown in the current rep/hold
        self._episode_reported: set[str] = set()  # common faults already said this episode
        self._banner: tuple[float, Banner] | None = None
        self._last_t = 0.0
        self._person_seen = False  # out_of_frame means leaving the frame, not "not there yet"
        self.views = ViewLog()
        self._views_read: deque[tuple[float, str]] = deque()  # (t, view) lately read
        self._setup_watch = exercise.setup_watch()
        self._watch_from_s: float | None = None  # when the set-up watch saw its first frame
        self._setup_cued = False  # its cue was said
        self._timeline_every = 1  # record every n-th frame in the timeline

    # -- per frame ---------------------------------------------------------------------------
    def update(self, t_s: float, pose: PoseFrame | None) -> LiveState:
        ex, result = self.exercise, self.result
        self._last_t = t_s
        result.frames += 1
        if pose is not None and pose.new_person:
            result.warnings.append(f"from {t_s:.1f} s another person was followed: the first one had left the picture")
        pose = self._smoother(pose)
        result.frames_with_pose += pose is not None
        seen = pose is not None and ex.sees_body(pose, self.common.min_visibility)
        metrics = ex.measure(pose) if seen else {}
        if pose is not None and self._setup_watch is not None:  # a prop hiding a leg leaves the body unseen
            self._watch_setup(t_s, pose)
        if self._keep_timeline:
            self._record_timeline(t_s, metrics)

        self._person_seen |= pose is not None
        self._check_common(t_s, "out_of_frame", self._unseen.update(t_s, self._person_seen and not seen))
        view = self._read_view(t_s, pose, seen, metrics)
        self.views.note(t_s, view)

        in_position = seen and view in ex.count_views and ex.in_position(metrics)
        self._segments.update(t_s, metrics, seen, in_position)
        if seen:
            self._show_live_cues(t_s, metrics)

        window = self._segments.hold
        sides_held = tuple(sorted({h.side for h in result.holds if h.side}))
        hold_s = (t_s - window.start_s) if window is not None else None
        return LiveState(
            t_s=t_s, pose=pose, metrics=metrics, rep_count=len(result.reps) + self._segments.waiting,
            hold_side=window.side if window is not None else None, hold_s=hold_s,
            banner=self._current_banner(t_s, seen, in_position), in_position=in_position,
            sides_held=sides_held,
            hold_cue=self._segments.cue(hold_s, window.side, sides_held) if window is not None else None)

    def _read_view(self, t_s: float, pose: PoseFrame | None, seen: bool, metrics: dict[str, float]) -> str | None:
        """The camera's view on this frame (None: the body is not seen), and wrong_view kept up.
        A posture that hides the view keeps the one most of the last ``view_memory_s`` of
        readable frames showed, and its time does not count toward wrong_view."""
        ex, read = self.exercise, self._views_read
        if seen and not ex.view_readable(metrics) and read:
            self._wrong_view.pause(t_s)
            return Counter(view for _, view in read).most_common(1)[0][0]
        if seen:
            right_view = ex.view_ok(pose, self.common)
        else:  # a prop hiding the legs: the trunk may still show the view
            trunk_seen = pose is not None and sees(pose, TRUNK, self.common.min_visibility)
            right_view = not trunk_seen or ex.view_ok_from_trunk(pose, self.common)
        self._check_common(t_s, "wrong_view", self._wrong_view.update(t_s, not right_view))
        if not seen:
            return None
        view = ex.view_class(pose, self.common)
        read.append((t_s, view))
        while read[0][0] < t_s - self.common.view_memory_s:
            read.popleft()
        return view

    def _watch_setup(self, t_s: float, pose: PoseFrame) -> None:
        """Let the set-up watch see the frame; once the person has been seen long enough,
        say its cue (once) so that the set-up can be fixed before the end."""
        self._setup_watch.note(pose)
        self._watch_from_s = t_s if self._watch_from_s is None else self._watch_from_s
        if not self._setup_cued and t_s - self._watch_from_s >= self.common.setup_watch_s:
            cue = self._setup_watch.cue()
            if cue is not None:
                self._setup_cued = True
                self._say(t_s, Banner(cue, "warning"))

    def _record_timeline(self, t_s: float, metrics: dict[str, float]) -> None:
        if (self.result.frames - 1) % self._timeline_every:
            return
        timeline, times = self.result.timeline, self.result.timeline_t_s
        times.append(t_s)
        for name in set(timeline) | set(metrics):
            series = timeline.setdefault(name, [None] * (len(times) - 1))
            value = metrics.get(name)
            series.append(round(value, 2) if value is not None and value == value else None)
        if len(times) >= MAX_TIMELINE_SAMPLES:
            self._timeline_every *= 2
            del times[1::2]
            for series in timeline.values():
                del series[1::2]

    def _check_common(self, t_s: float, code: str, persisting: bool) -> None:
        """out_of_frame / wrong_view: reported once per episode, shown while it lasts."""
        if not persisting:
            self._episode_reported.discard(code)
            return
        if code not in self._episode_reported:
            self._episode_reported.add(code)
            self._add_event(t_s, code, severity="info" if code == "out_of_frame" else "warning")

    def _show_live_cues(self, t_s: float, metrics: dict[str, float]) -> None:
        active = self._segments.active
        codes = set(self.exercise.live_cues(metrics, active))
        for code in set(self._cue_timers) | codes:
            timer = self._cue_timers.setdefault(code, Persistent(self.common.live_cue_s))
            if timer.update(t_s, code in codes) and active and code not in self._live_faults:
                self._live_faults[code] = timer.since_s
                self._say(t_s, Banner(self.exercise.message(code), "warning"))

    # -- per rep / hold (see _Reps and _Holds) --------------------------------------------------
    def _judged(self, faults: list[Fault], start_s: float, end_s: float) -> list[Fault]:
        """The faults the view of this rep or hold can show; the exercise's other faults are
        noted as not judged, with the view that would show them (silence is not a pass)."""
        view = self.views.dominant(start_s, end_s)
        hidden = {spec.code: spec.views for spec in self.exercise.FAULTS if view not in spec.views}
        for code, views in hidden.items():
            self.result.not_judged.setdefault(code, needs_view(views, view))
        for fault in faults:  # the exercise's own "could not see it in this rep"
            if fault.not_judged and fault.code not in hidden:
                self.result.not_judged.setdefault(fault.code, fault.not_judged)
        return [f for f in faults if f.code not in hidden and not f.not_judged]

    def _report_faults(self, faults: list[Fault], side: str | None) -> None:
        for fault in faults:
            t = self._live_faults.get(fault.code, fault.t_s)
            self._add_event(t, fault.code, side=side)
        self._live_faults.clear()
        if faults:
            worst = faults[0]
            self._say(self._last_t, Banner(self.exercise.message(worst.code), "warning"))

    def _add_event(self, t_s: float, code: str, severity: str = "warning", side: str | None = None) -> None:
        self.result.events.append(Event(t_s=round(t_s, 3), code=code, message=self.exercise.message(code),
                                        severity=severity, side=side))

    # -- banner --------------------------------------------------------------------------------
    def _say(self, t_s: float, banner: Banner, extra_s: float = 0.0) -> None:
        self._banner = (t_s - extra_s, banner)

    def _current_banner(self, t_s: float, seen: bool, in_position: bool) -> Banner | None:
        if "out_of_frame" in self._episode_reported:
            return Banner(self.exercise.message("out_of_frame"), "warning")
        if "wrong_view" in self._episode_reported:
            return Banner(self.exercise.message("wrong_view"), "warning")
        if self._banner is not None and t_s - self._banner[0] <= BANNER_S:
            return self._banner[1]
        if not self._person_seen:
            return Banner(f"Step into view: {self.exercise.setup}", "info")
        if seen and not in_position and not self._segments.active:
            return Banner(self.exercise.setup, "info")
        return None

    # -- end -----------------------------------------------------------------------------------
    def finish(self) -> SessionResult:
        self._segments.finish(self._last_t)
        self._judge_count()
        if self._setup_watch is not None:
            self.result.warnings += self._setup_watch.warnings()
            self._not_judged(self._setup_watch.not_judged())
        self._unsure_windows()
        self.result.events.sort(key=lambda e: e.t_s)
        return self.result

    def _unsure_windows(self) -> None:
        """Where the count is not judged and nothing was counted, the reps or holds were
        missed, and with them every fault they would have shown: those are not judged either."""
        why = self.result.not_judged.get(COUNT_CODES[self.exercise.kind])
        if why is None or self.result.reps or self.result.holds:
            return
        fired = {e.code for e in self.result.events}
        for spec in self.exercise.FAULTS:
            if spec.code not in fired:
                self.result.not_judged.setdefault(spec.code, why)

    def _judge_count(self) -> None:
        """A count from a view where its signal does not hold up is no count: say so (the
        ``rep_count`` or ``hold_count`` entry of ``not_judged``), as for a fault."""
        ex = self.exercise
        view = self.views.dominant(0.0, self._last_t)
        trusted = ex.trusted_count_views or ex.count_views
        if view is not None and view not in trusted:
            self._not_judged({COUNT_CODES[ex.kind]: needs_view(trusted, view)})

    def _not_judged(self, whys: dict[str, str]) -> None:
        """Codes the whole session could not judge: listed with why, never reported as fired."""
        if not whys:
            return
        result = self.result
        for code, why in whys.items():
            result.not_judged.setdefault(code, why)
        result.events = [e for e in result.events if e.code not in whys]
        for item in [*result.reps, *result.holds]:
            item.faults = [code for code in item.faults if code not in whys]


class _Segments(Protocol):
    """How a session turns frames into reps or holds: one per kind of exercise."""

    active: bool                # a rep or hold is in progress
    hold: Window | None         # the hold in progress, if any
    waiting: int                # reps ended but still watched before they are judged: counted already

    def update(self, t_s: float, metrics: dict[str, float], seen: bool, in_position: bool) -> None: ...

    def cue(self, hold_s: float, side: str | None, sides_held: tuple[str, ...]) -> str | None: ...

    def finish(self, end_s: float) -> None: ...


class _Reps:
    """Reps of a ``RepRules`` exercise: its counter follows the rep signal while in position."""

    hold = None

    def __init__(self, session: Session, exercise: RepRules):
        self._session, self._exercise = session, exercise
        self._counter = exercise.counter()

    @property
    def active(self) -> bool:
        return self._counter.active

    @property
    def waiting(self) -> int:
        return self._counter.waiting

    def update(self, t_s: float, metrics: dict[str, float], seen: bool, in_position: bool) -> None:
        if seen:
            value = metrics[self._exercise.rep_signal] if in_position else float("nan")
            self._finished(self._counter.update(t_s, value, metrics))

    def cue(self, hold_s: float, side: str | None, sides_held: tuple[str, ...]) -> str | None:
        return None

    def finish(self, end_s: float) -> None:
        self._finished(self._counter.finish(end_s))

    def _finished(self, window: Window | None) -> None:
        if window is None:
            return
        session, ex = self._session, self._exercise
        faults, metrics = ex.check_rep(window)
        faults = session._judged(faults, window.start_s, window.end_s)
        index = len(session.result.reps) + 1
        hold_s = metrics.pop(ex.hold_metric) if ex.hold_metric else None
        session.result.reps.append(Rep(index=index, side=window.side, start_s=window.start_s,
                                       end_s=window.end_s, hold_s=hold_s,
                                       faults=[f.code for f in faults], metrics=_rounded(metrics)))
        session._report_faults(faults, window.side)
        if not faults:
            praise = clean_praise(session.result.not_judged)
            session._say(window.end_s, Banner(f"Rep {index} - {praise}", "good"), BANNER_S - GOOD_REP_S)


class _Holds:
    """Holds of a ``HoldRules`` exercise: its tracker follows the side held while in position;
    when a hold breaks, the reason is kept to say it."""

    waiting = 0

    def __init__(self, session: Session, exercise: HoldRules):
        self._session, self._exercise = session, exercise
        self._tracker = exercise.tracker()
        self._broken_by: str | None = None  # why the current hold stopped counting

    @property
    def active(self) -> bool:
        return self._tracker.active

    @property
    def hold(self) -> Window | None:
        return self._tracker.hold

    def update(self, t_s: float, metrics: dict[str, float], seen: bool, in_position: bool) -> None:
        ex = self._exercise
        side = ex.held_side(metrics) if in_position else None
        unseen_since = self._session._unseen.since_s  # the body not seen since then (None: it is)
        if unseen_since is not None and self._tracker.active \
                and t_s - unseen_since <= self._session.common.hidden_hold_s:
            side = UNSEEN  # hidden, not gone (see CommonThresholds.hidden_hold_s)
        if self._tracker.active:  # remember why a hold stops counting, to say so
            self._broken_by = None if side is not None else (
                (ex.why_not_held(metrics) or "the stretch position was lost") if in_position
                else "you moved out of position" if seen else "you left the picture")
        self._finished(self._tracker.update(t_s, side, metrics))

    def cue(self, hold_s: float, side: str | None, sides_held: tuple[str, ...]) -> str | None:
        return self._exercise.hold_cue(hold_s, side, sides_held)

    def finish(self, end_s: float) -> None:
        session = self._session
        self._finished(self._tracker.finish(end_s))
        windows = [Window(start_s=h.start_s, end_s=h.end_s, side=h.side) for h in session.result.holds]
        if windows:
            faults = self._exercise.check_session(windows, end_s)
            for fault in session._judged(faults, windows[0].start_s, windows[-1].end_s):
                session._add_event(fault.t_s, fault.code)

    def _finished(self, window: Window | None) -> None:
        if window is None:
            return
        session, ex = self._session, self._exercise
        faults, metrics = ex.check_hold(window)
        faults = session._judged(faults, window.start_s, window.end_s)
        session.result.holds.append(Hold(side=window.side, start_s=window.start_s, end_s=window.end_s,
                                         duration_s=window.duration_s, faults=[f.code for f in faults],
                                         metrics=_rounded(metrics)))
        session._report_faults(faults, window.side)
        broken_by, self._broken_by = self._broken_by, None
        other = {"left": "right", "right": "left"}.get(window.side)
        if "short_hold" in (f.code for f in faults) and broken_by:
            session._say(window.end_s, Banner(f"Hold ended early: {broken_by}", "warning"))
        elif other and not any(h.side == other for h in session.result.holds) and "missing_side" in ex.all_codes():
            session._say(window.end_s, Banner(ex.message("missing_side"), "info"))


# Which segments each kind of exercise (``Exercise.kind``) is counted in.
SEGMENTS: dict[str, type] = {"reps": _Reps, "holds": _Holds}


def _rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {k: (round(v, 2) if v == v else None) for k, v in metrics.items()}


def needs_view(views: tuple[str, ...], view: str | None) -> str:
    """Why a view could not judge something: "needs a side or oblique view (this one was front)"."""
    wanted = " or ".join(views)
    return f"needs {'an' if wanted[0] in 'aeiou' else 'a'} {wanted} view (this one was {view})"


__all__ = ["Session", "SessionResult", "LiveState", "Banner", "Event", "Rep", "Hold", "SIDES"]
