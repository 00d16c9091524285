"""Why nothing was counted, said so a person can act on it.

A video where nothing counts usually has one of a few causes, each of which the
analysis can check for itself:

* nobody is found: the picture is too dark, the person too small in it, or the video is
  on its side (``nobody_found``: the pose model tried again on a few frames turned and
  zoomed in);
* somebody is found but nothing counts: the video is on its side (phones write a
  rotation tag, but an edited or re-saved video may have lost it; the rules are replayed
  on the poses turned by 90 degrees: ``on_its_side``), another exercise is being done
  (the recogniser: ``looks_like``), or the body was seen too rarely or too small.

(Reps counted with some faults not judged from the camera's view are listed by the session
and said by ``report.words.not_judged_text``.) ``nothing_counted`` and ``nobody_found`` give
the words; ``analyze`` and ``live`` say them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from formcheck.config import thresholds_for
from formcheck.errors import FormcheckError
from formcheck.exercises import get_exercise
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseFrame, PoseTrack
from formcheck.pose.spool import SpooledPoseTrack
from formcheck.recognize import segments
from formcheck.session import Session
from formcheck.video import shrink

DARK_GREY_LEVEL = 40.0      # a picture's mean grey level (0-255) below this is too dark to track well
SMALL_BODY_FRACTION = 0.2   # the body's larger span over the picture's: below this, too small
MIN_TRACKED_FRACTION = 0.5  # the body tracked in less of the video than this: say why
SAMPLE_FRAMES = 8           # frames kept to look into when nobody is found
SAMPLE_SIDE_PX = 640        # ... at most this large (the pose model looks at no more)
ZOOMS = (2, 3)              # nobody found: look again at halves, then thirds, of the picture
ROTATIONS = {"clockwise": cv2.ROTATE_90_CLOCKWISE, "anticlockwise": cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass
class FrameSamples:
    """A few frames spread evenly over everything offered (its length need not be known):
    every ``stride``-th is kept, and when too many are, every other goes and the stride doubles."""

    limit: int = SAMPLE_FRAMES
    images: list[np.ndarray] = field(default_factory=list)
    stride: int = 1
    _offered: int = 0

    def offer(self, image_bgr: np.ndarray | Callable[[], np.ndarray]) -> None:
        """One more frame (BGR), or a function that makes it, called only if it is kept."""
        if self._offered % self.stride == 0:
            if callable(image_bgr):
                image_bgr = image_bgr()
            height, width = image_bgr.shape[:2]
            scale = SAMPLE_SIDE_PX / max(height, width)
            self.images.append(shrink(image_bgr, (round(width * scale), round(height * scale))) if scale < 1
                               else image_bgr.copy())
            if len(self.images) > self.limit:
                del self.images[1::2]
                self.stride *= 2
        self._offered += 1


def grey_level(image_bgr: np.ndarray) -> float:
    """The picture's mean grey level, 0 (black) to 255 (white)."""
    return float(cv2.resize(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY), (64, 48), interpolation=cv2.INTER_AREA).mean())


def _dark(images: list[np.ndarray]) -> float | None:
    """The pictures' median grey level when it is too dark, else None."""
    level = float(np.median([grey_level(i) for i in images])) if images else 255.0
    return level if level < DARK_GREY_LEVEL else None


DARK_ADVICE = "film in more light (a lamp on, or facing a window)"
SMALL_ADVICE = "move the camera closer, so the body fills at least half the picture"


