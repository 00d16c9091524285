"""Thirty damaged videos (seeded: truncated, bytes flipped, headers damaged, containers
swapped and spliced, in seven containers and codecs), each analysed as a user would with
a time limit: analysed whole, or refused in one line with nothing left behind; never a
traceback, a hang or a crashed process. The full run is ``python -m benchmarks.fuzz``
(500 files)."""

from __future__ import annotations

import pytest

pytest.importorskip("imageio_ffmpeg")

from benchmarks.fuzz import SOURCE_CLIPS, make_fuzz_files, make_sources, run_fuzz  # noqa: E402


def test_thirty_damaged_videos(tmp_path):
    sources = make_sources(tmp_path / "sources", seconds=1.5, clips=SOURCE_CLIPS[:2])
    files = make_fuzz_files(tmp_path / "files", sources, count=30, seed=18)
    summary = run_fuzz(files, tmp_path / "out", jobs=2, limit_s=60)
    print(summary.describe())
    assert len(summary.outcomes) == 30
    assert not summary.findings, summary.describe()
    statuses = {o.status for o in summary.outcomes}
    assert statuses == {"analysed", "refused"}, "the damage should both spare some files and ruin others"
