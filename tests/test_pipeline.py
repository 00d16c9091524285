"""The threaded analysis gives exactly what running the stages one after another gives."""

from __future__ import annotations

import json
import threading

import cv2
import numpy as np
import pytest

from conftest import real_clip
from formcheck import thumbnails
from formcheck.analyze import Outputs, analyze_video
from formcheck.annotate import Annotator
from formcheck.exercises import get_exercise
from formcheck.pipeline import run_pipelined, run_sequential
from formcheck.pose.landmarks import PoseTrack
from formcheck.report.model import Report
from formcheck.video import VideoFrame, VideoReader, shrink


def _report(clip, model_path, out, pipelined: bool) -> tuple[Report, bytes]:
    out.mkdir()
    report = analyze_video(clip, "glute_bridge", model_path,
                           Outputs(json=out / "r.json", landmarks=out / "poses.npz"), progress=False,
                           pipelined=pipelined)
    assert Report.from_json(json.loads((out / "r.json").read_text())) == report
    return report, (out / "poses.npz").read_bytes()


@pytest.mark.parametrize("name", ["physioplus_bridging.mp4", "myguides_pelvic-tilt.mp4"])
def test_pipelined_report_equals_sequential(name, model_path, tmp_path):
    clip = real_clip(name)
    sequential, seq_poses = _report(clip, model_path, tmp_path / "sequential", False)
    pipelined, pipe_poses = _report(clip, model_path, tmp_path / "pipelined", True)
    assert pipelined == sequential
    a, b = PoseTrack.load(tmp_path / "sequential" / "poses.npz"), PoseTrack.load(tmp_path / "pipelined" / "poses.npz")
    assert a.times_s == b.times_s
    for p, q in zip(a.poses, b.poses):
        assert (p is None) == (q is None)
        if p is not None:
            np.testing.assert_array_equal(p.image_xy, q.image_xy)


def _frames(n):
    return [VideoFrame(i, i / 30, np.full((4, 4, 3), i % 256, np.uint8)) for i in range(n)]


def test_pipeline_keeps_frame_order_and_sees_every_frame():
    seen = {"sequential": [], "pipelined": []}
    for name, run in (("sequential", run_sequential), ("pipelined", run_pipelined)):
        run(_frames(50), lambda model_input, t_s: round(t_s * 30),
            lambda frame, pose, out=seen[name]: out.append((frame.index, pose)))
    assert seen["pipelined"] == seen["sequential"] == [(i, i) for i in range(50)]


@pytest.mark.parametrize("run", [run_sequential, run_pipelined])
def test_frames_reach_the_last_stage_without_pixels_when_nothing_is_drawn(run):
    got = []
    run(_frames(5), lambda model_input, t_s: None, lambda frame, pose: got.append(frame), images=False)
    assert [f.index for f in got] == list(range(5)) and all(f.image is None for f in got)


def test_an_error_in_any_stage_stops_the_pipeline_and_is_raised():
    def fail_at_10(frame, pose):
        if frame.index == 10:
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_pipelined(_frames(1000), lambda model_input, t_s: None, fail_at_10)

    def bad_frames():
        yield from _frames(5)
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        run_pipelined(bad_frames(), lambda model_input, t_s: None, lambda frame, pose: None)
    assert not [t for t in threading.enumerate() if t.name.startswith("formcheck-")], "a stage kept running"


def test_annotated_video_is_at_most_720p():
    ex = get_exercise("glute_bridge")()
    assert Annotator(ex, 640, 480).size == (640, 480)
    assert Annotator(ex, 1280, 720).size == (1280, 720)
    assert Annotator(ex, 3840, 2160).size == (1280, 720)
    assert Annotator(ex, 2160, 3840).size == (720, 1280)  # a phone held upright


