"""A random population of rendered clips, for measuring accuracy on people, cameras and
tempos the rules were never tuned on.

Every clip is drawn from its seed alone (reproducible): a body over the whole phenotype
range, skin, clothing, floor and wall colours, a camera anywhere in the exercise's views
(and, for ``wrong_view``, a little beyond them), its height (down to a phone on the
floor), distance, lens, resolution (360p-1080p, portrait for standing exercises) and
frame rate (10-60 fps); a tempo, 1-3 reps with 0-2 s pauses, the side order; a fault
acted at a graded severity (from clean to well past its threshold) or a move that is not
the exercise at all (a negative). A true value inside a narrow band around its threshold
(``BAND_SHARE`` x the sample clips' margin, see ``spec``) is left unscored.

The clip is rendered and the pose model run once; what is kept is its pose track and its
truth (``PopulationTrack``), a few tens of kB, from which the rules are replayed in
seconds. The video itself is rendered again on demand (``video``).

Seeds: clip ``k`` of an exercise has seed ``1000 * exercise number + k``; even ``k`` are
the tuning half, odd ``k`` the test half. Tune only on the tuning half. Clips from
``PER_EXERCISE`` on are named negatives (``NEGATIVE_MOVES``, ``exercises.negatives``):
walking through, sitting down, a pigeon stretch, as many in each half; after them come
``MORE_PER_EXERCISE`` more drawn clips, then ``PER_FAULT`` clips of each fault in turn
(acted at the same graded severity, in the exercise's views), so that each fault's precision
and recall rest on more than two or three clips a half.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.pose.store import save_track
from formcheck.samplegen.body import BodyShape, Outfit
from formcheck.samplegen.exercises import EXERCISES, CameraSpec, ClipSpec
from formcheck.samplegen.exercises.negatives import MOVES

PER_EXERCISE = 40          # drawn clips before the named negatives
MORE_PER_EXERCISE = 40     # ... and after them: with 2-4 clips a fault in a half, one clip moved a
                           # fault's precision or recall by 0.25-0.5
PER_FAULT = 12             # ... and last, this many clips of each fault (half in each half)
BAND_SHARE = 0.5          # unscored band: half the sample clips' margin (5 deg, 25% of a time, ...)
WRONG_VIEW_BAND_DEG = 15.0  # yaw this close outside the allowed views: wrong_view unscored
NEGATIVE_SHARE = 0.12
BEYOND_SHARE = 0.12
CLEAN_SHARE = 0.3
LANDSCAPE = ((640, 360), (640, 480), (854, 480), (960, 540), (1280, 720), (1920, 1080))
LANDSCAPE_WEIGHTS = (0.2, 0.2, 0.15, 0.15, 0.18, 0.12)
PORTRAIT = ((360, 640), (540, 960), (720, 1280), (1080, 1920))
FPS = (10.0, 15.0, 24.0, 25.0, 30.0, 50.0, 60.0)
FPS_WEIGHTS = (0.2, 0.22, 0.14, 0.14, 0.18, 0.05, 0.07)
HOLD_FPS = 5   # stretches (holds of 10-30 s) are filmed at up to 30 fps (the first five rates)
# Script options that are movements (scaled by the tempo) and pauses (drawn 0-2 s).
PAUSES = ("rest_s", "between_s")
STILL = ("start_s", "end_s", "hold_s", "top_s", "bottom_s", "seated_s") + PAUSES
HOLD_MARGIN_S = 0.5       # a stretch's hold stays this much longer than its lean in and out
MIN_MOVE_S = 0.1          # the shortest movement or hold a graded fault may make
# Named negatives (``exercises.negatives``) drawn after the first ``PER_EXERCISE`` clips:
# clip numbers 040, 041, ... of an exercise, this many of each move that applies to it
# (even counts: as many in the tuning half as in the test half).
NEGATIVE_MOVES = {"walking_through": 2, "sitting_down": 4, "pigeon_stretch": 4}


def exercise_number(exercise_id: str) -> int:
    return list(EXERCISES).index(exercise_id) + 1


def clip_name(exercise_id: str, index: int) -> str:
    return f"{exercise_id}-{index:03d}"


def negative_moves(exercise_id: str) -> list[str]:
    """The named negative of each clip numbered from ``PER_EXERCISE`` on."""
    kinds = ("walking_through",) + EXERCISES[exercise_id].negative_moves
    return [kind for kind in kinds for _ in range(NEGATIVE_MOVES[kind])]


def faults_of(exercise_id: str) -> list[str]:
    return [f for f in EXERCISES[exercise_id].fault_options if f is not None]


def first_fault_clip(exercise_id: str) -> int:
    return PER_EXERCISE + len(negative_moves(exercise_id)) + MORE_PER_EXERCISE


def clip_count(exercise_id: str) -> int:
    return first_fault_clip(exercise_id) + PER_FAULT * len(faults_of(exercise_id))


def fault_acted(exercise_id: str, index: int) -> str | None:
    """The fault clip ``index`` must act (clips from ``first_fault_clip`` on), else None. Clips
    2k and 2k+1 act the same fault, one in each half."""
    first = first_fault_clip(exercise_id)
    faults = faults_of(exercise_id)
    return faults[(index - first) // 2 % len(faults)] if index >= first else None


def half_of(index: int) -> str:
    return "test" if index % 2 else "tune"


def blend(clean, fault, share: float):
    """Options ``share`` of the way from the clean script to the fault's (numbers blended,
    anything else switched at half way): a graded severity."""
    if isinstance(fault, dict):
        clean = clean if isinstance(clean, dict) else {}
        return {k: blend(clean.get(k, 0.0 if isinstance(v, (int, float)) else None), v, share)
                for k, v in {**clean, **fault}.items()}
    if isinstance(fault, (int, float)) and not isinstance(fault, bool) and isinstance(clean, (int, float)):
        return clean + share * (fault - clean)
    return fault if share >= 0.5 else clean


def _outfit(rng: np.random.Generator) -> Outfit:
    dark, light = np.array([88, 58, 42]), np.array([242, 204, 176])
    skin = tuple(int(v) for v in dark + rng.uniform() * (light - dark))
    colour = lambda lo=15, hi=240: tuple(int(v) for v in rng.integers(lo, hi, 3))  # noqa: E731
    hair = [(25, 20, 18), (90, 60, 35), (200, 170, 110), (170, 170, 170)][rng.integers(4)]
    return Outfit(skin=skin, hair=hair, shirt=colour(), trousers=colour(), shoes=colour(),
                  shorts=bool(rng.uniform() < 0.3), short_sleeves=bool(rng.uniform() < 0.5))


def _yaw(rng: np.random.Generator, cls, beyond: bool) -> tuple[float, float]:
    """(yaw, degrees outside the allowed views)."""
    lo, hi = cls.yaw_ranges[rng.integers(len(cls.yaw_ranges))]
    if not beyond:
        return float(rng.uniform(lo, hi)), 0.0
    outside = float(rng.uniform(0.3, 1.0) * cls.beyond_deg)
    # Step out of the range toward the other views (never round behind a side-on body).
    edges = [e for e in (lo, hi) if abs(e) < 90]
    edge = edges[rng.integers(len(edges))]
    yaw = edge - outside if edge == lo else edge + outside
    return float(yaw), outside


def _fps(rng: np.random.Generator, holds: bool) -> float:
    rates, weights = (FPS[:HOLD_FPS], FPS_WEIGHTS[:HOLD_FPS]) if holds else (FPS, FPS_WEIGHTS)
    return float(rates[rng.choice(len(rates), p=np.array(weights) / sum(weights))])


def _options(rng: np.random.Generator, cls, negative: bool, move: str | None = None,
             fault: str | None = None) -> tuple[str | None, dict, float]:
    """(fault acted, script options, severity share); ``fault``: the fault to act."""
    if move is not None:  # a named negative: its own script, its own options
        return None, {"move": move, **MOVES[move].draw_options(rng)}, 0.0
    defaults = cls.defaults
    faults = [f for f in cls.fault_options if f is not None]
    if negative:
        fault, share, options = None, 0.0, dict(cls.negative_options)
    else:
        if fault is None:  # drawn: clean, or one of the faults
            fault = None if rng.uniform() < CLEAN_SHARE else faults[rng.integers(len(faults))]
        toward = fault or faults[rng.integers(len(faults))]
        share = float(rng.uniform(0.35, 1.3) if fault else rng.uniform(0.0, 0.3))
        options = blend(defaults, cls.fault_options[toward], share)
        options = {k: v for k, v in options.items() if k in cls.fault_options[toward]}
        for key, value in options.items():  # a severity past the fault's own may not reverse time
            if key.endswith("_s") and isinstance(value, float) and key not in PAUSES:
                options[key] = max(value, MIN_MOVE_S)
    tempo = float(rng.uniform(0.75, 1.35))
    for key, value in defaults.items():
        if not key.endswith("_s") or key in options:
            continue
        if key in PAUSES:
            options[key] = float(rng.uniform(0.0, 2.0))
        elif key == "start_s":
            options[key] = float(rng.uniform(0.2, 1.6))
        elif key not in STILL:
            options[key] = value * tempo
    if "reps" in defaults:
        options["reps"] = int(rng.integers(1, 4))
    if "sides" in defaults and "hold_s" not in options:  # a stretch held a little longer or shorter
        options["hold_s"] = defaults["hold_s"] * float(rng.uniform(*cls.hold_scale))
    if "sides" in defaults and "sides" not in options:
        options["sides"] = ["left", "right"] if rng.uniform() < 0.5 else ["right", "left"]
    if "lean_in_s" in defaults and "hold_s" in options:  # the hold contains the lean in and out
        lean_s = options.get("lean_in_s", defaults["lean_in_s"]) + options.get("lean_out_s", defaults["lean_out_s"])
        options["hold_s"] = max(options["hold_s"], lean_s + HOLD_MARGIN_S)
    return fault, options, share


def draw(exercise_id: str, index: int, attempt: int = 0) -> ClipSpec:
    """Clip ``index`` of ``exercise_id``'s population (``attempt`` > 0: drawn again after a
    draw that could not be rendered)."""
    cls = EXERCISES[exercise_id]
    seed = 1000 * exercise_number(exercise_id) + index
    rng = np.random.default_rng([seed, attempt])
    shape = BodyShape(gender=rng.uniform(0, 1), age=rng.uniform(0.62, 1.0), height=rng.uniform(0, 1),
                      weight=rng.uniform(0, 1), muscle=rng.uniform(0, 1), proportions=rng.uniform(0.25, 0.75))
    shape = BodyShape(**{k: round(float(v), 3) for k, v in shape.to_dict().items()})
    moves = negative_moves(exercise_id)
    move = moves[index - PER_EXERCISE] if PER_EXERCISE <= index < PER_EXERCISE + len(moves) else None
    forced = fault_acted(exercise_id, index)
    negative = forced is None and (bool(rng.uniform() < NEGATIVE_SHARE) or move is not None)
    beyond = bool(forced is None and not negative and cls.beyond_deg > 0 and rng.uniform() < BEYOND_SHARE)
    yaw, outside = _yaw(rng, cls, beyond)
    if cls.portrait_ok and rng.uniform() < 0.25:
        width, height = PORTRAIT[rng.integers(len(PORTRAIT))]
    else:
        width, height = LANDSCAPE[rng.choice(len(LANDSCAPE), p=LANDSCAPE_WEIGHTS)]
    camera = CameraSpec(yaw_deg=round(yaw, 1), height_m=round(float(rng.uniform(*cls.camera_heights_m)), 2),
                        distance_m=round(float(rng.uniform(*cls.distances_m)), 2), width=width, height=height,
                        fps=_fps(rng, holds="sides" in cls.defaults),
                        hfov_deg=round(float(rng.uniform(50.0, 72.0)), 1))
    fault, options, share = _options(rng, cls, negative, move, forced)
    colour = lambda lo, hi: tuple(int(v) for v in rng.integers(lo, hi, 3))  # noqa: E731
    what = (f"negative ({move})" if move else "negative" if negative
            else f"{fault} at {share:.2f}" if fault else f"clean ({share:.2f})")
    description = f"population: {what}; yaw {yaw:.0f}" + (f" ({outside:.0f} deg beyond the views)" if beyond else "")
    return ClipSpec(exercise_id, clip_name(exercise_id, index), description, fault, shape, _outfit(rng), camera,
                    options, seed, floor_rgb=colour(40, 230), wall_rgb=colour(60, 250),
                    band_share=BAND_SHARE, negative=negative)


def view_truth(spec: ClipSpec) -> dict:
    """How far outside the exercise's allowed views the camera stands (0 = inside)."""
    cls = EXERCISES[spec.exercise]
    yaw = spec.camera.yaw_deg
    outside = min(0.0 if lo <= yaw <= hi else min(abs(yaw - lo), abs(yaw - hi)) for lo, hi in cls.yaw_ranges)
    return {"yaw_deg": yaw, "outside_views_deg": round(outside, 1)}


