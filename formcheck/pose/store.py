"""Pose tracks stored small: the landmarks quantised (image coordinates in 1/2048 of the
frame, under a pixel even at 1080p and well inside MediaPipe's own jitter; world coordinates
in 2 mm; visibility in 1/63), coded as frame-to-frame differences, laid out landmark by
landmark (each one's differences side by side compress best) and xz-compressed: about 60
bytes a frame, so the rendered population's tracks fit in the repository and replay in
seconds."""
from __future__ import annotations

import io
import json
import lzma
from pathlib import Path

import numpy as np

from formcheck.fileio import write_bytes_atomic
from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame, PoseTrack

IMAGE_SCALE = 2048    # normalised image coordinates in 1/2048 of the frame
WORLD_SCALE = 500     # world coordinates in 2 mm
VISIBILITY_SCALE = 63
FORMAT = 2            # 1: 1/16384 of the frame, 0.5 mm, frame by frame


def _deltas(values: np.ndarray, dtype) -> np.ndarray:
    """Frame-to-frame differences, wrapping in ``dtype`` (exactly undone by ``_undelta``),
    frames last: (landmark, ..., frame)."""
    q = values.astype(dtype)
    out = q.copy()
    out[1:] = q[1:] - q[:-1]
    return np.moveaxis(out, 0, -1)


def _undelta(deltas: np.ndarray) -> np.ndarray:
    return np.cumsum(np.moveaxis(deltas, -1, 0), axis=0, dtype=deltas.dtype)


def save_track(path: Path, track: PoseTrack, truth: dict) -> None:
    """A pose track and what is known of it (``truth``, any JSON) in one small file,
    written whole or not at all."""
    n = len(track.poses)
    present = np.array([p is not None for p in track.poses])
    image = np.zeros((n, N_LANDMARKS, 2))
    world = np.zeros((n, N_LANDMARKS, 3))
    vis = np.zeros((n, N_LANDMARKS))
    last = None
    for i, p in enumerate(track.poses):
        last = p or last  # an empty frame repeats the last pose: zero deltas
        if last is not None:
            image[i] = last.image_xy / (track.width, track.height)
            world[i], vis[i] = last.world_xyz, last.visibility
    buffer = io.BytesIO()
    np.savez(buffer, format=FORMAT, fps=track.fps, size=np.array([track.width, track.height]),
             times_s=np.array(track.times_s), present=present,
             image=_deltas(np.round((image + 1.0) * IMAGE_SCALE), np.uint16),
             world=_deltas(np.round(world * WORLD_SCALE).astype(np.int16).view(np.uint16), np.uint16),
             visibility=_deltas(np.round(vis * VISIBILITY_SCALE), np.uint8),
             truth=np.array(json.dumps(truth)))
    write_bytes_atomic(path, lzma.compress(buffer.getvalue(), preset=9 | lzma.PRESET_EXTREME))


def load_track(path: Path) -> tuple[PoseTrack, dict]:
    """(PoseTrack, truth) from ``save_track``'s file."""
    with np.load(io.BytesIO(lzma.decompress(Path(path).read_bytes()))) as data:
        if "format" not in data.files or int(data["format"]) != FORMAT:
            raise ValueError(f"{path}: an older pose-track format; render it again")
        width, height = (int(v) for v in data["size"])
        track = PoseTrack(fps=float(data["fps"]), width=width, height=height)
        image = _undelta(data["image"]).astype(float) / IMAGE_SCALE - 1.0
        image *= (width, height)
        world = _undelta(data["world"]).view(np.int16).astype(float) / WORLD_SCALE
        vis = _undelta(data["visibility"]).astype(float) / VISIBILITY_SCALE
        for i, (t, seen) in enumerate(zip(data["times_s"], data["present"])):
            track.append(float(t), PoseFrame(float(t), image[i], world[i], vis[i]) if seen else None)
        truth = json.loads(str(data["truth"]))
    return track, truth
