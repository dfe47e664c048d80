"""Score extracted events against a gold annotation (the ``*.gold.yaml`` files).

Records are matched on (type, agent code, target code); the date (its ISO text at the gold's
precision) is then scored over the matched records that have a gold date, and status is reported
but not compared. An event with two agents (or targets) gives one record per pair; gold
``target: null`` means no target. Tiers:

- core: recall over core gold records; precision counts as false alarms the predicted records of
  the core event types (Summons, TroopDeployment, Denial) that match no gold record of any tier;
- extended: core + extended gold records together; every unmatched prediction is a false alarm;
- optional gold records are neither rewarded nor penalised (a prediction matching one on type,
  agent and target, whatever the date, is ignored).

``must_not_assert`` entries with a type are violated by a predicted record with the same type,
agent, target (and troops, date when given; a field written as null means none, one left out
means any) whose status is "reported" (or the entry's
``status``); entries that only state a ``fact``, and entries told apart from a true gold record
only by their ``about`` text or clock ``time``, cannot be checked automatically and are listed as
unchecked.
"""

from __future__ import annotations

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


# what a must_not_assert entry may name that Dyad's rows do not carry
_UNCARRIED = ("about", "time")


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
    dates: PRF = field(default_factory=PRF)  # over matched records with a gold date: tp right, fn wrong
    wrong_dates: list[tuple[Record, Record]] = field(default_factory=list)  # (gold, predicted)

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
        self.dates.tp, self.dates.fn = self.dates.tp + other.dates.tp, self.dates.fn + other.dates.fn
        self.wrong_dates += other.wrong_dates


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
    """Match predictions to gold on (type, agent, target); dates are scored on the matches.

    A gold record takes the prediction with its date when there is one, else any prediction of the
    same (type, agent, target): a summons found with the wrong date is found, with a wrong date
    (``Scores.dates``), rather than a miss and a false alarm at once.
    """
    predicted: dict[tuple, Record] = {}
    for r in records:  # one prediction per key; keep the strongest status
        old = predicted.get(r.key)
        if old is None or _RANK.get(r.status or "", 9) < _RANK.get(old.status or "", 9):
            predicted[r.key] = r
    tiers = {"core": PRF(), "extended": PRF()}
    types: dict[str, PRF] = {}
    misses: list[tuple[str, Record]] = []
    matched: set[tuple] = set()
    found: dict[int, tuple] = {}  # index in `ordered` -> the prediction's key
    ordered = [(tier, g) for tier in ("core", "extended") for g in gold.records.get(tier, [])]
    for exact in (True, False):  # right dates first, so a wrong date never takes another's match
        for n, (_, g) in enumerate(ordered):
            if n in found:
                continue
            key = g.key if exact else next(
                (k for k in predicted if k not in matched and k[:3] == g.key[:3]), None)
            if key is not None and key in predicted and key not in matched:
                matched.add(key)
                found[n] = key
    dates = PRF()  # tp: right date; fn: wrong or missing date (matched records with a gold date)
    wrong_dates: list[tuple[Record, Record]] = []
    for n, (tier, g) in enumerate(ordered):
        t = types.setdefault(g.type, PRF())
        if n in found:
            tiers["extended"].tp += 1
            t.tp += 1
            if tier == "core":
                tiers["core"].tp += 1
            if g.date is not None:
                if found[n][3] == g.date:
                    dates.tp += 1
                else:
                    dates.fn += 1
                    wrong_dates.append((g, predicted[found[n]]))
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
    golds = [g for recs in gold.records.values() for g in recs]
    for rule in gold.must_not:
        if "type" not in rule:
            unchecked.append(rule)
            continue
        # A rule told apart from a true gold record only by what the event is `about` (free text)
        # or its clock `time`, which the records do not carry, cannot be checked on (type, agent,
        # target): list it instead.
        if any(f in rule for f in _UNCARRIED) and any(
                g.type == rule["type"] and _fits(rule, g, ("agent", "target", "date")) for g in golds):
            unchecked.append(rule)
            continue
        for r in records:
            if r.type == rule["type"] and _fits(rule, r, ("agent", "target", "troops", "date")) \
                    and (r.status or "reported") == rule.get("status", "reported"):
                violations.append({**rule, "record": r})
                break
    return Scores(tiers, types, misses, false_alarms, violations, unchecked, dates, wrong_dates)


def _fits(rule: dict[str, Any], record: Any, fields: tuple[str, ...]) -> bool:
    """Whether a record has every field a must_not_assert entry gives: a field left out means any,
    one written as null means none (the corpus conventions), so "date: null" forbids an undated
    record and leaves a dated one alone."""
    return all(f not in rule or _str(rule[f]) == _str(getattr(record, f)) for f in fields)


__all__ = ["Gold", "PRF", "Record", "Scores", "CORE_TYPES", "load_gold", "records_from_graph", "score"]


# -- dyad eval: score ingest on a folder of annotated articles -------------------------------

import json  # noqa: E402  (the command's own imports, kept with it)
import sys  # noqa: E402
from datetime import datetime  # noqa: E402

import click  # noqa: E402


@dataclass
class FileScore:
    name: str
    scores: Scores
    warnings: list[str]


