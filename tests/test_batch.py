"""Folder analysis: real clips plus broken files, in parallel, resumable, with an index page."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import SHARED_CLIPS, run_cli
from formcheck.batch import (DONE, FAILED, NOT_RUN, SKIPPED, BatchSettings, VideoJob, VideoOutcome, _run_local,
                             earlier_outcome, index_entry, plan_jobs)
from formcheck.report.index_page import render_index
from reports import make_report, rep

GOOD = {  # name in the test folder -> filmed clip
    "2026-11-18_bridge.mp4": "physioplus_bridging.mp4",
    "2026-11-20_bridge.mp4": "tobefrank_glute-bridge.mp4",
    "sub/clamshell.gif": "chloe_banded-clamshell.gif",
}
BROKEN = ("notes.mp4", "sub/truncated.mp4")


def _clip(name: str) -> Path:
    path = SHARED_CLIPS / name
    if not path.exists():
        pytest.skip(f"real clip {name} not available (../shared/real-clips is absent outside CI)")
    return path


def make_folder(root: Path, good: dict[str, str] = GOOD, broken=BROKEN) -> Path:
    """The filmed clips (copied, never linked) plus a text file and a cut-off video named .mp4."""
    for name, clip in good.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_clip(clip), root / name)
    for name in broken:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
    if "notes.mp4" in broken:
        (root / "notes.mp4").write_text("shopping list, not a video\n")
    if "sub/truncated.mp4" in broken:
        (root / "sub/truncated.mp4").write_bytes(_clip("tobefrank_rdl.mp4").read_bytes()[:20000])
    return root


def report_files(results: Path) -> dict[str, int]:
    """Every per-video output below ``results`` with its modification time."""
    return {p.relative_to(results).as_posix(): p.stat().st_mtime_ns for p in results.rglob("*")
            if p.is_file() and p.suffix in (".json", ".html", ".csv", ".mp4")
            and p.name not in ("index.html", "history.html") and ".formcheck" not in p.parts}


def index_states(results: Path) -> dict[str, str]:
    page = (results / "index.html").read_text()
    return dict(re.findall(r'data-video="([^"]+)" data-state="([^"]+)"', page))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, model_path):
    folder = make_folder(tmp_path_factory.mktemp("clips"))
    results = tmp_path_factory.mktemp("results")
    run = run_cli("analyze", folder, "--exercise", "glute_bridge", "--out", results, "--jobs", "2")
    return folder, results, run


def test_folder_reports_mirror_the_folder(first_run):
    folder, results, run = first_run
    expected = {f"{Path(name).with_suffix('').as_posix()}{suffix}" for name in GOOD for suffix in (".json", ".html", ".csv")}
    assert set(report_files(results)) == expected
    for name in GOOD:
        report = json.loads((results / Path(name).with_suffix(".json")).read_text())
        assert report["schema"] == "formcheck.report/1" and report["source"] == name
    leftovers = [p for p in results.rglob(".*") if p.is_file() and ".formcheck" not in p.parts]
    assert not leftovers, "temporary files left behind"


def test_index_lists_every_video_and_marks_the_broken_ones(first_run):
    folder, results, run = first_run
    assert run.returncode == 1, run.stderr
    assert index_states(results) == {**{name: "ok" for name in GOOD}, **{name: "failed" for name in BROKEN}}
    page = (results / "index.html").read_text()
    assert 'href="2026-11-18_bridge.html"' in page and 'href="sub/clamshell.html"' in page
    assert 'href="history.html"' in page
    assert "not a readable video" in page
    for name in BROKEN:
        assert f"failed: {name}:" in run.stderr
    assert "2 of 5 videos could not be analysed" in run.stderr
    assert "Traceback" not in run.stderr
    assert "5 videos: 3 analysed, 0 up to date, 2 failed" in run.stdout


def test_batch_report_is_the_single_video_report(first_run, tmp_path):
    folder, results, _ = first_run
    single = tmp_path / "single.json"
    run = run_cli("analyze", "2026-11-18_bridge.mp4", "--exercise", "glute_bridge", "--json", single, "--quiet",
                  cwd=folder)
    assert run.returncode == 0, run.stderr
    assert json.loads(single.read_text()) == json.loads((results / "2026-11-18_bridge.json").read_text())


def test_rerun_skips_everything_and_force_redoes_it_annotated(first_run):
    folder, results, _ = first_run
    before = report_files(results)
    again = run_cli("analyze", folder, "--exercise", "glute_bridge", "--out", results, "--jobs", "2")
    assert again.returncode == 1  # the broken videos are still broken
    assert "5 videos: 0 analysed, 3 up to date, 2 failed" in again.stdout
    assert "earlier run" in again.stderr
    assert report_files(results) == before, "a skipped video's reports were rewritten"
    assert index_states(results)["notes.mp4"] == "failed"

    forced = run_cli("analyze", folder, "--exercise", "glute_bridge", "--out", results, "--jobs", "2", "--force",
                     "--annotate")
    assert forced.returncode == 1
    assert "5 videos: 3 analysed, 0 up to date, 2 failed" in forced.stdout
    after = report_files(results)
    assert all(after[name] > before[name] for name in before)
    annotated = {Path(name).with_suffix(".mp4").as_posix() for name in GOOD}
    assert set(after) == set(before) | annotated
    assert all((results / name).stat().st_size > 0 for name in annotated)
    assert 'href="sub/clamshell.mp4"' in (results / "index.html").read_text()


def test_changed_video_or_settings_are_analysed_again(first_run, tmp_path):
    folder, results, _ = first_run
    mine, out = tmp_path / "clips", tmp_path / "results"
    shutil.copytree(folder, mine)  # copies keep sizes and times: still up to date
    shutil.copytree(results, out)
    settings = BatchSettings("glute_bridge")
    job = VideoJob("2026-11-18_bridge.mp4", "2026-11-18_bridge")
    assert earlier_outcome(job, mine, out, settings).status == SKIPPED
    tuned = BatchSettings("glute_bridge", config={"glute_bridge": {"min_hold_s": 2.0}})
    assert earlier_outcome(job, mine, out, tuned) is None
    assert earlier_outcome(job, mine, out, BatchSettings("glute_bridge", model_variant="lite")) is None
    os.utime(mine / job.relative)
    assert earlier_outcome(job, mine, out, settings) is None

    broken = VideoJob("notes.mp4", "notes")
    assert earlier_outcome(broken, mine, out, settings).status == FAILED
    (mine / "notes.mp4").write_text("now fixed?\n")
    assert earlier_outcome(broken, mine, out, settings) is None


def test_history_of_a_results_folder(first_run, tmp_path):
    _, results, _ = first_run
    run = run_cli("history", results, "--html", tmp_path / "history.html")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Glute bridge: 3 sessions"
    first = next(i for i, line in enumerate(lines) if line.startswith("2026-11-18"))
    assert lines[first + 1].startswith("2026-11-20")
    page = (tmp_path / "history.html").read_text()
    assert "Plotly.newPlot" in page and "<script src=" not in page  # plotly inlined: works offline
    assert os.path.relpath(results / "2026-11-18_bridge.html", tmp_path) in page


def test_bad_folder_commands_fail_with_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    cases = [
        (["analyze", tmp_path / "empty", "-e", "glute_bridge", "--out", tmp_path / "r"], "no videos found"),
        (["analyze", tmp_path / "empty", "-e", "glute_bridge"], "needs --out"),
        (["analyze", tmp_path / "empty", "-e", "glute_bridge", "--out", tmp_path / "r", "--json", tmp_path / "x.json"],
         "for a folder use --out"),
        (["history", tmp_path / "empty"], "no reports found"),
    ]
    for args, message in cases:
        run = run_cli(*args)
        assert run.returncode != 0 and message in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_output_names_keep_extensions_only_when_needed(tmp_path):
    for name in ("a/clip.mp4", "a/clip.mov", "b/clip.mp4", "index.mp4", "sub/index.mp4", "results/old.mp4",
                 "._clip.mp4", ".cache/x.mp4"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    jobs = plan_jobs(tmp_path, tmp_path / "results")
    assert {job.relative: job.stem for job in jobs} == {
        "a/clip.mov": "a/clip.mov", "a/clip.mp4": "a/clip.mp4", "b/clip.mp4": "b/clip",
        "index.mp4": "index.mp4", "sub/index.mp4": "sub/index",
    }


def _init_nothing() -> None:
    pass


def _die_on_crash(job: VideoJob) -> VideoOutcome:
    if "crash" in job.relative:
        os._exit(3)  # as a segfault in native code would
    time.sleep(0.05)
    return VideoOutcome(job.relative, DONE)


def test_a_worker_that_dies_costs_only_its_own_video():
    jobs = [VideoJob(f"{name}.mp4", name) for name in ("a", "b", "crash", "c", "d", "e")]
    outcomes = []
    _run_local(jobs, 2, outcomes.append, _die_on_crash, _init_nothing, ())
    by_video = {o.relative: o for o in outcomes}
    assert len(outcomes) == len(jobs) == len(by_video)
    assert by_video["crash.mp4"].status == FAILED and "crashed" in by_video["crash.mp4"].error
    assert not by_video["crash.mp4"].lasting  # tried again next run
    assert all(by_video[f"{n}.mp4"].status == DONE for n in "abcde")


def test_index_escapes_names_and_quotes_links(tmp_path):
    folder, results = tmp_path / "clips", tmp_path / "results"
    (folder / "week #1").mkdir(parents=True)
    results.mkdir()
    jobs = [VideoJob("week #1/<b>bridge & co 2026-11-18.mp4", "week #1/<b>bridge & co 2026-11-18"),
            VideoJob("later.mp4", "later")]
    for job in jobs:
        (folder / job.relative).write_bytes(b"")
    (results / "week #1").mkdir()
    report = make_report("glute_bridge", reps=[rep(1, 1.0, 3.0, hold_s=2.0)])
    (results / (jobs[0].stem + ".json")).write_text(report.dumps())
    (results / (jobs[0].stem + ".html")).write_text("")
    outcomes = [VideoOutcome(jobs[0].relative, DONE), VideoOutcome(jobs[1].relative, NOT_RUN)]
    page = render_index(str(folder), [index_entry(j, o, folder, results) for j, o in zip(jobs, outcomes)],
                        "glute_bridge", None)
    assert "<b>bridge" not in page and "&lt;b&gt;bridge &amp; co" in page
    assert 'href="week%20%231/%3Cb%3Ebridge%20%26%20co%202026-11-18.html"' in page
    assert "Good form: 1 rep, nothing to correct." in page
    assert "18 Nov 2026" in page  # dated by its name
    assert 'data-video="later.mp4" data-state="pending"' in page and "Not analysed yet" in page


def test_index_row_of_a_video_split_into_exercises(tmp_path):
    folder, results = tmp_path / "clips", tmp_path / "results"
    (folder / "mix").mkdir(parents=True)
    (results / "mix").mkdir(parents=True)
    (folder / "mix/workout.mp4").write_bytes(b"")
    bridge = make_report("glute_bridge", source="mix/workout.mp4", reps=[
        rep(1, 1.0, 3.0, ["hips_too_high"]), rep(2, 4.0, 6.0), rep(3, 7.0, 9.0)])
    squat = make_report("squat", source="mix/workout.mp4", reps=[rep(i, 10.0 + 2 * i, 11.0 + 2 * i) for i in range(1, 6)])
    (results / "mix/workout.json").write_text(dataclasses.replace(squat, segments=[bridge, squat]).dumps())
    for name in ("workout.html", "workout.1-glute_bridge.html", "workout.2-other.html", "workout.csv"):
        (results / "mix" / name).write_text("")
    job = VideoJob("mix/workout.mp4", "mix/workout")
    page = render_index(str(folder), [index_entry(job, VideoOutcome(job.relative, SKIPPED), folder, results)],
                        "auto", None)
    assert "Glute bridge → Squat" in page and "3 reps; 5 reps" in page
    assert 'href="mix/workout.1-glute_bridge.html"' in page and "workout.2-other" not in page
    assert "Hips too high" in page and "exercise recognised automatically" in page
