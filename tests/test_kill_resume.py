"""``kill -9`` of a folder run, or of one of its workers, then the same command again:
every file there is whole, nothing finished is analysed twice, nothing unfinished is
skipped, the index lists every video once, and no worker goes on writing behind the
killed run. Real processes on short clips with the lite model.

The kill points are exact (``formcheck.faults``: the process SIGKILLs itself there,
e.g. with the index page complete in its temporary file but not yet in place); the
last test kills at seeded random moments from outside, as a person or the OOM killer
would.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time

import pytest

from formcheck.faults import KILL_AT, KILL_ONCE
from machine_faults import (ChildWatch, alive, assert_no_survivors, assert_rerun_finishes, assert_whole,
                            children_of, env_with, folder_command, make_clips, run_folder, summary)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return folder, make_clips(folder)


def killed_run(clips_folder, results, env) -> tuple[subprocess.CompletedProcess, set[int]]:
    """A folder run that is expected to kill itself: how it ended and the processes it started."""
    proc = subprocess.Popen(folder_command(clips_folder, results), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    watch = ChildWatch(proc.pid)
    stdout, stderr = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), watch.stop()


@pytest.mark.parametrize("point", [
    "write:*/.formcheck/*.result.json#3",  # the third marker complete in its temporary file
    "written:*/.formcheck/*.result.json#2",  # just after the second marker
    "write:*/index.html",
])
def test_run_killed_at_a_point_then_run_again(clips, tmp_path, point):
    folder, videos = clips
    results = tmp_path / "results"
    run, pids = killed_run(folder, results, env_with(**{KILL_AT: point}))
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert_no_survivors(pids)
    finished = assert_whole(results, videos, leftovers_allowed=True)
    expected = {"write:*/.formcheck/*.result.json#3": 2, "written:*/.formcheck/*.result.json#2": 2}
    assert len(finished) == expected.get(point, len(videos))
    again = assert_rerun_finishes(folder, results, videos, finished)
    if point.startswith("write:"):  # its temporary file was left, and is gone now
        assert "note: removed " in again.stderr and " unfinished file" in again.stderr


@pytest.mark.parametrize("point", ["write:*/v2.html", "analysed:v3.mp4"])
def test_a_killed_worker_costs_nothing(clips, tmp_path, point):
    """A worker killed while writing a report, or after writing them all but before the run
    heard of it: its video is analysed again in the same run, which ends complete."""
    folder, videos = clips
    results = tmp_path / "results"
    env = env_with(**{KILL_AT: point, KILL_ONCE: str(tmp_path / "killed-once")})
    run = run_folder(folder, results, env=env)
    assert (tmp_path / "killed-once").exists(), "the worker was never killed"
    assert run.returncode == 0, run.stderr
    assert summary(run) == (len(videos), len(videos), 0, 0)
    assert sorted(assert_whole(results, videos)) == sorted(videos)
    assert_rerun_finishes(folder, results, videos, assert_whole(results, videos))


def test_killed_at_random_moments_until_done(clips, tmp_path):
    """kill -9 of the run (or of one worker) at seeded random moments, three times over,
    then the same command to the end."""
    folder, videos = clips
    results = tmp_path / "results"
    rng = random.Random(18)
    finished: dict = {}
    for attempt in range(3):
        proc = subprocess.Popen(folder_command(folder, results), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env_with())
        watch = ChildWatch(proc.pid)
        time.sleep(rng.uniform(2.0, 6.0))
        if attempt == 1:  # one worker, not the run: the run goes on
            workers = [p for p in children_of(proc.pid) if b"spawn_main" in _cmdline(p)
                       and b"resource_tracker" not in _cmdline(p)]
            if workers:
                os.kill(rng.choice(sorted(workers)), signal.SIGKILL)
            stdout, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0 and "Traceback" not in stderr, stderr
        else:
            proc.kill()
            proc.communicate(timeout=60)
        assert_no_survivors(watch.stop())
        now = assert_whole(results, videos, leftovers_allowed=True)
        for video, outputs in finished.items():  # what was finished stays as it was
            assert now[video] == outputs
        finished = now
        if len(finished) == len(videos):
            shutil.rmtree(results)
            finished = {}
    assert_rerun_finishes(folder, results, videos, finished)


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def test_no_worker_survives_its_run(clips, tmp_path):
    """Killed while every worker is busy: they end with it instead of writing on."""
    folder, _ = clips
    results = tmp_path / "results"
    proc = subprocess.Popen(folder_command(folder, results), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env_with())
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = {p for p in children_of(proc.pid) if b"spawn_main" in _cmdline(p)}
        time.sleep(0.05)
    assert workers, "no worker started"
    proc.kill()
    proc.wait()
    assert_no_survivors(workers, within_s=3.0)
    assert not any(alive(p) for p in workers)
