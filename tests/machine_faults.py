"""Helpers for the tests of a machine that misbehaves (killed runs, full disks, two runs):
a folder of short clips, folder runs as real processes, and the checks that a results
folder is whole after whatever happened to it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, SAMPLES
from formcheck.fileio import is_leftover
from formcheck.markers import MARKER_DIR, MARKER_SUFFIX, check_marker

# Short cuts of rendered sample clips: a person is found in each, so each gets full reports.
SOURCES = ("glute_bridge/bridge_clean_left.mp4", "squat/squat_clean_side.mp4", "clamshell/clamshell_clean.mp4",
           "deadlift/deadlift_clean.mp4", "glute_bridge/bridge_short_hold.mp4", "squat/squat_too_shallow.mp4")
SUMMARY = re.compile(r"(\d+) videos: (\d+) analysed, (\d+) up to date, (\d+) failed")


def ffmpeg_exe() -> str:
    return pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()


def make_clips(folder: Path, count: int = 6, seconds: float = 1.0) -> list[str]:
    """``count`` clips of ``seconds`` each in ``folder`` (v1.mp4, v2.mp4, ...); their names."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number in range(count):
        source = SAMPLES / SOURCES[number % len(SOURCES)]
        if not source.exists():
            source = next(SAMPLES.glob("*/*.mp4"))
        name = f"v{number + 1}.mp4"
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", str(0.5 * (number // len(SOURCES))),
                        "-i", str(source), "-t", str(seconds), "-c:v", "mpeg4", "-q:v", "5", str(folder / name)],
                       check=True, timeout=60)
        names.append(name)
    return names


def folder_command(clips: Path, results: Path, *extra, jobs: int = 2) -> list[str]:
    return [sys.executable, "-m", "formcheck", "analyze", str(clips), "--exercise", "glute_bridge",
            "--model", "lite", "--out", str(results), "--jobs", str(jobs), "--quiet", *map(str, extra)]


def env_with(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMCHECK_KILL") and k != "FORMCHECK_FAIL_WRITES"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env.update(changes)
    return env


def run_folder(clips: Path, results: Path, *extra, env: dict | None = None, jobs: int = 2,
               timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(folder_command(clips, results, *extra, jobs=jobs), capture_output=True, text=True,
                          env=env or env_with(), timeout=timeout)


def summary(run: subprocess.CompletedProcess) -> tuple[int, int, int, int]:
    """(videos, analysed, up to date, failed) from a folder run's last line."""
    match = SUMMARY.search(run.stdout)
    assert match, f"no summary line:\n{run.stdout}\n{run.stderr}"
    return tuple(int(g) for g in match.groups())


class ChildWatch:
    """Notes every process that ``pid`` starts (its worker processes), while it runs."""

    def __init__(self, pid: int):
        self.pid, self.children = pid, set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self.children |= children_of(self.pid)

    def stop(self) -> set[int]:
        self._stop.set()
        self._thread.join()
        return self.children


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by whoever adopted it, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_no_survivors(pids: set[int], within_s: float = 5.0) -> None:
    """No process of a killed run is still running (and so writing) after it."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    assert not [p for p in pids if alive(p)], "worker processes outlived their killed run"


def finished_videos(results: Path) -> dict[str, dict[str, int]]:
    """Each video with a marker: its outputs and their modification times."""
    done = {}
    for marker_file in sorted((results / MARKER_DIR).rglob("*" + MARKER_SUFFIX)):
        stem = marker_file.relative_to(results / MARKER_DIR).as_posix()[: -len(MARKER_SUFFIX)]
        marker, problem = check_marker(results, stem)
        assert problem is None, f"{marker_file}: {problem}"
        done[marker["video"]] = {name: (results / name).stat().st_mtime_ns for name in marker["outputs"]}
    return done


def assert_whole(results: Path, videos: list[str], leftovers_allowed: bool = False) -> dict[str, dict[str, int]]:
    """Every report, page and marker in ``results`` is whole and valid, every finished
    video has all its outputs, the index (if any) lists each video once; returns the
    finished videos (see ``finished_videos``)."""
    for path in results.rglob("*"):
        if not path.is_file() or MARKER_DIR in path.relative_to(results).parts:
            continue
        if is_leftover(path):
            assert leftovers_allowed, f"unfinished write left behind: {path}"
            continue
        assert not path.name.startswith("."), f"unexpected hidden file {path}"
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            assert json.loads(text)["schema"] == "formcheck.report/1", path
        elif path.suffix == ".html":
            assert text.rstrip().endswith("</html>"), f"{path} is cut short"
        elif path.suffix == ".csv":
            rows = list(csv.reader(io.StringIO(text)))
            assert rows and rows[0], f"{path} has no header"
    done = finished_videos(results)
    for video, outputs in done.items():
        assert video in videos
        for name in outputs:
            assert (results / name).is_file(), f"{video} is marked finished but {name} is missing"
    index = results / "index.html"
    if index.exists():
        listed = re.findall(r'data-video="([^"]+)"', index.read_text(encoding="utf-8"))
        assert sorted(listed) == sorted(videos), f"the index lists {listed}"
    return done


def assert_rerun_finishes(clips: Path, results: Path, videos: list[str], finished: dict[str, dict[str, int]],
                          jobs: int = 2) -> subprocess.CompletedProcess:
    """The same command again: what was finished is not analysed again (its files are not
    touched), everything else is, and the folder is then whole and complete."""
    run = run_folder(clips, results, jobs=jobs)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    total, analysed, up_to_date, failed = summary(run)
    assert (total, failed) == (len(videos), 0)
    assert up_to_date == len(finished), f"finished before: {sorted(finished)}; {run.stdout}"
    assert analysed == len(videos) - len(finished)
    after = assert_whole(results, videos)
    assert sorted(after) == sorted(videos)
    for video, outputs in finished.items():
        assert after[video] == outputs, f"{video} was finished, yet written again"
    return run
