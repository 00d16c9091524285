"""The frame pipeline of a recorded video: decoding, the pose model and the rest (rules,
drawing, encoding), one after the other or as three threads joined by short queues.

Pipelined, a video takes about as long as its pose model alone: OpenCV and MediaPipe
release the GIL while they work. Each stage runs in one thread and in frame order, so
the result is exactly that of running the stages one after another (``run_sequential``).

The model need not see every frame: with an ``AdaptiveRate`` it sees every frame while
the body moves fast and every 2nd, 3rd, ... while it is slow or still, and the frames
in between get poses interpolated from their neighbours (``Scheduler``).
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from formcheck.exercises import EXERCISES
from formcheck.pose.estimator import ModelInput, prepare
from formcheck.pose.landmarks import Joint, PoseFrame
from formcheck.video import VideoFrame, annotated_size, halve

QUEUE_FRAMES = 3      # frames waiting between two stages: absorbs jitter; a 4K frame is 25 MB
POLL_S = 0.1          # how often a waiting stage checks whether another one failed

Detect = Callable[[ModelInput, float], "PoseFrame | None"]
Rest = Callable[[VideoFrame, "PoseFrame | None"], None]


def pipelining_pays() -> bool:
    """Threads pay off only with a second core; on one they would just take turns."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) > 1
    return (os.cpu_count() or 1) > 1


@dataclass(frozen=True)
class AdaptiveRate:
    """When the pose model may skip frames of a recorded video.

    The body's speed is measured in body lengths (the torso: shoulder to hip) per second,
    from the landmarks the model gave on its recent calls. The model may then wait as
    long as the body takes to move ``travel_bl`` at that speed, at most ``max_gap_s``:
    still, it sees a frame every ``max_gap_s``; moving fast, every frame. Two checks keep
    the frames in between right: each skipped frame's picture is compared with the last
    call's (a change in the body's part of it calls the model at once: the look ahead),
    and a call after a gap that finds the body moved further than ``travel_bl`` has the
    skipped frames looked at again (the look back). Measured on the rendered population
    and the filmed clips (``python -m benchmarks.adaptive``).
    """

    # Between two model calls the body moves at most this far: the frames in between get
    # the poses on the straight line between the two calls, and where it starts moving
    # unforeseen they lag it by no more. This is for the finest movements the rules
    # judge (a partial abduction rep opens the knees by a tenth of their gap at rest: at
    # 0.06 the fill flattened one below the counting threshold); exercises whose rules
    # judge larger movements allow more (``Exercise.skip_travel_bl``, ``for_exercise``).
    travel_bl: float = 0.02
    # Never longer between two calls. While the body is still, the picture check sees a
    # movement start on the frame it starts and the look back re-runs the frames it
    # missed, so this only bounds how stale the model's tracking gets: at 0.5 s the
    # filmed runs give the same answers (the picture of a still body drifts with breath
    # and the camera's noise, and past ~0.5 s a gap mostly ends at the picture check).
    max_gap_s: float = 0.5
    # ... and where there is no picture to check (a replay of stored landmarks, or no
    # pose at the last call), never longer than this: the landmarks alone cannot tell a
    # still body from one moving less than their jitter, and a partial abduction rep of
    # the rendered population, its knees seen every 0.5 s, went uncounted.
    blind_gap_s: float = 0.2
    # A speed is measured between calls at least this far apart: the landmarks jitter by
    # about 1% of a body length from frame to frame, which over one frame at 30 fps
    # would look like 0.3 body lengths a second (over 0.2 s: 0.05).
    baseline_s: float = 0.2
    # The speed used is the highest measured over the calls of the last this many
    # seconds: a movement slowing through its turn (a rep's top) keeps its short gaps.
    lookback_s: float = 0.3
    # Landmarks the model is less sure of jitter most: their speed is noise, not movement.
    min_visibility: float = 0.5
    # A seen joint's landmark jitters by about 1% of a body length from call to call when
    # the body is still (up to 2.4% for a knee in a rendered figure-four hold): this much
    # of any move is not counted. At 0.01 the model saw nearly every frame of the holds;
    # at 0.02 a partial abduction rep near the counting threshold went uncounted.
    jitter_bl: float = 0.015
    # The landmarks only say the body was still up to the last call; the picture says
    # whether it still is. A frame is skipped only while no patch of the body's box
    # (``MOTION_CELL_PX`` square, averaged) changed by more than this many grey levels
    # since the last call; else the model sees it, and its landmarks say how fast the
    # body now moves (a breath or the camera's noise is not a movement: the gap stays).
    # In the filmed bridge's hold the most-changed patch moves by 3-18 grey levels
    # between frames; when the hips start down, by 50 and more.
    still_grey: float = 24.0

    def for_exercise(self, exercise_id: str | None) -> "AdaptiveRate | None":
        """The rate for one exercise's rules: its ``skip_travel_bl``; an exercise without one
        (the abduction: its knees' finest moves) gets the careful rate, never more than
        ``blind_gap_s`` between calls (at 0.5 s a routine video's abduction, replayed as the
        live routine sees it, counted a rep more). None, every frame, while the exercise is
        not known (``--exercise auto``, a routine): the recogniser learnt from every frame,
        and on filled-in frames named a bridge-then-abduction video's abduction a
        standing figure-four."""
        if exercise_id not in EXERCISES:
            return None
        travel = EXERCISES[exercise_id].skip_travel_bl
        return replace(self, max_gap_s=self.blind_gap_s) if travel is None else replace(self, travel_bl=travel)

    def gap_s(self, speed_bl_s: float, pictured: bool = True) -> float:
        """The longest wait between two model calls at this speed (``pictured``: with the
        picture check)."""
        longest = self.max_gap_s if pictured else self.blind_gap_s
        return longest if speed_bl_s <= 0 else min(longest, self.travel_bl / speed_bl_s)


