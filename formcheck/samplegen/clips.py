"""The sample library: every clip, with the body, camera and fault it acts out."""
from __future__ import annotations

from formcheck.samplegen.body import BodyShape, Outfit
from formcheck.samplegen.exercises import CameraSpec, ClipSpec

# A few people (Anny phenotypes: gender 0 = male, 1 = female; age 0.67 young adult .. 1 old).
ALEX = BodyShape(gender=0.1, age=0.72, height=0.6, weight=0.45, muscle=0.6)
MARIA = BodyShape(gender=0.95, age=0.88, height=0.35, weight=0.7, muscle=0.4)
SAM = BodyShape(gender=0.3, age=0.8, height=0.5, weight=0.75, muscle=0.5)
JUNE = BodyShape(gender=0.8, age=0.7, height=0.7, weight=0.35, muscle=0.55)
BOB = BodyShape(gender=0.0, age=0.95, height=0.45, weight=0.6, muscle=0.35)

BLUE_TEE = Outfit()
RED_TOP = Outfit(shirt=(170, 45, 55), trousers=(35, 40, 70), hair=(30, 25, 20), skin=(198, 140, 105))
GREEN_TOP = Outfit(shirt=(60, 130, 80), trousers=(70, 70, 75), hair=(120, 90, 60), short_sleeves=False)
GREY_TOP = Outfit(shirt=(150, 150, 155), trousers=(30, 30, 35), hair=(170, 170, 170), skin=(232, 190, 160),
                  shoes=(40, 40, 40))
PURPLE_TOP = Outfit(shirt=(110, 70, 150), trousers=(50, 50, 60), hair=(90, 55, 35), skin=(150, 100, 70))

SIDE_LEFT = CameraSpec(yaw_deg=90.0, height_m=0.5, distance_m=2.3, fps=25.0)
SIDE_RIGHT_HD = CameraSpec(yaw_deg=-90.0, height_m=0.6, distance_m=2.4, width=1280, height=720, fps=30.0)
SIDE_RIGHT = CameraSpec(yaw_deg=-90.0, height_m=0.5, distance_m=2.3, fps=25.0)


def _bridge() -> list[ClipSpec]:
    ex = "glute_bridge"
    return [
        ClipSpec(ex, "bridge_clean_left", "clean: 3 reps, hips in line at the top, 2.5 s holds, 2 s lowering; "
                 "camera on the person's left", None, ALEX, BLUE_TEE, SIDE_LEFT),
        ClipSpec(ex, "bridge_clean_right_hd", "clean: 3 reps, 2.5 s holds, 2 s lowering; camera on the person's "
                 "right, 1280x720 at 30 fps", None, MARIA, RED_TOP, SIDE_RIGHT_HD),
        ClipSpec(ex, "bridge_hips_too_high", "hips_too_high: 2 reps with the hips ~22 deg above the "
                 "shoulder-knee line; camera on the left", "hips_too_high", SAM, GREEN_TOP, SIDE_LEFT,
                 {"reps": 2}),
        ClipSpec(ex, "bridge_hips_too_low", "hips_too_low: 2 reps stopping ~38 deg short of the line; "
                 "camera on the right", "hips_too_low", JUNE, PURPLE_TOP, SIDE_RIGHT, {"reps": 2}),
        ClipSpec(ex, "bridge_short_hold", "short_hold: 3 reps held only 0.3 s at the top; camera on the left",
                 "short_hold", BOB, GREY_TOP, SIDE_LEFT),
        ClipSpec(ex, "bridge_fast_lowering", "fast_lowering: 2 reps dropping from the top in 0.3 s; "
                 "camera on the right", "fast_lowering", ALEX, RED_TOP, SIDE_RIGHT, {"reps": 2}),
    ]


FRONT = CameraSpec(yaw_deg=0.0, height_m=0.7, distance_m=2.3, fps=20.0)
FRONT_HD = CameraSpec(yaw_deg=0.0, height_m=0.75, distance_m=2.4, width=1280, height=720, fps=20.0)
OBLIQUE_LEFT = CameraSpec(yaw_deg=20.0, height_m=0.7, distance_m=2.3, fps=20.0)
OBLIQUE_RIGHT = CameraSpec(yaw_deg=-20.0, height_m=0.7, distance_m=2.3, fps=20.0)
# A recline away from a straight-front camera is mostly depth, which MediaPipe's world
# landmarks underestimate by 20-30 deg; an oblique, low camera shows it.
OBLIQUE_LOW_LEFT = CameraSpec(yaw_deg=30.0, height_m=0.45, distance_m=2.0, fps=20.0)


