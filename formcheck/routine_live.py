"""A routine, live (``formcheck live --routine back-pain``): each exercise in turn is
announced (on screen, in the printed lines, and out loud with ``--speak``), gets its camera
set-up check, and is counted toward its target with a progress strip under the picture
("Glute bridge 5 / 10"); when the target is met the rest timer runs, then the next one
begins. ``s`` skips to the next exercise, ``r`` repeats the current one (or, while
resting, the one just done). When the person has already started a later exercise of
the routine, the recogniser notices and the routine moves on to it, counting it from
when it began.

Without a window it prints the same steps: the exercise announced, its set-up, each rep
or hold, the progress, the rest, the move to the next exercise.
"""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from formcheck.config import thresholds_for
from formcheck.exercises import EXERCISES
from formcheck.live import CameraSource, Captured, Coaching, ExerciseCoaching, LiveStats, run_frames
from formcheck.pose.landmarks import PoseFrame, PoseTrack
from formcheck.recognize import NONE, WINDOW_S, Recognizer, track_windows
from formcheck.report.model import Recognized, Report, VideoFacts
from formcheck.report.routine_page import summarise
from formcheck.routine import Routine, Target, progress, units_done
from formcheck.session import Hold, Rep, Session, SessionResult
from formcheck.setup_check import SetupCheck

SKIP_KEYS = {ord("s"), ord("S"), ord("n"), ord("N")}
REPEAT_KEYS = {ord("r"), ord("R")}
POSES_KEPT_S = 20.0   # recent poses, to count an exercise noticed late from when it began
ANNOUNCE_S = 4.0      # an announcement stays on screen this long
STRIP_HEIGHT = 56     # the progress strip under the picture, in pixels at 720p
STRIP_COLOUR, BAR_BACK, BAR_DONE, WHITE = (45, 35, 30), (90, 80, 70), (90, 190, 110), (255, 255, 255)


class NextExerciseWatch:
    """Which of the routine's exercises the last few seconds of pose look like (the
    recogniser, once a second): an answer once ``AGREE`` decisions in a row agree."""

    EVERY_S = 1.0
    AGREE = 3
    MIN_SHARE = 0.6  # of the k nearest training windows

    def __init__(self, exercises: set[str], recognizer: Recognizer | None = None):
        self.exercises, self.recognizer = exercises, recognizer or Recognizer.load()
        self._decisions: deque[tuple[float, str | None]] = deque(maxlen=self.AGREE)
        self._next_s = 0.0

    def look(self, t_s: float, poses: deque[tuple[float, PoseFrame | None]]) -> tuple[str, float] | None:
        """(exercise, when it began) once the recent poses agree on one, else None."""
        if t_s < self._next_s:
            return None
        self._next_s = t_s + self.EVERY_S
        track = PoseTrack(fps=30.0, width=1, height=1)
        for when, pose in poses:
            if when >= t_s - WINDOW_S:
                track.append(when, pose)
        windows = track_windows(track) if len(track.poses) > 1 else []
        label = None
        if windows:
            shares = self.recognizer.shares(windows[-1][2], self.exercises)
            best = max(shares, key=shares.get)
            label = best if best != NONE and shares[best] >= self.MIN_SHARE else None
        self._decisions.append((windows[-1][0] if windows else t_s, label))
        labels = {label for _, label in self._decisions}
        if len(self._decisions) == self.AGREE and len(labels) == 1 and label is not None:
            return label, self._decisions[0][0]
        return None

    def reset(self) -> None:
        self._decisions.clear()


@dataclass
class ItemRun:
    """One go at one exercise of the routine."""

    index: int
    coaching: ExerciseCoaching
    start_s: float
    end_s: float | None = None
    result: SessionResult | None = None
    sets_done: int = 0