@pytest.mark.parametrize("name", ["tobefrank_glute-bridge.mp4", "physioplus_bridging.mp4"])
def test_thumbnail_frames_by_seeking_equal_decoding(name):
    """One clip has a keyframe a second (it seeks), the other only the first (it decodes on)."""
    clip = real_clip(name)
    with VideoReader(clip) as video:
        times = [frame.t_s for frame in video]
        fps = video.info.fps
    track = PoseTrack(fps=fps, width=0, height=0, times_s=times, poses=[None] * len(times))
    wanted = sorted({0, 3, 4, 40, 70, len(times) // 2, len(times) - 1})
    backwards = [70, 3, len(times) - 1, 0, 40]  # events need not come in time order
    sought = thumbnails._frames_by_seeking(clip, wanted, track)
    sought_backwards = thumbnails._frames_by_seeking(clip, backwards, track)
    decoded = thumbnails._frames_by_decoding(clip, dict.fromkeys(wanted))
    assert sought is not None and sorted(sought) == sorted(decoded) == wanted
    for i in wanted:
        np.testing.assert_array_equal(sought[i], decoded[i])
    for i in backwards:
        np.testing.assert_array_equal(sought_backwards[i], decoded[i])


def test_thumbnails_read_during_the_pass_equal_those_read_afterwards():
    from formcheck.session import Event, SessionResult

    clip = real_clip("tobefrank_glute-bridge.mp4")
    with VideoReader(clip) as video:
        times = [frame.t_s for frame in video]
        info = video.info
    track = PoseTrack(fps=info.fps, width=info.width, height=info.height, times_s=times, poses=[None] * len(times))
    exercise = get_exercise("glute_bridge")()
    result = SessionResult(exercise=exercise, events=[Event(round(times[i], 3), "short_hold", "Hold longer")
                                                      for i in (5, 50, 95)])
    fault_frames = thumbnails.FaultFrames(clip, track)
    for event in reversed(result.events):
        fault_frames.want(event.t_s)
    prefetched = fault_frames.close()
    assert sorted(prefetched) == [5, 50, 95]
    during = thumbnails.fault_thumbnails(clip, result, track, prefetched)
    after = thumbnails.fault_thumbnails(clip, result, track)
    assert len(during) == 3 and during == after


def test_session_timeline_stays_bounded_however_long(monkeypatch):
    """A live session of hours keeps a thinned timeline: every n-th frame, at most the cap."""
    from formcheck import session as session_module
    from formcheck.session import Session
    from synthetic import side_pose

    monkeypatch.setattr(session_module, "MAX_TIMELINE_SAMPLES", 16)
    session = Session(get_exercise("glute_bridge")())
    times = [i / 30 for i in range(100)]
    for t in times:
        session.update(t, side_pose(t, -45.0))
    result = session.result
    assert len(result.timeline_t_s) < 16
    every = 8  # thinned three times: to every 2nd, then 4th, then 8th frame
    assert result.timeline_t_s == times[::every]
    assert all(len(series) == len(result.timeline_t_s) for series in result.timeline.values())


def test_shrink_from_4k_matches_area_averaging():
    """The cheap downscale gives nearly the image plain area averaging gives."""
    rng = np.random.default_rng(0)
    coarse = rng.integers(0, 256, (54, 96, 3), dtype=np.uint8)
    image = cv2.resize(coarse, (3840, 2160), interpolation=cv2.INTER_CUBIC)
    for size in [(640, 360), (1280, 720), (1000, 562)]:
        reference = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        shrunk = shrink(image, size)
        assert shrunk.shape == reference.shape
        assert np.abs(shrunk.astype(int) - reference).mean() < 3.0
    assert shrink(reference, reference.shape[1::-1]) is reference


def test_halving_first_changes_nothing_the_model_or_the_viewer_sees():
    """The decode stage halves a 4K frame toward the annotated size once; the model's input
    and the annotated frame made from it are exactly those made from the full frame."""
    from formcheck.pose.estimator import prepare
    from formcheck.video import annotated_size, halve

    rng = np.random.default_rng(1)
    for width, height in [(3840, 2160), (2560, 1440), (2160, 3840), (3000, 1688)]:
        image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        annotated = annotated_size(width, height)
        halved = halve(image, annotated)
        assert max(halved.shape[:2]) < max(image.shape[:2])
        direct, via_halved = prepare(image), prepare(halved, (width, height))
        assert (direct.width, direct.height) == (via_halved.width, via_halved.height) == (width, height)
        assert np.array_equal(direct.image.numpy_view(), via_halved.image.numpy_view())
        assert np.array_equal(shrink(image, annotated), shrink(halved, annotated))
