"""Spoken coaching: counts and cues, a cool-down, no talking over itself, quiet when out of view."""

from __future__ import annotations

import json
import shutil
import wave

import numpy as np
import pytest

from conftest import real_clip, run_cli
from formcheck.coach import Coach, CoachSettings, WavVoice
from formcheck.session import Banner, LiveState
from synthetic import side_pose

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def state(t, reps=0, banner=None, seen=True):
    return LiveState(t_s=t, pose=side_pose(t, -50) if seen else None, metrics={"x": 1.0} if seen else {},
                     rep_count=reps, hold_side=None, hold_s=None, banner=banner, in_position=seen)


class Recorder:
    def __init__(self):
        self.said = []

    def say(self, utterance):
        self.said.append(utterance)
        return None

    def close(self):
        pass


def test_counts_each_rep_and_never_talks_over_itself():
    coach = Coach(Recorder(), CoachSettings(min_gap_s=1.0))
    for i in range(60):  # reps 0.2 s apart: far faster than a phrase
        coach.update(state(i * 0.2, reps=i // 1))
    times = [u.t_s for u in coach.said]
    assert all(b - a >= 1.0 for a, b in zip(times, times[1:]))
    assert coach.said[-1].text != coach.said[0].text


def test_a_cue_is_not_repeated_within_its_cool_down():
    coach = Coach(Recorder(), CoachSettings(cue_cooldown_s=10.0))
    high = Banner("Hips too high - stop when shoulders, hips and knees line up", "warning")
    t = 0.0
    for _ in range(10):  # the same cue comes back every 2 s
        coach.update(state(t, banner=high))
        coach.update(state(t + 1.0, banner=None))
        t += 2.0
    cue_times = [u.t_s for u in coach.said if "Hips" in u.text]
    assert cue_times == [0.0, 10.0]


def test_silent_while_out_of_view_and_cue_beats_count():
    coach = Coach(Recorder())
    assert coach.update(state(0.0, banner=Banner("Move so your whole body is in view", "warning"), seen=False)) is None
    said = coach.update(state(1.0, reps=1, banner=Banner("Lower slowly and with control", "warning")))
    assert said.text == "one. Lower slowly and with control" and said.kind == "cue"
    assert coach.update(state(2.0, reps=2, seen=False)) is None
    assert coach.update(state(6.0, reps=2)).text == "two"  # the count waited until back in view


@needs_espeak
def test_cues_recorded_to_a_wav_do_not_overlap(tmp_path):
    path = tmp_path / "coach.wav"
    coach = Coach(WavVoice(path), CoachSettings(min_gap_s=0.5))
    cue = Banner("Lower slowly and with control", "warning")
    for i in range(100):
        t = i * 0.1
        coach.update(state(t, reps=i // 20, banner=cue if i % 30 == 5 else None))
    coach.close()
    with wave.open(str(path)) as w:
        rate = w.getframerate()
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    voice = coach.voice
    spans = [(t, t + len(c) / rate) for t, c in voice.clips]
    assert all(b0 >= a1 + 0.5 - 1e-6 for (_, a1), (b0, _) in zip(spans, spans[1:])), spans
    for start, end in spans:  # each phrase is really in the track
        assert np.abs(audio[int(start * rate):int(end * rate)]).max() > 1000


@needs_espeak
def test_live_speaks_the_rep_count(tmp_path, model_path):
    out, wav = tmp_path / "live.json", tmp_path / "coach.wav"
    r = run_cli("live", "--exercise", "glute_bridge", "--camera", real_clip("tobefrank_glute-bridge.mp4"),
                "--no-window", "--no-setup-check", "--json", out, "--speak-to", wav)
    assert r.returncode == 0, r.stderr
    spoken = json.loads(out.read_text())["live"]["spoken"]
    assert any(u["text"].startswith("one") for u in spoken)
    assert wav.stat().st_size > 10_000
