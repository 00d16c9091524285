"""The report as typed data: what a session found, in the ``formcheck.report/1`` schema.

Every output is made from a ``Report``: the JSON file (``to_json``), the HTML pages,
the CSV, the folder index and the history; and every reader of a JSON report
(``from_json``) gets the same types back. The JSON contract is the project's shared
spec ("Report JSON"): the keys, their order and their rounding are kept exactly, and
optional parts (``balance``, ``not_judged``, ``warnings``, ``recognized``, ``live``,
``segments``) appear only when there is something in them.

Example:
    >>> report = Report.from_session(result, source="clip.mp4", video=VideoFacts(30.0, 300, 10.0, 640, 480),
    ...                              model="pose_landmarker_full")  # doctest: +SKIP
    >>> Report.from_json(report.to_json()) == report  # doctest: +SKIP
    True
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from formcheck.session import Event, Hold, Rep, SessionResult

SCHEMA = "formcheck.report/1"
SIDES = ("left", "right")

__all__ = ["SCHEMA", "Balance", "Event", "Hold", "LiveFacts", "NotJudged", "PoseFacts", "Recognized", "Rep",
           "Report", "RoutineItem", "RoutineSummary", "SideTotals", "Spoken", "Summary", "Thumbnail", "VideoFacts"]


@dataclass(frozen=True)
class VideoFacts:
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int


@dataclass(frozen=True)
class PoseFacts:
    frames_with_pose: int
    model: str


@dataclass(frozen=True)
class Summary:
    """Counts derived from the reps, holds and events (a code is in ``fault_counts`` iff it fired)."""

    rep_count: int
    hold_count: int
    sides: list[str]
    fault_counts: dict[str, int]


@dataclass(frozen=True)
class SideTotals:
    """One side's share of the work, for the left/right balance."""

    reps: int
    holds: int
    hold_s: float   # time held in all of the side's holds
    faults: int     # faults in the side's reps and holds


@dataclass(frozen=True)
class Balance:
    """Left against right, for exercises done on both sides; ``notes`` say each large gap in words."""

    left: SideTotals
    right: SideTotals
    asymmetric: bool
    notes: list[str]

    @classmethod
    def of(cls, reps: list[Rep], holds: list[Hold], min_ratio: float) -> Balance | None:
        """The balance of a session, or None when nothing in it has a side.

        ``min_ratio``: the weaker side below this share of the stronger is flagged.
        """
        if not any(w.side in SIDES for w in [*reps, *holds]):
            return None
        totals = {side: SideTotals(reps=sum(r.side == side for r in reps),
                                   holds=sum(h.side == side for h in holds),
                                   hold_s=round(sum(h.duration_s or 0.0 for h in holds if h.side == side), 1),
                                   faults=sum(len(w.faults) for w in [*reps, *holds] if w.side == side))
                  for side in SIDES}
        notes = []
        compared = (["hold_s"] if holds else []) + (["reps"] if reps else [])
        for name in compared:
            weak, strong = sorted(((side, getattr(totals[side], name)) for side in SIDES), key=lambda s: s[1])
            if strong[1] > 0 and weak[1] < min_ratio * strong[1]:
                what, unit = {"hold_s": ("time held", " s"), "reps": ("reps", "")}[name]
                notes.append(f"{weak[0].capitalize()} side: {what} {weak[1]:g}{unit} vs {strong[1]:g}{unit} on the "
                             f"{strong[0]} - work toward evening them out")
        missing = [side for side in SIDES if not (totals[side].reps or totals[side].holds)]
        if missing:
            notes.append(f"The {missing[0]} side was not done")
        return cls(totals["left"], totals["right"], bool(notes), notes)


@dataclass(frozen=True)
class NotJudged:
    """A fault the camera's view cannot show: listed, never silently passed."""

    code: str
    why: str


@dataclass(frozen=True)
class Recognized:
    """The exercise ``--exercise auto`` recognised for this (part of the) video."""

    exercise: str
    confidence: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Spoken:
    t_s: float
    text: str
    kind: str


@dataclass(frozen=True)
class LiveFacts:
    """How a live session ran (``formcheck live``)."""

    frames_shown: int
    frames_dropped: int
    latency_p50_ms: float
    latency_p95_ms: float
    set_started_s: float | None
    spoken: list[Spoken] | None = None  # what the coach said, with --speak


@dataclass(frozen=True)
class RoutineItem:
    """One exercise of a routine against its target (``--routine``). Its detail is in the
    report's ``parts`` numbered in ``parts`` (none when it was missed)."""

    exercise: str
    target: dict[str, Any]  # {"reps": 10, "sets": 1} or {"hold_s": 20.0, "sides": "both", "sets": 1}
    status: str             # "done", "partial" or "missed"
    reps: int
    holds: list[dict[str, Any]]  # [{"side": "right", "duration_s": 22.5}]
    faults: dict[str, int]
    start_s: float | None = None
    end_s: float | None = None
    parts: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RoutineSummary:
    """A routine done (``formcheck analyze --routine``, ``formcheck live --routine``)."""

    name: str
    title: str
    items: list[RoutineItem]

    @property
    def done(self) -> int:
        return sum(item.status == "done" for item in self.items)


