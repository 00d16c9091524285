"""Threshold overrides from a TOML file, so a physiotherapist can tune without code.

    # thresholds.toml
    [common]
    out_of_frame_s = 1.5

    [glute_bridge]
    hips_too_high_deg = 12
    min_hold_s = 2.0
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from formcheck.errors import FormcheckError
from formcheck.exercises import EXERCISES
from formcheck.exercises.base import CommonThresholds


def load_config(path: str | Path | None) -> dict:
    """Read and validate a thresholds file; ``None`` gives the defaults."""
    if path is None:
        return {}
    path = Path(path)
    return check_config(read_toml(path, "config"), f"config {path}")


def read_toml(path: Path, kind: str) -> dict:
    """A TOML file (a ``kind`` of file: "config", "routine") as a dict; a missing or invalid
    one is a one-line error."""
    if not path.is_file():
        raise FormcheckError(f"no such {kind} file: {path}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FormcheckError(f"{kind} {path} is not valid TOML: {error}") from None


def check_config(data: dict, where: str) -> dict:
    """Validate threshold sections (``{"common": {...}, "glute_bridge": {...}}``) read from
    ``where`` (a thresholds file, or a routine's ``[thresholds]``); returns ``data``."""
    for section, values in data.items():
        defaults = _defaults_for(section, where)
        if not isinstance(values, dict):
            raise FormcheckError(f"{where}: [{section}] must be a table of thresholds")
        for key, value in values.items():
            _coerce(section, key, value, defaults, where)
    return data


def merge_configs(*configs: dict) -> dict:
    """Threshold sections merged key by key, the later ones winning."""
    merged: dict = {}
    for config in configs:
        for section, values in config.items():
            merged[section] = {**merged.get(section, {}), **values}
    return merged


def _defaults_for(section: str, where: str):
    if section == "common":
        return CommonThresholds()
    if section in EXERCISES:
        return EXERCISES[section].Thresholds()
    raise FormcheckError(f"{where}: unknown section [{section}]; valid: "
                         + ", ".join(["common", *sorted(EXERCISES)]))


def _coerce(section: str, key: str, value, defaults, where: str) -> float:
    fields = {f.name: f for f in dataclasses.fields(defaults)}
    if key not in fields:
        raise FormcheckError(f"{where}: unknown key {key!r} in [{section}]; valid keys: "
                             + ", ".join(fields))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormcheckError(f"{where}: [{section}] {key} must be a number, got {value!r}")
    return float(value)


def thresholds_for(config: dict, section: str):
    """The thresholds of ``section`` ("common" or an exercise id) with the overrides applied."""
    defaults = CommonThresholds() if section == "common" else EXERCISES[section].Thresholds()
    overrides = {k: float(v) for k, v in config.get(section, {}).items()}
    return dataclasses.replace(defaults, **overrides)
