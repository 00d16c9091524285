"""The population's pose-track files (``formcheck.pose.store``): what comes back is what went
in, to within half a quantisation step, and a file of another format is refused."""
from __future__ import annotations

import io
import lzma

import numpy as np
import pytest

from formcheck.pose import store
from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame, PoseTrack


def random_track(frames=40, width=1920, height=1080, seed=0):
    rng = np.random.default_rng(seed)
    track = PoseTrack(fps=30.0, width=width, height=height)
    for i in range(frames):
        t = i / 30.0
        seen = i % 7 != 3  # now and then nobody
        track.append(t, PoseFrame(t, rng.uniform(0, 1, (N_LANDMARKS, 2)) * (width, height),
                                  rng.uniform(-0.8, 0.8, (N_LANDMARKS, 3)), rng.uniform(0, 1, N_LANDMARKS))
                     if seen else None)
    return track


def test_a_track_comes_back_within_half_a_step(tmp_path):
    track, truth = random_track(), {"clip": "x-001", "expect": {"rep_count": 2}}
    store.save_track(tmp_path / "x.track.xz", track, truth)
    back, truth_back = store.load_track(tmp_path / "x.track.xz")
    assert truth_back == truth and back.times_s == track.times_s and (back.width, back.height) == (1920, 1080)
    for a, b in zip(track.poses, back.poses):
        assert (a is None) == (b is None)
        if a is not None:
            assert np.abs((a.image_xy - b.image_xy) / (1920, 1080)).max() <= 0.5 / store.IMAGE_SCALE + 1e-12
            assert np.abs(a.world_xyz - b.world_xyz).max() <= 0.5 / store.WORLD_SCALE + 1e-12
            assert np.abs(a.visibility - b.visibility).max() <= 0.5 / store.VISIBILITY_SCALE + 1e-12


def test_a_file_of_another_format_is_refused_with_its_name(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, fps=30.0, size=np.array([640, 480]))  # format 1 had no format number
    path = tmp_path / "old.track.xz"
    path.write_bytes(lzma.compress(buffer.getvalue()))
    with pytest.raises(ValueError, match="old.track.xz: an older pose-track format"):
        store.load_track(path)
