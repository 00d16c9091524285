"""Pose estimation: the only package that imports mediapipe."""

from formcheck.pose.landmarks import Joint, PoseFrame, PoseTrack

__all__ = ["Joint", "PoseFrame", "PoseTrack"]
