"""Chair squat (sit to stand). Side view: a chair behind you, feet hip-width apart, arms
forward or crossed on the chest. Sit the hips back until you touch the chair, then stand
up again without using your hands; lower yourself slowly.

All measures are in the image plane of a side view:
- the thigh tilt (hips down toward the knees) makes the rep;
- plopping down: the hips falling much faster in the last part of the way down than
  before it (a controlled sit slows down before the chair; a plop speeds up), speeds in
  shin lengths per second;
- using the hands: a wrist on the thigh, between mid-thigh and the knee, as you start
  to rise (resting the hands on the thighs is what pushing off looks like from the side);
  measured from the hip-knee line, so a hand on top of the thigh is ~0.4-0.5 thigh
  lengths off it; arms reaching forward are ~1.5 off;
- knees far past the toes: knee ahead of the toe tips, in shin lengths (the tips found
  from the heel, steadier than MediaPipe's toe landmark: see ``TOE_TIPS_FROM_HEEL_RATIO``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck import geometry
from formcheck.counting import RepCounter, Window
from formcheck.exercises.base import (SIDE, Fault, FaultSpec, KeyAngle, RepExercise, crossing_s, midpoint,
                                      sustained_extreme, trunk_lean_deg)
from formcheck.exercises.lower_body import (baseline, knee_past_toe_ratio, near_side, shin_length_px, standing_turn_deg,
                                            sustained_min_or_nan, thigh_tilt_deg)
from formcheck.pose.landmarks import Joint, PoseFrame, side_joint


@dataclass(frozen=True)
class Thresholds:
    plop_speedup_ratio: float = 2.5      # hips fall this many times faster near the chair than before
    plop_min_speed_shins_s: float = 0.8  # ... and at least this fast (shin lengths per second, average)
    max_wrist_on_thigh_ratio: float = 0.6  # wrist this close to the hip-knee line (x thigh length) = pushing
    max_knee_past_toe_ratio: float = 0.05  # knee joints ahead of the toe tips (x shin length):
                                           # the kneecaps are then ~0.15 past them
    rep_tilt_deg: float = 35.0           # thighs tilt this far from standing = a rep
    last_part_fraction: float = 0.4      # "near the chair": this last part of the way down
    rise_start_fraction: float = 0.4     # "start of the rise": the first part of the way up
    persist_s: float = 0.2               # hands on the thighs / knees forward this long
    rise_lookback_s: float = 0.3         # the hands are watched from this long before the rise begins


FAULTS = (
    FaultSpec("plopping", "Dropping onto the chair", "Lower yourself slowly - don't drop onto the chair",
              "plop_speedup_ratio", (SIDE,)),
    FaultSpec("using_hands", "Pushing off the thighs", "Stand up without pushing on your thighs - arms forward",
              "max_wrist_on_thigh_ratio", (SIDE,)),
    FaultSpec("knees_past_toes", "Knees past the toes", "Sit back more - keep your knees over your feet",
              "max_knee_past_toe_ratio", (SIDE,)),
)


class ChairSquat(RepExercise):
    id = "chair_squat"
    skip_travel_bl = 0.1  # the whole body moves in a rep (see Exercise.skip_travel_bl)
    title = "Chair squat"
    view = "side"
    view_name = "side"
    turn_deg = staticmethod(standing_turn_deg)  # hips alone read a standing body's turn low
    setup = "Stand in front of a chair, side-on to the camera, arms forward"
    Thresholds = Thresholds
    FAULTS = FAULTS
    joints = ("shoulder", "hip", "knee", "ankle")
    rep_signal = "thigh_tilt_deg"
    key_angle = KeyAngle("knee_deg", "knee")
    plots = {"thigh_tilt_deg": "Thigh angle from vertical (deg; 90 = parallel)",
             "hip_height_ratio": "Hip height (shin lengths)",
             "knee_past_toe_ratio": "Knee ahead of the toes (shin lengths)"}
    target_reps = "10"

    def measure(self, pose: PoseFrame) -> dict[str, float]:
        hip, knee, ankle = (midpoint(pose, j) for j in ("hip", "knee", "ankle"))
        shin = shin_length_px(pose)
        return {
            "thigh_tilt_deg": thigh_tilt_deg(pose),
            "knee_deg": geometry.angle_deg(hip, knee, ankle),
            "hip_height_ratio": float(ankle[1] - hip[1]) / shin if shin > 0 else float("nan"),
            "wrist_on_thigh_ratio": _wrist_to_thigh(pose, hip, knee),
            "knee_past_toe_ratio": knee_past_toe_ratio(pose),
            "trunk_lean_deg": trunk_lean_deg(pose),
        }

    def key_points(self, pose: PoseFrame, m: dict[str, float]) -> tuple[Joint, Joint, Joint]:
        near = near_side(pose)
        return side_joint(near, "hip"), side_joint(near, "knee"), side_joint(near, "ankle")

    def counter(self) -> RepCounter:
        return RepCounter(enter_rise=self.th.rep_tilt_deg)

    def live_cues(self, m: dict[str, float], active: bool) -> list[str]:
        return ["knees_past_toes"] if active and m["knee_past_toe_ratio"] > self.th.max_knee_past_toe_ratio else []

    def check_rep(self, rep: Window) -> tuple[list[Fault], dict[str, float]]:
        th = self.th
        tilt = rep.series("thigh_tilt_deg")
        depth, bottom_t = sustained_extreme(rep, "thigh_tilt_deg", th.persist_s)
        sit_speed, speedup, sit_t = self._sit_speed(rep, tilt, depth)
        hands = self._hands_at_rise(rep, tilt, depth)
        knees, knees_t = sustained_extreme(rep, "knee_past_toe_ratio", th.persist_s)
        faults = []
        if speedup > th.plop_speedup_ratio and sit_speed > th.plop_min_speed_shins_s:
            faults.append(Fault("plopping", sit_t))
        if hands < th.max_wrist_on_thigh_ratio:
            faults.append(Fault("using_hands", bottom_t))
        if knees > th.max_knee_past_toe_ratio:
            faults.append(Fault("knees_past_toes", knees_t))
        return faults, {"sit_speed_shins_s": sit_speed, "sit_speedup_ratio": speedup, "wrist_on_thigh_ratio": hands,
                        "knee_past_toe_ratio": knees, "thigh_tilt_deg": depth}

    def _sit_speed(self, rep: Window, tilt: np.ndarray, depth: float) -> tuple[float, float, float]:
        """How fast the hips fell (shin lengths per second, on average) over the last part of
        the way down, how many times faster that is than over the part before, and when.

        Average speeds between crossing times (interpolated between frames), not a peak
        speed: landmark smoothing blunts a short, sharp drop's peak but hardly its duration.
        """
        t, height = np.asarray(rep.times_s), rep.series("hip_height_ratio")
        travel = depth - rep.rest_level
        arrived = np.flatnonzero(tilt >= depth - 0.05 * travel)
        nothing = float("nan"), float("nan"), rep.start_s
        if len(arrived) == 0 or len(t) < 3:
            return nothing
        end = min(arrived[0] + 3, len(t))  # a few frames past touching the chair
        top = baseline(height, tilt <= rep.rest_level + 0.25 * travel)
        low = float(np.nanmin(height[:end]))
        drop = top - low
        if not drop > 0:
            return nothing
        way_down = (top - height[:end]) / drop  # 0 standing .. 1 on the chair
        last = self.th.last_part_fraction
        t10, t_late, t95 = (crossing_s(t[:end], way_down, w) for w in (0.1, 1.0 - last, 0.95))
        late_speed = (last - 0.05) * drop / (t95 - t_late) if t95 > t_late else float("nan")
        early_speed = (0.9 - last) * drop / (t_late - t10) if t_late > t10 else float("nan")
        return late_speed, late_speed / early_speed, t_late

    def _hands_at_rise(self, rep: Window, tilt: np.ndarray, depth: float) -> float:
        """How close a wrist stayed to the thigh as the rise began (x thigh length)."""
        t, wrist = np.asarray(rep.times_s), rep.series("wrist_on_thigh_ratio")
        travel = depth - rep.rest_level
        at_bottom = np.flatnonzero(tilt >= depth - 0.1 * travel)
        if len(at_bottom) == 0:
            return float("nan")
        leave = at_bottom[-1]
        up = np.flatnonzero(tilt[leave:] <= depth - self.th.rise_start_fraction * travel)
        end = leave + (up[0] if len(up) else len(t) - leave - 1)
        start = np.searchsorted(t, t[leave] - self.th.rise_lookback_s)
        window = slice(start, end + 1)
        return sustained_min_or_nan(t[window], wrist[window], self.th.persist_s)

    def bands(self) -> dict[str, list[dict]]:
        return {"knee_past_toe_ratio": [{"min": self.th.max_knee_past_toe_ratio, "max": None,
                                         "code": "knees_past_toes"}]}


def _wrist_to_thigh(pose: PoseFrame, hip: np.ndarray, knee: np.ndarray) -> float:
    """The nearer wrist's distance from the thigh between mid-thigh and the knee, over the
    thigh's length. (Hands hanging by the hips or resting on the chair are not counted.)"""
    length = geometry.distance(hip, knee)
    if length <= 0:
        return float("nan")
    a, b = hip + 0.4 * (knee - hip), knee
    return min(_segment_distance(pose.xy(w), a, b) for w in (Joint.LEFT_WRIST, Joint.RIGHT_WRIST)) / length


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    ab = b - a
    f = float(np.clip(np.dot(p - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0.0, 1.0))
    return geometry.distance(p, a + f * ab)