def _abduction() -> list[ClipSpec]:
    ex = "seated_hip_abduction"
    return [
        ClipSpec(ex, "abduction_clean_hd", "clean: 5 reps, knees to 2.2x hip width, 1.3 s returns, trunk ~10 deg "
                 "back; front view 1280x720", None, JUNE, GREEN_TOP, FRONT_HD),
        ClipSpec(ex, "abduction_partial_range", "partial_range: 4 reps opening only to 1.3x hip width; "
                 "slightly oblique from the person's left", "partial_range", BOB, GREY_TOP, OBLIQUE_LEFT,
                 {"reps": 4}),
        ClipSpec(ex, "abduction_leaning_back", "leaning_back: 4 good reps with the trunk ~56 deg back from "
                 "vertical; low camera 30 deg to the person's left", "leaning_back", SAM, BLUE_TEE,
                 OBLIQUE_LOW_LEFT, {"reps": 4, "lean_deg": 55.0}),
        ClipSpec(ex, "abduction_fast_return", "fast_return: 4 reps snapping back in 0.25 s; slightly oblique from "
                 "the person's right", "fast_return", MARIA, RED_TOP, OBLIQUE_RIGHT, {"reps": 4}),
        ClipSpec(ex, "abduction_uneven", "uneven: 4 reps where the right knee opens only ~15% as far as the left; "
                 "front view", "uneven", ALEX, PURPLE_TOP, FRONT, {"reps": 4}),
    ]


# Stretch holds: level cameras (a camera looking down hides a forward lean in MediaPipe's
# camera-aligned world landmarks), oblique where a lean towards the camera must show.
CHAIR_OBLIQUE_LEFT = CameraSpec(yaw_deg=35.0, height_m=0.75, distance_m=2.2, fps=10.0)
CHAIR_OBLIQUE_RIGHT = CameraSpec(yaw_deg=-50.0, height_m=0.75, distance_m=2.2, fps=10.0)
CHAIR_FRONTISH = CameraSpec(yaw_deg=15.0, height_m=0.75, distance_m=2.2, fps=10.0)


def _seated_figure_four() -> list[ClipSpec]:
    ex = "seated_figure_four"
    return [
        ClipSpec(ex, "seated_f4_clean", "clean: right ankle over left knee then left over right, ~25 s each, "
                 "gentle ~22 deg lean; camera 35 deg to the person's left", None, MARIA, RED_TOP,
                 CHAIR_OBLIQUE_LEFT),
        ClipSpec(ex, "seated_f4_leaning_too_far", "leaning_too_far: both sides held ~25 s but folding ~65 deg "
                 "forward; camera 50 deg to the person's right", "leaning_too_far", JUNE, GREEN_TOP,
                 CHAIR_OBLIQUE_RIGHT),
        ClipSpec(ex, "seated_f4_short_hold", "short_hold: both sides held only ~7 s; camera almost in front",
                 "short_hold", BOB, GREY_TOP, CHAIR_FRONTISH),
        ClipSpec(ex, "seated_f4_missing_side", "missing_side: only the right ankle is crossed (~25 s), then the "
                 "person stays seated; camera 35 deg to the left", "missing_side", SAM, BLUE_TEE,
                 CHAIR_OBLIQUE_LEFT, {"end_s": 4.0}),
    ]


STAND_OBLIQUE_LEFT = CameraSpec(yaw_deg=30.0, height_m=1.0, distance_m=3.0, fps=15.0)
STAND_OBLIQUE_RIGHT = CameraSpec(yaw_deg=-35.0, height_m=1.0, distance_m=3.0, fps=15.0)
# Knee bend is mostly depth from the front: MediaPipe reads 87 deg as ~115-130 at 35 deg yaw.
STAND_STEEP_RIGHT = CameraSpec(yaw_deg=-55.0, height_m=1.0, distance_m=3.0, fps=15.0)
STAND_FRONT = CameraSpec(yaw_deg=10.0, height_m=1.0, distance_m=3.0, fps=15.0)
STAND_OBLIQUE_RIGHT_HD = CameraSpec(yaw_deg=-40.0, height_m=0.95, distance_m=3.4, width=1280, height=720, fps=15.0)