def prepared(exercise_id: str, index: int, attempts: int = 8):
    """A ``Rendering`` of the clip whose body stays in the frame (a farther camera, or a new
    draw, when it would not)."""
    from formcheck.samplegen.generate import Rendering

    for attempt in range(attempts):
        spec = draw(exercise_id, index, attempt)
        for _ in range(5):
            try:
                rendering = Rendering(spec)
            except ValueError:  # a blend the script cannot act (out of its reach)
                break
            if rendering.keypoints_in_frame():
                return rendering
            spec = replace(spec, camera=replace(spec.camera, distance_m=round(spec.camera.distance_m * 1.15, 2)))
    raise RuntimeError(f"{clip_name(exercise_id, index)}: no drawable clip in {attempts} attempts")


def render_track(exercise_id: str, index: int, model_path: Path) -> tuple[object, dict]:
    """Render clip ``index`` and run the pose model on every frame: (PoseTrack, truth)."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.landmarks import PoseTrack

    rendering = prepared(exercise_id, index)
    spec = rendering.spec
    track = PoseTrack(fps=spec.camera.fps, width=spec.camera.width, height=spec.camera.height)
    with PoseEstimator(model_path) as estimator:
        for t_s, image in rendering.frames():
            track.append(t_s, estimator.detect(image, t_s))
    expect, truth = rendering.outcome()
    view = view_truth(spec)
    if view["outside_views_deg"] > WRONG_VIEW_BAND_DEG:  # the camera is clearly off the views
        expect["faults_present"] = sorted(set(expect["faults_present"]) | {"wrong_view"})
        expect["faults_absent"] = [c for c in expect["faults_absent"] if c != "wrong_view"]
    if view["outside_views_deg"] > 0:  # faults the view may hide are not scored, nor wrong_view in the band
        hidden = [c for c in expect["faults_absent"] + expect["faults_present"] if c != "wrong_view"]
        if view["outside_views_deg"] <= WRONG_VIEW_BAND_DEG:
            hidden.append("wrong_view")
        expect["faults_present"] = [c for c in expect["faults_present"] if c not in hidden]
        expect["faults_absent"] = [c for c in expect["faults_absent"] if c not in hidden]
        expect["faults_unscored"] = sorted(set(expect.get("faults_unscored", [])) | set(hidden))
    return track, {"exercise": exercise_id, "clip": spec.clip, "index": index, "half": half_of(index),
                   "negative": spec.negative, "negative_move": spec.options.get("move"),
                   "view": view, "description": spec.description,
                   "expect": expect, "truth": truth, "render": rendering.render_params()}


def track_path(root: Path, exercise_id: str, index: int) -> Path:
    return root / exercise_id / f"{clip_name(exercise_id, index)}.track.xz"


def build_one(job: tuple[str, int, str, str]) -> str:
    """Render and track one clip into ``root`` (a worker process's task)."""
    exercise_id, index, root, model_path = job
    import time

    import torch

    torch.set_num_threads(1)
    started = time.monotonic()
    path = track_path(Path(root), exercise_id, index)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        track, truth = render_track(exercise_id, index, Path(model_path))
    except Exception as error:  # one clip the scripts cannot act must not stop the others
        return f"{clip_name(exercise_id, index)}: FAILED {type(error).__name__}: {error}"
    save_track(path, track, truth)
    seen = sum(p is not None for p in track.poses) / max(1, len(track.poses))
    return (f"{truth['clip']}: {len(track)} frames, pose on {seen:.0%}, {path.stat().st_size / 1024:.0f} kB, "
            f"{time.monotonic() - started:.0f} s; {truth['description']}; expect {truth['expect']}")


def video(exercise_id: str, index: int, out_root: Path) -> Path:
    """Render one population clip as a video (with its expected file) into ``out_root``."""
    from formcheck.samplegen.generate import render_clip

    spec = prepared(exercise_id, index).spec
    render_clip(spec, out_root)
    return out_root / exercise_id / f"{spec.clip}.mp4"
