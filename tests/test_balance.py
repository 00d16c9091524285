from formcheck.report.balance import side_balance


def hold(side, duration, faults=()):
    return {"side": side, "duration_s": duration, "faults": list(faults), "metrics": {}}


def rep(side, peak):
    return {"side": side, "faults": [], "metrics": {"peak_ratio": peak}}


def test_no_sides_no_balance():
    assert side_balance([rep(None, 1.8)], [], 0.75) is None


def test_even_holds_are_not_flagged():
    b = side_balance([], [hold("left", 24.0), hold("right", 22.0)], 0.75)
    assert b["left"]["hold_s"] == 24.0 and b["right"]["hold_s"] == 22.0
    assert not b["asymmetric"] and b["notes"] == []


def test_a_much_shorter_side_is_flagged_in_plain_words():
    b = side_balance([], [hold("left", 25.0), hold("right", 9.0, ["short_hold"])], 0.75)
    assert b["asymmetric"]
    assert b["notes"] == ["Right side: time held 9 vs 25 on the left - work toward evening them out"]
    assert b["right"]["faults"] == 1


def test_a_missing_side():
    b = side_balance([rep("left", 1.9), rep("left", 1.7)], [], 0.75)
    assert b["left"]["reps"] == 2 and b["right"]["reps"] == 0
    assert b["notes"] == ["Right side: reps 0 vs 2 on the left - work toward evening them out",
                          "The right side was not done"]
