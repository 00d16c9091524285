"""Recorded-video analysis, the entry point: video -> pose -> session -> report, and the
outputs asked for (JSON, annotated video, HTML, CSV, pose track), each written whole.

Its parts: ``pipeline`` runs decoding, the pose model and the rules (overlapped as
threads when that pays); ``annotate`` draws and writes the annotated video;
``thumbnails`` reads and draws the fault moments for the page; ``recognize`` finds the
exercise for ``--exercise auto``.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from formcheck import pipeline, reasons
from formcheck.annotate import Annotator, check_video_path, video_writer
from formcheck.config import thresholds_for
from formcheck.errors import FormcheckError
from formcheck.exercises import get_exercise
from formcheck.fileio import write_text_atomic
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseFrame, PoseTrack
from formcheck.pose.spool import SpooledPoseTrack
from formcheck.recognize import Segment, segments
from formcheck.report.csv_export import write_csv
from formcheck.report.html import write_html
from formcheck.report.model import Recognized, Report, VideoFacts
from formcheck.report.timeline import Timeline
from formcheck.session import Session, SessionResult
from formcheck.thumbnails import FaultFrames, fault_thumbnails
from formcheck.video import VideoFrame, VideoReader, annotated_size


@dataclass
class Outputs:
    json: Path | None = None
    video: Path | None = None
    html: Path | None = None
    csv: Path | None = None
    landmarks: Path | None = None
    part_pages: bool = False  # every recognised exercise on a page of its own (``part_page``), none at ``html``
    plotly: str | None = None  # a folder run's shared Plotly script, linked from the page (else inlined)

    def paths(self) -> list[Path]:
        return [p for p in (self.json, self.video, self.html, self.csv, self.landmarks) if p is not None]

    def check_writable(self) -> None:
        """Fail before any work if an output folder is missing or read-only, or the annotated
        video's name asks for a container it is not written in."""
        if self.video is not None:
            check_video_path(self.video)
        for path in self.paths():
            folder = path.parent
            if not folder.is_dir():
                raise FormcheckError(f"output folder does not exist: {folder}")
            if not os.access(folder, os.W_OK):
                raise FormcheckError(f"cannot write to output folder: {folder}")


@dataclass
class _Part:
    """One recognised segment of a video (or the whole video) and what the rules made of it."""

    segment: Segment | None
    result: SessionResult
    fault_frames: dict | None = None  # frames of fault moments read during the pose pass
    report: Report | None = None


def analyze_video(video_path: str | Path, exercise_id: str, model_path: Path, outputs: Outputs,
                  config: dict | None = None, progress: bool = True, model_name: str = "pose_landmarker_full",
                  pipelined: bool | None = None, on_frame: Callable[[], None] | None = None,
                  segmenter: Callable[[PoseTrack], list[Segment]] | None = None,
                  rate: pipeline.AdaptiveRate | None = pipeline.AdaptiveRate()) -> Report:
    """Analyse one video and write the requested outputs; returns the report.

    Args:
        video_path: the video.
        exercise_id: an exercise id, or ``"auto"``: the exercise is then recognised from
            the pose (see ``recognize``), and a video that changes exercise gets one report
            per segment.
        model_path: the pose model bundle; ``model_name`` is what the report calls it.
        outputs: the files to write; none is written unless all of the analysis succeeds.
        config: threshold overrides (see ``config``).
        progress: a progress bar on stderr (when it is a terminal).
        pipelined: run decoding, the model and the rules as threads; None: when it pays.
        on_frame: called after each frame has been through every stage (for timing).
        segmenter: with ``"auto"``, what splits the pose track into exercises (default:
            ``recognize.segments``; a routine's guided one: ``routine.RoutineSegmenter``).
        rate: when the pose model may skip frames while the body is slow (the frames
            between get poses interpolated from their neighbours); None: every frame.
    """
    config = config or {}
    if exercise_id != "auto":
        get_exercise(exercise_id)
    outputs.check_writable()
    with VideoReader(video_path) as video, contextlib.ExitStack() as cleanup:
        run = _Analysis(Path(video_path), video, model_path, outputs, config, cleanup, pipelined, rate)
        bar = tqdm(total=video.info.frame_count, unit="frame", desc=Path(video_path).name[:30],
                   disable=True if not progress else None, file=sys.stderr, leave=False)  # None: only on a terminal
        cleanup.callback(bar.close)
        run.frame_done = lambda: (bar.update(1), on_frame() if on_frame is not None else None)
        parts = (run.recognised_exercises(segmenter or segments) if exercise_id == "auto"
                 else [run.exercise(exercise_id)])
        report = _reports(parts, video, run.track, str(video_path), model_name)
        if exercise_id != "auto" and not report.reps and not report.holds:
            report.warnings += reasons.nothing_counted(run.track, exercise_id, config, run.samples.images)
        _write(outputs, report, parts, run.track, video_path)
    return report


