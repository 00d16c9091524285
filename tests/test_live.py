"""The live path, headless, on a file played like a camera."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import interrupted_midway, real_clip, run_cli
from formcheck.live import fit_on_screen

ffmpeg_exe = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()


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
    assert "1 rep;" in r.stdout
    # without a window: each rep as it finishes, with its cue; no keys to press
    assert [line for line in r.stdout.splitlines() if line.startswith("rep 1 at ")]
    assert "Press q" not in r.stdout + r.stderr


def test_live_headless_says_the_set_up_and_a_file_loses_no_rep_to_the_countdown(model_path, tmp_path):
    clip = real_clip("physioplus_bridging.mp4")  # 3 s: over before the set-up countdown is
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", clip, "--no-window", "--json", tmp_path / "l.json")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("set-up: ")
    rep_line = next(line for line in lines if line.startswith("rep 1 at "))
    from formcheck.exercises.glute_bridge import FAULTS
    said = rep_line.split(": ", 1)[1]
    assert said == "good form" or set(said.split("; ")) <= {f.cue for f in FAULTS}  # the cues of its faults
    assert json.loads((tmp_path / "l.json").read_text())["summary"]["rep_count"] == 1


def test_live_headless_says_at_the_end_that_nobody_was_seen_and_why(model_path, tmp_path):
    dark = tmp_path / "dark.mp4"
    subprocess.run([ffmpeg_exe, "-v", "error", "-i", str(real_clip("physioplus_bridging.mp4")), "-vf",
                    "eq=brightness=-0.4", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(dark)], check=True)
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", dark, "--no-window", "--json", tmp_path / "l.json")
    assert r.returncode == 0, r.stderr
    assert "set-up: enough light? not yet - Too dark" in r.stdout  # the failing check leads
    assert "warning: no person was found in dark.mp4: the picture is too dark" in r.stderr
    report = json.loads((tmp_path / "l.json").read_text())
    assert report["pose"]["frames_with_pose"] == 0 and "too dark" in report["warnings"][0]


def test_live_says_when_another_exercise_is_being_done(model_path, tmp_path):
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", real_clip("tobefrank_goblet-squat.mp4"),
                "--no-window", "--loop", "--max-seconds", "13", "--json", tmp_path / "l.json")
    assert r.returncode == 0, r.stderr
    said = "This looks like a squat or chair squat, not a glute bridge: restart with --exercise squat"
    assert any(line.startswith(said) for line in r.stdout.splitlines())  # as the banner says it
    assert "warning: this looks like a squat" in r.stderr  # and in the summary


def test_a_big_camera_picture_is_scaled_down_to_fit_the_screen():
    assert fit_on_screen(1920, 1080, (1280, 800)) == (1152, 648)
    assert fit_on_screen(1080, 1920, (1920, 1080)) == (546, 972)  # a phone held upright
    assert fit_on_screen(640, 480, (1920, 1080)) == (640, 480)  # never scaled up


def test_ctrl_c_in_live_still_saves_the_summary(model_path, tmp_path):
    clip = real_clip("physioplus_bridging.mp4")
    out = tmp_path / "live.json"
    run, _ = interrupted_midway(40, "live", "--exercise", "glute_bridge", "--camera", clip, "--no-window",
                                "--no-setup-check", "--loop", "--json", out)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(out.read_text())
    assert report["live"]["frames_shown"] == 40  # every frame the rules finished, and no more
    assert re.search(r"; \d+ reps?[;\n]", run.stdout)  # the summary line (how many depends on the frames dropped)


def test_real_window_under_xvfb_fits_the_screen_counts_the_first_rep_and_quits_on_q(model_path, tmp_path):
    import os
    import shutil
    import sys
    import time

    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("Xvfb and xdotool are needed for the window test (apt-get install xvfb xdotool)")
    big = tmp_path / "1080p.mp4"  # a 1080p camera on a 1280x800 screen
    subprocess.run([ffmpeg_exe, "-v", "error", "-i", str(real_clip("physioplus_bridging.mp4")), "-vf",
                    "scale=1440:1080,pad=1920:1080:240:0", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(big)],
                   check=True)
    display = ":87"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24"], stderr=subprocess.DEVNULL)
    proc = None
    try:
        env = {**os.environ, "DISPLAY": display}
        out = tmp_path / "live.json"
        proc = subprocess.Popen([sys.executable, "-m", "formcheck", "live", "--exercise", "glute_bridge",
                                 "--camera", str(big), "--loop", "--json", str(out)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        window = ""
        deadline = time.monotonic() + 60
        while not window and time.monotonic() < deadline:
            time.sleep(0.5)
            window = subprocess.run(["xdotool", "search", "--name", "formcheck"], env=env,
                                    capture_output=True, text=True).stdout.split()
            window = window[0] if window else ""
        assert window, "no window appeared"
        time.sleep(9)  # the set-up check (3 s countdown), then a loop of the clip
        geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window], env=env,
                                  capture_output=True, text=True).stdout
        size = dict(line.split("=") for line in geometry.split())
        assert 0 < int(size["WIDTH"]) <= 1280 and 0 < int(size["HEIGHT"]) <= 800, geometry
        subprocess.run(["xdotool", "key", "--window", window, "q"], env=env, capture_output=True)
        stdout, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 0, stderr
        report = json.loads(out.read_text())
        assert report["live"]["frames_shown"] > 10
        assert report["summary"]["rep_count"] >= 2  # the first rep, filmed during the set-up, too
        assert "Press q or Esc" in stderr
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        xvfb.terminate()
        xvfb.wait()


def test_a_camera_that_goes_silent_ends_the_session_with_what_was_done(model_path, monkeypatch):
    """A camera unplugged mid-set (frames stop, nothing errors): the reps so far are kept and
    the end says why; it is not a crash."""
    import threading
    import time

    import cv2

    from formcheck import live
    from formcheck.config import thresholds_for
    from formcheck.exercises import get_exercise
    from formcheck.session import Session

    clip = real_clip("tobefrank_glute-bridge.mp4")
    unplugged = threading.Event()
    open_file = cv2.VideoCapture

    class UnpluggedAfterTheClip:  # a stream that plays the clip, then sends nothing
        def __init__(self, _source):
            self.cap = open_file(str(clip))
            self.frame_s = 1 / self.cap.get(cv2.CAP_PROP_FPS)

        def isOpened(self):
            return True

        def get(self, prop):
            return self.cap.get(prop)

        def read(self):
            ok, image = self.cap.read()
            if not ok:
                unplugged.wait(30)  # silent, as a dead USB camera is
            time.sleep(self.frame_s)  # a camera sends at its own rate
            return ok, image

        def release(self):
            unplugged.set()
            self.cap.release()

    monkeypatch.setattr(live.cv2, "VideoCapture", UnpluggedAfterTheClip)
    monkeypatch.setattr(live.CameraSource, "stall_s", 1.0)
    session = Session(get_exercise("glute_bridge")(), thresholds_for({}, "common"))
    result, stats, _ = live.run_live("rtsp://camera.local/stream", session, model_path, window=False)
    assert len(result.reps) == 1
    assert stats.stalled_at_s is not None and stats.stalled_at_s >= 3.0
    assert any("camera stopped sending pictures" in w for w in stats.warnings)