def evaluate_file(text_path: Path, gold_path: Path) -> FileScore:
    """Ingest one annotated article into a fresh store and score its who-did-what rows."""
    from dyad import queries
    from dyad.ingesting import ingest_paths
    from dyad.store import Store
    from ingest.article import Metadata, parse_published

    meta = (yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}).get("article") or {}
    published: datetime | None = None
    if meta.get("published"):
        published = parse_published(str(meta["published"]), where=f"{gold_path}: article.published")
    store = Store(None)
    # what the CLI contract's scorers pass (--published, --lang, --url): the outlet's domain says
    # whose press it is (a bare "Kemlu" in it is that country's)
    if meta.get("url") is not None and not isinstance(meta["url"], str):
        raise InputError(f"article.url must be a string, not {meta['url']!r}", where=str(gold_path))
    summary = ingest_paths(store, [str(text_path)], Metadata(published=published, language=meta.get("language"),
                                                             url=meta.get("url") or None))
    if summary.failures:
        raise InputError("; ".join(summary.failures), where=str(text_path))
    query = queries.load("who-did-what")
    result = queries.run(store, query, {"status": "any"})
    col = {c: i for i, c in enumerate(result.columns)}
    troops: dict[str, int] = {}
    records = []
    for row in result.rows:
        value = lambda name: row[col[name]].value if row[col[name]] is not None and row[col[name]].value else None  # noqa: E731
        event = value("event")
        if event not in troops:
            found = store.describe([URIRef(event)]).value(URIRef(event), DY.troops)
            troops[event] = int(found) if found is not None else 0
        records.append(Record(value("type"), value("agent_code"), value("target_code"), value("date"),
                              value("status"), troops[event] or None))
    return FileScore(text_path.name, score(load_gold(gold_path), records), summary.warnings)


def evaluate_dir(*folders: Path) -> tuple[list[FileScore], Scores]:
    """Every ``X.txt`` with an ``X.gold.yaml`` beside it in the folders, and the micro-averaged total."""
    pairs = []
    for folder in folders:
        found = [(t, t.with_name(t.stem + ".gold.yaml")) for t in sorted(folder.glob("*.txt"))]
        found = [(t, g) for t, g in found if g.is_file()]
        if not found:
            raise InputError("no annotated articles (X.txt with X.gold.yaml beside it)", where=str(folder))
        pairs += found
    files = [evaluate_file(t, g) for t, g in pairs]
    total = Scores({}, {}, [], [], [], [])
    for f in files:
        total.add(f.scores)
    return files, total


def _prf(p: PRF) -> dict[str, float | int]:
    return {"precision": round(p.precision, 3), "recall": round(p.recall, 3), "f1": round(p.f1, 3),
            "tp": p.tp, "fp": p.fp, "fn": p.fn}


def _rec(r: Record) -> dict[str, Any]:
    return {"type": r.type, "agent": r.agent, "target": r.target, "date": r.date, "status": r.status}


def _dates(s: Scores) -> dict[str, float | int]:
    return {"right": s.dates.tp, "wrong": s.dates.fn, "accuracy": round(s.dates.recall, 3)}


def report_json(files: list[FileScore], total: Scores) -> dict[str, Any]:
    return {
        "tiers": {k: _prf(v) for k, v in total.tiers.items()},
        "dates": _dates(total),
        "types": {k: _prf(v) for k, v in sorted(total.types.items())},
        "files": [{
            "file": f.name,
            "tiers": {k: _prf(v) for k, v in f.scores.tiers.items()},
            "dates": _dates(f.scores),
            "wrong_dates": [{"gold": _rec(g), "predicted": _rec(p)} for g, p in f.scores.wrong_dates],
            "misses": [{"tier": tier, **_rec(r)} for tier, r in f.scores.misses],
            "false_alarms": [_rec(r) for r in f.scores.false_alarms],
            "must_not_violations": [{k: (str(v) if k == "record" else v) for k, v in m.items()}
                                    for m in f.scores.must_not_violations],
        } for f in files],
    }


def report_text(files: list[FileScore], total: Scores) -> str:
    line = lambda name, s: f"{name:<34} " + "  ".join(  # noqa: E731
        f"{t}: P {s.tiers[t].precision:.2f} R {s.tiers[t].recall:.2f} F1 {s.tiers[t].f1:.2f}"
        for t in ("core", "extended"))
    out = [line(f.name, f.scores) for f in files] + [
        line("ALL", total),
        f"dates right on {total.dates.tp} of {total.dates.tp + total.dates.fn} matched records with a gold date "
        f"({total.dates.recall:.2f})", "", "per type (core + extended, matched on type, agent, target):"]
    for name, p in sorted(total.types.items()):
        out.append(f"  {name:<16} P {p.precision:.2f} R {p.recall:.2f} F1 {p.f1:.2f}  (tp {p.tp}, fp {p.fp}, fn {p.fn})")
    fmt = lambda r: f"{r.type} {r.agent or '-'} -> {r.target or '-'} {r.date or 'undated'} ({r.status or '?'})"  # noqa: E731
    for f in files:
        for tier, r in f.scores.misses:
            out.append(f"miss        {f.name}: [{tier}] {fmt(r)}")
        for r in f.scores.false_alarms:
            out.append(f"false alarm {f.name}: {fmt(r)}")
        for g, p in f.scores.wrong_dates:
            out.append(f"wrong date  {f.name}: {fmt(g)}: found {p.date or 'undated'}")
        for m in f.scores.must_not_violations:
            out.append(f"MUST NOT    {f.name}: {fmt(m['record'])}: {m.get('why', '')}")
    return "\n".join(out)


@click.command("eval")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores.")
def eval_command(folders: tuple[Path, ...], as_json: bool) -> None:
    """Score extraction on annotated articles: each X.txt with an X.gold.yaml beside it.

    Each article is ingested into a fresh temporary store with the gold's publication date (a
    month or year alone is accepted) and language, and its who-did-what rows (status any) are
    matched with the gold records on type, agent code and target code. Prints precision, recall
    and F1 per tier and per type, how many matched records have the gold's date, every miss,
    false alarm and wrong date, and every must_not_assert violated. Several folders are scored
    together (a tuning and a check part, say).
    """
    files, total = evaluate_dir(*folders)
    if as_json:
        json.dump(report_json(files, total), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        click.echo(report_text(files, total))
