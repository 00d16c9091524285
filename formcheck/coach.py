"""Spoken coaching for ``live``: rep counts and the most important cue, said sparingly.

The coach decides *what* to say and *when* from the live state; a voice says it.
It never talks over itself, never repeats a cue within its cool-down, and stays
quiet while the person is out of view.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.session import LiveState

NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                "fifteen sixteen seventeen eighteen nineteen twenty").split()
WORDS_PER_S = 2.5  # speaking pace, to know when a phrase is over


@dataclass(frozen=True)
class CoachSettings:
    min_gap_s: float = 1.0       # silence after any phrase before the next
    cue_cooldown_s: float = 10.0  # the same cue is not repeated sooner than this
    say_counts: bool = True


@dataclass(frozen=True)
class Utterance:
    t_s: float
    text: str
    kind: str  # "cue", "count" or "announce"


def spoken_number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def phrase_s(text: str) -> float:
    return max(0.6, len(text.split()) / WORDS_PER_S)


class Coach:
    """Turns a stream of LiveStates into a few well-timed phrases."""

    def __init__(self, voice, settings: CoachSettings | None = None):
        self.voice = voice
        self.settings = settings or CoachSettings()
        self.said: list[Utterance] = []
        self._busy_until = float("-inf")
        self._last_said: dict[str, float] = {}
        self._reps_said = 0
        self._last_banner = None

    def update(self, state: LiveState) -> Utterance | None:
        s = self.settings
        banner = state.banner
        new_banner = banner is not None and banner != self._last_banner
        self._last_banner = banner
        if state.pose is None or not state.metrics:
            return None  # out of view: say nothing (the screen shows why)
        cue = banner.text if new_banner and banner.severity in ("warning", "info") else None
        if cue is not None and state.t_s - self._last_said.get(cue, float("-inf")) < s.cue_cooldown_s:
            cue = None
        count = None
        if s.say_counts and state.rep_count > self._reps_said:
            count = spoken_number(state.rep_count)
        if cue is None and count is None:
            return None
        if state.t_s < self._busy_until + s.min_gap_s:
            return None  # still talking: a count waits, a cue shows on screen only
        text = f"{count}. {cue}" if count and cue else (cue or count)
        self._reps_said = state.rep_count
        if cue:
            self._last_said[cue] = state.t_s
        utterance = Utterance(state.t_s, text, "cue" if cue else "count")
        self.said.append(utterance)
        spoken_s = self.voice.say(utterance)
        self._busy_until = state.t_s + max(phrase_s(text), spoken_s or 0.0)
        return utterance

    def announce(self, t_s: float, text: str) -> Utterance:
        """Say ``text`` now (a routine's next exercise, a rest): it goes ahead of any count or
        cue, and the counts start again from one (a new exercise)."""
        self._reps_said = 0
        utterance = Utterance(t_s, text, "announce")
        self.said.append(utterance)
        spoken_s = self.voice.say(utterance)
        self._busy_until = t_s + max(phrase_s(text), spoken_s or 0.0)
        return utterance

    def close(self) -> None:
        self.voice.close()


class SpeakerVoice:
    """Speaks out loud through pyttsx3 (or the espeak-ng command) on its own thread."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        try:
            import pyttsx3
            self._engine = pyttsx3.init()
        except Exception:  # pyttsx3 missing or no speech driver on this machine
            self._engine = None
            if shutil.which("espeak-ng") is None:
                raise FormcheckError("spoken coaching needs pyttsx3 (pip install 'formcheck[speech]') "
                                     "or the espeak-ng program") from None
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    def say(self, utterance: Utterance) -> float | None:
        try:
            self._queue.put_nowait(utterance.text)
        except queue.Full:
            pass  # never queue speech up behind the action
        return None  # unknown: the coach estimates from the words

    def _run(self) -> None:
        while (text := self._queue.get()) is not None:
            if self._engine is not None:
                self._engine.say(text)
                self._engine.runAndWait()
            else:
                subprocess.run(["espeak-ng", text], capture_output=True)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)


class WavVoice:
    """Records what would be said, at session time, into one WAV track (espeak-ng renders it)."""

    def __init__(self, path: str | Path, rate_hz: int = 22050):
        if shutil.which("espeak-ng") is None:
            raise FormcheckError("recording spoken cues needs the espeak-ng program")
        self.path = Path(path)
        self.rate_hz = rate_hz
        self.clips: list[tuple[float, np.ndarray]] = []

    def say(self, utterance: Utterance) -> float:
        """Render the phrase; returns how long it lasts in seconds."""
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "say.wav"
            subprocess.run(["espeak-ng", "-w", str(wav), utterance.text], check=True, capture_output=True)
            with wave.open(str(wav)) as w:
                self.rate_hz = w.getframerate()
                samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        self.clips.append((utterance.t_s, samples))
        return len(samples) / self.rate_hz

    def close(self) -> None:
        end = max((t * self.rate_hz + len(c) for t, c in self.clips), default=0)
        track = np.zeros(int(end) + 1, dtype=np.int16)
        for t, clip in self.clips:
            start = int(t * self.rate_hz)
            track[start:start + len(clip)] = clip
        with wave.open(str(self.path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate_hz)
            w.writeframes(track.tobytes())