class RoutineCoaching(Coaching):
    """The routine's exercises one after another (see the module's docstring)."""

    def __init__(self, routine: Routine, model_path: Path, config: dict, say: Callable[[str], None] | None = None,
                 coach=None, setup_check: bool = True, watch: NextExerciseWatch | None = None):
        self.routine, self._model_path, self._config = routine, model_path, config
        self._say, self._coach, self._setup_check = say, coach, setup_check
        self.watch = watch or NextExerciseWatch(routine.exercises)
        self.runs: list[ItemRun] = []
        self.current: ItemRun | None = None
        self.next_index = 0
        self.rest_until: float | None = None
        self.poses: deque[tuple[float, PoseFrame | None]] = deque()
        self._announced: tuple[float, str] | None = None
        self._last_view = None
        self._t_s = 0.0

    def start(self, camera: CameraSource, display_size) -> None:
        self.camera, self._display_size = camera, display_size

    # -- each frame -------------------------------------------------------------------------------
    def step(self, frame: Captured, pose: PoseFrame | None) -> np.ndarray:
        self._t_s = t_s = frame.t_s
        self.poses.append((t_s, pose))
        while self.poses and self.poses[0][0] < t_s - POSES_KEPT_S:
            self.poses.popleft()
        self._notice(t_s)
        if self.current is None and (self.rest_until is None or t_s >= self.rest_until):
            self._begin(self.next_index, t_s)
        if self.current is None:
            return self._with_strip(self._rest_picture(frame), t_s)
        shown = self.current.coaching.step(frame, pose)
        self._last_view = self.current.coaching.view
        self._check_target(t_s)
        return self._with_strip(shown, t_s)

    def key(self, key: int | None) -> None:
        if key in SKIP_KEYS:
            self._line("skipped" if self.current is not None else "rest skipped")
            self._end_current(self._t_s)
            self.rest_until = None
        elif key in REPEAT_KEYS:
            again = self.current.index if self.current is not None else max(self.next_index - 1, 0)
            self._end_current(self._t_s)
            self.runs = [run for run in self.runs if run.index != again]
            self._line("again from the start")
            self._begin(again, self._t_s)

    @property
    def over(self) -> bool:
        return self.current is None and self.next_index >= len(self.routine.items)

    # -- moving through the routine ---------------------------------------------------------------
    def _begin(self, index: int, t_s: float, began_s: float | None = None) -> None:
        """Start item ``index``: announced, then its set-up check; or, when the person is
        already doing it (``began_s``: since when), counting at once from then."""
        self.rest_until = None
        if index >= len(self.routine.items):
            return
        item = self.routine.items[index]
        exercise = EXERCISES[item.exercise](thresholds_for(self._config, item.exercise))
        if item.target.reps is not None:  # the counter on screen says the routine's target
            exercise.target_reps = str(item.target.reps)
        session = Session(exercise, thresholds_for(self._config, "common"), keep_timeline=False)
        setup = SetupCheck(exercise, session.common) if self._setup_check and began_s is None else None
        on_frame = (lambda shown, state: self._coach.update(state)) if self._coach is not None else None
        coaching = ExerciseCoaching(session, self._model_path, self._config, say=self._say, setup=setup,
                                    on_frame=on_frame, second_guess=False)
        coaching.start(self.camera, self._display_size)
        self.current = ItemRun(index, coaching, began_s if began_s is not None else t_s)
        self.next_index = index + 1
        self.watch.reset()
        number = f"exercise {index + 1} of {len(self.routine.items)}"
        self._announce(t_s, f"{number}: {item.title} - {item.target.describe()}" +
                       (f". {item.note}" if item.note and began_s is None else ""))
        if began_s is not None:
            coaching.catch_up([(when, pose) for when, pose in self.poses if began_s <= when < t_s])  # t_s: next

    def _notice(self, t_s: float) -> None:
        """Move on when the person has started a later exercise of the routine."""
        seen = self.watch.look(t_s, self.poses)
        if seen is None:
            return
        exercise, began_s = seen
        after = self.current.index if self.current is not None else self.next_index - 1
        if self.current is not None and self.routine.items[self.current.index].exercise == exercise:
            return
        later = next((j for j in range(after + 1, len(self.routine.items))
                      if self.routine.items[j].exercise == exercise), None)
        if later is None:
            return
        self._line(f"noticed: {self.routine.items[later].title} has begun - moving on")
        previous, self.current = self.current, None
        self._begin(later, t_s, began_s=began_s)
        # The recogniser's few-second windows place the change to within ~2 s: the previous
        # exercise keeps its work begun up to then, unless the new one's own work began first.
        new = self.current.coaching.session.result
        first_new = min((w.start_s for w in [*new.reps, *new.holds]), default=float("inf"))
        self.current, fresh = previous, self.current
        self._end_current(t_s, until_s=max(began_s, min(first_new, began_s + WINDOW_S / 2)))
        self.current = fresh

    def _check_target(self, t_s: float) -> None:
        """Rest after a set whose target is met; the next exercise after the last set."""
        run, item = self.current, self.routine.items[self.current.index]
        done = self._units_done(run, item.target)
        per_set = item.target.units_needed // item.target.sets
        if done >= item.target.units_needed:
            self._end_current(t_s)
            if self.next_index >= len(self.routine.items):
                self._announce(t_s, f"routine done: {self.done_count()} of {len(self.routine.items)} "
                                    "exercises done in full - well done")
            elif item.rest_s > 0:
                self.rest_until = t_s + item.rest_s
                self._announce(t_s, f"rest {item.rest_s:g} s - next: {self.routine.items[self.next_index].title}")
        elif done >= per_set * (run.sets_done + 1) and item.rest_s > 0:
            run.sets_done += 1
            self.rest_until = t_s + item.rest_s
            self._announce(t_s, f"set {run.sets_done} of {item.target.sets} done - rest {item.rest_s:g} s")

    def _units_done(self, run: ItemRun, target: Target) -> int:
        """The target met so far, a hold still going counted once it is long enough."""
        return units_done(target, *self._work(run))

    @staticmethod
    def _work(run: ItemRun) -> tuple[list[Rep], list[Hold]]:
        """The reps and holds of a go so far, a hold still going among them."""
        result = run.coaching.session.result
        holds = list(result.holds)
        state = run.coaching.last_state
        if state is not None and state.hold_s is not None and run.coaching.session.exercise.kind == "holds":
            holds.append(Hold(state.hold_side, state.t_s - state.hold_s, state.t_s, state.hold_s, [], {}))
        return result.reps, holds

    def _end_current(self, t_s: float, until_s: float | None = None) -> None:
        """End the current go at an exercise now; ``until_s``: the person moved on to another
        one then already, and what its rules found after that is not its own."""
        run, self.current = self.current, None
        if run is None:
            return
        run.result = run.coaching.finish()
        run.end_s = t_s if until_s is None else max(run.start_s, until_s)
        if until_s is not None:
            _cut(run.result, run.end_s)
        item = self.routine.items[run.index]
        self.runs.append(run)
        self._line(f"{item.title}: {units_done(item.target, run.result.reps, run.result.holds)} of "
                   f"{item.target.units_needed} {'reps' if item.target.reps else 'holds'} toward the target")

    def done_count(self) -> int:
        return sum(units_done(self.routine.items[r.index].target, r.result.reps, r.result.holds)
                   >= self.routine.items[r.index].target.units_needed for r in self.runs)

    def finish(self) -> list[ItemRun]:
        """Every go at an exercise, in order (the current one ended now)."""
        self._end_current(self._t_s)
        return self.runs

    # -- what is said and shown -------------------------------------------------------------------
    def _announce(self, t_s: float, text: str) -> None:
        self._announced = (t_s, text[:1].upper() + text[1:])
        self._line(text)
        if self._coach is not None:
            self._coach.announce(t_s, re.sub(r"(\d) s\b", r"\1 seconds", text.split(". ")[0]))  # "20 s" said in full

    def _line(self, text: str) -> None:
        if self._say is not None:
            self._say(f"routine: {text}")

    def _rest_picture(self, frame: Captured) -> np.ndarray:
        view = self._last_view
        if view is None:
            return frame.image.copy()
        image = (view.shrink(frame.image) * 0.35).astype(np.uint8)
        if self.camera.is_device:
            image = cv2.flip(image, 1)
        left_s = max(0.0, (self.rest_until or self._t_s) - self._t_s)
        overlay, (h, w) = view.overlay, image.shape[:2]
        clock = f"Rest {int(left_s) // 60}:{int(np.ceil(left_s)) % 60:02d}"
        overlay.text(image, clock, (w // 2 - round(150 * overlay.unit), h // 2), overlay.huge, WHITE)
        if self.next_index < len(self.routine.items):
            item = self.routine.items[self.next_index]
            overlay.text(image, f"Next: {item.title} - {item.target.describe()}",
                         (round(30 * overlay.unit), h // 2 + round(70 * overlay.unit)), overlay.large, WHITE)
        return image

    def _with_strip(self, image: np.ndarray, t_s: float) -> np.ndarray:
        """The picture with the progress strip under it, and the latest announcement on it."""
        view = self._last_view
        unit = view.overlay.unit if view is not None else 1.0
        strip = np.empty((round(STRIP_HEIGHT * unit), image.shape[1], 3), np.uint8)
        strip[:] = STRIP_COLOUR
        text, share = self._progress()
        height = strip.shape[0]
        pad = round(10 * unit)
        bar_x0, bar_x1 = round(image.shape[1] * 0.62), image.shape[1] - pad
        cv2.rectangle(strip, (bar_x0, pad), (bar_x1, height - pad), BAR_BACK, -1)
        cv2.rectangle(strip, (bar_x0, pad), (bar_x0 + round(share * (bar_x1 - bar_x0)), height - pad), BAR_DONE, -1)
        scale, thick = 0.8 * unit, max(1, round(1.5 * unit))
        width = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, thick)[0][0]
        scale *= min(1.0, (bar_x0 - 2 * pad) / max(1, width))  # a long name shrinks to fit before the bar
        cv2.putText(strip, text, (pad, height - round(18 * unit)), cv2.FONT_HERSHEY_DUPLEX, scale, WHITE, thick,
                    cv2.LINE_AA)
        if view is not None and self._announced is not None and t_s - self._announced[0] <= ANNOUNCE_S:
            image = image.copy() if self.current is None else image
            view.overlay.banner(image, self._announced[1][:90], (150, 100, 40))
        return np.vstack([image, strip])

    def _progress(self) -> tuple[str, float]:
        """The strip's words ("2/4 Glute bridge 5 / 10") and how much of the target is met."""
        count = len(self.routine.items)
        if self.current is None:
            upcoming = self.routine.items[min(self.next_index, count - 1)].title
            return f"Rest - next {min(self.next_index + 1, count)}/{count} {upcoming}", 1.0
        item = self.routine.items[self.current.index]
        work = self._work(self.current)
        done, needed = units_done(item.target, *work), item.target.units_needed
        what = "" if item.target.reps else f" holds of {item.target.hold_s:g} s"
        setting_up = " - getting set up" if self.current.coaching.setup is not None else ""
        return (f"{self.current.index + 1}/{count} {item.title} {done} / {needed}{what}{setting_up}",
                progress(item.target, *work))


def _cut(result: SessionResult, until_s: float) -> None:
    """Leave out of ``result`` the reps, holds and events that began at ``until_s`` or later."""
    result.reps[:] = [rep for rep in result.reps if rep.start_s < until_s]
    result.holds[:] = [hold for hold in result.holds if hold.start_s < until_s]
    result.events[:] = [event for event in result.events if event.t_s < until_s]


def run_routine_live(source, routine: Routine, model_path: Path, config: dict, window: bool = True,
                     loop: bool = False, max_seconds: float | None = None, setup_check: bool = True,
                     say: Callable[[str], None] | None = None, coach=None,
                     model_name: str = "pose_landmarker_full") -> tuple[Report, LiveStats, float]:
    """Coach ``routine`` live from ``source`` until it is done (or the source ends, q/Esc,
    Ctrl-C, ``max_seconds``). Returns the routine's report (each go at an exercise a part
    of it), the stats and the session's length in seconds."""
    stats = LiveStats()
    coaching = RoutineCoaching(routine, model_path, config, say=say, coach=coach, setup_check=setup_check)
    length_s = run_frames(source, coaching, model_path, stats, window=window, loop=loop, max_seconds=max_seconds)
    runs = coaching.finish()
    if say is not None:
        say(f"routine: over - {coaching.done_count()} of {len(routine.items)} exercises done in full")
    report = routine_report(routine, runs, str(source), stats, length_s, model_name)
    stats.set_started_s = next((r.coaching.set_started_s for r in runs if r.coaching.set_started_s is not None), None)
    stats.warnings = [f"{routine.items[r.index].title}: {w}" for r in runs for w in r.coaching.warnings] + stats.stall_warnings()
    return report, stats, length_s


def routine_report(routine: Routine, runs: list[ItemRun], source: str, stats: LiveStats, length_s: float,
                   model_name: str) -> Report:
    """The report of a live routine: each go at an exercise a part, and the routine's summary."""
    fps = stats.frames_shown / stats.wall_s if stats.wall_s else 0.0
    parts = []
    for run in runs:
        video = VideoFacts(fps, run.result.frames, (run.end_s or length_s) - run.start_s, stats.width, stats.height)
        part = Report.from_session(run.result, source=source, video=video, model=model_name)
        part.recognized = Recognized(run.result.exercise.id, 1.0, round(run.start_s, 2),
                                     round(run.end_s or length_s, 2))
        parts.append(part)
    owners = [run.index for run in runs]
    if not parts:  # no frame at all: an empty report of the first exercise
        first = routine.items[0].exercise
        result = Session(EXERCISES[first](), keep_timeline=False).finish()
        parts = [Report.from_session(result, source, VideoFacts(0.0, 0, 0.0, stats.width, stats.height), model_name)]
        owners = [0]
    summary = summarise(routine, parts, owners)
    main = max(parts, key=lambda p: p.video.frames)
    return dataclasses.replace(main, video=dataclasses.replace(main.video, frames=sum(p.video.frames for p in parts),
                                                               duration_s=round(length_s, 3)),
                               segments=parts, routine=summary)
