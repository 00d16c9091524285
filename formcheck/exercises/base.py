"""What every exercise file provides, and the checks shared by all of them.

An exercise is one small class: the camera set-up it needs, what it measures on a
frame (named angles), how reps or holds are found, its thresholds (a frozen
dataclass, overridable from a config file) and its cues. The session does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from formcheck import geometry
from formcheck.counting import HoldTracker, RepCounter, Window
from formcheck.pose.landmarks import Joint, PoseFrame

SIDES = ("left", "right")

# Cues every exercise shares.
COMMON_CUES = {
    "out_of_frame": "Move so your whole body is in view",
    "wrong_view": "Turn so the camera sees you from the {view}",
}


@dataclass(frozen=True)
class CommonThresholds:
    """Checks that apply to every exercise (a ``[common]`` table in the config)."""

    min_visibility: float = 0.5       # a landmark below this is treated as unseen
    out_of_frame_s: float = 1.0       # needed landmarks missing this long -> out_of_frame
    wrong_view_s: float = 2.0         # wrong camera view this long -> wrong_view
    side_view_max_ratio: float = 0.45  # shoulder+hip width / torso length below this = side-on
    front_view_min_ratio: float = 0.45  # ... above this = facing the camera
    oblique_view_min_ratio: float = 0.2  # ... above this = facing or oblique
    live_cue_s: float = 0.3           # a live cue must persist this long before it is shown


@dataclass(frozen=True)
class Fault:
    """One fault found in a rep or hold, with the moment that shows it best."""

    code: str
    t_s: float


def midpoint(pose: PoseFrame, name: str) -> np.ndarray:
    """Midpoint of the left and right joint (``"hip"`` -> between both hips), in pixels.

    In a side view both sides overlap, so the midpoint is immune to MediaPipe's
    left/right swaps.
    """
    return (pose.xy(Joint[f"LEFT_{name.upper()}"]) + pose.xy(Joint[f"RIGHT_{name.upper()}"])) / 2


def world_midpoint(pose: PoseFrame, name: str) -> np.ndarray:
    return (pose.xyz(Joint[f"LEFT_{name.upper()}"]) + pose.xyz(Joint[f"RIGHT_{name.upper()}"])) / 2


def body_width_ratio(pose: PoseFrame) -> float:
    """Shoulder and hip width over torso length, in the image: ~0 side-on, ~0.7 facing."""
    widths = (geometry.distance(pose.xy(Joint.LEFT_SHOULDER), pose.xy(Joint.RIGHT_SHOULDER))
              + geometry.distance(pose.xy(Joint.LEFT_HIP), pose.xy(Joint.RIGHT_HIP))) / 2
    torso = geometry.distance(midpoint(pose, "shoulder"), midpoint(pose, "hip"))
    return widths / torso if torso > 0 else float("nan")


def trunk_lean_deg(pose: PoseFrame) -> float:
    """Trunk lean from vertical, from world landmarks (right whichever way the camera looks)."""
    return geometry.lean_from_vertical_deg(world_midpoint(pose, "hip"), world_midpoint(pose, "shoulder"))


class Exercise:
    """Base of every exercise. Subclasses set the class attributes and ``measure``."""

    id: ClassVar[str]
    title: ClassVar[str]
    view: ClassVar[str]            # "side", "front" or "front_or_oblique"
    view_name: ClassVar[str]       # how the view is said to a person: "side"
    setup: ClassVar[str]           # what to do before starting, shown until in position
    kind: ClassVar[str]            # "reps" or "holds"
    Thresholds: ClassVar[type]
    CUES: ClassVar[dict[str, str]]
    FAULTS: ClassVar[tuple[str, ...]]
    joints: ClassVar[tuple[str, ...]]    # body parts that must be seen (either side): "hip", ...
    key_metric: ClassVar[str]            # the angle to draw and plot first
    key_joint: ClassVar[str]             # where to draw it: "hip", "knee", ...
    plots: ClassVar[dict[str, str]]      # metric -> axis label, for reports
    target_reps: ClassVar[str] = ""      # e.g. "12-15", shown on screen

    def __init__(self, thresholds=None):
        self.th = thresholds if thresholds is not None else self.Thresholds()

    @classmethod
    def all_codes(cls) -> tuple[str, ...]:
        return cls.FAULTS + tuple(COMMON_CUES)

    def message(self, code: str) -> str:
        if code in COMMON_CUES:
            return COMMON_CUES[code].format(view=self.view_name)
        return self.CUES[code]

    def sees_body(self, pose: PoseFrame, min_visibility: float) -> bool:
        """Whether every needed body part is visible on at least one side."""
        return all(max(pose.visibility[Joint[f"LEFT_{name.upper()}"]],
                       pose.visibility[Joint[f"RIGHT_{name.upper()}"]]) >= min_visibility
                   for name in self.joints)

    def view_ok(self, pose: PoseFrame, th: "CommonThresholds") -> bool:
        """Whether the camera sees the body from the view this exercise needs."""
        ratio = body_width_ratio(pose)
        if not np.isfinite(ratio):
            return True
        if self.view == "side":
            return ratio <= th.side_view_max_ratio
        if self.view == "front":
            return ratio >= th.front_view_min_ratio
        return ratio >= th.oblique_view_min_ratio

    def measure(self, pose: PoseFrame) -> dict[str, float]:
        """Named measurements on one (smoothed) frame."""
        raise NotImplementedError

    def in_position(self, m: dict[str, float]) -> bool:
        """Whether the person is set up for the exercise (reps/holds count only then)."""
        return True

    def live_cues(self, m: dict[str, float], active: bool) -> list[str]:
        """Fault codes visible on this frame (shown live once they persist)."""
        return []

    def bands(self) -> dict[str, list[dict]]:
        """Threshold bands per plotted metric, for the report's plots."""
        return {}


class RepExercise(Exercise):
    kind = "reps"
    rep_signal: ClassVar[str]  # the metric whose rise and fall makes a rep

    def counter(self) -> RepCounter:
        raise NotImplementedError

    def check_rep(self, rep: Window) -> tuple[list[Fault], dict[str, float]]:
        """Faults and summary metrics of one finished rep."""
        raise NotImplementedError


class HoldExercise(Exercise):
    kind = "holds"

    def tracker(self) -> HoldTracker:
        return HoldTracker()

    def held_side(self, m: dict[str, float]) -> str | None:
        """The side being held on this frame, or None."""
        raise NotImplementedError

    def check_hold(self, hold: Window) -> tuple[list[Fault], dict[str, float]]:
        raise NotImplementedError

    def check_session(self, holds: list[Window], end_s: float) -> list[Fault]:
        """Faults about the whole session (e.g. only one side held)."""
        return []
