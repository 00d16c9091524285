"""Live coaching: a camera (or anything OpenCV opens) -> pose -> session -> overlay window.

A file or URL source is played at its own frame rate, and frames that arrive while
the previous one is still being processed are dropped, exactly as a camera does:
the overlay always shows the newest frame, so lag never builds up.
"""

from __future__ import annotations

import abc
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from formcheck import reasons
from formcheck.annotate import Annotator
from formcheck.errors import FormcheckError
from formcheck.exercises.base import clean_praise
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseFrame, PoseTrack
from formcheck.report.words import not_judged_text
from formcheck.session import Banner, LiveState, Session, SessionResult
from formcheck.setup_check import SetupCheck, SetupStatus, draw_setup
from formcheck.video import parse_source

WINDOW = "formcheck"
QUIT_KEYS = {ord("q"), ord("Q"), 27}  # q or Esc
LATENCY_WINDOW = 10_000  # latencies kept for percentiles: memory stays flat in long sessions


@dataclass
class Captured:
    image: np.ndarray
    t_s: float            # the frame's time in the session (video time for files)
    captured_at: float    # wall-clock moment it became available, for latency


class CameraSource:
    """Reads frames on a background thread and keeps only the newest one.

    ``source`` is a device index, a file path or a URL. Files are paced to their own
    timestamps (``loop`` replays them), so they behave like a camera.
    """

    def __init__(self, source, loop: bool = False):
        self.source = parse_source(source)
        self.is_device = isinstance(self.source, int)
        if not self.is_device and "://" not in str(self.source) and not Path(self.source).exists():
            raise FormcheckError(f"no such camera source: {self.source}")
        self._cap = cv2.VideoCapture(self.source)
        if not self._cap.isOpened():
            raise FormcheckError(f"cannot open camera source {self.source!r}")
        self.is_file = not self.is_device and "://" not in str(self.source)
        self.loop = loop and self.is_file
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and 0 < fps < 1000 else 30.0
        self.frames_captured = 0
        self.frames_dropped = 0
        self._latest: Captured | None = None
        self._ended = False
        self.stalled = False  # a camera or stream went silent (see next)
        self._stop = threading.Event()
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="capture", daemon=True)

    def start(self) -> "CameraSource":
        self._start_wall = time.monotonic()
        self._thread.start()
        return self

    def _run(self) -> None:
        offset_s = 0.0  # added per loop so session time keeps growing
        last_t = 0.0
        while not self._stop.is_set():
            ok, image = self._cap.read()
            if not ok or image is None:
                if self.loop and self.frames_captured:
                    self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                    offset_s = last_t + 1.0 / self.fps
                    continue
                break
            if self.is_file:
                t = offset_s + self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                t = t if t > last_t else last_t + 1.0 / self.fps
                delay = self._start_wall + t - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
            else:
                t = time.monotonic() - self._start_wall
            last_t = t
            with self._ready:
                if self._latest is not None:
                    self.frames_dropped += 1  # never consumed: the processor was busy
                self._latest = Captured(image, t, time.monotonic())
                self.frames_captured += 1
                self._ready.notify()
        with self._ready:
            self._ended = True
            self._ready.notify()

    stall_s = 5.0  # a camera or stream silent this long has stopped

    def next(self) -> Captured | None:
        """The newest frame not yet taken; None once the source has ended, or once a camera
        or stream has sent nothing for ``stall_s`` (``stalled``: the session then ends
        with what was done). A file played as a camera is waited for: a busy machine can
        slow its reading down, but nothing stops it."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._latest is not None or self._ended,
                                        None if self.is_file else self.stall_s):
                self.stalled = True
                return None
            frame, self._latest = self._latest, None
            return frame

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        self._cap.release()


@dataclass
class LiveStats:
    frames_shown: int = 0
    frames_dropped: int = 0
    latencies_ms: deque = field(default_factory=lambda: deque(maxlen=LATENCY_WINDOW))
    wall_s: float = 0.0
    width: int = 0
    height: int = 0
    set_started_s: float | None = None  # session time when the set-up check passed
    warnings: list[str] = field(default_factory=list)  # why nothing counted, said at the end
    stalled_at_s: float | None = None  # the camera went silent here and the session ended

    def stall_warnings(self) -> list[str]:
        if self.stalled_at_s is None:
            return []
        return [f"the camera stopped sending pictures at {self.stalled_at_s:.0f} s; the session ended there"]

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    def describe(self) -> str:
        fps = self.frames_shown / self.wall_s if self.wall_s else 0.0
        return (f"{self.frames_shown} frames shown ({fps:.1f}/s), {self.frames_dropped} dropped, "
                f"latency p50 {self.percentile_ms(50):.0f} ms, p95 {self.percentile_ms(95):.0f} ms")


def run_live(source, session: Session, model_path: Path, window: bool = True, loop: bool = False,
             max_seconds: float | None = None, on_frame=None, setup: SetupCheck | None = None,
             stats: LiveStats | None = None, say: Callable[[str], None] | None = None,
             config: dict | None = None) -> tuple[SessionResult, LiveStats, float]:
    """Coach until the source ends, q/Esc, the window is closed, Ctrl-C or ``max_seconds``.

    With ``setup``, the set starts only once the camera set-up check has passed
    (and its countdown run out); until then the screen shows the checklist. A file
    played as the camera loses nothing to the check: what was done meanwhile is counted
    when the set starts (or at the end, if the check never passed).

    ``say``: called with a line for each change of the set-up state and each rep or hold
    as it finishes, with its cue (for a run without a window). ``config``: the thresholds,
    for the rules replayed to tell why nothing counts.

    Always returns the session result for what was done (also after Ctrl-C), the
    stats (with ``warnings``: why nothing was counted, if it was not), and the session
    length in seconds.
    """
    stats = stats if stats is not None else LiveStats()
    coaching = ExerciseCoaching(session, model_path, config, say=say, setup=setup, on_frame=on_frame)
    length_s = run_frames(source, coaching, model_path, stats, window=window, loop=loop, max_seconds=max_seconds)
    result = coaching.finish()
    stats.set_started_s = coaching.set_started_s
    stats.warnings = coaching.warnings + stats.stall_warnings()
    return result, stats, length_s


def run_frames(source, coaching: "Coaching", model_path: Path, stats: LiveStats, window: bool = True,
               loop: bool = False, max_seconds: float | None = None) -> float:
    """Play ``source`` through the pose model into ``coaching`` (and the picture it returns
    into the window), until the source ends, q/Esc, the window is closed, Ctrl-C,
    ``max_seconds`` or the coaching is over. Returns the last frame's time."""
    camera = CameraSource(source, loop=loop)
    coaching.start(camera, fit_on_screen if window else lambda width, height: None)
    screen = Screen(window)
    t_s = 0.0
    started = time.monotonic()
    try:
        with PoseEstimator(model_path) as estimator:
            camera.start()
            while not coaching.over and (frame := camera.next()) is not None:
                t_s = frame.t_s
                if stats.frames_shown == 0:
                    stats.height, stats.width = frame.image.shape[:2]
                key = screen.show(coaching.step(frame, estimator.detect(frame.image, frame.t_s)))
                if key in QUIT_KEYS or screen.closed():
                    break
                coaching.key(key)
                stats.frames_shown += 1
                stats.latencies_ms.append((time.monotonic() - frame.captured_at) * 1000.0)
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
    except KeyboardInterrupt:
        pass  # Ctrl-C ends the session normally: the summary is still written
    finally:
        camera.close()
        screen.close()
    stats.frames_dropped = camera.frames_dropped
    stats.stalled_at_s = t_s if camera.stalled else None
    stats.wall_s = time.monotonic() - started
    return t_s


