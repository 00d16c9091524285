"""The annotated video: the overlay drawn on every frame at most at 720p, written whole."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.exercises.base import CommonThresholds, Exercise
from formcheck.fileio import atomic_path
from formcheck.overlay import Overlay
from formcheck.session import LiveState
from formcheck.video import annotated_size, shrink


class Annotator:
    """Draws the overlay on a frame, first scaled down to at most 720p (``size``)."""

    def __init__(self, exercise: Exercise, width: int, height: int, common: CommonThresholds | None = None):
        self.size = annotated_size(width, height)
        self._scale = np.array([self.size[0] / width, self.size[1] / height])
        self._resize = self.size != (width, height)
        self.overlay = Overlay(exercise, *self.size, common)

    def __call__(self, image: np.ndarray, state: LiveState) -> np.ndarray:
        if self._resize:
            image = shrink(image, self.size)
            if state.pose is not None:
                state = replace(state, pose=state.pose.replace(image_xy=state.pose.image_xy * self._scale))
        return self.overlay.draw(image, state)


@contextlib.contextmanager
def video_writer(path: Path, fps: float, size: tuple[int, int]) -> Iterator[cv2.VideoWriter]:
    """An mp4 writer into a hidden temporary file beside ``path``, which becomes ``path``
    when the block ends without an error (``fileio.atomic_path``), else is removed."""
    with atomic_path(path, suffix=".tmp.mp4") as tmp:
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        try:
            if not writer.isOpened():
                raise FormcheckError(f"cannot write video {path}")
            yield writer
        finally:
            writer.release()
