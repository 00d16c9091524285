"""A small deterministic CPU renderer: perspective camera, z-buffer, Lambert shading.

The static part of a scene (floor, back wall, box props) is rendered once per
clip; each frame then only rasterises the body on top of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

UP = np.array([0.0, 0.0, 1.0])


@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking from ``position`` at ``target`` (world z is up)."""

    position: tuple[float, float, float]
    target: tuple[float, float, float]
    width: int = 640
    height: int = 480
    hfov_deg: float = 60.0

    @property
    def focal_px(self) -> float:
        return (self.width / 2) / np.tan(np.radians(self.hfov_deg) / 2)

    def axes(self) -> np.ndarray:
        """Rows: camera x (right), y (down), z (forward) in world coordinates."""
        fwd = np.asarray(self.target, float) - np.asarray(self.position, float)
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, UP)
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (N, 3) -> (N, 3): pixel x, pixel y, depth along the view axis."""
        cam = (np.asarray(points, float) - np.asarray(self.position, float)) @ self.axes().T
        z = cam[:, 2]
        f = self.focal_px
        x = f * cam[:, 0] / z + self.width / 2
        y = f * cam[:, 1] / z + self.height / 2
        return np.stack([x, y, z], axis=1)


@dataclass(frozen=True)
class Light:
    direction: tuple[float, float, float] = (0.3, -0.5, 1.0)  # towards the light
    ambient: float = 0.42
    diffuse: float = 0.55
    fill: float = 0.18  # light from the camera, so nothing facing it is black


@dataclass
class Mesh:
    vertices: np.ndarray  # (N, 3)
    faces: np.ndarray     # (F, 3), counter-clockwise seen from outside
    colors: np.ndarray    # (N, 3) or (F, 3) in [0, 1]
    flat: bool = False    # True: ``colors`` and normals per face


def box(center, size, color, cell: float = 0.05) -> Mesh:
    """An axis-aligned box, each face cut into ~``cell``-metre quads (small triangles
    keep the rasteriser on its fast path)."""
    center = np.asarray(center, float)
    half = np.asarray(size, float) / 2
    verts, faces = [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            u_axis, v_axis = [a for a in range(3) if a != axis]
            if sign < 0:
                u_axis, v_axis = v_axis, u_axis
            nu = max(1, int(np.ceil(2 * half[u_axis] / cell)))
            nv = max(1, int(np.ceil(2 * half[v_axis] / cell)))
            us = np.linspace(-half[u_axis], half[u_axis], nu + 1)
            vs = np.linspace(-half[v_axis], half[v_axis], nv + 1)
            base = sum(len(v) for v in verts)
            grid = np.zeros((nu + 1, nv + 1, 3))
            grid[..., axis] = sign * half[axis]
            grid[..., u_axis] = us[:, None]
            grid[..., v_axis] = vs[None, :]
            verts.append(grid.reshape(-1, 3) + center)
            idx = np.arange((nu + 1) * (nv + 1)).reshape(nu + 1, nv + 1) + base
            a, b = idx[:-1, :-1].ravel(), idx[1:, :-1].ravel()
            c, d = idx[1:, 1:].ravel(), idx[:-1, 1:].ravel()
            faces.append(np.stack([a, b, c], 1))
            faces.append(np.stack([a, c, d], 1))
    v = np.concatenate(verts)
    f = np.concatenate(faces)
    # Make every face wind counter-clockwise seen from outside.
    n = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    out = v[f].mean(1) - center
    flip = (n * out).sum(1) < 0
    f[flip] = f[flip][:, ::-1]
    return Mesh(v, f, np.tile(np.asarray(color, float) / 255.0, (len(f), 1)), flat=True)


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    tri = vertices[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    vn = np.zeros_like(vertices)
    for k in range(3):
        np.add.at(vn, faces[:, k], fn)
    return vn / np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)


def shade(normals: np.ndarray, albedo: np.ndarray, camera: Camera, light: Light,
          points: np.ndarray) -> np.ndarray:
    to_light = np.asarray(light.direction, float)
    to_light = to_light / np.linalg.norm(to_light)
    to_cam = np.asarray(camera.position, float) - points
    to_cam /= np.linalg.norm(to_cam, axis=1, keepdims=True)
    diffuse = np.clip(normals @ to_light, 0, None)
    fill = np.clip((normals * to_cam).sum(1), 0, None)
    k = light.ambient + light.diffuse * diffuse + light.fill * fill
    return np.clip(albedo * k[:, None], 0, 1)


@dataclass
class Frame:
    """Colour (H, W, 3) float in [0, 1] and depth (H, W) buffers."""

    color: torch.Tensor
    depth: torch.Tensor

    def copy(self) -> "Frame":
        return Frame(self.color.clone(), self.depth.clone())

    def to_bgr(self) -> np.ndarray:
        rgb = (self.color.clamp(0, 1) * 255 + 0.5).to(torch.uint8).numpy()
        return np.ascontiguousarray(rgb[..., ::-1])


_SIZES = (1, 2, 4, 8, 16, 32)


def rasterize(frame: Frame, camera: Camera, vertices: np.ndarray, faces: np.ndarray,
              colors: np.ndarray, per_face: bool) -> None:
    """Z-buffer the triangles into ``frame`` (in place); back faces are culled.

    ``colors`` are per vertex (interpolated) or per face.
    """
    H, W = camera.height, camera.width
    proj = camera.project(vertices)
    if np.any(proj[:, 2] <= 0.05):
        keep = (proj[faces, 2] > 0.05).all(1)
        faces = faces[keep]
        if per_face:
            colors = colors[keep]
    tri = torch.as_tensor(proj[faces], dtype=torch.float32)  # (F, 3, 3)
    col = torch.as_tensor(colors, dtype=torch.float32)
    a, b, c = tri[:, 0, :2], tri[:, 1, :2], tri[:, 2, :2]
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    # Image y points down, so a face counter-clockwise in the world is clockwise here.
    front = area < -1e-9
    xy = tri[..., :2]
    lo = torch.ceil(xy.amin(1) - 0.5)
    hi = torch.floor(xy.amax(1) - 0.5)
    lo = torch.maximum(lo, torch.zeros(2))
    hi = torch.minimum(hi, torch.tensor([W - 1.0, H - 1.0]))
    span = (hi - lo + 1).amax(1)
    valid = front & (span >= 1)
    face_ids = torch.nonzero(valid).squeeze(1)
    spans = span[face_ids]
    depth_flat = frame.depth.view(-1)
    color_flat = frame.color.view(-1, 3)
    pix_all, z_all, c_all = [], [], []
    lower = 0
    for size in _SIZES + (None,):
        if size is None:
            sel = face_ids[spans > lower]
            groups = [(sel[i:i + 1], int(spans[spans > lower][i])) for i in range(len(sel))]
        else:
            sel = face_ids[(spans > lower) & (spans <= size)]
            groups = [(sel[i:i + 4096], size) for i in range(0, len(sel), 4096)] if len(sel) else []
            lower = size
        for ids, s in groups:
            oy, ox = torch.meshgrid(torch.arange(s, dtype=torch.float32),
                                    torch.arange(s, dtype=torch.float32), indexing="ij")
            px = lo[ids, 0:1] + ox.reshape(1, -1)
            py = lo[ids, 1:2] + oy.reshape(1, -1)
            inside = (px <= hi[ids, 0:1]) & (py <= hi[ids, 1:2])
            cx, cy = px + 0.5, py + 0.5
            ta, tb, tc = a[ids], b[ids], c[ids]
            ar = area[ids][:, None]
            w0 = ((tb[:, 0:1] - cx) * (tc[:, 1:2] - cy) - (tb[:, 1:2] - cy) * (tc[:, 0:1] - cx)) / ar
            w1 = ((tc[:, 0:1] - cx) * (ta[:, 1:2] - cy) - (tc[:, 1:2] - cy) * (ta[:, 0:1] - cx)) / ar
            w2 = 1.0 - w0 - w1
            inside &= (w0 >= -1e-5) & (w1 >= -1e-5) & (w2 >= -1e-5)
            if not bool(inside.any()):
                continue
            r, k = torch.nonzero(inside, as_tuple=True)
            w0, w1, w2 = w0[r, k], w1[r, k], w2[r, k]
            fi = ids[r]
            z = w0 * tri[fi, 0, 2] + w1 * tri[fi, 1, 2] + w2 * tri[fi, 2, 2]
            if per_face:
                cc = col[fi]
            else:
                fv = torch.as_tensor(faces)[fi]
                cc = w0[:, None] * col[fv[:, 0]] + w1[:, None] * col[fv[:, 1]] + w2[:, None] * col[fv[:, 2]]
            pix_all.append((py[r, k] * W + px[r, k]).long())
            z_all.append(z)
            c_all.append(cc)
    if not pix_all:
        return
    pix = torch.cat(pix_all)
    z = torch.cat(z_all)
    cc = torch.cat(c_all)
    depth_flat.scatter_reduce_(0, pix, z, reduce="amin")
    win = z <= depth_flat[pix]
    color_flat[pix[win]] = cc[win]


@dataclass
class Scene:
    """Static surroundings: floor, a back wall, box props."""

    floor_rgb: tuple[int, int, int] = (176, 168, 156)
    wall_rgb: tuple[int, int, int] = (236, 234, 228)
    wall_distance_m: float = 2.5  # behind the subject, seen from the camera
    subject: tuple[float, float, float] = (0.0, 0.0, 0.0)
    props: list[Mesh] = field(default_factory=list)

    def render_static(self, camera: Camera, light: Light) -> Frame:
        H, W = camera.height, camera.width
        axes = camera.axes()
        f = camera.focal_px
        ys, xs = np.mgrid[0:H, 0:W] + 0.5
        rays = np.stack([(xs - W / 2) / f, (ys - H / 2) / f, np.ones_like(xs)], -1) @ axes
        pos = np.asarray(camera.position, float)
        # Floor z = 0: depth along the view axis equals the ray parameter (ray z-component 1 in camera).
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(rays[..., 2] < -1e-9, -pos[2] / rays[..., 2], np.inf)
        # Back wall: vertical plane facing the camera, wall_distance_m behind the subject.
        horiz = axes[2].copy()
        horiz[2] = 0
        horiz /= np.linalg.norm(horiz)
        wall_point = np.asarray(self.subject, float) + horiz * self.wall_distance_m
        denom = rays @ horiz
        with np.errstate(divide="ignore", invalid="ignore"):
            t_wall = np.where(denom > 1e-9, ((wall_point - pos) @ horiz) / denom, np.inf)
        floor = t_floor < t_wall
        depth = np.where(floor, t_floor, t_wall)
        color = np.empty((H, W, 3))
        to_light = np.asarray(light.direction, float) / np.linalg.norm(light.direction)
        k_floor = light.ambient + light.diffuse * to_light[2] + 0.1
        k_wall = light.ambient + light.diffuse * max(0.0, -(horiz @ to_light)) + 0.4
        # Gentle fall-off with distance so the floor reads as a plane.
        fade = np.clip(1.0 - 0.04 * (depth - 2.0), 0.8, 1.05)
        color[floor] = np.asarray(self.floor_rgb) / 255.0 * k_floor
        color[~floor] = np.asarray(self.wall_rgb) / 255.0 * k_wall
        color *= fade[..., None]
        # Skirting line where wall meets floor.
        hit = pos + rays * np.where(np.isfinite(depth), depth, 0)[..., None]
        skirting = (~floor) & (hit[..., 2] < 0.08)
        color[skirting] *= 0.82
        frame = Frame(torch.as_tensor(np.clip(color, 0, 1), dtype=torch.float32),
                      torch.as_tensor(np.where(np.isfinite(depth), depth, 1e9), dtype=torch.float32))
        for mesh in self.props:
            self.draw(frame, camera, light, mesh)
        return frame

    @staticmethod
    def draw(frame: Frame, camera: Camera, light: Light, mesh: Mesh) -> None:
        v, f = mesh.vertices, mesh.faces
        if mesh.flat:
            tri = v[f]
            n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
            n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
            colors = shade(n, mesh.colors, camera, light, tri.mean(1))
        else:
            n = vertex_normals(v, f)
            colors = shade(n, mesh.colors, camera, light, v)
        rasterize(frame, camera, v, f, colors, per_face=mesh.flat)


def chair(front_y: float, seat_z: float, x: float = 0.0, width: float = 0.46, depth: float = 0.44,
          back_height: float = 0.45, color=(120, 85, 55), back_y: float | None = None) -> list[Mesh]:
    """A simple chair facing -y: seat top at ``seat_z``, front edge at ``front_y``."""
    t, leg = 0.035, 0.035
    y0 = front_y + depth / 2
    parts = [box((x, y0, seat_z - t / 2), (width, depth, t), color)]
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(box((x + sx * (width / 2 - leg / 2), y0 + sy * (depth / 2 - leg / 2), (seat_z - t) / 2),
                             (leg, leg, seat_z - t), color))
    by = front_y + depth - leg / 2 if back_y is None else back_y
    parts.append(box((x, by, seat_z + back_height / 2), (width, leg, back_height), color))
    return parts


def side_chair(back_x: float, y: float, back_top_z: float, seat_z: float = 0.45, width: float = 0.46,
               depth: float = 0.44, color=(120, 85, 55)) -> list[Mesh]:
    """A chair turned sideways: its backrest (top at ``back_top_z``) spans y at
    ``back_x`` and the seat reaches towards +x, for standing beside it with a hand on the back."""
    t, leg = 0.035, 0.035
    x0 = back_x + depth / 2
    parts = [box((x0, y, seat_z - t / 2), (depth, width, t), color)]
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(box((x0 + sx * (depth / 2 - leg / 2), y + sy * (width / 2 - leg / 2), (seat_z - t) / 2),
                             (leg, leg, seat_z - t), color))
    parts.append(box((back_x + leg / 2, y, (seat_z + back_top_z) / 2), (leg, width, back_top_z - seat_z), color))
    return parts
