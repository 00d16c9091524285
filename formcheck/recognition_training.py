"""Training the exercise recogniser (``formcheck recognition train``) on the rendered population.

Every stored pose track of the population's tuning half is cut into windows, each labelled
with the clip's exercise (or ``"none"`` for a negative: a move that is not the exercise); the
recogniser is the k-NN over all of them. ``benchmarks.accuracy`` scores it on the test half
and the filmed clips.
"""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.pose.landmarks import PoseTrack
from formcheck.recognize import NONE, Recognizer, track_windows


def population_windows(root: Path, half: str):
    """(label, clip name, window vector) of every stored population track of ``half``:
    a clip's exercise, or ``NONE`` for its negatives (a move that is not the exercise)."""
    from formcheck.pose.store import load_track

    for path in sorted(root.glob("*/*.track.xz")):
        track, truth = load_track(path)
        if truth["half"] != half:
            continue
        label = NONE if truth["negative"] else truth["exercise"]
        for _, _, vector in track_windows(track):
            yield label, truth["clip"], vector


def train_population(root: Path) -> Recognizer:
    """Fit on the tuning half of the rendered population (see ``samplegen.population``)."""
    rows = list(population_windows(root, "tune"))
    if not rows:
        raise FormcheckError(f"no population tracks to learn from in {root}")
    labels, clips, vectors = zip(*rows)
    return Recognizer.fit(vectors, labels, clips)


def clip_label(recognizer: Recognizer, track: PoseTrack) -> str:
    """One answer for a whole clip: the most common answer of its windows."""
    votes = [recognizer.predict(v)[0] for _, _, v in track_windows(track)]
    return max(dict.fromkeys(votes), key=votes.count) if votes else NONE  # a tie: the answer given first
