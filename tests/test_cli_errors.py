"""Bad input: one clear line on stderr, a non-zero exit, no traceback, no output left behind."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import real_clip, run_cli


def assert_clean_failure(result, expected_text: str, out_dir):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: ")
    assert expected_text in lines[0]
    assert list(out_dir.iterdir()) == [], "no output file may be left behind"


def outputs(out_dir):
    return ["--json", out_dir / "r.json", "--output", out_dir / "a.mp4", "--html", out_dir / "r.html"]


@pytest.fixture
def out_dir(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    return d


def write_video(path, frames, size=(320, 240), fps=15):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for image in frames:
        writer.write(image)
    writer.release()
    return path


def test_missing_file(tmp_path, out_dir):
    r = run_cli("analyze", tmp_path / "nope.mp4", "--exercise", "glute_bridge", *outputs(out_dir))
    assert_clean_failure(r, "no such file", out_dir)


def test_empty_file(tmp_path, out_dir):
    clip = tmp_path / "empty.mp4"
    clip.write_bytes(b"")
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", *outputs(out_dir))
    assert_clean_failure(r, "empty", out_dir)


def test_text_file_named_mp4(tmp_path, out_dir):
    clip = tmp_path / "notes.mp4"
    clip.write_text("these are not the frames you are looking for\n" * 50)
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", *outputs(out_dir))
    assert_clean_failure(r, "not a readable video", out_dir)


def test_video_with_no_frames(tmp_path, out_dir):
    clip = write_video(tmp_path / "noframes.mp4", [])
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", *outputs(out_dir))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert list(out_dir.iterdir()) == []


def test_unknown_exercise_lists_the_valid_ones(tmp_path, out_dir):
    r = run_cli("analyze", tmp_path / "x.mp4", "--exercise", "backflip", *outputs(out_dir))
    assert_clean_failure(r, "glute_bridge", out_dir)
    assert "backflip" in r.stderr


def test_video_with_no_person(tmp_path, out_dir, model_path):
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))
    frames = [cv2.cvtColor(np.roll(gradient, i * 5, axis=1), cv2.COLOR_GRAY2BGR) for i in range(30)]
    clip = write_video(tmp_path / "wall.mp4", frames)
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", *outputs(out_dir))
    assert_clean_failure(r, "no person", out_dir)


def test_output_folder_missing(tmp_path, out_dir):
    clip = real_clip("physioplus_bridging.mp4")
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", "--json", tmp_path / "nowhere" / "r.json")
    assert_clean_failure(r, "output folder does not exist", out_dir)


def test_config_with_an_unknown_key_names_it_and_the_valid_ones(tmp_path, out_dir):
    config = tmp_path / "t.toml"
    config.write_text("[glute_bridge]\nhips_too_hgh_deg = 12\n")
    r = run_cli("analyze", tmp_path / "x.mp4", "--exercise", "glute_bridge", "--config", config,
                *outputs(out_dir))
    assert_clean_failure(r, "hips_too_hgh_deg", out_dir)
    assert "hips_too_high_deg" in r.stderr


def test_malformed_config(tmp_path, out_dir):
    config = tmp_path / "t.toml"
    config.write_text("[glute_bridge\nmin_hold_s = = 2\n")
    r = run_cli("analyze", tmp_path / "x.mp4", "--exercise", "glute_bridge", "--config", config,
                *outputs(out_dir))
    assert_clean_failure(r, "not valid TOML", out_dir)
