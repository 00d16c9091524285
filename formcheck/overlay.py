"""Draws the skeleton, the key angle, the rep counter / hold timer and one feedback banner,
readable from two metres away on any background.

Sizes scale with the frame's shorter side, so the overlay reads the same at 480p and 4K,
landscape or portrait. Everything drawn straight on the video has a dark outline (a pale
line vanishes on a light wall, a dark one on a dark floor); text sits on a shaded panel
or tag. ``Presenter`` decides what a frame shows over time (the hold clock, which banner
is still current); ``Overlay`` draws one frame.
"""

from __future__ import annotations

import functools
import math
from collections import deque
from dataclasses import replace

import cv2
import numpy as np

from formcheck.exercises.base import CommonThresholds, Exercise, Gauge, midpoint
from formcheck.pose.landmarks import SKELETON_EDGES, Joint, PoseFrame
from formcheck.session import Banner, LiveState

FONT = cv2.FONT_HERSHEY_DUPLEX
WHITE = (255, 255, 255)
OUTLINE = (20, 20, 20)          # the dark edge of everything drawn straight on the video
BONE = (250, 250, 250)
JOINT = (40, 190, 255)          # amber
ANGLE = (0, 220, 255)           # yellow
PANEL = (45, 35, 30)
TAG = (30, 25, 20)
BANNER_COLOURS = {"warning": (30, 90, 235), "good": (70, 170, 60), "info": (170, 110, 40)}
GAUGE_LOW = (60, 150, 235)    # below the target: amber
GAUGE_OK = (80, 190, 80)      # at or past it: green
CUE_TEXT = (200, 240, 255)
MUTED = (200, 200, 200)
# Nose, eyes, ears and mouth (landmarks 0-10): a tag must not hide the face either.
FACE_LANDMARKS = 11
# The neighbours of a joint on the body: an arc at the joint is drawn between the lines to them.
NEIGHBOURS = {"hip": ("shoulder", "knee"), "knee": ("hip", "ankle")}
# The key angle's name on the video, by its metric (else the joint's name).
KEY_LABELS = {"hip_line_deg": "hips", "hip_deg": "hip", "knee_deg": "knee", "support_knee_deg": "knee",
              "opening_deg": "opening", "trunk_lean_deg": "lean", "knee_gap_ratio": "knees"}