def nobody_found(samples: list[np.ndarray], model_path, name: str) -> str:
    """Why the pose model found nobody in ``samples`` (frames of the video ``name``), in one
    line that says what to do: too dark, too small, on its side, or none of these.

    The model looks at the samples again, zoomed in and turned by 90 degrees; someone found
    in at least a quarter of them (or one of few) is the answer."""
    start = f"no person was found in {name}"
    level = _dark(samples)
    if level is not None:
        return f"{start}: the picture is too dark (brightness {level:.0f} of 255); {DARK_ADVICE}"
    if samples:
        enough = max(1, len(samples) // 4)
        with PoseEstimator(model_path, quiet=True, zoom=False) as estimator:  # its own zooms
            probe = _Probe(estimator)
            if probe.found_in(samples, lambda image: [c for zoom in ZOOMS for c in _crops(image, zoom)], enough):
                return f"{start}: the person is too small in the picture (found only zoomed in); {SMALL_ADVICE}"
            for way, code in ROTATIONS.items():
                if probe.found_in(samples, lambda image: [cv2.rotate(image, code)], enough):
                    return (f"{start} upright, but turned 90° {way} there is someone: the video is on its side; "
                            f"{_rotate_advice(way)}")
    return (f"{start}: check that the whole body is in the picture, in good light, "
            "and that the video shows the exercise")


class _Probe:
    """Asks the pose model about unrelated pictures, one after another."""

    def __init__(self, estimator: PoseEstimator):
        self.estimator, self.t_s = estimator, 0.0

    def found_in(self, samples: list[np.ndarray], views, enough: int) -> bool:
        """Whether someone is found in ``enough`` of the samples, each looked at as ``views``
        makes it (a list of pictures: someone in any of them counts)."""
        found = 0
        for image in samples:
            found += any(self._finds(view) for view in views(image))
            if found >= enough:
                return True
        return False

    def _finds(self, image: np.ndarray) -> bool:
        self.t_s += 1.0  # far apart: each picture is looked at afresh, not tracked from the last
        return self.estimator.detect(np.ascontiguousarray(image), self.t_s) is not None


def _crops(image: np.ndarray, zoom: int) -> list[np.ndarray]:
    """Overlapping windows of 1/``zoom`` of the picture's width and height, half a window apart."""
    height, width = image.shape[:2]
    h, w = height // zoom, width // zoom
    return [image[y:y + h, x:x + w] for y in range(0, height - h + 1, max(1, h // 2))
            for x in range(0, width - w + 1, max(1, w // 2))]


def _rotate_advice(way: str) -> str:
    transpose = {"clockwise": 1, "anticlockwise": 2}[way]
    return (f"turn it upright in a video editor (or: ffmpeg -i IN -vf transpose={transpose} OUT.mp4) "
            "and analyse it again")


# -- somebody found, nothing counted -----------------------------------------------------------

def nothing_counted(track: PoseTrack, exercise_id: str, config: dict | None = None,
                    samples: list[np.ndarray] = ()) -> list[str]:
    """Why a video where somebody was seen counted no rep or hold, as warnings (the likeliest
    first): another exercise, on its side, or the body seen too rarely or too small.

    Another exercise is said first when it counts on the video as it is: a squat, turned
    on its side, can pass for a bridge, but the recogniser sees the squat."""
    config = config or {}
    warnings = []
    others = looks_like(track, exercise_id)
    other = another_exercise(track, exercise_id, config, others)
    if other is not None:
        warnings.append(other)
    else:
        turned = on_its_side(track, exercise_id, config)
        if turned is not None:
            way, count = turned
            what = _plural(count, "rep" if get_exercise(exercise_id).kind == "reps" else "hold")
            return [f"the video may be on its side: turned 90° {way}, {what} would count; if it is, "
                    + _rotate_advice(way)]
        if others:
            warnings.append(f"this looks more like {_a(_title(others[0]))} than {_a(_title(exercise_id))}; "
                            f"if it is, use --exercise {others[0]}")
    seen = sum(p is not None for p in track.poses) / max(1, len(track.poses))
    if seen < MIN_TRACKED_FRACTION:
        level = _dark(list(samples))
        why = f"; the picture is dark (brightness {level:.0f} of 255): {DARK_ADVICE}" if level is not None else ""
        warnings.append(f"the body was tracked in only {seen:.0%} of the video{why}")
    size = body_fraction(track)
    if size is not None and size < SMALL_BODY_FRACTION:
        warnings.append(f"the person is small in the picture (the body spans {size:.0%} of it); {SMALL_ADVICE}")
    return warnings


def another_exercise(track: PoseTrack, exercise_id: str, config: dict | None = None,
                     others: list[str] | None = None) -> str | None:
    """"this looks like a squat, not a glute bridge: use --exercise squat" when the recogniser
    sees another exercise and that exercise's rules count on the track; else None.
    ``others``: what ``looks_like`` gave, if it was asked already."""
    others = looks_like(track, exercise_id) if others is None else others
    counting = [other for other in others if counted(track, other, config)]
    if not counting:
        return None
    return (f"this looks like {_a(' or '.join(_title(o) for o in counting))}, not {_a(_title(exercise_id))}: "
            f"use --exercise {counting[0]}" + "".join(f" (or {o})" for o in counting[1:]))


def counted(track: PoseTrack, exercise_id: str, config: dict | None = None) -> int:
    """Reps and holds the exercise's rules count on ``track`` (replayed, no model)."""
    config = config or {}
    session = Session(get_exercise(exercise_id)(thresholds_for(config, exercise_id)),
                      thresholds_for(config, "common"), keep_timeline=False)
    for t_s, pose in zip(track.times_s, track.poses):
        session.update(t_s, pose)
    result = session.finish()
    return len(result.reps) + len(result.holds)


def on_its_side(track: PoseTrack, exercise_id: str, config: dict | None = None) -> tuple[str, int] | None:
    """("clockwise" or "anticlockwise", how many) when, on the poses turned that way by 90
    degrees, the exercise counts reps or holds (none as they are) and the recogniser sees it."""
    if not any(p is not None for p in track.poses) or counted(track, exercise_id, config):
        return None
    for way in ROTATIONS:
        turned = rotated(track, way)
        count = counted(turned, exercise_id, config)
        if count and not looks_like(turned, exercise_id) and _recognised(turned):
            return way, count
    return None


def rotated(track: PoseTrack, way: str) -> PoseTrack:
    """The track as the video turned 90 degrees ``way`` would give it: the picture's
    coordinates and the world's (whose axes are the camera's: x right, y down) alike."""
    spooled = isinstance(track, SpooledPoseTrack)  # a long video's turned track goes to disk too
    turned = (SpooledPoseTrack if spooled else PoseTrack)(fps=track.fps, width=track.height, height=track.width)
    for t_s, pose in zip(track.times_s, track.poses):
        turned.append(t_s, None if pose is None else _rotated_pose(pose, way, track.width, track.height))
    return turned


def _rotated_pose(pose: PoseFrame, way: str, width: int, height: int) -> PoseFrame:
    x, y = pose.image_xy[:, 0], pose.image_xy[:, 1]
    wx, wy, wz = pose.world_xyz.T
    if way == "clockwise":  # (x, y) -> (H - y, x)
        image, world = np.stack([height - y, x], 1), np.stack([-wy, wx, wz], 1)
    else:                   # (x, y) -> (y, W - x)
        image, world = np.stack([y, width - x], 1), np.stack([wy, -wx, wz], 1)
    return pose.replace(image_xy=image, world_xyz=world)


# Exercises the recogniser tells apart poorly, whose reps count alike (a squat to a chair is a squat).
FAMILIES = (("squat", "chair_squat"),)


def family(exercise_id: str) -> tuple[str, ...]:
    """``exercise_id`` and the exercises it is easily taken for (``FAMILIES``)."""
    return next((f for f in FAMILIES if exercise_id in f), (exercise_id,))


def looks_like(track: PoseTrack, exercise_id: str) -> list[str]:
    """The exercise the recogniser sees for most of the track, with its family, when that is
    not ``exercise_id``'s; empty when it is, or when it sees no exercise it knows."""
    found = _recognised(track)
    if not found or any(s.exercise in family(exercise_id) for s in found):
        return []
    return list(family(max(found, key=lambda s: s.end_s - s.start_s).exercise))


def _recognised(track: PoseTrack):
    try:
        return segments(track)
    except FormcheckError:  # too little seen, or no exercise it knows
        return []


def body_fraction(track: PoseTrack) -> float | None:
    """The body's median larger span (its visible landmarks) over the picture's matching side."""
    spans = []
    for pose in track.poses:
        if pose is not None:
            seen = pose.image_xy[pose.visibility >= 0.5]
            if len(seen) >= 2:
                span = seen.max(axis=0) - seen.min(axis=0)
                spans.append(max(span[0] / track.width, span[1] / track.height))
    return float(np.median(spans)) if spans else None


def _title(exercise_id: str) -> str:
    return get_exercise(exercise_id).title.lower()


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
