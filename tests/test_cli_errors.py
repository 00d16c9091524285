"""Bad input: one clear line on stderr, a non-zero exit, no traceback, no output left behind."""

from __future__ import annotations

import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from conftest import SAMPLES, real_clip, run_cli


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


def test_a_mistyped_exercise_gets_a_did_you_mean(tmp_path, out_dir):
    r = run_cli("analyze", tmp_path / "x.mp4", "--exercise", "glute_brige", *outputs(out_dir))
    assert_clean_failure(r, "did you mean glute_bridge?", out_dir)


@pytest.mark.parametrize("typed, meant", [("Glute bridge", "glute_bridge"), ("seated-hip-abduction",
                                          "seated_hip_abduction"), ("clam", "clamshell"), ("aut", "auto"),
                                          ("squat_", "squat"), ("backflip", None)])
def test_the_nearest_exercise_to_a_typo(typed, meant):
    from formcheck.cli import _exercise_choice
    from formcheck.errors import FormcheckError

    with pytest.raises(FormcheckError) as error:
        _exercise_choice(typed, allow_auto=True)
    assert (f"did you mean {meant}?" in str(error.value)) if meant else ("did you mean" not in str(error.value))


def test_a_mistyped_command_gets_a_did_you_mean():
    r = run_cli("anlyze", "x.mp4")
    assert r.returncode != 0 and "Did you mean 'analyze'?" in r.stderr and "Traceback" not in r.stderr


def test_auto_is_listed_in_help_and_in_exercises():
    assert "or auto to recognise it" in " ".join(run_cli("analyze", "--help").stdout.split())
    listing = run_cli("exercises").stdout.splitlines()
    assert any(line.startswith("auto ") and "Recognised" in line for line in listing)


SHORT_CLIP = SAMPLES / "clamshell" / "clamshell_clean.mp4"  # 3.7 s at 15 fps: the quickest real run


def _formcheck(*args, debug: bool):
    env = {k: v for k, v in os.environ.items() if k != "FORMCHECK_DEBUG"}
    if debug:
        env["FORMCHECK_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-m", "formcheck", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


def test_a_cut_short_file_says_so_names_its_outputs_and_no_library_log_reaches_the_terminal(tmp_path, model_path):
    """Cut to 75%: one warning (the half-written last frames are the cut, not "unreadable frames"), '1 rep' (not '1 reps'), the exercise and its
    faults named as on the page, where each file went; stderr holds formcheck's lines only,
    though MediaPipe and LiteRT do log (FORMCHECK_DEBUG=1 shows them: the control)."""
    data = SHORT_CLIP.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 3 // 4])
    out = tmp_path / "out"
    out.mkdir()
    args = ("analyze", cut, "--exercise", "clamshell", "--json", out / "r.json", "--csv", out / "r.csv", "--quiet")

    r = _formcheck(*args, debug=False)
    assert r.returncode == 0, r.stderr
    warnings = r.stderr.splitlines()
    assert warnings and all(line.startswith("warning: ") for line in warnings), r.stderr
    assert len(warnings) == 1 and "ends early (truncated after" in warnings[0], warnings
    summary, *written = r.stdout.splitlines()
    assert summary.startswith("cut.mp4: Clamshell; 1 rep;"), summary
    assert "  JSON report: " + str(out / "r.json") in written and "  CSV table: " + str(out / "r.csv") in written

    control = _formcheck(*args, debug=True)
    native = [line for line in control.stderr.splitlines() if not line.startswith("warning: ")]
    assert native, "the control run should show the native libraries' own log lines"
