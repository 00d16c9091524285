"""The landmark data model: one person's 33 MediaPipe landmarks at one moment.

Image coordinates are in pixels (already scaled by width and height, so angles
taken from them are true image angles); world coordinates are metres around
the hip centre, as MediaPipe gives them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from formcheck.fileio import atomic_path

N_LANDMARKS = 33


class Joint(IntEnum):
    """MediaPipe pose landmark indices."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


def side_joint(side: str, name: str) -> Joint:
    """``side_joint("left", "knee") -> Joint.LEFT_KNEE``."""
    return Joint[f"{side.upper()}_{name.upper()}"]


# The skeleton is data: pairs of joints to draw as bones.
SKELETON_EDGES: tuple[tuple[Joint, Joint], ...] = (
    (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER),
    (Joint.LEFT_HIP, Joint.RIGHT_HIP),
    (Joint.LEFT_SHOULDER, Joint.LEFT_HIP),
    (Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP),
    (Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW),
    (Joint.LEFT_ELBOW, Joint.LEFT_WRIST),
    (Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW),
    (Joint.RIGHT_ELBOW, Joint.RIGHT_WRIST),
    (Joint.LEFT_HIP, Joint.LEFT_KNEE),
    (Joint.LEFT_KNEE, Joint.LEFT_ANKLE),
    (Joint.LEFT_ANKLE, Joint.LEFT_HEEL),
    (Joint.LEFT_HEEL, Joint.LEFT_FOOT_INDEX),
    (Joint.LEFT_ANKLE, Joint.LEFT_FOOT_INDEX),
    (Joint.RIGHT_HIP, Joint.RIGHT_KNEE),
    (Joint.RIGHT_KNEE, Joint.RIGHT_ANKLE),
    (Joint.RIGHT_ANKLE, Joint.RIGHT_HEEL),
    (Joint.RIGHT_HEEL, Joint.RIGHT_FOOT_INDEX),
    (Joint.RIGHT_ANKLE, Joint.RIGHT_FOOT_INDEX),
    (Joint.NOSE, Joint.LEFT_EYE),
    (Joint.NOSE, Joint.RIGHT_EYE),
    (Joint.LEFT_EYE, Joint.LEFT_EAR),
    (Joint.RIGHT_EYE, Joint.RIGHT_EAR),
)


@dataclass(frozen=True)
class PoseFrame:
    """One person's landmarks at time ``t_s`` (seconds from the video start).

    Attributes:
        t_s: timestamp from the video, never from the wall clock.
        image_xy: (33, 2) pixel coordinates.
        world_xyz: (33, 3) metres, hip-centred.
        visibility: (33,) in [0, 1].
        new_person: the person followed until now had left, and this is someone else
            (see ``formcheck.pose.person``).
    """

    t_s: float
    image_xy: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    new_person: bool = False

    def __post_init__(self):
        for name, shape in (("image_xy", (N_LANDMARKS, 2)), ("world_xyz", (N_LANDMARKS, 3)),
                            ("visibility", (N_LANDMARKS,))):
            value = np.asarray(getattr(self, name), dtype=np.float64)
            if value.shape != shape:
                raise ValueError(f"PoseFrame.{name} must have shape {shape}, got {value.shape}")
            object.__setattr__(self, name, value)

    def xy(self, joint: Joint) -> np.ndarray:
        return self.image_xy[joint]

    def xyz(self, joint: Joint) -> np.ndarray:
        return self.world_xyz[joint]

    def replace(self, **changes) -> "PoseFrame":
        values = dict(t_s=self.t_s, image_xy=self.image_xy, world_xyz=self.world_xyz,
                      visibility=self.visibility, new_person=self.new_person)
        values.update(changes)
        return PoseFrame(**values)


@dataclass
class PoseTrack:
    """The poses of one video: one entry per decoded frame, ``None`` where no person was seen."""

    fps: float
    width: int
    height: int
    times_s: list[float] = field(default_factory=list)
    poses: list[PoseFrame | None] = field(default_factory=list)

    def append(self, t_s: float, pose: PoseFrame | None) -> None:
        self.times_s.append(float(t_s))
        self.poses.append(pose)

    def __len__(self) -> int:
        return len(self.poses)

    def save(self, path: str | os.PathLike) -> None:
        """Save as a compressed ``.npz`` (written to a temporary file, then renamed)."""
        n = len(self.poses)
        present = np.array([p is not None for p in self.poses], dtype=bool)
        image = np.full((n, N_LANDMARKS, 2), np.nan)
        world = np.full((n, N_LANDMARKS, 3), np.nan)
        vis = np.zeros((n, N_LANDMARKS))
        for i, p in enumerate(self.poses):
            if p is not None:
                image[i], world[i], vis[i] = p.image_xy, p.world_xyz, p.visibility
        with atomic_path(path, suffix=".tmp.npz") as tmp:
            np.savez_compressed(tmp, fps=self.fps, size=np.array([self.width, self.height]),
                                times_s=np.array(self.times_s), present=present,
                                image_xy=image, world_xyz=world, visibility=vis)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "PoseTrack":
        with np.load(path) as npz:
            data = {key: npz[key] for key in npz.files}  # each array read once: npz[key] reads it again
        track = cls(fps=float(data["fps"]), width=int(data["size"][0]), height=int(data["size"][1]))
        for i, t in enumerate(data["times_s"]):
            pose = (PoseFrame(float(t), data["image_xy"][i], data["world_xyz"][i], data["visibility"][i])
                    if data["present"][i] else None)
            track.append(float(t), pose)
        return track
