"""One module per exercise: how to pose the body, the script, and the expected outcome."""
from formcheck.samplegen.exercises.base import CameraSpec, ClipSpec, Exercise
from formcheck.samplegen.exercises.glute_bridge import GluteBridge

EXERCISES: dict[str, type[Exercise]] = {
    GluteBridge.id: GluteBridge,
}

__all__ = ["CameraSpec", "ClipSpec", "Exercise", "EXERCISES"]
