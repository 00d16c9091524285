"""One module per exercise: how to pose the body, the script, and the expected outcome."""
from formcheck.samplegen.exercises.base import CameraSpec, ClipSpec, Exercise
from formcheck.samplegen.exercises.chair_squat import ChairSquat
from formcheck.samplegen.exercises.clamshell import Clamshell
from formcheck.samplegen.exercises.deadlift import Deadlift
from formcheck.samplegen.exercises.glute_bridge import GluteBridge
from formcheck.samplegen.exercises.seated_figure_four import SeatedFigureFour
from formcheck.samplegen.exercises.seated_hip_abduction import SeatedHipAbduction
from formcheck.samplegen.exercises.squat import Squat
from formcheck.samplegen.exercises.standing_figure_four import StandingFigureFour

EXERCISES: dict[str, type[Exercise]] = {
    GluteBridge.id: GluteBridge,
    SeatedHipAbduction.id: SeatedHipAbduction,
    SeatedFigureFour.id: SeatedFigureFour,
    StandingFigureFour.id: StandingFigureFour,
    Squat.id: Squat,
    ChairSquat.id: ChairSquat,
    Deadlift.id: Deadlift,
    Clamshell.id: Clamshell,
}

__all__ = ["CameraSpec", "ClipSpec", "Exercise", "EXERCISES"]
