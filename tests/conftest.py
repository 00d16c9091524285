"""Shared fixtures: the real pose model, the filmed clips in ../shared, running the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_CLIPS = REPO.parent / "shared" / "real-clips"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def model_path() -> Path:
    from formcheck.models import ensure_model
    return ensure_model("full", progress=False)


def real_clip(name: str) -> Path:
    """A filmed clip from ../shared/real-clips (never copied into the repo)."""
    path = SHARED_CLIPS / name
    if not path.exists():
        pytest.skip(f"real clip {name} not available (../shared/real-clips is absent outside CI)")
    return path


def run_cli(*args, cwd=None, timeout=600) -> subprocess.CompletedProcess:
    """Run ``formcheck`` as a user types it."""
    return subprocess.run([sys.executable, "-m", "formcheck", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def interrupted_midway(frame: int, *args, cwd=None) -> tuple[subprocess.CompletedProcess, str]:
    """Run ``formcheck *args``, press Ctrl-C once its rules have reached ``frame`` (they wait
    there for it: see ``interrupted_cli.py``), and return how it ended and its stdout before."""
    import signal

    proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "interrupted_cli.py"), str(frame), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            preexec_fn=interruptible)
    try:
        before = []
        for line in proc.stdout:
            if line.startswith("formcheck is now waiting for Ctrl-C"):
                break
            before.append(line)
        else:
            raise AssertionError(f"formcheck ended before frame {frame}: {proc.stderr.read()}")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, "".join(before) + stdout, stderr), "".join(before)


def interruptible() -> None:
    """For a child process that a test sends Ctrl-C (SIGINT): a shell running commands in the
    background starts them with SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)
