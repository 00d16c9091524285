"""Routines: the file format and its errors, judging a target, finding a recorded routine's
exercises in order; and, end to end through the real model, a video joined from the sample
clips of the back-pain routine's four exercises, analysed, played as a live camera, and
with one exercise left out."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from conftest import SAMPLES, run_cli
from formcheck.errors import FormcheckError
from formcheck.recognize import NONE
from formcheck.routine import (DONE, MISSED, PARTIAL, Target, align_windows, builtin_routines, load_routine,
                               routine_from_dict, status, units_done)
from formcheck.session import Hold, Rep

# The back-pain routine's exercises, in its order, as sample clips (short ones: the live test
# plays them in real time), and what each must give against the routine's targets.
CLIPS = [("seated_figure_four/seated_f4_short_hold", PARTIAL),    # 7 s holds of 20 s
         ("glute_bridge/bridge_fast_lowering", PARTIAL),          # 2 reps of 10
         ("seated_hip_abduction/abduction_fast_return", PARTIAL),  # 4 reps of 12
         ("standing_figure_four/standing_f4_clean", DONE)]         # 12 s holds of 5 s, both sides
JOIN_FPS, JOIN_SIZE = 15.0, (640, 480)
HOLD_TOLERANCE_S = 1.5  # as check-samples matches a hold's duration
SPLIT_TOLERANCE_S = 1.5  # a split found this close to the true join


def _rep(side=None):
    return Rep(1, side, 0.0, 1.0, None, [], {})


def _hold(side, seconds):
    return Hold(side, 0.0, seconds, seconds, [], {})


# -- the routine as data ------------------------------------------------------------------------

def test_the_back_pain_routine_is_the_articles_four_exercises_in_order():
    routine = load_routine("back-pain")
    assert [item.exercise for item in routine.items] == [
        "seated_figure_four", "glute_bridge", "seated_hip_abduction", "standing_figure_four"]
    seated, bridge, abduction, standing = routine.items
    assert seated.target == Target(hold_s=20.0, sides="both")  # five deep breaths, then the other leg
    assert bridge.target.reps == 10
    assert 12 <= abduction.target.reps <= 15                    # "12 to 15 times"
    assert standing.target.sides == "both" and standing.target.hold_s <= 10  # "a few seconds", both legs
    assert "back-pain" in [r.name for r in builtin_routines()]


def test_formcheck_routines_lists_the_built_in_ones():
    r = run_cli("routines")
    assert r.returncode == 0, r.stderr
    assert "back-pain" in r.stdout
    assert "1. Seated figure-four stretch: 20 s hold each side" in r.stdout
    assert "2. Glute bridge: 10 reps" in r.stdout


@pytest.mark.parametrize("text, says", [
    ('[[exercise]]\nid = "glute_bridge"\nrep = 10\n', "exercise 1 (glute_bridge): unknown key 'rep'"),
    ('[[exercise]]\nid = "glute_brige"\nreps = 10\n', "exercise 1: id 'glute_brige' is not an exercise"),
    ('[[exercise]]\nid = "seated_figure_four"\nreps = 10\n', "(seated_figure_four): reps is not a target for it"),
    ('[[exercise]]\nid = "glute_bridge"\n', "(glute_bridge): reps is missing"),
    ('[[exercise]]\nid = "glute_bridge"\nreps = "ten"\n', "reps must be a whole number, got 'ten'"),
    ('[[exercise]]\nid = "glute_bridge"\nreps = 10\nsets = 0\n', "sets must be at least 1"),
    ('[[exercise]]\nid = "seated_figure_four"\nhold_s = 20\nsides = "left"\n', 'sides must be "both" or "either"'),
    ('name = "x"\n', "no exercises"),
    ('[[exercise]]\nid = "glute_bridge"\nreps = 10\n[thresholds.glute_bridge]\nmin_hold = 2\n',
     "thresholds: unknown key 'min_hold' in [glute_bridge]"),
    ('[[exercise]]\nid = "glute_bridge"\nreps = 10\nrest = 5\n', "unknown key 'rest'; valid keys: id, reps"),
    ('[[exercise]\nid = "glute_bridge"\n', "is not valid TOML"),
])
def test_a_bad_routine_file_gets_one_line_naming_the_key(tmp_path, text, says):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(FormcheckError, match=None) as error:
        load_routine(path)
    assert says in str(error.value) and "\n" not in str(error.value)
    assert str(path) in str(error.value)


def test_a_bad_routine_file_on_the_command_line_is_one_line_and_no_traceback(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[[exercise]]\nid = "glute_bridge"\nrep = 10\n')
    r = run_cli("analyze", SAMPLES / "glute_bridge" / "bridge_clean_left.mp4", "--routine", path)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "unknown key 'rep'" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("live", "--routine", "back-pane", "--camera", "x.mp4", "--no-window")
    assert r.returncode == 2 and "no routine 'back-pane': built in are back-pain" in r.stderr


def test_a_routine_file_with_sets_rest_and_thresholds():
    routine = routine_from_dict({"name": "mine", "rest_s": 30, "exercise": [
        {"id": "glute_bridge", "reps": 8, "sets": 2, "rest_s": 45},
        {"id": "clamshell", "reps": 10, "sides": "both"}],
        "thresholds": {"glute_bridge": {"min_hold_s": 2.0}}})
    bridge, clamshell = routine.items
    assert (bridge.target.units_needed, bridge.rest_s) == (16, 45.0)
    assert (clamshell.target.units_needed, clamshell.rest_s) == (20, 30.0)  # 10 a side; the routine's rest
    assert routine.thresholds == {"glute_bridge": {"min_hold_s": 2.0}}
    assert bridge.target.describe() == "2 x 8 reps" and clamshell.target.describe() == "10 reps each side"


# -- judging a target ---------------------------------------------------------------------------

def test_status_against_a_target_of_reps():
    target = Target(reps=10)
    assert status(target, [], []) == MISSED
    assert status(target, [_rep()] * 3, []) == PARTIAL
    assert status(target, [_rep()] * 10, []) == DONE


def test_status_against_holds_on_both_sides():
    target = Target(hold_s=20.0, sides="both")
    assert status(target, [], [_hold("right", 25.0)]) == PARTIAL  # one leg only
    assert status(target, [], [_hold("right", 25.0), _hold("left", 12.0)]) == PARTIAL  # one too short
    assert status(target, [], [_hold("right", 25.0), _hold("left", 21.0)]) == DONE
    # three good holds of one leg do not make up for the other
    assert units_done(target, [], [_hold("right", 25.0)] * 3) == 1


# -- a recorded routine's exercises -------------------------------------------------------------

def _windows(labels):
    """One window a second, each looking wholly like its label."""
    return [(float(t), float(t + 4), {label: 1.0}) for t, label in enumerate(labels)]


def test_windows_are_matched_to_the_routine_in_its_order():
    routine = load_routine("back-pain")
    seated, bridge, abduction, standing = (item.exercise for item in routine.items)
    # a stray window of a later exercise inside the bridge, and windows straddling a join
    # that look like an earlier one, do not make exercises of their own
    labels = [seated] * 10 + [bridge] * 5 + [standing] + [bridge] * 5 + [seated] * 2 + [abduction] * 6 + [standing] * 10
    matched = align_windows(_windows(labels), routine, 0.0, 42.0)
    assert [item for item, _ in matched] == [0, 1, 2, 3]
    assert [round(s.end_s, 1) for _, s in matched[:3]] == [11.5, 22.5, 30.5]


def test_an_exercise_left_out_is_skipped_and_nobody_does_not_count():
    routine = load_routine("back-pain")
    seated, _, abduction, standing = (item.exercise for item in routine.items)
    labels = [seated] * 8 + [NONE] * 3 + [abduction] * 8 + [standing] * 8
    windows = [(t, e, {label: 1.0} if label != NONE else {NONE: 1.0}) for t, e, (label, _) in
               ((t, e, next(iter(s.items()))) for t, e, s in _windows(labels))]
    assert [item for item, _ in align_windows(windows, routine, 0.0, 30.0)] == [0, 2, 3]


# -- end to end, through the real model -----------------------------------------------------------

def _expected(clip: str) -> dict:
    return json.loads((SAMPLES / f"{clip}.expected.json").read_text())["expect"]


def join_clips(clips: list[Path], out: Path, fps: float = JOIN_FPS, size=JOIN_SIZE) -> list[float]:
    """Write the clips one after another as one video at one size and frame rate; returns the
    time each clip ends in it (the true joins)."""
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    ends, frames_out = [], 0
    try:
        for clip in clips:
            capture = cv2.VideoCapture(str(clip))
            clip_fps = capture.get(cv2.CAP_PROP_FPS)
            frames = []
            while (read := capture.read())[0]:
                frames.append(read[1])
            capture.release()
            for k in range(round(len(frames) / clip_fps * fps)):
                image = frames[min(len(frames) - 1, int(k / fps * clip_fps))]
                writer.write(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
                frames_out += 1
            ends.append(frames_out / fps)
    finally:
        writer.release()
    return ends


@pytest.fixture(scope="session")
def routine_videos(tmp_path_factory):
    """The routine's four clips joined (and the true joins), and the same without the bridge."""
    folder = tmp_path_factory.mktemp("routine")
    paths = [SAMPLES / f"{clip}.mp4" for clip, _ in CLIPS]
    whole, missing = folder / "routine.mp4", folder / "no_bridge.mp4"
    joins = join_clips(paths, whole)
    join_clips([p for p in paths if "bridge" not in p.name], missing)
    return whole, joins, missing


