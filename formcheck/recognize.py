"""``--exercise auto``: which exercise is being done, from a few seconds of pose.

A small k-nearest-neighbour classifier over posture features that do not depend on
which way the person faces: how upright the trunk is, how bent the hips and knees
are, how far apart the knees are, whether one ankle rests on the other knee, ...
Each window of a few seconds is summarised (mean, spread, range of each feature)
and compared with windows of the rendered sample clips, whose exercise is known.
Consecutive windows that agree make a segment; a video that changes exercise is
split into segments analysed on their own. The training data, ``recognition.json``,
is made by ``formcheck recognition train`` (``recognition_training``) from the tuning half
of the rendered population, whose negatives teach it a ``"none"`` answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.fileio import write_json_atomic
from formcheck.geometry import angle_deg, lean_from_vertical_deg
from formcheck.pose.landmarks import Joint, PoseFrame, PoseTrack

MODEL_FILE = Path(__file__).with_name("recognition.json")
NONE = "none"  # the answer for a move that is none of the exercises (the population's negatives)
WINDOW_S = 4.0        # seconds of pose summarised per decision
STEP_S = 1.0          # one decision per second
K_NEIGHBOURS = 5
MIN_SEGMENT_S = 6.0   # a change of exercise must last this long to split the video
MIN_POSE_FRACTION = 0.5  # a window needs a pose in at least half its frames

FEATURES = ("trunk_from_vertical", "shoulders_vertical", "thigh_from_vertical_mean", "thigh_from_vertical_gap",
            "shin_from_vertical_mean", "knee_angle_min", "knee_angle_max", "hip_angle_min", "hip_angle_max",
            "ankle_on_knee", "ankle_height_gap", "knee_gap_ratio", "wrist_height", "hip_height")


def _leg(pose: PoseFrame, side: str, name: str) -> np.ndarray:
    return pose.world_xyz[Joint[f"{side}_{name}"]]


def frame_features(pose: PoseFrame) -> np.ndarray:
    """Posture features of one frame (degrees and body-size ratios), left/right symmetric."""
    w = pose.world_xyz
    mid = lambda name: (w[Joint[f"LEFT_{name}"]] + w[Joint[f"RIGHT_{name}"]]) / 2  # noqa: E731
    shoulder, hip, knee_mid, ankle_mid = mid("SHOULDER"), mid("HIP"), mid("KNEE"), mid("ANKLE")
    legs = {}
    for side in ("LEFT", "RIGHT"):
        h, k, a = _leg(pose, side, "HIP"), _leg(pose, side, "KNEE"), _leg(pose, side, "ANKLE")
        s = _leg(pose, side, "SHOULDER")
        legs[side] = dict(thigh=lean_from_vertical_deg(k, h), shin=lean_from_vertical_deg(a, k),
                          knee=angle_deg(h, k, a), hip=angle_deg(s, h, k), ankle_y=a[1])
    leg_length = max(1e-3, np.linalg.norm(hip - knee_mid) + np.linalg.norm(knee_mid - ankle_mid))
    hip_width = max(1e-3, np.linalg.norm(w[Joint.LEFT_HIP] - w[Joint.RIGHT_HIP]))
    shoulder_vec = w[Joint.LEFT_SHOULDER] - w[Joint.RIGHT_SHOULDER]
    ankle_on_knee = min(np.linalg.norm(w[Joint.LEFT_ANKLE] - w[Joint.RIGHT_KNEE]),
                        np.linalg.norm(w[Joint.RIGHT_ANKLE] - w[Joint.LEFT_KNEE])) / leg_length
    thighs = [legs[s]["thigh"] for s in legs]
    return np.array([
        lean_from_vertical_deg(hip, shoulder),
        np.degrees(np.arcsin(min(1.0, abs(shoulder_vec[1]) / max(1e-3, np.linalg.norm(shoulder_vec))))),
        np.mean(thighs),
        abs(thighs[0] - thighs[1]),
        np.mean([legs[s]["shin"] for s in legs]),
        min(legs[s]["knee"] for s in legs),
        max(legs[s]["knee"] for s in legs),
        min(legs[s]["hip"] for s in legs),
        max(legs[s]["hip"] for s in legs),
        ankle_on_knee,
        abs(legs["LEFT"]["ankle_y"] - legs["RIGHT"]["ankle_y"]) / leg_length,
        np.linalg.norm(w[Joint.LEFT_KNEE] - w[Joint.RIGHT_KNEE]) / hip_width,
        (mid("WRIST")[1] - hip[1]) / leg_length,
        (ankle_mid[1] - hip[1]) / leg_length,
    ])


def window_vector(features: np.ndarray) -> np.ndarray:
    """Summary of a window of frame features: mean, spread and range of each."""
    return np.concatenate([np.nanmean(features, 0), np.nanstd(features, 0),
                           np.nanpercentile(features, 90, 0) - np.nanpercentile(features, 10, 0)])


def track_windows(track: PoseTrack) -> list[tuple[float, float, np.ndarray]]:
    """(start_s, end_s, vector) for each window of the track with enough pose in it."""
    times = np.array(track.times_s)
    feats = np.full((len(times), len(FEATURES)), np.nan)  # filled in place: no array per frame on the way
    for i, pose in enumerate(track.poses):
        if pose is not None:
            feats[i] = frame_features(pose)
    if len(times) == 0:
        return []
    windows = []
    start = times[0]
    last_start = max(times[0], times[-1] - WINDOW_S)
    while start <= last_start + 1e-9:
        inside = (times >= start) & (times < start + WINDOW_S)
        seen = inside & ~np.isnan(feats[:, 0])
        if inside.sum() and seen.sum() >= MIN_POSE_FRACTION * inside.sum():
            windows.append((float(start), float(min(start + WINDOW_S, times[-1])), window_vector(feats[seen])))
        start += STEP_S
    return windows


@dataclass
class Recognizer:
    """k-NN over standardised window vectors."""

    vectors: np.ndarray
    labels: list[str]
    clips: list[str]
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, vectors, labels, clips) -> "Recognizer":
        x = np.asarray(vectors, float)
        mean = np.nanmean(x, 0)
        scale = np.nanstd(x, 0)
        scale[~(scale > 1e-6)] = 1.0
        return cls(np.nan_to_num((x - mean) / scale), list(labels), list(clips), mean, scale)

    def predict(self, vector: np.ndarray, exclude_clip: str | None = None) -> tuple[str, float]:
        """The exercise and the share of the k neighbours that agree."""
        z = np.nan_to_num((vector - self.mean) / self.scale)
        d = np.linalg.norm(self.vectors - z, axis=1)
        if exclude_clip is not None:
            d[[c == exclude_clip for c in self.clips]] = np.inf
        nearest = np.argsort(d)[:K_NEIGHBOURS]
        votes: dict[str, float] = {}
        for i in nearest:
            votes[self.labels[i]] = votes.get(self.labels[i], 0) + 1.0 / (1e-6 + d[i])
        label = max(votes, key=votes.get)
        return label, sum(self.labels[i] == label for i in nearest) / len(nearest)

    def shares(self, vector: np.ndarray, allowed) -> dict[str, float]:
        """Each label's share of the k nearest windows, only ``allowed`` exercises (and
        ``NONE``) taken as neighbours: how much a window looks like each of them."""
        z = np.nan_to_num((vector - self.mean) / self.scale)
        d = np.linalg.norm(self.vectors - z, axis=1)
        d[[label != NONE and label not in allowed for label in self.labels]] = np.inf
        nearest = [self.labels[i] for i in np.argsort(d)[:K_NEIGHBOURS]]
        return {label: nearest.count(label) / len(nearest) for label in set(nearest)}

    def save(self, path: Path = MODEL_FILE) -> None:
        write_json_atomic(path, {"features": list(FEATURES), "window_s": WINDOW_S,
                                 "vectors": np.round(self.vectors, 4).tolist(), "labels": self.labels,
                                 "clips": self.clips, "mean": self.mean.tolist(), "scale": self.scale.tolist()})

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "Recognizer":
        if not path.exists():
            raise FormcheckError(f"exercise recognition has no training data ({path}); "
                                 "run `formcheck recognition train`")
        data = json.loads(path.read_text())
        if data.get("features") != list(FEATURES):
            raise FormcheckError(f"{path} was trained on other features; retrain it")
        return cls(np.array(data["vectors"]), data["labels"], data["clips"], np.array(data["mean"]),
                   np.array(data["scale"]))


@dataclass(frozen=True)
class Segment:
    exercise: str
    start_s: float
    end_s: float
    confidence: float


def segments(track: PoseTrack, recognizer: Recognizer | None = None, allowed=None) -> list[Segment]:
    """The exercises done in the track, as time segments (usually just one)."""
    recognizer = recognizer or Recognizer.load()
    decisions = [(s, e, *recognizer.predict(v)) for s, e, v in track_windows(track)]
    if not decisions:
        raise FormcheckError("could not recognise the exercise: too little of the body was seen")
    if all(d[2] == NONE for d in decisions):
        raise FormcheckError("this does not look like any exercise formcheck knows "
                             "(see `formcheck exercises`); name one with --exercise")
    decisions = [d for d in decisions if d[2] != NONE and (allowed is None or d[2] in allowed)]
    if not decisions:
        raise FormcheckError("could not recognise the exercise: too little of the body was seen")
    labels = [d[2] for d in decisions]
    # Smooth: each decision takes the majority of itself and its neighbours (a tie keeps its own).
    smooth = []
    for i, own in enumerate(labels):
        around = labels[max(0, i - 2):i + 3]
        smooth.append(max(dict.fromkeys([own, *around]), key=around.count))
    # Runs of agreeing decisions: [label, first window centre, last window centre, confidences].
    runs: list[list] = []
    for (start, end, _, conf), label in zip(decisions, smooth):
        centre = (start + end) / 2
        if runs and runs[-1][0] == label:
            runs[-1][2] = centre
            runs[-1][3].append(conf)
        else:
            runs.append([label, centre, centre, [conf]])
    # Runs too short to be an exercise of their own join their longer neighbour.
    length = lambda run: run[2] - run[1] + STEP_S  # noqa: E731
    while len(runs) > 1:
        shortest = min(range(len(runs)), key=lambda i: length(runs[i]))
        if length(runs[shortest]) >= MIN_SEGMENT_S:
            break
        neighbours = [j for j in (shortest - 1, shortest + 1) if 0 <= j < len(runs)]
        keep = max(neighbours, key=lambda j: length(runs[j]))
        lo, hi = sorted((shortest, keep))
        runs[lo:hi + 1] = [[runs[keep][0], runs[lo][1], runs[hi][2], runs[lo][3] + runs[hi][3]]]
    # Boundaries half-way between the last decision of one run and the first of the next.
    t0, t1 = track.times_s[0], track.times_s[-1]
    result = []
    for i, (label, _, _, confs) in enumerate(runs):
        start = t0 if i == 0 else (runs[i - 1][2] + runs[i][1]) / 2
        end = t1 if i == len(runs) - 1 else (runs[i][2] + runs[i + 1][1]) / 2
        result.append(Segment(label, float(start), float(end), float(np.mean(confs))))
    return result
