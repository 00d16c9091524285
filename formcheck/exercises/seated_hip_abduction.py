"""Seated hip abduction with a band. Front view: sit on the floor facing the camera, band
around the calves, knees bent, feet down, hands behind you, back straight. Press the
knees apart, then bring them back together slowly; 12-15 reps.

The key measure is knee separation over hip width, along the hip axis in the image
(front view, so both lie in the image plane). Each knee's outward offset from the body's
midline (between the hips) tells whether both knees open evenly. Which knee is which
is taken from where it is (the one on the left hip's side), not from MediaPipe's labels.
Evenness is not judged (and said so) from a camera well to the side or one near the floor
looking up at the knees (see the thresholds).
The trunk recline is from world landmarks: leaning back moves the shoulders away from
the camera, which the image alone cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.counting import RepCounter, Window
from formcheck.exercises.base import (FRONT, OBLIQUE, CommonThresholds, Fault, FaultSpec, Gauge, KeyAngle, RepExercise,
                                      elevation_deg, facing_yaw_deg, fall_time_s, not_judged,
                                      sustained_extreme, trunk_recline_deg, world_midpoint)
from formcheck.pose.landmarks import Joint, PoseFrame


@dataclass(frozen=True)
class Thresholds:
    rep_rise_ratio: float = 0.3          # knees open this much (x hip width) above rest = a rep
    min_peak_ratio: float = 1.6          # knee separation / hip width at the top of a rep (true, 3D)
    knee_nearer_gain: float = 1.15       # the knees sit ~0.3 m nearer a front camera than the hips
                                         # (2-2.6 m away), so their separation in the picture reads
                                         # wider: on the tuning side 1.03-1.23x the true ratio near
                                         # 1.6 (median 1.12), up to 1.5x at a wide 2.2
    max_recline_deg: float = 35.0        # trunk reclined from vertical
    min_return_s: float = 0.6            # top of the rep back to rest
    # A return reads shorter than it is: tuning side (245 front-view reps), read = 0.88 x true
    # + 0.04 s (scatter 0.18 s), so the limit is judged as it reads, 0.53 s. Fast returns there
    # read up to 0.34 s, clean ones from 0.66 s.
    return_read_gain: float = 0.88
    uneven_fraction: float = 0.5         # one knee travels less than this x the other -> uneven
    min_uneven_diff_ratio: float = 0.4   # ... and at least this much less (x hip width): landmark
                                         # error must not make a small rep uneven (knees opening
                                         # evenly read up to 0.34 apart on the tuning side, in
                                         # small reps filmed from low; uneven ones 0.88 and more)
    max_uneven_yaw_deg: float = 20.0     # camera further to the side: as a knee opens it also drops
                                         # back, and that depth leaks into its sideways travel in the
                                         # picture (more for one knee, less for the other): evenness is
                                         # not judged (tuning side: a knee opening 0.27x the other read
                                         # 0.63x at 22 deg; a clean rep read 0.14x at 22 deg)
    max_uneven_thigh_rise_deg: float = 40.0  # thighs steeper than this in the camera's frame (median
                                         # over the rep): a camera near the floor looks up at the knees,
                                         # and MediaPipe's knee point then stayed put or slid while that
                                         # knee opened. Tuning side: the 3 reps of knees opening alike
                                         # that read uneven were filmed from below 0.3 m, thighs at 49-57
                                         # deg; the truly uneven ones read 23-31: such a reading is not
                                         # judged (an even reading still is)
    peak_hold_s: float = 0.2             # a peak must last this long (ignores one-frame spikes)
    recline_persist_s: float = 0.5       # a recline must last this long to count
    rep_exit_ratio: float = 0.1          # a rep ends within this (x hip width) of rest
    min_knee_rise_deg: float = -30.0     # thighs at least this far above level: sitting, knees up
    max_seated_lean_deg: float = 70.0    # beyond this the person is lying, not sitting
    # Body turned from the camera (the mean of the hip and the shoulder axes' turns): facing
    # it, give or take. Seated, MediaPipe's hip turn alone overlaps: a camera a true 20 deg off
    # read 34 deg (from near the floor), one 53 deg off read 39. The mean on the tuning side:
    # cameras within the 25 deg the exercise allows read up to 27.3, those 40 deg or more off
    # from 30.9; any limit from 28 to 31 gets the same clips right.
    max_view_yaw_deg: float = 29.5


FAULTS = (
    FaultSpec("partial_range", "Partial range", "Press your knees further apart", "min_peak_ratio", (FRONT,)),
    # A recline away from a camera in front reads about half of what it is (the population):
    # judged only from an oblique view.
    FaultSpec("leaning_back", "Leaning back", "Sit tall - keep your back straight", "max_recline_deg", (OBLIQUE,)),
    FaultSpec("fast_return", "Returning too fast", "Bring your knees back together slowly", "min_return_s", (FRONT,)),
    FaultSpec("uneven", "Uneven sides", "Open both knees evenly", "uneven_fraction", (FRONT,)),
)


class SeatedHipAbduction(RepExercise):
    id = "seated_hip_abduction"
    title = "Seated hip abduction"
    view = "front"
    view_name = "front"
    setup = "Sit on the floor facing the camera, knees bent, feet down, hands behind you"
    Thresholds = Thresholds
    FAULTS = FAULTS
    joints = ("shoulder", "hip", "knee")
    rep_signal = "knee_gap_ratio"
    key_angle = KeyAngle("knee_gap_ratio", "knee", draw="span")
    plots = {"knee_gap_pct": "Knee separation (% of hip width)", "trunk_recline_deg": "Trunk recline (deg)"}
    target_reps = "12-15"
    count_views = (FRONT, OBLIQUE)  # side-on the knees overlap

    def measure(self, pose: PoseFrame) -> dict[str, float]:
        hip_l, hip_r = pose.xy(Joint.LEFT_HIP), pose.xy(Joint.RIGHT_HIP)
        mid = (hip_l + hip_r) / 2
        hip_width = float(np.linalg.norm(hip_l - hip_r))
        axis = (hip_l - hip_r) / (hip_width or 1.0)  # toward the person's left
        along = sorted(float(np.dot(pose.xy(k) - mid, axis)) for k in (Joint.LEFT_KNEE, Joint.RIGHT_KNEE))
        right_out, left_out = -along[0], along[1]  # each knee's outward offset from the midline
        ratio = (left_out + right_out) / hip_width if hip_width > 0 else float("nan")
        return {
            "knee_gap_ratio": ratio,
            "knee_gap_pct": 100 * ratio,
            "left_knee_out_px": left_out,
            "right_knee_out_px": right_out,
            "hip_width_px": hip_width,
            "trunk_recline_deg": trunk_recline_deg(pose),
            "thigh_rise_deg": elevation_deg(world_midpoint(pose, "hip"), world_midpoint(pose, "knee")),
            "view_yaw_deg": facing_yaw_deg(pose),
        }

    def view_ok(self, pose: PoseFrame, th: CommonThresholds) -> bool:
        turn = (facing_yaw_deg(pose) + facing_yaw_deg(pose, "shoulder")) / 2
        return turn <= self.th.max_view_yaw_deg

    def in_position(self, m: dict[str, float]) -> bool:
        return (m["thigh_rise_deg"] >= self.th.min_knee_rise_deg
                and abs(m["trunk_recline_deg"]) <= self.th.max_seated_lean_deg)

    def counter(self) -> RepCounter:
        # A video does not start inside a rep here (max_opening_s=0: knees apart at the start
        # are no rep): at 10 fps MediaPipe's first detections read the knees 0.7 hip widths
        # wider than they were for 0.4 s, and that counted as a rep (tuning side). A bridge
        # keeps counting a first rise: a small person found late is first seen mid-rep.
        return RepCounter(enter_rise=self.th.rep_rise_ratio, min_exit_rise=self.th.rep_exit_ratio, max_opening_s=0.0)

    def live_cues(self, m: dict[str, float], active: bool) -> list[str]:
        return ["leaning_back"] if active and m["trunk_recline_deg"] > self.th.max_recline_deg else []

    def check_rep(self, rep: Window) -> tuple[list[Fault], dict[str, float]]:
        th = self.th
        t, ratio = np.asarray(rep.times_s), rep.series("knee_gap_ratio")
        peak, peak_t = sustained_extreme(rep, "knee_gap_ratio", th.peak_hold_s)
        recline, recline_t = sustained_extreme(rep, "trunk_recline_deg", th.recline_persist_s)
        return_s = fall_time_s(t, ratio, top=peak, floor=rep.rest_level)
        travel = self._knee_travel(rep, peak)
        faults = []
        if peak < self.seen_min_peak_ratio():
            faults.append(Fault("partial_range", peak_t))
        if recline > th.max_recline_deg:
            faults.append(Fault("leaning_back", recline_t))
        if return_s < th.return_read_gain * th.min_return_s:
            faults.append(Fault("fast_return", rep.end_s))
        faults.extend(self._uneven(rep, travel, peak_t))
        return faults, {"peak_knee_gap_ratio": peak, "return_s": return_s, "max_recline_deg": recline,
                        "left_travel_ratio": travel[0], "right_travel_ratio": travel[1]}

    def _uneven(self, rep: Window, travel: tuple[float, float], peak_t: float) -> list[Fault]:
        th = self.th
        if np.nanmedian(rep.series("view_yaw_deg")) > th.max_uneven_yaw_deg:
            return [not_judged("uneven", "needs a camera straight in front (this one was to the side)")]
        if not (np.isfinite(travel).all() and min(travel) < th.uneven_fraction * max(travel)
                and max(travel) - min(travel) >= th.min_uneven_diff_ratio):
            return []
        if np.nanmedian(rep.series("thigh_rise_deg")) > th.max_uneven_thigh_rise_deg:
            return [not_judged("uneven", "needs a camera above knee height (this one looked up at the knees)")]
        return [Fault("uneven", peak_t)]

    def seen_min_peak_ratio(self) -> float:
        """The least opening at the top of a rep as the picture shows it (see
        ``Thresholds.knee_nearer_gain``)."""
        return self.th.min_peak_ratio * self.th.knee_nearer_gain

    @staticmethod
    def _knee_travel(rep: Window, peak: float) -> tuple[float, float]:
        """How far each knee moved outward from the midline: its median offset near the top
        of the rep minus its median offset near rest (the rep's lowest quarter), over the
        rep's median hip width (one scale for the whole rep: the knees' offsets are not
        distorted by the hip landmarks wobbling)."""
        ratio = rep.series("knee_gap_ratio")
        rest = rep.rest_level
        near_top = ratio >= peak - 0.15 * (peak - rest)
        near_rest = ratio <= rest + 0.25 * (peak - rest)
        hip_width = np.nanmedian(rep.series("hip_width_px"))
        if not (near_top.any() and near_rest.any() and hip_width > 0):
            return float("nan"), float("nan")
        left, right = (rep.series(f"{side}_knee_out_px") for side in ("left", "right"))
        return tuple(float((np.nanmedian(out[near_top]) - np.nanmedian(out[near_rest])) / hip_width)
                     for out in (left, right))

    def gauge(self, m: dict[str, float]) -> Gauge | None:
        value = m.get("knee_gap_ratio")
        if value is None or not np.isfinite(value):
            return None
        return Gauge("Knees apart", value, low=0.5, high=2.2, target=self.seen_min_peak_ratio())

    def bands(self) -> dict[str, list[dict]]:
        return {
            "knee_gap_pct": [{"label": "Below the target opening", "min": None,
                              "max": 100 * self.seen_min_peak_ratio(), "code": None}],
            "trunk_recline_deg": [{"min": self.th.max_recline_deg, "max": None,
                                   "code": "leaning_back"}],
        }