class _Analysis:
    """One video's analysis in progress: its pose track, and the annotated video being
    written (it becomes the output file when the analysis ends without an error)."""

    def __init__(self, path: Path, video: VideoReader, model_path: Path, outputs: Outputs, config: dict,
                 cleanup: contextlib.ExitStack, pipelined: bool | None, rate: pipeline.AdaptiveRate | None):
        info = video.info
        self.path, self.video, self.model_path, self.outputs, self.config = path, video, model_path, outputs, config
        self.cleanup, self.pipelined, self.rate = cleanup, pipelined, rate
        # on disk, not in memory: a video of hours takes no more memory than one of minutes
        self.track = cleanup.enter_context(SpooledPoseTrack(fps=info.fps, width=info.width, height=info.height))
        self.frame_done: Callable[[], object] = lambda: None
        self.samples = reasons.FrameSamples()  # a few of the frames, to say why nothing counted
        self.writer = None
        if outputs.video is not None:
            size = annotated_size(info.width, info.height)
            self.writer = cleanup.enter_context(video_writer(outputs.video, info.fps, size))

    def pose_pass(self, rest: pipeline.Rest, images: bool = False, exercise_id: str | None = None) -> None:
        """Every frame through the pose model (or, with a rate, the frames it needs: as the
        exercise's rules need them, if it is known) and then ``rest``; fails if nobody was
        seen, saying why (too dark, on its side, too small: see ``reasons``)."""
        samples = self.samples

        def detect(model_input, t_s: float):
            samples.offer(model_input.bgr)
            return estimator.detect_prepared(model_input, t_s)

        def backfill(model_input, t_s: float):  # frames looked at again: a second model, made when needed
            if not second:
                second.append(self.cleanup.enter_context(PoseEstimator(self.model_path)))
            return second[0].detect_prepared(model_input, t_s)

        second: list[PoseEstimator] = []
        with PoseEstimator(self.model_path) as estimator:
            rate = self.rate.for_exercise(exercise_id) if self.rate is not None else None
            pipeline.run(self.video, detect, rest, images, self.pipelined, rate, self.track.fps, backfill,
                         (self.track.width, self.track.height))
        if not any(p is not None for p in self.track.poses):
            raise FormcheckError(reasons.nobody_found(samples.images, self.model_path, str(self.path)))

    def exercise(self, exercise_id: str) -> _Part:
        """One exercise's rules on every frame as its pose comes: the session, the annotated
        frames, and (for the page) the frames of fault moments, read on the side."""
        track, writer = self.track, self.writer
        exercise = get_exercise(exercise_id)(thresholds_for(self.config, exercise_id))
        session = Session(exercise, thresholds_for(self.config, "common"))
        annotate = Annotator(exercise, track.width, track.height, session.common) if writer is not None else None
        fault_frames = None
        if self.outputs.html is not None:
            fault_frames = FaultFrames(self.path, track)
            self.cleanup.callback(fault_frames.close)
        events = session.result.events
        said = 0  # events already handed to fault_frames

        def rest(frame: VideoFrame, pose: PoseFrame | None) -> None:
            nonlocal said
            track.append(frame.t_s, pose)
            state = session.update(frame.t_s, pose)
            if fault_frames is not None and len(events) > said:
                for event in events[said:]:
                    fault_frames.want(event.t_s)
                said = len(events)
            if writer is not None:
                writer.write(annotate(frame.image, state), frame.t_s)
            self.frame_done()

        self.pose_pass(rest, images=writer is not None, exercise_id=exercise_id)
        return _Part(None, session.finish(), fault_frames.close() if fault_frames is not None else None)

    def recognised_exercises(self, segmenter: Callable[[PoseTrack], list[Segment]]) -> list[_Part]:
        """Pass 1: the pose only; then recognise the exercise(s) and replay each one's rules
        on its part of the track; pass 2 (when annotating): draw them on the frames."""
        self.pose_pass(lambda frame, pose: (self.track.append(frame.t_s, pose), self.frame_done()))
        found = segmenter(self.track)
        parts = []
        for segment, session, states in _replay_segments(self.track, self.config, False, found):
            collections.deque(states, maxlen=0)  # the rules over the segment's frames
            parts.append(_Part(segment, session.finish()))
        if self.writer is not None:  # the rules replayed again as the frames come: no state is kept
            with VideoReader(self.path) as again:
                states = ((annotate, state) for _, _, replay in _replay_segments(self.track, self.config, True, found)
                          for annotate, state in replay)
                for frame, (annotate, state) in zip(again, states):
                    self.writer.write(annotate(frame.image, state), frame.t_s)
        return parts


