"""The real model on real pixels, end to end through the command line."""

from __future__ import annotations

import json

import av
import cv2
import pytest

from browser import chromium_page
from conftest import real_clip, run_cli
from formcheck.report.model import Report


@pytest.fixture(scope="module")
def bridge_run(tmp_path_factory, model_path):
    out = tmp_path_factory.mktemp("bridge")
    clip = real_clip("physioplus_bridging.mp4")
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", "--json", out / "r.json",
                "--output", out / "a.mp4", "--html", out / "r.html", "--csv", out / "r.csv", "--quiet")
    assert r.returncode == 0, r.stderr
    return clip, out, r


def test_filmed_bridge_report(bridge_run):
    clip, out, r = bridge_run
    report = json.loads((out / "r.json").read_text())
    assert report["schema"] == "formcheck.report/1"
    assert report["exercise"] == "glute_bridge"
    assert report["video"]["frames"] == 91 and report["video"]["width"] == 640
    assert report["pose"]["frames_with_pose"] >= 85
    assert report["summary"]["rep_count"] == 1
    rep = report["reps"][0]
    # hand-labelled: up 0.4-0.7 s, top held ~0.8-2.4 s, down by ~2.8 s; top on the line
    assert 0.1 <= rep["start_s"] <= 0.7 and 2.2 <= rep["end_s"] <= 3.0
    assert rep["hold_s"] == pytest.approx(1.6, abs=0.4)
    assert "hips_too_high" not in rep["faults"]
    for code in rep["faults"]:  # each fault of the rep is said, within the rep (times rounded to 0.01 s)
        assert [e for e in report["events"] if e["code"] == code and rep["start_s"] - 0.01 <= e["t_s"] <= rep["end_s"] + 0.01]
    assert Report.from_json(report).to_json() == report  # nothing in the file that the typed report drops
    assert "1 rep;" in r.stdout


def test_annotated_video_has_every_frame(bridge_run):
    clip, out, _ = bridge_run
    cap = cv2.VideoCapture(str(out / "a.mp4"))
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, image = cap.read()
    cap.release()
    assert frames == 91 and ok and image.shape == (480, 640, 3)
    with av.open(str(out / "a.mp4")) as video:  # what a browser needs: H.264, 4:2:0, MP4
        stream = video.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert "mp4" in video.format.name
        times = [frame.time for frame in video.decode(stream)]
    assert times == pytest.approx([i / 30 for i in range(91)], abs=1e-3)  # the clip's own frame times
    head = (out / "a.mp4").read_bytes()
    assert head.find(b"moov") < head.find(b"mdat"), "faststart: the index comes before the frames"
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"
    modes = {path.name: path.stat().st_mode & 0o777 for path in out.iterdir()}
    assert len(set(modes.values())) == 1, f"outputs readable alike, not {modes}"


def test_html_and_csv_written(bridge_run):
    _, out, _ = bridge_run
    page = (out / "r.html").read_text()
    assert "<h1>Glute bridge</h1>" in page
    assert "Hips vs shoulder-knee line (°)" in page  # the key angle's plot
    rows = (out / "r.csv").read_text().strip().splitlines()
    assert rows[0].startswith("kind,index,side") and len(rows) == 2


def test_pelvic_tilt_is_not_a_bridge(model_path, tmp_path):
    clip = real_clip("myguides_pelvic-tilt.mp4")
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", "--json", tmp_path / "r.json", "--quiet")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["rep_count"] == 0


def test_second_filmed_bridge_dark_clothes(model_path, tmp_path):
    clip = real_clip("tobefrank_glute-bridge.mp4")
    r = run_cli("analyze", clip, "--exercise", "glute_bridge", "--json", tmp_path / "r.json", "--quiet")
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["rep_count"] == 1
    # Labelled ~1.5 s at the top, counting the slow last part of the lift and the first of the
    # lowering; formcheck counts only the still part (see glute_bridge: hold_max_speed_deg_s).
    assert 0.9 <= report["reps"][0]["hold_s"] <= 1.9


def test_report_plays_the_annotated_video_and_a_fault_mark_jumps_to_it(bridge_run):
    _, out, _ = bridge_run
    report = json.loads((out / "r.json").read_text())
    fault_t = report["events"][0]["t_s"]
    with chromium_page() as (page, errors):
        page.goto((out / "r.html").as_uri())
        video = page.locator("video#fc-video")
        assert video.get_attribute("src") == "a.mp4"  # beside the page, linked relative to it
        page.wait_for_function("document.getElementById('fc-video').readyState >= 2", timeout=30_000)
        assert page.evaluate("document.getElementById('fc-video').duration") == pytest.approx(91 / 30, abs=0.05)
        assert page.evaluate("document.getElementById('fc-video').videoWidth") == 640
        page.evaluate("(() => { const v = document.getElementById('fc-video'); v.muted = true; return v.play(); })()")
        page.wait_for_function("document.getElementById('fc-video').currentTime > 0.2", timeout=30_000)

        page.locator(".mark-list button.seek").first.click()
        page.wait_for_function("!document.getElementById('fc-video').seeking", timeout=10_000)
        state = page.evaluate("(() => { const v = document.getElementById('fc-video'); "
                              "return [v.currentTime, v.paused]; })()")
        assert state[0] == pytest.approx(fault_t, abs=0.05) and state[1] is True
        page.locator(".thumb button.seek").first.click()  # the fault's picture jumps there too
        assert page.evaluate("document.getElementById('fc-video').currentTime") == pytest.approx(fault_t, abs=0.05)
    assert not errors, errors
