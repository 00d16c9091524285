"""Render clips: script -> poses -> frames -> mp4, plus the expected file and the truth."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cv2
import numpy as np

from formcheck.samplegen.body import KEYPOINTS, Body
from formcheck.samplegen.exercises import EXERCISES, ClipSpec
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


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)


def render_clip(spec: ClipSpec, out_root: Path, contact_dir: Path | None = None) -> dict:
    """Render one clip into ``out_root/<exercise>/``; returns its expected-file dict."""
    started = time.monotonic()
    body = _body(spec)
    exercise = EXERCISES[spec.exercise](body, spec)
    timeline = exercise.timeline()
    camera = exercise.camera()
    light = Light()
    scene = Scene(props=exercise.props(), subject=tuple(exercise.reference()[0]))
    static = scene.render_static(camera, light)
    fps = spec.camera.fps
    n_frames = int(round(timeline.duration * fps)) + 1

    out_dir = out_root / spec.exercise
    out_dir.mkdir(parents=True, exist_ok=True)
    video_path = out_dir / f"{spec.clip}.mp4"
    tmp_path = out_dir / f".{spec.clip}.tmp.mp4"
    writer = cv2.VideoWriter(str(tmp_path), cv2.VideoWriter_fourcc(*FOURCC), fps,
                             (camera.width, camera.height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot open a {FOURCC} video writer for {tmp_path}")

    times = np.arange(n_frames) / fps
    keypoints = np.zeros((n_frames, len(KEYPOINTS), 3), np.float32)
    angle_rows: list[dict[str, float]] = []
    contact_at = set(np.linspace(0, n_frames - 1, 8).round().astype(int).tolist())
    contact: list[np.ndarray] = []
    last_key, image, posed, angles = None, None, None, None
    unique = 0
    try:
        for i, t in enumerate(times):
            params = timeline.at(float(t))
            key = tuple(sorted(params.items()))
            if key != last_key:
                posed = exercise.pose(params)
                angles = exercise.angles(posed)
                frame = static.copy()
                Scene.draw(frame, camera, light, Mesh(posed.vertices, body.faces, body.colors))
                image = frame.to_bgr()
                last_key = key
                unique += 1
            writer.write(image)
            keypoints[i] = posed.keypoints
            angle_rows.append(angles)
            if i in contact_at:
                contact.append(_label(image, f"{t:5.1f}s"))
    finally:
        writer.release()
    codec = "h264" if to_h264(tmp_path, video_path) else FOURCC
    if codec == FOURCC:
        os.replace(tmp_path, video_path)
    tmp_path.unlink(missing_ok=True)

    angle_arrays = {k: np.array([row[k] for row in angle_rows]) for k in angle_rows[0]}
    expect, truth = exercise.expectation(times, angle_arrays)
    image_xy = camera.project(keypoints.reshape(-1, 3))[:, :2].reshape(n_frames, -1, 2)
    _check_in_frame(image_xy, camera.width, camera.height, spec.clip)
    np.savez_compressed(
        out_dir / f"{spec.clip}.truth.npz",
        times_s=times.astype(np.float32),
        keypoint_names=np.array(KEYPOINTS),
        world_xyz=keypoints,
        image_xy=image_xy.astype(np.float32),
        **{f"angle_{k}": v.astype(np.float32) for k, v in angle_arrays.items()},
    )
    render = spec.to_dict()
    render.update({
        "camera_world": {"position": [round(v, 4) for v in camera.position],
                         "target": [round(v, 4) for v in camera.target]},
        "frames": n_frames, "duration_s": round(float(times[-1]), 3),
        "unique_frames": unique, "height_m": round(float(np.ptp(body.rest.vertices[:, 2])), 3),
        "generator": "formcheck.samplegen", "codec": codec,
    })
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
    _write_json(expected_path, data)
    if contact_dir is not None:
        _contact_sheet(contact, contact_dir / spec.exercise / f"{spec.clip}.png")
    data["_render_s"] = time.monotonic() - started
    return data


IN_FRAME_MARGIN = 0.02  # keypoints stay this share of the frame size inside its edges


def _check_in_frame(image_xy: np.ndarray, width: int, height: int, clip: str) -> None:
    """Every clip expects ``out_of_frame`` absent: insist every keypoint is well inside."""
    mx, my = IN_FRAME_MARGIN * width, IN_FRAME_MARGIN * height
    x, y = image_xy[..., 0], image_xy[..., 1]
    if x.min() < mx or x.max() > width - mx or y.min() < my or y.max() > height - my:
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
