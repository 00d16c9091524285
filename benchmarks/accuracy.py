"""How often formcheck is right: the rules replayed on the rendered population's stored pose
tracks (``samples/population``, see ``formcheck.samplegen.population``) and on the filmed
clips in ``../shared/real-clips`` against their hand labels (``benchmarks/real_clips.json``).

    .venv/bin/python -m benchmarks.accuracy              # the test half + the filmed clips
    .venv/bin/python -m benchmarks.accuracy --half tune  # the half thresholds may be tuned on

Prints a table per exercise and camera view, precision and recall per fault code (values
inside a fault's threshold band are not scored), the filmed clips, and one last line:

    ACCURACY test_clips=N reps_exact=... holds_exact=... fault_precision_min=... ...
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POPULATION = ROOT / "samples" / "population"
REAL_CLIPS = ROOT.parent / "shared" / "real-clips"
REAL_LABELS = Path(__file__).resolve().parent / "real_clips.json"
REAL_CACHE = ROOT / "benchmarks" / ".cache"
# The code that makes a filmed clip's pose track: a cached track is used only while it is unchanged
# (a raised version number alone missed the adaptive rate's and the zoomed search's changes).
POSE_STAGE = [ROOT / "formcheck" / "pipeline.py", ROOT / "formcheck" / "video.py",
              *sorted((ROOT / "formcheck" / "pose").glob("*.py"))]


@functools.cache
def pose_stage_digest() -> str:
    digest = hashlib.sha256()
    for path in POSE_STAGE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
HOLD_TOLERANCE_S = 1.5  # a hold's duration within this of the truth counts as right
COMMON = ("out_of_frame", "wrong_view")


@dataclass
class Outcome:
    """What the rules made of one track."""

    rep_count: int
    holds: list[tuple[str | None, float]]
    fired: set[str]
    not_judged: set[str] = field(default_factory=set)  # faults the view could not show


def replay(track, exercise_id: str, config: dict | None = None) -> Outcome:
    """Run the exercise's rules over a stored pose track, as ``formcheck analyze`` does."""
    from formcheck.config import thresholds_for
    from formcheck.exercises import get_exercise
    from formcheck.session import Session

    config = config or {}
    exercise = get_exercise(exercise_id)(thresholds_for(config, exercise_id))
    session = Session(exercise, thresholds_for(config, "common"), keep_timeline=False)
    for t_s, pose in zip(track.times_s, track.poses):
        session.update(t_s, pose)
    result = session.finish()
    return Outcome(len(result.reps), [(h.side, h.duration_s) for h in result.holds],
                   {e.code for e in result.events}, set(getattr(result, "not_judged", {})))


# --- scoring ---------------------------------------------------------------------------
@dataclass
class Score:
    """One clip's outcome against its truth."""

    name: str
    exercise: str
    view: str
    clean: bool
    rep_error: int | None = None        # got - want, None: not a rep exercise / not asserted
    holds_exact: bool | None = None
    hold_errors_s: list[float] = field(default_factory=list)
    sides_right: list[bool] = field(default_factory=list)
    faults: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # code -> (true, fired)
    unjudged: list[str] = field(default_factory=list)  # codes the view hid (listed in not_judged)
    count_judged: bool | None = None  # False: the report said its count could not be told here
    reasons: list[str] = field(default_factory=list)
    negative: str | None = None  # a move that is not the exercise: "look-alike" or a named move

    @property
    def ok(self) -> bool:
        return not self.reasons