@dataclass(frozen=True)
class Thumbnail:
    """A JPEG of the moment a fault fired, with the skeleton and the cue drawn."""

    t_s: float
    code: str
    message: str
    jpeg: bytes


@dataclass
class Report:
    source: str
    exercise: str
    video: VideoFacts
    pose: PoseFacts
    reps: list[Rep] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    balance: Balance | None = None
    not_judged: list[NotJudged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recognized: Recognized | None = None
    live: LiveFacts | None = None
    segments: list[Report] = field(default_factory=list)  # with --exercise auto, when the exercise changed
    routine: RoutineSummary | None = None  # with --routine: each exercise against its target
    schema: str = SCHEMA

    @classmethod
    def from_session(cls, result: SessionResult, source: str, video: VideoFacts, model: str) -> Report:
        """The report of a finished session: reps and holds rounded to 0.01 s as the schema has them."""
        reps = [dataclasses.replace(r, start_s=round(r.start_s, 2), end_s=round(r.end_s, 2),
                                    hold_s=round(r.hold_s, 2) if r.hold_s is not None else None)
                for r in result.reps]
        holds = [dataclasses.replace(h, start_s=round(h.start_s, 2), end_s=round(h.end_s, 2),
                                     duration_s=round(h.duration_s, 2)) for h in result.holds]
        return cls(source=source, exercise=result.exercise.id,
                   video=VideoFacts(round(video.fps, 3), video.frames, round(video.duration_s, 3), video.width,
                                    video.height),
                   pose=PoseFacts(result.frames_with_pose, model), reps=reps, holds=holds,
                   events=list(result.events), balance=Balance.of(reps, holds, result.common.balance_min_ratio),
                   not_judged=[NotJudged(code, why) for code, why in result.not_judged.items()],
                   warnings=list(result.warnings))

    @property
    def summary(self) -> Summary:
        return Summary(rep_count=len(self.reps), hold_count=len(self.holds),
                       sides=sorted({w.side for w in [*self.reps, *self.holds] if w.side}),
                       fault_counts=dict(Counter(e.code for e in self.events)))

    @property
    def parts(self) -> list[Report]:
        """The recognised exercises of the video, each with its own report (just this one if one)."""
        return self.segments or [self]

    # -- JSON --------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The report as the JSON object of the schema (keys in the schema's order)."""
        data: dict[str, Any] = {
            "schema": self.schema, "source": self.source, "exercise": self.exercise,
            "video": dataclasses.asdict(self.video), "pose": dataclasses.asdict(self.pose),
            "reps": [dataclasses.asdict(r) for r in self.reps],
            "holds": [dataclasses.asdict(h) for h in self.holds],
            "events": [dataclasses.asdict(e) for e in self.events],
            "summary": dataclasses.asdict(self.summary),
        }
        if self.balance is not None:
            data["balance"] = dataclasses.asdict(self.balance)
        if self.not_judged:
            data["not_judged"] = [dataclasses.asdict(n) for n in self.not_judged]
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.recognized is not None:
            data["recognized"] = dataclasses.asdict(self.recognized)
        if self.live is not None:
            data["live"] = {k: v for k, v in dataclasses.asdict(self.live).items()
                            if not (k == "spoken" and v is None)}
        if self.routine is not None:
            data["routine"] = dataclasses.asdict(self.routine)
        if self.segments:
            data["segments"] = [part.to_json() for part in self.segments]
        return data

    def dumps(self) -> str:
        """The JSON file's text."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """A report read back from its JSON object (``summary`` is derived, not read).

        Raises:
            ValueError: ``data`` is not a ``formcheck.report/1`` report.
        """
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} report")
        try:
            balance = data.get("balance")
            live = data.get("live")
            return cls(
                schema=data["schema"], source=data["source"], exercise=data["exercise"],
                video=_make(VideoFacts, data["video"]), pose=_make(PoseFacts, data["pose"]),
                reps=[_make(Rep, r) for r in data.get("reps") or []],
                holds=[_make(Hold, h) for h in data.get("holds") or []],
                events=[_make(Event, e) for e in data.get("events") or []],
                balance=None if balance is None else Balance(
                    _make(SideTotals, balance["left"]), _make(SideTotals, balance["right"]),
                    balance["asymmetric"], list(balance["notes"])),
                not_judged=[_make(NotJudged, n) for n in data.get("not_judged") or []],
                warnings=list(data.get("warnings") or []),
                recognized=_make(Recognized, data["recognized"]) if data.get("recognized") else None,
                live=None if live is None else _make(LiveFacts, {
                    **live, "spoken": None if live.get("spoken") is None else
                    [_make(Spoken, s) for s in live["spoken"]]}),
                segments=[cls.from_json(part) for part in data.get("segments") or []],
                routine=_routine(data["routine"]) if data.get("routine") else None,
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a {SCHEMA} report: {error!r}") from None

    @classmethod
    def loads(cls, text: str) -> Report:
        return cls.from_json(json.loads(text))


def _routine(data: dict[str, Any]) -> RoutineSummary:
    return RoutineSummary(data["name"], data["title"], [_make(RoutineItem, item) for item in data["items"]])


def _make(cls, data: dict[str, Any]):
    """``cls`` from a JSON object: its own fields; a missing one is a ``KeyError``/``TypeError``."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
