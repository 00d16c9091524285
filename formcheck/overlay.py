"""Draws the skeleton, the key angle, the rep counter / hold timer and one feedback banner.

Sizes scale with the frame height so the overlay reads the same at 480p and 4K.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from formcheck.exercises.base import CommonThresholds, Exercise, Gauge, midpoint
from formcheck.pose.landmarks import SKELETON_EDGES, Joint, PoseFrame
from formcheck.session import LiveState

FONT = cv2.FONT_HERSHEY_DUPLEX
WHITE = (255, 255, 255)
BONE = (235, 225, 210)
JOINT = (60, 200, 255)
ANGLE = (0, 215, 255)
PANEL = (40, 30, 25)
BANNER_COLOURS = {"warning": (30, 90, 235), "good": (70, 170, 60), "info": (170, 110, 40)}
GAUGE_LOW = (60, 150, 235)    # below the target: amber
GAUGE_OK = (80, 190, 80)      # at or past it: green
CUE_TEXT = (200, 240, 255)
# The neighbours of a joint on the body: an arc at the joint is drawn between the lines to them.
NEIGHBOURS = {"hip": ("shoulder", "knee"), "knee": ("hip", "ankle")}


class Overlay:
    """Annotates frames of one video size for one exercise."""

    def __init__(self, exercise: Exercise, width: int, height: int, common: CommonThresholds | None = None):
        self.exercise = exercise
        self.min_visibility = (common or CommonThresholds()).draw_min_visibility
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
            self.banner(image, state.banner.text, BANNER_COLOURS.get(state.banner.severity, PANEL))
        return image

    def _skeleton(self, image: np.ndarray, pose: PoseFrame) -> None:
        pts = np.round(pose.image_xy).astype(int)
        seen = pose.visibility >= self.min_visibility
        for a, b in SKELETON_EDGES:
            if seen[a] and seen[b]:
                cv2.line(image, tuple(pts[a]), tuple(pts[b]), BONE, self.thick + 1, cv2.LINE_AA)
        radius = max(2, round(4 * self.unit))
        for i in range(11, 33):
            if seen[i]:
                cv2.circle(image, tuple(pts[i]), radius, JOINT, -1, cv2.LINE_AA)

    def _key_angle(self, image: np.ndarray, pose: PoseFrame, metrics: dict[str, float]) -> None:
        """The exercise's key angle as it declares (``KeyAngle.draw``): an arc at the key joint
        and the angle's value beside it; a lean's value alone; or a line between the two key
        joints with the value above it."""
        ex, key = self.exercise, self.exercise.key_angle
        value = metrics.get(key.metric)
        if value is None or not math.isfinite(value):
            return
        if key.draw == "span":
            self._key_ratio(image, pose, value)
            return
        joints = ex.key_points(pose, metrics)
        if joints is not None:  # landmarks, or pixel points where the angle has no landmark
            end_a, centre, end_b = (pose.xy(j) if isinstance(j, Joint) else np.asarray(j, float) for j in joints)
            ends = (end_a, end_b)
        else:
            centre = midpoint(pose, key.joint)
            chain = NEIGHBOURS.get(key.joint)
            ends = tuple(midpoint(pose, j) for j in chain) if chain else None
        is_lean = key.draw == "lean"
        if is_lean:  # a 3D lean (toward the camera too): an arc in the picture would mislead
            ends = None
        radius = max(12, round(34 * self.unit))
        c = tuple(np.round(centre).astype(int))
        if ends:
            a, b = (p - centre for p in ends)
            start, end = (math.degrees(math.atan2(v[1], v[0])) for v in (a, b))
            if (end - start) % 360 > 180:
                start, end = end, start
            end = start + (end - start) % 360
            cv2.ellipse(image, c, (radius, radius), 0, start, end, ANGLE, self.thick + 1, cv2.LINE_AA)
        text = f"{value:+.0f}" if key.signed else f"{value:.0f}"
        if is_lean:
            text = f"lean {text}"
        origin = (c[0] + radius + 6, c[1] - radius // 2)
        self.text(image, text, origin, self.large, ANGLE, degree=True, outline=True)

    def _key_ratio(self, image: np.ndarray, pose: PoseFrame, value: float) -> None:
        name = self.exercise.key_angle.joint.upper()
        a, b = (np.round(pose.xy(Joint[f"{side}_{name}"])).astype(int) for side in ("LEFT", "RIGHT"))
        cv2.line(image, tuple(a), tuple(b), ANGLE, self.thick + 1, cv2.LINE_AA)
        text = f"{value:.2f}x"
        (tw, _), _ = cv2.getTextSize(text, FONT, self.large, self.thick)
        origin = ((a[0] + b[0]) // 2 - tw // 2, min(a[1], b[1]) - round(14 * self.unit))
        self.text(image, text, origin, self.large, ANGLE, outline=True)

    def _panel(self, image: np.ndarray, state: LiveState) -> None:
        ex = self.exercise
        lines = [(ex.title, self.small, WHITE)]
        if ex.kind == "reps":
            target = f" / {ex.target_reps}" if ex.target_reps else ""
            lines.append((f"Reps: {state.rep_count}{target}", self.large, WHITE))
        elif state.hold_s is not None:
            lines.append((f"Hold {state.hold_side or ''}: {state.hold_s:4.1f} s".replace("  ", " "), self.large, WHITE))
            if state.hold_cue:
                lines.append((state.hold_cue, self.small * 1.1, CUE_TEXT))
        else:
            lines.append(("Hold: -", self.large, WHITE))
        gauge = ex.gauge(state.metrics) if state.metrics else None
        line_h = round(34 * self.unit)
        pad = round(10 * self.unit)
        w = round(300 * self.unit)
        gauge_h = round(40 * self.unit) if gauge is not None else 0
        h = pad * 2 + line_h * len(lines) + gauge_h
        self.shade(image, (pad, pad), (pad + w, pad + h), PANEL, 0.6)
        for i, (text, scale, colour) in enumerate(lines):
            max_w = w - 2 * pad
            (tw, _), _ = cv2.getTextSize(text, FONT, scale, self.thick)
            if tw > max_w:  # shrink a long line to fit the panel
                scale *= max_w / tw
            self.text(image, text, (2 * pad, pad + line_h * (i + 1) - round(8 * self.unit)), scale, colour)
        if gauge is not None:
            top = pad + line_h * len(lines)
            self._gauge(image, gauge, (2 * pad, top), w - 2 * pad, gauge_h - pad)

    def _gauge(self, image: np.ndarray, gauge: Gauge, origin: tuple[int, int], width: int, height: int) -> None:
        """A horizontal bar: the label, the value as a fill, and a tick at the target."""
        x0, y0 = origin
        label_w = round(width * 0.42)
        self.text(image, gauge.label, (x0, y0 + height - round(6 * self.unit)), self.small * 0.85, WHITE)
        bx0, bx1 = x0 + label_w, x0 + width
        by0, by1 = y0 + round(4 * self.unit), y0 + height - round(2 * self.unit)

        def x_of(v: float) -> int:
            f = (min(max(v, gauge.low), gauge.high) - gauge.low) / (gauge.high - gauge.low)
            return round(bx0 + f * (bx1 - bx0))

        cv2.rectangle(image, (bx0, by0), (bx1, by1), (90, 80, 70), -1)
        colour = GAUGE_OK if gauge.value >= gauge.target else GAUGE_LOW
        cv2.rectangle(image, (bx0, by0), (x_of(gauge.value), by1), colour, -1)
        tx = x_of(gauge.target)
        cv2.line(image, (tx, by0 - round(4 * self.unit)), (tx, by1 + round(2 * self.unit)), WHITE, self.thick)

    # -- drawing primitives (the set-up screen draws with them too) ----------------------------
    def banner(self, image: np.ndarray, text: str, colour) -> None:
        """One line of text on a coloured bar at the bottom centre, shrunk to fit the width."""
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
        self.shade(image, (x0, y0), (x0 + tw + 2 * pad, y1), colour, 0.85)
        self.text(image, text, (x0 + pad, y1 - pad - base), scale, WHITE)

    def text(self, image, text, origin, scale, colour, degree: bool = False, outline: bool = False) -> None:
        """``text`` at ``origin`` (its baseline's left end), at a size scaled like the overlay's."""
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
    def shade(image, top_left, bottom_right, colour, alpha: float) -> None:
        """Blend ``colour`` over a rectangle (``alpha`` = its opacity), clipped to the image."""
        x0, y0 = max(0, top_left[0]), max(0, top_left[1])
        x1, y1 = min(image.shape[1], bottom_right[0]), min(image.shape[0], bottom_right[1])
        if x1 <= x0 or y1 <= y0:
            return
        roi = image[y0:y1, x0:x1]
        cv2.addWeighted(roi, 1 - alpha, _solid(roi.shape, tuple(colour)), alpha, 0, dst=roi)


@functools.lru_cache(maxsize=16)
def _solid(shape: tuple[int, ...], colour: tuple) -> np.ndarray:
    """A block of one colour; kept, as the panel and banner shades come back every frame."""
    block = np.empty(shape, np.uint8)
    block[:] = colour
    block.flags.writeable = False
    return block
