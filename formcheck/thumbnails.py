"""Thumbnails of the moments faults fired, for the report page: the frame with the
skeleton and the cue drawn, as a small JPEG.

The frames are read while the analysis runs (``FaultFrames``, on a thread of its own)
or afterwards, by seeking to them from the nearest keyframe (``_FrameSeeker``), or,
where a video cannot seek reliably, by decoding it from the start.
"""

from __future__ import annotations

import bisect
import queue
import threading
from pathlib import Path

import cv2
import numpy as np

from formcheck.overlay import Overlay
from formcheck.pose.landmarks import PoseTrack
from formcheck.report.model import Thumbnail
from formcheck.session import Banner, LiveState, SessionResult
from formcheck.video import VideoReader, annotated_size, shrink

MAX_THUMBNAILS = 12
THUMBNAIL_LONG_SIDE_PX = 480
END = object()  # no more frames wanted


def fault_thumbnails(video_path, result: SessionResult, track: PoseTrack,
                     frames: dict[int, np.ndarray] | None = None) -> list[Thumbnail]:
    """JPEGs of the frames where faults fired, with the skeleton and the cue drawn.

    ``frames`` may hold some of them already (by index, from ``FaultFrames``); the rest are
    read from the video.
    """
    events = result.events[:MAX_THUMBNAILS]
    if not events:
        return []
    wanted: dict[int, list] = {}
    for event in events:
        wanted.setdefault(_nearest(track.times_s, event.t_s), []).append(event)
    images = dict(frames or {})
    missing = sorted(set(wanted) - set(images))
    if missing:
        images.update(_frames_by_seeking(video_path, missing, track)
                      or _frames_by_decoding(video_path, dict.fromkeys(missing)))
    exercise, common = result.exercise, result.common
    thumbnails = []
    overlay = None
    for index in sorted(wanted):
        image = _at_annotated_size(images[index])
        if overlay is None:
            overlay = Overlay(exercise, image.shape[1], image.shape[0], common)
            scale = np.array([image.shape[1] / track.width, image.shape[0] / track.height])
        pose = track.poses[index]
        seen = pose is not None and exercise.sees_body(pose, common.draw_min_visibility)
        metrics = exercise.measure(pose) if seen else {}
        if pose is not None and image.shape[:2] != (track.height, track.width):
            pose = pose.replace(image_xy=pose.image_xy * scale)
        for event in wanted[index]:
            state = LiveState(t_s=track.times_s[index], pose=pose, metrics=metrics, rep_count=0, hold_side=None,
                              hold_s=None, banner=Banner(event.message, "warning"), in_position=True)
            drawn = overlay.draw(image.copy(), state)
            factor = THUMBNAIL_LONG_SIDE_PX / max(drawn.shape[:2])
            drawn = shrink(drawn, (round(drawn.shape[1] * factor), round(drawn.shape[0] * factor)))
            ok, jpeg = cv2.imencode(".jpg", drawn, [cv2.IMWRITE_JPEG_QUALITY, 80])
            if ok:
                thumbnails.append(Thumbnail(event.t_s, event.code, event.message, jpeg.tobytes()))
    return thumbnails


def _at_annotated_size(image: np.ndarray) -> np.ndarray:
    return shrink(image, annotated_size(image.shape[1], image.shape[0]))


