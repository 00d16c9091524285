"""Seeded fuzzing of ``formcheck analyze`` with damaged videos: truncated, bytes flipped,
headers damaged, containers swapped or spliced, each with a time limit.

    python -m benchmarks.fuzz                  # 500 files (~15 min on 2 cores)
    python -m benchmarks.fuzz --files 30       # what CI runs (tests/test_fuzz.py)
    python -m benchmarks.fuzz --folder         # also the whole lot as one folder run

The sources are short cuts of sample clips (samples/) in six containers and codecs (MP4
and MOV with MPEG-4 part 2, MP4 with H.264, AVI with MJPEG, MKV with FFV1, WebM with
VP8, and a GIF). Each damaged copy is analysed as a user would (``formcheck analyze
FILE --json --html --csv``, the lite model) in a worker process that keeps the model's
libraries loaded; the worker is killed if a file takes longer than the limit.

A file passes when either it is analysed (exit 0, the JSON, HTML and CSV whole) or it
is refused cleanly (non-zero exit, the last line ``formcheck: error: ...``, no
traceback, and nothing left in the output folder). A traceback, a hang, a crashed
worker or a file left behind is a finding. It prints the files, how many were analysed
and refused, the findings, and the slowest file.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SOURCE_CLIPS = ("glute_bridge/bridge_clean_left.mp4", "squat/squat_clean_side.mp4",
                "clamshell/clamshell_clean.mp4", "deadlift/deadlift_clean.mp4")
# suffix -> ffmpeg encoding arguments
CONTAINERS = {
    ".mp4": ["-c:v", "mpeg4", "-q:v", "5"],
    ".h264.mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    ".mov": ["-c:v", "mpeg4", "-q:v", "5"],
    ".avi": ["-c:v", "mjpeg", "-q:v", "5"],
    ".mkv": ["-c:v", "ffv1"],
    ".webm": ["-c:v", "libvpx", "-b:v", "500k"],
    ".gif": ["-vf", "fps=8,scale=240:-1"],
}
MUTATIONS = ("truncate", "flip", "header", "swap", "splice", "zero_block", "truncate_flip")
OK, REFUSED = "analysed", "refused"
TRACEBACK, HANG, CRASH, LEFTOVER, BAD_OUTPUT = "traceback", "hang", "worker crashed", "output left", "bad output"


def ffmpeg_exe() -> str:
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


def make_sources(folder: Path, seconds: float = 2.0, clips: tuple[str, ...] = SOURCE_CLIPS) -> list[Path]:
    """Each source clip cut to ``seconds`` in every container; made once per folder."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for clip in clips:
        for suffix, codec in CONTAINERS.items():
            target = folder / (Path(clip).stem + suffix)
            if not target.exists():
                subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(SAMPLES / clip), "-t", str(seconds),
                                "-an", *codec, str(target)], check=True, timeout=120)
            made.append(target)
    return made


# --------------------------------------------------------------------------- mutations


