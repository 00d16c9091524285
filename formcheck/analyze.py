"""Recorded-video analysis: video -> pose -> session -> report, annotated video, HTML, CSV.

Decoding, the pose model and the rest (rules, drawing, encoding) run as three
threads joined by short queues, so a video takes about as long as its pose model
alone: OpenCV and MediaPipe release the GIL while they work. Each stage runs in
one thread and in frame order, so the result is exactly that of running the
stages one after another (``PIPELINED = False``).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import queue
import sys
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import cv2
import numpy as np
from tqdm import tqdm

from formcheck.config import thresholds_for
from formcheck.errors import FormcheckError
from formcheck.exercises import get_exercise
from formcheck.fileio import default_file_mode
from formcheck.overlay import Overlay
from formcheck.pose.estimator import ModelInput, PoseEstimator, prepare
from formcheck.pose.landmarks import PoseFrame, PoseTrack
from formcheck.report.json_report import build_report, write_json_atomic
from formcheck.session import Banner, LiveState, Session, SessionResult
from formcheck.video import VideoFrame, VideoReader, halve, shrink

MAX_THUMBNAILS = 12
THUMBNAIL_LONG_SIDE_PX = 480
# Threads pay off only with a second core; on one they would just take turns.
PIPELINED = len(os.sched_getaffinity(0)) > 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) > 1
QUEUE_FRAMES = 3      # frames waiting between two stages: absorbs jitter; a 4K frame is 25 MB
POLL_S = 0.1          # how often a waiting stage checks whether another one failed
# Annotated videos are written at most at 720p: drawing and encoding larger frames costs
# more than the pose model (4K at 1080p: +13 ms a frame), and 720p shows the form as well.
MAX_ANNOTATED_SHORT_SIDE_PX = 720


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
    """Analyse one video and write the requested outputs; returns the JSON report.

    ``exercise_id`` may be ``"auto"``: the exercise is then recognised from the pose
    (see ``recognize``), and a video that changes exercise gets one report per segment.
    """
    config = config or {}
    if exercise_id != "auto":
        get_exercise(exercise_id)
    outputs.check_writable()
    with VideoReader(video_path) as video, contextlib.ExitStack() as cleanup:
        info = video.info
        track = PoseTrack(fps=info.fps, width=info.width, height=info.height)
        bar = tqdm(total=info.frame_count, unit="frame", desc=Path(video_path).name[:30],
                   disable=True if not progress else None, file=sys.stderr, leave=False)  # None: only on a terminal
        cleanup.callback(bar.close)
        writer = None
        if outputs.video is not None:
            writer = _TempVideoWriter(outputs.video, info.fps, *Annotator.size_for(info.width, info.height))
            cleanup.callback(writer.discard)

        if exercise_id == "auto":
            # Pass 1: pose only; then recognise the exercise(s) and replay the rules on the track.
            _pose_pass(video, model_path, lambda frame, pose: (track.append(frame.t_s, pose), bar.update(1)))
            _require_person(track, video_path)
            parts = _replay_segments(track, config, with_states=writer is not None)
            if writer is not None:  # pass 2: draw each segment's states on the decoded frames
                with VideoReader(video_path) as again:
                    for frame, (annotate, state) in zip(again, _frame_states(parts)):
                        writer.write(annotate(frame.image, state))
        else:
            exercise = get_exercise(exercise_id)(thresholds_for(config, exercise_id))
            session = Session(exercise, thresholds_for(config, "common"))
            annotate = Annotator(exercise, info.width, info.height) if writer is not None else None
            fault_frames = None
            if outputs.html is not None:
                fault_frames = FaultFrames(video_path, track)
                cleanup.callback(fault_frames.close)
            events = session.result.events
            said = [0]  # events already handed to fault_frames

            def rest(frame: VideoFrame, pose: PoseFrame | None) -> None:
                track.append(frame.t_s, pose)
                state = session.update(frame.t_s, pose)
                if fault_frames is not None and len(events) > said[0]:
                    for event in events[said[0]:]:
                        fault_frames.want(event.t_s)
                    said[0] = len(events)
                if writer is not None:
                    writer.write(annotate(frame.image, state))
                bar.update(1)

            _pose_pass(video, model_path, rest, images=writer is not None)
            _require_person(track, video_path)
            parts = [_Part(None, session.finish(), [], fault_frames.close() if fault_frames is not None else None)]

        duration_s = (track.times_s[-1] + 1.0 / info.fps) if track.times_s else 0.0
        for part in parts:
            part.report = build_report(part.result, source=str(video_path), fps=info.fps, width=info.width,
                                       height=info.height, duration_s=duration_s, model=model_name)
            warnings = ([f"the video ends early (truncated after {video.frames_read} frames)"] if video.truncated
                        else []) + ([f"{video.bad_frames} unreadable frames were skipped"] if video.bad_frames else [])
            if warnings:
                part.report["warnings"] = warnings
            if part.segment is not None:
                part.report["recognized"] = {"exercise": part.segment.exercise, "confidence":
                                             round(part.segment.confidence, 2), "start_s": round(part.segment.start_s, 2),
                                             "end_s": round(part.segment.end_s, 2)}
        main = max(parts, key=lambda p: p.result.frames)
        report = main.report
        if len(parts) > 1:  # the longest segment's report, with every segment's own report
            report = {**main.report, "segments": [p.report for p in parts]}
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
            for number, part in enumerate(parts, start=1):
                path = outputs.html if part is main else outputs.html.with_name(
                    f"{outputs.html.stem}.{number}-{part.result.exercise.id}{outputs.html.suffix}")
                thumbnails = fault_thumbnails(video_path, part.result, track, part.result.exercise, part.fault_frames)
                write_html(path, part.report, timeline_for(part.result), thumbnails)
    return report


def _pose_pass(video: VideoReader, model_path: Path, rest: "Rest", images: bool = False) -> None:
    with PoseEstimator(model_path) as estimator:
        run = run_pipelined if PIPELINED else run_sequential
        run(video, estimator.detect_prepared, rest, images)


def _require_person(track: PoseTrack, video_path) -> None:
    if not any(p is not None for p in track.poses):
        raise FormcheckError(f"no person was found in {video_path}")


@dataclass
class _Part:
    """One recognised segment of a video (or the whole video) and what the rules made of it."""

    segment: "object | None"
    result: SessionResult
    states: list  # (annotator, LiveState) per frame of the segment, when annotating
    fault_frames: dict | None = None  # frames of fault moments read during the pose pass
    report: dict | None = None


def _replay_segments(track: PoseTrack, config: dict, with_states: bool) -> list[_Part]:
    """Recognise the exercise(s) in the track and run each segment's rules on its frames."""
    from formcheck.recognize import segments

    parts = []
    found = segments(track)
    for number, segment in enumerate(found):
        exercise = get_exercise(segment.exercise)(thresholds_for(config, segment.exercise))
        session = Session(exercise, thresholds_for(config, "common"))
        annotate = Annotator(exercise, track.width, track.height) if with_states else None
        states = []
        last = number == len(found) - 1
        for t_s, pose in zip(track.times_s, track.poses):
            if segment.start_s <= t_s and (t_s < segment.end_s or last):
                state = session.update(t_s, pose)
                if with_states:
                    states.append((annotate, state))
        parts.append(_Part(segment, session.finish(), states))
    return parts