class Screen:
    """The window (none without ``window``): shows each picture, sized to the first one."""

    def __init__(self, window: bool):
        self.window, self._sized = window, False
        if window:  # resizable, keeps the picture's shape, no toolbar
            cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)

    def show(self, image: np.ndarray) -> int | None:
        """Show ``image``; the key pressed meanwhile, if any."""
        if not self.window:
            return None
        if not self._sized:
            cv2.resizeWindow(WINDOW, image.shape[1], image.shape[0])
            self._sized = True
        cv2.imshow(WINDOW, image)
        key = cv2.waitKey(1) & 0xFF
        return None if key == 0xFF else key

    def closed(self) -> bool:
        return self.window and cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1

    def close(self) -> None:
        if self.window:
            cv2.destroyAllWindows()


class Coaching(abc.ABC):
    """What a live run coaches with, frame by frame (``run_frames`` drives it)."""

    over = False  # True once there is nothing more to coach (the routine is done)

    def start(self, camera: CameraSource, display_size: Callable[[int, int], tuple[int, int] | None]) -> None:
        """The camera is open; ``display_size(width, height)``: the size to draw at (None: as is)."""

    @abc.abstractmethod
    def step(self, frame: Captured, pose: PoseFrame | None) -> np.ndarray:
        """The picture to show for ``frame``."""

    def key(self, key: int | None) -> None:
        """A key was pressed in the window (None: none)."""


