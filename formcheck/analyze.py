"""Recorded-video analysis: video -> pose -> session -> report, annotated video, HTML, CSV."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
from tqdm import tqdm

from formcheck.config import thresholds_for
from formcheck.errors import FormcheckError
from formcheck.exercises import get_exercise
from formcheck.overlay import Overlay
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseTrack
from formcheck.report.json_report import build_report, write_json_atomic
from formcheck.session import Banner, LiveState, Session, SessionResult
from formcheck.video import VideoReader

MAX_THUMBNAILS = 12


@dataclass
class Outputs:
    json: Path | None = None
    video: Path | None = None
    html: Path | None = None
    csv: Path | None = None
    landmarks: Path | None = None

    def paths(self) -> list[Path]:
        return [p for p in (self.json, self.video, self.html, self.csv, self.landmarks) if p is not None]

    def check_writable(self) -> None:
        """Fail before any work if an output folder is missing or read-only."""
        for path in self.paths():
            folder = path.parent
            if not folder.is_dir():
                raise FormcheckError(f"output folder does not exist: {folder}")
            if not os.access(folder, os.W_OK):
                raise FormcheckError(f"cannot write to output folder: {folder}")


def analyze_video(video_path: str | Path, exercise_id: str, model_path: Path, outputs: Outputs,
                  config: dict | None = None, progress: bool = True, model_name: str = "pose_landmarker_full"
                  ) -> dict:
    """Analyse one video and write the requested outputs; returns the JSON report."""
    config = config or {}
    exercise = get_exercise(exercise_id)(thresholds_for(config, exercise_id))
    outputs.check_writable()
    with VideoReader(video_path) as video, contextlib.ExitStack() as cleanup:
        info = video.info
        session = Session(exercise, thresholds_for(config, "common"))
        track = PoseTrack(fps=info.fps, width=info.width, height=info.height)
        writer = None
        if outputs.video is not None:
            writer = _TempVideoWriter(outputs.video, info.fps, info.width, info.height)
            cleanup.callback(writer.discard)
            overlay = Overlay(exercise, info.width, info.height)
        bar = tqdm(total=info.frame_count, unit="frame", desc=Path(video_path).name[:30],
                   disable=True if not progress else None, file=sys.stderr, leave=False)  # None: only on a terminal
        cleanup.callback(bar.close)
        with PoseEstimator(model_path) as estimator:
            for frame in video:
                pose = estimator.detect(frame.image, frame.t_s)
                track.append(frame.t_s, pose)
                state = session.update(frame.t_s, pose)
                if writer is not None:
                    writer.write(overlay.draw(frame.image, state))
                bar.update(1)
        result = session.finish()
        if result.frames_with_pose == 0:
            raise FormcheckError(f"no person was found in {video_path}")
        duration_s = (track.times_s[-1] + 1.0 / info.fps) if track.times_s else 0.0
        report = build_report(result, source=str(video_path), fps=info.fps, width=info.width,
                              height=info.height, duration_s=duration_s, model=model_name)
        if video.truncated:
            report["warnings"] = [f"the video ends early (truncated after {video.frames_read} frames)"]
        if video.bad_frames:
            report.setdefault("warnings", []).append(f"{video.bad_frames} unreadable frames were skipped")
        # Everything is computed: now write, each file atomically.
        if writer is not None:
            writer.commit()
        if outputs.json is not None:
            write_json_atomic(outputs.json, report)
        if outputs.landmarks is not None:
            track.save(outputs.landmarks)
        if outputs.csv is not None:
            from formcheck.report.csv_export import write_csv
            write_csv(outputs.csv, report)
        if outputs.html is not None:
            from formcheck.report.html import write_html
            thumbnails = fault_thumbnails(video_path, result, track, exercise)
            write_html(outputs.html, report, timeline_for(result), thumbnails)
    return report


def timeline_for(result: SessionResult) -> dict:
    """The per-frame series, labels and threshold bands the HTML plots need."""
    ex = result.exercise
    return {
        "t_s": [round(t, 3) for t in result.timeline_t_s],
        "series": {name: result.timeline.get(name, []) for name in ex.plots},
        "labels": dict(ex.plots),
        "bands": ex.bands(),
        "reps": [[r.start_s, r.end_s] for r in result.reps],
        "holds": [[h.start_s, h.end_s, h.side] for h in result.holds],
    }


def fault_thumbnails(video_path, result: SessionResult, track: PoseTrack, exercise) -> list[dict]:
    """JPEGs of the frames where faults fired, with the skeleton and the cue drawn."""
    events = [e for e in result.events][:MAX_THUMBNAILS]
    if not events:
        return []
    times = track.times_s
    wanted = {}
    for event in events:
        index = min(range(len(times)), key=lambda i: abs(times[i] - event.t_s))
        wanted.setdefault(index, []).append(event)
    thumbnails = []
    with VideoReader(video_path) as video:
        overlay = Overlay(exercise, video.info.width, video.info.height)
        last = max(wanted)
        for frame in video:
            if frame.index in wanted:
                pose = track.poses[frame.index]
                metrics = exercise.measure(pose) if pose is not None and exercise.sees_body(pose, 0.3) else {}
                for event in wanted[frame.index]:
                    state = LiveState(t_s=frame.t_s, pose=pose, metrics=metrics, rep_count=0, hold_side=None,
                                      hold_s=None, banner=Banner(event.message, "warning"), in_position=True)
                    image = overlay.draw(frame.image.copy(), state)
                    scale = 480 / max(image.shape[:2])
                    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
                    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
                    if ok:
                        thumbnails.append({"t_s": event.t_s, "code": event.code, "message": event.message,
                                           "jpeg": jpeg.tobytes()})
            if frame.index >= last:
                break
    return thumbnails


class _TempVideoWriter:
    """Writes an mp4 to a hidden temporary file; ``commit`` renames it into place."""

    def __init__(self, path: Path, fps: float, width: int, height: int):
        self.path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}.", suffix=".tmp.mp4")
        os.close(fd)
        self.tmp = Path(tmp)
        self._writer = cv2.VideoWriter(str(self.tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
        if not self._writer.isOpened():
            self.discard()
            raise FormcheckError(f"cannot write video {self.path}")

    def write(self, image) -> None:
        self._writer.write(image)

    def commit(self) -> None:
        self._writer.release()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self._writer.release()
        self.tmp.unlink(missing_ok=True)
