"""The command line: the only place that parses arguments and prints for users."""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
from pathlib import Path

import click

from formcheck.errors import FormcheckError


def _model(variant: str = "full") -> Path:
    from formcheck.models import ensure_model
    return ensure_model(variant)


def _exercise_choice(value: str, allow_auto: bool = False) -> str:
    """``value`` if it names an exercise (or ``auto``, where allowed); else one line with the
    nearest id ("did you mean glute_bridge?") and every valid one."""
    from formcheck.exercises import EXERCISES
    if value in EXERCISES or (allow_auto and value == "auto"):
        return value
    choices = sorted(EXERCISES) + (["auto"] if allow_auto else [])
    guess = _nearest(value, choices)
    hint = f"did you mean {guess}? " if guess else ""
    raise FormcheckError(f"unknown exercise {value!r}; {hint}choose one of: {', '.join(choices)}")


def _nearest(value: str, choices: list[str]) -> str | None:
    """The choice a typo most likely meant: "glute_brige", "Glute bridge" and "bridge" all
    mean glute_bridge."""
    typed = value.strip().lower().replace(" ", "_").replace("-", "_")
    close = difflib.get_close_matches(typed, choices, n=1, cutoff=0.6)
    if close:
        return close[0]
    containing = [c for c in choices if typed and typed in c]
    return containing[0] if len(containing) == 1 else None


def summary_line(report) -> str:
    """One line on a ``Report``: the clip, its exercise, reps or holds, faults (named as the
    report page names them)."""
    from formcheck.exercises.base import is_count_code
    from formcheck.report.words import exercise_title, fault_title
    s = report.summary
    parts = [f"{Path(report.source).name}: {exercise_title(report.exercise)}"]
    if s.rep_count or not s.hold_count:
        parts.append(f"{s.rep_count} rep{'' if s.rep_count == 1 else 's'}")
    if s.hold_count:
        holds = ", ".join(f"{h.side or '-'} {h.duration_s:.1f} s" for h in report.holds)
        parts.append(f"{s.hold_count} hold{'' if s.hold_count == 1 else 's'} ({holds})")
    if any(is_count_code(n.code) for n in report.not_judged):
        parts[-1] += " - the count is not reliable from this view"
    faults = ", ".join(f"{fault_title(code, report.exercise).lower()} ×{n}" for code, n in s.fault_counts.items())
    parts.append(f"faults: {faults}" if faults else "no faults seen" if report.not_judged else "no faults")
    return "; ".join(parts)


def outputs_written(outputs, report) -> list[str]:
    """Where each file of a single-video run went: "JSON report: out/r.json", ... (and the
    page of each other exercise recognised in it)."""
    from formcheck.analyze import part_page
    lines = [f"{what}: {path}" for what, path in (
        ("JSON report", outputs.json), ("HTML report", outputs.html), ("annotated video", outputs.video),
        ("CSV table", outputs.csv), ("pose track", outputs.landmarks)) if path is not None]
    if outputs.html is not None and len(report.parts) > 1:
        pages = [part_page(outputs.html, number, part.exercise) for number, part in enumerate(report.parts, 1)]
        lines += [f"HTML report, part {page.stem.rsplit('.', 1)[-1]}: {page}" for page in pages if page.exists()]
    return lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formcheck")
def cli():
    """formcheck: watches you exercise and tells you, like a physiotherapist, what to fix."""


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--exercise", "-e", help="Exercise id (see `formcheck exercises`), or auto to recognise it.")
@click.option("--routine", "routine_name", help="A routine done start to finish: a built-in name "
              "(see `formcheck routines`) or a .toml file.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the JSON report here.")
@click.option("--output", "video_out", type=click.Path(path_type=Path), help="Write the annotated video here (.mp4).")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="Write the HTML report here.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Write per-rep/per-hold rows as CSV.")
@click.option("--landmarks", "landmarks_out", type=click.Path(path_type=Path),
              help="Save the pose track (.npz) to re-run rules without the model.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Thresholds file (TOML).")