def _standing_figure_four() -> list[ClipSpec]:
    ex = "standing_figure_four"
    return [
        ClipSpec(ex, "standing_f4_clean", "clean: left hand on a chair, right ankle over left knee then left over "
                 "right, ~10 s each, standing knee ~140 deg, trunk ~22 deg; camera 30 deg to the person's left",
                 None, JUNE, BLUE_TEE, STAND_OBLIQUE_LEFT),
        ClipSpec(ex, "standing_f4_too_deep", "too_deep: both sides sinking to a standing-knee angle of ~75 deg; "
                 "camera 55 deg to the person's right", "too_deep", ALEX, GREEN_TOP, STAND_STEEP_RIGHT),
        ClipSpec(ex, "standing_f4_torso_not_tall", "torso_not_tall: both sides with the trunk ~63 deg forward; "
                 "camera 40 deg to the person's right, 1280x720", "torso_not_tall", MARIA, PURPLE_TOP,
                 STAND_OBLIQUE_RIGHT_HD),
        ClipSpec(ex, "standing_f4_short_hold", "short_hold: both sides crossed for only ~1.4 s; camera nearly in "
                 "front", "short_hold", BOB, RED_TOP, STAND_FRONT),
        ClipSpec(ex, "standing_f4_missing_side", "missing_side: only the right ankle crossed (~10 s); camera 35 "
                 "deg to the person's right", "missing_side", SAM, GREY_TOP, STAND_OBLIQUE_RIGHT,
                 {"end_s": 3.0}),
    ]


# Strength exercises: small frames at 15 fps keep the library small; a standing person
# is still ~250 px tall.
STRENGTH_SIDE_LEFT = CameraSpec(yaw_deg=90.0, height_m=0.9, distance_m=2.9, width=480, height=360, fps=15.0)
STRENGTH_SIDE_RIGHT = CameraSpec(yaw_deg=-90.0, height_m=0.9, distance_m=2.9, width=480, height=360, fps=15.0)
STRENGTH_FRONTISH = CameraSpec(yaw_deg=15.0, height_m=0.9, distance_m=2.9, width=480, height=360, fps=15.0)
STRENGTH_FRONT = CameraSpec(yaw_deg=0.0, height_m=0.9, distance_m=2.9, width=480, height=360, fps=15.0)


def _squat() -> list[ClipSpec]:
    ex = "squat"
    return [
        ClipSpec(ex, "squat_clean_side", "clean: 2 reps to thighs level, 2 s down, trunk ~32 deg; camera on the "
                 "person's left", None, ALEX, BLUE_TEE, STRENGTH_SIDE_LEFT),
        ClipSpec(ex, "squat_clean_front", "clean: 2 reps to thighs level, knees out over the toes; camera nearly "
                 "in front", None, MARIA, RED_TOP, STRENGTH_FRONTISH),
        ClipSpec(ex, "squat_too_shallow", "too_shallow: 2 reps stopping with the thighs ~35 deg above level; "
                 "camera on the right", "too_shallow", SAM, GREEN_TOP, STRENGTH_SIDE_RIGHT),
        ClipSpec(ex, "squat_knees_caving", "knees_caving: 2 reps with the knees drawn in to ~0.4 of the ankles' "
                 "width at the bottom; camera in front", "knees_caving", JUNE, PURPLE_TOP, STRENGTH_FRONT),
        ClipSpec(ex, "squat_heels_lifting", "heels_lifting: 2 reps rising onto the balls of the feet at the "
                 "bottom; camera on the left", "heels_lifting", BOB, GREY_TOP, STRENGTH_SIDE_LEFT),
        ClipSpec(ex, "squat_leaning_forward", "leaning_forward: 2 reps with the trunk ~62 deg forward; camera on "
                 "the right", "leaning_forward", MARIA, GREEN_TOP, STRENGTH_SIDE_RIGHT),
        ClipSpec(ex, "squat_too_fast_down", "too_fast_down: 2 reps dropping to the bottom in 0.4 s; camera "
                 "nearly in front", "too_fast_down", ALEX, RED_TOP, STRENGTH_FRONTISH),
    ]