@pytest.fixture(scope="session")
def analysed_routine(routine_videos, model_path, tmp_path_factory):
    whole, joins, _ = routine_videos
    out = tmp_path_factory.mktemp("analysed")
    r = run_cli("analyze", whole, "--routine", "back-pain", "--json", out / "r.json", "--html", out / "r.html",
                "--landmarks", out / "r.npz")
    assert r.returncode == 0, r.stderr
    return json.loads((out / "r.json").read_text()), out, r.stdout


def _check_item(item: dict, clip: str, expected_status: str) -> None:
    expect = _expected(clip)
    assert item["status"] == expected_status, (clip, item)
    if expect["rep_count"] is not None:
        assert item["reps"] == expect["rep_count"], (clip, item)
    found = sorted((h["side"], h["duration_s"]) for h in item["holds"])
    wanted = sorted((h["side"], h["duration_s"]) for h in expect["holds"])
    assert [side for side, _ in found] == [side for side, _ in wanted], (clip, item)
    assert all(abs(f - w) <= HOLD_TOLERANCE_S for (_, f), (_, w) in zip(found, wanted)), (clip, item)
    assert set(expect["faults_present"]) <= set(item["faults"]), (clip, item)


def test_a_recorded_routine_gives_each_exercise_its_count_and_status(analysed_routine, routine_videos):
    report, out, stdout = analysed_routine
    _, joins, _ = routine_videos
    routine = report["routine"]
    assert routine["name"] == "back-pain"
    assert [item["exercise"] for item in routine["items"]] == [clip.split("/")[0] for clip, _ in CLIPS]
    for item, (clip, expected_status) in zip(routine["items"], CLIPS):
        _check_item(item, clip, expected_status)
    # each exercise where it was done: the split points near the true joins
    splits = [item["end_s"] for item in routine["items"][:-1]]
    assert all(abs(found - true) <= SPLIT_TOLERANCE_S for found, true in zip(splits, joins)), (splits, joins)
    # the detail of each exercise as in any report, and the routine's summary in words
    assert [part["exercise"] for part in report["segments"]] == [item["exercise"] for item in routine["items"]]
    assert report["segments"][1]["summary"]["rep_count"] == 2
    assert "1 of 4 exercises done" in stdout and "2. Glute bridge: partly done - 2 reps of 10 reps" in stdout