def _replay_segments(track: PoseTrack, config: dict, with_states: bool, found: list[Segment]):
    """Each segment's (segment, session, states): its rules run on its frames as ``states``
    is consumed (to the end, before the session is finished), each frame's
    ``(annotator, LiveState)`` (annotator None unless ``with_states``)."""
    for number, segment in enumerate(found):
        exercise = get_exercise(segment.exercise)(thresholds_for(config, segment.exercise))
        session = Session(exercise, thresholds_for(config, "common"))
        annotate = Annotator(exercise, track.width, track.height, session.common) if with_states else None
        last = number == len(found) - 1
        states = ((annotate, session.update(t_s, pose)) for t_s, pose in zip(track.times_s, track.poses)
                  if segment.start_s <= t_s and (t_s < segment.end_s or last))
        yield segment, session, states


def _reports(parts: list[_Part], video: VideoReader, track: PoseTrack, source: str, model_name: str) -> Report:
    """Each part's report, and the video's: the longest part's, with every part's when there
    are several."""
    info = video.info
    duration_s = (track.times_s[-1] + 1.0 / info.fps) if track.times_s else 0.0
    facts = VideoFacts(info.fps, 0, duration_s, info.width, info.height)
    warnings = ([f"the video ends early (truncated after {video.frames_read} frames)"] if video.truncated
                else []) + ([f"{video.bad_frames} unreadable frame"
                             + (" was skipped" if video.bad_frames == 1 else "s were skipped")] if video.bad_frames else [])
    for part in parts:
        part.report = Report.from_session(part.result, source=source,
                                          video=dataclasses.replace(facts, frames=part.result.frames),
                                          model=model_name)
        part.report.warnings = list(warnings) + part.report.warnings
        if part.segment is not None:
            part.report.recognized = Recognized(part.segment.exercise, round(part.segment.confidence, 2),
                                                round(part.segment.start_s, 2), round(part.segment.end_s, 2))
    main = max(parts, key=lambda p: p.result.frames)
    if len(parts) > 1:
        return dataclasses.replace(main.report, segments=[p.report for p in parts])
    return main.report


def _write(outputs: Outputs, report: Report, parts: list[_Part], track: PoseTrack, video_path) -> None:
    """Everything is computed: now write, each file whole (the annotated video follows when
    the analysis closes)."""
    if outputs.json is not None:
        write_text_atomic(outputs.json, report.dumps())
    if outputs.landmarks is not None:
        track.save(outputs.landmarks)
    if outputs.csv is not None:
        write_csv(outputs.csv, report)
    if outputs.html is not None:
        main = max(parts, key=lambda p: p.result.frames)
        for number, part in enumerate(parts, start=1):
            path = (outputs.html if part is main and not outputs.part_pages
                    else part_page(outputs.html, number, part.result.exercise.id))
            thumbnails = fault_thumbnails(video_path, part.result, track, part.fault_frames)
            write_html(path, part.report, Timeline.of(part.result), thumbnails, video=outputs.video,
                       plotly_src=outputs.plotly)


def part_page(html: Path, number: int, exercise_id: str) -> Path:
    """The page of a video's ``number``-th recognised exercise, beside its main page ``html``."""
    return html.with_name(f"{html.stem}.{number}-{exercise_id}{html.suffix}")