def _chair_squat() -> list[ClipSpec]:
    ex = "chair_squat"
    return [
        ClipSpec(ex, "chair_squat_clean", "clean: 2 reps sitting back onto a chair in 2 s, arms forward, knees "
                 "behind the toes; camera on the person's left", None, BOB, BLUE_TEE, STRENGTH_SIDE_LEFT),
        ClipSpec(ex, "chair_squat_plopping", "plopping: 2 reps lowering under control, then dropping the last "
                 "part onto the seat in 0.24 s; camera on the right", "plopping", JUNE, RED_TOP,
                 STRENGTH_SIDE_RIGHT),
        ClipSpec(ex, "chair_squat_using_hands", "using_hands: 2 reps pushing up with the hands on the thighs by "
                 "the knees; camera on the left", "using_hands", MARIA, GREY_TOP, STRENGTH_SIDE_LEFT),
        ClipSpec(ex, "chair_squat_knees_past_toes", "knees_past_toes: 2 reps with the shins tipped ~36 deg, knees "
                 "well past the toes; camera on the right", "knees_past_toes", SAM, PURPLE_TOP, STRENGTH_SIDE_RIGHT),
    ]


def _deadlift() -> list[ClipSpec]:
    ex = "deadlift"
    return [
        ClipSpec(ex, "deadlift_clean", "clean: 2 hip hinges to a ~80 deg trunk lean, knees soft (~155 deg), flat "
                 "back; camera on the person's left", None, ALEX, GREEN_TOP, STRENGTH_SIDE_LEFT),
        ClipSpec(ex, "deadlift_rounded_back", "rounded_back: 2 hinges with the upper back and neck curled ~50 deg "
                 "at the bottom; camera on the right", "rounded_back", SAM, BLUE_TEE, STRENGTH_SIDE_RIGHT),
        ClipSpec(ex, "deadlift_squatting", "squatting: 2 reps bending the knees to ~85 deg, trunk ~65 deg; camera "
                 "on the left", "squatting", JUNE, GREY_TOP, STRENGTH_SIDE_LEFT),
        ClipSpec(ex, "deadlift_hips_rise_first", "hips_rise_first: 2 reps where the knees straighten first with "
                 "the trunk still level, then the chest comes up; camera on the right", "hips_rise_first", BOB,
                 RED_TOP, STRENGTH_SIDE_RIGHT),
        ClipSpec(ex, "deadlift_leaning_back", "leaning_back: 2 good hinges finishing with the trunk ~22 deg behind "
                 "vertical for a moment; camera on the left", "leaning_back", MARIA, PURPLE_TOP, STRENGTH_SIDE_LEFT),
    ]


# Side-lying: the camera in front of the body and above it (from level, the bent hips and
# knees point along the line of sight).
LYING_FRONT = CameraSpec(yaw_deg=0.0, height_m=1.4, distance_m=2.1, width=480, height=360, fps=15.0)
LYING_FRONT_LEFT = CameraSpec(yaw_deg=20.0, height_m=1.3, distance_m=2.1, width=480, height=360, fps=15.0)


def _clamshell() -> list[ClipSpec]:
    ex = "clamshell"
    return [
        ClipSpec(ex, "clamshell_clean", "clean: 2 reps opening the thighs ~54 deg apart, hips stacked, feet "
                 "together; camera in front", None, JUNE, BLUE_TEE, LYING_FRONT),
        ClipSpec(ex, "clamshell_partial_range", "partial_range: 2 reps opening the thighs only ~14 deg; camera in front, "
                 "a little toward the head", "partial_range", ALEX, RED_TOP, LYING_FRONT_LEFT),
        ClipSpec(ex, "clamshell_pelvis_rolls_back", "pelvis_rolls_back: 2 reps rolling the pelvis ~35 deg back "
                 "as the knee opens; camera in front", "pelvis_rolls_back", MARIA, GREEN_TOP, LYING_FRONT),
        ClipSpec(ex, "clamshell_feet_apart", "feet_apart: 2 reps lifting the top foot ~30 cm off the other; "
                 "camera in front", "feet_apart", SAM, GREY_TOP, LYING_FRONT),
    ]


def all_clips() -> list[ClipSpec]:
    return (_bridge() + _abduction() + _seated_figure_four() + _standing_figure_four()
            + _squat() + _chair_squat() + _deadlift() + _clamshell())