def score(name: str, exercise: str, view: str, expect: dict, got: Outcome, count_always: bool = False) -> Score:
    present = set(expect.get("faults_present", []))
    absent = set(expect.get("faults_absent", [])) - present  # older tracks of off-view clips list wrong_view in both
    from formcheck.exercises.base import is_count_code

    s = Score(name, exercise, view, clean=not present)
    want = expect.get("rep_count")
    span = expect.get("rep_count_range")
    # A count the report says this view cannot give (``not_judged``: rep_count, hold_count)
    # is not scored, unless ``count_always`` (a negative, where nothing may be counted at
    # all; a filmed clip, whose label is the truth); ``counted`` says how often that happens.
    asserted = span is not None or want is not None or bool(expect.get("holds"))
    if asserted:
        s.count_judged = count_always or not any(map(is_count_code, got.not_judged))
    if s.count_judged is False:
        want = span = None
        expect = {k: v for k, v in expect.items() if k != "holds"}
    if span is not None:
        s.rep_error = 0 if span[0] <= got.rep_count <= span[1] else got.rep_count - span[1]
    elif want is not None:
        s.rep_error = got.rep_count - want
    if s.rep_error:
        s.reasons.append(f"{got.rep_count} reps, expected {span or want}")
    if "holds" in expect and (expect.get("holds") or want is None):
        wanted = expect["holds"]
        s.holds_exact = len(got.holds) == len(wanted)
        if not s.holds_exact:
            s.reasons.append(f"{len(got.holds)} holds, expected {len(wanted)}")
        left = list(got.holds)
        for hold in wanted:
            same_side = [h for h in left if hold["side"] is None or h[0] == hold["side"]]
            s.sides_right.append(bool(same_side))
            pool = same_side or left
            if not pool:
                continue
            match = min(pool, key=lambda h: abs(h[1] - hold["duration_s"]))
            left.remove(match)
            error = match[1] - hold["duration_s"]
            s.hold_errors_s.append(error)
            if not same_side:
                s.reasons.append(f"no {hold['side']} hold (got {match[0]})")
            elif abs(error) > HOLD_TOLERANCE_S:
                s.reasons.append(f"{hold['side']} hold {match[1]:.1f} s, expected {hold['duration_s']:.1f} s")
    # A fault the report says it could not judge from this view is not scored (the view
    # table's coverage column counts how often that happens).
    s.unjudged = sorted((present | absent) & got.not_judged)
    for code in sorted((present | absent) - got.not_judged):
        fired = code in got.fired
        s.faults[code] = (code in present, fired)
        if (code in present) != fired:
            s.reasons.append(f"{code} {'fired' if fired else 'missed'}")
    return s


def view_of(yaw_deg: float, outside_deg: float) -> str:
    """The camera's view of the body, as a person would name it."""
    if outside_deg > 0:
        return "off-view"
    yaw = abs(yaw_deg)
    return "front" if yaw <= 30 else "oblique" if yaw < 60 else "side"


# A scripted rep counts as a rep only when its movement passes the exercise's counting
# threshold: (the true amplitude of a rep, the threshold, the unscored band around it). A
# partial rep acted far below it is no rep; one in the band leaves the count unscored.
COUNTED_WHEN = {
    "glute_bridge": (lambda r: r["peak_hip_line_deg"] - r["rest_hip_line_deg"], 15.0, 5.0),
    "seated_hip_abduction": (lambda r: r["peak_ratio"] - r["rest_ratio"], 0.3, 0.075),
    "clamshell": (lambda r: r["peak_opening_deg"] - r["rest_opening_deg"], 12.0, 5.0),
    "squat": (lambda r: 90.0 - r["thigh_above_parallel_deg"], 35.0, 5.0),
}


def expected_reps(exercise: str, expect: dict, reps: list[dict]) -> dict:
    """``expect`` with the rep count of only the reps that pass the counting threshold (a
    range when some are too close to it to say; the faults acted then unscored)."""
    if exercise not in COUNTED_WHEN or expect.get("rep_count") is None or not reps:
        return expect
    amplitude, threshold, band = COUNTED_WHEN[exercise]
    sizes = [amplitude(r) for r in reps]
    sure = sum(a >= threshold + band for a in sizes)
    maybe = sum(abs(a - threshold) < band for a in sizes)
    if sure == len(sizes):
        return expect
    # Faults acted in reps that may not count cannot be asked for: leave them unscored.
    unscored = sorted(set(expect.get("faults_unscored", [])) | set(expect["faults_present"]))
    return {**expect, "faults_present": [], "faults_unscored": unscored, "rep_count_range": [sure, sure + maybe]}


def _population_one(path: Path) -> Score:
    from formcheck.pose.store import load_track

    return score_track(*load_track(path))