@click.option("--model", "model_variant", default="full", show_default=True, help="Pose model: lite, full or heavy.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--every-frame", is_flag=True,
              help="Run the pose model on every frame (by default it skips frames while the body is slow).")
@click.option("--out", "results_dir", type=click.Path(path_type=Path),
              help="Folder: write each video's reports here (mirroring the folder) and an index.html.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Folder: videos analysed at once [default: CPU count].")
@click.option("--force", is_flag=True, help="Folder: re-analyse videos whose reports are up to date.")
@click.option("--annotate", is_flag=True, help="Folder: also write an annotated .mp4 per video.")
@click.option("--backend", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Folder: worker processes here, or one Ray task per video.")
@click.option("--address", help="Folder, Ray: cluster address [default: start a local Ray].")
def analyze(source, exercise, routine_name, json_out, video_out, html_out, csv_out, landmarks_out, config_path,
            model_variant, quiet, every_frame, results_dir, jobs, force, annotate, backend, address):
    """Analyse a recorded video, or every video in a folder, and report reps, holds and faults."""
    from formcheck.config import load_config

    if every_frame and (routine_name is not None or source.is_dir()):
        raise FormcheckError("--every-frame is for one video (not a folder or a --routine)")

    if routine_name is not None:
        return _analyze_routine(source, exercise, routine_name, json_out, video_out, html_out, csv_out,
                                landmarks_out, config_path, model_variant, quiet, results_dir)
    if exercise is None:
        raise FormcheckError("name the exercise with --exercise ID (or auto), or the routine with --routine NAME")

    if source.is_dir():
        if any((json_out, video_out, html_out, csv_out, landmarks_out)):
            raise FormcheckError("--json, --output, --html, --csv and --landmarks are for one video; "
                                 "for a folder use --out RESULTS_DIR (and --annotate for videos)")
        return _analyze_folder(source, _exercise_choice(exercise, allow_auto=True), results_dir,
                               load_config(config_path), model_variant, quiet, jobs, force, annotate, backend, address)
    if results_dir or jobs or force or annotate or backend != "local" or address:
        raise FormcheckError("--out, --jobs, --force, --annotate, --backend and --address are for a folder of videos")
    from formcheck.analyze import Outputs, analyze_video
    exercise = _exercise_choice(exercise, allow_auto=True)
    config = load_config(config_path)
    if not source.exists():
        raise FormcheckError(f"no such file or folder: {source}")
    outputs = Outputs(json=json_out, video=video_out, html=html_out, csv=csv_out, landmarks=landmarks_out)
    outputs.check_writable()
    report = analyze_video(source, exercise, _model(model_variant), outputs, config=config,
                           progress=not quiet, model_name=f"pose_landmarker_{model_variant}",
                           **({"rate": None} if every_frame else {}))
    from formcheck.report.words import exercise_title, not_judged_text
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(summary_line(report))
    for part in report.parts:
        note = not_judged_text(part.not_judged, part.exercise)
        if note:
            click.echo(f"  {exercise_title(part.exercise)}: {note}" if len(report.parts) > 1 else f"  {note}")
    for line in outputs_written(outputs, report):
        click.echo(f"  {line}")


def _analyze_routine(source, exercise, routine_name, json_out, video_out, html_out, csv_out, landmarks_out,
                     config_path, model_variant, quiet, results_dir):
    from formcheck.analyze import Outputs
    from formcheck.config import load_config
    from formcheck.routine import load_routine
    from formcheck.routine_video import analyze_routine

    if exercise is not None or results_dir is not None or source.is_dir():
        raise FormcheckError("--routine analyses one video of the whole routine: "
                             "give no --exercise, and a video rather than a folder")
    routine = load_routine(routine_name)
    config = load_config(config_path)
    if not source.exists():
        raise FormcheckError(f"no such file or folder: {source}")
    outputs = Outputs(json=json_out, video=video_out, html=html_out, csv=csv_out, landmarks=landmarks_out)
    outputs.check_writable()
    report, _ = analyze_routine(source, routine, _model(model_variant), outputs, config, progress=not quiet,
                                model_name=f"pose_landmarker_{model_variant}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{Path(report.source).name}: {routine.title}: {report.routine.done} of "
               f"{len(report.routine.items)} exercises done")
    for line in routine_lines(report.routine):
        click.echo(f"  {line}")


def routine_lines(summary) -> list[str]:
    """One line per exercise of a routine done: target, what was done, status, faults."""
    from formcheck.report.routine_page import STATUS_WORDS, done_text, target_text
    from formcheck.report.words import exercise_title

    lines = []
    for number, item in enumerate(summary.items, start=1):
        faults = ", ".join(f"{code} x{n}" for code, n in item.faults.items())
        lines.append(f"{number}. {exercise_title(item.exercise)}: {STATUS_WORDS[item.status].lower()} - "
                     f"{done_text(item) if item.status != 'missed' else 'nothing'} of {target_text(item)}"
                     + (f"; faults: {faults}" if faults else ""))
    return lines


def _analyze_folder(folder, exercise, results_dir, config, model_variant, quiet, jobs, force, annotate, backend, address):
    from formcheck.batch import DONE, FAILED, SKIPPED, BatchSettings, run_batch

    if results_dir is None:
        raise FormcheckError("analysing a folder needs --out RESULTS_DIR for the reports")
    settings = BatchSettings(exercise=exercise, model_variant=model_variant, config=config, annotate=annotate)
    result = run_batch(folder, results_dir, settings, jobs=jobs, force=force, backend=backend, address=address,
                       progress=not quiet, note=lambda line: click.echo(f"note: {line}", err=True))
    from formcheck.history import remember_results
    remember_results(results_dir)  # `formcheck history` with no folder reads this one
    for outcome in result.failed:
        earlier = " (as in an earlier run; --force tries again)" if outcome.earlier else ""
        click.echo(f"failed: {outcome.relative}: {outcome.error}{earlier}", err=True)
    counts = {status: len(result.with_status(status)) for status in (DONE, SKIPPED, FAILED)}
    click.echo(f"{len(result.outcomes)} videos: {counts[DONE]} analysed, {counts[SKIPPED]} up to date, "
               f"{counts[FAILED]} failed; index: {result.index}")
    if result.failed:
        raise FormcheckError(f"{counts[FAILED]} of {len(result.outcomes)} videos could not be analysed "
                             f"(listed in {result.index})", exit_code=1)


@cli.command()
@click.argument("results_dir", required=False, type=click.Path(path_type=Path))
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="Also write the plots as an HTML page here.")
def history(results_dir, html_out):
    """Reps, hold times and fault rates per exercise over time, and how often each routine was
    done, from a results folder [default: the one a folder run wrote last]."""
    from formcheck.history import format_adherence, format_table, last_results, load_routines, load_sessions
    from formcheck.report.history_page import write_history_html

    if results_dir is None:
        results_dir = last_results()
        if results_dir is None:
            raise FormcheckError("which results folder? name one (formcheck history RESULTS); no folder run "
                                 "(formcheck analyze DIR --out RESULTS) has written one yet")
        click.echo(f"history of {results_dir} (the folder analysed last)", err=True)
    if not results_dir.is_dir():
        raise FormcheckError(f"no such results folder: {results_dir}")
    sessions, routines = load_sessions(results_dir), load_routines(results_dir)
    if not sessions:
        raise FormcheckError(f"no reports found in {results_dir} (analyse a folder with --out {results_dir})")
    if routines:
        click.echo(format_adherence(routines) + "\n")
    click.echo(format_table(sessions))
    if html_out:
        if not html_out.parent.resolve().is_dir():
            raise FormcheckError(f"output folder does not exist: {html_out.parent}")
        write_history_html(html_out, sessions, routines=routines)
        click.echo(f"history page: {html_out}", err=True)


