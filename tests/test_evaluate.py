"""The scorer's must_not_assert rules (dyad.evaluate.score): what it can check and what it lists."""

from __future__ import annotations

import pytest

from dyad.evaluate import Gold, Record, score

MEETING = Record("Consultation", "USA", "IDN", "2006-11-20", "reported")


# (rule, the true gold records, whether the prediction MEETING violates the rule)
CASES = [
    # the same key as a true gold record, told apart only by a clock time the rows do not carry: unchecked
    ({"type": "Consultation", "agent": "USA", "target": "IDN", "time": "17:50"}, [MEETING], False),
    # ... or by what it is about: unchecked
    ({"type": "Consultation", "agent": "USA", "target": "IDN", "about": "a second meeting"}, [MEETING], False),
    # no true record shares it: a reported prediction violates it, whatever time it names
    ({"type": "Consultation", "agent": "USA", "target": "IDN", "time": "17:50"}, [], True),
    # a field the rows do carry tells them apart: checked
    ({"type": "Consultation", "agent": "USA", "target": "IDN", "date": "2006-11-20"}, [MEETING], True),
    ({"type": "Consultation", "agent": "USA", "target": "IDN", "date": "2006-11-21"}, [MEETING], False),
    # a field written as null means none, one left out means any (the corpus conventions): "date:
    # null" forbids an undated record and leaves a dated one alone; "target: null" a targetless one
    ({"type": "Consultation", "agent": "USA", "target": "IDN", "date": None}, [], False),
    ({"type": "Consultation", "agent": "USA", "target": "IDN"}, [], True),
    ({"type": "Consultation", "agent": "USA", "target": None}, [], False),
]


@pytest.mark.parametrize(("rule", "golds", "violated"), CASES)
def test_must_not_assert(rule: dict, golds: list[Record], violated: bool) -> None:
    scores = score(Gold({"core": [], "extended": golds}, [rule]), [MEETING])
    assert bool(scores.must_not_violations) is violated
