"""The frame pipeline of a recorded video: decoding, the pose model and the rest (rules,
drawing, encoding), one after the other or as three threads joined by short queues.

Pipelined, a video takes about as long as its pose model alone: OpenCV and MediaPipe
release the GIL while they work. Each stage runs in one thread and in frame order, so
the result is exactly that of running the stages one after another (``run_sequential``).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from dataclasses import replace
from typing import Callable, Iterable

from formcheck.pose.estimator import ModelInput, prepare
from formcheck.pose.landmarks import PoseFrame
from formcheck.video import VideoFrame, annotated_size, halve

QUEUE_FRAMES = 3      # frames waiting between two stages: absorbs jitter; a 4K frame is 25 MB
POLL_S = 0.1          # how often a waiting stage checks whether another one failed

Detect = Callable[[ModelInput, float], "PoseFrame | None"]
Rest = Callable[[VideoFrame, "PoseFrame | None"], None]


def pipelining_pays() -> bool:
    """Threads pay off only with a second core; on one they would just take turns."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) > 1
    return (os.cpu_count() or 1) > 1


def run(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True,
        pipelined: bool | None = None) -> None:
    """``run_pipelined`` or ``run_sequential``; ``pipelined=None`` pipelines when it pays."""
    pipelined = pipelining_pays() if pipelined is None else pipelined
    (run_pipelined if pipelined else run_sequential)(frames, detect, rest, images)


def run_sequential(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True) -> None:
    """Each frame through every stage, one after the other: the reference for ``run_pipelined``.

    ``images=False``: ``rest`` gets the frames without their pixels (it does not draw).
    """
    for frame in frames:
        frame, model_input = for_the_stages(frame, images)
        rest(frame, detect(model_input, frame.t_s))


def for_the_stages(frame: VideoFrame, images: bool) -> tuple[VideoFrame, ModelInput]:
    """The model's input, and the frame as the later stages need it: without its pixels
    if they do not draw, else halved toward the annotated size. The model's input starts
    with the same halving, so a 4K frame is halved once, and is what the full frame gives."""
    if not images:
        return replace(frame, image=None), prepare(frame.image)
    height, width = frame.image.shape[:2]
    image = halve(frame.image, annotated_size(width, height))
    return replace(frame, image=image), prepare(image, (width, height))


def run_pipelined(frames: Iterable[VideoFrame], detect: Detect, rest: Rest, images: bool = True) -> None:
    """The same stages as ``run_sequential``, overlapped: decoding (and preparing the model's
    input) on one thread, ``detect`` on the calling thread, ``rest`` on a third.

    Each stage sees every frame in order, so the outcome is the same. The first error in
    any stage (or Ctrl-C) stops all three and is raised here.
    """
    stop = threading.Event()
    errors: list[BaseException] = []
    decoded: queue.Queue = queue.Queue(QUEUE_FRAMES)
    posed: queue.Queue = queue.Queue(QUEUE_FRAMES)

    def put(q: queue.Queue, item) -> None:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                q.put(item, timeout=POLL_S)
                return

    def get(q: queue.Queue):
        while not stop.is_set():
            with contextlib.suppress(queue.Empty):
                return q.get(timeout=POLL_S)
        return END

    def decode() -> None:
        for frame in frames:
            put(decoded, for_the_stages(frame, images))
            if stop.is_set():
                return
        put(decoded, END)

    def finish() -> None:
        while (item := get(posed)) is not END:
            rest(*item)

    def thread(work: Callable[[], None], name: str) -> threading.Thread:
        def guarded() -> None:
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - handed to the calling thread
                errors.append(error)
                stop.set()
        worker = threading.Thread(target=guarded, name=f"formcheck-{name}", daemon=True)
        worker.start()
        return worker

    decoder, finisher = thread(decode, "decode"), thread(finish, "finish")
    try:
        while (item := get(decoded)) is not END:
            frame, model_input = item
            put(posed, (frame, detect(model_input, frame.t_s)))
        put(posed, END)
        finisher.join()
    finally:
        stop.set()
        decoder.join()
        finisher.join()
    if errors:
        raise errors[0]


END = object()  # the end of a stage's frames
