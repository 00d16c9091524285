"""The results folder's record of what each video was analysed with.

``results/.formcheck/week1/monday.result.json`` is written once all of
``week1/monday.mp4``'s outputs are in place (or once the video turned out to be
unusable). ``formcheck.batch`` writes and checks these markers to skip finished
work; ``formcheck.history`` reads them for each video's name and date.

A marker that cannot be trusted (cut short, not JSON, a field missing or of the wrong
kind, written by another version of formcheck) is reported by ``check_marker`` with the
reason, so the batch can say so in one line and analyse the video again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from formcheck.fileio import write_json_atomic

MARKER_DIR = ".formcheck"
MARKER_SUFFIX = ".result.json"
MARKER_FORMAT = 1  # bump when a marker's meaning changes; markers of other formats are redone
# Every field a marker has, and its type (formcheck 0.1's markers had these without "format").
FIELDS: dict[str, type | tuple[type, ...]] = {
    "video": str, "status": str, "error": (str, type(None)), "video_size": int, "video_mtime_ns": int,
    "settings": dict, "outputs": list,
}


def marker_path(results: Path, stem: str) -> Path:
    """Where the marker of the video whose outputs are ``results/<stem>.*`` lies."""
    return results / MARKER_DIR / (stem + MARKER_SUFFIX)


def read_marker(results: Path, stem: str) -> dict[str, Any] | None:
    """The marker of the video whose outputs are ``results/<stem>.*``, if any."""
    return read_json(marker_path(results, stem))


def check_marker(results: Path, stem: str) -> tuple[dict[str, Any] | None, str | None]:
    """The marker if it can be trusted, else why not: ``(marker, None)``, ``(None, reason)``,
    or ``(None, None)`` when there is none (the video was never finished)."""
    path = marker_path(results, stem)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, f"unreadable ({error.strerror or error})"
    if not text.strip():
        return None, "empty"
    try:
        data = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not text"
    except ValueError:
        return None, "cut short or not JSON" if text.lstrip()[:1] == b"{" else "not JSON"
    if not isinstance(data, dict):
        return None, "not a formcheck marker"
    version = data.get("format", MARKER_FORMAT)
    if version != MARKER_FORMAT:
        return None, f"from another version of formcheck (format {version!r}; this one writes {MARKER_FORMAT})"
    missing = [name for name in FIELDS if name not in data]
    if missing:
        return None, "from an older formcheck or damaged (no " + ", ".join(missing) + ")"
    wrong = [name for name, kind in FIELDS.items() if not isinstance(data[name], kind)
             or (kind is int and isinstance(data[name], bool))]
    if wrong:
        return None, "damaged (" + ", ".join(wrong) + " not as expected)"
    return data, None


def write_marker(results: Path, stem: str, marker: dict[str, Any]) -> None:
    path = marker_path(results, stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, {"format": MARKER_FORMAT, **marker})


def remove_marker(results: Path, stem: str) -> None:
    """Forget that the video was finished (before its outputs are written again)."""
    marker_path(results, stem).unlink(missing_ok=True)


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``; None if it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