# The joints whose movement decides how often the model runs: the rules read them. Not
# the feet (ankles, heels, toes): still, their landmarks jitter by 2-5% of a body length
# (the filmed bridge's hold), where the others stay within 1-2%; and they move with the knees.
RATE_JOINTS = np.array([Joint.LEFT_EAR, Joint.RIGHT_EAR, Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER,
                        Joint.LEFT_WRIST, Joint.RIGHT_WRIST, Joint.LEFT_HIP, Joint.RIGHT_HIP,
                        Joint.LEFT_KNEE, Joint.RIGHT_KNEE])
FEET = np.array([Joint.LEFT_ANKLE, Joint.RIGHT_ANKLE, Joint.LEFT_HEEL, Joint.RIGHT_HEEL,
                 Joint.LEFT_FOOT_INDEX, Joint.RIGHT_FOOT_INDEX])
_TORSO = ((Joint.LEFT_SHOULDER, Joint.LEFT_HIP), (Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP))
# Skipping needs each of these seen on one side at least: with the head or the legs out
# of view the model's tracking is unsure, and from a skipped frame on it can take another
# course (a filmed squat set's close-up counted a rep more).
_IN_VIEW = ((Joint.LEFT_EAR, Joint.RIGHT_EAR), (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER),
            (Joint.LEFT_HIP, Joint.RIGHT_HIP), (Joint.LEFT_KNEE, Joint.RIGHT_KNEE))


def _torso(points: np.ndarray) -> float:
    return max(float(np.linalg.norm(points[s] - points[h])) for s, h in _TORSO)


def body_speed(a: PoseFrame | None, b: PoseFrame | None, rate: AdaptiveRate = AdaptiveRate()) -> float:
    """How fast the body moved from pose ``a`` to pose ``b``, in body lengths per second, in
    the picture: the fastest of the joints the rules read that the model saw surely in
    both (a clamshell moves one knee, a bridge the hips alone), less the landmarks' jitter.
    Infinite when it cannot be told (no pose, head or legs out of view). The world
    landmarks are not used: their depth jitters several times more than the picture."""
    if a is None or b is None or b.t_s <= a.t_s:
        return math.inf
    if rate.min_visibility > 0 and not all(max(p.visibility[left], p.visibility[right]) >= rate.min_visibility
                                           for p in (a, b) for left, right in _IN_VIEW):
        return math.inf
    sure = RATE_JOINTS[(a.visibility[RATE_JOINTS] >= rate.min_visibility)
                       & (b.visibility[RATE_JOINTS] >= rate.min_visibility)]
    length = (_torso(a.image_xy) + _torso(b.image_xy)) / 2
    if not len(sure) or length <= 1e-6:
        return math.inf
    moved = np.linalg.norm(b.image_xy[sure] - a.image_xy[sure], axis=1) / length
    return max(0.0, float(moved.max()) - rate.jitter_bl) / (b.t_s - a.t_s)


