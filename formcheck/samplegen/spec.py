"""SPEC default thresholds, used to turn true joint angles into expected outcomes.

Kept here (not imported from the analyser) so that tuning the analyser cannot
change what the sample clips are expected to show; the keys are the analyser's own.
Which fault codes an exercise has comes from its declaration in ``formcheck.exercises``.
"""

GLUTE_BRIDGE = {
    "hips_too_high_deg": 10.0,   # hip above the shoulder-knee line at the top
    "hips_too_low_deg": 25.0,    # top stays this far short of the line
    "min_hold_s": 1.5,
    "min_lowering_s": 0.7,
}
SEATED_FIGURE_FOUR = {
    "max_lean_deg": 45.0,
    "min_hold_s": 15.0,
}
STANDING_FIGURE_FOUR = {
    "min_knee_deg": 100.0,
    "max_lean_deg": 50.0,
    "min_hold_s": 3.0,
}
SEATED_HIP_ABDUCTION = {
    "rep_rise_ratio": 0.3,        # rise above rest that makes a rep
    "min_peak_ratio": 1.6,        # knee separation / hip width
    "max_recline_deg": 35.0,
    "min_return_s": 0.6,
    "uneven_fraction": 0.5,       # one knee travels < half as far as the other
}
SQUAT = {
    "max_thigh_above_parallel_deg": 15.0,  # thighs still this far above level at the bottom
    "min_knee_ankle_ratio": 0.8,           # knee gap / ankle gap at the bottom
    "max_heel_rise_ratio": 0.1,            # a heel rising from where it stood, x shin length
    "max_lean_deg": 45.0,
    "min_descent_s": 1.0,
}
CHAIR_SQUAT = {
    "plop_speedup_ratio": 2.5,        # hips fall this many times faster near the chair than before
    "max_wrist_on_thigh_ratio": 0.6,  # wrist to the hip-knee line (mid-thigh..knee), x thigh length
    "max_knee_past_toe_ratio": 0.05,  # knee joint ahead of the toe tip, x shin length
}
DEADLIFT = {
    "max_neck_bend_deg": 25.0,        # ear-shoulder-hip bend, head down, at the bottom
    "min_knee_deg": 130.0,
    "min_chest_rise_fraction": 0.3,   # trunk rise per degree of hip opening, start of the lift
    "max_lean_back_deg": 10.0,        # trunk behind vertical at lockout
}
CLAMSHELL = {
    "min_opening_deg": 30.0,          # angle between the thighs at the top
    "max_pelvis_roll_deg": 20.0,      # hip-to-hip line turning back during the rep
    "max_feet_gap_ratio": 0.35,       # ankles separating, x thigh length
}
# Ratio thresholds (x shin or thigh length, a speed-up, a fraction) are kept at least
# this share of their value away from, knee/ankle width ratios 0.25, a wrist's distance
# from the thigh 0.15 thigh lengths (a hand on the thigh is ~0.4 off its bone line), the
# knee's place against the toes 0.1 shin lengths.
RATIO_MARGIN_FRACTION = 0.5
WIDTH_RATIO_MARGIN = 0.25
WRIST_RATIO_MARGIN = 0.15
KNEE_TOE_MARGIN = 0.1
# Margins the scripts keep from every threshold (measured angles are off by 3-7 deg).
ANGLE_MARGIN_DEG = 10.0
TIME_MARGIN_FRACTION = 0.5
