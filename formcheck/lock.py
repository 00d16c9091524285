"""One writer per results folder: a lock that the operating system lets go of when its
holder ends, however it ends (``kill -9`` included), so it never stays stuck.

The lock is ``fcntl.flock`` on ``RESULTS/.formcheck/lock`` (``msvcrt.locking`` on
Windows). The file also says who holds it (process id, start time), for the message a
second run gives; the file itself stays, and its being there means nothing.

Example::

    with results_lock(Path("results"), wait_s=0):
        ...  # write reports
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from formcheck.errors import FormcheckError
from formcheck.markers import MARKER_DIR

LOCK_NAME = "lock"
EXIT_BUSY = 75  # sysexits' EX_TEMPFAIL: try again later
POLL_S = 0.5


class FolderBusy(FormcheckError):
    def __init__(self, message: str):
        super().__init__(message, exit_code=EXIT_BUSY)


@contextlib.contextmanager
def results_lock(results: Path, wait_s: float = 0.0, on_wait: Callable[[str], None] | None = None
                 ) -> Iterator[None]:
    """Hold the lock of ``results`` for the block.

    Args:
        results: the results folder (it must exist).
        wait_s: how long to wait for another run to finish; 0: refuse at once.
        on_wait: told once, in one line, that this run is waiting and for whom.

    Raises:
        FolderBusy: another run still holds it after ``wait_s`` (one line naming it).
        FormcheckError: the lock file cannot be made (e.g. a read-only folder).
    """
    path = Path(results) / MARKER_DIR / LOCK_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, _OPEN_FLAGS, 0o666)
    except OSError as error:
        raise FormcheckError(f"cannot write to results folder {results}: "
                             f"{(error.strerror or str(error)).lower()}") from None
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while not _try_lock(fd):
            holder = _holder(path)
            if time.monotonic() >= deadline:
                raise FolderBusy(f"another formcheck run{holder} is writing to {results}; "
                                 "wait for it to finish, or choose another --out folder")
            if on_wait is not None and not told:
                on_wait(f"waiting for another formcheck run{holder} to finish with {results}")
                told = True
            time.sleep(POLL_S)
        _say_holder(path)
        yield
    finally:
        os.close(fd)  # closing lets go of the lock


try:
    import fcntl
except ImportError:  # Windows: a locked byte of a file open for writing
    import msvcrt
    _OPEN_FLAGS = os.O_RDWR | os.O_CREAT

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    # Read-only: a file held open for writing would keep its disk from being remounted
    # read-only (and flock needs no write access).
    _OPEN_FLAGS = os.O_RDONLY | os.O_CREAT

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _say_holder(path: Path) -> None:
    """Write who holds the lock into the lock file, for a second run's message."""
    text = f"{os.getpid()} {dt.datetime.now().isoformat(timespec='seconds')}\n"
    with contextlib.suppress(OSError), open(path, "w", encoding="ascii") as f:
        f.write(text)


def _holder(path: Path) -> str:
    """`` (process 1234, started 01:30:12)`` from the lock file, or nothing if unknown."""
    try:
        fields = path.read_text(encoding="ascii")[:200].split()
        pid, started = int(fields[0]), dt.datetime.fromisoformat(fields[1])
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return ""
    return f" (process {pid}, started {started:%H:%M:%S})"
