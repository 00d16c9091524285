"""Replaying a stored track of the rendered population (``samples/population``) through the rules."""
from __future__ import annotations

from pathlib import Path

from formcheck.pose.store import load_track
from formcheck.session import Session

POPULATION = Path(__file__).parents[1] / "samples" / "population"


def replay_population(exercise, clip, each=None):
    """(session result, truth) of a stored population track replayed through ``exercise``;
    ``each(t_s, live_state)`` sees every frame's state."""
    track, truth = load_track(POPULATION / exercise.id / f"{clip}.track.xz")
    session = Session(exercise, keep_timeline=False)
    for t_s, pose in zip(track.times_s, track.poses):
        state = session.update(t_s, pose)
        if each is not None:
            each(t_s, state)
    return session.finish(), truth