def _frame_states(parts: list[_Part]):
    for part in parts:
        yield from part.states


Detect = Callable[[ModelInput, float], "PoseFrame | None"]
Rest = Callable[[VideoFrame, "PoseFrame | None"], None]


def run_sequential(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True) -> None:
    """Each frame through every stage, one after the other: the reference for ``run_pipelined``.

    ``images=False``: ``rest`` gets the frames without their pixels (it does not draw).
    """
    for frame in frames:
        frame, model_input = _for_the_stages(frame, images)
        rest(frame, detect(model_input, frame.t_s))


def _for_the_stages(frame: VideoFrame, images: bool) -> tuple[VideoFrame, ModelInput]:
    """The model's input, and the frame as the later stages need it: without its pixels
    if they do not draw, else halved toward the annotated size. The model's input starts
    with the same halving, so a 4K frame is halved once, and is what the full frame gives."""
    if not images:
        return replace(frame, image=None), prepare(frame.image)
    height, width = frame.image.shape[:2]
    image = halve(frame.image, Annotator.size_for(width, height))
    return replace(frame, image=image), prepare(image, (width, height))


def run_pipelined(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True) -> None:
    """The same stages as ``run_sequential``, overlapped: decoding (and preparing the model's
    input) on one thread, ``detect`` on the calling thread, ``rest`` on a third.

    Each stage sees every frame in order, so the outcome is the same. The first error in
    any stage (or Ctrl-C) stops all three and is raised here.
    """
    stop = threading.Event()
    errors: list[BaseException] = []
    decoded: queue.Queue = queue.Queue(QUEUE_FRAMES)
    posed: queue.Queue = queue.Queue(QUEUE_FRAMES)

    def put(q: queue.Queue, item) -> None:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                q.put(item, timeout=POLL_S)
                return

    def get(q: queue.Queue):
        while not stop.is_set():
            with contextlib.suppress(queue.Empty):
                return q.get(timeout=POLL_S)
        return _END

    def decode() -> None:
        for frame in frames:
            put(decoded, _for_the_stages(frame, images))
            if stop.is_set():
                return
        put(decoded, _END)

    def finish() -> None:
        while (item := get(posed)) is not _END:
            rest(*item)

    def thread(work: Callable[[], None], name: str) -> threading.Thread:
        def guarded() -> None:
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - handed to the calling thread
                errors.append(error)
                stop.set()
        worker = threading.Thread(target=guarded, name=f"formcheck-{name}", daemon=True)
        worker.start()
        return worker

    decoder, finisher = thread(decode, "decode"), thread(finish, "finish")
    try:
        while (item := get(decoded)) is not _END:
            frame, model_input = item
            put(posed, (frame, detect(model_input, frame.t_s)))
        put(posed, _END)
        finisher.join()
    finally:
        stop.set()
        decoder.join()
        finisher.join()
    if errors:
        raise errors[0]