class ExerciseCoaching(Coaching):
    """One exercise, live: the camera set-up check (``setup``), then the session. Says what
    happens (``say``) and, at the end, why nothing counted (``warnings``)."""

    def __init__(self, session: Session, model_path: Path, config: dict | None, say=None,
                 setup: SetupCheck | None = None, on_frame=None, second_guess: bool = True):
        self.session, self.setup, self.on_frame = session, setup, on_frame
        self.narrator = Narrator(session, say)
        self._model_path, self._config, self._second_guess = model_path, config, second_guess
        self.view: Annotator | None = None
        self.why: WhyNothingCounts | None = None
        self.held: list[tuple[float, PoseFrame | None]] = []  # a file's poses while the set-up check runs
        self.set_started_s: float | None = None  # session time when the set-up check passed
        self.last_state: LiveState | None = None  # the session's, on the latest frame counted
        self.warnings: list[str] = []

    def start(self, camera: CameraSource, display_size) -> None:
        self.camera, self._display_size = camera, display_size
        self.why = WhyNothingCounts(self.session, self._model_path, self._config, name=_source_name(camera),
                                    second_guess=self._second_guess)

    def step(self, frame: Captured, pose: PoseFrame | None) -> np.ndarray:
        if self.view is None:
            height, width = frame.image.shape[:2]
            self.view = Annotator(self.session.exercise, width, height, self.session.common,
                                  size=self._display_size(width, height))
        hint = self.why.look(frame.t_s, frame.image, pose)
        self.narrator.hint(hint)
        if self.setup is not None:
            return self._setting_up(frame, pose, hint)
        return self._counting(frame, pose, hint)

    def _setting_up(self, frame: Captured, pose: PoseFrame | None, hint: Banner | None) -> np.ndarray:
        status = self.setup.update(frame.t_s, frame.image, pose)
        self.narrator.setup(frame.t_s, status)
        if self.camera.is_file:
            self.held.append((frame.t_s, pose))
        image = self.view.shrink(frame.image)
        if self.camera.is_device:
            image = cv2.flip(image, 1)
        shown = draw_setup(self.view.overlay, image, status, hint.text if hint is not None else None)
        if status.ready:
            self.setup = None  # the set starts with the next frame
            self.set_started_s = frame.t_s
            self.narrator.started(frame.t_s)
            self.catch_up(self.held)
        return shown

    def _counting(self, frame: Captured, pose: PoseFrame | None, hint: Banner | None) -> np.ndarray:
        state = self.last_state = self.session.update(frame.t_s, pose)
        self.narrator.progress()
        if hint is not None and (state.banner is None or state.banner.severity == "info"):
            state = replace(state, banner=hint)
        shown = self.view(frame.image, state, mirror=self.camera.is_device)
        if self.on_frame is not None:
            self.on_frame(shown, state)
        return shown

    def catch_up(self, poses: list[tuple[float, PoseFrame | None]]) -> None:
        """Hand the session poses it has not seen (a file's, held back during the set-up check)."""
        for t_s, pose in poses:
            self.last_state = self.session.update(t_s, pose)
            self.narrator.progress()
        poses.clear()

    def finish(self) -> SessionResult:
        """The session's result; a file whose set-up check never passed is counted all the same."""
        if self.held and self.setup is not None:
            self.narrator.line("set-up: not done by the end; what was filmed is counted from its start all the same")
            self.catch_up(self.held)
        result = self.session.finish()
        self.narrator.progress()
        self.warnings = self.why.finish(result) if self.why is not None else []
        return result


def _source_name(camera: CameraSource) -> str:
    return f"camera {camera.source}" if camera.is_device else Path(str(camera.source)).name


# -- the window ---------------------------------------------------------------------------------

SCREEN_SHARE = 0.9  # of the screen's width and height the window may take at most


