"""The live path, headless, on a file played like a camera."""

from __future__ import annotations

import json

import pytest

from conftest import interrupted_midway, real_clip, run_cli


def test_live_headless_on_a_file_source(model_path, tmp_path):
    clip = real_clip("tobefrank_glute-bridge.mp4")
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", clip, "--no-window", "--no-setup-check",
                "--json", tmp_path / "live.json")
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "live.json").read_text())
    assert report["summary"]["rep_count"] == 1
    live = report["live"]
    # played at its real rate: ~3.5 s of video, every frame either shown or dropped (how many
    # are dropped depends on how busy the machine is: the benchmark measures that, not this test)
    assert report["video"]["duration_s"] >= 3.0
    assert 100 <= live["frames_shown"] + live["frames_dropped"] <= 106
    assert live["frames_shown"] >= 10
    assert "1 reps" in r.stdout


def test_ctrl_c_in_live_still_saves_the_summary(model_path, tmp_path):
    clip = real_clip("physioplus_bridging.mp4")
    out = tmp_path / "live.json"
    run, _ = interrupted_midway(40, "live", "--exercise", "glute_bridge", "--camera", clip, "--no-window",
                                "--no-setup-check", "--loop", "--json", out)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(out.read_text())
    assert report["live"]["frames_shown"] == 40  # every frame the rules finished, and no more
    assert "reps" in run.stdout


def test_real_window_under_xvfb_quits_on_q(model_path, tmp_path):
    import shutil
    import subprocess
    import sys
    import time

    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("Xvfb and xdotool are needed for the window test (apt-get install xvfb xdotool)")
    display = ":87"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24"], stderr=subprocess.DEVNULL)
    try:
        env = {**__import__("os").environ, "DISPLAY": display}
        out = tmp_path / "live.json"
        proc = subprocess.Popen([sys.executable, "-m", "formcheck", "live", "--exercise", "glute_bridge",
                                 "--camera", str(real_clip("physioplus_bridging.mp4")), "--loop",
                                 "--json", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        window = ""
        deadline = time.monotonic() + 60
        while not window and time.monotonic() < deadline:
            time.sleep(0.5)
            window = subprocess.run(["xdotool", "search", "--name", "formcheck"], env=env,
                                    capture_output=True, text=True).stdout.split()
            window = window[0] if window else ""
        assert window, "no window appeared"
        time.sleep(2)
        subprocess.run(["xdotool", "key", "--window", window, "q"], env=env, capture_output=True)
        stdout, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 0, stderr
        assert json.loads(out.read_text())["live"]["frames_shown"] > 10
    finally:
        if "proc" in locals() and proc.poll() is None:
            proc.kill()
        xvfb.terminate()
        xvfb.wait()
