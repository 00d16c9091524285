"""The Ray backend gives the same reports as the local process pool, and resumes the same way."""

from __future__ import annotations

import json

import pytest

from formcheck.batch import DONE, FAILED, SKIPPED, BatchSettings, run_batch
from test_batch import index_states, make_folder, report_files

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'formcheck[ray]')")

CLIPS = {"week1/2026-11-18_bridge.mp4": "physioplus_bridging.mp4"}  # one rep, a fault, thumbnails


@pytest.fixture(scope="module")
def local_ray():
    """A private Ray instance for this module (no dashboard), shut down afterwards."""
    if ray.is_initialized():
        pytest.skip("a Ray instance is already running in this process")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def both_backends(tmp_path_factory, model_path, local_ray):
    folder = make_folder(tmp_path_factory.mktemp("clips"), CLIPS, broken=("notes.mp4",))
    settings = BatchSettings("glute_bridge")
    local = run_batch(folder, tmp_path_factory.mktemp("local"), settings, jobs=2, progress=False)
    on_ray = run_batch(folder, tmp_path_factory.mktemp("ray"), settings, backend="ray", progress=False)
    return folder, settings, local, on_ray


def test_ray_reports_are_the_local_reports(both_backends):
    _, _, local, on_ray = both_backends
    assert set(report_files(on_ray.results)) == set(report_files(local.results))
    for name in report_files(local.results):
        if name.endswith(".json"):
            assert json.loads((on_ray.results / name).read_text()) == json.loads((local.results / name).read_text())
        elif name.endswith(".csv"):
            assert (on_ray.results / name).read_text() == (local.results / name).read_text()
    assert index_states(on_ray.results) == index_states(local.results) == {
        "week1/2026-11-18_bridge.mp4": "ok", "notes.mp4": "failed"}
    assert {o.relative: o.status for o in on_ray.outcomes} == {o.relative: o.status for o in local.outcomes} == {
        "week1/2026-11-18_bridge.mp4": DONE, "notes.mp4": FAILED}
    assert json.loads((on_ray.results / "week1/2026-11-18_bridge.json").read_text())["summary"]["rep_count"] == 1
    assert "not a readable video" in on_ray.failed[0].error
    assert (on_ray.results / "history.html").exists()


def test_ray_run_resumes_like_a_local_one(both_backends):
    folder, settings, _, on_ray = both_backends
    before = report_files(on_ray.results)
    again = run_batch(folder, on_ray.results, settings, backend="ray", progress=False)
    assert {o.relative: (o.status, o.earlier) for o in again.outcomes} == {
        "week1/2026-11-18_bridge.mp4": (SKIPPED, True), "notes.mp4": (FAILED, True)}
    assert report_files(on_ray.results) == before
