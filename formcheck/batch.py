"""Folder analysis: every video below a folder, in parallel, resumable, with an index page.

Outputs for ``clips/week1/monday.mp4`` land in ``results/week1/monday.json``,
``.html`` and ``.csv`` (plus ``.mp4`` when annotating): the results folder
mirrors the analysed one. ``results/index.html`` lists every video with its
verdict and a link to its report (``formcheck.report.index_page``);
``results/history.html`` plots the sessions over time (``formcheck.history``).

A small marker, ``results/.formcheck/week1/monday.result.json`` (see
``formcheck.markers``), is written once all of a video's outputs are in place (or
once the video turned out to be unusable: unreadable, no person in it). A re-run skips a video whose marker
matches the video (size and modification time) and the settings, and whose
outputs all exist and are newer than the video; an unusable video stays
failed without being tried again until it changes or ``force`` is given.
A marker that cannot be trusted (damaged, from another version) is noted in one
line and its video analysed again.

What survives a machine that misbehaves:

* Every file is written atomically (``formcheck.fileio``), so a run that is
  interrupted, even by ``kill -9``, leaves complete files or none; the hidden
  temporary files of writes it never finished are removed by the next run.
  A video's marker is removed before its outputs are written again, so a
  killed run's half-done video is analysed again and a finished one is not.
* Worker processes die with the run (``kill -9`` of the run leaves no worker
  writing behind it); a worker that dies costs only the video it was on.
* A full disk or a read-only folder stops the run with one line naming the
  folder and the cause (``ResultsUnwritable``, exit code 74); what was written
  stays, and the same command later finishes the rest.
* One run at a time per results folder (``formcheck.lock``): a second one
  refuses with one line (exit code 75), and a killed run's lock goes with it.

Two backends run the same per-video work:

* ``local`` (default): a pool of worker processes on this machine; each
  worker resolves the pose model and imports MediaPipe once, then takes videos
  one at a time. A worker that dies (a crash in native code) costs only the
  video it was working on.
* ``ray``: one Ray task per video, on a local Ray instance or a cluster
  (``address``). The video's bytes travel to the task and the finished
  outputs travel back, so the cluster needs no shared filesystem.

Example::

    from formcheck.batch import BatchSettings, run_batch
    result = run_batch(Path("clips"), Path("results"), BatchSettings("glute_bridge"), jobs=2)
    for entry in result.failed:
        print(entry.relative, entry.error)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import glob
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from formcheck import faults
from formcheck.errors import FormcheckError
from formcheck.fileio import WriteFailed, remove_leftovers, write_bytes_atomic, write_text_atomic
from formcheck.history import load_sessions, session_date
from formcheck.lock import results_lock
from formcheck.markers import MARKER_DIR, check_marker, marker_path, read_json, read_marker, remove_marker, write_marker
from formcheck.report.history_page import write_history_html
from formcheck.report.index_page import FAILED as INDEX_FAILED
from formcheck.report.index_page import OK, PENDING, IndexEntry, render_index
from formcheck.report.pages import plotly_link_below, write_plotly_js
from formcheck.report.model import Report
from formcheck.report.words import exercise_title

INDEX_NAME = "index.html"
HISTORY_NAME = "history.html"
REPORT_SUFFIXES = (".json", ".html", ".csv")
ANNOTATED_SUFFIX = ".mp4"
# Output names the results folder itself uses; a video whose stem would clash keeps its extension.
RESERVED_STEMS = {"index", "history"}

DONE, SKIPPED, FAILED, NOT_RUN = "done", "skipped", "failed", "not run"
EXIT_UNWRITABLE = 74  # sysexits' EX_IOERR


class ResultsUnwritable(FormcheckError):
    """The results folder stopped taking files (full disk, read-only, gone): the run stops."""

    def __init__(self, error: WriteFailed, done: int, total: int):
        rest = total - done
        then = (f"{done} of {total} videos are done, the same command finishes the other {rest}" if rest else
                f"all {total} videos are done, the same command brings the index up to date")
        super().__init__(f"{error}; {then} once it can write there", exit_code=EXIT_UNWRITABLE)
        self.write_error = error


@dataclass(frozen=True)
class BatchSettings:
    """What every video is analysed with; a change makes earlier results stale."""

    exercise: str
    model_variant: str = "full"
    config: dict = field(default_factory=dict)
    annotate: bool = False

    @property
    def model_name(self) -> str:
        return f"pose_landmarker_{self.model_variant}"

    def fingerprint(self) -> dict:
        """The settings that change a report (annotating only adds a file)."""
        config = json.dumps(self.config, sort_keys=True, default=str)
        return {"exercise": self.exercise, "model": self.model_name,
                "config_sha256": hashlib.sha256(config.encode()).hexdigest()}


@dataclass(frozen=True)
class VideoJob:
    """One video: its path relative to the analysed folder and where its outputs go."""

    relative: str  # POSIX path below the analysed folder, e.g. "week1/monday.mp4"
    stem: str      # outputs are RESULTS/<stem>.json, .html, .csv (.mp4)

    def suffixes(self, annotate: bool) -> tuple[str, ...]:
        return REPORT_SUFFIXES + ((ANNOTATED_SUFFIX,) if annotate else ())

    def output(self, results: Path, suffix: str) -> Path:
        return results / (self.stem + suffix)

    def outputs(self, results: Path, annotate: bool):
        from formcheck.analyze import Outputs
        return Outputs(json=self.output(results, ".json"), html=self.output(results, ".html"),
                       csv=self.output(results, ".csv"),
                       video=self.output(results, ANNOTATED_SUFFIX) if annotate else None,
                       plotly=plotly_link_below(self.stem))

    def marker(self, results: Path) -> Path:
        return marker_path(results, self.stem)


@dataclass(frozen=True)
class VideoOutcome:
    relative: str
    status: str                  # DONE, SKIPPED, FAILED or NOT_RUN
    error: str | None = None
    seconds: float = 0.0
    lasting: bool = True         # a failure that will recur (bad video), not a crash or a bug
    earlier: bool = False        # reused from an earlier run
    unwritable: WriteFailed | None = None  # the outputs could not be written: the run stops


@dataclass
class BatchResult:
    folder: Path
    results: Path
    outcomes: list[VideoOutcome]
    index: Path
    history: Path | None
    notes: list[str] = field(default_factory=list)  # one line each, e.g. a damaged marker

    def with_status(self, status: str) -> list[VideoOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[VideoOutcome]:
        return self.with_status(FAILED)


# --------------------------------------------------------------------------- planning


def plan_jobs(folder: Path, results: Path) -> list[VideoJob]:
    """Every video below ``folder``, with its output stem.

    Hidden files and folders (``.thumbnails/``, macOS ``._clip.mp4``) and
    anything inside ``results`` (earlier annotated videos) are left out.
    """
    from formcheck.video import find_videos

    folder, results = folder.resolve(), results.resolve()
    videos = [p for p in find_videos(folder) if not p.resolve().is_relative_to(results)]
    relatives = [PurePosixPath(p.relative_to(folder).as_posix()) for p in videos]
    relatives = [rel for rel in relatives if not any(part.startswith(".") for part in rel.parts)]
    # Two videos that differ only by extension (clip.mp4, clip.mov) keep their extensions.
    stems: dict[str, int] = {}
    for rel in relatives:
        key = str(rel.with_suffix("")).lower()
        stems[key] = stems.get(key, 0) + 1
    jobs = []
    for rel in relatives:
        plain = str(rel.with_suffix(""))
        clash = stems[plain.lower()] > 1 or (rel.parent == PurePosixPath(".") and rel.stem.lower() in RESERVED_STEMS)
        jobs.append(VideoJob(relative=str(rel), stem=str(rel) if clash else plain))
    return jobs


def earlier_outcome(job: VideoJob, folder: Path, results: Path, settings: BatchSettings,
                    note: Callable[[str], None] | None = None) -> VideoOutcome | None:
    """What an earlier run found for this video, if it still holds; else None (analyse it).
    A marker that cannot be trusted is told to ``note`` in one line."""
    marker, problem = check_marker(results, job.stem)
    if problem and note is not None:
        note(f"{job.relative}: its record in {results / MARKER_DIR} is {problem}; analysing it again")
    if not marker:
        return None
    try:
        video = (folder / job.relative).stat()
    except OSError:
        return None
    if (marker.get("video_size"), marker.get("video_mtime_ns")) != (video.st_size, video.st_mtime_ns):
        return None
    if marker.get("settings") != settings.fingerprint():
        return None
    if marker.get("status") == FAILED:
        return VideoOutcome(job.relative, FAILED, marker.get("error") or "failed", earlier=True)
    for suffix in job.suffixes(settings.annotate):
        try:
            if job.output(results, suffix).stat().st_mtime_ns < video.st_mtime_ns:
                return None
        except OSError:
            return None
    return VideoOutcome(job.relative, SKIPPED, earlier=True)


def _write_marker(job: VideoJob, outcome: VideoOutcome, folder: Path, results: Path, settings: BatchSettings) -> None:
    video = (folder / job.relative).stat()
    write_marker(results, job.stem, {
        "video": job.relative,
        "status": outcome.status,
        "error": outcome.error,
        "video_size": video.st_size,
        "video_mtime_ns": video.st_mtime_ns,
        "video_mtime": dt.datetime.fromtimestamp(video.st_mtime).isoformat(timespec="seconds"),
        "settings": settings.fingerprint(),
        "outputs": [job.stem + s for s in job.suffixes(settings.annotate)] if outcome.status == DONE else [],
        "analysed_at": dt.datetime.now().isoformat(timespec="seconds"),
        "seconds": round(outcome.seconds, 2),
    })


# --------------------------------------------------------------------------- running


def run_batch(folder: Path, results: Path, settings: BatchSettings, *, jobs: int | None = None,
              force: bool = False, backend: str = "local", address: str | None = None,
              progress: bool = True, note: Callable[[str], None] | None = None,
              wait_s: float = 0.0) -> BatchResult:
    """Analyse every video below ``folder`` into ``results`` and write the index page.

    Args:
        folder: the folder to search (recursively) for videos.
        results: where outputs go; created if missing.
        settings: exercise, model, thresholds, annotate.
        jobs: videos analysed at once (default: CPU count; with Ray, the
            cluster's CPUs).
        force: re-analyse videos whose outputs are up to date.
        backend: ``"local"`` (process pool) or ``"ray"``.
        address: Ray cluster address; ``None`` starts a local Ray (or joins the
            one this process already started).
        progress: show one progress bar (videos) on stderr, if it is a terminal.
        note: told things worth one line each as they are found (a damaged marker, files
            left by a killed run, waiting for another run); also in ``BatchResult.notes``.
        wait_s: how long to wait for another run on the same results folder; 0: refuse.

    Raises:
        FormcheckError: bad folder, unusable results folder, no model, Ray missing.
        FolderBusy: another run is writing to ``results``.
        ResultsUnwritable: the results folder stopped taking files (full disk,
            read-only) during the run; what was finished is kept.
        Failures of single videos are not raised: they are in the result.
    """
    folder, results = Path(folder).resolve(), Path(results).resolve()
    _check_folders(folder, results)
    if backend not in ("local", "ray"):
        raise FormcheckError(f"unknown backend {backend!r}; choose local or ray")
    notes: list[str] = []

    def tell(line: str) -> None:
        notes.append(line)
        if note is not None:
            note(line)

    with results_lock(results, wait_s, on_wait=note):
        _tidy(results, tell)
        all_jobs = plan_jobs(folder, results)
        if not all_jobs:
            raise FormcheckError(f"no videos found in {folder}")
        outcomes: dict[str, VideoOutcome] = {}
        todo = []
        for job in all_jobs:
            earlier = None if force else earlier_outcome(job, folder, results, settings, tell)
            if earlier is not None:
                outcomes[job.relative] = earlier
            else:
                todo.append(job)
        unwritable = None
        try:
            write_plotly_js(results)  # the one copy the pages link (put back if it went missing)
            if todo:
                unwritable = _run(todo, folder, results, settings, outcomes, backend, address, jobs, progress)
        except WriteFailed as error:
            unwritable = error
        finally:
            # Even after Ctrl-C the index shows what is done (and what is not).
            ordered = [outcomes.get(job.relative, VideoOutcome(job.relative, NOT_RUN)) for job in all_jobs]
            try:
                history, index = write_pages(folder, results, all_jobs, ordered, settings)
            except WriteFailed as error:
                unwritable = unwritable or error
            _tidy(results, None)
        if unwritable is not None:
            done = sum(o.status in (DONE, SKIPPED, FAILED) for o in ordered)
            raise ResultsUnwritable(unwritable, done, len(ordered))
    return BatchResult(folder, results, ordered, index, history, notes)


def _tidy(results: Path, tell: Callable[[str], None] | None) -> None:
    """Remove the temporary files of writes that a killed run never finished."""
    left = remove_leftovers(results)
    if left and tell is not None:
        tell(f"removed {len(left)} unfinished file{'s' if len(left) != 1 else ''} left in {results} "
             "by a run that was stopped")


def _check_folders(folder: Path, results: Path) -> None:
    if not folder.is_dir():
        raise FormcheckError(f"no such folder: {folder}")
    if folder.is_relative_to(results):
        raise FormcheckError(f"choose a results folder outside {folder} (not it, nor a folder above it)")
    try:
        results.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FormcheckError(f"cannot create results folder {results}: {error.strerror or error}") from None
    refused = unwritable_folder(results)
    if refused is not None:
        raise FormcheckError(str(refused), exit_code=EXIT_UNWRITABLE)


def unwritable_folder(folder: Path) -> WriteFailed | None:
    """Why nothing can be written into ``folder``, if so (read-only disk, no permission)."""
    if os.access(folder, os.W_OK):
        return None
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    code = errno.EROFS if read_only else errno.EACCES
    return WriteFailed(OSError(code, os.strerror(code)), folder)


def _run(todo: list[VideoJob], folder: Path, results: Path, settings: BatchSettings,
         outcomes: dict[str, VideoOutcome], backend: str, address: str | None, jobs: int | None,
         progress: bool) -> WriteFailed | None:
    """Analyse ``todo`` on the backend, with one progress bar; each finished video gets its
    marker and its outcome in ``outcomes``. Returns why the results folder stopped taking
    files, if it did (no new video is started then; those under way finish)."""
    from tqdm import tqdm

    from formcheck.models import ensure_model

    model_path = ensure_model(settings.model_variant, progress=progress)
    by_relative = {job.relative: job for job in todo}
    bar = tqdm(total=len(todo), unit="video", desc="analysing", file=sys.stderr,
               disable=True if not progress else None, dynamic_ncols=True)
    unwritable: list[WriteFailed] = []

    def starting(job: VideoJob) -> bool:
        """Before a video's outputs are written again, its marker goes: a run killed
        meanwhile leaves no marker vouching for half-rewritten outputs."""
        if unwritable:
            return False
        try:
            (results / job.stem).parent.mkdir(parents=True, exist_ok=True)
            remove_marker(results, job.stem)
        except OSError as error:
            unwritable.append(WriteFailed(error, job.marker(results).parent))
            return False
        return True

    def finished(outcome: VideoOutcome) -> None:
        job = by_relative[outcome.relative]
        if outcome.unwritable is not None:  # not the video's fault: it stays to do
            unwritable.append(outcome.unwritable)
            return
        try:
            if outcome.status == DONE or outcome.lasting:
                _write_marker(job, outcome, folder, results, settings)
        except WriteFailed as error:  # its outputs may be whole, but unvouched for: done again
            unwritable.append(error)
            return
        outcomes[outcome.relative] = outcome
        bar.set_postfix_str(Path(outcome.relative).name[:30], refresh=False)
        bar.update(1)

    todo.sort(key=lambda job: -(folder / job.relative).stat().st_size)  # big ones first: no long tail
    try:
        if backend == "ray":
            _run_ray(todo, folder, results, settings, model_path, address, jobs, finished, starting)
        else:
            _run_local(todo, jobs or os.cpu_count() or 1, finished, _analyze_job, _init_worker,
                       (str(folder), str(results), str(model_path), settings), starting=starting)
    finally:
        bar.close()
    return unwritable[0] if unwritable else None


def write_pages(folder: Path, results: Path, jobs: list[VideoJob], outcomes: list[VideoOutcome],
                settings: BatchSettings) -> tuple[Path | None, Path]:
    """The history page (if any report is there) and the index page that links to it."""
    sessions = load_sessions(results)
    history = None
    if sessions:
        history = results / HISTORY_NAME
        write_history_html(history, sessions, index=results / INDEX_NAME)
    else:
        (results / HISTORY_NAME).unlink(missing_ok=True)
    index = results / INDEX_NAME  # written after the history page it links to
    entries = [index_entry(job, outcome, folder, results) for job, outcome in zip(jobs, outcomes)]
    write_text_atomic(index, render_index(str(folder), entries, settings.exercise,
                                          os.path.relpath(history, results) if history else None))
    return history, index


# --- the work on one video (runs in a worker process or a Ray task)


@dataclass(frozen=True)
class _WorkerState:
    model_path: Path
    results: Path
    settings: BatchSettings


_worker: _WorkerState | None = None


def _init_worker(folder: str, results: str, model_path: str, settings: BatchSettings) -> None:
    """Pool initializer: done once per worker process, not per video."""
    global _worker
    try:
        _die_with_parent()
        _limit_threads()
        os.chdir(folder)  # videos are opened by their path relative to the folder (the report's "source")
        from formcheck import analyze  # noqa: F401  - imports MediaPipe and OpenCV once
    except KeyboardInterrupt:
        os._exit(130)  # Ctrl-C while starting: nothing written yet; leave quietly, no traceback
    _worker = _WorkerState(Path(model_path), Path(results), settings)


def _die_with_parent() -> None:
    """A worker whose run is gone (``kill -9``) must not go on writing into the results
    folder behind the next run's back: it ends at once (Linux: the kernel kills it) or
    within a second (elsewhere: a thread watches for the parent to change)."""
    import multiprocessing
    import signal
    import threading

    parent = multiprocessing.parent_process().pid
    if sys.platform.startswith("linux"):
        import ctypes
        PR_SET_PDEATHSIG = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    if os.getppid() != parent:  # gone already, before the kernel was told to end us with it
        os._exit(1)
    threading.Thread(target=watch, name="formcheck-parent-watch", daemon=True).start()


def _limit_threads() -> None:
    """One video per core: keep OpenCV from starting a thread pool in every worker."""
    import cv2
    cv2.setNumThreads(1)


def _analyze_job(job: VideoJob) -> VideoOutcome:
    state = _worker
    if state is None:
        raise RuntimeError("worker not initialised")
    outcome = _analyze(job.relative, state.model_path, job.outputs(state.results, state.settings.annotate),
                       state.settings)
    faults.point("analysed", job.relative)
    return outcome


def _analyze(video: str, model_path: Path, outputs, settings: BatchSettings) -> VideoOutcome:
    from formcheck.analyze import analyze_video

    start = time.perf_counter()
    refused = unwritable_folder(outputs.json.parent)
    if refused is not None:  # the folder's fault, not the video's
        return VideoOutcome(video, NOT_RUN, str(refused), lasting=False, unwritable=refused)
    try:
        analyze_video(video, settings.exercise, model_path, outputs, config=settings.config,
                      progress=False, model_name=settings.model_name)
    except WriteFailed as error:  # the folder's fault, not the video's
        return VideoOutcome(video, NOT_RUN, str(error), time.perf_counter() - start, lasting=False,
                            unwritable=error)
    except FormcheckError as error:
        return VideoOutcome(video, FAILED, str(error), time.perf_counter() - start)
    except Exception as error:  # a bug on one video must not stop the others
        return VideoOutcome(video, FAILED, f"internal error: {type(error).__name__}: {error}",
                            time.perf_counter() - start, lasting=False)
    return VideoOutcome(video, DONE, None, time.perf_counter() - start)


# --- local backend


def _run_local(todo: list[VideoJob], jobs: int, finished: Callable[[VideoOutcome], None],
               work: Callable[[VideoJob], VideoOutcome], initializer: Callable, init_args: tuple,
               starting: Callable[[VideoJob], bool] = lambda job: True) -> None:
    """``work`` on every job in a process pool, at most ``jobs`` in flight.

    If a worker dies, the pool is lost with every video then in flight; those
    are re-run one at a time in a fresh pool, so only the video that really
    kills its worker is reported failed. ``starting(job)`` is asked before each job is
    handed out; once it says no, no more are, and the run ends when those under way have.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # MediaPipe and OpenCV threads do not survive fork
    queue, suspects = deque(todo), deque()
    stopped = False

    def take(source: deque) -> VideoJob | None:
        nonlocal stopped
        if stopped or not source:
            return None
        if not starting(source[0]):
            stopped = True
            return None
        return source.popleft()

    while (queue or suspects) and not stopped:
        alone = bool(suspects)
        source = suspects if alone else queue
        width = 1 if alone else max(1, min(jobs, len(queue)))
        with ProcessPoolExecutor(width, mp_context=context, initializer=initializer, initargs=init_args) as pool:
            running: dict = {}
            broken: list[VideoJob] = []
            while (source and not stopped or running) and not broken:
                while len(running) < width and (job := take(source)) is not None:
                    try:
                        running[pool.submit(work, job)] = job
                    except BrokenProcessPool:  # a worker died since the last look: not this job's doing
                        source.appendleft(job)
                        break
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    error = future.exception()
                    if isinstance(error, BrokenProcessPool):
                        broken.append(job)
                    elif error is not None:  # e.g. a result that could not travel back
                        finished(VideoOutcome(job.relative, FAILED, f"internal error: {type(error).__name__}: "
                                              f"{error}", lasting=False))
                    else:
                        finished(future.result())
            broken += running.values()
            for job in broken:
                if alone:
                    finished(VideoOutcome(job.relative, FAILED, "the analysis crashed (its worker process died)",
                                          lasting=False))
                else:
                    suspects.append(job)


# --- Ray backend


def _run_ray(todo: list[VideoJob], folder: Path, results: Path, settings: BatchSettings, model_path: Path,
             address: str | None, jobs: int | None, finished: Callable[[VideoOutcome], None],
             starting: Callable[[VideoJob], bool] = lambda job: True) -> None:
    """One Ray task per video; outputs come back as bytes and are written here."""
    try:
        import ray
    except ImportError:
        raise FormcheckError("the Ray backend needs Ray: pip install 'formcheck[ray]'") from None

    started = False
    if not ray.is_initialized():
        import logging
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.ERROR)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"at {address}" if address else "locally"
            raise FormcheckError(f"cannot start or reach Ray {where}: {str(error).splitlines()[0]}") from None
        started = True
    try:
        task = ray.remote(num_cpus=1, max_retries=1)(_ray_analyze)
        model_bytes = model_path.read_bytes()
        model = (hashlib.sha256(model_bytes).hexdigest(), [ray.put(model_bytes)])  # wrapped: fetched once per worker
        in_flight = jobs or max(1, int(ray.cluster_resources().get("CPU", 1))) * 2
        queue, pending = deque(todo), {}
        while queue or pending:
            while queue and len(pending) < in_flight:
                if not starting(queue[0]):
                    queue.clear()
                    break
                job = queue.popleft()
                try:
                    data = (folder / job.relative).read_bytes()
                except OSError as error:
                    finished(VideoOutcome(job.relative, FAILED, f"cannot read {job.relative}: "
                                          f"{error.strerror or error}", lasting=False))
                    continue
                pending[task.remote(job, data, model, settings)] = job
            if not pending:
                continue
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                job = pending.pop(ref)
                try:
                    outcome, files = ray.get(ref)
                except ray.exceptions.RayError as error:
                    outcome, files = VideoOutcome(job.relative, FAILED, "the Ray task failed: "
                                                  + str(error).strip().splitlines()[0], lasting=False), {}
                try:
                    for suffix, content in files.items():
                        write_bytes_atomic(job.output(results, suffix), content)
                except WriteFailed as error:
                    outcome = dataclasses.replace(outcome, status=NOT_RUN, unwritable=error)
                finished(outcome)
    finally:
        if started:
            ray.shutdown()


