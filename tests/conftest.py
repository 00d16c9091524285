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


def interruptible() -> None:
    """For a child process that a test sends Ctrl-C (SIGINT): a shell running commands in the
    background starts them with SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)
