"""Training the exercise recogniser (``formcheck recognition train``) on the sample clips.

Every sample clip's pose track (cached in ``samples/.landmarks/``) is cut into windows,
each labelled with the clip's exercise; the recogniser is the k-NN over all of them,
scored by leaving one clip out at a time.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseTrack
from formcheck.recognize import Recognizer, track_windows
from formcheck.samples import clip_for
from formcheck.video import VideoReader


def sample_tracks(folder: Path, model_path: Path, refresh: bool = False):
    """(exercise, clip name, PoseTrack) for every sample clip; tracks are cached (git-ignored)
    in ``samples/.landmarks/`` so retraining needs the model only once."""
    for expected in sorted(folder.rglob("*.expected.json")):
        exercise = json.loads(expected.read_text())["exercise"]
        clip = clip_for(expected)
        cache = folder / ".landmarks" / exercise / clip.with_suffix(".npz").name
        cache.parent.mkdir(parents=True, exist_ok=True)
        if refresh or not cache.exists() or cache.stat().st_mtime < clip.stat().st_mtime:
            with VideoReader(clip) as video, PoseEstimator(model_path) as estimator:
                track = PoseTrack(fps=video.info.fps, width=video.info.width, height=video.info.height)
                for frame in video:
                    track.append(frame.t_s, estimator.detect(frame.image, frame.t_s))
            track.save(cache)
        yield exercise, clip.name, PoseTrack.load(cache)


def train(folder: Path, model_path: Path) -> tuple[Recognizer, dict]:
    """Fit on every sample clip; report leave-one-clip-out accuracy per exercise."""
    vectors, labels, clips = [], [], []
    for exercise, name, track in sample_tracks(folder, model_path):
        for _, _, v in track_windows(track):
            vectors.append(v)
            labels.append(exercise)
            clips.append(name)
    if not vectors:
        raise FormcheckError(f"no sample clips to learn from in {folder}")
    recognizer = Recognizer.fit(vectors, labels, clips)
    per_clip: dict[str, tuple[str, str]] = {}
    for name in sorted(set(clips)):
        rows = [i for i, c in enumerate(clips) if c == name]
        votes = [recognizer.predict(np.asarray(vectors[i]), exclude_clip=name)[0] for i in rows]
        per_clip[name] = (labels[rows[0]], max(set(votes), key=votes.count))
    correct = sum(truth == guess for truth, guess in per_clip.values())
    return recognizer, {"clips": len(per_clip), "correct": correct, "per_clip": per_clip}
