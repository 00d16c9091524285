"""Draws the skeleton, the key angle, the rep counter / hold timer and one feedback banner.

Sizes scale with the frame height so the overlay reads the same at 480p and 4K.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from formcheck.exercises.base import Exercise, midpoint
from formcheck.pose.landmarks import SKELETON_EDGES, PoseFrame
from formcheck.session import LiveState

FONT = cv2.FONT_HERSHEY_DUPLEX
WHITE = (255, 255, 255)
BONE = (235, 225, 210)
JOINT = (60, 200, 255)
ANGLE = (0, 215, 255)
PANEL = (40, 30, 25)
BANNER_COLOURS = {"warning": (30, 90, 235), "good": (70, 170, 60), "info": (170, 110, 40)}


class Overlay:
    """Annotates frames of one video size for one exercise."""

    def __init__(self, exercise: Exercise, width: int, height: int):
        self.exercise = exercise
        self.width, self.height = width, height
        self.unit = max(height, 480) / 720.0  # 1.0 at 720p; never tinier than at 480p
        self.thick = max(1, round(2 * self.unit))
        self.small = 0.6 * self.unit
        self.large = 1.0 * self.unit

    def draw(self, image: np.ndarray, state: LiveState, mirror: bool = False) -> np.ndarray:
        """Draw on ``image`` in place and return it. ``mirror`` flips for a selfie view."""
        pose = state.pose
        if mirror:
            cv2.flip(image, 1, dst=image)
            if pose is not None:
                xy = pose.image_xy.copy()
                xy[:, 0] = self.width - 1 - xy[:, 0]
                pose = pose.replace(image_xy=xy)
        if pose is not None:
            self._skeleton(image, pose)
            if state.metrics:
                self._key_angle(image, pose, state.metrics)
        self._panel(image, state)
        if state.banner is not None:
            self._banner(image, state.banner.text, BANNER_COLOURS.get(state.banner.severity, PANEL))
        return image

    def _skeleton(self, image: np.ndarray, pose: PoseFrame) -> None:
        pts = np.round(pose.image_xy).astype(int)
        seen = pose.visibility >= 0.3
        for a, b in SKELETON_EDGES:
            if seen[a] and seen[b]:
                cv2.line(image, tuple(pts[a]), tuple(pts[b]), BONE, self.thick + 1, cv2.LINE_AA)
        radius = max(2, round(4 * self.unit))
        for i in range(11, 33):
            if seen[i]:
                cv2.circle(image, tuple(pts[i]), radius, JOINT, -1, cv2.LINE_AA)

    def _key_angle(self, image: np.ndarray, pose: PoseFrame, metrics: dict[str, float]) -> None:
        """An arc at the key joint and the angle's value beside it."""
        value = metrics.get(self.exercise.key_metric)
        if value is None or not math.isfinite(value):
            return
        centre = midpoint(pose, self.exercise.key_joint)
        chain = {"hip": ("shoulder", "knee"), "knee": ("hip", "ankle")}.get(self.exercise.key_joint)
        radius = max(12, round(34 * self.unit))
        c = tuple(np.round(centre).astype(int))
        if chain:
            a, b = (midpoint(pose, j) - centre for j in chain)
            start, end = (math.degrees(math.atan2(v[1], v[0])) for v in (a, b))
            if (end - start) % 360 > 180:
                start, end = end, start
            end = start + (end - start) % 360
            cv2.ellipse(image, c, (radius, radius), 0, start, end, ANGLE, self.thick + 1, cv2.LINE_AA)
        text = f"{value:+.0f}" if self.exercise.key_metric.endswith("line_deg") else f"{value:.0f}"
        origin = (c[0] + radius + 6, c[1] - radius // 2)
        self._text(image, text, origin, self.large, ANGLE, degree=True, outline=True)

    def _panel(self, image: np.ndarray, state: LiveState) -> None:
        ex = self.exercise
        lines = [ex.title]
        if ex.kind == "reps":
            target = f" / {ex.target_reps}" if ex.target_reps else ""
            lines.append(f"Reps: {state.rep_count}{target}")
        elif state.hold_s is not None:
            lines.append(f"Hold {state.hold_side or ''}: {state.hold_s:4.1f} s".replace("  ", " "))
        else:
            lines.append("Hold: -")
        line_h = round(34 * self.unit)
        pad = round(10 * self.unit)
        w = round(300 * self.unit)
        h = pad * 2 + line_h * len(lines)
        self._shade(image, (pad, pad), (pad + w, pad + h), PANEL, 0.6)
        for i, text in enumerate(lines):
            scale = self.small if i == 0 else self.large
            self._text(image, text, (2 * pad, pad + line_h * (i + 1) - round(8 * self.unit)), scale, WHITE)

    def _banner(self, image: np.ndarray, text: str, colour) -> None:
        scale = self.large * 0.85
        (tw, th), base = cv2.getTextSize(text, FONT, scale, self.thick)
        max_w = self.width - round(40 * self.unit)
        if tw > max_w:  # shrink long cues to fit
            scale *= max_w / tw
            (tw, th), base = cv2.getTextSize(text, FONT, scale, self.thick)
        pad = round(14 * self.unit)
        x0 = (self.width - tw) // 2 - pad
        y1 = self.height - round(16 * self.unit)
        y0 = y1 - th - base - 2 * pad
        self._shade(image, (x0, y0), (x0 + tw + 2 * pad, y1), colour, 0.85)
        self._text(image, text, (x0 + pad, y1 - pad - base), scale, WHITE)

    def _text(self, image, text, origin, scale, colour, degree: bool = False, outline: bool = False) -> None:
        thick = max(1, round(self.thick * scale / self.large))
        if outline:  # text straight on the video needs a dark edge to stay readable
            cv2.putText(image, text, origin, FONT, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.putText(image, text, origin, FONT, scale, colour, thick, cv2.LINE_AA)
        if degree:  # Hershey fonts have no degree sign: draw one
            (tw, th), _ = cv2.getTextSize(text, FONT, scale, thick)
            r = max(2, round(th / 6))
            centre = (origin[0] + tw + r + 2, origin[1] - th + r)
            cv2.circle(image, centre, r, colour, max(1, thick), cv2.LINE_AA)

    @staticmethod
    def _shade(image, top_left, bottom_right, colour, alpha: float) -> None:
        x0, y0 = max(0, top_left[0]), max(0, top_left[1])
        x1, y1 = min(image.shape[1], bottom_right[0]), min(image.shape[0], bottom_right[1])
        if x1 <= x0 or y1 <= y0:
            return
        roi = image[y0:y1, x0:x1]
        cv2.addWeighted(roi, 1 - alpha, np.full_like(roi, colour), alpha, 0, dst=roi)
