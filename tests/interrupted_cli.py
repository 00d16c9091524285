"""``formcheck`` as a user runs it, except that the rules stop at one frame and wait there
until Ctrl-C comes, having said so on stdout: a test can interrupt the work in the middle,
every time, however fast or slow the machine.

    python tests/interrupted_cli.py FRAME formcheck-arguments...

The frames run one after another (not pipelined), so the wait is in the main thread,
where Ctrl-C lands.
"""

from __future__ import annotations

import signal
import sys
import time

import formcheck.pipeline
import formcheck.session
from formcheck.cli import main

MARK = "formcheck is now waiting for Ctrl-C"


def wait_at(frame: int) -> None:
    """Wait at ``frame`` of the first session that gets there (the rules replayed afterwards,
    e.g. to say why nothing counted, run on)."""
    update = formcheck.session.Session.update
    waited = []

    def update_or_wait(self, t_s, pose):
        if self.result.frames == frame and not waited:
            waited.append(self)
            print(MARK, flush=True)
            while True:
                time.sleep(1.0)
        return update(self, t_s, pose)

    formcheck.session.Session.update = update_or_wait
    formcheck.pipeline.pipelining_pays = lambda: False


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a shell may start us with Ctrl-C ignored
    wait_at(int(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
