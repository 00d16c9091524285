"""A recorded routine (``formcheck analyze VIDEO --routine back-pain``): the video split into
the routine's exercises (``routine.RoutineSegmenter``), each judged by its own rules and
against its target, in one report: the JSON with ``routine`` (each exercise's status) and
``segments`` (each exercise's detail), the routine page, and one report page per exercise."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from formcheck.analyze import Outputs, analyze_video, part_page
from formcheck.config import merge_configs
from formcheck.fileio import write_text_atomic
from formcheck.report.model import Report
from formcheck.report.routine_page import summarise, write_routine_html
from formcheck.routine import Routine, RoutineSegmenter


def analyze_routine(video_path: str | Path, routine: Routine, model_path: Path, outputs: Outputs,
                    config: dict | None = None, progress: bool = True,
                    model_name: str = "pose_landmarker_full") -> tuple[Report, RoutineSegmenter]:
    """Analyse a video of ``routine`` and write the outputs asked for: ``json`` (the routine's
    report), ``html`` (the routine page; each exercise's page beside it, named by
    ``analyze.part_page``), and the annotated video, CSV and pose track as for any video.

    ``config``: threshold overrides on top of the routine's own. Returns the report and the
    segmenter (with the boundaries before and after refining, for a closer look)."""
    config = merge_configs(routine.thresholds, config or {})
    segmenter = RoutineSegmenter(routine, config)
    report = analyze_video(video_path, "auto", model_path, dataclasses.replace(outputs, json=None, part_pages=True),
                           config=config, progress=progress, model_name=model_name, segmenter=segmenter)
    parts = report.parts
    report = dataclasses.replace(report, segments=list(parts),
                                 routine=summarise(routine, parts, segmenter.items))
    if outputs.json is not None:
        write_text_atomic(outputs.json, report.dumps())
    if outputs.html is not None:
        pages = [os.path.basename(part_page(outputs.html, number, part.exercise))
                 for number, part in enumerate(parts, start=1)]
        write_routine_html(outputs.html, report, pages)
    return report, segmenter
