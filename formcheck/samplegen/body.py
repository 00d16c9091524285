"""A posable, clothed human built on the Anny parametric body model.

Poses are given bone by bone as rotations in the body's *rest-frame axes*
(Anny's ``local-ref`` parameterisation): x = the person's left, y = their back,
z = up. Each bone's rotation is applied on top of its parent's, so
``hip_flex`` below rotates the thigh about the pelvis' current left axis.

Sign conventions used by the helpers (degrees):
  * flexion of a hip (knee forward):           ``rx(-deg)`` on ``upperleg01``
  * flexion of a knee (heel back):              ``rx(+deg)`` on ``lowerleg01``
  * trunk / neck flexion (chin forward/down):   ``rx(+deg)`` on spine/neck bones
  * abduction of the left hip (knee outward):   ``ry(-deg)``, right hip ``ry(+deg)``
  * external rotation of the left hip:          ``rz(+deg)``, right hip ``rz(-deg)``
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import numpy as np
import torch

# Landmarks of the COCO-style keypoint regressor that ships with Anny (surface
# points, like the ones MediaPipe is trained to find).
KEYPOINTS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle", "left_big_toe", "right_big_toe",
    "left_small_toe", "right_small_toe", "left_heel", "right_heel",
)
KP = {name: i for i, name in enumerate(KEYPOINTS)}


@dataclass(frozen=True)
class BodyShape:
    """Anny phenotype, every value in [0, 1].

    ``gender`` 0 = male, 1 = female; ``age`` 0.67 = young adult, 1.0 = old.
    """

    gender: float = 0.5
    age: float = 0.75
    height: float = 0.5
    weight: float = 0.5
    muscle: float = 0.5
    proportions: float = 0.5

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Outfit:
    """RGB colours (0-255) of the clothing and skin."""

    skin: tuple[int, int, int] = (224, 172, 140)
    hair: tuple[int, int, int] = (60, 40, 30)
    shirt: tuple[int, int, int] = (40, 90, 170)
    trousers: tuple[int, int, int] = (45, 45, 55)
    shoes: tuple[int, int, int] = (235, 235, 235)
    shorts: bool = False  # True: bare lower legs
    short_sleeves: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


def rx(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def axis_angle(axis, deg: float) -> np.ndarray:
    """Rotation by ``deg`` about ``axis`` (right-hand rule)."""
    k = np.asarray(axis, float) / np.linalg.norm(axis)
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    a = np.radians(deg)
    return np.eye(3) + np.sin(a) * K + (1 - np.cos(a)) * K @ K


def hip(side: str, flex: float = 0.0, abd: float = 0.0, rot: float = 0.0) -> np.ndarray:
    """Rotation of a hip: internal twist first, then abduction, then flexion."""
    sign = 1.0 if side == "L" else -1.0
    return rx(-flex) @ ry(-sign * abd) @ rz(sign * rot)


@functools.lru_cache(maxsize=1)
def _model():
    import anny

    model = anny.Anny()
    model.eval()
    regressor = anny.KeypointsRegressor.coco(model, labels=list(KEYPOINTS))
    return model, regressor


@dataclass
class PosedBody:
    vertices: np.ndarray   # (V, 3) metres, world
    keypoints: np.ndarray  # (23, 3) in KEYPOINTS order
    bone_heads: np.ndarray  # (B, 3)

    def kp(self, name: str) -> np.ndarray:
        return self.keypoints[KP[name]]


class Body:
    """One person: shape + outfit; ``pose()`` gives the skinned mesh and keypoints."""

    def __init__(self, shape: BodyShape, outfit: Outfit | None = None):
        self.shape = shape
        self.outfit = outfit or Outfit()
        self.model, self.regressor = _model()
        self.bone_labels = list(self.model.bone_labels)
        self.bone_index = {name: i for i, name in enumerate(self.bone_labels)}
        self.faces = self.model.get_triangular_faces().numpy().astype(np.int64)
        weights = self.model.vertex_bone_weights.numpy()
        indices = self.model.vertex_bone_indices.numpy()
        self.dominant_bone = np.array(self.bone_labels)[indices[np.arange(len(indices)), weights.argmax(1)]]
        rest = self.pose({})
        self.rest = rest
        self.colors = self._vertex_colors(rest)

    # -- posing --------------------------------------------------------------
    def pose(self, rotations: dict[str, np.ndarray], root_rotation: np.ndarray | None = None,
             root_translation=(0.0, 0.0, 0.0)) -> PosedBody:
        """Skin the body.

        Args:
            rotations: bone label -> 3x3 rotation in rest-frame axes.
            root_rotation / root_translation: world pose of the pelvis root.
        """
        dtype = self.model.dtype
        params = {}
        for name, rot in rotations.items():
            m = torch.eye(4, dtype=dtype)
            m[:3, :3] = torch.as_tensor(rot, dtype=dtype)
            params[name] = m[None]
        root = torch.eye(4, dtype=dtype)
        if root_rotation is not None:
            root[:3, :3] = torch.as_tensor(root_rotation, dtype=dtype)
        root[:3, 3] = torch.as_tensor(root_translation, dtype=dtype)
        params["root"] = root[None]
        with torch.no_grad():
            out = self.model(pose_parameters=params, phenotype_kwargs=self.shape.to_dict())
            keypoints = self.regressor(out)
        heads = out["bone_poses"][0, :, :3, 3]
        return PosedBody(
            vertices=out["vertices"][0].numpy().astype(np.float64),
            keypoints=keypoints[0].numpy().astype(np.float64),
            bone_heads=heads.numpy().astype(np.float64),
        )

    def vertex_mask(self, *prefixes: str, side: str | None = None) -> np.ndarray:
        """Vertices whose dominant bone starts with one of ``prefixes`` (and ends ``.side``)."""
        mask = np.array([n.startswith(prefixes) for n in self.dominant_bone])
        if side is not None:
            mask &= np.array([n.endswith(f".{side}") for n in self.dominant_bone])
        return mask

    def elbow_straightening(self, side: str, keep_bend_deg: float = 0.0) -> np.ndarray:
        """Rotation of ``lowerarm01`` that opens Anny's rest elbow bend to ``keep_bend_deg``."""
        shoulder, elbow, wrist = (self.head(self.rest, f"{b}.{side}")
                                  for b in ("upperarm01", "lowerarm01", "wrist"))
        upper, fore = elbow - shoulder, wrist - elbow
        axis = np.cross(upper, fore)
        bend = np.degrees(np.arccos(np.dot(upper, fore) / (np.linalg.norm(upper) * np.linalg.norm(fore))))
        return axis_angle(axis, -(bend - keep_bend_deg))

    def head(self, posed: PosedBody, bone: str) -> np.ndarray:
        return posed.bone_heads[self.bone_index[bone]]

    # -- appearance ----------------------------------------------------------
    def _vertex_colors(self, rest: PosedBody) -> np.ndarray:
        model = self.model
        weights = model.vertex_bone_weights.numpy()
        indices = model.vertex_bone_indices.numpy()
        dominant = indices[np.arange(len(indices)), weights.argmax(1)]
        names = np.array(self.bone_labels)[dominant]
        o = self.outfit
        v = rest.vertices
        colors = np.tile(np.array(o.skin, float), (len(v), 1))

        def starts(*prefixes):
            return np.array([any(n.startswith(p) for p in prefixes) for n in names])

        shirt = starts("spine", "clavicle", "shoulder01", "upperarm01")
        if not o.short_sleeves:
            shirt |= starts("upperarm02")
        colors[shirt] = o.shirt
        # Sleeve hem: half way down the upper arm for short sleeves.
        legs = starts("root", "pelvis", "upperleg")
        if not o.shorts:
            legs |= starts("lowerleg")
        # Waistband: trunk vertices below the waist belong to the trousers.
        hip_z = rest.keypoints[KP["left_hip"], 2]
        shoulder_z = rest.keypoints[KP["left_shoulder"], 2]
        waist_z = hip_z + 0.22 * (shoulder_z - hip_z)
        legs |= starts("spine", "root", "pelvis") & (v[:, 2] < waist_z)
        colors[legs] = o.trousers
        colors[starts("foot", "toe")] = o.shoes
        # Hair: top and back of the head, above the ears.
        head = starts("head", "neck03")
        eye_z = rest.keypoints[KP["left_eye"], 2]
        ear_y = rest.keypoints[KP["left_ear"], 1]
        top = v[:, 2] > eye_z + 0.03
        back = (v[:, 1] > ear_y - 0.02) & (v[:, 2] > eye_z - 0.09)
        colors[head & (top | back)] = o.hair
        colors[starts("eye")] = (40, 30, 25)
        return colors / 255.0
