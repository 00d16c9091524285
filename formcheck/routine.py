"""A routine: the exercises a physiotherapist prescribes, in order, each with its target.

A routine is data, a TOML file a physiotherapist can edit (the built-in ones are in
``formcheck/routines/``)::

    name = "back-pain"
    title = "Lower back: loosen and strengthen the glutes"
    rest_s = 20                      # rest after each set, unless an exercise says otherwise

    [[exercise]]
    id = "seated_figure_four"
    hold_s = 20                      # a held exercise: seconds per hold ...
    sides = "both"                   # ... on each side ("both") or on either one ("either")

    [[exercise]]
    id = "glute_bridge"
    reps = 10                        # a counted exercise: reps per set
    sets = 2
    rest_s = 30

    [thresholds.glute_bridge]        # optional: the thresholds file's sections
    min_hold_s = 2.0

This module reads and checks routines (a bad file is refused in one line naming the
key), judges what was done against an exercise's target (done, partial or missed), and
finds a recorded routine's exercises in its pose track: the recogniser's windows
(``recognize``) aligned to the routine's order, each boundary then moved to where the
rules of the exercises on either side see their reps and holds begin and end.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from formcheck.config import check_config, read_toml, thresholds_for
from formcheck.errors import FormcheckError
from formcheck.exercises import EXERCISES
from formcheck.pose.landmarks import PoseTrack
from formcheck.recognize import NONE, Recognizer, Segment, track_windows
from formcheck.session import Hold, Rep, Session

ROUTINES_DIR = Path(__file__).with_name("routines")
DONE, PARTIAL, MISSED = "done", "partial", "missed"
SIDES = ("left", "right")
DEFAULT_REST_S = 20.0
ROUTINE_KEYS = ("name", "title", "about", "rest_s", "exercise", "thresholds")
ITEM_KEYS = ("id", "reps", "hold_s", "sides", "sets", "rest_s", "note")
# Finding a recorded routine's boundaries: the rules of the exercises on either side of a
# recogniser boundary are replayed this far beyond it (its 4 s windows place it within ~2 s),
# and a boundary moved to a rep or hold is put this long before its start (the counter needs
# to see the rest position first).
BOUNDARY_SEARCH_S = 3.0
LEAD_S = 1.0
ENTER_COST = 3.0  # windows (seconds) of evidence an item must gain to be counted as begun


@dataclass(frozen=True)
class Target:
    """What one exercise of a routine asks for: ``reps`` per set, or holds of ``hold_s``
    (on each side with ``sides="both"``), ``sets`` times."""

    reps: int | None = None
    hold_s: float | None = None
    sides: str = "either"
    sets: int = 1

    @property
    def sides_needed(self) -> tuple[str | None, ...]:
        return SIDES if self.sides == "both" else (None,)

    @property
    def units_needed(self) -> int:
        """Reps, or holds long enough, that meet the target."""
        return (self.reps if self.reps is not None else 1) * self.sets * len(self.sides_needed)

    def to_json(self) -> dict:
        data: dict = {"reps": self.reps} if self.reps is not None else {"hold_s": self.hold_s}
        if self.sides == "both":
            data["sides"] = "both"
        data["sets"] = self.sets
        return data

    def describe(self) -> str:
        """``"10 reps"``, ``"2 x 10 reps"``, ``"20 s each side"``."""
        sets = f"{self.sets} x " if self.sets > 1 else ""
        if self.reps is not None:
            return f"{sets}{self.reps} reps" + (" each side" if self.sides == "both" else "")
        return f"{sets}{self.hold_s:g} s hold" + (" each side" if self.sides == "both" else "")


@dataclass(frozen=True)
class Item:
    exercise: str
    target: Target
    rest_s: float
    note: str = ""

    @property
    def title(self) -> str:
        return EXERCISES[self.exercise].title


@dataclass(frozen=True)
class Routine:
    name: str
    title: str
    items: tuple[Item, ...]
    about: str = ""
    thresholds: dict = field(default_factory=dict)  # threshold sections, as in a thresholds file
    path: Path | None = None

    @property
    def exercises(self) -> set[str]:
        return {item.exercise for item in self.items}


# -- reading a routine ----------------------------------------------------------------------------

def builtin_routines() -> list[Routine]:
    """The routines that come with formcheck, by name."""
    return [load_routine(path) for path in sorted(ROUTINES_DIR.glob("*.toml"))]


def load_routine(name_or_path: str | Path) -> Routine:
    """A built-in routine by name (``"back-pain"``) or a routine file; a bad one is refused
    with one line naming the key."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = ROUTINES_DIR / f"{name_or_path}.toml"
        if not path.is_file():
            names = ", ".join(p.stem for p in sorted(ROUTINES_DIR.glob("*.toml")))
            raise FormcheckError(f"no routine {str(name_or_path)!r}: built in are {names}, or give a .toml file")
    return routine_from_dict(read_toml(path, "routine"), where=f"routine {path}", path=path)