class FaultFrames:
    """Reads the frames of fault moments on a thread of its own while the analysis runs (the
    second core has little else to do then), so the HTML report does not wait for them.

    ``want`` the time of each event as it is said; ``close`` returns the frames read, by
    index, at most 720p. A frame it cannot read is left to ``fault_thumbnails``.
    """

    def __init__(self, video_path, track: PoseTrack):
        self._track = track
        self._requests: queue.Queue = queue.Queue()
        self._asked: set[int] = set()
        self.frames: dict[int, np.ndarray] = {}
        self._thread = threading.Thread(target=self._run, args=(video_path,), name="formcheck-thumbnails",
                                        daemon=True)
        self._thread.start()

    def want(self, t_s: float) -> None:
        index = _nearest(self._track.times_s, t_s)
        if index not in self._asked and len(self._asked) < MAX_THUMBNAILS:
            self._asked.add(index)
            self._requests.put(index)

    def _run(self, video_path) -> None:
        seeker = None
        try:
            seeker = _FrameSeeker(video_path, self._track)
            while (index := self._requests.get()) is not END:
                image = seeker.frame(index)
                if image is None:
                    return
                self.frames[index] = _at_annotated_size(image)
        except Exception:  # noqa: BLE001 - whatever failed here is read again, in the open, afterwards
            return
        finally:
            if seeker is not None:
                seeker.close()

    def close(self) -> dict[int, np.ndarray]:
        self._requests.put(END)
        self._thread.join()
        return self.frames


def _nearest(times_s: list[float], t_s: float) -> int:
    """Index of the time closest to ``t_s`` (the earlier one on a tie); ``times_s`` is increasing."""
    i = bisect.bisect_left(times_s, t_s)
    if i == 0:
        return 0
    if i == len(times_s) or t_s - times_s[i - 1] <= times_s[i] - t_s:
        return i - 1
    return i


def _frames_by_decoding(video_path, wanted) -> dict:
    """The wanted frames, decoding the video from the start up to the last one."""
    images = {}
    with VideoReader(video_path) as video:
        last = max(wanted)
        for frame in video:
            if frame.index in wanted:
                images[frame.index] = frame.image
            if frame.index >= last:
                break
    return images


def _keyframes(video_path) -> list[int]:
    """Indices of the video's keyframes, from its packets alone (nothing is decoded)."""
    cap = cv2.VideoCapture(str(video_path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_FORMAT, -1])
    keyframes, index = [], 0
    try:
        while cap.grab():
            if cap.get(cv2.CAP_PROP_LRF_HAS_KEY_FRAME):
                keyframes.append(index)
            index += 1
    finally:
        cap.release()
    return keyframes


def _frames_by_seeking(video_path, indices: list[int], track: PoseTrack) -> dict | None:
    """The frames at ``indices``, or None when they cannot be read this way: decode instead."""
    seeker = _FrameSeeker(video_path, track)
    try:
        images = {}
        for index in indices:
            image = seeker.frame(index)
            if image is None:
                return None
            images[index] = image
        return images
    finally:
        seeker.close()


class _FrameSeeker:
    """Single frames of a video by index, decoding as little as the keyframes allow.

    A frame can only be decoded from the keyframe before it: jump there when that lies
    ahead (or the frame lies behind), else decode on without converting the frames in
    between. Every frame is checked against the time the analysis saw at its index;
    ``frame`` gives None when it does not match (GIFs, corrupt frames, odd timestamps).
    """

    def __init__(self, video_path, track: PoseTrack):
        self._track = track
        self._cap = None
        if Path(video_path).suffix.lower() == ".gif":
            return
        self._keyframes = _keyframes(video_path)
        self._cap = cv2.VideoCapture(str(video_path))
        self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        self._position = 0  # the index the next read returns
        self._first_t = None

    def frame(self, index: int) -> np.ndarray | None:
        cap = self._cap
        if cap is None:
            return None
        if self._first_t is None:  # timestamps count from the first frame, as VideoReader's do
            ok, first = cap.read()
            if not ok:
                return None
            self._first_t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            self._position = 1
            if index == 0:
                return first
        before = bisect.bisect_right(self._keyframes, index) - 1
        if index < self._position or (before >= 0 and self._keyframes[before] > self._position):
            cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        else:
            for _ in range(index - self._position):
                if not cap.grab():
                    return None
        ok, image = cap.read()
        self._position = index + 1
        t_s = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 - self._first_t
        if not ok or abs(t_s - self._track.times_s[index]) > 0.5 / self._track.fps:
            return None
        return image

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