def score_track(track, truth: dict) -> Score:
    """A population track's rules replayed and scored against its truth."""
    view = truth["view"]
    got = replay(track, truth["exercise"])
    expect = expected_reps(truth["exercise"], truth["expect"], truth["truth"]["reps"])
    if truth["negative"]:
        # On a move that is not the exercise nothing may be counted and no form fault may
        # fire; the set-up notices are not scored there (a walker crossing a front camera
        # is side-on; a pigeon stretch hides both ankles behind the body).
        expect = dict(expect, faults_absent=[c for c in expect["faults_absent"] if c not in COMMON])
    s = score(truth["clip"], truth["exercise"], view_of(view["yaw_deg"], view["outside_views_deg"]), expect, got,
              count_always=truth["negative"])
    if truth["negative"]:  # the exercise's own look-alike (a pelvic tilt, a bob, ...) or a named move
        s.negative = truth.get("negative_move") or "look-alike"
    return s


def population_scores(half: str = "test", root: Path = POPULATION, jobs: int = 2) -> list[Score]:
    paths = sorted(root.glob("*/*.track.xz"))
    if half != "all":
        parity = 1 if half == "test" else 0
        paths = [p for p in paths if int(p.name.split(".")[0].rsplit("-", 1)[1]) % 2 == parity]
    if jobs > 1 and len(paths) > 8:
        with ProcessPoolExecutor(jobs) as pool:
            return list(pool.map(_population_one, paths, chunksize=4))
    return [_population_one(p) for p in paths]


# --- filmed clips ----------------------------------------------------------------------
def real_track(clip: Path, exercise: str):
    """The pose track of a filmed clip (``formcheck analyze --landmarks``), cached by content."""
    from formcheck.pose.landmarks import PoseTrack

    digest = hashlib.sha256(clip.read_bytes()).hexdigest()[:16]
    cached = REAL_CACHE / f"{clip.stem}.{digest}.{pose_stage_digest()}.npz"
    if not cached.exists():
        REAL_CACHE.mkdir(parents=True, exist_ok=True)
        formcheck = Path(sys.executable).with_name("formcheck")
        subprocess.run([str(formcheck), "analyze", str(clip), "--exercise", exercise, "--quiet",
                        "--landmarks", str(cached)], check=True, capture_output=True)
    return PoseTrack.load(cached)


def real_scores() -> list[Score]:
    labels = json.loads(REAL_LABELS.read_text())
    scores = []
    for label in labels["clips"]:
        clip = REAL_CLIPS / label["file"]
        got = replay(real_track(clip, label["exercise"]), label["exercise"])
        s = score(label["file"], label["exercise"], "filmed", label, got, count_always=True)
        if label.get("unscored"):
            s.view = "unscored"
        s.got = got
        scores.append(s)
    return scores


# --- the recogniser (--exercise auto) ---------------------------------------------------
def recogniser_pairs(half: str = "test", root: Path = POPULATION) -> list[tuple[str, str]]:
    """(truth, answer) per clip of ``half``: the exercise, or "none" for a negative."""
    from formcheck.pose.store import load_track
    from formcheck.recognition_training import NONE, clip_label
    from formcheck.recognize import Recognizer

    recognizer = Recognizer.load()
    pairs = []
    for path in sorted(root.glob("*/*.track.xz")):
        track, truth = load_track(path)
        if half == "all" or truth["half"] == half:
            pairs.append((NONE if truth["negative"] else truth["exercise"], clip_label(recognizer, track)))
    return pairs


def real_recogniser_pairs() -> list[tuple[str, str]]:
    from formcheck.recognition_training import NONE, clip_label
    from formcheck.recognize import Recognizer

    recognizer = Recognizer.load()
    labels = json.loads(REAL_LABELS.read_text())["clips"]
    seen, pairs = set(), []
    for label in labels:
        if label["file"] in seen or label.get("unscored"):
            continue
        seen.add(label["file"])
        truth = NONE if label.get("holds") == [] or label.get("rep_count") == 0 else label["exercise"]
        pairs.append((truth, clip_label(recognizer, real_track(REAL_CLIPS / label["file"], label["exercise"]))))
    return pairs


def print_confusion(pairs: list[tuple[str, str]], title: str, out=sys.stdout) -> float:
    """A confusion matrix (rows: truth, columns: answer); returns the share right."""
    names = sorted({t for t, _ in pairs} | {a for _, a in pairs})
    short = {n: n.replace("seated_", "s_").replace("standing_", "st_").replace("figure_four", "f4")
             .replace("hip_abduction", "abd")[:9] for n in names}
    print(f"{title}: {sum(t == a for t, a in pairs)}/{len(pairs)} right", file=out)
    print(f"  {'truth / answer':22}" + "".join(f"{short[n]:>10}" for n in names), file=out)
    for t in names:
        row = [sum(1 for tt, a in pairs if tt == t and a == n) for n in names]
        if sum(row):
            print(f"  {t:22}" + "".join(f"{v:>10}" for v in row), file=out)
    return sum(t == a for t, a in pairs) / len(pairs) if pairs else 0.0


