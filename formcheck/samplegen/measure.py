"""Run MediaPipe on a rendered clip: detection rate and angle errors against the truth.

Only angles a camera can see are compared: image-plane angles for side views,
MediaPipe world landmarks for the trunk lean from the front.
"""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from formcheck.fileio import write_json_atomic
from formcheck.samplegen.exercises import EXERCISES, ClipSpec
from formcheck.samplegen.geometry import (L_HIP, L_KNEE, L_SH, R_HIP, R_KNEE, R_SH, SIDES, angle_deg,
                                          lean_from_vertical_deg, line_deviation_deg)

IMAGE_UP = np.array([0.0, -1.0])


def _estimator(model_path: Path):
    from formcheck.pose.estimator import PoseEstimator

    return PoseEstimator(model_path)


def run_pose(video: Path, model_path: Path) -> tuple[np.ndarray, list]:
    """Per-frame PoseFrame-like objects (None where nothing was found)."""
    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS)
    poses, times = [], []
    try:
        with _estimator(model_path) as est:
            i = 0
            while True:
                ok, frame = cap.read()
                if not ok:
                    break
                t = i / fps
                poses.append(est.detect(frame, t))
                times.append(t)
                i += 1
    finally:
        cap.release()
    return np.array(times), poses


def _stats(measured: list[float | None], truth: np.ndarray) -> dict | None:
    pairs = [(m, t) for m, t in zip(measured, truth) if m is not None and np.isfinite(m)]
    if not pairs:
        return None
    err = np.array([m - t for m, t in pairs])
    return {"mean_abs": round(float(np.abs(err).mean()), 2), "max_abs": round(float(np.abs(err).max()), 2),
            "mean_signed": round(float(err.mean()), 2), "frames": len(pairs)}


def _near_side(pose) -> str:
    vis = {s: float(np.mean(pose.visibility[list(idx[:3])])) for s, idx in SIDES.items()}
    return max(vis, key=vis.get)


def side_view_errors(poses, truth) -> dict:
    """Image-plane angles of the camera-near side vs the true sagittal angles."""
    hip_line, hip, knee = [], [], []
    for pose in poses:
        if pose is None:
            hip_line.append(None), hip.append(None), knee.append(None)
            continue
        sh, hp, kn, an = (pose.image_xy[i] for i in SIDES[_near_side(pose)])
        hip_line.append(line_deviation_deg(sh, hp, kn, up=IMAGE_UP))
        hip.append(angle_deg(sh, hp, kn))
        knee.append(angle_deg(hp, kn, an))
    mean = lambda a: (truth[f"angle_left_{a}"] + truth[f"angle_right_{a}"]) / 2
    out = {"hip_angle_2d": (hip, mean("hip_sagittal_deg")), "knee_angle_2d": (knee, mean("knee_sagittal_deg"))}
    if "angle_hip_line_deg" in truth:
        out["hip_line_2d"] = (hip_line, truth["angle_hip_line_deg"])
    return out


def world_lean_errors(poses, truth) -> dict:
    """Trunk lean from MediaPipe world landmarks (y points down) vs the truth."""
    lean = []
    for pose in poses:
        if pose is None:
            lean.append(None)
            continue
        w = pose.world_xyz * np.array([1.0, -1.0, 1.0])  # make y point up
        w = w[:, [0, 2, 1]]                              # (x, depth, up)
        mid_hip = (w[L_HIP] + w[R_HIP]) / 2
        mid_sh = (w[L_SH] + w[R_SH]) / 2
        lean.append(lean_from_vertical_deg(mid_hip, mid_sh))
    return {"trunk_lean_world": (lean, truth["angle_trunk_lean_deg"])}


def side_swap_rate(poses, truth) -> float | None:
    """Fraction of frames where MediaPipe's left knee lies nearer the true right knee
    (only frames where the true knees are > 25 px apart in the image)."""
    names = list(truth["keypoint_names"])
    lk, rk = names.index("left_knee"), names.index("right_knee")
    swapped = counted = 0
    for pose, xy in zip(poses, truth["image_xy"]):
        if pose is None or np.linalg.norm(xy[lk] - xy[rk]) < 25:
            continue
        counted += 1
        d_same = np.linalg.norm(pose.image_xy[L_KNEE] - xy[lk]) + np.linalg.norm(pose.image_xy[R_KNEE] - xy[rk])
        d_swap = np.linalg.norm(pose.image_xy[L_KNEE] - xy[rk]) + np.linalg.norm(pose.image_xy[R_KNEE] - xy[lk])
        swapped += d_swap < d_same
    return round(swapped / counted, 3) if counted else None


