"""The live path, headless, on a file played like a camera."""

from __future__ import annotations

import json

from conftest import real_clip, run_cli


def test_live_headless_on_a_file_source(model_path, tmp_path):
    clip = real_clip("tobefrank_glute-bridge.mp4")
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", clip, "--no-window",
                "--json", tmp_path / "live.json")
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "live.json").read_text())
    assert report["summary"]["rep_count"] == 1
    live = report["live"]
    # played at its real rate: ~3.5 s of video, every frame either shown or dropped
    assert report["video"]["duration_s"] >= 3.0
    assert live["frames_shown"] + live["frames_dropped"] <= 106
    assert live["frames_shown"] >= 50
    assert live["latency_p95_ms"] < 500
    assert "1 reps" in r.stdout
