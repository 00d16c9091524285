"""Left/right balance: for exercises done on both sides, compare the sides and flag a gap."""

from __future__ import annotations


def side_balance(reps: list[dict], holds: list[dict], min_ratio: float) -> dict | None:
    """Per-side totals and a plain sentence for every large asymmetry.

    ``min_ratio``: the weaker side below this fraction of the stronger is flagged.
    Returns None when the session has no sides.
    """
    windows = [w for w in reps + holds if w.get("side") in ("left", "right")]
    if not windows:
        return None
    sides = {}
    for side in ("left", "right"):
        mine = [w for w in windows if w["side"] == side]
        entry = {"reps": sum(1 for w in reps if w.get("side") == side),
                 "holds": sum(1 for w in holds if w.get("side") == side),
                 "hold_s": round(sum(w.get("duration_s") or 0.0 for w in mine if w in holds), 1),
                 "faults": sum(len(w["faults"]) for w in mine)}
        sides[side] = entry
    notes = []
    compared = (["hold_s"] if holds else []) + (["reps"] if reps else [])
    for name in compared:
        left, right = sides["left"].get(name), sides["right"].get(name)
        if left is None or right is None:
            continue
        weak, strong = sorted((("left", left), ("right", right)), key=lambda s: s[1])
        if strong[1] > 0 and weak[1] < min_ratio * strong[1]:
            what = {"hold_s": "time held", "reps": "reps"}[name]
            notes.append(f"{weak[0].capitalize()} side: {what} {weak[1]:g} vs {strong[1]:g} on the "
                         f"{strong[0]} - work toward evening them out")
    missing = [s for s in ("left", "right") if not (sides[s]["reps"] or sides[s]["holds"])]
    if missing:
        notes.append(f"The {missing[0]} side was not done")
    return {"left": sides["left"], "right": sides["right"], "asymmetric": bool(notes), "notes": notes}
