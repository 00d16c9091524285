"""The annotated video's file: H.264 in MP4 (4:2:0, index first) that a browser plays, each
frame at the time it had in the source, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from conftest import run_cli
from formcheck.annotate import VideoWriter, video_writer
from formcheck.errors import FormcheckError
from test_cli_errors import assert_clean_failure, outputs


def frames(n: int, size=(641, 361)):
    width, height = size
    for i in range(n):
        image = np.zeros((height, width, 3), np.uint8)
        image[:, : (i * 37) % width] = (40, 160, 230)  # something that changes
        yield image


def decoded(path: Path) -> tuple[str, str, str, tuple[int, int], list[float]]:
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        times = [frame.time for frame in video.decode(stream)]
        return (video.format.name, stream.codec_context.name, stream.codec_context.pix_fmt,
                (stream.width, stream.height), times)


def test_odd_sized_frames_at_variable_times_are_h264_420_at_those_times(tmp_path):
    times = [0.0, 1 / 30, 2 / 30, 0.2, 0.35, 0.4, 1.0]  # a phone's variable frame rate
    with video_writer(tmp_path / "a.mp4", 30.0, (641, 361)) as writer:
        for t, image in zip(times, frames(len(times))):
            writer.write(image, t)
    container, codec, pix_fmt, size, decoded_times = decoded(tmp_path / "a.mp4")
    assert "mp4" in container and codec == "h264" and pix_fmt == "yuv420p"
    assert size == (640, 360)  # 4:2:0 needs even sides: one column and row cropped
    assert decoded_times == pytest.approx(times, abs=1e-4)
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp4"]


@pytest.mark.parametrize("suffix, container", [(".mov", "mov"), (".mkv", "matroska")])
def test_the_container_follows_the_suffix(tmp_path, suffix, container):
    with video_writer(tmp_path / f"a{suffix}", 25.0, (320, 240)) as writer:
        for i, image in enumerate(frames(5, (320, 240))):
            writer.write(image, i / 25)
    found, codec, pix_fmt, _, times = decoded(tmp_path / f"a{suffix}")
    assert container in found and codec == "h264" and pix_fmt == "yuv420p" and len(times) == 5


def test_a_suffix_of_another_container_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(FormcheckError, match=r"a\.avi.*try a\.mp4"):
        with video_writer(tmp_path / "a.avi", 25.0, (320, 240)):
            pass
    assert list(tmp_path.iterdir()) == []


def test_an_error_midway_leaves_nothing_behind(tmp_path):
    with pytest.raises(RuntimeError):
        with video_writer(tmp_path / "a.mp4", 25.0, (320, 240)) as writer:
            for i, image in enumerate(frames(10, (320, 240))):
                writer.write(image, i / 25)
            raise RuntimeError("the analysis failed")
    assert list(tmp_path.iterdir()) == []


def test_a_frame_of_the_wrong_size_is_a_bug_not_a_crash_of_ffmpeg(tmp_path):
    writer = VideoWriter(tmp_path / "a.mp4", 25.0, (320, 240))
    with pytest.raises(ValueError):
        writer.write(np.zeros((100, 100, 3), np.uint8), 0.0)
    writer.abandon()


def test_cli_refuses_an_avi_name_in_one_line_before_any_work(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args = outputs(out_dir)
    args[args.index(out_dir / "a.mp4")] = out_dir / "a.avi"
    (tmp_path / "clip.mp4").write_bytes(b"not read: the name is refused first")
    r = run_cli("analyze", tmp_path / "clip.mp4", "--exercise", "glute_bridge", *args)
    assert_clean_failure(r, "cannot write the annotated video as a.avi", out_dir)
