"""The camera set-up check before a live set."""

from __future__ import annotations

import json

import numpy as np

from conftest import real_clip, run_cli
from formcheck.exercises.glute_bridge import GluteBridge
from formcheck.setup_check import SetupCheck
from synthetic import side_pose

BRIGHT = np.full((480, 640, 3), 150, np.uint8)


def test_each_problem_is_named_and_the_countdown_starts_when_all_is_right():
    check = SetupCheck(GluteBridge())
    status = check.update(0.0, BRIGHT, None)
    assert status.first_problem.label == "Person in view" and not status.ready
    status = check.update(0.1, np.zeros_like(BRIGHT), side_pose(0.1, -50))
    assert status.first_problem.label == "Enough light"
    t = 1.0
    status = check.update(t, BRIGHT, side_pose(t, -50))
    assert status.first_problem is None and status.countdown_s == 3.0
    while not status.ready:
        t += 0.5
        status = check.update(t, BRIGHT, side_pose(t, -50))
    assert t == 4.0


def test_a_problem_during_the_countdown_restarts_it():
    check = SetupCheck(GluteBridge())
    check.update(0.0, BRIGHT, side_pose(0.0, -50))
    check.update(2.0, BRIGHT, None)
    status = check.update(2.5, BRIGHT, side_pose(2.5, -50))
    assert status.countdown_s == 3.0


def test_a_person_too_far_away_is_asked_to_come_closer():
    pose = side_pose(0.0, -50)
    small = pose.replace(image_xy=pose.image_xy * 0.3 + 200)
    status = SetupCheck(GluteBridge()).update(0.0, BRIGHT, small)
    assert status.first_problem.label == "Close enough"


def test_live_starts_the_set_after_the_check(model_path, tmp_path):
    out = tmp_path / "live.json"
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", real_clip("physioplus_bridging.mp4"),
                "--no-window", "--loop", "--max-seconds", "12", "--json", out)
    assert r.returncode == 0, r.stderr
    live = json.loads(out.read_text())["live"]
    assert live["set_started_s"] is not None and 2.9 <= live["set_started_s"] <= 6.0


def test_in_a_dark_room_the_light_leads_not_step_into_view():
    """Too dark for the model to find the person: the fix is the light, not to step into view."""
    status = SetupCheck(GluteBridge()).update(0.0, np.full_like(BRIGHT, 20), None)
    assert status.first_problem.label == "Enough light"
    assert status.first_problem.hint.startswith("Too dark")
