from formcheck.report.model import Balance
from reports import hold, rep


def test_no_sides_no_balance():
    assert Balance.of([rep(1, 0.0, 2.0)], [], 0.75) is None


def test_even_holds_are_not_flagged():
    b = Balance.of([], [hold("left", 0.0, 24.0), hold("right", 30.0, 52.0)], 0.75)
    assert b.left.hold_s == 24.0 and b.right.hold_s == 22.0
    assert not b.asymmetric and b.notes == []


def test_a_much_shorter_side_is_flagged_in_plain_words():
    b = Balance.of([], [hold("left", 0.0, 25.0), hold("right", 30.0, 39.0, ["short_hold"])], 0.75)
    assert b.asymmetric
    assert b.notes == ["Right side: time held 9 s vs 25 s on the left - work toward evening them out"]
    assert (b.left.faults, b.right.faults) == (0, 1)


def test_a_missing_side():
    b = Balance.of([rep(1, 0.0, 2.0, side="left"), rep(2, 3.0, 5.0, side="left")], [], 0.75)
    assert (b.left.reps, b.right.reps) == (2, 0)
    assert b.notes == ["Right side: reps 0 vs 2 on the left - work toward evening them out",
                       "The right side was not done"]
