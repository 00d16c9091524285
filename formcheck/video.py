"""Frame sources: video files (incl. animated GIFs), camera devices and URLs, with timestamps.

Timestamps come from the container (or the GIF's own frame delays), never from the
wall clock, so variable-frame-rate phone videos keep their true timing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from formcheck.errors import FormcheckError

VIDEO_EXTENSIONS = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".gif", ".mpg", ".mpeg", ".wmv"}
# A corrupt frame is skipped; this many failed reads in a row means the file ends here.
MAX_CONSECUTIVE_BAD_READS = 10
# Annotated videos are written at most at 720p: drawing and encoding larger frames costs
# more than the pose model (4K at 1080p: +13 ms a frame), and 720p shows the form as well.
MAX_ANNOTATED_SHORT_SIDE_PX = 720


def annotated_size(width: int, height: int) -> tuple[int, int]:
    """The size frames are drawn on (annotated video, thumbnails): at most 720p, even sides."""
    scale = MAX_ANNOTATED_SHORT_SIDE_PX / min(width, height)
    if scale < 1:  # even sides: the encoders want them
        return (2 * round(width * scale / 2), 2 * round(height * scale / 2))
    return (width, height)


def halve(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` halved by area averaging while it is at least twice ``size`` (width,
    height). An exact 2:1 step is OpenCV's fast path: ~2.5 ms from 4K, where area averaging
    to an arbitrary size costs 5-30 ms."""
    width, height = size
    while image.shape[1] >= 2 * width and image.shape[0] >= 2 * height and not (image.shape[0] | image.shape[1]) & 1:
        image = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_AREA)
    return image


def shrink(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` scaled down to ``size`` (width, height), smoothly and cheaply: ``halve``,
    then a bilinear step (faithful below 2:1) for the rest. Shrinking a halved image to a
    smaller size gives exactly what shrinking the original would."""
    image = halve(image, size)
    width, height = size
    if image.shape[:2] == (height, width):
        return image
    near = image.shape[1] < 2 * width and image.shape[0] < 2 * height
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR if near else cv2.INTER_AREA)


@dataclass(frozen=True)
class VideoFrame:
    index: int
    t_s: float
    image: np.ndarray  # BGR, upright


@dataclass(frozen=True)
class VideoInfo:
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0


def parse_source(source: str | int):
    """A camera source as typed by a user: ``"0"`` is device 0, anything else a path or URL."""
    if isinstance(source, int):
        return source
    return int(source) if str(source).strip().isdigit() else str(source)


def find_videos(folder: Path) -> list[Path]:
    """Every video file below ``folder``, sorted, recursively."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS)


def _gif_frame_times(path: Path) -> list[float] | None:
    """Start time of every frame of an animated GIF from its own frame delays."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with mediapipe's dependencies
        return None
    times, t = [], 0.0
    try:
        with Image.open(path) as gif:
            for i in range(getattr(gif, "n_frames", 1)):
                gif.seek(i)
                times.append(t)
                t += max(gif.info.get("duration", 100), 10) / 1000.0  # browsers treat <10 ms as 100 ms
    except (OSError, ValueError, EOFError, SyntaxError, Image.DecompressionBombError):
        pass  # a damaged GIF: the frames before the damage keep their times, the rest the decoder's
    return times or None


class VideoReader:
    """Reads a video file frame by frame with true timestamps.

    Usage::

        with VideoReader("clip.mp4") as video:
            for frame in video:
                ...

    Frames that fail to decode are skipped and counted (``bad_frames``); a file that
    ends before its header said is flagged ``truncated``.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise FormcheckError(f"no such file: {self.path}")
        if self.path.is_dir():
            raise FormcheckError(f"{self.path} is a folder, not a video")
        if self.path.stat().st_size == 0:
            raise FormcheckError(f"{self.path} is empty (0 bytes)")
        if self.path.suffix.lower() != ".gif" and cv2.haveImageReader(str(self.path)):
            raise FormcheckError(f"{self.path} is a still image, not a video")
        self._cap = cv2.VideoCapture(str(self.path))
        # Phone videos carry rotation metadata: decode them upright.
        self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        ok, first = self._cap.read() if self._cap.isOpened() else (False, None)
        if not ok or first is None:
            self._cap.release()
            raise FormcheckError(f"{self.path} is not a readable video (not a video, audio only, or damaged)")
        self._first = first
        self._first_t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self._gif_times = _gif_frame_times(self.path) if self.path.suffix.lower() == ".gif" else None
        if self._gif_times and len(self._gif_times) > 1:
            fps = (len(self._gif_times) - 1) / self._gif_times[-1] if self._gif_times[-1] > 0 else fps
        fps = fps if fps and 0 < fps < 1000 else 30.0
        count = self._cap.get(cv2.CAP_PROP_FRAME_COUNT)
        count = int(count) if 0 < count < 1e9 else 0  # 0: the container does not say
        self._count_known = count > 0
        self.info = VideoInfo(fps=float(fps), frame_count=max(count, 1),
                              width=first.shape[1], height=first.shape[0])
        self.bad_frames = 0
        self.frames_read = 0
        self.truncated = False

    def _timestamp(self, index: int) -> float:
        if self._gif_times and index < len(self._gif_times):
            return self._gif_times[index]
        t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 - self._first_t
        # Some containers report nothing useful; fall back to the nominal rate.
        return t if np.isfinite(t) and (t > 0 or index == 0) else index / self.info.fps

    def _decoded(self) -> Iterator[tuple[int, np.ndarray]]:
        yield 0, self._first
        index, bad_in_a_row = 1, 0
        bad_at: list[int] = []  # the frame index where each failed read happened
        while bad_in_a_row < MAX_CONSECUTIVE_BAD_READS:
            ok, image = self._cap.read()
            if ok and image is not None:
                bad_in_a_row = 0
                yield index, image
                index += 1
            else:
                bad_in_a_row += 1
                if not self._count_known or index + len(bad_at) >= self.info.frame_count:
                    break  # the normal end of the file
                bad_at.append(index)
        # Reads that failed at the very end are not corrupt frames but a cut-off file.
        if bad_in_a_row >= MAX_CONSECUTIVE_BAD_READS:
            bad_at = bad_at[:-bad_in_a_row]
        self.frames_read = index
        self.truncated = self._count_known and index + len(bad_at) < self.info.frame_count - 2
        if self.truncated:  # the half-written frames just before the cut belong to the cut too
            bad_at = [i for i in bad_at if i < index - MAX_CONSECUTIVE_BAD_READS]
        self.bad_frames = len(bad_at)

    def __iter__(self) -> Iterator[VideoFrame]:
        last_t = None
        for index, image in self._decoded():
            t = self._timestamp(index)
            if last_t is not None and t <= last_t:
                t = last_t + 1.0 / self.info.fps
            last_t = t
            yield VideoFrame(index, t, image)

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> "VideoReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