def routine_from_dict(data: dict, where: str = "routine", path: Path | None = None) -> Routine:
    _unknown_keys(data, ROUTINE_KEYS, where)
    rest_s = _number(data, "rest_s", where, DEFAULT_REST_S, minimum=0)
    entries = data.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise FormcheckError(f"{where}: no exercises; add [[exercise]] tables with an id and a target")
    items = tuple(_item(entry, rest_s, f"{where}: exercise {number}") for number, entry in enumerate(entries, 1))
    thresholds = data.get("thresholds", {})
    if not isinstance(thresholds, dict):
        raise FormcheckError(f"{where}: thresholds must be a table of threshold sections ([thresholds.common], ...)")
    check_config(thresholds, f"{where}: thresholds")
    name = data.get("name", path.stem if path is not None else "routine")
    if not isinstance(name, str) or not name:
        raise FormcheckError(f"{where}: name must be a word such as \"back-pain\"")
    title = data.get("title", name)
    return Routine(name, str(title), items, str(data.get("about", "")), thresholds, path)


def _item(entry, rest_s: float, where: str) -> Item:
    if not isinstance(entry, dict):
        raise FormcheckError(f"{where} must be a table ([[exercise]])")
    exercise_id = entry.get("id")
    if exercise_id not in EXERCISES:
        _unknown_keys(entry, ITEM_KEYS, where)
        raise FormcheckError(f"{where}: id {exercise_id!r} is not an exercise; choose one of: "
                             + ", ".join(sorted(EXERCISES)))
    where = f"{where} ({exercise_id})"
    _unknown_keys(entry, ITEM_KEYS, where)
    kind = EXERCISES[exercise_id].kind
    wanted, other = ("reps", "hold_s") if kind == "reps" else ("hold_s", "reps")
    if other in entry:
        how = "counted in reps" if kind == "reps" else "held"
        raise FormcheckError(f"{where}: {other} is not a target for it ({how}); give {wanted}")
    if wanted not in entry:
        raise FormcheckError(f"{where}: {wanted} is missing (the target)")
    sides = entry.get("sides", "both" if kind == "holds" else "either")
    if sides not in ("both", "either"):
        raise FormcheckError(f"{where}: sides must be \"both\" or \"either\", got {sides!r}")
    target = Target(reps=int(_number(entry, "reps", where, None, minimum=1, whole=True)) if kind == "reps" else None,
                    hold_s=_number(entry, "hold_s", where, None, minimum=1) if kind == "holds" else None,
                    sides=sides, sets=int(_number(entry, "sets", where, 1, minimum=1, whole=True)))
    note = entry.get("note", "")
    if not isinstance(note, str):
        raise FormcheckError(f"{where}: note must be text")
    return Item(exercise_id, target, _number(entry, "rest_s", where, rest_s, minimum=0), note)


def _unknown_keys(table: dict, valid: Sequence[str], where: str) -> None:
    for key in table:
        if key not in valid:
            raise FormcheckError(f"{where}: unknown key {key!r}; valid keys: " + ", ".join(valid))


