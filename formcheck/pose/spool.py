"""A pose track kept on disk, so that analysing a video of hours takes no more memory than
one of minutes.

A ``PoseTrack`` in memory costs about 2 KB a frame (three small arrays per pose): 400 MB
for two hours at 30 fps. ``SpooledPoseTrack`` writes each pose as one fixed-size row of
float64 (exactly what was given, so every rule replayed on it answers the same) to an
anonymous temporary file as it comes, and reads the rows back a chunk at a time. Only the
frame times stay in memory (8 bytes a frame). The file has no name on disk: nothing is
left behind, whatever ends the run (Ctrl-C, an error, ``kill -9``).
"""

from __future__ import annotations

import os
import tempfile
import threading
import zipfile
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from formcheck.fileio import DISK_ERRNOS, WriteFailed, atomic_path
from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame, PoseTrack

# One row a frame: present, new_person, the pose's own time, then its landmarks.
_IMAGE = slice(3, 3 + 2 * N_LANDMARKS)
_WORLD = slice(_IMAGE.stop, _IMAGE.stop + 3 * N_LANDMARKS)
_VISIBILITY = slice(_WORLD.stop, _WORLD.stop + N_LANDMARKS)
ROW = _VISIBILITY.stop                 # 201 float64: 1,608 bytes a frame on disk
ROW_BYTES = ROW * 8
BUFFER_ROWS = 256                      # rows gathered before a write (400 kB)
CHUNK_ROWS = 2048                      # rows read back at a time (3.3 MB)


class SpooledPoseTrack(PoseTrack):
    """A ``PoseTrack`` whose poses live in a temporary file: ``append``, ``len``,
    ``times_s`` (an ``array('d')``) and ``poses`` (a read-only sequence, read in chunks)
    behave as a ``PoseTrack``'s do. ``close`` (or the end of a ``with``) frees the file."""

    def __init__(self, fps: float, width: int, height: int, folder: str | os.PathLike | None = None):
        super().__init__(fps=fps, width=width, height=height)
        self._folder = Path(folder or tempfile.gettempdir())
        try:
            self._file = tempfile.TemporaryFile(dir=self._folder, prefix=".formcheck-poses-")  # noqa: SIM115 - close()
        except OSError as error:  # the temporary folder is missing, read-only or full: say so in one line
            raise WriteFailed(error, self._folder) from error
        self._lock = threading.Lock()   # the page's frame reader looks while poses come
        self._buffer = np.zeros((BUFFER_ROWS, ROW))
        self._buffered = 0
        self._written = 0              # rows in the file
        self.times_s = array("d")
        self.poses = _SpooledPoses(self)

    # -- writing -------------------------------------------------------------------------
    def append(self, t_s: float, pose: PoseFrame | None) -> None:
        with self._lock:
            row = self._buffer[self._buffered]
            if pose is None:
                row[:] = 0.0
            else:
                row[0], row[1], row[2] = 1.0, float(pose.new_person), pose.t_s
                row[_IMAGE] = pose.image_xy.ravel()
                row[_WORLD] = pose.world_xyz.ravel()
                row[_VISIBILITY] = pose.visibility
            self._buffered += 1
            if self._buffered == BUFFER_ROWS:
                self._flush()
            self.times_s.append(float(t_s))

    def _flush(self) -> None:
        if not self._buffered:
            return
        try:
            os.pwrite(self._file.fileno(), self._buffer[:self._buffered].tobytes(), self._written * ROW_BYTES)
        except OSError as error:
            if error.errno in DISK_ERRNOS:
                raise WriteFailed(error, self._folder) from error
            raise
        self._written += self._buffered
        self._buffered = 0

    # -- reading -------------------------------------------------------------------------
    def rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` (a copy, whatever is still in the buffer too)."""
        with self._lock:
            self._flush()
            count = max(0, stop - start)
            data = os.pread(self._file.fileno(), count * ROW_BYTES, start * ROW_BYTES)
        return np.frombuffer(data, dtype=np.float64).reshape(-1, ROW).copy()

    def chunks(self) -> Iterator[np.ndarray]:
        """All rows in order, at most ``CHUNK_ROWS`` at a time."""
        for start in range(0, len(self), CHUNK_ROWS):
            yield self.rows(start, min(start + CHUNK_ROWS, len(self)))

    def __len__(self) -> int:
        return len(self.times_s)

    def save(self, path: str | os.PathLike) -> None:
        """The same ``.npz`` as ``PoseTrack.save`` (absent poses: NaN landmarks, zero
        visibility), each array streamed into the zip a chunk at a time."""
        n = len(self)
        columns = {"image_xy": (_IMAGE, (n, N_LANDMARKS, 2), np.nan),
                   "world_xyz": (_WORLD, (n, N_LANDMARKS, 3), np.nan),
                   "visibility": (_VISIBILITY, (n, N_LANDMARKS), 0.0)}
        with atomic_path(path, suffix=".tmp.npz") as tmp, \
                zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for name, value in (("fps", np.array(self.fps)), ("size", np.array([self.width, self.height])),
                                ("times_s", np.array(self.times_s))):
                with archive.open(f"{name}.npy", "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, value, allow_pickle=False)
            _stream(archive, "present", (n,), np.dtype(bool), (c[:, 0] == 1.0 for c in self.chunks()))
            for name, (columns_of, shape, absent) in columns.items():
                _stream(archive, name, shape, np.dtype(np.float64),
                        (np.where(c[:, :1] == 1.0, c[:, columns_of], absent) for c in self.chunks()))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SpooledPoseTrack:  # noqa: PYI034
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stream(archive: zipfile.ZipFile, name: str, shape: tuple, dtype: np.dtype, parts) -> None:
    with archive.open(f"{name}.npy", "w", force_zip64=True) as out:
        np.lib.format.write_array_header_1_0(out, {"descr": np.lib.format.dtype_to_descr(dtype),
                                                   "fortran_order": False, "shape": shape})
        for part in parts:
            out.write(np.ascontiguousarray(part, dtype=dtype).tobytes())


def _pose(row: np.ndarray) -> PoseFrame | None:
    if row[0] != 1.0:
        return None
    row = row.copy()  # a pose kept must not keep its whole chunk alive
    return PoseFrame(float(row[2]), row[_IMAGE].reshape(N_LANDMARKS, 2), row[_WORLD].reshape(N_LANDMARKS, 3),
                     row[_VISIBILITY], new_person=bool(row[1]))


class _SpooledPoses(Sequence):
    """A spooled track's poses, as a read-only sequence: ``None`` where nobody was seen."""

    def __init__(self, track: SpooledPoseTrack):
        self._track = track

    def __len__(self) -> int:
        return len(self._track)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("pose index out of range")
        return _pose(self._track.rows(index, index + 1)[0])

    def __iter__(self) -> Iterator[PoseFrame | None]:
        for chunk in self._track.chunks():
            for row in chunk:
                yield _pose(row)
