"""The gate for hand submissions: ``dyad validate`` checks files, ``dyad submit`` checks and adds.

A submission is RDF (Turtle, N-Triples, TriG, JSON-LD with Dyad's context) or the simple form
(YAML, CSV; :mod:`dyad.simple_form`). Each file is checked against the shapes with the
neighbourhood it refers to (:func:`dyad.gate.check`, never the whole store) and against what the
store knows:

- every agent, target and claimant must name a known actor (registry, store, or described in
  the file); otherwise a violation suggests the closest known names;
- an event the store already has (same type, agents, targets, date) is a warning, and the
  submission reuses its IRI, so it adds a report instead of a second event;
- events, reports and sources must have IRIs under ``https://w3id.org/dyad/id/``; an event
  elsewhere (``<http://evil.example/event/1> a dy:Summons``) is refused with the IRI to mint;
- only terms the ontology declares may be used from ``dy:``.

Severity follows SHACL: a violation refuses the file, warnings and infos do not. All files are
read and checked before anything is written; an accepted file goes in as its own named graph, in
one transaction, with its provenance (who: ``--by``, when, which file). Exit codes: 0 valid, 1
violations, 2 unreadable input or usage.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import click
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH
from rdflib.term import Node

from dyad import dates, identity
from dyad.encoding import decode
from dyad.errors import InputError
from dyad.namespace import DY, EVENT_CLASSES, ID, STATUSES
from dyad.parse import FORMATS, SourceGraph
from dyad.iris import event_iri, report_iri
from dyad.simple_form import (
    CHECK_ACTOR, CHECK_DATE, SHAPES, ActorIndex, RowProblem, SimpleSource, read_simple, submission_triples,
)
from dyad.store import Store, default_path
from dyad.validate import Severity, ValidationReport, shorten

__all__ = ["MAX_BYTES", "Finding", "FileReport", "check_files", "read_submission", "submit"]

MAX_BYTES = 10 * 1024 * 1024  # a hand submission; bulk data goes through `dyad load`
SIMPLE = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
INPUT_FORMATS = ["yaml", "csv", "turtle", "nt", "trig", "nquads", "json-ld", "xml"]
CHECK_NAMESPACE = SHAPES + "Submission-iri-namespace"
CHECK_TERM = SHAPES + "Submission-known-term"
_SUPERSEDED = {SHAPES + "Event-agent-actor", SHAPES + "Event-target-actor", SHAPES + "Report-claimant-actor"}
_ORDER = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SH_SEVERITY = {Severity.VIOLATION: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}
_EVENT_NS = str(ID["event/"])
_SKOLEM_NS = str(ID["node/"])


@dataclass(frozen=True)
class Finding:
    """One problem as a person reads it: where, which event, which field, what value, what to do."""

    line: int | None
    event: str
    focus: str
    field: str | None
    value: str | None
    message: str
    severity: Severity
    shape: str

    def text(self, origin: str) -> str:
        where = f"{origin}:{self.line}" if self.line else origin
        value = f" (value {_show_value(self.value)})" if self.value is not None else ""
        return (f"{where}: {self.event}: {self.severity.value}: {self.field or '-'}: "
                f"{self.message}{value} [{shorten(self.shape)}]")


def _show_value(value: str) -> str:
    if value.startswith('"'):
        return value  # a literal in Turtle form, from the shapes
    if value.startswith(("http://", "https://")):
        return shorten(value) if not value.startswith(str(ID)) else _display(URIRef(value))
    return json.dumps(value, ensure_ascii=False)


@dataclass
class FileReport:
    """The outcome of checking one source graph of one file."""

    origin: str
    source: URIRef
    graph: Graph
    findings: list[Finding]
    shacl: Graph = field(default_factory=Graph)

    @property
    def conforms(self) -> bool:
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s.value: c[s] for s in Severity}

    def format_text(self) -> str:
        lines = [f.text(self.origin) for f in self.findings]
        summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in self.counts().items())
        state = "conforms" if self.conforms else "does not conform"
        lines.append(f"{self.origin}: {shorten(str(self.source))}: {state}: {summary}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"file": self.origin, "source": str(self.source), "conforms": self.conforms,
                "counts": self.counts(),
                "problems": [{"line": f.line, "event": f.event, "focus": f.focus, "field": f.field,
                              "value": f.value, "message": f.message, "severity": f.severity.value,
                              "shape": f.shape} for f in self.findings]}


# ---- reading ---------------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what cannot be a hand submission (exit 2, naming the file)."""
    where = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"file is larger than the {MAX_BYTES >> 20} MiB limit for a submission; "
                             "split it, or load bulk RDF with 'dyad load'", where=where)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=where) from None
    if not data.strip():
        raise InputError("empty file", where=where)
    # read as dyad ingest reads (a byte order mark says UTF-16 or UTF-32); parsers get UTF-8
    text = decode(data, where)
    if not text.strip():
        raise InputError("empty file", where=where)
    return text.encode("utf-8")


