"""MediaPipe PoseLandmarker wrapper: BGR frames with video timestamps in, PoseFrames out."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python.core.base_options import BaseOptions
from mediapipe.tasks.python.vision import pose_landmarker as mp_pose
from mediapipe.tasks.python.vision.core.vision_task_running_mode import VisionTaskRunningMode

from formcheck.errors import FormcheckError
from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame
from formcheck.pose.person import CUT_GRID, RELOCK_S, PersonLock, box
from formcheck.video import shrink

# The model looks at 256x256 crops; larger frames only cost conversion time.
MAX_INFERENCE_SIDE_PX = 640
# MediaPipe's native code logs set-up chatter to stderr on creation, the first frames and close.
NOISY_FIRST_FRAMES = 3

# A person too small for the model in the whole frame is looked for zoomed in (``_Zoom``).
# The model pads a picture to a square and its detector finds a person whose landmarks
# span at least ~1/4 of that square's side: so measured on the sample clips' frames shrunk
# into square pictures (found in 28 of 28 at 1/4 and up, in 21 of 28 at 1/5, in 17 at
# 0.15; the landmarks then within 1-2% of the person's height of where the unshrunk frame
# put them). A person filmed from afar in portrait (1/6 of a 960 px height) spans 1/6 of
# the model's square: the population's squat-036 was found in none of its first 5.8 s.
ZOOM_FOUND_SHARE = 0.25
# Nobody found in the whole frame: look in square windows of the frame, this share of
# its height (at most its width), each overlapping its neighbours by half, coarsest first:
# at 1/2 a person of 1/6 of the height spans 1/3 of the window, and any person up to 1/4
# of the height lies wholly in one window. (A person larger than 1/4 of the height in a
# portrait frame already spans 1/4 of the model's square.)
ZOOM_WINDOWS = (1.0, 0.5)
# A window magnifies for the model by the frame's longer side over its own: one that
# magnifies less than this is left out (in a 4:3 frame, a square of its full height).
ZOOM_MIN_MAGNIFY = 1.5
# Windows are looked in once the whole frame has found nobody for this long: the model
# takes a few frames to find a person it can see (a filmed smith-machine squat: its first
# 4 frames), and a window of a large person can look like a whole small one (that clip's
# bar and arms were read as a person 1/10 of the frame tall, and the lock then refused
# the real one) ...
ZOOM_AFTER_S = 0.5
# ... and then at most this often: each window is a model call of its own ...
ZOOM_SEARCH_EVERY_S = 0.5
# ... and at most this many windows at a time (the next search goes on with the next
# windows): a 9:16 portrait frame has 9, a 16:9 landscape one 24.
ZOOM_SEARCH_WINDOWS = 4
# Found zoomed in: on the next frames the model looks at a square this many times the
# person's landmarks' span, around where they were (room to move between frames) ...
ZOOM_FOLLOW_SPAN = 2.0
# ... the same square while they keep this share of its side from its edges, else a new
# one around them (and a new follower: its tracking is in the square's coordinates).
ZOOM_FOLLOW_ROOM = 0.1


@contextlib.contextmanager
def _native_stderr_silenced():
    """Silence C++ logging on file descriptor 2 (set FORMCHECK_DEBUG=1 to see it)."""
    if os.environ.get("FORMCHECK_DEBUG"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@dataclass(frozen=True)
class ModelInput:
    """A frame made ready for the model: downscaled RGB, and the size of the original frame.

    Making it needs no model, so a decoding thread can do it while the model is busy.
    """

    image: mp.Image
    width: int   # of the original frame: landmarks are given in its pixels
    height: int
    # The (BGR) frame ``image`` was made from, maybe ``halve``d: the zoomed search's
    # windows are cut from it, at more pixels than the model's picture has.
    source: np.ndarray | None = None

    def bgr(self) -> np.ndarray:
        """The model's picture as a BGR array of its own (to look at again, e.g. to say why
        nobody was found)."""
        return cv2.cvtColor(self.image.numpy_view(), cv2.COLOR_RGB2BGR)

    @functools.cached_property
    def grey(self) -> np.ndarray:
        """The model's picture in grey, made once for whoever compares pictures (the person
        lock's cut detection, the adaptive rate's motion check)."""
        return cv2.cvtColor(self.image.numpy_view(), cv2.COLOR_RGB2GRAY)


def prepare(image_bgr: np.ndarray, full_size: tuple[int, int] | None = None) -> ModelInput:
    """Downscale a BGR frame to at most ``MAX_INFERENCE_SIDE_PX`` and convert it to RGB.

    ``full_size`` (width, height): the frame's size before it was ``halve``d, if it was; the
    model's input is then exactly the one the full frame gives, and landmarks are in its pixels.
    """
    width, height = full_size or (image_bgr.shape[1], image_bgr.shape[0])
    scale = MAX_INFERENCE_SIDE_PX / max(height, width)
    small = shrink(image_bgr, (round(width * scale), round(height * scale))) if scale < 1 else image_bgr
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    return ModelInput(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), width, height, image_bgr)


def _pose_of(result, t_s: float, region: tuple[float, float, float, float],
             size: tuple[float, float]) -> PoseFrame | None:
    """A PoseFrame from MediaPipe's result for a picture that is ``region`` (x, y, width,
    height, in units of ``size``) of the frame: landmarks in the frame's pixels."""
    if not result.pose_landmarks or len(result.pose_landmarks[0]) != N_LANDMARKS:
        return None
    # A landmark outside the picture (MediaPipe guesses where it would be) is not visible,
    # whatever its visibility says: presence is the model's likelihood of it being in the picture.
    image = np.array([(lm.x, lm.y, min(1.0 if lm.visibility is None else lm.visibility,
                                       1.0 if lm.presence is None else lm.presence))
                      for lm in result.pose_landmarks[0]])
    world_xyz = np.array([(lm.x, lm.y, lm.z) for lm in result.pose_world_landmarks[0]])
    x, y, width, height = region
    image_xy = (np.array([x, y]) + image[:, :2] * (width, height)) * size
    return PoseFrame(t_s=t_s, image_xy=image_xy, world_xyz=world_xyz, visibility=image[:, 2])