_END = object()  # the end of a stage's frames


class Annotator:
    """Draws the overlay on a frame, first scaled down to at most 720p (``size``)."""

    def __init__(self, exercise, width: int, height: int):
        self.size = self.size_for(width, height)
        self._scale = np.array([self.size[0] / width, self.size[1] / height])
        self._resize = self.size != (width, height)
        self.overlay = Overlay(exercise, *self.size)

    @staticmethod
    def size_for(width: int, height: int) -> tuple[int, int]:
        scale = MAX_ANNOTATED_SHORT_SIDE_PX / min(width, height)
        if scale < 1:  # even sides: the encoders want them
            return (2 * round(width * scale / 2), 2 * round(height * scale / 2))
        return (width, height)

    def __call__(self, image: np.ndarray, state: LiveState) -> np.ndarray:
        if self._resize:
            image = shrink(image, self.size)
            if state.pose is not None:
                state = replace(state, pose=state.pose.replace(image_xy=state.pose.image_xy * self._scale))
        return self.overlay.draw(image, state)


def timeline_for(result: SessionResult) -> dict:
    """The per-frame series, labels and threshold bands the HTML plots need."""
    ex = result.exercise
    return {
        "t_s": [round(t, 3) for t in result.timeline_t_s],
        "series": {name: result.timeline.get(name, []) for name in ex.plots},
        "labels": dict(ex.plots),
        "bands": ex.labelled_bands(),
        "reps": [[r.start_s, r.end_s] for r in result.reps],
        "holds": [[h.start_s, h.end_s, h.side] for h in result.holds],
    }


def fault_thumbnails(video_path, result: SessionResult, track: PoseTrack, exercise,
                     frames: dict[int, np.ndarray] | None = None) -> list[dict]:
    """JPEGs of the frames where faults fired, with the skeleton and the cue drawn.

    ``frames`` may hold some of them already (by index, from ``FaultFrames``); the rest are
    read from the video.
    """
    events = result.events[:MAX_THUMBNAILS]
    if not events:
        return []
    wanted: dict[int, list] = {}
    for event in events:
        wanted.setdefault(_nearest(track.times_s, event.t_s), []).append(event)
    images = dict(frames or {})
    missing = sorted(set(wanted) - set(images))
    if missing:
        images.update(_frames_by_seeking(video_path, missing, track)
                      or _frames_by_decoding(video_path, dict.fromkeys(missing)))
    thumbnails = []
    overlay = None
    for index in sorted(wanted):
        image = _at_annotated_size(images[index])
        if overlay is None:
            overlay = Overlay(exercise, image.shape[1], image.shape[0], result.common)
            scale = np.array([image.shape[1] / track.width, image.shape[0] / track.height])
        pose = track.poses[index]
        metrics = exercise.measure(pose) if pose is not None and exercise.sees_body(pose, result.common.draw_min_visibility) else {}
        if pose is not None and image.shape[:2] != (track.height, track.width):
            pose = pose.replace(image_xy=pose.image_xy * scale)
        for event in wanted[index]:
            state = LiveState(t_s=track.times_s[index], pose=pose, metrics=metrics, rep_count=0, hold_side=None,
                              hold_s=None, banner=Banner(event.message, "warning"), in_position=True)
            drawn = overlay.draw(image.copy(), state)
            factor = THUMBNAIL_LONG_SIDE_PX / max(drawn.shape[:2])
            drawn = shrink(drawn, (round(drawn.shape[1] * factor), round(drawn.shape[0] * factor)))
            ok, jpeg = cv2.imencode(".jpg", drawn, [cv2.IMWRITE_JPEG_QUALITY, 80])
            if ok:
                thumbnails.append({"t_s": event.t_s, "code": event.code, "message": event.message,
                                   "jpeg": jpeg.tobytes()})
    return thumbnails


def _at_annotated_size(image: np.ndarray) -> np.ndarray:
    return shrink(image, Annotator.size_for(image.shape[1], image.shape[0]))


