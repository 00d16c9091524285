"""The README's exercise tables stay in step with the code: every exercise, its view,
every fault code, and only threshold keys that exist."""

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


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_readme_documents_the_exercise(exercise_id):
    ex = EXERCISES[exercise_id]
    section = sections().get(exercise_id)
    assert section is not None, f"README has no ### `{exercise_id}` section"
    head = section.splitlines()[0]
    assert ex.view.split("_")[0] in head, f"README does not say {exercise_id}'s view ({ex.view})"
    for code in ex.FAULTS:
        assert f"| `{code}` |" in section, f"README misses {exercise_id} fault {code}"
    keys = {f.name for f in dataclasses.fields(ex.Thresholds)}
    for key in re.findall(r"\(`([a-z_]+)`\)", section):
        assert key in keys, f"README names {exercise_id} threshold {key!r}, which does not exist"