def _number(table: dict, key: str, where: str, default, minimum: float, whole: bool = False):
    value = table.get(key, default)
    if value is default:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and value != int(value)):
        raise FormcheckError(f"{where}: {key} must be a {'whole ' if whole else ''}number, got {value!r}")
    if value < minimum:
        raise FormcheckError(f"{where}: {key} must be at least {minimum:g}, got {value!r}")
    return float(value)


# -- what was done against the target -----------------------------------------------------------

def units_done(target: Target, reps: Sequence[Rep], holds: Sequence[Hold]) -> int:
    """How much of the target is met: reps counted, or holds of at least ``hold_s``, each
    side's share capped at what that side needs (so extra work on one side does not make up
    for the other)."""
    per_side = target.units_needed // len(target.sides_needed)
    done = 0
    for side in target.sides_needed:
        if target.reps is not None:
            count = sum(1 for r in reps if side is None or r.side == side)
        else:
            count = sum(1 for h in holds if (side is None or h.side == side) and h.duration_s >= target.hold_s)
        done += min(count, per_side)
    return done


def progress(target: Target, reps: Sequence[Rep], holds: Sequence[Hold]) -> float:
    """How far toward the target, 0 to 1: the reps' share, or for holds the time held (the
    longest holds of each side, each up to ``hold_s``), so a hold short of it still shows."""
    if target.reps is not None:
        return units_done(target, reps, holds) / target.units_needed
    per_side = target.units_needed // len(target.sides_needed)
    held = 0.0
    for side in target.sides_needed:
        longest = sorted((h.duration_s for h in holds if side is None or h.side == side), reverse=True)[:per_side]
        held += sum(min(1.0, seconds / target.hold_s) for seconds in longest)
    return held / target.units_needed


def status(target: Target, reps: Sequence[Rep], holds: Sequence[Hold]) -> str:
    """``done`` when the target is met, ``missed`` when nothing of the exercise was done,
    else ``partial``."""
    if units_done(target, reps, holds) >= target.units_needed:
        return DONE
    return PARTIAL if (reps or holds) else MISSED


# -- a recorded routine's exercises ---------------------------------------------------------------

class RoutineSegmenter:
    """The exercises of a recorded routine, in the routine's order: the recogniser's windows
    (``recognize``) aligned to the items (``align_windows``), the boundaries then refined by
    the rules (``refine_boundaries``). Call it on a pose track; ``items`` then holds the
    routine item (its index) of each segment returned, and ``recognised`` the boundaries
    before refining."""

    def __init__(self, routine: Routine, config: dict | None = None, recognizer: Recognizer | None = None):
        self.routine, self.config, self.recognizer = routine, config or {}, recognizer
        self.items: list[int] = []
        self.recognised: list[Segment] = []

    def __call__(self, track: PoseTrack) -> list[Segment]:
        recognizer = self.recognizer or Recognizer.load()
        windows = [(start, end, recognizer.shares(vector, self.routine.exercises))
                   for start, end, vector in track_windows(track)]
        if not windows:
            raise FormcheckError("could not find the routine's exercises: too little of the body was seen")
        if all(shares.get(NONE, 0.0) == 1.0 for _, _, shares in windows):
            raise FormcheckError("this does not look like any exercise of the routine "
                                 f"({', '.join(item.exercise for item in self.routine.items)})")
        matched = align_windows(windows, self.routine, track.times_s[0], track.times_s[-1])
        self.items = [item for item, _ in matched]
        self.recognised = [segment for _, segment in matched]
        return refine_boundaries(track, self.recognised, self.config)


