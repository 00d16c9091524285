"""Camera-change benchmarks do what they say: the filmed-clip variants (benchmarks.filmed_variants)
on a bundled clip, and the lower-rate replay (benchmarks.lower_rate) on a stored track."""

from pathlib import Path

import cv2
import numpy as np

from benchmarks.filmed_variants import VARIANTS, labels_seen_as, write_variant
from formcheck.video import VideoReader

CLIP = Path(__file__).resolve().parent.parent / "samples" / "glute_bridge" / "bridge_clean_left.mp4"


def frames(path: Path) -> list[np.ndarray]:
    with VideoReader(path) as video:
        return [frame.image for frame in video]


def test_variants_mirror_halve_and_keep_the_labels_true(tmp_path):
    original = frames(CLIP)
    mirrored, half_fps = tmp_path / "mirror.mp4", tmp_path / "half_fps.mp4"
    write_variant(CLIP, mirrored, VARIANTS["mirror"])
    write_variant(CLIP, half_fps, VARIANTS["half_fps"])
    flipped = frames(mirrored)
    assert len(flipped) == len(original) and not list(tmp_path.glob("*.partial.mp4"))
    # the picture is the original's mirror image (lossy codecs: compare coarsely)
    assert np.abs(flipped[0].astype(int) - cv2.flip(original[0], 1).astype(int)).mean() < 6
    assert np.abs(flipped[0].astype(int) - original[0].astype(int)).mean() > 10
    assert len(frames(half_fps)) == (len(original) + 1) // 2
    assert cv2.VideoCapture(str(half_fps)).get(cv2.CAP_PROP_FPS) == cv2.VideoCapture(str(CLIP)).get(cv2.CAP_PROP_FPS) / 2
    label = {"holds": [{"side": "left", "duration_s": 6.0}, {"side": None, "duration_s": 3.0}]}
    assert [h["side"] for h in labels_seen_as(label, VARIANTS["mirror"])["holds"]] == ["right", None]
    assert labels_seen_as(label, VARIANTS["dim"]) == label


def test_the_lower_rate_replay_keeps_every_nth_pose(monkeypatch):
    import benchmarks.accuracy as accuracy
    from benchmarks.lower_rate import _compare

    seen = []
    real_replay = accuracy.replay

    def replay(track, exercise_id, config=None):
        seen.append(len(track.poses))
        return real_replay(track, exercise_id, config)

    monkeypatch.setattr(accuracy, "replay", replay)
    squat = Path(accuracy.POPULATION) / "squat" / "squat-006.track.xz"  # 199 poses at 30 fps
    assert _compare((squat, 15.0)) == ("squat-006", 2, True, True, "")
    assert seen == [199, 100]
