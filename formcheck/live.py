"""Live coaching: a camera (or anything OpenCV opens) -> pose -> session -> overlay window.

A file or URL source is played at its own frame rate, and frames that arrive while
the previous one is still being processed are dropped, exactly as a camera does:
the overlay always shows the newest frame, so lag never builds up.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.overlay import Overlay
from formcheck.pose.estimator import PoseEstimator
from formcheck.session import Session, SessionResult
from formcheck.setup_check import SetupCheck, draw_setup
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

    def next(self, timeout_s: float = 5.0) -> Captured | None:
        """The newest frame not yet taken; None once the source has ended."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._latest is not None or self._ended, timeout_s):
                raise FormcheckError(f"camera source {self.source!r} stopped sending frames")
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

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    def describe(self) -> str:
        fps = self.frames_shown / self.wall_s if self.wall_s else 0.0
        return (f"{self.frames_shown} frames shown ({fps:.1f}/s), {self.frames_dropped} dropped, "
                f"latency p50 {self.percentile_ms(50):.0f} ms, p95 {self.percentile_ms(95):.0f} ms")


def run_live(source, session: Session, model_path: Path, window: bool = True, loop: bool = False,
             max_seconds: float | None = None, on_frame=None, setup: SetupCheck | None = None,
             stats: LiveStats | None = None) -> tuple[SessionResult, LiveStats, float]:
    """Coach until the source ends, q/Esc, the window is closed, Ctrl-C or ``max_seconds``.

    With ``setup``, the set starts only once the camera set-up check has passed
    (and its countdown run out); until then the screen shows the checklist.

    Always returns the session result for what was done (also after Ctrl-C), the
    stats, and the session length in seconds.
    """
    camera = CameraSource(source, loop=loop)
    overlay = None
    stats = stats if stats is not None else LiveStats()
    t_s = 0.0
    started = time.monotonic()
    try:
        with PoseEstimator(model_path) as estimator:
            camera.start()
            if window:  # resizable, keeps the picture's shape, no toolbar
                cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
            while True:
                frame = camera.next()
                if frame is None:
                    break
                t_s = frame.t_s
                if overlay is None:
                    stats.height, stats.width = frame.image.shape[:2]
                    overlay = Overlay(session.exercise, stats.width, stats.height, session.common)
                    if window:
                        cv2.resizeWindow(WINDOW, stats.width, stats.height)
                pose = estimator.detect(frame.image, frame.t_s)
                if setup is not None:
                    status = setup.update(frame.t_s, frame.image, pose)
                    if camera.is_device:
                        cv2.flip(frame.image, 1, dst=frame.image)
                    shown = draw_setup(overlay, frame.image, status)
                    if status.ready:
                        setup = None  # the set starts with the next frame
                        stats.set_started_s = frame.t_s
                else:
                    state = session.update(frame.t_s, pose)
                    shown = overlay.draw(frame.image, state, mirror=camera.is_device)
                    if on_frame is not None:
                        on_frame(shown, state)
                if window:
                    cv2.imshow(WINDOW, shown)
                    key = cv2.waitKey(1) & 0xFF
                    if key in QUIT_KEYS or cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1:
                        break
                stats.frames_shown += 1
                stats.latencies_ms.append((time.monotonic() - frame.captured_at) * 1000.0)
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
    except KeyboardInterrupt:
        pass  # Ctrl-C ends the session normally: the summary is still written
    finally:
        camera.close()
        if window:
            cv2.destroyAllWindows()
    stats.frames_dropped = camera.frames_dropped
    stats.wall_s = time.monotonic() - started
    return session.finish(), stats, t_s
