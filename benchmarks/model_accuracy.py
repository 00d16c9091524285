"""How well a pose model serves formcheck: the sample clips' pass rate and angle errors.

Each rendered sample clip is analysed as ``formcheck check-samples`` does (same expected
outcomes) while its landmarks are kept, and the model's image-plane knee and hip angles,
on the side nearer the camera, are compared with the angles of the true joint positions
the clip was rendered from (``*.truth.npz``). Image-plane angles are what the camera can
show in any view; frames where a limb points at the camera (a segment shorter than
``MIN_SEGMENT_FRACTION`` of the frame height) are left out, their angle being undefined.

    .venv/bin/python -m benchmarks.model_accuracy [lite full heavy]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from formcheck.analyze import Outputs, analyze_video
from formcheck.errors import FormcheckError
from formcheck.geometry import angle_deg
from formcheck.pose.landmarks import PoseTrack, side_joint
from formcheck.samples import clip_for, compare, find_expected

REPO = Path(__file__).resolve().parents[1]
MIN_SEGMENT_FRACTION = 0.05
# angle name -> the three joints (the angle is at the middle one)
ANGLES = {"knee": ("hip", "knee", "ankle"), "hip": ("shoulder", "hip", "knee")}


def near_side_errors(track: PoseTrack, truth: dict, camera_xyz, frame_height: int) -> dict[str, list[float]]:
    """Per-frame absolute angle errors (degrees) on the side nearer the camera."""
    index = {str(name): i for i, name in enumerate(truth["keypoint_names"])}
    errors: dict[str, list[float]] = {name: [] for name in ANGLES}
    for frame, pose in enumerate(track.poses[:len(truth["times_s"])]):
        if pose is None:
            continue
        world = truth["world_xyz"][frame]
        distance = {side: np.linalg.norm(world[index[f"{side}_hip"]] - camera_xyz) for side in ("left", "right")}
        side = min(distance, key=distance.get)
        for name, joints in ANGLES.items():
            true_points = [truth["image_xy"][frame][index[f"{side}_{joint}"]] for joint in joints]
            if min(np.linalg.norm(true_points[0] - true_points[1]),
                   np.linalg.norm(true_points[2] - true_points[1])) < MIN_SEGMENT_FRACTION * frame_height:
                continue
            seen = [pose.image_xy[side_joint(side, joint)] for joint in joints]
            errors[name].append(abs(angle_deg(*seen) - angle_deg(*true_points)))
    return errors


def sample_figures(model: Path, samples: Path = REPO / "samples") -> dict:
    """``passed``/``tried`` clips, ``failed`` reasons, mean/p90 abs angle errors, detection rate."""
    passed, failed, detected, frames = 0, [], 0, 0
    errors: dict[str, list[float]] = {name: [] for name in ANGLES}
    expected_paths = find_expected(samples)
    with tempfile.TemporaryDirectory() as tmp:
        landmarks = Path(tmp) / "track.npz"
        for expected_path in expected_paths:
            data = json.loads(expected_path.read_text())
            clip = clip_for(expected_path)
            try:
                report = analyze_video(clip, data["exercise"], model, Outputs(landmarks=landmarks), progress=False)
            except FormcheckError as error:
                failed.append(f"{clip.name}: {error}")
                continue
            reasons = compare(report, data["expect"])
            if reasons:
                failed.append(f"{clip.name}: {'; '.join(reasons)}")
            else:
                passed += 1
            track = PoseTrack.load(landmarks)
            detected += sum(pose is not None for pose in track.poses)
            frames += len(track.poses)
            truth = dict(np.load(clip.with_name(clip.stem + ".truth.npz")))
            camera = np.asarray(data["render"]["camera_world"]["position"], float)
            for name, values in near_side_errors(track, truth, camera, track.height).items():
                errors[name].extend(values)
    return {
        "passed": passed, "tried": len(expected_paths), "failed": failed,
        "detection_rate": detected / frames if frames else 0.0,
        "angle_error_deg": {name: {"mean": float(np.mean(v)), "p90": float(np.percentile(v, 90)), "frames": len(v)}
                            for name, v in errors.items() if v},
    }


def describe(figures: dict) -> list[str]:
    angles = ", ".join(f"{name} {e['mean']:.1f} deg (p90 {e['p90']:.1f}, {e['frames']} frames)"
                       for name, e in figures["angle_error_deg"].items())
    lines = [f"{figures['passed']}/{figures['tried']} sample clips pass; person found in "
             f"{figures['detection_rate']:.1%} of frames",
             f"mean abs image-plane angle error, side nearer the camera: {angles}"]
    return lines + [f"  FAIL {reason}" for reason in figures["failed"]]


def main(argv: list[str]) -> None:
    from formcheck.models import ensure_model
    for variant in argv or ["lite", "full"]:
        print(f"{variant}:")
        for line in describe(sample_figures(ensure_model(variant, progress=False))):
            print(f"    {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