def fit_on_screen(width: int, height: int, screen: tuple[int, int] | None = None) -> tuple[int, int]:
    """The size to show a ``width`` x ``height`` picture at: scaled down (never up) to fit
    ``SCREEN_SHARE`` of the screen (``screen_size()`` when not given), even sides."""
    screen = screen or screen_size()
    if screen is None:
        return width, height
    scale = min(1.0, SCREEN_SHARE * screen[0] / width, SCREEN_SHARE * screen[1] / height)
    if scale >= 1.0:
        return width, height
    return 2 * round(width * scale / 2), 2 * round(height * scale / 2)


def screen_size() -> tuple[int, int] | None:
    """The screen's size in pixels (X11 or Windows), or None when it cannot be told."""
    import contextlib
    import ctypes
    import ctypes.util
    import os
    import sys

    with contextlib.suppress(OSError, AttributeError):  # no such library, or no display to ask
        if sys.platform == "win32":
            user32 = ctypes.windll.user32  # type: ignore[attr-defined]
            return int(user32.GetSystemMetrics(0)), int(user32.GetSystemMetrics(1))
        if os.environ.get("DISPLAY") and (name := ctypes.util.find_library("X11")):
            x11 = ctypes.CDLL(name)
            x11.XOpenDisplay.restype = ctypes.c_void_p
            x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
            display = x11.XOpenDisplay(None)
            if display:
                try:
                    x11.XDefaultScreen.argtypes = [ctypes.c_void_p]
                    x11.XDisplayWidth.argtypes = x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
                    number = x11.XDefaultScreen(display)
                    return int(x11.XDisplayWidth(display, number)), int(x11.XDisplayHeight(display, number))
                finally:
                    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
                    x11.XCloseDisplay(display)
    return None


# -- what is said: the set-up state, reps and holds, and why nothing counts ------------------------

SETUP_STEADY_S = 0.5  # a set-up state is said once it has lasted this long (no flicker)


class Narrator:
    """Lines for a run without a window: each set-up state as it settles, the start of the
    set, each rep or hold as it finishes with its cue, and the camera-view problems."""

    def __init__(self, session: Session, say: Callable[[str], None] | None):
        self._session, self._say = session, say
        self._reps = self._holds = self._events = 0
        self._setup_said: str | None = None
        self._setup_seen: tuple[str, float] | None = None
        self._hint: str | None = None

    def setup(self, t_s: float, status: SetupStatus) -> None:
        problem = status.first_problem
        line = (f"set-up: {problem.label.lower()}? not yet - {problem.hint}" if problem is not None
                else f"set-up: all good - starting in {setup_countdown(status)}")
        key = line if problem is not None else "ready"
        if self._setup_seen is None or self._setup_seen[0] != key:
            self._setup_seen = (key, t_s)
        if key != self._setup_said and t_s - self._setup_seen[1] >= (SETUP_STEADY_S if problem else 0.0):
            self._setup_said = key
            self._line(line)

    def started(self, t_s: float) -> None:
        self._line(f"set-up: done at {t_s:.1f} s - go!")

    def progress(self) -> None:
        """Say what finished since the last call."""
        if self._say is None:
            return
        result, ex = self._session.result, self._session.exercise
        for rep in result.reps[self._reps:]:
            side = f" ({rep.side})" if rep.side else ""
            held = f", held {rep.hold_s:.1f} s" if rep.hold_s is not None else ""
            self._line(f"rep {rep.index}{side} at {rep.end_s:.1f} s{held}: {self._cues(rep.faults)}")
        for number, hold in enumerate(result.holds[self._holds:], start=self._holds + 1):
            side = f" ({hold.side} leg)" if hold.side else ""
            self._line(f"hold {number}{side}: {hold.duration_s:.1f} s: {self._cues(hold.faults)}")
        rep_faults = {code for window in [*result.reps, *result.holds] for code in window.faults}
        for event in result.events[self._events:]:
            if event.code not in rep_faults:  # out of frame, wrong view, a missing side
                self._line(f"{event.t_s:.1f} s: {ex.message(event.code)}")
        self._reps, self._holds, self._events = len(result.reps), len(result.holds), len(result.events)

    def hint(self, banner: Banner | None) -> None:
        """Say why nothing counts (or what is not judged) when that changes."""
        text = banner.text if banner is not None else None
        if text != self._hint and text is not None:
            self._line(text)
        self._hint = text

    def _cues(self, faults: list[str]) -> str:
        ex = self._session.exercise
        if not faults:
            return clean_praise(self._session.result.not_judged)
        return "; ".join(ex.message(code) for code in faults)

    def line(self, text: str) -> None:
        if self._say is not None:
            self._say(text)

    _line = line