class FaultFrames:
    """Reads the frames of fault moments on a thread of its own while the analysis runs (the
    second core has little else to do then), so the HTML report does not wait for them.

    ``want`` the time of each event as it is said; ``close`` returns the frames read, by
    index, at most 720p. A frame it cannot read is left to ``fault_thumbnails``.
    """

    def __init__(self, video_path, track: PoseTrack):
        self._track = track
        self._requests: queue.Queue = queue.Queue()
        self._asked: set[int] = set()
        self.frames: dict[int, np.ndarray] = {}
        self._thread = threading.Thread(target=self._run, args=(video_path,), name="formcheck-thumbnails",
                                        daemon=True)
        self._thread.start()

    def want(self, t_s: float) -> None:
        index = _nearest(self._track.times_s, t_s)
        if index not in self._asked and len(self._asked) < MAX_THUMBNAILS:
            self._asked.add(index)
            self._requests.put(index)

    def _run(self, video_path) -> None:
        seeker = None
        try:
            seeker = _FrameSeeker(video_path, self._track)
            while (index := self._requests.get()) is not _END:
                image = seeker.frame(index)
                if image is None:
                    return
                self.frames[index] = _at_annotated_size(image)
        except Exception:  # noqa: BLE001 - whatever failed here is read again, in the open, afterwards
            return
        finally:
            if seeker is not None:
                seeker.close()

    def close(self) -> dict[int, np.ndarray]:
        self._requests.put(_END)
        self._thread.join()
        return self.frames


def _nearest(times_s: list[float], t_s: float) -> int:
    """Index of the time closest to ``t_s`` (the earlier one on a tie); ``times_s`` is increasing."""
    i = bisect.bisect_left(times_s, t_s)
    if i == 0:
        return 0
    if i == len(times_s) or t_s - times_s[i - 1] <= times_s[i] - t_s:
        return i - 1
    return i


def _frames_by_decoding(video_path, wanted) -> dict:
    """The wanted frames, decoding the video from the start up to the last one."""
    images = {}
    with VideoReader(video_path) as video:
        last = max(wanted)
        for frame in video:
            if frame.index in wanted:
                images[frame.index] = frame.image
            if frame.index >= last:
                break
    return images


def _keyframes(video_path) -> list[int]:
    """Indices of the video's keyframes, from its packets alone (nothing is decoded)."""
    cap = cv2.VideoCapture(str(video_path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_FORMAT, -1])
    keyframes, index = [], 0
    try:
        while cap.grab():
            if cap.get(cv2.CAP_PROP_LRF_HAS_KEY_FRAME):
                keyframes.append(index)
            index += 1
    finally:
        cap.release()
    return keyframes


def _frames_by_seeking(video_path, indices: list[int], track: PoseTrack) -> dict | None:
    """The frames at ``indices``, or None when they cannot be read this way: decode instead."""
    seeker = _FrameSeeker(video_path, track)
    try:
        images = {}
        for index in indices:
            image = seeker.frame(index)
            if image is None:
                return None
            images[index] = image
        return images
    finally:
        seeker.close()


class _FrameSeeker:
    """Single frames of a video by index, decoding as little as the keyframes allow.

    A frame can only be decoded from the keyframe before it: jump there when that lies
    ahead (or the frame lies behind), else decode on without converting the frames in
    between. Every frame is checked against the time the analysis saw at its index;
    ``frame`` gives None when it does not match (GIFs, corrupt frames, odd timestamps).
    """

    def __init__(self, video_path, track: PoseTrack):
        self._track = track
        self._cap = None
        if Path(video_path).suffix.lower() == ".gif":
            return
        self._keyframes = _keyframes(video_path)
        self._cap = cv2.VideoCapture(str(video_path))
        self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        self._position = 0  # the index the next read returns
        self._first_t = None

    def frame(self, index: int) -> np.ndarray | None:
        cap = self._cap
        if cap is None:
            return None
        if self._first_t is None:  # timestamps count from the first frame, as VideoReader's do
            ok, first = cap.read()
            if not ok:
                return None
            self._first_t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            self._position = 1
            if index == 0:
                return first
        before = bisect.bisect_right(self._keyframes, index) - 1
        if index < self._position or (before >= 0 and self._keyframes[before] > self._position):
            cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        else:
            for _ in range(index - self._position):
                if not cap.grab():
                    return None
        ok, image = cap.read()
        self._position = index + 1
        t_s = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 - self._first_t
        if not ok or abs(t_s - self._track.times_s[index]) > 0.5 / self._track.fps:
            return None
        return image

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()


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
        os.chmod(self.tmp, default_file_mode())
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self._writer.release()
        self.tmp.unlink(missing_ok=True)
