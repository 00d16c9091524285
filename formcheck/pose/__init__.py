"""Pose estimation: the landmarks, and the pose model (MediaPipe's PoseLandmarker).

This package is the only part of the analysis that imports mediapipe (``formcheck.models``
also uses it to build the model bundle, and ``formcheck.samplegen`` to measure its clips);
``pyproject.toml``'s import contracts check it."""

from formcheck.pose.landmarks import Joint, PoseFrame, PoseTrack

__all__ = ["Joint", "PoseFrame", "PoseTrack"]
