"""Score extracted events against a gold annotation (the ``*.gold.yaml`` files).

Records are compared on (type, agent code, target code, date text); status is reported but not
compared. An event with two agents (or targets) gives one record per pair; gold ``target: null``
means no target. Tiers:

- core: recall over core gold records; precision counts as false alarms the predicted records of
  the core event types (Summons, TroopDeployment, Denial) that match no gold record of any tier;
- extended: core + extended gold records together; every unmatched prediction is a false alarm;
- optional gold records are neither rewarded nor penalised (a prediction matching one on type,
  agent and target, whatever the date, is ignored).

``must_not_assert`` entries with a type are violated by a predicted record with the same type,
agent, target (and troops, date when given) whose status is "reported" (or the entry's
``status``); entries that only state a ``fact`` cannot be checked automatically and are listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dyad.errors import InputError
from dyad.namespace import DY, EVENT_CLASSES

CORE_TYPES = frozenset({"Summons", "TroopDeployment", "Denial"})
_RANK = {"reported": 1, "alleged": 2, "unconfirmed": 3, "hypothetical": 4}


@dataclass(frozen=True)
class Record:
    type: str
    agent: str | None
    target: str | None
    date: str | None
    status: str | None = None
    troops: int | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None, str | None]:
        return (self.type, self.agent, self.target, self.date)


@dataclass
class Gold:
    records: dict[str, list[Record]]  # tier -> records
    must_not: list[dict[str, Any]]


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    tiers: dict[str, PRF]
    types: dict[str, PRF]
    misses: list[tuple[str, Record]]
    false_alarms: list[Record]
    must_not_violations: list[dict[str, Any]]
    unchecked: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Scores) -> None:
        """Accumulate another article's scores (micro-averaging)."""
        for name in ("tiers", "types"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for k, v in theirs.items():
                m = mine.setdefault(k, PRF())
                m.tp, m.fp, m.fn = m.tp + v.tp, m.fp + v.fp, m.fn + v.fn
        self.misses += other.misses
        self.false_alarms += other.false_alarms
        self.must_not_violations += other.must_not_violations
        self.unchecked += other.unchecked


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def load_gold(path: str | Path) -> Gold:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read gold annotation: {exc}", where=str(path)) from None
    records: dict[str, list[Record]] = {"core": [], "extended": [], "optional": []}
    for e in data.get("events") or []:
        records.setdefault(e.get("tier", "core"), []).append(
            Record(e["type"], _str(e.get("agent")), _str(e.get("target")), _str(e.get("date")),
                   e.get("status"), e.get("troops")))
    return Gold(records, list(data.get("must_not_assert") or []))


def _code(g: Graph, actor: URIRef) -> str | None:
    for graph in (g,):
        code = graph.value(actor, DY.code)
        if code is not None:
            return str(code)
        parent = graph.value(actor, DY.actsFor)
        if parent is not None:
            return _code(g, parent) if parent != actor else None
    return None


def records_from_graph(graph: Graph, actors: Graph) -> list[Record]:
    """One record per (event, agent, target) of the events in ``graph``; codes via ``actors``."""
    both = graph + actors
    out = []
    for etype in EVENT_CLASSES:
        for ev in graph.subjects(RDF.type, etype):
            agents = sorted({_code(both, a) for a in graph.objects(ev, DY.agent)}, key=str)
            targets = sorted({_code(both, t) for t in graph.objects(ev, DY.target)}, key=str) or [None]
            date = graph.value(ev, DY.date)
            statuses = [str(both.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or s).rsplit("#", 1)[-1].lower()
                        for r in graph.subjects(DY.reportOf, ev) for s in graph.objects(r, DY.status)]
            status = min(statuses, key=lambda s: _RANK.get(s, 9)) if statuses else None
            troops = graph.value(ev, DY.troops)
            for a in agents:
                for t in targets:
                    if a is not None and a == t:
                        continue
                    out.append(Record(str(etype).rsplit("#", 1)[-1], a, t, _str(date), status,
                                      int(troops) if troops is not None else None))
    return out


def score(gold: Gold, records: list[Record]) -> Scores:
    predicted: dict[tuple, Record] = {}
    for r in records:  # one prediction per key; keep the strongest status
        old = predicted.get(r.key)
        if old is None or _RANK.get(r.status or "", 9) < _RANK.get(old.status or "", 9):
            predicted[r.key] = r
    pool = Counter(predicted.keys())
    tiers = {"core": PRF(), "extended": PRF()}
    types: dict[str, PRF] = {}
    misses: list[tuple[str, Record]] = []
    matched: set[tuple] = set()
    for tier in ("core", "extended"):
        for g in gold.records.get(tier, []):
            t = types.setdefault(g.type, PRF())
            if pool[g.key] > 0:
                pool[g.key] -= 1
                matched.add(g.key)
                tiers["extended"].tp += 1
                t.tp += 1
                if tier == "core":
                    tiers["core"].tp += 1
            else:
                misses.append((tier, g))
                tiers["extended"].fn += 1
                t.fn += 1
                if tier == "core":
                    tiers["core"].fn += 1
    optional = {(r.type, r.agent, r.target) for r in gold.records.get("optional", [])}
    false_alarms = []
    for key, r in predicted.items():
        if key in matched or (r.type, r.agent, r.target) in optional:
            continue
        false_alarms.append(r)
        tiers["extended"].fp += 1
        types.setdefault(r.type, PRF()).fp += 1
        if r.type in CORE_TYPES:
            tiers["core"].fp += 1
    violations, unchecked = [], []
    for rule in gold.must_not:
        if "type" not in rule:
            unchecked.append(rule)
            continue
        for r in records:
            if r.type == rule["type"] and all(
                    _str(rule.get(f)) in (None, _str(getattr(r, f))) for f in ("agent", "target", "troops", "date")
            ) and (r.status or "reported") == rule.get("status", "reported"):
                violations.append({**rule, "record": r})
                break
    return Scores(tiers, types, misses, false_alarms, violations, unchecked)


__all__ = ["Gold", "PRF", "Record", "Scores", "CORE_TYPES", "load_gold", "records_from_graph", "score"]
