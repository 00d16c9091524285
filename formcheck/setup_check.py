"""Camera set-up check before a live set: the person fully in view, from the right side,
in enough light and big enough — then a countdown, and the set starts."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.exercises.base import CommonThresholds, Exercise
from formcheck.pose.landmarks import PoseFrame

OK_COLOUR, BAD_COLOUR = (70, 170, 60), (40, 60, 220)


@dataclass(frozen=True)
class SetupThresholds:
    min_brightness: float = 50.0      # mean grey level (0-255) of the picture
    min_body_fraction: float = 0.35   # the body's longer side / the frame's matching side
    edge_margin_fraction: float = 0.01  # needed joints must sit this far inside the picture
    countdown_s: float = 3.0          # all good this long -> the set starts


@dataclass(frozen=True)
class SetupItem:
    label: str
    ok: bool
    hint: str


@dataclass(frozen=True)
class SetupStatus:
    items: tuple[SetupItem, ...]
    countdown_s: float | None  # seconds left once everything is right
    ready: bool

    @property
    def first_problem(self) -> SetupItem | None:
        return next((item for item in self.items if not item.ok), None)


class SetupCheck:
    def __init__(self, exercise: Exercise, common: CommonThresholds | None = None,
                 thresholds: SetupThresholds | None = None):
        self.exercise = exercise
        self.common = common or CommonThresholds()
        self.th = thresholds or SetupThresholds()
        self._good_since: float | None = None

    def update(self, t_s: float, image: np.ndarray, pose: PoseFrame | None) -> SetupStatus:
        ex, th = self.exercise, self.th
        h, w = image.shape[:2]
        brightness = float(cv2.resize(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (64, 48)).mean())
        seen = pose is not None
        whole = seen and ex.sees_body(pose, self.common.min_visibility) and self._inside(pose, w, h)
        view = whole and ex.view_ok(pose, self.common)
        size = whole and self._body_fraction(pose, w, h) >= th.min_body_fraction
        # The light first: in a dark room the person goes unseen, and "Step into view" would
        # send someone already in view to look for the wrong fix.
        items = (
            SetupItem("Enough light", brightness >= th.min_brightness, "Too dark: turn on a light or face a window"),
            SetupItem("Person in view", seen, f"Step into view: {ex.setup}"),
            SetupItem("Whole body in the picture", whole, "Move back so your whole body is in the picture"),
            SetupItem(f"Camera sees you from the {ex.view_name}", view, ex.message("wrong_view")),
            SetupItem("Close enough", size, "Come a little closer to the camera"),
        )
        if all(item.ok for item in items):
            self._good_since = t_s if self._good_since is None else self._good_since
            left = th.countdown_s - (t_s - self._good_since)
            return SetupStatus(items, max(0.0, left), left <= 0)
        self._good_since = None
        return SetupStatus(items, None, False)

    def _inside(self, pose: PoseFrame, w: int, h: int) -> bool:
        margin = self.th.edge_margin_fraction
        points = np.array([pose.image_xy[j] for j in self._needed_joints(pose)])
        return bool(np.all((points[:, 0] >= margin * w) & (points[:, 0] <= (1 - margin) * w)
                           & (points[:, 1] >= margin * h) & (points[:, 1] <= (1 - margin) * h)))

    def _needed_joints(self, pose: PoseFrame) -> list[int]:
        from formcheck.pose.landmarks import Joint
        joints = []
        for name in self.exercise.joints:
            left, right = Joint[f"LEFT_{name.upper()}"], Joint[f"RIGHT_{name.upper()}"]
            joints.append(left if pose.visibility[left] >= pose.visibility[right] else right)
        return joints

    def _body_fraction(self, pose: PoseFrame, w: int, h: int) -> float:
        seen = pose.image_xy[pose.visibility >= self.common.min_visibility]
        if len(seen) < 2:
            return 0.0
        span = seen.max(axis=0) - seen.min(axis=0)
        return float(max(span[0] / w, span[1] / h))


def draw_setup(overlay, image: np.ndarray, status: SetupStatus, hint: str | None = None) -> np.ndarray:
    """The checklist, and the countdown once everything is right. ``hint``: a line to show
    instead of the first problem's (e.g. why nothing counts)."""
    unit = overlay.unit
    line_h = round(34 * unit)
    pad = round(12 * unit)
    width = round(460 * unit)
    top = round(10 * unit)
    overlay.shade(image, (pad, top), (pad + width, top + pad * 2 + line_h * (len(status.items) + 1)),
                   (40, 30, 25), 0.7)
    overlay.text(image, "Getting set up", (2 * pad, top + line_h), overlay.large * 0.8, (255, 255, 255))
    for i, item in enumerate(status.items, start=2):
        y = top + line_h * i
        centre = (2 * pad + round(8 * unit), y - round(8 * unit))
        cv2.circle(image, centre, max(4, round(9 * unit)), OK_COLOUR if item.ok else BAD_COLOUR, -1, cv2.LINE_AA)
        overlay.text(image, item.label, (2 * pad + round(26 * unit), y), overlay.small, (255, 255, 255))
    problem = status.first_problem
    if hint is not None or problem is not None:
        overlay.banner(image, hint or problem.hint, (170, 110, 40))
    elif status.countdown_s is not None:
        text = str(int(np.ceil(status.countdown_s))) if status.countdown_s > 0 else "Go!"
        scale = 4.0 * unit
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, max(2, round(6 * unit)))
        origin = ((image.shape[1] - tw) // 2, (image.shape[0] + th) // 2)
        cv2.putText(image, text, origin, cv2.FONT_HERSHEY_DUPLEX, scale, (0, 0, 0), max(4, round(10 * unit)), cv2.LINE_AA)
        cv2.putText(image, text, origin, cv2.FONT_HERSHEY_DUPLEX, scale, (60, 220, 120), max(2, round(6 * unit)), cv2.LINE_AA)
    return image