def _form(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix in SIMPLE:
        return SIMPLE[suffix]
    if suffix in FORMATS:
        return FORMATS[suffix]
    raise InputError(f"unknown submission format '{suffix or '(no extension)'}'; use .yaml, .yml or "
                     ".csv (the simple form), or .ttl, .nt, .trig, .jsonld (RDF)", where=str(path))


@dataclass
class _Read:
    source: SourceGraph
    findings: list[Finding]
    lines: dict[URIRef, int]
    superseded: set[tuple[str, str]]  # (focus, value) of actor problems already explained
    reported: dict[URIRef, set[str]] = field(default_factory=dict)  # event -> fields found wrong already


def read_submission(path: Path, *, store: Store, actors: ActorIndex, submitter: str,
                    now: datetime, form: str | None = None) -> list[_Read]:
    """One file as source graphs ready for the shapes, with the problems found on the way."""
    from dyad import parse

    data = read_bytes(path)
    form = _form(path, form)
    known = store.find_events
    if form in ("yaml", "csv"):
        src = read_simple(path, data, submitter=submitter, now=now, known=known, actors=actors, form=form)
        return [_Read(src, [_row_finding(p, src) for p in src.problems], src.lines, set(), src.reported)]
    default = ID["submission/" + hashlib.sha256(data).hexdigest()[:16]]
    out = []
    for sg in parse.read(path, fmt=form, default_source=default):
        findings: list[Finding] = []
        _add_provenance(sg, path.name, submitter, now)
        if form == "json-ld":
            _type_plain_dates(sg, findings)
        _check_terms(sg, findings)
        superseded = _check_rdf_events(sg, store, actors, findings)
        out.append(_Read(sg, findings, {}, superseded))
    return out


def _row_finding(p: RowProblem, src: SimpleSource) -> Finding:
    label = _event_label(p.focus, src.graph) if p.focus is not None else (
        "header" if p.row == 0 else f"event {p.row}" + (f" ({p.kind})" if p.kind else ""))
    return Finding(p.line, label, str(p.focus or src.name), p.field, p.value, p.message, p.severity, p.check)


def _add_provenance(sg: SourceGraph, name: str, submitter: str, now: datetime) -> None:
    g, src = sg.graph, sg.name
    if (src, RDF.type, None) not in g:  # the file describes no source: it is a submission
        for t in submission_triples(src, name, submitter, now):
            g.add(t)
        for ev in _events(g):
            if (None, DY.reportOf, ev) not in g:
                r = report_iri(ev, src)
                g.add((r, RDF.type, DY.Report))
                g.add((r, DY.reportOf, ev))
                g.add((r, DY.status, STATUSES["reported"]))
        for r in set(g.subjects(DY.reportOf, None)):
            if (r, DY.source, None) not in g:
                g.add((r, DY.source, src))
        _derived_from(g, src)
        return
    if (src, RDF.type, DY.Submission) in g:  # fill in what the submitter left out
        for s, p, o in submission_triples(src, name, submitter, now):
            if s != src or (src, p, None) not in g:
                g.add((s, p, o))
        _derived_from(g, src)


def _derived_from(g: Graph, src: URIRef) -> None:
    for r in list(g.subjects(DY.source, src)):
        for ev in list(g.objects(r, DY.reportOf)):
            g.add((ev, PROV.wasDerivedFrom, src))


def _events(g: Graph) -> list[URIRef]:
    return sorted({s for cls in (DY.Event, *EVENT_CLASSES) for s in g.subjects(RDF.type, cls)
                   if isinstance(s, URIRef)})


def _type_plain_dates(sg: SourceGraph, findings: list[Finding]) -> None:
    """JSON-LD contexts cannot type a value by its form: "2024-W42" is typed here."""
    g = sg.graph
    for ev, lit in list(g.subject_objects(DY.date)):
        if not isinstance(lit, Literal) or lit.datatype is not None or lit.language:
            continue
        g.remove((ev, DY.date, lit))
        try:
            value = dates.parse(str(lit))
        except ValueError as exc:
            findings.append(Finding(None, _event_label(ev, g), str(ev), "dy:date", str(lit), str(exc),
                                    Severity.VIOLATION, CHECK_DATE))
            continue
        for t in dates.triples(ev, value):  # type: ignore[arg-type]
            g.add(t)


def _check_terms(sg: SourceGraph, findings: list[Finding]) -> None:
    from difflib import get_close_matches

    from dyad import gate

    declared = {str(s) for s in gate.ontology().subjects() if str(s).startswith(str(DY._NS))}
    g = sg.graph
    used = {p for p in g.predicates()} | {o for o in g.objects(None, RDF.type)}
    for term in sorted(t for t in used if str(t).startswith(str(DY._NS)) and str(t) not in declared):
        local = str(term)[len(str(DY._NS)):]
        names = [d[len(str(DY._NS)):] for d in declared]
        close = get_close_matches(local, names, n=1)
        hint = f"; did you mean dy:{close[0]}?" if close else ""
        subject = next(iter(g.subjects(term, None)), None) or next(iter(g.subjects(RDF.type, term)), None)
        findings.append(Finding(None, _event_label(subject, g), str(subject), shorten(str(term)), None,
                                f"dy:{local} is not a term of the Dyad ontology{hint}",
                                Severity.VIOLATION, CHECK_TERM))


def _check_rdf_events(sg: SourceGraph, store: Store, actors: ActorIndex,
                      findings: list[Finding]) -> set[tuple[str, str]]:
    """IRIs in Dyad's namespace, stored duplicates linked, actors known. Returns the (focus,
    value) pairs whose unknown-actor problem is explained here, so the shapes' terser one is
    dropped."""
    g, src = sg.graph, sg.name
    if not str(src).startswith(str(ID)):
        findings.append(Finding(None, "source", str(src), None, None,
                                f"the source <{src}> is not under {ID}; name a submission "
                                "dyid:submission/<id>, or leave it out and 'dyad submit' adds one",
                                Severity.VIOLATION, CHECK_NAMESPACE))
    for n, ev in enumerate(_events(g), 1):
        etype = next((t for t in g.objects(ev, RDF.type) if t in EVENT_CLASSES), DY.Event)
        agents = frozenset(o for o in g.objects(ev, DY.agent) if isinstance(o, URIRef))
        targets = frozenset(o for o in g.objects(ev, DY.target) if isinstance(o, URIRef))
        about = frozenset(o for o in g.objects(ev, DY.about) if isinstance(o, URIRef))
        lit = g.value(ev, DY.date)
        try:
            date = dates.from_literal(lit) if isinstance(lit, Literal) else None
        except ValueError:
            date = None
        minted = event_iri(etype, agents, targets, about, date, src, n)
        if str(ev).startswith(_SKOLEM_NS):  # a blank node in the file: give it its proper IRI
            identity.rename(g, ev, minted)
            ev = minted
        elif not str(ev).startswith(_EVENT_NS):
            findings.append(Finding(
                None, _event_label(ev, g), str(ev), None, None,
                f"event <{ev}> is not under {_EVENT_NS}; Dyad mints event IRIs from the type, "
                f"agents, targets, about and date: use <{minted}>, leave the IRI out (a blank node "
                "in Turtle, no \"id\" in JSON-LD), or submit the YAML/CSV form",
                Severity.VIOLATION, CHECK_NAMESPACE))
        k = identity.known_match(store, g, ev)  # one event, many reports, whatever it is about
        if k is not None:
            ev = identity.fold(g, ev, k)
            if any(store.has((r, DY.reportOf, ev), src) for r in g.subjects(DY.reportOf, ev)):
                continue  # the same source again: no duplicate
            findings.append(Finding(None, _event_label(ev, g), str(ev), None, None,
                                    f"the store already has this event ({shorten(str(ev))}); "
                                    "this submission adds its report to it",
                                    Severity.WARNING, SHAPES + "Submission-duplicate-event"))
    for r in sorted(set(g.subjects(DY.reportOf, None))):
        ev = g.value(r, DY.reportOf)
        if str(r).startswith(_SKOLEM_NS) and isinstance(ev, URIRef):
            identity.rename(g, r, report_iri(ev, src))
        elif not str(r).startswith(str(ID)):
            findings.append(Finding(None, _event_label(ev, g), str(r), None, None,
                                    f"report <{r}> is not under {ID}; use <{report_iri(ev, src)}> "
                                    "or leave the IRI out", Severity.VIOLATION, CHECK_NAMESPACE))
    for r, e in list(g.subject_objects(DY.evidence)):
        if str(e).startswith(_SKOLEM_NS):
            identity.rename(g, e, URIRef(f"{r}-evidence"))
    superseded = set()
    roles = [(ev, p, o) for ev in _events(g) for p in (DY.agent, DY.target) for o in g.objects(ev, p)]
    roles += [(r, DY.claimant, o) for r, o in g.subject_objects(DY.claimant)]
    for focus, p, o in roles:
        if isinstance(o, URIRef) and not actors.is_known(o, g):
            _, why = actors.resolve(str(o))
            findings.append(Finding(None, _event_label(focus, g), str(focus), shorten(str(p)), str(o),
                                    why or f"{o} is no known actor", Severity.VIOLATION, CHECK_ACTOR))
            superseded.add((str(focus), str(o)))
    return superseded


def _event_label(node: Node | None, g: Graph) -> str:
    """What a person calls the node's event: ``dyid:event/ab12… (Summons)``."""
    if node is None:
        return "-"
    seen = set()
    while node not in seen:  # evidence -> report -> event
        seen.add(node)
        if (node, DY.reportOf, None) in g:
            node = g.value(node, DY.reportOf)
        elif (None, DY.evidence, node) in g:
            node = g.value(None, DY.evidence, node)
        else:
            break
    types = [shorten(str(t)).removeprefix("dy:") for t in g.objects(node, RDF.type) if t in EVENT_CLASSES]
    if (node, RDF.type, DY.Submission) in g or (node, RDF.type, DY.Article) in g:
        return "source " + _display(node)
    return _display(node) + (f" ({', '.join(sorted(types))})" if types else "")


def _display(node: Node) -> str:
    text = str(node)
    return "dyid:" + text[len(str(ID)):] if text.startswith(str(ID)) else shorten(text)


# ---- checking --------------------------------------------------------------------------------


def check_files(store: Store, paths: list[Path], *, submitter: str, now: datetime | None = None,
                form: str | None = None) -> list[FileReport]:
    """Read every file, then validate each source graph with its neighbourhood (raises
    InputError on the first unreadable file, before anything is validated)."""
    from dyad import gate

    now = now or datetime.now(timezone.utc)
    actors = ActorIndex(store)
    read = [r for p in paths for r in read_submission(p, store=store, actors=actors, submitter=submitter,
                                                      now=now, form=form)]
    reports = []
    for r, checked in zip(read, gate.check(store, [r.source for r in read])):
        reports.append(_report(r, checked.report))
    return reports


def _report(r: _Read, shacl: ValidationReport) -> FileReport:
    g = r.source.graph
    kept = Graph()
    for t in shacl.report_graph:
        kept.add(t)
    findings = list(r.findings)
    for p in shacl.problems:
        if p.shape in _SUPERSEDED and (p.focus, p.value) in r.superseded:
            _drop_result(kept, p.focus, p.value)
            continue
        focus = URIRef(p.focus)
        event = _event_node(focus, g)
        if event is not None and (p.path or "").rsplit(":", 1)[-1].lstrip("^") in r.reported.get(event, ()):
            _drop_result(kept, p.focus, p.value, any_shape=True, path=(p.path or "").rsplit(":", 1)[-1].lstrip("^"))
            continue  # the row's own check said it first, in the submitter's words
        findings.append(Finding(r.lines.get(event) if event is not None else None, _event_label(focus, g),
                                p.focus, p.path, p.value, p.message, p.severity, p.shape))
    findings.sort(key=lambda f: (f.line or 0, f.event, _ORDER[f.severity], f.field or "", f.message))
    return FileReport(r.source.origin, r.source.name, g, findings, kept)


def _event_node(node: URIRef, g: Graph) -> URIRef | None:
    for _ in range(3):
        if (node, DY.reportOf, None) in g:
            node = g.value(node, DY.reportOf)  # type: ignore[assignment]
        elif (None, DY.evidence, node) in g:
            node = g.value(None, DY.evidence, node)  # type: ignore[assignment]
        else:
            return node
    return node


def _drop_result(report: Graph, focus: str, value: str | None, any_shape: bool = False,
                 path: str | None = None) -> None:
    for result in list(report.subjects(SH.focusNode, URIRef(focus))):
        if value is not None and str(report.value(result, SH.value)) != value:
            continue
        if path is not None and not re.search(rf"[#/]{re.escape(path)}$", str(report.value(result, SH.resultPath) or "")):
            continue  # another field's finding on the same node stays
        shape = report.value(result, SH.sourceShape)
        if str(shape) not in _SUPERSEDED and not any_shape:
            continue
        for s in list(report.subjects(SH.result, result)):
            report.remove((s, SH.result, result))
        report.remove((result, None, None))


def report_graph(reports: list[FileReport]) -> Graph:
    """One SHACL validation report for all files: the shapes' results and the submission checks."""
    from dyad.validate import _DISPLAY_PREFIXES

    out = Graph()
    for prefix, ns in _DISPLAY_PREFIXES:
        out.bind(prefix, ns)
    out.bind("sh", str(SH))
    node = BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    out.add((node, SH.conforms, Literal(all(r.conforms for r in reports))))
    for r in reports:
        for s, p, o in r.shacl:
            if (s, RDF.type, SH.ValidationReport) in r.shacl:
                if p == SH.result:
                    out.add((node, SH.result, o))
                continue
            out.add((s, p, o))
        for f in r.findings:
            if not f.shape.startswith(SHAPES + "Submission-"):
                continue
            res = BNode()
            out.add((node, SH.result, res))
            out.add((res, RDF.type, SH.ValidationResult))
            out.add((res, SH.focusNode, URIRef(f.focus)))
            if f.field and (path := _path(f.field)) is not None:
                out.add((res, SH.resultPath, path))
            if f.value is not None:
                out.add((res, SH.value, Literal(f.value)))
            out.add((res, SH.resultMessage, Literal(f.message, lang="en")))
            out.add((res, SH.resultSeverity, _SH_SEVERITY[f.severity]))
            out.add((res, SH.sourceShape, URIRef(f.shape)))
            out.add((res, SH.sourceConstraintComponent, URIRef(SHAPES + "SubmissionConstraintComponent")))
    return out


def _path(name: str) -> URIRef | None:
    local = name.removeprefix("dy:")
    if local in ("agent", "target", "claimant", "date", "status", "troops", "place", "topic", "evidence"):
        return getattr(DY, local)
    return None


# ---- the commands ----------------------------------------------------------------------------


def _default_submitter() -> str:
    try:
        return getpass.getuser() or "anonymous"
    except Exception:  # no user name in this environment (containers)
        return "anonymous"


def show(reports: list[FileReport], fmt: str) -> None:
    """Print the reports on stdout: text for people, Turtle or JSON for machines."""
    if fmt == "turtle":
        click.echo(report_graph(reports).serialize(format="turtle"), nl=False)
    elif fmt == "json":
        click.echo(json.dumps({"conforms": all(r.conforms for r in reports),
                               "files": [r.as_json() for r in reports]}, indent=2, ensure_ascii=False))
    else:
        for r in reports:
            click.echo(r.format_text())


def run_validate(files: tuple[Path, ...], fmt: str, store_dir: Path | None, form: str | None = None) -> None:
    """``dyad validate``: check, print, exit 0 (valid) or 1 (violations); nothing is written."""
    path = store_dir or default_path()
    store = Store(path, read_only=True) if path.exists() else Store(None)
    reports = check_files(store, list(files), submitter=_default_submitter(), form=form)
    show(reports, fmt)
    sys.exit(0 if all(r.conforms for r in reports) else 1)


FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
    help="text: one line per problem, for people; turtle: the SHACL validation report; json.")
