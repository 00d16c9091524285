"""Reports for tests, made the way real ones are: a session's records (``Rep``, ``Hold``,
``Event`` with the exercise's own cue) in a ``SessionResult``, turned into a ``Report``
by ``Report.from_session`` (rounding and left/right balance included)."""

from __future__ import annotations

from formcheck.exercises import EXERCISES
from formcheck.report.model import Event, Hold, Rep, Report, VideoFacts
from formcheck.session import SessionResult


def rep(index: int, start_s: float, end_s: float, faults=(), hold_s: float | None = None, side=None,
        **metrics: float) -> Rep:
    return Rep(index=index, side=side, start_s=start_s, end_s=end_s, hold_s=hold_s, faults=list(faults),
               metrics=dict(metrics))


def hold(side: str | None, start_s: float, end_s: float, faults=(), **metrics: float) -> Hold:
    return Hold(side=side, start_s=start_s, end_s=end_s, duration_s=end_s - start_s, faults=list(faults),
                metrics=dict(metrics))


def event(exercise_id: str, code: str, t_s: float, side: str | None = None) -> Event:
    """The event a session records when ``code`` fires: its message is the exercise's cue."""
    return Event(t_s=t_s, code=code, message=EXERCISES[exercise_id]().message(code), side=side)


def events_of(exercise_id: str, items) -> list[Event]:
    """One event per fault of each rep or hold, at its end, as the session reports them."""
    return sorted((event(exercise_id, code, item.end_s, item.side) for item in items for code in item.faults),
                  key=lambda e: e.t_s)


def make_report(exercise_id: str, reps=(), holds=(), events=None, source: str = "clip.mp4", fps: float = 30.0,
                duration_s: float = 30.0, frames_with_pose: int | None = None, size=(640, 480)) -> Report:
    """A report of ``reps`` or ``holds``; ``events`` default to one per fault (``events_of``)."""
    frames = round(duration_s * fps)
    result = SessionResult(exercise=EXERCISES[exercise_id](), reps=list(reps), holds=list(holds),
                           events=list(events) if events is not None else events_of(exercise_id, [*reps, *holds]),
                           frames=frames, frames_with_pose=frames if frames_with_pose is None else frames_with_pose)
    return Report.from_session(result, source=source, video=VideoFacts(fps, frames, duration_s, *size),
                               model="pose_landmarker_full")