@cli.command()
@click.option("--exercise", "-e", help="Exercise id (see `formcheck exercises`).")
@click.option("--routine", "routine_name", help="Coach a whole routine: a built-in name (see `formcheck routines`) "
              "or a .toml file; s skips an exercise, r repeats it.")
@click.option("--camera", default="0", show_default=True, help="Device index, video file or stream URL.")
@click.option("--no-window", is_flag=True, help="Run headless (no window); still prints and saves the summary.")
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="Where to save the session report [default: formcheck-live-DATE.json].")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Thresholds file (TOML).")
@click.option("--model", "model_variant", default="full", show_default=True, help="Pose model: lite, full or heavy.")
@click.option("--no-setup-check", is_flag=True, help="Start counting at once, without the camera set-up check.")
@click.option("--speak", is_flag=True, help="Say rep counts and the key cue out loud (pyttsx3 / espeak-ng).")
@click.option("--speak-to", type=click.Path(path_type=Path), help="Record the spoken coaching to a WAV file instead.")
@click.option("--loop", is_flag=True, hidden=True, help="Replay a file source forever (soak tests).")
@click.option("--max-seconds", type=float, hidden=True, help="Stop after this many seconds.")
def live(exercise, routine_name, camera, no_window, json_out, config_path, model_variant, no_setup_check, speak,
         speak_to, loop, max_seconds):
    """Coach live from a webcam (q or Esc quits); prints and saves a summary at the end."""
    import time

    from formcheck.analyze import Outputs
    from formcheck.config import load_config

    if (exercise is None) == (routine_name is None):
        raise FormcheckError("name the exercise with --exercise ID, or the routine with --routine NAME (not both)")
    exercise = _exercise_choice(exercise) if exercise is not None else None
    config = load_config(config_path)
    json_out = json_out or Path(time.strftime("formcheck-live-%Y%m%d-%H%M%S.json"))
    Outputs(json=json_out).check_writable()
    if speak_to:
        Outputs(json=speak_to).check_writable()
    coach = None
    if speak or speak_to:
        from formcheck.coach import Coach, SpeakerVoice, WavVoice
        coach = Coach(WavVoice(speak_to) if speak_to else SpeakerVoice())
    settings = dict(camera=camera, window=not no_window, config=config, model_variant=model_variant,
                    setup_check=not no_setup_check, coach=coach, loop=loop, max_seconds=max_seconds)
    try:
        if routine_name is not None:
            report, stats = _live_routine(routine_name, **settings)
        else:
            report, stats = _live_exercise(exercise, **settings)
    finally:
        if coach is not None:
            coach.close()
    _save_live(report, stats, json_out, coach, camera, model_variant, no_setup_check)