INPUT_OPTION = click.option(
    "--input-format", "form", type=click.Choice(INPUT_FORMATS), default=None,
    help="The file's form when its extension does not say (.yaml .yml .csv .ttl .nt .trig .jsonld).")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--by", "by", default=None, metavar="NAME",
              help="Who submits (default: your user name); recorded as the submission's prov:wasAttributedTo.")
@FORMAT_OPTION
@INPUT_OPTION
@click.option("--store", "store_dir", type=click.Path(path_type=Path), envvar="DYAD_STORE", default=None,
              help="Store folder (default: $DYAD_STORE, else ~/.local/share/dyad/store).")
def submit(files: tuple[Path, ...], by: str | None, fmt: str, form: str | None, store_dir: Path | None) -> None:
    """Check FILES of events and, if every one is valid, add each as its own submission.

    FILES are the simple form (YAML: a list of events; CSV: a row per event; keys type, agent,
    target, date, status, claimant, troops, place, topic, source, evidence) or RDF (Turtle,
    N-Triples, TriG, JSON-LD with "@context": "https://w3id.org/dyad/context.jsonld"), at most
    10 MiB each. All files are checked before any is written; a file with a violation refuses
    the whole call and nothing changes. Warnings (an event the store already has) do not block.

    Exit 0 added (warnings allowed), 1 violations (nothing written), 2 unreadable input or usage.
    """
    from dyad import gate

    path = store_dir or default_path()
    existed = path.exists()
    store = Store(path) if existed else Store(None)  # no store is created for a refused file
    reports = check_files(store, list(files), submitter=by or _default_submitter(), form=form)
    show(reports, fmt)
    refused = [r for r in reports if not r.conforms]
    if refused:
        verb = "does" if len(refused) == 1 else "do"
        click.echo(f"dyad: {len(refused)} of {len(reports)} submitted graph{'s' if len(reports) != 1 else ''} "
                   f"{verb} not conform; nothing was written", err=True)
        sys.exit(1)
    if not existed:
        store = Store(path)
    gate.ensure_base(store)
    for r in reports:
        result = store.write_source(r.source, r.graph)
        events = len({o for o in r.graph.objects(None, DY.reportOf)})
        state = f"+{result.added} -{result.removed} triples" if result.changed else "unchanged"
        click.echo(f"dyad: {r.origin}: added as {r.source} ({events} event{'s' if events != 1 else ''}, "
                   f"{state}); withdraw with 'dyad withdraw {r.source}'", err=True)
    store.flush()
