"""A damaged record under ``results/.formcheck/`` (cut short, not JSON, wrong kind, from
another version, a field missing or wrong): its video is analysed again with a one-line
note; never a traceback, never a silent skip."""

from __future__ import annotations

import json

from conftest import run_cli
from formcheck.markers import MARKER_DIR, check_marker
from machine_faults import assert_whole, make_clips, run_folder, summary


def test_damaged_markers_are_noted_and_redone(tmp_path):
    clips, results = tmp_path / "clips", tmp_path / "results"
    videos = make_clips(clips, count=5)
    first = run_folder(clips, results)
    assert first.returncode == 0, first.stderr
    before = assert_whole(results, videos)
    records = results / MARKER_DIR
    marker = json.loads((records / "v1.result.json").read_text())

    # How each kind of damage reads (on a record of no video).
    for content, reason in [
        (json.dumps({k: v for k, v in marker.items() if k not in ("settings", "format")}),
         "from an older formcheck or damaged (no settings)"),
        (json.dumps({**marker, "video_size": "big"}), "damaged (video_size not as expected)"),
        ("", "empty"),
    ]:
        (records / "scratch.result.json").write_text(content)
        assert check_marker(results, "scratch") == (None, reason)
    (records / "scratch.result.json").unlink()

    damage = {
        "v1": ((records / "v1.result.json").read_bytes()[:57], "cut short or not JSON"),
        "v2": (b"\x00\xff\xfe garbage", "not text"),
        "v3": (b"[1, 2, 3]\n", "not a formcheck marker"),
        "v4": (json.dumps({**marker, "format": 0}).encode(), "from another version of formcheck (format 0"),
    }
    for stem, (content, _) in damage.items():
        (records / f"{stem}.result.json").write_bytes(content)

    history = run_cli("history", results)  # reads the markers too: no traceback
    assert history.returncode == 0 and "Traceback" not in history.stderr, history.stderr

    again = run_folder(clips, results)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert summary(again) == (5, 4, 1, 0)
    notes = [line for line in again.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 4, again.stderr
    for stem, (_, reason) in damage.items():
        [line] = [n for n in notes if n.startswith(f"note: {stem}.mp4: ")]
        assert f"its record in {records} is {reason}" in line and line.endswith("; analysing it again")
    after = assert_whole(results, videos)  # every record sound again
    assert sorted(after) == sorted(videos)
    assert after["v5.mp4"] == before["v5.mp4"]  # the sound one was left alone