def align_windows(windows: Sequence[tuple[float, float, dict[str, float]]], routine: Routine,
                  t0: float, t1: float) -> list[tuple[int, Segment]]:
    """Each routine item done, with its time span: the windows of a few seconds, each with
    how much it looks like each exercise, matched to the items in the routine's order
    (items may be skipped, never gone back to), best agreement overall, each item entered
    costing ``ENTER_COST`` windows of evidence (no item for a stray window or two). The
    boundaries lie half-way between the last window of one item and the first of the next."""
    exercises = [item.exercise for item in routine.items]
    n = len(exercises)
    score = [[shares.get(exercise, 0.0) for exercise in exercises] for _, _, shares in windows]
    best = [[score[0][j] - ENTER_COST for j in range(n)]]
    came_from: list[list[int]] = [[j for j in range(n)]]
    for w in range(1, len(windows)):
        row, back = [], []
        for j in range(n):
            enter = max(range(j), key=lambda i: best[-1][i], default=None)
            if enter is not None and best[-1][enter] - ENTER_COST > best[-1][j]:
                row.append(best[-1][enter] - ENTER_COST + score[w][j])
                back.append(enter)
            else:
                row.append(best[-1][j] + score[w][j])
                back.append(j)
        best.append(row)
        came_from.append(back)
    item = max(range(n), key=lambda j: best[-1][j])
    path = [item]
    for w in range(len(windows) - 1, 0, -1):
        item = came_from[w][item]
        path.append(item)
    path.reverse()
    runs: list[list] = []  # [item, first window, last window]
    for w, item in enumerate(path):
        if runs and runs[-1][0] == item:
            runs[-1][2] = w
        else:
            runs.append([item, w, w])
    return _runs_to_segments(runs, windows, score, exercises, t0, t1)


def _runs_to_segments(runs: list[list], windows, score, exercises: list[str], t0: float,
                      t1: float) -> list[tuple[int, Segment]]:
    """Runs of windows given one item ([item, first window, last window]) as time segments."""
    centre = lambda w: (windows[w][0] + windows[w][1]) / 2  # noqa: E731
    matched = []
    for i, (item, first, last) in enumerate(runs):
        start = t0 if i == 0 else (centre(runs[i - 1][2]) + centre(first)) / 2
        end = t1 if i == len(runs) - 1 else (centre(last) + centre(runs[i + 1][1])) / 2
        confidence = sum(score[w][item] for w in range(first, last + 1)) / (last - first + 1)
        matched.append((item, Segment(exercises[item], float(start), float(end), round(confidence, 2))))
    return matched


def refine_boundaries(track: PoseTrack, found: list[Segment], config: dict) -> list[Segment]:
    """Move each boundary between two exercises to where their rules see the work begin
    and end: when a rep or hold of either exercise is cut by the recogniser's boundary,
    the boundary moves just before it (the next one's) or just after it (the previous
    one's), but never across the other exercise's own work."""
    found = list(found)
    for i in range(len(found) - 1):
        before, after = found[i], found[i + 1]
        t = before.end_s
        a_units = _units(track, before.exercise, before.start_s, min(after.end_s, t + BOUNDARY_SEARCH_S), config)
        b_units = _units(track, after.exercise, max(before.start_s, t - BOUNDARY_SEARCH_S), after.end_s, config)
        a_done = max([end for start, end in a_units if end <= t], default=before.start_s)
        a_late = max([end for start, end in a_units if end > t and start < t], default=None)
        # only work cut by the boundary moves it: a "rep" wholly inside the search is as likely
        # the previous exercise's own movement (uncrossing the legs) seen by the wrong rules
        b_early = min([start for start, end in b_units if start < t < end], default=None)
        b_next = min([start for start, end in b_units if start >= t], default=after.end_s)
        if b_early is not None and a_late is None:
            t = max(a_done, b_early - LEAD_S)
        elif a_late is not None and b_early is None:
            t = min(b_next - LEAD_S, a_late + LEAD_S) if b_next - LEAD_S > a_late else a_late
        found[i] = dataclasses.replace(before, end_s=t)
        found[i + 1] = dataclasses.replace(after, start_s=t)
    return found


def _units(track: PoseTrack, exercise_id: str, start_s: float, end_s: float, config: dict) -> list[tuple[float, float]]:
    """(start, end) of each rep or hold the exercise's rules find between the two times."""
    session = Session(EXERCISES[exercise_id](thresholds_for(config, exercise_id)), thresholds_for(config, "common"),
                      keep_timeline=False)
    for t_s, pose in zip(track.times_s, track.poses):
        if start_s <= t_s <= end_s:
            session.update(t_s, pose)
    result = session.finish()
    return [(w.start_s, w.end_s) for w in [*result.reps, *result.holds]]