def _live_exercise(exercise, camera, window, config, model_variant, setup_check, coach, loop, max_seconds):
    from formcheck.config import thresholds_for
    from formcheck.exercises import get_exercise
    from formcheck.live import run_live
    from formcheck.report.model import Report, VideoFacts
    from formcheck.session import Session
    from formcheck.setup_check import SetupCheck

    ex = get_exercise(exercise)(thresholds_for(config, exercise))
    session = Session(ex, thresholds_for(config, "common"), keep_timeline=False)
    click.echo(f"{ex.title}: {ex.setup}." + (" Press q or Esc to finish." if window else ""), err=True)
    setup = SetupCheck(ex, session.common) if setup_check else None
    on_frame = (lambda image, state: coach.update(state)) if coach else None
    result, stats, length_s = run_live(camera, session, _model(model_variant), window=window, loop=loop,
                                       max_seconds=max_seconds, setup=setup, on_frame=on_frame,
                                       say=None if window else click.echo, config=config)
    fps = stats.frames_shown / stats.wall_s if stats.wall_s else 0.0
    report = Report.from_session(result, source=str(camera), model=f"pose_landmarker_{model_variant}",
                                 video=VideoFacts(fps, result.frames, length_s, stats.width, stats.height))
    return report, stats


def _live_routine(routine_name, camera, window, config, model_variant, setup_check, coach, loop, max_seconds):
    from formcheck.config import merge_configs
    from formcheck.routine import load_routine
    from formcheck.routine_live import run_routine_live

    routine = load_routine(routine_name)
    click.echo(f"{routine.title}: {len(routine.items)} exercises."
               + (" Press s to skip an exercise, r to repeat it, q or Esc to finish." if window else ""), err=True)
    config = merge_configs(routine.thresholds, config)  # a --config file's thresholds win
    report, stats, _ = run_routine_live(camera, routine, _model(model_variant), config, window=window, loop=loop,
                                        max_seconds=max_seconds, setup_check=setup_check,
                                        say=None if window else click.echo, coach=coach,
                                        model_name=f"pose_landmarker_{model_variant}")
    return report, stats


