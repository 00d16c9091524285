"""The results folder's record of what each video was analysed with.

``results/.formcheck/week1/monday.result.json`` is written once all of
``week1/monday.mp4``'s outputs are in place (or once the video turned out to be
unusable). ``formcheck.batch`` writes and checks these markers to skip finished
work; ``formcheck.history`` reads them for each video's name and date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from formcheck.fileio import write_json_atomic

MARKER_DIR = ".formcheck"
MARKER_SUFFIX = ".result.json"


def marker_path(results: Path, stem: str) -> Path:
    """Where the marker of the video whose outputs are ``results/<stem>.*`` lies."""
    return results / MARKER_DIR / (stem + MARKER_SUFFIX)


def read_marker(results: Path, stem: str) -> dict[str, Any] | None:
    """The marker of the video whose outputs are ``results/<stem>.*``, if any."""
    return read_json(marker_path(results, stem))


def write_marker(results: Path, stem: str, marker: dict[str, Any]) -> None:
    path = marker_path(results, stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, marker)


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``; None if it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
