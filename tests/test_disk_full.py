"""A results folder that stops taking files mid-run (a full disk, a folder gone read-only):
one line naming the folder and the cause, exit code 74, no partial file, the reports
already written intact, and the same command finishes the rest once it can write.

The real thing where the machine lets us mount a small tmpfs (root, as in CI): filled
up, or remounted read-only while the run is under way. Root writes through ``chmod``,
so a read-only folder is a read-only mount, not a mode. Where mounting is not allowed,
the same failures come from ``formcheck.faults`` (``FORMCHECK_FAIL_WRITES``).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck.batch import EXIT_UNWRITABLE
from formcheck.faults import FAIL_WRITES
from formcheck.markers import MARKER_DIR, MARKER_SUFFIX
from machine_faults import (assert_rerun_finishes, assert_whole, env_with, folder_command, make_clips,
                            run_folder)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return folder, make_clips(folder)


@pytest.fixture(scope="module")
def sizes(clips, tmp_path_factory) -> tuple[int, int]:
    """What a run writes before its first video (the script its pages share), and the
    most that one video's outputs (reports and marker) take, on disk."""
    folder, videos = clips
    results = tmp_path_factory.mktemp("reference")
    run = run_folder(folder, results)
    assert run.returncode == 0, run.stderr
    stems = {Path(video).stem for video in videos}
    per_video, shared = dict.fromkeys(stems, 0), 0
    for path in results.rglob("*"):
        if not path.is_file() or path.name in ("index.html", "history.html", "lock"):
            continue
        stem = path.name.split(".")[0]
        if stem in stems:
            per_video[stem] += _on_disk(path.stat().st_size)
        else:
            shared += _on_disk(path.stat().st_size)
    return shared, max(per_video.values())


def _on_disk(size: int) -> int:
    return -(-size // 4096) * 4096  # tmpfs hands out whole pages


@pytest.fixture
def disk(tmp_path):
    """A 256 MB tmpfs of our own, or a skip where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or made.returncode}); "
                    "the injected faults below cover the same paths")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path, leave_bytes: int) -> Path:
    """A file that takes all of ``mount``'s free space but ``leave_bytes``."""
    filler = mount / "filler"
    stat = os.statvfs(mount)
    free = stat.f_bavail * stat.f_frsize
    with open(filler, "wb") as f:
        f.truncate(0)
        chunk = b"\0" * (1 << 20)
        left = free - leave_bytes
        while left > 0:
            left -= f.write(chunk[:left])
    return filler


def markers(results: Path) -> int:
    return len(list((results / MARKER_DIR).glob("*" + MARKER_SUFFIX)))


def assert_one_line(run: subprocess.CompletedProcess, results: Path, cause: str) -> int:
    """The run said what happened in one line; returns how many videos it said are done."""
    assert run.returncode == EXIT_UNWRITABLE, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("formcheck: error:")]
    assert len(errors) == 1, run.stderr
    line = errors[0]
    assert line.startswith(f"formcheck: error: cannot write to {results}") and cause in line, line
    assert "the same command finishes the other" in line
    return int(line.split("; ")[1].split(" of ")[0])


def test_disk_fills_up_mid_run(clips, sizes, disk):
    folder, videos = clips
    results = disk / "results"
    results.mkdir()
    shared, per_video = sizes
    filler = fill(disk, leave_bytes=shared + int(2.5 * per_video))  # room for two videos and a half
    run = run_folder(folder, results, jobs=1)
    done = assert_one_line(run, results, "no space left on device")
    finished = assert_whole(results, videos)  # no partial file, what is done is whole
    assert len(finished) == done and 1 <= done < len(videos)
    filler.unlink()  # space freed
    assert_rerun_finishes(folder, results, videos, finished)


def test_folder_turns_read_only_mid_run(clips, disk):
    folder, videos = clips
    results = disk / "results"
    results.mkdir()
    proc = subprocess.Popen(folder_command(folder, results, jobs=1), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env_with())
    deadline = time.monotonic() + 120
    while markers(results) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    while proc.poll() is None:  # busy while a file is open for writing: try again
        if subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode == 0:
            break
        time.sleep(0.01)
    stdout, stderr = proc.communicate(timeout=300)
    try:
        run = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
        done = assert_one_line(run, results, "read-only file system")
        finished = assert_whole(results, videos, leftovers_allowed=True)  # a read-only folder keeps them
        assert len(finished) == done and 2 <= done < len(videos)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
    again = assert_rerun_finishes(folder, results, videos, finished)
    assert "Traceback" not in again.stderr


def test_injected_full_disk_mid_run(clips, tmp_path):
    """The same, without mounting: every write fails with ENOSPC from the moment the
    second video is finished until the "disk" is freed."""
    folder, videos = clips
    results, full = tmp_path / "results", tmp_path / "disk-is-full"
    env = env_with(**{FAIL_WRITES: f"ENOSPC:{full}"})
    proc = subprocess.Popen(folder_command(folder, results, jobs=1), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while markers(results) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    full.touch()
    stdout, stderr = proc.communicate(timeout=300)
    run = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    done = assert_one_line(run, results, os.strerror(errno.ENOSPC).lower())
    finished = assert_whole(results, videos)
    assert len(finished) == done and 2 <= done < len(videos)
    full.unlink()
    assert_rerun_finishes(folder, results, videos, finished)


@pytest.mark.parametrize("code", ["ENOSPC", "EROFS", "EACCES"])
def test_one_video_on_a_disk_that_refuses(clips, tmp_path, code):
    folder, _ = clips
    out = tmp_path / "out"
    out.mkdir()
    trigger = tmp_path / "refuse"
    trigger.touch()
    env = env_with(**{FAIL_WRITES: f"{code}:{trigger}"})
    run = subprocess.run([sys.executable, "-m", "formcheck", "analyze",
                          str(folder / "v1.mp4"), "-e", "glute_bridge", "--model", "lite", "--quiet",
                          "--json", str(out / "r.json"), "--html", str(out / "r.html")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == EXIT_UNWRITABLE, run.stderr
    number = getattr(errno, code)
    assert run.stderr.strip() == f"formcheck: error: cannot write to {out}: {os.strerror(number).lower()}"
    assert list(out.iterdir()) == []


def test_results_folder_read_only_from_the_start(clips, disk):
    folder, videos = clips
    results = disk / "results"
    results.mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    try:
        run = run_folder(folder, results)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().startswith("formcheck: error: cannot write to") and "read-only" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not any(p.is_file() for p in results.rglob("*") if p.name != "lock")
