"""What every exercise file provides, and the checks shared by all of them.

An exercise is one small class: the camera set-up it needs, what it measures on a
frame (named angles), how reps or holds are found, its thresholds (a frozen
dataclass, overridable from a config file) and its cues. The session does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from formcheck import geometry
from formcheck.counting import HoldTracker, RepCounter, Window
from formcheck.pose.landmarks import Joint, PoseFrame

SIDES = ("left", "right")

# The camera views a fault can be judged from (see ``FaultSpec.views``).
SIDE, FRONT, OBLIQUE = "side", "front", "oblique"
ANY_VIEW = (SIDE, FRONT, OBLIQUE)
# ``not_judged`` entries for a count, not a fault: by the kind of exercise (``Exercise.kind``)
COUNT_CODES = {"reps": "rep_count", "holds": "hold_count"}


def is_count_code(code: str) -> bool:
    """Whether a ``not_judged`` code is a count's (``rep_count``, ``hold_count``), not a fault's."""
    return code in COUNT_CODES.values()


def clean_praise(not_judged_codes) -> str:
    """What a rep or hold with nothing to correct is called: "good form", but only when the
    camera's view hid none of the exercise's checks (silence about a fault is not a pass)."""
    hidden = any(not is_count_code(code) for code in not_judged_codes)
    return "nothing to correct that this view shows" if hidden else "good form"


@dataclass(frozen=True)
class FaultSpec:
    """A fault an exercise can report, declared once in its file; reports, the live banner,
    the overlay, the CSV, ``formcheck exercises`` and the README check all read it from there.

    Attributes:
        code: the id in reports, e.g. "hips_too_high".
        title: a few words for tables and plots, e.g. "Hips too high".
        cue: what to tell the person, e.g. "Hips too high - stop when ... line up".
        threshold: the ``Thresholds`` key it is judged by (``CommonThresholds`` for the
            common faults), or None when it has none (e.g. ``missing_side``).
        views: the camera views it can be judged from: "side", "front", "oblique".
    """

    code: str
    title: str
    cue: str
    threshold: str | None
    views: tuple[str, ...]


# Faults every exercise reports. ``{view}`` is filled in with the exercise's view_name.
COMMON_FAULTS = (
    FaultSpec("out_of_frame", "Out of frame", "Move so your whole body is in view", "out_of_frame_s", ANY_VIEW),
    FaultSpec("wrong_view", "Camera angle", "Turn so the camera sees you from the {view}", "wrong_view_s", ANY_VIEW),
)


@dataclass(frozen=True)
class KeyAngle:
    """The measure drawn on the video beside the body, and how it is drawn.

    Attributes:
        metric: its name in ``Exercise.measure``'s result.
        joint: where it is drawn: the midpoint of this joint ("hip", "knee"), unless
            ``Exercise.key_points`` names particular landmarks.
        draw: "arc" - an arc at the joint between its neighbours on the body and the value
            in degrees; "lean" - the value in degrees only, labelled "lean" (a lean in 3D,
            toward the camera too: an arc in the picture would mislead); "span" - a line
            between the left and right ``joint`` with the value as a multiple ("1.60x").
        signed: show the value's sign ("+5", "-40"), for an angle off a line.
    """

    metric: str
    joint: str
    draw: str = "arc"
    signed: bool = False


@dataclass(frozen=True)
class CommonThresholds:
    """Checks that apply to every exercise (a ``[common]`` table in the config)."""

    min_visibility: float = 0.5       # a landmark below this is treated as unseen
    out_of_frame_s: float = 1.0       # needed landmarks missing this long -> out_of_frame
    # A hold goes on while the body is not seen for up to this long (a chair or an arm hid the
    # legs) if it is still held when seen again: nobody leaves the picture and comes back into
    # the same stretch this fast. Seen again out of the stretch, it ended when last seen.
    hidden_hold_s: float = 5.0
    wrong_view_s: float = 2.0         # wrong camera view this long -> wrong_view
    # A posture that hides the camera's angle (Exercise.view_readable) keeps the view read over
    # the last this many seconds the angle showed, as most of those frames read it: one frame
    # read side-on as the leg crossed made a whole 7 s stretch "side" (tuning side). Its time
    # does not count toward wrong_view either way.
    view_memory_s: float = 1.0
    # A set-up problem (``Exercise.setup_watch``) is said live once the person has been seen
    # this long: on the standing figure-four's 79 tuning-side clips the chair watch's answer
    # after 10 s was its final one in 78, and in the other it was early, not wrong.
    setup_watch_s: float = 10.0
    oblique_from_deg: float = 30.0    # body turned this far from the camera: an oblique view ...
    side_from_deg: float = 60.0       # ... and this far: a side view (see Exercise.view_class)
    side_lying_min_width_ratio: float = 0.2  # clamshell: shoulder+hip width / torso length in the
                                             # picture below this = seen from the side, not the front
    live_cue_s: float = 0.3           # a live cue must persist this long before it is shown
    balance_min_ratio: float = 0.75   # weaker side below this share of the stronger = asymmetric
    draw_min_visibility: float = 0.3  # a landmark at least this visible is drawn (skeleton, thumbnails)


@dataclass(frozen=True)
class Fault:
    """One fault found in a rep or hold, with the moment that shows it best; or, with
    ``not_judged`` set, a fault this rep's footage could not show (why, e.g. "needs a
    camera above knee height (this one looked up at the knees)"): it is listed as not
    judged, never reported (see ``not_judged``)."""

    code: str
    t_s: float
    not_judged: str | None = None


def not_judged(code: str, why: str) -> Fault:
    """A fault a rep could not be judged on, beyond what its camera view says (``FaultSpec.views``)."""
    return Fault(code, float("nan"), why)


def midpoint(pose: PoseFrame, name: str) -> np.ndarray:
    """Midpoint of the left and right joint (``"hip"`` -> between both hips), in pixels.

    In a side view both sides overlap, so the midpoint is immune to MediaPipe's
    left/right swaps.
    """
    return (pose.xy(Joint[f"LEFT_{name.upper()}"]) + pose.xy(Joint[f"RIGHT_{name.upper()}"])) / 2


def sees(pose: PoseFrame, joints: tuple[str, ...], min_visibility: float) -> bool:
    """Whether each of ``joints`` (``"hip"``, ...) is visible on at least one side."""
    return all(max(pose.visibility[Joint[f"LEFT_{name.upper()}"]],
                   pose.visibility[Joint[f"RIGHT_{name.upper()}"]]) >= min_visibility
               for name in joints)


TRUNK = ("shoulder", "hip")  # seen without the legs: see Exercise.view_ok_from_trunk


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


def trunk_recline_deg(pose: PoseFrame) -> float:
    """Trunk lean from vertical, signed: positive when the shoulders are behind the hips
    (farther from a camera in front of the person), negative when leaning forward.
    World landmarks, so a lean toward or away from the camera is seen."""
    hip, shoulder = world_midpoint(pose, "hip"), world_midpoint(pose, "shoulder")
    lean = geometry.lean_from_vertical_deg(hip, shoulder)
    return lean if shoulder[2] >= hip[2] else -lean


class SetupWatch(Protocol):
    """Watches each frame the body is seen (``note``) and says at the end what about the
    set-up may have made the counts or faults wrong (``warnings``). Memory stays flat."""

    def note(self, pose: PoseFrame) -> None: ...

    def warnings(self) -> list[str]: ...

    def cue(self) -> str | None:
        """A short line to say live while the problem shows (None: nothing to say)."""
        ...

    def not_judged(self) -> dict[str, str]:
        """Codes the set-up kept from being judged (a count's ``rep_count``/``hold_count``
        too), with why."""
        ...


def facing_yaw_deg(pose: PoseFrame, name: str = "hip") -> float:
    """How far the body is turned from facing the camera: the angle of the hip axis (or the
    ``name`` joints' axis, e.g. "shoulder"; world landmarks) out of the image plane. 0 =
    facing the camera (or back to it), 90 = side-on. Unlike the body's width in the
    picture, it does not change when the person leans."""
    axis = pose.xyz(Joint[f"LEFT_{name.upper()}"]) - pose.xyz(Joint[f"RIGHT_{name.upper()}"])
    return float(np.degrees(np.arctan2(abs(axis[2]), abs(axis[0]))))


def elevation_deg(lower, upper) -> float:
    """Angle of the ``lower->upper`` line above horizontal (world points, y down): +90 straight up,
    0 level, -90 straight down."""
    d = np.asarray(upper, float) - np.asarray(lower, float)
    return float(np.degrees(np.arctan2(-d[1], np.linalg.norm(np.delete(d, 1)))))


@dataclass(frozen=True)
class CrossedLeg:
    """A figure-four on one frame: one ankle raised and resting on or near the other knee.

    The crossed leg is the one whose ankle is higher (world landmarks, so it holds however
    the camera looks). Its side is MediaPipe's label of that ankle: on the rendered
    population it is right on every frame seen from the front or obliquely (the knee's
    outward turn, tried instead, failed on oblique views); side-on the labels swap and no
    measure tried (knee turn, near/far knee with the facing direction) beat them. Where
    MediaPipe swaps them for a while the hold keeps the side it started with (see
    ``HoldTracker(keep_side=True)``). "Resting on the other leg" is the ankle's distance
    to the other thigh (the hip-knee segment: on the knee, or higher up the thigh, where
    people also rest it), measured in the image, where it is seen directly (MediaPipe's
    depth for a foot on a thigh is often 30-40 cm off), over the image length of the
    supporting shin, which stays upright and in view whether the person leans or not.

    Attributes:
        side: the crossed leg, "left" or "right".
        raise_ratio: raised ankle above the other ankle, over torso length (world).
        gap_ratio: raised ankle to the other thigh over the supporting shin (image).
        support: the supporting (standing) leg's hip, knee and ankle landmarks.
    """

    side: str
    raise_ratio: float
    gap_ratio: float
    support: tuple[Joint, Joint, Joint]


def crossed_leg(pose: PoseFrame) -> CrossedLeg:
    """The figure-four measures of one frame (see ``CrossedLeg``)."""
    left_y, right_y = pose.xyz(Joint.LEFT_ANKLE)[1], pose.xyz(Joint.RIGHT_ANKLE)[1]
    crossed, support = ("left", "right") if left_y < right_y else ("right", "left")  # y points down
    hip, knee, ankle = (Joint[f"{support.upper()}_{j}"] for j in ("HIP", "KNEE", "ANKLE"))
    torso = geometry.distance(world_midpoint(pose, "hip"), world_midpoint(pose, "shoulder"))
    shin = geometry.distance(pose.xy(knee), pose.xy(ankle))
    gap = geometry.segment_distance(pose.xy(Joint[f"{crossed.upper()}_ANKLE"]), pose.xy(hip), pose.xy(knee))
    return CrossedLeg(side=crossed, raise_ratio=float(abs(left_y - right_y) / torso) if torso > 0 else float("nan"),
                      gap_ratio=gap / shin if shin > 0 else float("nan"), support=(hip, knee, ankle))


def sustained_extreme(window: Window, name: str, min_s: float, lowest: bool = False) -> tuple[float, float]:
    """The highest (or lowest) level of metric ``name`` that lasted ``min_s`` in the window,
    and the time of the series' extreme (to show the moment in the report)."""
    t, values = np.asarray(window.times_s), window.series(name)
    if not np.isfinite(values).any():
        return float("nan"), window.start_s
    if lowest:
        return geometry.sustained_min(t, values, min_s), float(t[np.nanargmin(values)])
    return geometry.sustained_max(t, values, min_s), float(t[np.nanargmax(values)])


# The middle 60% of a smooth movement (speeding up, then slowing down, as people move) takes
# about 40% of its time.
SMOOTH_MIDDLE_SHARE = 0.4


def fall_time_s(t: np.ndarray, signal: np.ndarray, top: float, floor: float,
                middle_share: float = SMOOTH_MIDDLE_SHARE) -> float:
    """Time to come down from ``top`` to ``floor``, measured from 20% to 80% of the way
    down (from the last time the signal was that high) and scaled to the whole descent, so
    noise at either end does not matter.

    ``middle_share`` is the share of the whole movement those middle 60% take: 0.6 for a
    constant speed; about 0.4 (the default) for a smooth human movement that speeds up and
    slows down. The crossings are interpolated between frames, so 10 and 60 fps time alike
    (frame by frame a span reads a frame long on average: 0.25 s at 10 fps once scaled)."""
    height = top - floor
    if not height > 0:
        return float("nan")
    high, low = top - 0.2 * height, floor + 0.2 * height
    # the last time it was that high: its first crossing of ``high`` going back in time
    start = -crossing_s(-t[::-1], signal[::-1], high)
    if not np.isfinite(start):
        return float("nan")
    end = crossing_s(t, -signal, -low, after_s=start)
    return float(((end if np.isfinite(end) else t[-1]) - start) / middle_share)


def rise_time_s(t: np.ndarray, signal: np.ndarray, rest: float, peak: float,
                middle_share: float = SMOOTH_MIDDLE_SHARE) -> float:
    """Time to go from ``rest`` up to ``peak`` (the way down into a squat), timed from 20%
    to 80% of the way and scaled to the whole smooth movement (``middle_share``: the share
    of its time those middle 60% take), so noise at either end does not matter. The
    crossings are interpolated between frames, so 10 and 60 fps time alike."""
    height = peak - rest
    if not height > 0:
        return float("nan")
    start = crossing_s(t, signal, rest + 0.2 * height)
    if not np.isfinite(start):
        return float("nan")
    end = crossing_s(t, signal, rest + 0.8 * height, after_s=start)
    return float(((end if np.isfinite(end) else t[-1]) - start) / middle_share)


def crossing_s(t: np.ndarray, values: np.ndarray, level: float, after_s: float = -np.inf) -> float:
    """When ``values`` first reach ``level`` (from below; not before ``after_s``),
    interpolated between frames; NaN if they never do."""
    above = np.flatnonzero((values >= level) & (t >= after_s))
    if len(above) == 0:
        return float("nan")
    i = above[0]
    if i == 0 or not np.isfinite(values[i - 1]) or values[i - 1] >= level:
        return float(t[i])
    f = (level - values[i - 1]) / (values[i] - values[i - 1])
    return float(t[i - 1] + f * (t[i] - t[i - 1]))


@dataclass(frozen=True)
class Gauge:
    """A bar on the overlay: ``value`` between ``low`` and ``high``, with a target mark."""

    label: str
    value: float
    low: float
    high: float
    target: float


class Exercise:
    """Base of every exercise. Subclasses set the class attributes and ``measure``, and
    derive from ``RepExercise`` or ``HoldExercise`` (see ``RepRules`` and ``HoldRules``)."""

    id: ClassVar[str]
    title: ClassVar[str]
    view: ClassVar[str]            # "side", "front", "front_or_oblique" or "side_or_front"
    view_name: ClassVar[str]       # how the view is said to a person: "side"
    setup: ClassVar[str]           # what to do before starting, shown until in position
    kind: ClassVar[str]            # "reps" or "holds": which of RepRules / HoldRules it follows
    Thresholds: ClassVar[type]
    FAULTS: ClassVar[tuple[FaultSpec, ...]]  # the exercise's own faults (COMMON_FAULTS come too)
    joints: ClassVar[tuple[str, ...]]    # body parts that must be seen (either side): "hip", ...
    key_angle: ClassVar[KeyAngle]        # the measure drawn on the video
    plots: ClassVar[dict[str, str]]      # metric -> axis label, for reports
    target_reps: ClassVar[str] = ""      # e.g. "12-15", shown on screen
    # Views in which reps or holds are counted (where the counting signal holds up); the
    # faults are judged only in their own declared views, the rest listed as not judged.
    count_views: ClassVar[tuple[str, ...]] = ANY_VIEW
    # Views in which that count was measured to hold up (None: all of ``count_views``); a
    # session seen mostly from another says its count is not judged (``rep_count``/``hold_count``).
    trusted_count_views: ClassVar[tuple[str, ...] | None] = None
    # How far the body may move between two pose-model calls when ``analyze`` skips frames
    # of a still body (``pipeline.AdaptiveRate.travel_bl``, in body lengths): the skipped
    # frames get poses on the line between the calls, so this is set by the finest movement
    # the rules judge. None: the rate's own, for the finest of all (an abduction's knees).
    # Rules that judge a whole body's movement (a rep travels a third of a body length or
    # more) allow 0.1: the filled-in poses are then off its path by thousandths of a body
    # length (a squat's turn, ~5 body lengths/s², over 0.1 s: 0.006).
    skip_travel_bl: ClassVar[float | None] = None

    def __init__(self, thresholds=None):
        self.th = thresholds if thresholds is not None else self.Thresholds()
        self.start_session()

    @classmethod
    def faults(cls) -> tuple[FaultSpec, ...]:
        """Every fault the exercise can report: its own, then the common ones."""
        return cls.FAULTS + COMMON_FAULTS

    @classmethod
    def all_codes(cls) -> tuple[str, ...]:
        return tuple(f.code for f in cls.faults())

    @classmethod
    def fault(cls, code: str) -> FaultSpec:
        """The declaration of fault ``code`` (KeyError if the exercise has no such fault)."""
        for spec in cls.faults():
            if spec.code == code:
                return spec
        raise KeyError(code)

    def message(self, code: str) -> str:
        return self.fault(code).cue.format(view=self.view_name)

    def sees_body(self, pose: PoseFrame, min_visibility: float) -> bool:
        """Whether every needed body part is visible on at least one side."""
        return sees(pose, self.joints, min_visibility)

    def view_readable(self, m: dict[str, float]) -> bool:
        """Whether this frame's posture (its ``measure``) shows the camera's angle (else the
        view stays as it was last read)."""
        return True

    def view_ok(self, pose: PoseFrame, th: "CommonThresholds") -> bool:
        """Whether the camera sees the body from the view this exercise needs."""
        view = self.view_class(pose, th)
        if self.view == "side":
            return view == SIDE
        if self.view == "front":
            return view == FRONT
        return view != SIDE

    def view_ok_from_trunk(self, pose: PoseFrame, th: "CommonThresholds") -> bool:
        """``view_ok`` for a frame that shows the trunk but not the legs (a prop in the way).
        MediaPipe's world landmarks, and so the body's turn, then read anything (a camera 34 deg
        off read 75-90 deg for 7 s on the tuning side): not judged unless an exercise can."""
        return True

    def view_class(self, pose: PoseFrame, th: "CommonThresholds") -> str:
        """How the camera sees the body: ``FRONT``, ``OBLIQUE`` or ``SIDE`` (the hip line's turn
        out of the picture, from the world landmarks)."""
        yaw = self.turn_deg(pose)
        return FRONT if yaw < th.oblique_from_deg else OBLIQUE if yaw < th.side_from_deg else SIDE

    def turn_deg(self, pose: PoseFrame) -> float:
        """How far the body is turned from facing the camera (0 facing it, 90 side-on)."""
        return facing_yaw_deg(pose)

    def measure(self, pose: PoseFrame) -> dict[str, float]:
        """Named measurements on one (smoothed) frame."""
        raise NotImplementedError

    def in_position(self, m: dict[str, float]) -> bool:
        """Whether the person is set up for the exercise (reps/holds count only then)."""
        return True

    def live_cues(self, m: dict[str, float], active: bool) -> list[str]:
        """Fault codes visible on this frame (shown live once they persist)."""
        return []

    def start_session(self) -> None:
        """Forget what an earlier session taught the measures (a body's standing height, a
        camera's height): called when the exercise is made, and by a session before its
        first frame."""

    def setup_watch(self) -> "SetupWatch | None":
        """Something about the set-up the whole video shows (e.g. a prop between the camera
        and the body), watched frame by frame and said at the end; None: nothing to watch."""
        return None

    def bands(self) -> dict[str, list[dict]]:
        """Threshold bands per plotted metric, for the report's plots: ``{"min", "max",
        "code"}`` and a ``"label"`` when ``code`` is None (else the fault's title is used)."""
        return {}

    def labelled_bands(self) -> dict[str, list[dict]]:
        """``bands()`` with every band labelled (a fault's band by the fault's title)."""
        return {metric: [{"label": band.get("label") or self.fault(band["code"]).title, "min": band["min"],
                          "max": band["max"], "code": band["code"]} for band in bands]
                for metric, bands in self.bands().items()}

    def gauge(self, m: dict[str, float]) -> Gauge | None:
        """A bar to draw on the overlay for this frame (e.g. how far the knees open), or None."""
        return None

    def key_points(self, pose: PoseFrame, m: dict[str, float]) -> tuple[Joint | np.ndarray, ...] | None:
        """The landmarks (end, vertex, end) of the key angle's arc on this frame, when they are
        particular ones (the standing leg), or pixel points where an end is no landmark;
        None draws it at the midpoint of ``key_angle.joint``."""
        return None


class RepRules(Protocol):
    """What the session asks of an exercise counted in reps (``kind == "reps"``)."""

    rep_signal: str
    hold_metric: str | None

    def counter(self) -> RepCounter: ...

    def check_rep(self, rep: Window) -> tuple[list[Fault], dict[str, float]]: ...


class HoldRules(Protocol):
    """What the session asks of an exercise timed in holds (``kind == "holds"``)."""

    def tracker(self) -> HoldTracker: ...

    def held_side(self, m: dict[str, float]) -> str | None: ...

    def why_not_held(self, m: dict[str, float]) -> str | None: ...

    def check_hold(self, hold: Window) -> tuple[list[Fault], dict[str, float]]: ...

    def check_session(self, holds: list[Window], end_s: float) -> list[Fault]: ...

    def hold_cue(self, hold_s: float, side: str | None, sides_held: tuple[str, ...]) -> str | None: ...


class RepExercise(Exercise):
    """An exercise counted in reps: follows ``RepRules``."""

    kind = "reps"
    rep_signal: ClassVar[str]  # the metric whose rise and fall makes a rep
    hold_metric: ClassVar[str | None] = None  # the check_rep metric that is the rep's time held
                                              # at the top (reported as the rep's ``hold_s``)

    def counter(self) -> RepCounter:
        raise NotImplementedError

    def check_rep(self, rep: Window) -> tuple[list[Fault], dict[str, float]]:
        """Faults and summary metrics of one finished rep."""
        raise NotImplementedError


class HoldExercise(Exercise):
    """An exercise timed in holds: follows ``HoldRules``."""

    kind = "holds"

    def tracker(self) -> HoldTracker:
        return HoldTracker()

    def held_side(self, m: dict[str, float]) -> str | None:
        """The side being held on this frame, or None."""
        raise NotImplementedError

    def why_not_held(self, m: dict[str, float]) -> str | None:
        """In plain words, why this frame's posture does not count as the hold (e.g.
        "your ankle slipped off the knee"); said when a hold is broken."""
        return None

    def check_hold(self, hold: Window) -> tuple[list[Fault], dict[str, float]]:
        raise NotImplementedError

    def check_session(self, holds: list[Window], end_s: float) -> list[Fault]:
        """Faults about the whole session (e.g. only one side held)."""
        return []

    def hold_cue(self, hold_s: float, side: str | None, sides_held: tuple[str, ...]) -> str | None:
        """A line to show under the hold timer while holding (e.g. breath pacing), or None."""
        return None


def missing_side(holds: list[Window], end_s: float) -> list[Fault]:
    """``missing_side`` when every hold of the session was on the same side."""
    sides = {h.side for h in holds if h.side is not None}
    return [Fault("missing_side", end_s)] if len(sides) == 1 else []