def _save_live(report, stats, json_out, coach, camera, model_variant, no_setup_check):
    """The live session's report: saved, its warnings and summary printed."""
    from formcheck.fileio import write_text_atomic
    from formcheck.report.model import LiveFacts, Spoken
    from formcheck.report.words import not_judged_text

    report.live = LiveFacts(
        frames_shown=stats.frames_shown, frames_dropped=stats.frames_dropped,
        latency_p50_ms=round(stats.percentile_ms(50), 1), latency_p95_ms=round(stats.percentile_ms(95), 1),
        set_started_s=stats.set_started_s if no_setup_check is False else 0.0,
        spoken=[Spoken(round(u.t_s, 2), u.text, u.kind) for u in coach.said] if coach is not None else None)
    report.warnings += [w for w in stats.warnings if w not in report.warnings]  # the session's own come first
    write_text_atomic(json_out, report.dumps())
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.routine is not None:
        click.echo(f"{report.routine.title}: {report.routine.done} of {len(report.routine.items)} exercises done")
        for line in routine_lines(report.routine):
            click.echo(f"  {line}")
    else:
        click.echo(summary_line(report))
        note = not_judged_text(report.not_judged, report.exercise)
        if note:
            click.echo(f"  {note}")
    click.echo(f"live: {stats.describe()}; report saved to {json_out}", err=True)


@cli.command("check-samples")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Thresholds file (TOML) to try.")
@click.option("--model", "model_variant", default="full", show_default=True, help="Pose model: lite, full or heavy.")
def check_samples(folder, config_path, model_variant):
    """Run every sample clip against its expected outcome; fails if any clip fails."""
    from tqdm import tqdm

    from formcheck.config import load_config
    from formcheck.samples import FAIL, check_clip, find_expected, format_table

    folder = folder or Path(__file__).resolve().parents[1] / "samples"
    config = load_config(config_path)
    expected = find_expected(folder)
    model = _model(model_variant)
    checks = [check_clip(path, model, config) for path in tqdm(expected, unit="clip", leave=False, disable=None)]
    click.echo(format_table(checks, folder))
    if any(c.status == FAIL for c in checks):
        raise FormcheckError("some sample clips failed", exit_code=1)


@cli.command()
def exercises():
    """List exercises, the camera view each needs, and their fault codes."""
    from formcheck.exercises import EXERCISES
    from formcheck.exercises.base import ANY_VIEW
    for ex in EXERCISES.values():
        click.echo(f"{ex.id:<24} {ex.kind:<6} view: {ex.view:<18} {ex.title}")
        click.echo(f"{'':<24} set-up: {ex.setup}")
        for fault in ex.faults():
            views = "any view" if set(fault.views) == set(ANY_VIEW) else " or ".join(fault.views)
            click.echo(f"{'':<24} {fault.code:<20} {fault.title} ({views}): {ex().message(fault.code)}")
    click.echo(f"{'auto':<24} {'':<6} view: {'any':<18} Recognised: which of the exercises above is done "
               "(analyze --exercise auto)")


