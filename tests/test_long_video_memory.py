"""A recorded video of hours takes no more memory than one of minutes: the pose track
lives on disk (``SpooledPoseTrack``), the plot timeline is thinned, and what the rules
keep per rep is all that grows. The long run itself is ``benchmarks.long_runs video``."""

from __future__ import annotations

import errno
import os
import tracemalloc

import numpy as np
import pytest
from synthetic import bridge_track

from formcheck.exercises import get_exercise
from formcheck.fileio import WriteFailed
from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame, PoseTrack
from formcheck.pose.spool import BUFFER_ROWS, CHUNK_ROWS, SpooledPoseTrack
from formcheck.session import Session


def _poses(n: int, seed: int = 0) -> list[PoseFrame | None]:
    """Varied poses, some missing, one new person, NaNs and extreme values included."""
    rng = np.random.default_rng(seed)
    poses = []
    for i in range(n):
        if i % 7 == 3:
            poses.append(None)
            continue
        image = rng.normal(300, 200, (N_LANDMARKS, 2))
        image[i % N_LANDMARKS] = np.nan if i % 11 == 0 else 1e300
        poses.append(PoseFrame(i / 30 + 1e-9, image, rng.normal(0, 1, (N_LANDMARKS, 3)),
                               rng.uniform(0, 1, N_LANDMARKS), new_person=i == 40))
    return poses


def _same(a: PoseFrame | None, b: PoseFrame | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.t_s == b.t_s and a.new_person == b.new_person
            and all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True)
                    for k in ("image_xy", "world_xyz", "visibility")))


def test_spooled_track_gives_back_exactly_what_it_was_given(tmp_path):
    n = CHUNK_ROWS + BUFFER_ROWS + 5  # across chunks, with rows still in the write buffer
    poses = _poses(n)
    memory = PoseTrack(fps=30.0, width=640, height=480)
    with SpooledPoseTrack(fps=30.0, width=640, height=480, folder=tmp_path) as spooled:
        for i, pose in enumerate(poses):
            memory.append(i / 30, pose)
            spooled.append(i / 30, pose)
        assert os.listdir(tmp_path) == []  # the file has no name: nothing to leave behind
        assert len(spooled) == len(spooled.poses) == n
        assert list(spooled.times_s) == memory.times_s
        assert all(_same(a, b) for a, b in zip(spooled.poses, poses))
        assert _same(spooled.poses[-1], poses[-1]) and _same(spooled.poses[3], None)
        assert all(_same(a, b) for a, b in zip(spooled.poses[40:60:3], poses[40:60:3]))
        with pytest.raises(IndexError):
            spooled.poses[n]
        spooled.save(tmp_path / "spooled.npz")
        memory.save(tmp_path / "memory.npz")
    with np.load(tmp_path / "spooled.npz") as a, np.load(tmp_path / "memory.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for key in a.files:
            assert a[key].dtype == b[key].dtype and np.array_equal(a[key], b[key], equal_nan=True), key
    loaded = PoseTrack.load(tmp_path / "spooled.npz")
    reference = PoseTrack.load(tmp_path / "memory.npz")  # the file keeps no per-pose time or new person
    assert all(_same(a, b) for a, b in zip(loaded.poses, reference.poses))
    assert sorted(os.listdir(tmp_path)) == ["memory.npz", "spooled.npz"]


def test_a_long_session_on_a_spooled_track_stays_bounded(tmp_path, monkeypatch):
    """Thousands of frames of bridges through the track and the rules, as ``analyze`` runs
    them: what stays in memory grows by a few bytes a frame (the frame times and the reps),
    not the ~2 KB a frame a pose in memory costs."""
    from formcheck import session as session_module
    monkeypatch.setattr(session_module, "MAX_TIMELINE_SAMPLES", 256)
    cycle = bridge_track(reps=2)
    period = cycle[-1].t_s + 1 / 30
    session = Session(get_exercise("glute_bridge")())
    frames = 0

    def run(count: int) -> None:
        nonlocal frames
        for _ in range(count):
            loop, pose = divmod(frames, len(cycle))
            t_s = loop * period + cycle[pose].t_s
            pose = cycle[pose].replace(t_s=t_s, image_xy=cycle[pose].image_xy.copy(),  # new arrays, as the model's
                                       world_xyz=cycle[pose].world_xyz.copy(), visibility=cycle[pose].visibility.copy())
            track.append(t_s, pose)
            session.update(t_s, pose)
            frames += 1

    tracemalloc.start()
    try:
        with SpooledPoseTrack(fps=30.0, width=640, height=480, folder=tmp_path) as track:
            run(600)  # past the timeline's cap, so what follows is the steady state
            before = tracemalloc.get_traced_memory()[0]
            run(1800)
            per_frame = (tracemalloc.get_traced_memory()[0] - before) / 1800
            assert sum(p is not None for p in track.poses) == frames
    finally:
        tracemalloc.stop()
    assert len(session.result.reps) >= 5
    print(f"{per_frame:.1f} bytes a frame stay in memory")
    assert per_frame < 100, f"{per_frame:.0f} bytes a frame stay in memory"


def test_a_full_or_missing_temporary_folder_is_one_clear_error(tmp_path, monkeypatch):
    with pytest.raises(WriteFailed, match="cannot write to .*nowhere"):
        SpooledPoseTrack(fps=30.0, width=640, height=480, folder=tmp_path / "nowhere")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    with SpooledPoseTrack(fps=30.0, width=640, height=480, folder=tmp_path) as track:
        monkeypatch.setattr(os, "pwrite", full)
        with pytest.raises(WriteFailed, match=f"cannot write to {tmp_path}: no space left on device"):
            for i, pose in enumerate(_poses(BUFFER_ROWS)):
                track.append(i / 30, pose)
    assert os.listdir(tmp_path) == []


def test_a_long_videos_page_shades_a_thousand_reps_quickly_and_rests_where_it_did():
    """The page of a 2-hour video: 1,000 rep spans in one step (Plotly's ``add_vrect`` copies
    every shape on each call), and the resting value by bisection equals the plain scan."""
    import time

    import plotly.graph_objects as go

    from formcheck.report import html
    from formcheck.report.timeline import Timeline

    rng = np.random.default_rng(1)
    starts = np.sort(rng.uniform(0, 7000, 1000))
    reps = [(float(a), float(a + rng.uniform(0.5, 9))) for a in starts]  # some overlap
    holds = [(10.0, 30.0, "left"), (25.0, 26.0, None)]
    timeline = Timeline(reps=reps, holds=holds)
    figure = go.Figure()
    started = time.perf_counter()
    html._shade_spans(figure, timeline)
    assert time.perf_counter() - started < 5
    assert len(figure.layout.shapes) == len(figure.layout.annotations) == 1002
    assert figure.layout.annotations[999].text == "Rep 1000" and figure.layout.annotations[1000].text == "Hold · left"
    times = [float(t) for t in np.arange(0, 7200, 2.5)]
    values = [None if i % 13 == 0 else float(np.sin(i / 50)) for i in range(len(times))]
    spans = [(a, b) for a, b in reps] + [(a, b) for a, b, _ in holds]
    outside = sorted(v for t, v in zip(times, values) if v is not None and not any(a <= t <= b for a, b in spans))
    assert html._resting_value(times, values, timeline) == outside[len(outside) // 2]