_ray_model_files: dict[str, Path] = {}


def _ray_analyze(job: VideoJob, data: bytes, model: tuple[str, list], settings: BatchSettings
                 ) -> tuple[VideoOutcome, dict[str, bytes]]:
    """A Ray task: analyse one video sent as bytes; return the outcome and the output files."""
    digest, (model_ref,) = model
    if digest not in _ray_model_files:  # once per worker process
        import ray
        _limit_threads()
        fd, path = tempfile.mkstemp(prefix="formcheck-model-", suffix=".task")
        with os.fdopen(fd, "wb") as f:
            f.write(ray.get(model_ref))
        _ray_model_files[digest] = Path(path)
    with tempfile.TemporaryDirectory(prefix="formcheck-ray-") as tmp:
        inbox, outbox = Path(tmp, "in"), Path(tmp, "out")
        video = inbox / job.relative
        video.parent.mkdir(parents=True)
        outbox.mkdir()
        video.write_bytes(data)
        outputs = VideoJob(job.relative, "report").outputs(outbox, settings.annotate)
        outputs.plotly = plotly_link_below(job.stem)  # linked from where the page will be
        cwd = os.getcwd()
        os.chdir(inbox)  # the same relative "source" as the local backend
        try:
            outcome = _analyze(job.relative, _ray_model_files[digest], outputs, settings)
        finally:
            os.chdir(cwd)
        files = {}
        if outcome.status == DONE:  # every file made, e.g. a page per recognised segment ("report.2-squat.html")
            files = {path.name[len("report"):]: path.read_bytes() for path in outbox.iterdir()
                     if path.name.startswith("report.")}
    return outcome, files


