"""One person: with someone else in view, stay on the person who was there first.

MediaPipe follows one person from frame to frame, but when it loses them (they step out,
or someone walks in front) its detector may pick up anybody else in the picture and stay
on them. ``PersonLock`` notices such a jump (the body's centre moving further than a person
can move in the time, or its size changing at once) and refuses that pose; the estimator
then looks for the first person again in a crop around where they were last seen. Only
when the first person has been gone for ``RELOCK_S`` does it follow whoever is there, and
the pose says so (``PoseFrame.new_person``). A cut to another camera shot (edited videos)
changes most of the picture at once, unlike a person coming or going: the lock then starts
afresh."""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import Joint, PoseFrame

MAX_SPEED_TORSOS_PER_S = 4.0  # the body's centre moves at most this fast (a quick step is ~2)
JUMP_SLACK_TORSOS = 0.75      # plus this much at any gap: landmark jitter, a lunge, a bend
MAX_SIZE_RATIO = 1.6          # torso length from one sighting to the next: no more change than this
RELOCK_S = 3.0                # the first person gone this long: follow whoever is there instead
SEARCH_MARGIN = 0.5           # the crop where the first person is looked for: their last box,
                              # grown by this share of its size on every side
CUT_GRID = (16, 9)            # the picture in this many cells to notice a cut ...
CUT_CELL_CHANGE = 30          # ... a cell whose grey level changes this much (of 255) ...
CUT_SHARE = 0.75              # ... in this share of the cells: a new shot, not a person moving


def centre_and_torso(pose: PoseFrame) -> tuple[np.ndarray, float]:
    """The trunk's centre and length (shoulders' midpoint to hips' midpoint), image pixels."""
    xy = pose.image_xy
    shoulders = (xy[Joint.LEFT_SHOULDER] + xy[Joint.RIGHT_SHOULDER]) / 2
    hips = (xy[Joint.LEFT_HIP] + xy[Joint.RIGHT_HIP]) / 2
    return (shoulders + hips) / 2, float(np.linalg.norm(shoulders - hips))


def box(pose: PoseFrame) -> tuple[float, float, float, float]:
    """The pose's bounding box in image pixels: x0, y0, x1, y1."""
    (x0, y0), (x1, y1) = pose.image_xy.min(axis=0), pose.image_xy.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


class PersonLock:
    """Keeps to one person: ``same(pose)`` says whether a pose is the person followed so far."""

    def __init__(self) -> None:
        self.last: PoseFrame | None = None  # the followed person's last accepted pose
        self._cells: np.ndarray | None = None  # the previous picture, coarse

    def look(self, cells: np.ndarray) -> None:
        """Each picture, as ``CUT_GRID`` grey cells: a cut to a new shot starts the lock afresh."""
        if self._cells is not None:
            changed = np.abs(cells.astype(np.int16) - self._cells) > CUT_CELL_CHANGE
            if changed.mean() >= CUT_SHARE:
                self.last = None
        self._cells = cells.astype(np.int16)

    def same(self, pose: PoseFrame) -> bool:
        if self.last is None:
            return True
        (c0, torso0), (c1, torso1) = centre_and_torso(self.last), centre_and_torso(pose)
        if not (torso0 > 0 and torso1 > 0):
            return True
        if max(torso0, torso1) / min(torso0, torso1) > MAX_SIZE_RATIO:
            return False
        gap_s = max(pose.t_s - self.last.t_s, 0.0)
        reach = torso0 * (JUMP_SLACK_TORSOS + MAX_SPEED_TORSOS_PER_S * gap_s)
        return float(np.linalg.norm(c1 - c0)) <= reach

    def gone_s(self, t_s: float) -> float:
        """How long the followed person has not been seen."""
        return float("inf") if self.last is None else t_s - self.last.t_s

    def accept(self, pose: PoseFrame) -> PoseFrame:
        self.last = pose
        return pose

    def search_box(self, width: int, height: int) -> tuple[int, int, int, int] | None:
        """Where to look for the followed person: their last box, grown, in the frame."""
        if self.last is None:
            return None
        x0, y0, x1, y1 = box(self.last)
        grow_x, grow_y = SEARCH_MARGIN * (x1 - x0), SEARCH_MARGIN * (y1 - y0)
        x0, y0 = max(int(x0 - grow_x), 0), max(int(y0 - grow_y), 0)
        x1, y1 = min(int(x1 + grow_x), width), min(int(y1 + grow_y), height)
        return (x0, y0, x1, y1) if x1 - x0 >= 32 and y1 - y0 >= 32 else None