@cli.command()
def routines():
    """List the built-in routines: their exercises in order, with each one's target."""
    from formcheck.routine import builtin_routines
    for routine in builtin_routines():
        click.echo(f"{routine.name:<16} {routine.title}")
        for number, item in enumerate(routine.items, start=1):
            rest = f", then {item.rest_s:g} s rest" if item.rest_s else ""
            click.echo(f"{'':<16} {number}. {item.title}: {item.target.describe()}{rest}")
    click.echo("Use one with --routine NAME (analyze, live), or copy its file and edit it: "
               "formcheck/routines/NAME.toml")


@cli.group(hidden=True)
def recognition():
    """Train or evaluate the exercise recogniser (--exercise auto) on the sample clips."""


@recognition.command("train")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
def recognition_train(folder):
    """Learn from the tuning half of the rendered population (samples/population) and save
    formcheck/recognition.json; `python -m benchmarks.accuracy` scores it on the test half."""
    from formcheck.recognition_training import train_population
    from formcheck.recognize import MODEL_FILE
    folder = folder or Path(__file__).resolve().parents[1] / "samples" / "population"
    recognizer = train_population(folder)
    recognizer.save(MODEL_FILE)
    counts = {label: recognizer.labels.count(label) for label in sorted(set(recognizer.labels))}
    click.echo(f"saved {MODEL_FILE}: {len(recognizer.labels)} windows " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@cli.group()
def models():
    """Get or check the pose model bundles (stored in models/)."""


@models.command("list")
def models_list():
    """Show which model bundles are present and verified."""
    from formcheck.models import list_models
    for m in list_models():
        state = "ok" if m.get("verified") else ("present, not verified" if m.get("present") else "missing")
        click.echo(f"{m['name']:<28} {state:<22} {m['path']}")


@models.command("fetch")
@click.option("--variant", default="full", show_default=True, help="lite, full or heavy.")
def models_fetch(variant):
    """Build (offline route) or download the pose model bundle."""
    path = _model(variant)
    click.echo(f"pose model ready: {path}")


@contextlib.contextmanager
def _native_logs_hidden():
    """MediaPipe (absl), LiteRT, FFmpeg and Qt log from native code straight to file
    descriptor 2, at start-up and mid-run too ("W0000 ... landmark_projection_calculator"
    when a lost pose is found again): fd 2 goes to /dev/null for the whole command while
    Python's own stderr (progress bar, warnings, errors) keeps the terminal.
    FORMCHECK_DEBUG=1 shows everything."""
    if os.environ.get("FORMCHECK_DEBUG") or sys.stderr is not sys.__stderr__:  # e.g. under pytest's capture
        yield
        return
    try:
        if sys.stderr.fileno() != 2:
            raise OSError
    except (AttributeError, OSError, ValueError):
        yield
        return
    original = sys.stderr
    original.flush()
    terminal = os.dup(2)
    sys.stderr = open(terminal, "w", buffering=1, encoding=original.encoding, errors=original.errors, closefd=False)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr = original
        os.dup2(terminal, 2)
        os.close(terminal)


def main(argv=None) -> int:
    with _native_logs_hidden():
        return _main(argv)


def _main(argv=None) -> int:
    try:
        cli.main(args=argv, prog_name="formcheck", standalone_mode=False)
    except FormcheckError as error:
        click.echo(f"formcheck: error: {error}", err=True)
        return error.exit_code
    except OSError as error:
        from formcheck.fileio import WriteFailed
        if not isinstance(error, WriteFailed):
            raise
        click.echo(f"formcheck: error: {error}", err=True)  # a full disk, a read-only folder
        return 74  # sysexits' EX_IOERR, as for a folder run
    except click.exceptions.Abort:
        click.echo("formcheck: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("formcheck: interrupted", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
