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
    if not path.is_file():
        raise FormcheckError(f"no such config file: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FormcheckError(f"config {path} is not valid TOML: {error}") from None
    for section, values in data.items():
        defaults = _defaults_for(section, path)
        if not isinstance(values, dict):
            raise FormcheckError(f"config {path}: [{section}] must be a table of thresholds")
        for key, value in values.items():
            _coerce(section, key, value, defaults, path)
    return data


def _defaults_for(section: str, path: Path):
    if section == "common":
        return CommonThresholds()
    if section in EXERCISES:
        return EXERCISES[section].Thresholds()
    raise FormcheckError(f"config {path}: unknown section [{section}]; valid: "
                         + ", ".join(["common", *sorted(EXERCISES)]))


def _coerce(section: str, key: str, value, defaults, path: Path) -> float:
    fields = {f.name: f for f in dataclasses.fields(defaults)}
    if key not in fields:
        raise FormcheckError(f"config {path}: unknown key {key!r} in [{section}]; valid keys: "
                             + ", ".join(fields))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormcheckError(f"config {path}: [{section}] {key} must be a number, got {value!r}")
    return float(value)


def thresholds_for(config: dict, section: str):
    """The thresholds of ``section`` ("common" or an exercise id) with the overrides applied."""
    defaults = CommonThresholds() if section == "common" else EXERCISES[section].Thresholds()
    overrides = {k: float(v) for k, v in config.get(section, {}).items()}
    return dataclasses.replace(defaults, **overrides)