def test_the_routine_page_shows_target_against_done_and_links_each_exercise(analysed_routine):
    _, out, _ = analysed_routine
    page = (out / "r.html").read_text()
    assert page.count('class="routine-item state-') == 4
    assert 'data-status="done"' in page and 'data-status="partial"' in page
    assert "The main thing to work on:" in page
    for number, (clip, _) in enumerate(CLIPS, start=1):
        detail = f"r.{number}-{clip.split('/')[0]}.html"
        assert f'href="{detail}"' in page and (out / detail).is_file()


def test_a_recorded_routine_missing_an_exercise_marks_it_missed(routine_videos, model_path, tmp_path):
    _, _, missing = routine_videos
    r = run_cli("analyze", missing, "--routine", "back-pain", "--json", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    items = json.loads((tmp_path / "r.json").read_text())["routine"]["items"]
    assert [item["status"] for item in items] == [PARTIAL, MISSED, PARTIAL, DONE]
    assert items[1]["reps"] == 0 and items[1]["parts"] == [] and items[1]["start_s"] is None
    for item, (clip, expected_status) in zip(items, CLIPS):
        if expected_status != MISSED and "bridge" not in clip:
            _check_item(item, clip, expected_status)
    assert "2. Glute bridge: missed - nothing of 10 reps" in r.stdout


def test_the_routine_live_headless_walks_through_all_four_exercises(routine_videos, model_path, tmp_path):
    whole, joins, _ = routine_videos
    r = run_cli("live", "--routine", "back-pain", "--camera", whole, "--no-window", "--json", tmp_path / "live.json")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for number, (clip, _) in enumerate(CLIPS, start=1):
        assert any(line.startswith(f"routine: exercise {number} of 4: ") for line in lines), r.stdout
    # the bridge, abduction and standing stretch are noticed as they begin (the targets of the
    # ones before are not met), and counted from when they began
    assert sum(line.startswith("routine: noticed: ") for line in lines) == 3, r.stdout
    assert "routine: routine done: 1 of 4 exercises done in full" in r.stdout  # the standing stretch's target met
    report = json.loads((tmp_path / "live.json").read_text())
    items = report["routine"]["items"]
    assert [item["status"] for item in items] == [status for _, status in CLIPS]
    assert [item["reps"] for item in items[1:3]] == [2, 4]
    assert sorted(h["side"] for h in items[0]["holds"]) == ["left", "right"]
    assert all(abs(item["start_s"] - join) <= 3.0 for item, join in zip(items[1:], joins)), (items, joins)
    assert report["live"]["frames_shown"] > 100


# -- live routine steps, on the recorded poses (no model, no window) -----------------------------------

class _FileCamera:
    is_device, is_file, source = False, True, "routine.mp4"


def _coach_routine(track, model_path, keys: dict[float, str], routine=None):
    """Walk the back-pain routine over a recorded pose track as the live loop does, pressing
    ``keys`` (time -> key) on the way; returns the lines said and the goes at each exercise."""
    import numpy as np

    from formcheck.live import Captured
    from formcheck.routine_live import RoutineCoaching

    lines: list[str] = []
    coaching = RoutineCoaching(routine or load_routine("back-pain"), model_path, {}, say=lines.append,
                               setup_check=False)
    coaching.start(_FileCamera(), lambda width, height: None)
    image = np.full((480, 640, 3), 120, np.uint8)
    pressed = dict(keys)
    for t_s, pose in zip(track.times_s, track.poses):
        shown = coaching.step(Captured(image, t_s, 0.0), pose)
        assert shown.shape[0] > 480  # the picture and the progress strip under it
        for at in [at for at in pressed if t_s >= at]:
            coaching.key(ord(pressed.pop(at)))
        if coaching.over:
            break
    return lines, coaching.finish()


def test_live_routine_keys_skip_and_repeat(analysed_routine, model_path):
    from formcheck.pose.landmarks import PoseTrack

    _, out, _ = analysed_routine
    track = PoseTrack.load(out / "r.npz")
    # s at 5 s: the seated stretch is left (its first hold not yet done) for the bridge, which
    # then waits for the person; r at 26.5 s, between two reps: the bridge again from there
    lines, runs = _coach_routine(track, model_path, {5.0: "s", 26.5: "r"})
    assert "routine: skipped" in lines and "routine: again from the start" in lines
    assert [run.index for run in runs] == [0, 1, 2, 3]
    seated, bridge, abduction, standing = runs
    assert seated.end_s == pytest.approx(5.0, abs=0.1) and not seated.result.holds[1:]
    assert bridge.start_s == pytest.approx(26.5, abs=0.1) and len(bridge.result.reps) == 1
    assert len(abduction.result.reps) == 4 and abduction.start_s < 33.2  # counted from its first rep
    assert [h.side for h in standing.result.holds] == ["right", "left"]
    assert lines[-1].startswith("routine: routine done: 1 of 4")


def test_coach_announces_a_routine_step_and_counts_again_from_one():
    from formcheck.coach import Coach
    from formcheck.session import LiveState

    class Voice:
        def __init__(self):
            self.said = []

        def say(self, utterance):
            self.said.append(utterance.text)
            return 0.5

    voice = Voice()
    coach = Coach(voice)
    state = LiveState(t_s=1.0, pose=object(), metrics={"x": 1.0}, rep_count=3, hold_side=None, hold_s=None,
                      banner=None, in_position=True)
    coach.update(state)
    coach.announce(5.0, "exercise 2 of 4: Glute bridge - 10 reps")
    coach.update(LiveState(t_s=11.0, pose=object(), metrics={"x": 1.0}, rep_count=1, hold_side=None, hold_s=None,
                           banner=None, in_position=True))
    assert voice.said == ["three", "exercise 2 of 4: Glute bridge - 10 reps", "one"]
    assert [u.kind for u in coach.said] == ["count", "announce", "count"]


def test_live_routine_rests_when_a_target_is_met_then_goes_on(analysed_routine, model_path):
    from formcheck.pose.landmarks import PoseTrack

    _, out, _ = analysed_routine
    routine = routine_from_dict({"name": "short", "exercise": [
        {"id": "seated_figure_four", "hold_s": 5, "rest_s": 6},   # met when the left hold reaches 5 s
        {"id": "glute_bridge", "reps": 2, "rest_s": 30},          # met at the 2nd rep; the rest is cut short
        {"id": "seated_hip_abduction", "reps": 12}]})
    lines, runs = _coach_routine(PoseTrack.load(out / "r.npz"), model_path, {}, routine)
    assert "routine: rest 6 s - next: Glute bridge" in lines
    seated, bridge, abduction = runs
    assert 16.0 < seated.end_s < 18.0  # the left hold, begun at ~11.7 s, reached 5 s
    assert bridge.start_s == pytest.approx(seated.end_s + 6.0, abs=0.2)  # after the rest
    assert len(bridge.result.reps) == 2
    # resting after the bridge, the abduction is noticed and counted from when it began
    assert "routine: rest 30 s - next: Seated hip abduction" in lines
    assert abduction.start_s < 33.2 and len(abduction.result.reps) == 4