def mutate(data: bytes, other: bytes, kind: str, rng: np.random.Generator) -> bytes:
    """``data`` damaged one way; ``other`` is another source (for swaps and splices)."""
    size = len(data)
    out = bytearray(data)
    if kind == "truncate":
        return bytes(out[: int(rng.integers(0, size))])
    if kind == "flip":
        for position in rng.integers(0, size, int(rng.integers(1, 200))):
            out[position] ^= int(rng.integers(1, 256))
        return bytes(out)
    if kind == "header":
        # the container's own structure: the first bytes, or around a box / chunk name
        names = [b"moov", b"ftyp", b"mdat", b"trak", b"stsz", b"hdrl", b"movi", b"idx1", b"\x1aE\xdf\xa3",
                 b"\x18S\x80g", b"GIF8", b"NETSCAPE"]
        found = [i for name in names if (i := data.find(name)) >= 0]
        start = int(rng.choice(found)) if found and rng.random() < 0.7 else 0
        length = int(rng.integers(4, 512))
        out[start:start + length] = rng.integers(0, 256, len(out[start:start + length]), dtype=np.uint8).tobytes()
        return bytes(out)
    if kind == "swap":  # another container's bytes under this one's name
        return other
    if kind == "splice":  # this one's start, the other's rest
        cut = int(rng.integers(1, size))
        return bytes(out[:cut]) + other[int(rng.integers(0, len(other))):]
    if kind == "zero_block":
        start = int(rng.integers(0, size))
        length = int(rng.integers(1, max(2, size // 4)))
        out[start:start + length] = bytes(len(out[start:start + length]))
        return bytes(out)
    if kind == "truncate_flip":
        return mutate(mutate(data, other, "flip", rng), other, "truncate", rng)
    raise ValueError(kind)


def make_fuzz_files(folder: Path, sources: list[Path], count: int, seed: int) -> list[tuple[Path, str]]:
    """``count`` damaged copies, the same for the same seed: (path, mutation)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    contents = {path: path.read_bytes() for path in sources}
    files = []
    for number in range(count):
        source = sources[int(rng.integers(0, len(sources)))]
        other = sources[int(rng.integers(0, len(sources)))]
        kind = MUTATIONS[number % len(MUTATIONS)]
        suffix = "".join(source.suffixes)
        path = folder / f"fuzz{number:03d}-{kind}-{source.stem.split('.')[0]}{suffix}"
        path.write_bytes(mutate(contents[source], contents[other], kind, rng))
        files.append((path, kind))
    return files


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    path: Path
    kind: str
    status: str
    seconds: float
    detail: str = ""


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def findings(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status not in (OK, REFUSED)]

    def describe(self) -> str:
        counts = Counter(o.status for o in self.outcomes)
        slowest = max(self.outcomes, key=lambda o: o.seconds)
        kinds = Counter(o.kind for o in self.outcomes)
        refused_by_kind = Counter(o.kind for o in self.outcomes if o.status == REFUSED)
        lines = [f"{len(self.outcomes)} files: {counts[OK]} analysed, {counts[REFUSED]} refused cleanly, "
                 f"{len(self.findings)} findings",
                 "by damage: " + ", ".join(f"{k} {kinds[k]} ({refused_by_kind[k]} refused)" for k in MUTATIONS
                                           if kinds[k]),
                 f"slowest file: {slowest.path.name} {slowest.seconds:.1f} s ({slowest.status})"]
        for finding in self.findings:
            lines.append(f"FINDING {finding.status}: {finding.path.name}: {finding.detail.strip()[-400:]}")
        return "\n".join(lines)


def _worker(connection, model: str) -> None:
    """Analyse each file sent, in this process, as the command line would; send back what happened."""
    from formcheck.cli import main

    while True:
        job = connection.recv()
        if job is None:
            return
        path, out = job
        err, stdout = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        trace = None
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdout):
            try:
                code = main(["analyze", path, "--exercise", "glute_bridge", "--model", model, "--quiet",
                             "--json", f"{out}/r.json", "--html", f"{out}/r.html", "--csv", f"{out}/r.csv"])
            except BaseException:  # what would reach the user as a traceback
                trace, code = traceback.format_exc(), 1
        connection.send((code, err.getvalue(), trace, time.perf_counter() - start))


def judge(path: Path, kind: str, out: Path, result, seconds: float) -> Outcome:
    code, stderr, trace, _ = result
    if trace or "Traceback" in stderr:
        return Outcome(path, kind, TRACEBACK, seconds, trace or stderr)
    left = sorted(p.name for p in out.iterdir())
    if code != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        if left:
            return Outcome(path, kind, LEFTOVER, seconds, f"exit {code}, left {left}")
        if not last.startswith("formcheck: error: "):
            return Outcome(path, kind, BAD_OUTPUT, seconds, f"exit {code} without an error line: {stderr}")
        return Outcome(path, kind, REFUSED, seconds, last)
    try:
        assert json.loads((out / "r.json").read_text())["schema"] == "formcheck.report/1"
        assert (out / "r.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
        assert list(csv.reader(io.StringIO((out / "r.csv").read_text())))[0]
        assert not [p for p in out.iterdir() if p.name.startswith(".")]
    except (OSError, ValueError, AssertionError, IndexError, KeyError) as error:
        return Outcome(path, kind, BAD_OUTPUT, seconds, f"exit 0 but {type(error).__name__}: {error}; {left}")
    return Outcome(path, kind, OK, seconds)


def run_fuzz(files: list[tuple[Path, str]], work: Path, jobs: int = 2, limit_s: float = 60.0,
             model: str = "lite", progress: bool = False) -> Summary:
    """Every file through its own worker slot, at most ``limit_s`` each."""
    context = multiprocessing.get_context("spawn")
    queue = list(reversed(files))
    summary = Summary()
    slots: dict = {}  # connection -> [process, (path, kind, out, started) | None]

    def start_worker():
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(theirs, model), daemon=True)
        process.start()
        theirs.close()
        slots[ours] = [process, None]

    def hand_out(connection) -> None:
        if not queue:
            return
        path, kind = queue.pop()
        out = work / path.stem
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        connection.send((str(path), str(out)))
        slots[connection][1] = (path, kind, out, time.monotonic())

    def done(outcome: Outcome, out: Path) -> None:
        summary.outcomes.append(outcome)
        shutil.rmtree(out, ignore_errors=True)
        if progress:
            print(f"{len(summary.outcomes):4d}/{len(files)} {outcome.status:<15} {outcome.seconds:5.1f} s "
                  f"{outcome.path.name}", flush=True)

    for _ in range(min(jobs, len(files))):
        start_worker()
    for connection in list(slots):
        hand_out(connection)
    while any(slot[1] for slot in slots.values()):
        busy = [c for c, slot in slots.items() if slot[1]]
        ready = wait(busy, timeout=0.2)
        now = time.monotonic()
        for connection in busy:
            process, (path, kind, out, started) = slots[connection]
            if connection in ready:
                try:
                    result = connection.recv()
                except (EOFError, OSError):  # the worker died: a crash in native code
                    process.join(5)
                    done(Outcome(path, kind, CRASH, now - started, f"exit code {process.exitcode}"), out)
                    del slots[connection]
                    start_worker()
                    continue
                done(judge(path, kind, out, result, now - started), out)
                slots[connection][1] = None
                hand_out(connection)
            elif now - started > limit_s:
                process.kill()
                process.join(5)
                done(Outcome(path, kind, HANG, now - started, f"still going after {limit_s:.0f} s"), out)
                del slots[connection]
                start_worker()
        for connection, slot in list(slots.items()):
            if slot[1] is None and queue:
                hand_out(connection)
    for connection, (process, _) in slots.items():
        connection.send(None)
        process.join(10)
    return summary


def run_folder(files: list[tuple[Path, str]], folder: Path, results: Path, model: str = "lite",
               limit_s: float = 3600) -> str:
    """The damaged files as one folder run: one line per failure, never a traceback; the
    index lists each file once. Returns a line about it (raises AssertionError if not so)."""
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(folder), "--exercise", "glute_bridge",
                          "--model", model, "--out", str(results), "--quiet"], capture_output=True, text=True,
                         timeout=limit_s)
    seconds = time.perf_counter() - start
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    listed = (results / "index.html").read_text(encoding="utf-8").count("data-video=")
    assert listed == len(files), f"the index lists {listed} of {len(files)} files"
    failed = [line for line in run.stderr.splitlines() if line.startswith("failed: ")]
    return f"folder run: {run.stdout.strip().splitlines()[-1]} ({len(failed)} failure lines, {seconds:.0f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit-s", type=float, default=60.0, help="time limit per file")
    parser.add_argument("--model", default="lite")
    parser.add_argument("--folder", action="store_true", help="also analyse them all as one folder run")
    parser.add_argument("--keep", type=Path, help="keep the damaged files here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="formcheck-fuzz-") as tmp:
        where = args.keep or Path(tmp)
        sources = make_sources(Path(tmp, "sources"))
        files = make_fuzz_files(where / "files", sources, args.files, args.seed)
        print(f"{len(files)} damaged copies of {len(sources)} sources (seed {args.seed}), "
              f"limit {args.limit_s:.0f} s each, {args.jobs} workers", flush=True)
        start = time.perf_counter()
        summary = run_fuzz(files, Path(tmp, "out"), args.jobs, args.limit_s, args.model, progress=True)
        print(summary.describe())
        print(f"wall time {time.perf_counter() - start:.0f} s")
        if args.folder:
            print(run_folder(files, where / "files", Path(tmp, "results"), args.model))
    sys.exit(1 if summary.findings else 0)


if __name__ == "__main__":
    main()
