"""SPEC default thresholds, used to turn true joint angles into expected outcomes.

Kept here (not imported from the analyser) so that tuning the analyser cannot
change what the sample clips are expected to show.
"""

GLUTE_BRIDGE = {
    "hips_too_high_deg": 10.0,   # hip above the shoulder-knee line at the top
    "hips_too_low_deg": 25.0,    # top stays this far short of the line
    "min_hold_s": 1.5,
    "min_lowering_s": 0.7,
}
SEATED_FIGURE_FOUR = {
    "max_trunk_lean_deg": 45.0,
    "min_hold_s": 15.0,
}
STANDING_FIGURE_FOUR = {
    "min_knee_angle_deg": 100.0,
    "max_trunk_lean_deg": 50.0,
    "min_hold_s": 3.0,
}
SEATED_HIP_ABDUCTION = {
    "rep_rise_ratio": 0.3,        # rise above rest that makes a rep
    "min_peak_ratio": 1.6,        # knee separation / hip width
    "max_trunk_lean_deg": 35.0,
    "min_return_s": 0.6,
    "uneven_fraction": 0.5,       # one knee travels < half as far as the other
}
COMMON_FAULTS = ("out_of_frame", "wrong_view")
FAULTS = {
    "glute_bridge": ("hips_too_high", "hips_too_low", "short_hold", "fast_lowering"),
    "seated_figure_four": ("leaning_too_far", "short_hold", "missing_side"),
    "standing_figure_four": ("too_deep", "torso_not_tall", "short_hold", "missing_side"),
    "seated_hip_abduction": ("partial_range", "leaning_back", "fast_return", "uneven"),
}
# Margins the scripts keep from every threshold (measured angles are off by 3-7 deg).
ANGLE_MARGIN_DEG = 10.0
TIME_MARGIN_FRACTION = 0.5
