"""The annotated video: the overlay drawn on every frame at most at 720p, and encoded as it
comes as H.264 in MP4 (yuv420p, the index at the front: "faststart"), which every browser
plays, so the report page can show it. Written whole: a hidden file until the end.

The encoder is FFmpeg's libx264 through PyAV (which bundles FFmpeg). OpenCV's own MP4
writer only offers MPEG-4 Part 2 ("mp4v"), which browsers refuse, and re-encoding its
file afterwards would cost a second pass over every frame.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.exercises.base import CommonThresholds, Exercise
from formcheck.fileio import atomic_path
from formcheck.overlay import Overlay, Presenter
from formcheck.session import LiveState
from formcheck.video import annotated_size, shrink

# The containers an annotated video may be written in, by file suffix: all hold H.264.
CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}
# x264's "veryfast" preset at its default quality (CRF 23): at 640x480 ~4 ms of one core a
# frame (mp4v took ~1.5 ms) for a file a quarter of mp4v's size; slower presets cost
# more and, at this quality, save little. One thread: the other core runs the pose model.
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
X264_THREADS = 1
TIME_BASE = Fraction(1, 90_000)  # frame times as the video had them (variable frame rates too)


class Annotator:
    """Draws the overlay on the frames of one video (or camera) in order, each first scaled
    down to ``size`` (width, height; by default at most 720p), so the overlay is drawn at
    the size it is seen; what a frame shows over time is the ``Presenter``'s."""

    def __init__(self, exercise: Exercise, width: int, height: int, common: CommonThresholds | None = None,
                 size: tuple[int, int] | None = None):
        self.size = size or annotated_size(width, height)
        self._scale = np.array([self.size[0] / width, self.size[1] / height])
        self._resize = self.size != (width, height)
        self.overlay = Overlay(exercise, *self.size, common)
        self.present = Presenter(exercise)

    def shrink(self, image: np.ndarray) -> np.ndarray:
        """The frame at the drawing size."""
        return shrink(image, self.size) if self._resize else image

    def __call__(self, image: np.ndarray, state: LiveState, mirror: bool = False) -> np.ndarray:
        """The frame with the overlay (``mirror``: flipped for a selfie view, the text not)."""
        state = self.present(state)
        if self._resize:
            image = shrink(image, self.size)
            if state.pose is not None:
                state = replace(state, pose=state.pose.replace(image_xy=state.pose.image_xy * self._scale))
        return self.overlay.draw(image, state, mirror=mirror)


def check_video_path(path: Path) -> None:
    """Refuse, before any work, a name whose suffix says a container this is not written in."""
    if Path(path).suffix.lower() not in CONTAINERS:
        kinds = ", ".join(list(CONTAINERS)[:-1]) + " or " + list(CONTAINERS)[-1]
        raise FormcheckError(f"cannot write the annotated video as {Path(path).name}: it is H.264, written as "
                             f"{kinds}; try {Path(path).with_suffix('.mp4').name}")


class VideoWriter:
    """Encodes BGR frames as H.264 (yuv420p) into a file, each as it comes, at its own time.

    Usage::

        writer = VideoWriter(Path("a.mp4"), fps=30.0, size=(640, 480))
        writer.write(image, t_s=0.0)
        writer.close()

    ``size`` (width, height) is cropped to even sides, as 4:2:0 chroma needs; frames
    are cropped alike (at most one pixel row and column).
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int], container: str = "mp4"):
        import av  # FFmpeg's libraries: ~30 MB, loaded only when a video is written

        self._av = av
        self.width, self.height = size[0] & ~1, size[1] & ~1
        if self.width < 2 or self.height < 2:
            raise FormcheckError(f"cannot write video {path}: frames of {size[0]}x{size[1]} are too small")
        options = {"movflags": "+faststart"} if container in ("mp4", "mov") else {}
        try:
            self._file = av.open(str(path), "w", format=container, options=options)
        except (av.error.FFmpegError, OSError) as error:
            raise FormcheckError(f"cannot write video {path}: {error}") from None
        self._stream = self._file.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        self._stream.width, self._stream.height, self._stream.pix_fmt = self.width, self.height, "yuv420p"
        self._stream.codec_context.time_base = TIME_BASE
        self._stream.codec_context.thread_count = X264_THREADS
        self._stream.options = dict(X264_OPTIONS)
        self.frames = 0

    def write(self, image: np.ndarray, t_s: float) -> None:
        """One BGR frame, shown from ``t_s`` seconds (times must increase)."""
        image = image[:self.height, :self.width]
        if image.shape[:2] != (self.height, self.width):
            raise ValueError(f"frame of {image.shape[1]}x{image.shape[0]}, not {self.width}x{self.height}")
        yuv = cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420)  # faster than FFmpeg's own conversion
        frame = self._av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts, frame.time_base = round(t_s / TIME_BASE), TIME_BASE
        self._file.mux(self._stream.encode(frame))
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and finish the file (faststart moves its index to the front)."""
        try:
            self._file.mux(self._stream.encode(None))
        finally:
            self._file.close()

    def abandon(self) -> None:
        """Close without finishing: the file is to be thrown away."""
        with contextlib.suppress(Exception):
            self._file.close()


@contextlib.contextmanager
def video_writer(path: Path, fps: float, size: tuple[int, int]) -> Iterator[VideoWriter]:
    """A ``VideoWriter`` into a hidden temporary file beside ``path``, which becomes ``path``
    when the block ends without an error (``fileio.atomic_path``), else is removed.
    The container follows ``path``'s suffix (``CONTAINERS``); any other is refused."""
    check_video_path(path)
    suffix = Path(path).suffix.lower()
    with atomic_path(path, suffix=".tmp" + suffix) as tmp:
        writer = VideoWriter(tmp, fps, size, CONTAINERS[suffix])
        try:
            yield writer
        except BaseException:
            writer.abandon()
            raise
        writer.close()