# --- the table -------------------------------------------------------------------------
def _share(values) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _fmt(value, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def summary(scores: list[Score]) -> dict:
    reps = [s.rep_error for s in scores if s.rep_error is not None]
    holds = [s.holds_exact for s in scores if s.holds_exact is not None]
    errors = [abs(e) for s in scores for e in s.hold_errors_s]
    sides = [x for s in scores for x in s.sides_right]
    clean = [not any(fired for true, fired in s.faults.values() if not true) for s in scores if s.clean]
    return {"clips": len(scores), "reps_exact": _share(e == 0 for e in reps),
            "reps_mae": _share(abs(e) for e in reps), "holds_exact": _share(holds),
            "hold_error_s": _share(errors), "side_right": _share(sides), "clean_ok": _share(clean),
            "all_ok": _share(s.ok for s in scores),
            "counted": _share(s.count_judged for s in scores if s.count_judged is not None)}


def fault_table(scores: list[Score]) -> dict[tuple[str, str], dict]:
    """(exercise, code) -> true/false positives and negatives."""
    table: dict[tuple[str, str], dict] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "nj": 0})
    for s in scores:
        for code, (true, fired) in s.faults.items():
            key = "tp" if true and fired else "fn" if true else "fp" if fired else "tn"
            table[(s.exercise, code)][key] += 1
        for code in s.unjudged:
            table[(s.exercise, code)]["nj"] += 1
    for row in table.values():
        row["precision"] = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else None
        row["recall"] = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else None
    return dict(table)


def print_report(scores: list[Score], real: list[Score] | None, half: str, out=sys.stdout) -> str:
    w = lambda line="": print(line, file=out)  # noqa: E731
    w(f"Rendered population, {half} half: {len(scores)} clips "
      f"(unscored bands: angles +-5 deg, times +-25 %, ratios half the sample clips' margin)")
    w(f"{'exercise':22} {'view':9} {'n':>3} {'reps ok':>7} {'rep MAE':>7} {'holds ok':>8} "
      f"{'hold err s':>10} {'side ok':>7} {'clean ok':>8} {'all ok':>6} {'counted':>7}")
    groups: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for s in scores:
        groups[(s.exercise, s.view)].append(s)
        groups[(s.exercise, "all")].append(s)
    for (exercise, view), group in sorted(groups.items()):
        m = summary(group)
        w(f"{exercise:22} {view:9} {m['clips']:>3} {_fmt(m['reps_exact']):>7} {_fmt(m['reps_mae']):>7} "
          f"{_fmt(m['holds_exact']):>8} {_fmt(m['hold_error_s']):>10} {_fmt(m['side_right']):>7} "
          f"{_fmt(m['clean_ok']):>8} {_fmt(m['all_ok']):>6} {_fmt(m['counted']):>7}")
    w()
    w(f"{'exercise':22} {'fault':18} {'precision':>9} {'recall':>6} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3} "
      f"{'not judged':>10}")
    faults = fault_table(scores)
    for (exercise, code), row in sorted(faults.items()):
        w(f"{exercise:22} {code:18} {_fmt(row['precision']):>9} {_fmt(row['recall']):>6} "
          f"{row['tp']:>3} {row['fp']:>3} {row['fn']:>3} {row['tn']:>3} {row['nj']:>10}")
    negatives: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        if s.negative:
            negatives[s.negative].append(s)
    if negatives:
        w()
        w("Negatives (moves that are not the exercise: no rep, hold or fault may count):")
        for kind, group in sorted(negatives.items()):
            fired = sorted({r for s in group for r in s.reasons})
            w(f"  {kind:16} {sum(s.ok for s in group):>3}/{len(group):<3} right"
              + (f"; wrong: {', '.join(fired)}" if fired else ""))
    if real is not None:
        w()
        w("Filmed clips (../shared/real-clips) against their hand labels:")
        for s in real:
            got = s.got
            what = f"{got.rep_count} reps" + (f", holds {[(h[0], round(h[1], 1)) for h in got.holds]}"
                                              if got.holds else "")
            status = "unscored" if s.view == "unscored" else ("ok" if s.ok else "WRONG")
            w(f"  {status:8} {s.name:38} {s.exercise:21} {what}; fired {sorted(got.fired) or '-'}"
              + (f"; {'; '.join(s.reasons)}" if s.reasons and status != "unscored" else ""))
    w()
    failing = [s for s in scores if not s.ok]
    if failing:
        w(f"Wrong clips ({len(failing)}):")
        for s in failing:
            w(f"  {s.name:28} {s.view:9} {'; '.join(s.reasons)}")
        w()
    m = summary(scores)
    precisions = [r["precision"] for r in faults.values() if r["precision"] is not None]
    recalls = [r["recall"] for r in faults.values() if r["recall"] is not None]
    scored_real = [s for s in real or [] if s.view != "unscored"]
    line = (f"ACCURACY {half}_clips={m['clips']} reps_exact={_fmt(m['reps_exact'])} "
            f"holds_exact={_fmt(m['holds_exact'])} fault_precision_min={_fmt(min(precisions, default=None))} "
            f"fault_recall_min={_fmt(min(recalls, default=None))} clean_ok={_fmt(m['clean_ok'])} "
            f"counted={_fmt(m['counted'])} "
            f"real_ok={sum(s.ok for s in scored_real)}/{len(scored_real)}")
    w(line)
    return line