class Overlay:
    """Annotates frames of one video size for one exercise."""

    def __init__(self, exercise: Exercise, width: int, height: int, common: CommonThresholds | None = None):
        self.exercise = exercise
        self.min_visibility = (common or CommonThresholds()).draw_min_visibility
        self.width, self.height = width, height
        self.unit = max(min(height, width), 480) / 720.0  # 1.0 at 720p; never tinier than at 480p
        self.thick = max(2, round(2 * self.unit))
        self.small = 0.75 * self.unit
        self.large = 1.1 * self.unit
        self.huge = 2.2 * self.unit
        self._panel_right = False  # the panel's corner: it moves only when the body is under it

    def draw(self, image: np.ndarray, state: LiveState, mirror: bool = False) -> np.ndarray:
        """Draw on ``image`` in place and return it. ``mirror`` flips for a selfie view."""
        pose = state.pose
        if mirror:
            cv2.flip(image, 1, dst=image)
            if pose is not None:
                xy = pose.image_xy.copy()
                xy[:, 0] = self.width - 1 - xy[:, 0]
                pose = pose.replace(image_xy=xy)
        avoid = [self._panel(image, state)]
        if state.banner is not None:
            avoid.append(self._banner_box(state.banner.text)[0])
        if pose is not None:
            self._skeleton(image, pose)
            if state.metrics:
                self._key_angle(image, pose, state.metrics, avoid=tuple(avoid))
        if state.banner is not None:
            self.banner(image, state.banner.text, BANNER_COLOURS.get(state.banner.severity, PANEL))
        return image

    # -- the body ---------------------------------------------------------------------------------
    def _skeleton(self, image: np.ndarray, pose: PoseFrame) -> None:
        pts = np.round(pose.image_xy).astype(int)
        seen = pose.visibility >= self.min_visibility
        bones = [(tuple(pts[a]), tuple(pts[b])) for a, b in SKELETON_EDGES if seen[a] and seen[b]]
        for colour, extra in ((OUTLINE, 2 + self.thick // 2), (BONE, 0)):  # the outline first, under all
            for a, b in bones:
                cv2.line(image, a, b, colour, self.thick + extra, cv2.LINE_AA)
        radius = max(3, round(5 * self.unit))
        for i in range(11, 33):
            if seen[i]:
                cv2.circle(image, tuple(pts[i]), radius + max(1, self.thick // 2), OUTLINE, -1, cv2.LINE_AA)
                cv2.circle(image, tuple(pts[i]), radius, JOINT, -1, cv2.LINE_AA)

    def _key_angle(self, image: np.ndarray, pose: PoseFrame, metrics: dict[str, float],
                   avoid: tuple[tuple[int, int, int, int], ...] = ()) -> None:
        """The exercise's key angle as it declares (``KeyAngle.draw``): an arc at the key joint
        (a line between the two key joints for a "span"), and its value named in a tag set
        off the body ("hips +24°"), joined to the joint by a thin line."""
        ex, key = self.exercise, self.exercise.key_angle
        value = metrics.get(key.metric)
        if value is None or not math.isfinite(value):
            return
        label = KEY_LABELS.get(key.metric, key.joint)
        if key.draw == "span":
            name = key.joint.upper()
            a, b = (np.asarray(pose.xy(Joint[f"{side}_{name}"]), float) for side in ("LEFT", "RIGHT"))
            self._outlined_line(image, a, b, ANGLE)
            self._tag(image, pose, (a + b) / 2, f"{label} {value:.2f}x hips", avoid=avoid)
            return
        joints = ex.key_points(pose, metrics)
        if joints is not None:  # landmarks, or pixel points where the angle has no landmark
            end_a, centre, end_b = (pose.xy(j) if isinstance(j, Joint) else np.asarray(j, float) for j in joints)
            ends = (end_a, end_b)
        else:
            centre = midpoint(pose, key.joint)
            chain = NEIGHBOURS.get(key.joint)
            ends = tuple(midpoint(pose, j) for j in chain) if chain else None
        if key.draw == "lean":  # a 3D lean (toward the camera too): an arc in the picture would mislead
            ends = None
        radius = max(14, round(36 * self.unit))
        c = tuple(np.round(centre).astype(int))
        if ends:
            a, b = (p - centre for p in ends)
            start, end = (math.degrees(math.atan2(v[1], v[0])) for v in (a, b))
            if (end - start) % 360 > 180:
                start, end = end, start
            end = start + (end - start) % 360
            cv2.ellipse(image, c, (radius, radius), 0, start, end, OUTLINE, self.thick + 4, cv2.LINE_AA)
            cv2.ellipse(image, c, (radius, radius), 0, start, end, ANGLE, self.thick + 1, cv2.LINE_AA)
        number = f"{value:+.0f}" if key.signed else f"{value:.0f}"
        self._tag(image, pose, np.asarray(centre, float), f"{label} {number}", degree=True, avoid=avoid,
                  clear=radius)

    def _tag(self, image: np.ndarray, pose: PoseFrame, anchor: np.ndarray, text: str, degree: bool = False,
             avoid: tuple[tuple[int, int, int, int], ...] = (), clear: int = 0) -> None:
        """``text`` on a dark tag off the body (``tag_box``), joined to ``anchor`` by a thin line."""
        (x0, y0, x1, y1), (pad, base) = self.tag_box(pose, anchor, text, degree, avoid, clear)
        near = (int(np.clip(anchor[0], x0, x1)), int(np.clip(anchor[1], y0, y1)))
        a = tuple(np.round(anchor).astype(int))
        cv2.line(image, a, near, OUTLINE, self.thick + 2, cv2.LINE_AA)
        cv2.line(image, a, near, ANGLE, max(1, self.thick - 1), cv2.LINE_AA)
        self.shade(image, (x0, y0), (x1, y1), TAG, 0.8)
        cv2.rectangle(image, (x0, y0), (x1, y1), ANGLE, max(1, self.thick // 2), cv2.LINE_AA)
        self.text(image, text, (x0 + pad, y1 - pad - base), self.large, ANGLE, degree=degree)

    def tag_box(self, pose: PoseFrame, anchor: np.ndarray, text: str, degree: bool = False,
                avoid: tuple[tuple[int, int, int, int], ...] = (), clear: int = 0
                ) -> tuple[tuple[int, int, int, int], tuple[int, int]]:
        """Where the tag of ``text`` for a point ``anchor`` goes (x0, y0, x1, y1), and its
        text's padding and baseline: beside the anchor or away from the body's middle, at
        least ``clear`` from it, clear of the skeleton where the picture allows and never
        over ``avoid`` (the panel and the banner)."""
        (tw, th), base = cv2.getTextSize(text, FONT, self.large, self.thick)
        tw += round(th * 0.6) if degree else 0
        pad = round(8 * self.unit)
        box_w, box_h = tw + 2 * pad, th + base + 2 * pad
        body = _body_points(pose, self.min_visibility)
        away = anchor - np.median(body, axis=0)
        norm = float(np.hypot(*away))
        away = away / norm if norm > 1e-6 else np.array([0.0, -1.0])
        gap = clear + round(24 * self.unit)
        # Beside the joint first (a leader line across a limb is hard to follow), on the side
        # away from the body's middle, then straight away from it, then the other sides.
        sideways = np.array([1.0 if away[0] >= 0 else -1.0, 0.0])
        upright = np.array([0.0, 1.0 if away[1] > 0 else -1.0])
        best = None
        for direction in (sideways, away, upright, -sideways, -upright):
            for distance in (gap, gap * 2, gap * 4, gap * 7):  # farther out only if the body is in the way
                centre = anchor + direction * (distance + 0.5 * abs(direction[0]) * box_w
                                               + 0.5 * abs(direction[1]) * box_h)
                x0 = int(np.clip(centre[0] - box_w / 2, 0, self.width - box_w))
                y0 = int(np.clip(centre[1] - box_h / 2, 0, self.height - box_h))
                box = (x0, y0, x0 + box_w, y0 + box_h)
                over = (_points_inside(body, box) + _leader_crossings(body, anchor, box, gap)
                        + 100 * sum(_overlap(box, other) for other in avoid))
                if best is None or over < best[0]:
                    best = (over, box)
                if over == 0:
                    return box, (pad, base)
        return best[1], (pad, base)

    def _outlined_line(self, image: np.ndarray, a: np.ndarray, b: np.ndarray, colour) -> None:
        a, b = tuple(np.round(a).astype(int)), tuple(np.round(b).astype(int))
        cv2.line(image, a, b, OUTLINE, self.thick + 4, cv2.LINE_AA)
        cv2.line(image, a, b, colour, self.thick + 1, cv2.LINE_AA)

    # -- the counter panel ----------------------------------------------------------------------
    def _panel(self, image: np.ndarray, state: LiveState) -> tuple[int, int, int, int]:
        """The exercise, a big count or hold time, a line under it, and the exercise's gauge,
        in the top corner the body leaves free (left unless only the right is); returns
        where it is (x0, y0, x1, y1)."""
        ex, u = self.exercise, self.unit
        # Each line: pieces of (text, scale, colour) side by side on one baseline.
        lines: list[list[tuple[str, float, tuple]]] = [[(ex.title, self.small, MUTED)]]
        if ex.kind == "reps":
            target = f" / {ex.target_reps}" if ex.target_reps else ""
            lines.append([(f"{state.rep_count}{target}", self.huge, WHITE),
                          (" rep" if state.rep_count == 1 and not target else " reps", self.small, MUTED)])
            if state.hold_s is not None:  # the time held at the top of a rep (see Presenter)
                lines.append([("at the top ", self.small, MUTED), (f"{state.hold_s:.1f} s", self.large,
                              GAUGE_OK if state.hold_s >= _min_hold_s(ex) else GAUGE_LOW)])
        elif state.hold_s is not None:
            lines.append([(f"{state.hold_s:.1f} s", self.huge, WHITE),
                          (f" {state.hold_side} leg" if state.hold_side else " held", self.small, MUTED)])
            if state.hold_cue:
                lines.append([(state.hold_cue, self.small * 1.1, CUE_TEXT)])
        else:
            lines.append([("-", self.huge, WHITE), (" no hold yet", self.small, MUTED)])
        gauge = ex.gauge(state.metrics) if state.metrics else None
        pad = round(12 * u)
        w = min(round(340 * u), round(0.42 * self.width))  # a portrait picture keeps room for the body
        heights = [round(max(cv2.getTextSize("Hg", FONT, scale, self.thick)[0][1] for _, scale, _ in line) * 1.5)
                   for line in lines]
        gauge_h = round(40 * u) if gauge is not None else 0
        h = pad * 2 + sum(heights) + gauge_h
        y0 = round(10 * u)
        x0 = self._panel_x(state.pose, w, y0 + h)
        self.shade(image, (x0, y0), (x0 + w, y0 + h), PANEL, 0.72)
        y = y0 + pad
        for line, line_h in zip(lines, heights):
            y += line_h
            widths = [cv2.getTextSize(text, FONT, scale, self.thick)[0][0] for text, scale, _ in line]
            fit = min(1.0, (w - 2 * pad) / max(1, sum(widths)))  # shrink a long line to fit the panel
            x = x0 + pad
            for (text, scale, colour), width in zip(line, widths):
                self.text(image, text, (x, y - round(line_h * 0.2)), scale * fit, colour)
                x += round(width * fit)
        if gauge is not None:
            self._gauge(image, gauge, (x0 + pad, y), w - 2 * pad, gauge_h - pad)
        return x0, y0, x0 + w, y0 + h

    def _panel_x(self, pose: PoseFrame | None, width: int, bottom: int) -> int:
        """The panel's left edge: top left, unless the body is there and not top right."""
        margin = round(10 * self.unit)
        left, right = margin, self.width - width - margin
        if pose is None or right <= left:
            return left
        body = _body_points(pose, self.min_visibility)
        under = [_points_inside(body, (x, 0, x + width, bottom)) for x in (left, right)]
        here, there = (under[1], under[0]) if self._panel_right else (under[0], under[1])
        if here and there < here:  # move only off the body, never back and forth over it
            self._panel_right = not self._panel_right
        return right if self._panel_right else left

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
        (x0, y0, x1, y1), scale, base = self._banner_box(text)
        pad = round(16 * self.unit)
        self.shade(image, (x0, y0), (x1, y1), colour, 0.9)
        self.text(image, text, (x0 + pad, y1 - pad - base), scale, WHITE)

    def _banner_box(self, text: str) -> tuple[tuple[int, int, int, int], float, int]:
        """Where the banner of ``text`` goes (x0, y0, x1, y1), its text's scale and baseline."""
        scale = self.large
        (tw, th), base = cv2.getTextSize(text, FONT, scale, self.thick)
        max_w = self.width - round(40 * self.unit)
        if tw > max_w:  # shrink long cues to fit
            scale *= max_w / tw
            (tw, th), base = cv2.getTextSize(text, FONT, scale, self.thick)
        pad = round(16 * self.unit)
        x0 = (self.width - tw) // 2 - pad
        y1 = self.height - round(16 * self.unit)
        y0 = y1 - th - base - 2 * pad
        return (x0, y0, x0 + tw + 2 * pad, y1), scale, base

    def text(self, image, text, origin, scale, colour, degree: bool = False, outline: bool = False) -> None:
        """``text`` at ``origin`` (its baseline's left end), at a size scaled like the overlay's."""
        thick = max(1, round(self.thick * scale / self.large))
        if outline:  # text straight on the video needs a dark edge to stay readable
            cv2.putText(image, text, origin, FONT, scale, OUTLINE, thick + 2, cv2.LINE_AA)
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


def _body_points(pose: PoseFrame, min_visibility: float) -> np.ndarray:
    """Points along every bone drawn (and the joints) and on the face, to keep a tag off the
    skeleton and the face."""
    seen = pose.visibility >= min_visibility
    along = np.linspace(0.0, 1.0, 9)[:, None]
    points = [pose.image_xy[a] + along * (pose.image_xy[b] - pose.image_xy[a])
              for a, b in SKELETON_EDGES if seen[a] and seen[b]]
    face = pose.image_xy[:FACE_LANDMARKS][seen[:FACE_LANDMARKS]]
    return np.vstack(points + [face]) if points else pose.image_xy


def _leader_crossings(body: np.ndarray, anchor: np.ndarray, box: tuple[int, int, int, int], gap: float) -> int:
    """How many body points the line from ``anchor`` to the tag passes over, beyond its first
    ``gap`` (a tag set far off must not be joined to its joint across the body)."""
    x0, y0, x1, y1 = box
    near = np.array([np.clip(anchor[0], x0, x1), np.clip(anchor[1], y0, y1)], float)
    length = float(np.hypot(*(near - anchor)))
    if length <= gap:
        return 0
    steps = np.linspace(gap / length, 1.0, 12)[:, None]
    line = anchor + steps * (near - anchor)
    close = np.hypot(*(body[None, :, :] - line[:, None, :]).transpose(2, 0, 1)) < 0.25 * gap
    return int(close.any(axis=0).sum())


def _points_inside(points: np.ndarray, box: tuple[int, int, int, int]) -> int:
    x0, y0, x1, y1 = box
    return int(np.sum((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)))


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _min_hold_s(exercise: Exercise) -> float:
    return float(getattr(exercise.th, "min_hold_s", 0.0))


@functools.lru_cache(maxsize=16)
def _solid(shape: tuple[int, ...], colour: tuple) -> np.ndarray:
    """A block of one colour; kept, as the panel and banner shades come back every frame."""
    block = np.empty(shape, np.uint8)
    block[:] = colour
    block.flags.writeable = False
    return block


class Presenter:
    """What a stream of frames shows over time, on top of what the session says of each:

    * a hold clock that counts up from 0.0 from the moment the posture is taken (the
      session confirms a hold only after a moment, and then backdates its start: shown
      as is, the clock would jump from "-" to 1.4 s), and for a rep with a hold at the
      top (the bridge) the time held at the top, kept on show as the rep comes down;
    * no fault banner left over from a rep that has ended: a warning said during a rep
      goes when the count moves on, and any warning goes when the next rep starts.

    Usage: ``state = presenter(state)`` on every frame, in order, then draw ``state``.
    """

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        th = exercise.th
        self._signal = getattr(exercise, "rep_signal", None) if getattr(exercise, "hold_metric", None) else None
        self._lift = float(exercise.counter().enter_rise) if exercise.kind == "reps" else 0.0
        self._band = float(getattr(th, "top_band_deg", 8.0))
        self._max_speed = float(getattr(th, "hold_max_speed_deg_s", 12.0))
        self._speed_span_s = float(getattr(th, "speed_span_s", 0.3))
        self._recent: deque[tuple[float, float]] = deque()  # (t, signal) of the last few seconds
        self._rep_started_s: float | None = None
        self._peak = -math.inf
        self._top_since: float | None = None
        self._top_last: float | None = None
        self._top_held = 0.0
        self._posture_since: float | None = None
        self._banner: tuple[Banner, int, float] | None = None  # banner, rep count and time first shown

    def __call__(self, state: LiveState) -> LiveState:
        if self.exercise.kind == "holds":
            state = self._hold_clock(state)
        elif self._signal is not None:
            state = self._top_clock(state)
        else:
            self._follow_reps(state)
        return replace(state, banner=self._current_banner(state))

    # holds: count from the moment the posture is seen
    def _hold_clock(self, state: LiveState) -> LiveState:
        """The hold's time from when the posture was first seen on this stretch of frames
        (or the session's start of it, if that is earlier), so it counts up from 0.0."""
        side = self._held_side(state) if state.metrics and state.in_position else None
        if state.hold_s is None and side is None:
            self._posture_since = None
            return state
        start = state.t_s if self._posture_since is None else self._posture_since
        if state.hold_s is not None:
            start = min(start, state.t_s - state.hold_s)
        self._posture_since = start
        return replace(state, hold_s=state.t_s - start, hold_side=state.hold_side or side)

    def _held_side(self, state: LiveState) -> str | None:
        try:
            return self.exercise.held_side(state.metrics)
        except (KeyError, TypeError, ValueError):  # a frame without the measures it needs
            return None

    # reps with a hold at the top
    def _top_clock(self, state: LiveState) -> LiveState:
        value = state.metrics.get(self._signal) if state.metrics else None
        t = state.t_s
        if value is None or not math.isfinite(value):
            return replace(state, hold_s=self._shown_top())
        self._recent.append((t, value))
        while self._recent and self._recent[0][0] < t - 5.0:
            self._recent.popleft()
        rest = min(v for _, v in self._recent)
        if self._rep_started_s is None:
            if value - rest >= self._lift:
                self._rep_started_s, self._peak = t, value
                self._top_since = self._top_last = None
                self._top_held = 0.0
        elif value - rest < self._lift / 2 or value < self._peak - 3 * self._lift:
            self._rep_started_s = None  # back down: the rep is over
            self._top_since = None
            self._top_held = 0.0
            return replace(state, hold_s=None)
        if self._rep_started_s is None:
            return replace(state, hold_s=None)
        self._peak = max(self._peak, value)
        span = [(tt, v) for tt, v in self._recent if tt >= t - self._speed_span_s]
        dt = span[-1][0] - span[0][0]
        speed = (span[-1][1] - span[0][1]) / dt if dt > 0 else 0.0
        at_top = value >= self._peak - self._band and abs(speed) <= self._max_speed
        if at_top:
            if self._top_since is None or t - (self._top_last or t) > self._speed_span_s:
                self._top_since = t
            self._top_last = t
            self._top_held = max(self._top_held, t - self._top_since)
        return replace(state, hold_s=self._shown_top())

    def _shown_top(self) -> float | None:
        return self._top_held if self._top_since is not None else None

    def _follow_reps(self, state: LiveState) -> None:
        value = state.metrics.get(getattr(self.exercise, "rep_signal", ""), None) if state.metrics else None
        if value is None or not math.isfinite(value):
            return
        self._recent.append((state.t_s, value))
        while self._recent and self._recent[0][0] < state.t_s - 5.0:
            self._recent.popleft()
        rest = min(v for _, v in self._recent)
        if self._rep_started_s is None and value - rest >= self._lift:
            self._rep_started_s = state.t_s
        elif self._rep_started_s is not None and value - rest < self._lift / 2:
            self._rep_started_s = None

    # banners
    def _current_banner(self, state: LiveState) -> Banner | None:
        banner = state.banner
        if banner is None or banner.severity != "warning":
            self._banner = None
            return banner
        if self._banner is None or self._banner[0] != banner:
            self._banner = (banner, state.rep_count, state.t_s)
        _, count, since = self._banner
        if state.rep_count != count:
            return None  # said during a rep that has now been counted: its own summary follows
        if self._rep_started_s is not None and self._rep_started_s > since:
            return None  # a new rep has started since
        return banner
