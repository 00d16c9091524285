"""Two runs on one results folder: the second refuses with one line (exit code 75), or
waits when asked to; the lock goes with its holder, even one killed with ``kill -9``."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from formcheck.lock import EXIT_BUSY, FolderBusy, results_lock
from formcheck.markers import MARKER_DIR
from machine_faults import assert_rerun_finishes, assert_whole, env_with, folder_command, make_clips, run_folder

HOLD = """
import sys, time
from pathlib import Path
from formcheck.lock import results_lock
with results_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def holder(results) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(results)], stdout=subprocess.PIPE, text=True,
                            env=env_with())
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_holder_refuses_then_gets_it_when_the_first_is_killed(tmp_path):
    first = holder(tmp_path)
    try:
        with pytest.raises(FolderBusy) as busy:
            with results_lock(tmp_path):
                pass
        assert f"(process {first.pid}, started " in str(busy.value) and str(tmp_path) in str(busy.value)
        assert busy.value.exit_code == EXIT_BUSY and "\n" not in str(busy.value)

        said = []
        started = time.monotonic()
        killer = subprocess.Popen(["sh", "-c", f"sleep 1; kill -9 {first.pid}"])
        with results_lock(tmp_path, wait_s=30, on_wait=said.append):
            waited = time.monotonic() - started
        killer.wait()
        assert 0.8 < waited < 10, "the lock of a killed holder was not let go"
        assert len(said) == 1 and said[0].startswith(f"waiting for another formcheck run (process {first.pid}")
    finally:
        first.kill()
        first.wait()
    assert first.returncode == -signal.SIGKILL
    with results_lock(tmp_path):  # nothing stuck
        pass


def test_two_folder_runs_at_once(tmp_path):
    clips = tmp_path / "clips"
    videos = make_clips(clips, count=4)
    results = tmp_path / "results"
    first = subprocess.Popen(folder_command(clips, results), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env_with())
    lock = results / MARKER_DIR / "lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().startswith(f"{first.pid} ")):
        time.sleep(0.02)
    second = run_folder(clips, results)
    first_out, first_err = first.communicate(timeout=300)
    assert second.returncode == EXIT_BUSY, second.stderr
    assert second.stderr.strip().splitlines() == [
        f"formcheck: error: another formcheck run (process {first.pid}, started "
        + second.stderr.split("started ")[1].split(")")[0]
        + f") is writing to {results}; wait for it to finish, or choose another --out folder"]
    assert first.returncode == 0, first_err
    assert sorted(assert_whole(results, videos)) == sorted(videos)
    assert_rerun_finishes(clips, results, videos, assert_whole(results, videos))