FLOORS = ROOT / "tests" / "accuracy_floors.json"


def floors_of(scores: list[Score]) -> dict:
    """Today's figures on a half, as floors: the headline shares and every fault's precision
    and recall (where it has any case)."""
    m = summary(scores)
    down = lambda x: math.floor(x * 1000) / 1000  # noqa: E731  (a floor never above the figure)
    faults = {f"{exercise}/{code}": {k: down(row[k]) for k in ("precision", "recall") if row[k] is not None}
              for (exercise, code), row in sorted(fault_table(scores).items())}
    return {"clips": m["clips"], **{k: down(m[k]) for k in ("reps_exact", "holds_exact", "clean_ok", "counted")},
            "faults": {k: v for k, v in faults.items() if v}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("test", "tune", "all"), default="test")
    parser.add_argument("--no-real", action="store_true", help="skip the filmed clips")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-recogniser", dest="recogniser", action="store_false",
                        help="skip the recogniser's confusion matrices")
    parser.add_argument("--raise-floors", action="store_true",
                        help=f"write the test half's figures as the CI floors ({FLOORS.name}); only ever upward")
    parser.add_argument("--adaptive", action="store_true",
                        help="also list any answer the adaptive analysis rate changes (benchmarks.adaptive)")
    args = parser.parse_args(argv)
    if args.adaptive:  # the whole population (simulated) and, unless --no-real, the filmed clips
        from benchmarks import adaptive
        adaptive.main(["--jobs", str(args.jobs)] + (["--no-filmed"] if args.no_real else []))
    scores = population_scores(args.half, jobs=args.jobs)
    if not scores:
        print(f"no stored tracks in {POPULATION}: python -m formcheck.samplegen population", file=sys.stderr)
        return 1
    real = None if args.no_real or not REAL_CLIPS.is_dir() else real_scores()
    if args.recogniser:
        print_confusion(recogniser_pairs(args.half), f"Recogniser (--exercise auto), {args.half} half")
        if real is not None:
            print_confusion(real_recogniser_pairs(), "Recogniser on the filmed clips")
        print()
    print_report(scores, real, args.half)
    if args.raise_floors:
        from formcheck.fileio import write_json_atomic

        if args.half != "test":
            parser.error("floors are the test half's figures: use --half test")
        write_json_atomic(FLOORS, raised(json.loads(FLOORS.read_text()) if FLOORS.exists() else {}, floors_of(scores)))
        print(f"floors raised in {FLOORS}")
    return 0


def raised(old: dict, new: dict) -> dict:
    """``new`` floors, but never below ``old`` ones (a floor only ever goes up)."""
    if isinstance(new, dict):
        return {k: raised(old.get(k, {}) if isinstance(old, dict) else {}, v) for k, v in new.items()}
    return max(new, old) if isinstance(old, (int, float)) else new


if __name__ == "__main__":
    sys.exit(main())
