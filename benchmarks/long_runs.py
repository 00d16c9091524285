"""Long and many: does memory stay flat and the progress bar honest over hours of video
or thousands of files? Benchmarks, not CI: each takes as long as it says.

    python -m benchmarks.long_runs video  --minutes 120          # one 2-hour recording
    python -m benchmarks.long_runs folder --videos 2000          # 2,000 small videos
    python -m benchmarks.long_runs live   --minutes 120          # a 2-hour live session

``video``: a sample clip looped to ``--minutes`` at ``--fps`` (30), then ``formcheck analyze
LONG.mp4 --json --html --csv`` as a user runs it; its resident memory is sampled every
few seconds, and the peak (the kernel's high-water mark) and the growth per hour of
video while the frames are read (from a tenth into the file until the reader stops, its
position read from /proc) are printed.

``folder``: ``--videos`` copies of a one-second clip, then ``formcheck analyze FOLDER
--out RESULTS`` under a pseudo-terminal, so the progress bar is drawn as a person sees
it. Every second: the parent's memory (the workers' apart), the bar's count and the
markers on disk. Printed: the parent's memory at the start, its peak and its growth per
1,000 videos, and how far the bar ever was from the truth (finished videos on disk).

``live``: ``benchmarks.soak_live`` on a sample clip played in a loop as a camera:
memory and capture-to-overlay latency each minute, and their trend.

The figures of a scaled run (``--minutes 20``, ``--videos 300``, ``--minutes 10``) are
printed with the scale, never extrapolated.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import resource
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CLIP = REPO / "samples" / "glute_bridge" / "bridge_clean_left.mp4"
BAR = re.compile(r"analysing:\s*\d+%\|[^|]*\|\s*(\d+)/(\d+)")


def ffmpeg_exe() -> str:
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def growth(times: list[float], values: list[float], skip: float = 0.1) -> float:
    """Slope of ``values`` over ``times`` after the first ``skip`` of the run (start-up)."""
    t, v = np.array(times), np.array(values)
    keep = (t >= t[-1] * skip) & np.isfinite(v)
    if keep.sum() < 3:
        return float("nan")
    return float(np.polyfit(t[keep], v[keep], 1)[0])


# --------------------------------------------------------------------------- one long video


def long_video(minutes: float, model: str, every_s: float, fps: float = 30.0) -> None:
    with tempfile.TemporaryDirectory(prefix="formcheck-long-") as tmp:
        video = Path(tmp, "long.mp4")
        start = time.perf_counter()
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", "-1", "-i", str(CLIP), "-t",
                        str(minutes * 60), "-r", f"{fps:g}", "-c:v", "mpeg4", "-q:v", "5", "-an", str(video)],
                       check=True)
        frames = int(minutes * 60 * fps)
        print(f"{minutes:g} min looped from {CLIP.name} at {fps:g} fps ({frames} frames, "
              f"{video.stat().st_size / 1e6:.0f} MB) made in {time.perf_counter() - start:.0f} s", flush=True)
        out = Path(tmp, "out")
        out.mkdir()
        command = [sys.executable, "-m", "formcheck", "analyze", str(video), "--exercise", "glute_bridge",
                   "--model", model, "--quiet", "--json", str(out / "r.json"), "--html", str(out / "r.html"),
                   "--csv", str(out / "r.csv")]
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        times, rss, read = [], [], []  # read: how far into the video file its reader is (0-1)
        while proc.poll() is None:
            times.append(time.perf_counter() - start)
            rss.append(memory_mb(proc.pid))
            read.append(read_share(proc.pid, video))
            peak = memory_mb(proc.pid, "VmHWM")
            print(f"{times[-1] / 60:6.1f} min  video read {read[-1]:6.1%}  rss {rss[-1]:7.1f} MB  "
                  f"peak so far {peak:7.1f} MB", flush=True)
            try:
                proc.wait(every_s)
            except subprocess.TimeoutExpired:
                pass
        stdout, stderr = proc.communicate()
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the kernel's high-water mark
        if proc.returncode != 0:
            sys.exit(f"analyze failed ({proc.returncode}): {stderr[-2000:]}")
        sizes = ", ".join(f"{p.suffix[1:]} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(out.iterdir()))
        # The frames' part of the run: from a tenth into the video (the model loaded, the
        # pipeline full) to the last sample before the reader stopped moving (its last
        # position, a little short of the file's end); growth is memory against the
        # position in the video, so it is per hour of video.
        frames_part = [i for i, share in enumerate(read) if 0.1 <= share < max(read)]
        if len(frames_part) >= 3:
            hours = np.array([read[i] for i in frames_part]) * minutes / 60
            per_hour = float(np.polyfit(hours, [rss[i] for i in frames_part], 1)[0])
            first, last = frames_part[0], frames_part[-1]
            frames_line = (f"rss at {read[first]:.0%} of the video {rss[first]:.0f} MB, at {read[last]:.0%} "
                           f"{rss[last]:.0f} MB (highest {max(rss[i] for i in frames_part):.0f} MB); "
                           f"growth {per_hour:+.1f} MB per hour of video")
        else:
            frames_line = "too few samples for the growth"
        print(stdout.strip())
        print(f"RESULT video {minutes:g} min ({frames} frames at {fps:g} fps, model {model}): {seconds:.0f} s "
              f"({frames / seconds:.0f} frames/s); peak RSS {peak_mb:.0f} MB (the report included); "
              f"{frames_line}; outputs: {sizes}")


def read_share(pid: int, path: Path) -> float:
    """How far the process has read into ``path``: the furthest file position among its
    descriptors of it (0 when none is open: not yet, or no longer)."""
    furthest = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != str(path):
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    furthest = max(furthest, int(f.readline().split()[1]))  # "pos:\t<bytes>"
            except (OSError, ValueError, IndexError):
                continue
    except OSError:  # the process has ended: it has nothing open any more
        return 0.0
    return furthest / max(1, path.stat().st_size)


def _at(times: list[float], values: list[float], share: float) -> float:
    index = min(range(len(times)), key=lambda i: abs(times[i] - times[-1] * share))
    return values[index]


# --------------------------------------------------------------------------- many small videos


def many_videos(count: int, jobs: int, model: str, every_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="formcheck-many-") as tmp:
        folder, results = Path(tmp, "clips"), Path(tmp, "results")
        folder.mkdir()
        one = Path(tmp, "one.mp4")
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(CLIP), "-t", "1", "-c:v", "mpeg4", "-q:v", "5",
                        "-an", str(one)], check=True)
        for number in range(count):  # in folders of 100, as a phone's export might be
            target = folder / f"day{number // 100:02d}" / f"clip{number:04d}.mp4"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(one, target)
        print(f"{count} one-second videos ({one.stat().st_size / 1e3:.0f} kB each), --jobs {jobs}, model {model}",
              flush=True)
        command = [sys.executable, "-m", "formcheck", "analyze", str(folder), "--exercise", "glute_bridge",
                   "--model", model, "--out", str(results), "--jobs", str(jobs)]
        start = time.perf_counter()
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120-column terminal
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
        os.close(follower)
        screen, times, parent_mb, gaps, seen_total = "", [], [], [], None
        last_sample = 0.0
        markers_dir = results / ".formcheck"
        while True:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536).decode(errors="replace")
                except OSError:
                    chunk = ""
                if not chunk:
                    break
                screen = (screen + chunk)[-20000:]
            now = time.perf_counter() - start
            if now - last_sample >= every_s and proc.poll() is None:
                last_sample = now
                shown = BAR.findall(screen)
                on_disk = sum(1 for _ in markers_dir.rglob("*.result.json")) if markers_dir.exists() else 0
                times.append(now)
                parent_mb.append(memory_mb(proc.pid))
                if shown:
                    bar_n, seen_total = int(shown[-1][0]), int(shown[-1][1])
                    gaps.append(on_disk - bar_n)  # > 0: the bar lags; < 0: it runs ahead of the truth
                if len(times) % max(1, int(30 / every_s)) == 1:
                    print(f"{now / 60:6.1f} min  parent rss {parent_mb[-1]:6.1f} MB  bar "
                          f"{shown[-1][0] if shown else '-'}/{seen_total or '-'}  finished on disk {on_disk}",
                          flush=True)
            if proc.poll() is not None and not ready:
                break
        proc.wait()
        os.close(leader)
        seconds = time.perf_counter() - start
        tail = screen.replace("\r", "\n").strip().splitlines()[-3:]
        done = sum(1 for _ in markers_dir.rglob("*.result.json"))
        reports = sum(p.stat().st_size for p in results.rglob("*") if p.is_file())
        per_thousand = growth(times, parent_mb) * seconds / max(done, 1) * 1000
        print("\n".join(tail))
        print(f"RESULT folder {count} videos (--jobs {jobs}, model {model}): exit {proc.returncode}, {seconds:.0f} s "
              f"({count / seconds:.2f} videos/s); parent rss start {parent_mb[0]:.0f} MB, peak "
              f"{np.nanmax(parent_mb):.0f} MB, end {parent_mb[-1]:.0f} MB, growth {per_thousand:+.1f} MB per 1,000 "
              f"videos; bar total {seen_total} (of {count}); bar behind disk by at most {max(gaps, default=0)}, "
              f"ahead by at most {max(0, -min(gaps, default=0))}; {done} markers; results {reports / 1e6:.0f} MB")


# --------------------------------------------------------------------------- live


def live(minutes: float, model: str) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.soak_live", str(CLIP), "--minutes", str(minutes),
                    "--model", model], check=True, cwd=REPO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("video", help="one long recording")
    one.add_argument("--minutes", type=float, default=120.0)
    one.add_argument("--model", default="full")
    one.add_argument("--every", type=float, default=30.0, help="seconds between memory samples")
    one.add_argument("--fps", type=float, default=30.0, help="frame rate of the long video")
    many = sub.add_parser("folder", help="a folder of many small videos")
    many.add_argument("--videos", type=int, default=2000)
    many.add_argument("--jobs", type=int, default=2)
    many.add_argument("--model", default="lite")
    many.add_argument("--every", type=float, default=1.0)
    soak = sub.add_parser("live", help="a long live session on a looped file")
    soak.add_argument("--minutes", type=float, default=120.0)
    soak.add_argument("--model", default="full")
    args = parser.parse_args()
    if args.what == "video":
        long_video(args.minutes, args.model, args.every, args.fps)
    elif args.what == "folder":
        many_videos(args.videos, args.jobs, args.model, args.every)
    else:
        live(args.minutes, args.model)


if __name__ == "__main__":
    main()
