"""The exercise registry: one small file per exercise, listed here."""

from __future__ import annotations

from formcheck.errors import FormcheckError
from formcheck.exercises.base import Exercise
from formcheck.exercises.chair_squat import ChairSquat
from formcheck.exercises.clamshell import Clamshell
from formcheck.exercises.deadlift import Deadlift
from formcheck.exercises.glute_bridge import GluteBridge
from formcheck.exercises.seated_figure_four import SeatedFigureFour
from formcheck.exercises.seated_hip_abduction import SeatedHipAbduction
from formcheck.exercises.squat import Squat
from formcheck.exercises.standing_figure_four import StandingFigureFour

EXERCISES: dict[str, type[Exercise]] = {cls.id: cls for cls in (
    GluteBridge, SeatedHipAbduction, SeatedFigureFour, StandingFigureFour, Squat, ChairSquat, Deadlift, Clamshell)}


def get_exercise(exercise_id: str) -> type[Exercise]:
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise FormcheckError(f"unknown exercise {exercise_id!r}; choose one of: "
                             + ", ".join(sorted(EXERCISES))) from None
