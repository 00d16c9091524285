"""Deliberate faults for the reliability tests: a process that SIGKILLs itself at a named
point, and writes that fail as on a full disk. Nothing happens unless the environment asks.

``FORMCHECK_KILL_AT="POINT:GLOB"`` (or ``"POINT:GLOB#N"``): the process kills itself with
SIGKILL, as ``kill -9`` would, the N-th time (default: the first) it passes ``POINT`` for a
name matching ``GLOB``. The points:

* ``write``: a file written through ``fileio`` is complete in its temporary file, not yet
  renamed over its name (the name is the target path);
* ``written``: just after that rename;
* ``analysed``: a batch worker has analysed a video (its outputs are written), before the
  parent hears of it (the name is the video's relative path).

With ``FORMCHECK_KILL_ONCE=FILE`` only the first process to get there dies (it creates
FILE first): a killed worker's video, tried again, then goes through.

``FORMCHECK_FAIL_WRITES="ERRNO:FILE"``: while FILE exists, every write through ``fileio``
fails with that error (``ENOSPC``, ``EROFS``, ``EACCES``...), as a disk that fills up
mid-run; deleting FILE "frees the space".
"""

from __future__ import annotations

import errno
import fnmatch
import os
import signal

KILL_AT = "FORMCHECK_KILL_AT"
KILL_ONCE = "FORMCHECK_KILL_ONCE"
FAIL_WRITES = "FORMCHECK_FAIL_WRITES"

_passed: dict[str, int] = {}


def point(name: str, subject: str | os.PathLike) -> None:
    """Die here if ``FORMCHECK_KILL_AT`` names this point and ``subject``."""
    wanted = os.environ.get(KILL_AT)
    if not wanted:
        return
    where, _, pattern = wanted.partition(":")
    pattern, _, nth = pattern.partition("#")
    if where != name or not fnmatch.fnmatch(os.fspath(subject), pattern):
        return
    _passed[wanted] = _passed.get(wanted, 0) + 1
    if _passed[wanted] != int(nth or 1):
        return
    once = os.environ.get(KILL_ONCE)
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    os.kill(os.getpid(), signal.SIGKILL)


def check_write(path: str | os.PathLike) -> None:
    """Raise the ``FORMCHECK_FAIL_WRITES`` error for a write to ``path``, if it is in force."""
    wanted = os.environ.get(FAIL_WRITES)
    if not wanted:
        return
    code, _, trigger = wanted.partition(":")
    if trigger and not os.path.exists(trigger):
        return
    number = getattr(errno, code, errno.EIO)
    raise OSError(number, os.strerror(number), os.fspath(path))
