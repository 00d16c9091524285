"""Writing files so that a reader never sees half of one: a temporary file beside the
target, renamed over it only when complete; removed again on any error or Ctrl-C.

This is the package's one way to write a file whole (reports, pages, markers, pose
tracks, annotated videos, model bundles).

A write that fails because of where it goes (a full disk, a read-only or vanished folder,
no permission) raises ``WriteFailed``, an ``OSError`` that names the folder and the cause
in one line. A process killed mid-write (``kill -9``, a power cut) cannot clean up: its
temporary file stays, hidden (``.NAME.partial-XXXXXXXX.tmp``), and ``remove_leftovers``
finds it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterator

from formcheck import faults

PARTIAL = ".partial-"  # in every temporary file's name
_LEFTOVER = re.compile(r"^\..+\.partial-[A-Za-z0-9_]{8}(\.[^.]+)*$")
# Errors that say the disk or folder refuses the write (not that the data was wrong).
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}


class WriteFailed(OSError):
    """A file could not be written where it goes: ``str()`` is one line naming the folder
    and the cause, e.g. ``cannot write to /data/results: no space left on device``."""

    def __init__(self, cause: OSError, folder: Path):
        super().__init__(cause.errno, cause.strerror or str(cause), str(folder))
        self.folder = Path(folder)

    @property
    def cause(self) -> str:
        text = self.strerror or "unknown error"
        return text[0].lower() + text[1:]

    def __str__(self) -> str:
        return f"cannot write to {self.folder}: {self.cause}"

    def __reduce__(self):  # travels from a worker process to the run
        return _write_failed, (self.errno, self.strerror, str(self.folder))


def _write_failed(code: int, text: str, folder: str) -> WriteFailed:
    return WriteFailed(OSError(code, text), Path(folder))


def default_file_mode() -> int:
    """The mode a new file gets here (0666 less the umask); mkstemp's 0600 is for secrets."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp", durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without an error it
    becomes ``path`` (with the usual file mode), else it is removed.

    ``suffix`` keeps the extension where a writer needs it (e.g. ``".tmp.mp4"``).
    ``durable`` also syncs the folder, so the rename survives a power cut.

    Raises:
        WriteFailed: the temporary file could not be made or renamed, or the block failed
            with a full disk, a read-only folder or a file too big.
    """
    target = Path(path)
    with _as_write_failed(target, every=True):
        faults.check_write(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{PARTIAL}", suffix=suffix)
        os.close(fd)
    tmp = Path(tmp)
    try:
        with _as_write_failed(target, every=False):
            yield tmp
        with _as_write_failed(target, every=True):
            faults.check_write(target)
            os.chmod(tmp, default_file_mode())
            faults.point("write", target)
            os.replace(tmp, target)
        faults.point("written", target)
    finally:
        with contextlib.suppress(OSError):  # a folder gone read-only keeps it: remove_leftovers
            tmp.unlink(missing_ok=True)
    if durable:
        _fsync_dir(target.parent)


@contextlib.contextmanager
def _as_write_failed(target: Path, every: bool) -> Iterator[None]:
    """Turn an ``OSError`` into ``WriteFailed`` naming ``target``'s folder: every one
    (``every``; the block only touches the output), or only those of a disk that refuses."""
    try:
        yield
    except WriteFailed:
        raise
    except OSError as error:
        if every or error.errno in DISK_ERRNOS:
            raise WriteFailed(error, target.parent) from error
        raise


def write_bytes_atomic(path: str | os.PathLike, content: bytes) -> None:
    with atomic_path(path) as tmp, _as_write_failed(Path(path), every=True):
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp, _as_write_failed(Path(path), every=True):
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())


def write_json_atomic(path: str | os.PathLike, data: Any) -> None:
    """``data`` as indented UTF-8 JSON with a final newline, written whole."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def is_leftover(path: Path) -> bool:
    """Whether ``path`` is the temporary file of a write that never finished."""
    return bool(_LEFTOVER.match(path.name))


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files that killed writers left below ``folder``; returns them.
    Call it only while no one writes there (e.g. holding the folder's lock)."""
    removed = []
    for path in Path(folder).rglob(f".*{PARTIAL}*"):
        if is_leftover(path) and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