# --------------------------------------------------------------------------- the index page


def index_entry(job: VideoJob, outcome: VideoOutcome, folder: Path, results: Path) -> IndexEntry:
    """What the index shows of one video: its state, date, report and the files there are."""
    date = session_date(job.relative, read_marker(results, job.stem), folder / job.relative)[0]
    if outcome.status == FAILED:
        return IndexEntry(job.relative, INDEX_FAILED, date, error=outcome.error)
    report = None
    if outcome.status in (DONE, SKIPPED):
        data = read_json(job.output(results, ".json"))
        try:
            report = Report.from_json(data) if data is not None else None
        except ValueError:
            report = None
    if report is None:
        return IndexEntry(job.relative, PENDING, date)
    links = {name: job.stem + suffix for name, suffix in
             (("report", ".html"), ("JSON", ".json"), ("CSV", ".csv"), ("video", ANNOTATED_SUFFIX))
             if job.output(results, suffix).exists()}
    links.update(_segment_pages(job, results, report.parts))
    return IndexEntry(job.relative, OK, date, report=report, links=links)


def _segment_pages(job: VideoJob, results: Path, parts: list[Report]) -> dict[str, str]:
    """The extra report pages of a video split into recognised exercises ("clip.2-squat.html")."""
    if len(parts) < 2:
        return {}
    stem = PurePosixPath(job.stem)
    exercises = {part.exercise for part in parts}
    pattern = re.compile(rf"{re.escape(stem.name)}\.(\d+)-(\w+)\.html")
    pages = {}
    for path in sorted((results / job.stem).parent.glob(f"{glob.escape(stem.name)}.*-*.html")):
        match = pattern.fullmatch(path.name)
        if match and match[2] in exercises:
            pages[f"part {match[1]}: {exercise_title(match[2]).lower()}"] = str(stem.parent / path.name)
    return pages