def _windows(width: int, height: int) -> list[tuple[int, int, int]]:
    """The zoomed search's square windows of a ``width`` x ``height`` picture: (x, y, side),
    overlapping by half a side; coarsest first, and the middle first (where people put
    themselves in the picture)."""
    found = []
    for share in ZOOM_WINDOWS:
        side = min(round(share * height), width, height)
        if side * ZOOM_MIN_MAGNIFY > max(width, height):
            continue  # hardly larger for the model than the whole frame
        step = max(side // 2, 1)
        xs = sorted({*range(0, width - side + 1, step), width - side})
        ys = sorted({*range(0, height - side + 1, step), height - side})
        level = [(x, y, side) for y in ys for x in xs if (x, y, side) not in found]
        found += sorted(level, key=lambda w: abs(2 * w[0] + side - width) + abs(2 * w[1] + side - height))
    return found


class _Zoom:
    """The person when the whole frame shows them too small for the model: found in zoomed
    windows of the frame (a few every ``ZOOM_SEARCH_EVERY_S``), then followed, while the
    whole frame finds nobody, in a square around where they were, by a model of its own
    in VIDEO mode (tracked from frame to frame, as the whole frame's model does)."""

    def __init__(self, look, create):
        self._look = look      # (RGB picture, t_s, region of the frame) -> PoseFrame | None, by itself
        self._create = create  # () -> a new VIDEO-mode landmarker
        self._region: tuple[int, int, int, int] | None = None  # followed here (the source's pixels)
        self._tracker = None   # the follower, made afresh for each region
        self._searched_s = -math.inf
        self._missing_s: float | None = None  # since when the whole frame finds nobody
        self._whole: PoseFrame | None = None  # the last person the whole frame found
        self._next = 0  # the window the next search starts with

    def seen(self, pose: PoseFrame) -> None:
        """The whole frame found someone: it follows them, not the zoom."""
        self.stop()
        self._whole, self._missing_s = pose, None

    def find(self, frame: ModelInput, t_s: float, t_ms: int) -> PoseFrame | None:
        source = frame.source
        if source is None or not frame.width:
            return None
        scale = source.shape[1] / frame.width  # the source is the frame, maybe halved
        if self._missing_s is None:
            self._missing_s = t_s
        if self._region is not None:
            pose = self._follow(frame, t_s, t_ms, scale)
            if pose is not None:
                return pose
            self.stop()
        if t_s - self._missing_s < ZOOM_AFTER_S or t_s - self._searched_s < ZOOM_SEARCH_EVERY_S:
            return None
        self._searched_s = t_s
        windows = _windows(source.shape[1], source.shape[0])
        for _ in range(min(ZOOM_SEARCH_WINDOWS, len(windows))):
            x, y, side = windows[self._next % len(windows)]
            self._next = (self._next + 1) % len(windows)
            window = (x, y, x + side, y + side)
            pose = self._small_and_whole(self._look(self._cut(source, window), t_s, _region(window, scale)),
                                         frame, scale, window)
            if pose is not None:
                self._region = self._around(pose, scale, source.shape)
                return pose
        return None

    def _follow(self, frame: ModelInput, t_s: float, t_ms: int, scale: float) -> PoseFrame | None:
        if self._tracker is None:
            self._tracker = self._create()
        square = self._region
        picture = mp.Image(image_format=mp.ImageFormat.SRGB, data=self._cut(frame.source, square))
        with _native_stderr_silenced():  # its first frames log
            result = self._tracker.detect_for_video(picture, t_ms)
        pose = self._small_and_whole(_pose_of(result, t_s, _region(square, scale), (1, 1)), frame, scale, square)
        if pose is not None and not self._well_inside(pose, scale, square):
            self.stop()  # near the square's edge: a new square around them from the next frame
            self._region = self._around(pose, scale, frame.source.shape)
        return pose

    def stop(self) -> None:
        """Follow no more (the whole frame finds them, or the follower lost them)."""
        self._region = None
        if self._tracker is not None:
            with _native_stderr_silenced():
                self._tracker.close()
            self._tracker = None

    @staticmethod
    def _cut(source: np.ndarray, window: tuple[int, int, int, int]) -> np.ndarray:
        x0, y0, x1, y1 = window
        return np.ascontiguousarray(cv2.cvtColor(source[y0:y1, x0:x1], cv2.COLOR_BGR2RGB))

    @staticmethod
    def _around(pose: PoseFrame, scale: float, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
        """A square ``ZOOM_FOLLOW_SPAN`` times the pose's span around it, in the frame,
        in the source's pixels."""
        x0, y0, x1, y1 = _source_box(pose, scale)
        height, width = shape[:2]
        side = min(round(ZOOM_FOLLOW_SPAN * max(x1 - x0, y1 - y0)), width, height)
        left = min(max(round((x0 + x1 - side) / 2), 0), width - side)
        top = min(max(round((y0 + y1 - side) / 2), 0), height - side)
        return left, top, left + side, top + side

    @staticmethod
    def _well_inside(pose: PoseFrame, scale: float, square: tuple[int, int, int, int]) -> bool:
        """Whether the pose keeps ``ZOOM_FOLLOW_ROOM`` of the square's side from its edges."""
        x0, y0, x1, y1 = square
        room = ZOOM_FOLLOW_ROOM * (x1 - x0)
        px0, py0, px1, py1 = _source_box(pose, scale)
        return px0 >= x0 + room and py0 >= y0 + room and px1 <= x1 - room and py1 <= y1 - room

    def _small_and_whole(self, pose: PoseFrame | None, frame: ModelInput, scale: float,
                         window: tuple[int, int, int, int]) -> PoseFrame | None:
        """The pose found in ``window`` (the source's pixels) if it is a small person wholly
        in it: someone larger the whole frame would have found (missed, they were cut off
        or hidden, and zooming in tells no more); a body cut by the window's edge is a part
        of a larger one, or will be seen whole in another window; and one within the box of
        the person the whole frame found last (less than ``RELOCK_S`` ago) is a part of them."""
        if pose is None:
            return None
        whole = self._whole
        if whole is not None and pose.t_s - whole.t_s < RELOCK_S:
            (cx, cy), (bx0, by0, bx1, by1) = pose.image_xy.mean(axis=0), box(whole)
            if bx0 <= cx <= bx1 and by0 <= cy <= by1:
                return None
        x0, y0, x1, y1 = window
        px0, py0, px1, py1 = _source_box(pose, scale)
        if max(px1 - px0, py1 - py0) / scale >= ZOOM_FOUND_SHARE * max(frame.width, frame.height):
            return None
        height, width = frame.source.shape[:2]
        inside = ((px0 >= x0 or x0 == 0) and (py0 >= y0 or y0 == 0)
                  and (px1 <= x1 or x1 == width) and (py1 <= y1 or y1 == height))
        return pose if inside else None


def _source_box(pose: PoseFrame, scale: float) -> tuple[float, float, float, float]:
    """The pose's bounding box (``person.box``) in the source's pixels (the frame's x ``scale``)."""
    x0, y0, x1, y1 = box(pose)
    return x0 * scale, y0 * scale, x1 * scale, y1 * scale


def _region(window: tuple[int, int, int, int], scale: float) -> tuple[float, float, float, float]:
    """A window of the source's pixels (x0, y0, x1, y1) as a region of the frame: x, y, width, height."""
    x0, y0, x1, y1 = window
    return x0 / scale, y0 / scale, (x1 - x0) / scale, (y1 - y0) / scale


class PoseEstimator:
    """One person's pose per frame, in VIDEO mode (tracking between frames), staying on the
    person who was there first when someone else comes into view (see ``PersonLock``).

    Usage::

        with PoseEstimator(model_path) as estimator:
            pose = estimator.detect(frame_bgr, t_s)   # PoseFrame or None

    Timestamps must come from the video; they are made strictly increasing
    (MediaPipe rejects repeats) without changing their spacing.
    """

    def __init__(self, model_path: str | Path, min_confidence: float = 0.5, quiet: bool = False,
                 zoom: bool = True):
        """``quiet``: silence MediaPipe's native logging on every frame, not only the first
        few (pictures of changing sizes, as when probing crops, make it log). ``zoom``: look
        for a person too small for the model in zoomed-in parts of the frame (``_Zoom``);
        not for unrelated pictures, which say nothing about each other."""
        self._model_path, self._min_confidence = model_path, min_confidence
        self._landmarker = self._create(VisionTaskRunningMode.VIDEO)
        self._searcher = None  # an IMAGE-mode model to find the followed person in a crop, when needed
        self._person = PersonLock()
        self._last_ms = -1
        self._frames = 0
        self._quiet = quiet
        # a person too small for the model in the whole frame
        self._zoom = _Zoom(self._look, lambda: self._create(VisionTaskRunningMode.VIDEO)) if zoom else None

    def _create(self, mode: VisionTaskRunningMode):
        options = mp_pose.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self._model_path)),
            running_mode=mode,
            num_poses=1,
            min_pose_detection_confidence=self._min_confidence,
            min_pose_presence_confidence=self._min_confidence,
            min_tracking_confidence=self._min_confidence,
        )
        try:
            with _native_stderr_silenced():
                return mp_pose.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as error:
            raise FormcheckError(f"cannot load pose model {self._model_path}: {error}. "
                                 "Rebuild it with `formcheck models fetch --force`") from None

    def detect(self, image_bgr: np.ndarray, t_s: float) -> PoseFrame | None:
        return self.detect_prepared(prepare(image_bgr), t_s)

    def detect_prepared(self, frame: ModelInput, t_s: float) -> PoseFrame | None:
        """``detect`` on a frame already made ready with ``prepare``."""
        t_ms = max(int(round(t_s * 1000)), self._last_ms + 1)
        self._last_ms = t_ms
        self._frames += 1
        if self._frames <= NOISY_FIRST_FRAMES or self._quiet:
            with _native_stderr_silenced():
                result = self._landmarker.detect_for_video(frame.image, t_ms)
        else:
            result = self._landmarker.detect_for_video(frame.image, t_ms)
        pose = _pose_of(result, t_s, (0, 0, 1, 1), (frame.width, frame.height))
        if self._zoom is not None:
            if pose is None:  # nobody, or someone too small for the model
                pose = self._zoom.find(frame, t_s, t_ms)
            else:
                self._zoom.seen(pose)
        return self._one_person(pose, frame, t_s)

    def _one_person(self, pose: PoseFrame | None, frame: ModelInput, t_s: float) -> PoseFrame | None:
        """The pose of the person followed so far (see ``formcheck.pose.person``)."""
        person = self._person
        person.look(cv2.resize(frame.grey, CUT_GRID, interpolation=cv2.INTER_AREA))
        if pose is None or person.same(pose):
            return person.accept(pose) if pose is not None else None
        found = self._search(frame, t_s)  # someone else: is the followed person still there?
        if found is not None and person.same(found):
            return person.accept(found)
        if person.gone_s(t_s) >= RELOCK_S:
            return person.accept(pose.replace(new_person=True))
        return None

    def _search(self, frame: ModelInput, t_s: float) -> PoseFrame | None:
        """The pose in a crop around where the followed person was last seen."""
        picture = frame.image.numpy_view()
        scale = picture.shape[1] / frame.width  # the model's picture is the frame, downscaled
        where = self._person.search_box(picture.shape[1], picture.shape[0]) if scale > 0 else None
        if where is None:
            return None
        x0, y0, x1, y1 = crop = tuple(round(v * scale) for v in where)
        return self._look(picture[y0:y1, x0:x1], t_s, _region(crop, scale))

    def _look(self, rgb: np.ndarray, t_s: float, region: tuple[float, float, float, float]) -> PoseFrame | None:
        """The pose in an RGB picture that is ``region`` (x, y, width, height) of the frame,
        in its pixels; by itself, not tracked from other pictures."""
        if self._searcher is None:
            self._searcher = self._create(VisionTaskRunningMode.IMAGE)
        picture = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with _native_stderr_silenced():  # a new picture size each time makes it log
            result = self._searcher.detect(picture)
        return _pose_of(result, t_s, region, (1, 1))

    def close(self) -> None:
        with _native_stderr_silenced():
            self._landmarker.close()
            if self._zoom is not None:
                self._zoom.stop()
            if self._searcher is not None:
                self._searcher.close()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
