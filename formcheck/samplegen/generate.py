"""Render clips: script -> poses -> frames -> mp4, plus the expected file and the truth."""
from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from formcheck.fileio import write_json_atomic
from formcheck.samplegen.body import KEYPOINTS, Body
from formcheck.samplegen.exercises import EXERCISES, ClipSpec
from formcheck.samplegen.exercises.negatives import script_for
from formcheck.samplegen.render import Light, Mesh, Scene

FOURCC = "mp4v"  # the pip OpenCV build has no H.264 encoder: frames go to mp4v first ...
H264_CRF = 24     # ... then ffmpeg (imageio-ffmpeg) makes H.264, ~10x smaller, plays in browsers


def to_h264(source: Path, target: Path) -> bool:
    """Re-encode ``source`` as H.264 into ``target``; False (and nothing written) without ffmpeg."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return False
    import subprocess
    tmp = target.with_name(f".{target.stem}.h264.tmp.mp4")
    try:
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(source), "-c:v", "libx264",
                        "-preset", "slow", "-crf", str(H264_CRF), "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", str(tmp)],
                       check=True, capture_output=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return True
_BODIES: dict = {}


def _body(spec: ClipSpec) -> Body:
    key = (spec.shape, spec.outfit)
    if key not in _BODIES:
        _BODIES.clear()  # one body at a time keeps memory flat
        _BODIES[key] = Body(spec.shape, spec.outfit)
    return _BODIES[key]


MAX_RENDER_WIDTH = 960  # population clips: wider frames are drawn at this width, then scaled up


class Rendering:
    """One clip being rendered: its frames one by one, then its expected outcome.

        rendering = Rendering(spec)
        for t_s, image in rendering.frames(): ...
        expect, truth = rendering.outcome()
    """

    def __init__(self, spec: ClipSpec):
        self.spec = spec
        self.body = _body(spec)
        self.exercise = script_for(spec, EXERCISES)(self.body, spec)
        self.timeline = self.exercise.timeline()
        self.camera = self.exercise.camera()
        self.light = Light()
        self.scene = Scene(floor_rgb=spec.floor_rgb, wall_rgb=spec.wall_rgb, props=self.exercise.props(),
                           subject=tuple(self.exercise.reference()[0]))
        fps = spec.camera.fps
        self.times = np.arange(int(round(self.timeline.duration * fps)) + 1) / fps
        self.keypoints = np.zeros((len(self.times), len(KEYPOINTS), 3), np.float32)
        self.angle_rows: list[dict[str, float]] = []
        self.unique = 0

    def render_camera(self):
        """The camera the frames are drawn with: frames wider than ``MAX_RENDER_WIDTH`` are
        drawn smaller and scaled up (the pose model sees them at 256 px anyway)."""
        c = self.camera
        if c.width <= MAX_RENDER_WIDTH or not self.spec.band_share:  # sample clips: full size
            return c
        scale = MAX_RENDER_WIDTH / c.width
        return replace(c, width=MAX_RENDER_WIDTH, height=round(c.height * scale))

    def keypoints_in_frame(self, samples: int = 24) -> bool:
        """Whether every keypoint stays inside the frame, from poses sampled over the clip
        (cheap: nothing is rendered)."""
        points = [self.exercise.pose(self.timeline.at(float(t))).keypoints
                  for t in np.linspace(0.0, self.timeline.duration, samples)]
        xy = self.camera.project(np.concatenate(points))[:, :2]
        return _in_frame(xy, self.camera.width, self.camera.height)

    def frames(self):
        """Yield ``(t_s, BGR image)`` for every frame, recording the true keypoints and angles."""
        camera = self.render_camera()
        static = self.scene.render_static(camera, self.light)
        last_key, image, posed, angles = None, None, None, None
        for i, t in enumerate(self.times):
            params = self.timeline.at(float(t))
            key = tuple(sorted(params.items()))
            if key != last_key:  # holds reuse the last frame
                posed = self.exercise.pose(params)
                angles = self.exercise.angles(posed)
                frame = static.copy()
                Scene.draw(frame, camera, self.light, Mesh(posed.vertices, self.body.faces, self.body.colors))
                image = frame.to_bgr()
                if camera is not self.camera:
                    image = cv2.resize(image, (self.camera.width, self.camera.height), interpolation=cv2.INTER_LINEAR)
                last_key = key
                self.unique += 1
            self.keypoints[i] = posed.keypoints
            self.angle_rows.append(angles)
            yield float(t), image

    def angle_arrays(self) -> dict[str, np.ndarray]:
        return {k: np.array([row[k] for row in self.angle_rows]) for k in self.angle_rows[0]}

    def image_xy(self) -> np.ndarray:
        n = len(self.times)
        return self.camera.project(self.keypoints.reshape(-1, 3))[:, :2].reshape(n, -1, 2)

    def outcome(self) -> tuple[dict, dict]:
        """(expect, truth) from the true angles of the frames rendered."""
        return self.exercise.expectation(self.times, self.angle_arrays())

    def render_params(self) -> dict:
        render = self.spec.to_dict()
        render.update({
            "camera_world": {"position": [round(v, 4) for v in self.camera.position],
                             "target": [round(v, 4) for v in self.camera.target]},
            "frames": len(self.times), "duration_s": round(float(self.times[-1]), 3),
            "unique_frames": self.unique, "height_m": round(float(np.ptp(self.body.rest.vertices[:, 2])), 3),
            "generator": "formcheck.samplegen",
        })
        return render


def render_clip(spec: ClipSpec, out_root: Path, contact_dir: Path | None = None) -> dict:
    """Render one clip into ``out_root/<exercise>/``; returns its expected-file dict."""
    started = time.monotonic()
    rendering = Rendering(spec)
    camera, fps = rendering.camera, spec.camera.fps
    out_dir = out_root / spec.exercise
    out_dir.mkdir(parents=True, exist_ok=True)
    video_path = out_dir / f"{spec.clip}.mp4"
    tmp_path = out_dir / f".{spec.clip}.tmp.mp4"
    writer = cv2.VideoWriter(str(tmp_path), cv2.VideoWriter_fourcc(*FOURCC), fps,
                             (camera.width, camera.height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot open a {FOURCC} video writer for {tmp_path}")
    n_frames = len(rendering.times)
    contact_at = set(np.linspace(0, n_frames - 1, 8).round().astype(int).tolist())
    contact: list[np.ndarray] = []
    try:
        for i, (t, image) in enumerate(rendering.frames()):
            writer.write(image)
            if i in contact_at:
                contact.append(_label(image, f"{t:5.1f}s"))
    finally:
        writer.release()
    codec = "h264" if to_h264(tmp_path, video_path) else FOURCC
    if codec == FOURCC:
        os.replace(tmp_path, video_path)
    tmp_path.unlink(missing_ok=True)

    angle_arrays = rendering.angle_arrays()
    try:  # a script that breaks its own rules (a fault acted too near its threshold, a body
        # leaving the picture) leaves no clip behind
        expect, truth = rendering.outcome()
        image_xy = rendering.image_xy()
        _check_in_frame(image_xy, camera.width, camera.height, spec.clip)
    except ValueError:
        video_path.unlink(missing_ok=True)
        raise
    np.savez_compressed(
        out_dir / f"{spec.clip}.truth.npz",
        times_s=rendering.times.astype(np.float32),
        keypoint_names=np.array(KEYPOINTS),
        world_xyz=rendering.keypoints,
        image_xy=image_xy.astype(np.float32),
        **{f"angle_{k}": v.astype(np.float32) for k, v in angle_arrays.items()},
    )
    render = rendering.render_params()
    render["codec"] = codec
    data = {
        "exercise": spec.exercise,
        "clip": video_path.name,
        "description": spec.description,
        "expect": expect,
        "truth": truth,
        "render": render,
        "measured": {"detection_rate": None, "angle_error_deg": {}},
    }
    expected_path = out_dir / f"{spec.clip}.expected.json"
    if expected_path.exists():  # keep an earlier measurement of an identical render
        old = json.loads(expected_path.read_text())
        if old.get("render") == json.loads(json.dumps(render)) and old.get("measured", {}).get("detection_rate"):
            data["measured"] = old["measured"]
    write_json_atomic(expected_path, data)
    if contact_dir is not None:
        _contact_sheet(contact, contact_dir / spec.exercise / f"{spec.clip}.png")
    data["_render_s"] = time.monotonic() - started
    return data


IN_FRAME_MARGIN = 0.02  # keypoints stay this share of the frame size inside its edges


def _in_frame(image_xy: np.ndarray, width: int, height: int) -> bool:
    mx, my = IN_FRAME_MARGIN * width, IN_FRAME_MARGIN * height
    x, y = image_xy[..., 0], image_xy[..., 1]
    return bool(x.min() >= mx and x.max() <= width - mx and y.min() >= my and y.max() <= height - my)


def _check_in_frame(image_xy: np.ndarray, width: int, height: int, clip: str) -> None:
    """Every clip expects ``out_of_frame`` absent: insist every keypoint is well inside."""
    if not _in_frame(image_xy, width, height):
        x, y = image_xy[..., 0], image_xy[..., 1]
        raise ValueError(f"{clip}: keypoints leave the frame (x {x.min():.0f}..{x.max():.0f} of {width}, "
                         f"y {y.min():.0f}..{y.max():.0f} of {height})")


def _label(image: np.ndarray, text: str) -> np.ndarray:
    scale = 320 / image.shape[1]
    small = cv2.resize(image, (320, round(image.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    cv2.putText(small, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 2, cv2.LINE_AA)
    cv2.putText(small, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return small


def _contact_sheet(tiles: list[np.ndarray], path: Path, columns: int = 4) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = tiles[0].shape[:2]
    tiles = tiles + [np.zeros_like(tiles[0])] * (-len(tiles) % columns)
    rows = [np.hstack(tiles[i:i + columns]) for i in range(0, len(tiles), columns)]
    cv2.imwrite(str(path), np.vstack(rows))
