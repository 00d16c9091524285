"""MediaPipe PoseLandmarker wrapper: BGR frames with video timestamps in, PoseFrames out."""

from __future__ import annotations

import contextlib
import functools
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
from formcheck.pose.person import CUT_GRID, RELOCK_S, PersonLock
from formcheck.video import shrink

# The model looks at 256x256 crops; larger frames only cost conversion time.
MAX_INFERENCE_SIDE_PX = 640
# MediaPipe's native code logs set-up chatter to stderr on creation, the first frames and close.
NOISY_FIRST_FRAMES = 3


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
    return ModelInput(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), width, height)


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


class PoseEstimator:
    """One person's pose per frame, in VIDEO mode (tracking between frames), staying on the
    person who was there first when someone else comes into view (see ``PersonLock``).

    Usage::

        with PoseEstimator(model_path) as estimator:
            pose = estimator.detect(frame_bgr, t_s)   # PoseFrame or None

    Timestamps must come from the video; they are made strictly increasing
    (MediaPipe rejects repeats) without changing their spacing.
    """

    def __init__(self, model_path: str | Path, min_confidence: float = 0.5, quiet: bool = False):
        """``quiet``: silence MediaPipe's native logging on every frame, not only the first
        few (pictures of changing sizes, as when probing crops, make it log)."""
        self._model_path, self._min_confidence = model_path, min_confidence
        self._landmarker = self._create(VisionTaskRunningMode.VIDEO)
        self._searcher = None  # an IMAGE-mode model to find the followed person in a crop, when needed
        self._person = PersonLock()
        self._last_ms = -1
        self._frames = 0
        self._quiet = quiet

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
        return self._one_person(_pose_of(result, t_s, (0, 0, 1, 1), (frame.width, frame.height)), frame, t_s)

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
        x0, y0, x1, y1 = (round(v * scale) for v in where)
        crop = np.ascontiguousarray(picture[y0:y1, x0:x1])
        if self._searcher is None:
            self._searcher = self._create(VisionTaskRunningMode.IMAGE)
        with _native_stderr_silenced():  # a new picture size each time makes it log
            result = self._searcher.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=crop))
        full = (x0 / scale, y0 / scale, (x1 - x0) / scale, (y1 - y0) / scale)
        return _pose_of(result, t_s, full, (1, 1))

    def close(self) -> None:
        with _native_stderr_silenced():
            self._landmarker.close()
            if self._searcher is not None:
                self._searcher.close()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
