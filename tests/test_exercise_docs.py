"""The README's exercise tables stay in step with the exercises' declarations: every
exercise, its view, every fault with its threshold key and its cue, and only threshold
keys that exist."""

import dataclasses
import re

import pytest

from conftest import REPO
from formcheck.exercises import EXERCISES


def sections() -> dict[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    part = text[text.index("## Exercises"):]
    part = part[:part.index("\n## ", 1)]
    found = re.split(r"^### `([a-z_]+)`", part, flags=re.M)
    return dict(zip(found[1::2], found[2::2]))


def views_text(views) -> str:
    """How the README says where a fault is judged from: "side", "oblique or front", "any view"."""
    named = [v for v in ("side", "oblique", "front") if v in views]
    return "any view" if len(named) == 3 else " or ".join(named)


def fault_rows(section: str) -> dict[str, list[str]]:
    """``| `code` | fires when | judged from | message |`` rows: code -> the other cells."""
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        code = re.fullmatch(r"`([a-z_]+)`", cells[0]) if len(cells) == 4 else None
        if code:
            rows[code.group(1)] = cells[1:]
    return rows


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_readme_documents_the_exercise(exercise_id):
    ex = EXERCISES[exercise_id]
    section = sections().get(exercise_id)
    assert section is not None, f"README has no ### `{exercise_id}` section"
    head = section.splitlines()[0]
    assert ex.view.split("_")[0] in head, f"README does not say {exercise_id}'s view ({ex.view})"
    rows = fault_rows(section)
    assert list(rows) == [f.code for f in ex.FAULTS], f"README's {exercise_id} faults are not the declared ones"
    for fault in ex.FAULTS:
        fires_when, judged_from, message = rows[fault.code]
        assert message == fault.cue, f"README's message for {exercise_id} {fault.code} is not its cue"
        assert judged_from == views_text(fault.views), \
            f"README says {exercise_id} {fault.code} is judged from {judged_from!r}, not {views_text(fault.views)!r}"
        if fault.threshold is not None:
            assert f"(`{fault.threshold}`" in fires_when, \
                f"README does not name {exercise_id} {fault.code}'s threshold {fault.threshold}"
    keys = {f.name for f in dataclasses.fields(ex.Thresholds)}
    for key in re.findall(r"\(`([a-z_]+)`", section):
        assert key in keys, f"README names {exercise_id} threshold {key!r}, which does not exist"


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_fault_declarations_are_complete(exercise_id):
    """Each declaration names a threshold that exists, real views and words; bands belong to faults."""
    ex = EXERCISES[exercise_id]
    keys = {f.name for f in dataclasses.fields(ex.Thresholds)}
    codes = [f.code for f in ex.FAULTS]
    assert len(set(codes)) == len(codes)
    for fault in ex.FAULTS:
        assert fault.threshold is None or fault.threshold in keys, f"{fault.code}: no threshold {fault.threshold}"
        assert fault.views and set(fault.views) <= {"side", "front", "oblique"}
        assert fault.title and fault.cue
    assert ex.key_angle.draw in ("arc", "lean", "span")
    for metric, bands in ex().labelled_bands().items():
        assert metric in ex.plots, f"{exercise_id} draws bands on {metric}, which is not plotted"
        for band in bands:
            assert band["label"]
            assert band["code"] is None or band["code"] in codes
