"""Benchmark clips made from a real one: looped to a useful length, or scaled to 720p / 4K.

Frames are re-encoded as H.264 with the ffmpeg of the ``imageio-ffmpeg`` wheel (a dev
dependency), like a phone or camera video; without it, as MPEG-4 part 2 through OpenCV.
Clips are cached in the temp folder, keyed by the source's name, size and time.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np

from formcheck.video import VideoReader

CACHE = Path(tempfile.gettempdir()) / "formcheck-benchmark"
# Standard frame sizes; a 4:3 clip is scaled to the height and centred on black.
SIZES = {"720p": (1280, 720), "4k": (3840, 2160)}
ENCODING_VERSION = 2  # bump when ``_write`` changes: cached clips are made again


def _ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    return imageio_ffmpeg.get_ffmpeg_exe()


def codec() -> str:
    return "H.264 (ffmpeg)" if _ffmpeg() else "MPEG-4 part 2 (OpenCV)"


def _cached(source: Path, tag: str) -> Path:
    stat = source.stat()
    key = f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{tag}:{codec()}:{ENCODING_VERSION}"
    key = hashlib.sha1(key.encode()).hexdigest()
    CACHE.mkdir(exist_ok=True)
    return CACHE / f"{source.stem}.{tag}.{key[:10]}.mp4"


def _write(frames, path: Path, fps: float, size: tuple[int, int]) -> None:
    tmp = path.with_suffix(".tmp.mp4")
    exe = _ffmpeg()
    if exe:
        cmd = [exe, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{size[0]}x{size[1]}",
               "-r", f"{fps}", "-i", "-", "-c:v", "libx264", "-preset", "fast", "-crf", "20",
               "-g", str(round(2 * fps)),  # a keyframe every 2 s, as phone cameras write them
               "-pix_fmt", "yuv420p", str(tmp)]
        with subprocess.Popen(cmd, stdin=subprocess.PIPE) as proc:
            for image in frames:
                proc.stdin.write(np.ascontiguousarray(image).tobytes())
            proc.stdin.close()
            if proc.wait() != 0:
                raise RuntimeError(f"ffmpeg failed writing {path}")
    else:
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        for image in frames:
            writer.write(image)
        writer.release()
    tmp.replace(path)


def _frames(source: Path, times: int = 1):
    """The source's frames, ``times`` over, one at a time (a 4K clip never sits in memory)."""
    for _ in range(times):
        with VideoReader(source) as video:
            yield from (frame.image for frame in video)


def _info(source: Path) -> tuple[int, float, int, int]:
    with VideoReader(source) as video:
        frames = sum(1 for _ in video)
        return frames, video.info.fps, video.info.width, video.info.height


def looped(source: Path, min_frames: int = 0, times: int | None = None) -> tuple[Path, int]:
    """``source`` played ``times`` over, or until it has at least ``min_frames``; (path, times played)."""
    frames, fps, width, height = _info(source)
    times = times or max(1, -(-min_frames // frames))
    path = _cached(source, f"x{times}")
    if not path.exists():
        _write(_frames(source, times), path, fps, (width, height))
    return path, times


def scaled(source: Path, name: str) -> Path:
    """``source`` upscaled to a standard frame size (``"720p"`` or ``"4k"``), keeping its shape."""
    width, height = SIZES[name]
    path = _cached(source, name)
    if not path.exists():
        _, fps, w, h = _info(source)
        inner_w = min(width, round(w * height / h))
        x0 = (width - inner_w) // 2

        def frame_at_size(image: np.ndarray) -> np.ndarray:
            canvas = np.zeros((height, width, 3), np.uint8)
            canvas[:, x0:x0 + inner_w] = cv2.resize(image, (inner_w, height), interpolation=cv2.INTER_CUBIC)
            return canvas

        _write((frame_at_size(image) for image in _frames(source)), path, fps, (width, height))
    return path