def near_side_agreement(poses, truth, camera_position) -> float | None:
    """Fraction of frames where MediaPipe's more visible side (hip, knee, ankle) is the side
    truly nearer the camera (frames whose hips differ in distance by > 0.1 m)."""
    names = list(truth["keypoint_names"])
    lh, rh = names.index("left_hip"), names.index("right_hip")
    cam = np.asarray(camera_position, float)
    agree = counted = 0
    for pose, xyz in zip(poses, truth["world_xyz"]):
        d_left, d_right = np.linalg.norm(xyz[lh] - cam), np.linalg.norm(xyz[rh] - cam)
        if pose is None or abs(d_left - d_right) < 0.1:
            continue
        counted += 1
        vis = {s: float(np.mean(pose.visibility[list(idx[1:])])) for s, idx in SIDES.items()}
        agree += (max(vis, key=vis.get) == "left") == (d_left < d_right)
    return round(agree / counted, 3) if counted else None


VIEW_MEASURES = {
    "glute_bridge": (side_view_errors,),
    "seated_hip_abduction": (world_lean_errors,),
    "seated_figure_four": (world_lean_errors,),
    "standing_figure_four": (world_lean_errors,),
    "squat": (side_view_errors, world_lean_errors),
    "chair_squat": (side_view_errors, world_lean_errors),
    "deadlift": (side_view_errors, world_lean_errors),
    "clamshell": (),
}
# The series whose value at each rep's / hold's true peak is reported, and how to find the peak.
PEAK_SERIES = {
    "glute_bridge": [("hip_line_2d", "max", 2.0)],
    "seated_hip_abduction": [("knee_ratio_image", "max", 0.05)],
    "seated_figure_four": [("trunk_lean_world", "max", 2.0)],
    "standing_figure_four": [("trunk_lean_world", "max", 2.0), ("standing_knee_world", "min", 2.0),
                             ("standing_knee_image", "min", 2.0)],
    "squat": [("knee_angle_2d", "min", 2.0), ("trunk_lean_world", "max", 2.0)],
    "chair_squat": [("knee_angle_2d", "min", 2.0)],
    "deadlift": [("hip_angle_2d", "min", 2.0), ("trunk_lean_world", "max", 2.0)],
    "clamshell": [],
}


def _at_peaks(series, times, windows, mode: str, tolerance: float) -> list[dict]:
    """Truth peak of each window and the median measured value over the frames near it."""
    measured, truth = series
    out = []
    for w in windows:
        inside = (times >= w["start_s"]) & (times <= w["end_s"])
        if not inside.any():
            continue
        peak = truth[inside].max() if mode == "max" else truth[inside].min()
        near = inside & (np.abs(truth - peak) <= tolerance)
        values = [measured[i] for i in np.flatnonzero(near) if measured[i] is not None]
        out.append({"start_s": w["start_s"], "true_peak": round(float(peak), 3),
                    "measured_at_peak": round(float(np.median(values)), 3) if values else None})
    return out


def measure_clip(spec: ClipSpec, out_root: Path, model_path: Path) -> dict:
    folder = out_root / spec.exercise
    expected_path = folder / f"{spec.clip}.expected.json"
    data = json.loads(expected_path.read_text())
    truth = dict(np.load(folder / f"{spec.clip}.truth.npz"))
    times, poses = run_pose(folder / f"{spec.clip}.mp4", model_path)
    n = min(len(poses), len(truth["times_s"]))
    poses = poses[:n]
    truth = {k: (v[:n] if v.ndim and len(v) == len(truth["times_s"]) else v) for k, v in truth.items()}
    series: dict = {}
    for fn in VIEW_MEASURES.get(spec.exercise, ()):
        series.update(fn(poses, truth))
    extra = getattr(EXERCISES[spec.exercise], "measure_extra", None)
    if extra is not None:
        series.update(extra(poses, truth))
    errors = {k: st for k, (m, t) in series.items() if (st := _stats(m, t)) is not None}
    peaks = {}
    windows = data["truth"]["reps"] or data["truth"]["holds"]
    for name, mode, tolerance in PEAK_SERIES[spec.exercise]:
        if name in series:
            peaks[name] = _at_peaks(series[name], truth["times_s"], windows, mode, tolerance)
    measured = {
        "detection_rate": round(sum(p is not None for p in poses) / max(1, len(poses)), 3),
        "frames": len(poses),
        "model": Path(model_path).stem,
        "angle_error_deg": errors,
        "at_true_peaks": peaks,
        "left_right_swap_rate": side_swap_rate(poses, truth),
        "near_side_label_agreement": near_side_agreement(poses, truth, data["render"]["camera_world"]["position"]),
    }
    data["measured"] = measured
    write_json_atomic(expected_path, data)
    return measured