def setup_countdown(status: SetupStatus) -> str:
    return f"{status.countdown_s:.0f} s" if status.countdown_s else "now"


class WhyNothingCounts:
    """Watches for the reasons nothing would count (``reasons``), to say them on the screen as
    they appear and in the summary at the end: too dark, another exercise, faults the view
    hides. Keeps the last ``TRACK_S`` of poses and a few frames where nobody was seen."""

    TRACK_S = 30.0      # poses kept to recognise the exercise
    CHECK_EVERY_S = 3.0
    FIRST_CHECK_S = 8.0  # of poses, before the exercise is second-guessed
    DARK_AFTER_S = 2.0   # nobody seen this long in a dark picture: say it is too dark
    NOT_JUDGED_S = 4.0   # how long a newly not-judged fault is shown

    def __init__(self, session: Session, model_path: Path, config: dict | None, name: str, second_guess: bool = True):
        """``second_guess``: say when another exercise is being done (not in a routine, which
        moves on to it)."""
        self._session, self._model_path, self._config, self._name = session, model_path, config or {}, name
        self._second_guess = second_guess
        self._poses: deque[tuple[float, PoseFrame | None]] = deque()
        self.samples = reasons.FrameSamples()
        self._unseen_since: float | None = None
        self._dark = False
        self._next_check_s = self.FIRST_CHECK_S
        self._other: str | None = None
        self._not_judged: set[str] = set()
        self._not_judged_banner: tuple[float, Banner] | None = None

    def look(self, t_s: float, image: np.ndarray, pose: PoseFrame | None) -> Banner | None:
        """A banner saying why nothing counts (or what is not judged), or None."""
        self._poses.append((t_s, pose))
        while self._poses and self._poses[0][0] < t_s - self.TRACK_S:
            self._poses.popleft()
        if pose is None:
            self.samples.offer(lambda: image)
            if self._unseen_since is None:
                self._unseen_since, self._dark = t_s, reasons.grey_level(image) < reasons.DARK_GREY_LEVEL
        else:
            self._unseen_since, self._dark = None, False
        result = self._session.result
        if self._second_guess and not result.reps and not result.holds and t_s >= self._next_check_s:
            self._next_check_s = t_s + self.CHECK_EVERY_S
            self._other = reasons.another_exercise(self.track(), self._session.exercise.id, self._config)
        elif result.reps or result.holds:
            self._other = None
        new = set(result.not_judged) - self._not_judged
        if new:
            self._not_judged |= new
            text = not_judged_text([(c, result.not_judged[c]) for c in sorted(new)], self._session.exercise.id)
            self._not_judged_banner = (t_s, Banner(text[:1].upper() + text[1:], "info"))
        if self._unseen_since is not None and self._dark and t_s - self._unseen_since >= self.DARK_AFTER_S:
            return Banner(f"Too dark to see you: {reasons.DARK_ADVICE}", "warning")
        if self._other is not None:
            said = self._other.replace("use --exercise", "restart with --exercise")
            return Banner(said[:1].upper() + said[1:], "warning")
        if self._not_judged_banner is not None and t_s - self._not_judged_banner[0] <= self.NOT_JUDGED_S:
            return self._not_judged_banner[1]
        return None

    def track(self) -> PoseTrack:
        """The poses kept (the last ``TRACK_S``)."""
        track = PoseTrack(fps=30.0, width=1, height=1)
        for t_s, pose in self._poses:
            track.append(t_s, pose)
        if track.poses:
            span = track.times_s[-1] - track.times_s[0]
            track.fps = (len(track) - 1) / span if span > 0 else 30.0
        return track

    def finish(self, result: SessionResult) -> list[str]:
        """Why nothing was counted, for the summary (empty when something was)."""
        if result.frames == 0 or result.reps or result.holds:
            return []
        if result.frames_with_pose == 0:
            return [reasons.nobody_found(self.samples.images, self._model_path, self._name)]
        return reasons.nothing_counted(self.track(), self._session.exercise.id, self._config, self.samples.images)
