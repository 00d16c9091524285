"""An exercise declared in one file is enough: registered, its faults' titles and cues,
its key angle and its plot reach the reports, the CSV, the index and the overlay with
no other change (the step-by-step list is in the README, "Adding an exercise")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from formcheck.counting import RepCounter, Window
from formcheck.exercises import EXERCISES
from formcheck.exercises.base import SIDE, Fault, FaultSpec, KeyAngle, RepExercise, midpoint
from formcheck.geometry import line_deviation_deg
from formcheck.overlay import Overlay
from formcheck.report import words
from formcheck.report.csv_export import report_to_csv
from formcheck.report.html import render_html
from formcheck.report.model import Report, VideoFacts
from formcheck.report.timeline import Timeline
from formcheck.session import Session
from synthetic import side_pose


@dataclass(frozen=True)
class Thresholds:
    lift_deg: float = 15.0
    max_top_deg: float = -20.0


class HipLift(RepExercise):
    """A made-up exercise: lift the hips a little; lifting them to the line is 'overdoing'."""

    id, title, view, view_name, setup = "hip_lift", "Hip lift", "side", "side", "Lie down, side-on"
    Thresholds = Thresholds
    FAULTS = (FaultSpec("overdoing", "Lifting too far", "Lifting too far - a small lift is enough",
                        "max_top_deg", (SIDE,)),)
    joints = ("shoulder", "hip", "knee")
    rep_signal = "lift_line_deg"
    key_angle = KeyAngle("lift_line_deg", "hip", signed=True)
    plots = {"lift_line_deg": "Hips off the line (deg)"}

    def measure(self, pose):
        return {"lift_line_deg": line_deviation_deg(*(midpoint(pose, j) for j in ("shoulder", "hip", "knee")))}

    def counter(self):
        return RepCounter(enter_rise=self.th.lift_deg)

    def check_rep(self, rep: Window):
        top = float(np.nanmax(rep.series("lift_line_deg")))
        return ([Fault("overdoing", rep.end_s)] if top > self.th.max_top_deg else []), {"top_deg": top}

    def bands(self):
        return {"lift_line_deg": [{"min": self.th.max_top_deg, "max": None, "code": "overdoing"}]}


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(EXERCISES, HipLift.id, HipLift)
    words._fault_titles.cache_clear()
    yield HipLift
    words._fault_titles.cache_clear()


def test_a_new_exercise_reaches_every_output(registered):
    session = Session(HipLift())
    for cycle in range(2):
        for step in range(60):  # rest, lift to the line, rest: two reps
            t = cycle * 6.0 + step * 0.1
            session.update(t, side_pose(t, -50.0 + 50.0 * np.sin(np.pi * step / 60) ** 2))
    result = session.finish()
    assert [r.faults for r in result.reps] == [["overdoing"], ["overdoing"]]
    report = Report.from_session(result, "lift.mp4", VideoFacts(10.0, 120, 12.0, 640, 480), "pose_landmarker_full")

    page = render_html(report, Timeline.of(result))
    assert "<h1>Hip lift</h1>" in page and "Lifting too far" in page
    assert "A small lift is enough" in page  # the cue, without repeating the title
    assert "Lifting too far: above -20°" in page  # the band, named by the fault's title
    assert report_to_csv(report).splitlines()[1].split(",")[7] == "overdoing"  # the faults column
    assert words.verdict(report).endswith("lifting too far - a small lift is enough.")

    state = Session(HipLift()).update(0.0, side_pose(0.0, -30.0))
    image = Overlay(HipLift(), 640, 480).draw(np.zeros((480, 640, 3), np.uint8), state)
    assert image.any()  # the skeleton and the signed key angle drawn, nothing asked of the overlay