MOTION_CELL_PX = 8  # of the model's picture: the patches whose change tells a body moving


def motion_picture(model_input: ModelInput) -> np.ndarray:
    """The model's picture in grey, one value per ``MOTION_CELL_PX`` patch (area-averaged):
    cheap to compare, and blind to the noise of single pixels."""
    grey = model_input.grey
    height, width = grey.shape[:2]
    size = (max(1, width // MOTION_CELL_PX), max(1, height // MOTION_CELL_PX))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def picture_changed(before: np.ndarray, now: np.ndarray, pose: PoseFrame, width: int, height: int,
                    still_grey: float) -> bool:
    """Whether a patch of the body's box (from ``pose``, a frame of ``width`` x ``height``,
    with a margin) changed by more than ``still_grey`` between two ``motion_picture``s."""
    rows, cols = now.shape
    seen = pose.visibility >= 0.5
    points = pose.image_xy[seen] if seen.any() else pose.image_xy
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    margin = 0.15 * max(x1 - x0, y1 - y0)
    sx, sy = cols / width, rows / height
    c0, c1 = int(max(0, (x0 - margin) * sx)), int(min(cols, math.ceil((x1 + margin) * sx)))
    r0, r1 = int(max(0, (y0 - margin) * sy)), int(min(rows, math.ceil((y1 + margin) * sy)))
    if c1 <= c0 or r1 <= r0:
        return True
    return float(np.abs(now[r0:r1, c0:c1] - before[r0:r1, c0:c1]).max()) > still_grey


def interpolate(a: PoseFrame | None, a_s: float, b: PoseFrame | None, b_s: float, t_s: float) -> PoseFrame | None:
    """The pose at ``t_s`` between pose ``a`` (at ``a_s``) and ``b`` (at ``b_s``): landmarks,
    world landmarks and visibility on straight lines; where either is missing (nobody
    seen), the nearer one in time."""
    if a is None or b is None:
        return a if t_s - a_s <= b_s - t_s else b
    w = (t_s - a_s) / (b_s - a_s)
    return PoseFrame(t_s, a.image_xy + w * (b.image_xy - a.image_xy), a.world_xyz + w * (b.world_xyz - a.world_xyz),
                     a.visibility + w * (b.visibility - a.visibility))


class Scheduler:
    """The pose stage: which frames go to the model, and a pose for every frame, in order.

    Without a rate, every frame goes to the model. With one, a frame is skipped while
    the wait since the last call (to the frame after it) stays within the rate's gap for
    the speed seen over the last calls; the skipped frames wait for the next call. If
    the body moved no more than the rate allows meanwhile, they get poses interpolated
    between the two calls; if it moved more (it started moving during the gap), they are
    looked at again by ``backfill``: a second model, since MediaPipe's VIDEO mode takes
    only later timestamps than it has seen (the second one's are later than its own last,
    too). The video's last frame always goes to the model, so no pose is ever guessed
    beyond one the model gave.
    """

    def __init__(self, detect: Detect, rate: AdaptiveRate | None = None, fps: float = 30.0,
                 backfill: Detect | None = None,
                 picture: Callable[[ModelInput], np.ndarray | None] = motion_picture,
                 size: tuple[int, int] | None = None):
        self._detect, self._backfill, self._picture, self.rate = detect, backfill, picture, rate
        self._size = size  # the frames' (width, height): skipping needs the body inside them
        self._last_picture: np.ndarray | None = None  # the last call's, when it had a pose
        self._frame_s = 1.0 / fps if fps > 0 else 0.0
        self._last: PoseFrame | None = None
        self._last_s: float | None = None  # time of the last call
        self._speeds: deque[tuple[float, float]] = deque()  # (t_s, body lengths/s) at recent calls
        self._calls: deque[tuple[float, PoseFrame | None]] = deque()  # recent calls, for the baseline
        self._skipped: list[tuple[VideoFrame, ModelInput]] = []
        self.calls = 0      # of ``detect``
        self.backfilled = 0  # calls of ``backfill``

    def feed(self, frame: VideoFrame, model_input: ModelInput,
             picture: np.ndarray | None = None) -> list[tuple[VideoFrame, PoseFrame | None]]:
        """The frames now ready for the later stages, with their poses (none while skipping).
        ``picture``: the frame's picture for the picture check, if the decoding thread made
        it already (while the model was busy); else it is made here when needed."""
        if not self._may_skip(frame.t_s):
            return self._call(frame, model_input, picture)
        if self._last_picture is not None:
            picture = self._picture(model_input) if picture is None else picture
            if self._picture_moved(picture, model_input):
                # Something moved since the last call: the model looks now, and its
                # landmarks say how fast the body moves (the look back covers the gap).
                return self._call(frame, model_input, picture)
        self._skipped.append((frame, model_input))
        return []

    def end(self) -> list[tuple[VideoFrame, PoseFrame | None]]:
        """The frames still waiting when the video ends: its last frame goes to the model."""
        if not self._skipped:
            return []
        return self._call(*self._skipped.pop())

    def speed(self) -> float:
        """The highest speed seen over the calls of the last ``lookback_s`` (body lengths/s)."""
        return max((v for _, v in self._speeds), default=math.inf)

    def _may_skip(self, t_s: float) -> bool:
        if self.rate is None or self._last_s is None:
            return False
        gap_s = self.rate.gap_s(self.speed(), pictured=self._last_picture is not None)
        return t_s + self._frame_s - self._last_s <= gap_s + GAP_TOLERANCE_S

    def _call(self, frame: VideoFrame, model_input: ModelInput,
              picture: np.ndarray | None = None) -> list[tuple[VideoFrame, PoseFrame | None]]:
        """The model on this frame, and the frames skipped before it."""
        pose = self._detect(model_input, frame.t_s)
        self.calls += 1
        if self.rate is not None:
            self._last_picture = None if pose is None else (
                self._picture(model_input) if picture is None else picture)
        last, last_s = self._last, self._last_s
        if self._skipped and self._backfill is not None and self._moved_too_far(pose, frame.t_s):
            ready = [(f, self._backfill(f_input, f.t_s)) for f, f_input in self._skipped]
            self.backfilled += len(ready)
            moving = True  # the body started moving during the gap: every frame for a while
        else:
            moving = False
            ready = [(f, interpolate(last, last_s, pose, frame.t_s, f.t_s)) for f, _ in self._skipped]
        ready.append((frame, pose))
        if self.rate is not None:
            self._measure(frame.t_s, pose, moving)
        self._last, self._last_s = pose, frame.t_s
        self._skipped = []
        return ready

    def _picture_moved(self, picture: np.ndarray | None, model_input: ModelInput) -> bool:
        """Whether the body's part of the picture changed since the last call (``picture``
        is None where there is none to look at, as in a replay of landmarks)."""
        if picture is None:
            return False
        return picture_changed(self._last_picture, picture, self._last, model_input.width, model_input.height,
                               self.rate.still_grey)

    def _in_picture(self, pose: PoseFrame | None) -> bool:
        """Whether the joints the rules read, feet included, lie inside the frame: the
        model's landmarks beyond its edge are guesses (seen, it says, however far out)."""
        if pose is None or self._size is None:
            return pose is not None
        xy = pose.image_xy[np.r_[RATE_JOINTS, FEET]]
        return bool(np.all((xy >= 0) & (xy <= self._size)))

    def _moved_too_far(self, pose: PoseFrame | None, t_s: float) -> bool:
        """Whether the body moved more than the rate allows since the last call (or was
        found or lost meanwhile): the gap was a wrong guess."""
        # Every joint the rules read counts here, however unsure: a hidden knee whose
        # landmark jumps moves the rules' angles as much as a seen one.
        every_joint = replace(self.rate, min_visibility=0.0)
        travel = body_speed(self._last, pose, every_joint) * (t_s - self._last_s)
        return not travel <= self.rate.travel_bl

    def _measure(self, t_s: float, pose: PoseFrame | None, moving: bool) -> None:
        """The speed at this call: since the latest call at least ``baseline_s`` before it;
        calls and speeds older than needed are dropped."""
        rate, calls = self.rate, self._calls
        while len(calls) > 1 and calls[1][0] <= t_s - rate.baseline_s + GAP_TOLERANCE_S:
            calls.popleft()
        if calls:  # too short a baseline (the video's first calls) tells nothing yet
            before_s, before = calls[0]
            enough = t_s - before_s >= rate.baseline_s - GAP_TOLERANCE_S
            known = enough and not moving and self._in_picture(pose)
            self._speeds.append((t_s, body_speed(before, pose, rate) if known else math.inf))
        calls.append((t_s, pose))
        while self._speeds and self._speeds[0][0] < t_s - rate.lookback_s:
            self._speeds.popleft()


GAP_TOLERANCE_S = 1e-3  # container timestamps are rounded to the millisecond


def run(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True,
        pipelined: bool | None = None, rate: AdaptiveRate | None = None, fps: float = 30.0,
        backfill: Detect | None = None, size: tuple[int, int] | None = None) -> Scheduler:
    """``run_pipelined`` or ``run_sequential``; ``pipelined=None`` pipelines when it pays."""
    pipelined = pipelining_pays() if pipelined is None else pipelined
    return (run_pipelined if pipelined else run_sequential)(frames, detect, rest, images, rate, fps, backfill, size)


def run_sequential(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True,
                   rate: AdaptiveRate | None = None, fps: float = 30.0, backfill: Detect | None = None,
                   size: tuple[int, int] | None = None) -> Scheduler:
    """Each frame through every stage, one after the other: the reference for ``run_pipelined``.

    ``images=False``: ``rest`` gets the frames without their pixels (it does not draw).
    ``rate``: the model skips frames while the body is slow (see ``Scheduler``: ``fps``
    is the video's, ``backfill`` the second model, ``size`` the frames' width and height).
    Returns the scheduler, which counted the model's calls.
    """
    scheduler = Scheduler(detect, rate, fps, backfill, size=size)
    for frame in frames:
        for ready in scheduler.feed(*for_the_stages(frame, images)):
            rest(*ready)
    for ready in scheduler.end():
        rest(*ready)
    return scheduler


def for_the_stages(frame: VideoFrame, images: bool) -> tuple[VideoFrame, ModelInput]:
    """The model's input, and the frame as the later stages need it: without its pixels
    if they do not draw, else halved toward the annotated size. The model's input starts
    with the same halving, so a 4K frame is halved once, and is what the full frame gives
    (the model's input keeps the halved frame, not the full one, for its zoomed search)."""
    height, width = frame.image.shape[:2]
    image = halve(frame.image, annotated_size(width, height))
    return replace(frame, image=image if images else None), prepare(image, (width, height))


def run_pipelined(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True,
                  rate: AdaptiveRate | None = None, fps: float = 30.0, backfill: Detect | None = None,
                  size: tuple[int, int] | None = None) -> Scheduler:
    """The same stages as ``run_sequential``, overlapped: decoding (and preparing the model's
    input) on one thread, ``detect`` on the calling thread, ``rest`` on a third.

    Each stage sees every frame in order, so the outcome is the same. The first error in
    any stage (or Ctrl-C) stops all three and is raised here.
    """
    stop = threading.Event()
    errors: list[BaseException] = []
    decoded: queue.Queue = queue.Queue(QUEUE_FRAMES)
    posed: queue.Queue = queue.Queue(QUEUE_FRAMES)

    def put(q: queue.Queue, item) -> None:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                q.put(item, timeout=POLL_S)
                return

    def get(q: queue.Queue):
        while not stop.is_set():
            with contextlib.suppress(queue.Empty):
                return q.get(timeout=POLL_S)
        return END

    def decode() -> None:
        for frame in frames:
            frame, model_input = for_the_stages(frame, images)
            # The picture check's picture is made here too, off the model's thread.
            put(decoded, (frame, model_input, motion_picture(model_input) if rate is not None else None))
            if stop.is_set():
                return
        put(decoded, END)

    def finish() -> None:
        while (item := get(posed)) is not END:
            rest(*item)

    def thread(work: Callable[[], None], name: str) -> threading.Thread:
        def guarded() -> None:
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - handed to the calling thread
                errors.append(error)
                stop.set()
        worker = threading.Thread(target=guarded, name=f"formcheck-{name}", daemon=True)
        worker.start()
        return worker

    scheduler = Scheduler(detect, rate, fps, backfill, size=size)
    decoder, finisher = thread(decode, "decode"), thread(finish, "finish")
    try:
        while (item := get(decoded)) is not END:
            for ready in scheduler.feed(*item):
                put(posed, ready)
        if not stop.is_set():
            for ready in scheduler.end():
                put(posed, ready)
        put(posed, END)
        finisher.join()
    finally:
        stop.set()
        decoder.join()
        finisher.join()
    if errors:
        raise errors[0]
    return scheduler


END = object()  # the end of a stage's frames
