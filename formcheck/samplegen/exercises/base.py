"""What every scripted exercise provides to the clip generator."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np

from formcheck.exercises import EXERCISES as ANALYSER  # each exercise's fault codes are declared there
from formcheck.samplegen.body import Body, BodyShape, Outfit, PosedBody
from formcheck.samplegen.geometry import standard_angles
from formcheck.samplegen.render import Camera, Mesh
from formcheck.samplegen.timeline import Timeline


@dataclass(frozen=True)
class CameraSpec:
    """Camera placed relative to the person.

    ``yaw_deg``: 0 = in front of the person, +90 = on the person's left,
    -90 = on their right (for a person lying down: left/right side).
    """

    yaw_deg: float = 90.0
    height_m: float = 0.7
    distance_m: float = 3.0
    width: int = 640
    height: int = 480
    fps: float = 25.0
    hfov_deg: float = 60.0


@dataclass(frozen=True)
class ClipSpec:
    exercise: str
    clip: str                      # file stem
    description: str
    fault: str | None              # fault code acted out, None = clean
    shape: BodyShape = BodyShape()
    outfit: Outfit = Outfit()
    camera: CameraSpec = CameraSpec()
    options: dict[str, Any] = field(default_factory=dict)  # exercise-specific script knobs
    seed: int = 0
    floor_rgb: tuple[int, int, int] = (176, 168, 156)
    wall_rgb: tuple[int, int, int] = (236, 234, 228)
    # Population clips: a true value within ``band_share`` x the sample margin of its
    # threshold is left unscored (not a failure to act a fault clearly); 0 = sample clip.
    band_share: float = 0.0
    negative: bool = False         # a move that is not the exercise: nothing may count

    def to_dict(self) -> dict:
        d = asdict(self)
        d["shape"] = self.shape.to_dict()
        d["outfit"] = self.outfit.to_dict()
        return d


class Exercise:
    """Base class: subclasses fill in the script, the posing and the expectation."""

    id: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}                    # the script's options
    fault_options: ClassVar[dict[str | None, dict]] = {None: {}}  # what each fault changes
    # For the random population (see ``population``): where a camera may stand for this
    # exercise (yaw ranges in degrees, heights and distances in metres), how far beyond the
    # allowed yaw a ``wrong_view`` clip goes, and the options of a move that is not the
    # exercise (a negative: nothing may count).
    yaw_ranges: ClassVar[tuple[tuple[float, float], ...]] = ((-90.0, 90.0),)
    beyond_deg: ClassVar[float] = 0.0
    camera_heights_m: ClassVar[tuple[float, float]] = (0.3, 1.2)
    distances_m: ClassVar[tuple[float, float]] = (2.2, 3.0)
    portrait_ok: ClassVar[bool] = False
    hold_scale: ClassVar[tuple[float, float]] = (0.6, 1.1)  # a stretch's hold x its default
    negative_options: ClassVar[dict[str, Any]] = {}
    # Named negatives (``negatives.MOVES``) besides walking through, which fits every exercise.
    negative_moves: ClassVar[tuple[str, ...]] = ()

    def __init__(self, body: Body, spec: ClipSpec):
        self.body = body
        self.spec = spec
        self.o = {**self.defaults, **self.fault_options[spec.fault], **spec.options}
        self.reps: list[dict] = []   # scripted rep phases (times in s)
        self.holds: list[dict] = []  # scripted holds
        self.unscored: dict[str, list[float]] = {}  # codes with a true value inside the band

    # --- to override -------------------------------------------------------
    def timeline(self) -> Timeline:
        raise NotImplementedError

    def pose(self, params: dict[str, float]) -> PosedBody:
        raise NotImplementedError

    def props(self) -> list[Mesh]:
        return []

    def reference(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(subject centre, facing direction, left direction) for placing the camera."""
        raise NotImplementedError

    def extra_angles(self, posed: PosedBody) -> dict[str, float]:
        return {}

    def expectation(self, times: np.ndarray, angles: dict[str, np.ndarray]) -> tuple[dict, dict]:
        """(expect, truth) from the true per-frame angles."""
        raise NotImplementedError

    # --- shared ------------------------------------------------------------
    def judge(self, code: str, value: float, limit: float, above: bool, margin: float) -> bool:
        """Whether a true ``value`` is past ``limit`` (above it when ``above``).

        A sample clip must act a fault out clearly or clearly not at all: a value within
        ``margin`` of the limit is refused. A population clip instead leaves a value within
        ``band_share`` x ``margin`` unscored: MediaPipe cannot tell it from the limit."""
        near = abs(value - limit) < margin * (self.spec.band_share or 1.0)
        if near and not self.spec.band_share:
            raise ValueError(f"{code}: true value {value:.3g} is within {margin:.3g} of the threshold {limit}")
        if near:
            self.unscored.setdefault(code, []).append(round(float(value), 3))
            return False
        return value > limit if above else value < limit

    def outcome(self, faults: set[str], reps: list[dict] | None = None,
                holds: list[dict] | None = None) -> tuple[dict, dict]:
        """(expect, truth) from the truth of each rep (or hold) and the faults truly acted out:
        every other fault of the exercise, and the common ones, must not fire (but those
        left in the threshold band are not scored either way)."""
        if self.spec.negative:  # not the exercise: no rep, no hold, no fault
            reps, holds, faults = ([] if reps is not None else None), [], set()
            self.unscored.clear()
        every = ANALYSER[self.id].all_codes()
        unscored = sorted(set(self.unscored) - faults)
        expect = {"rep_count": len(reps) if reps is not None else None,
                  "holds": [{"side": h["side"], "duration_s": h["duration_s"]} for h in holds or []],
                  "faults_present": sorted(faults),
                  "faults_absent": [code for code in every if code not in faults and code not in unscored]}
        if self.spec.band_share:
            expect["faults_unscored"] = unscored
        return expect, {"reps": reps or [], "holds": holds or [],
                        "unscored_values": {c: self.unscored[c] for c in unscored}}

    def angles(self, posed: PosedBody) -> dict[str, float]:
        out = standard_angles(posed.keypoints)
        out.update(self.extra_angles(posed))
        return out

    def camera(self) -> Camera:
        c = self.spec.camera
        center, facing, left = self.reference()
        yaw = np.radians(c.yaw_deg)
        direction = np.cos(yaw) * facing + np.sin(yaw) * left
        position = center + direction * c.distance_m
        position[2] = c.height_m
        return Camera(tuple(position), tuple(center), c.width, c.height, c.hfov_deg)

    @property
    def opt(self) -> dict[str, Any]:
        return self.spec.options
