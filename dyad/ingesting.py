"""``dyad ingest``: articles through the ingest pipeline, the gate and into the store.

Each article is validated and written on its own, before the next is read, so a later article
about the same event finds it in the store and adds a report instead of a second event.
An article that cannot be read or does not validate is reported and skipped; the others go in.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click

from dyad import gate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dyad.errors import DyadError, UsageError
from dyad.namespace import DY
from dyad.parse import SourceGraph
from dyad.store import Store, default_path
from dyad.validate import Severity


@dataclass
class Summary:
    articles: int = 0
    changed: int = 0
    events: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        by_type = ", ".join(f"{t} {n}" for t, n in sorted(self.events.items())) or "none"
        out = [f"articles: {self.articles} ({self.changed} changed the store), failed: {len(self.failures)}",
               f"events: {sum(self.events.values())} ({by_type})"]
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"error: {f}" for f in self.failures]
        return out


def ingest_paths(store: Store, paths: list[str], overrides: object | None = None, *,
                 progress: bool = False) -> Summary:
    """Ingest files, folders and ``-``; returns what happened (never raises for one bad article)."""
    from ingest.article import iter_paths, read_path
    from ingest.pipeline import process

    summary = Summary()
    files: list[Path | str] = []
    for p in paths:
        if p == "-":
            files.append("-")
        elif not Path(p).exists():
            summary.failures.append(f"{p}: no such file or folder")
        else:
            files.extend(iter_paths([p]))
    gate.ensure_base(store)
    bar = _bar(files, progress)
    for f in bar:
        try:
            for article in read_path(f, overrides=overrides):
                summary.articles += 1
                try:
                    result = process(article, store.find_events)
                    source = SourceGraph(article.iri, result.graph, article.name)
                    checked, dropped = keep_valid_events(store, source)
                    summary.warnings.extend(dropped)
                    written = gate.commit(store, [checked])
                except DyadError as exc:
                    summary.failures.append(f"{article.name}: {_one_line(exc)}")
                    continue
                summary.changed += any(w.changed for w in written)
                graph = result.graph
                summary.events.update(  # distinct events, not mentions
                    str(t).rsplit("#", 1)[1]
                    for e in set(graph.objects(None, DY.reportOf)) for t in graph.objects(e, RDF.type))
                summary.warnings.extend(result.warnings)
        except DyadError as exc:
            summary.failures.append(_one_line(exc))
    return summary


def keep_valid_events(store: Store, source: SourceGraph) -> tuple[gate.Checked, list[str]]:
    """Drop the events that violate the shapes (an extraction mistake must not cost the article
    its other events); return a warning for each. Problems with the article itself stay, and
    the gate then refuses it whole."""
    warnings: list[str] = []
    for _ in range(3):  # dropping an event can orphan an ``about`` link: check again
        (checked,) = gate.check(store, [source])
        if checked.report.conforms:
            return checked, warnings
        g = source.graph
        events = set()
        for problem in checked.report.problems:
            if problem.severity is not Severity.VIOLATION:
                continue
            focus = URIRef(problem.focus)
            event = _event_of(g, focus)
            if event is None:
                return checked, warnings  # the article itself is wrong: the gate refuses it
            if event not in events:
                warnings.append(f"{source.origin}: event left out: {problem.message}")
            events.add(event)
        for event in events:
            _remove_event(g, event)
    (checked,) = gate.check(store, [source])
    return checked, warnings


def _event_of(g: Graph, node: URIRef) -> URIRef | None:
    if (node, DY.reportOf, None) in g:
        return g.value(node, DY.reportOf)
    report = g.value(None, DY.evidence, node)
    if report is not None:
        return g.value(report, DY.reportOf)
    if any(True for _ in g.subjects(DY.reportOf, node)):
        return node
    return None


def _remove_event(g: Graph, event: URIRef) -> None:
    for report in list(g.subjects(DY.reportOf, event)):
        for evidence in list(g.objects(report, DY.evidence)):
            g.remove((evidence, None, None))
        g.remove((report, None, None))
    g.remove((event, None, None))
    g.remove((None, DY.about, event))


def _one_line(exc: DyadError) -> str:
    """A validation report is several lines; the summary keeps its count line and first problem."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) < 3:
        return " ".join(lines)
    return f"{lines[-2]}; first: {lines[1]}"


def _bar(files: list, progress: bool):  # type: ignore[no-untyped-def]
    if not progress or len(files) < 2:
        return files
    from tqdm import tqdm

    return tqdm(files, unit="file", file=sys.stderr)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", default=None, help="Publication date or date-time (ISO 8601); overrides the text's.")
@click.option("--lang", "language", default=None, help="Language (id, en, ...); detected when not given.")
@click.option("--url", default=None, help="The article's URL (also makes its IRI).")
@click.option("--title", default=None, help="The article's title.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), envvar="DYAD_STORE", default=None,
              help="Store folder (default: $DYAD_STORE, else ~/.local/share/dyad/store).")
@click.option("--quiet", is_flag=True, help="No progress bar and no warnings, only errors and the summary.")
def ingest(paths: tuple[str, ...], published: str | None, language: str | None, url: str | None,
           title: str | None, store_dir: Path | None, quiet: bool) -> None:
    """Ingest news articles: text files, JSON / JSON Lines feeds, folders of them, or - (stdin).

    Each article becomes one named graph of validated events; ingesting it again changes nothing.
    Exit 0 when every article went in, 2 when any could not be read or did not validate.
    """
    from ingest.article import Metadata, languages, parse_published

    when: datetime | None = parse_published(published) if published else None
    if language and language not in languages():
        raise UsageError(f"--lang {language}: no lexicons for it; known: {', '.join(languages())}")
    overrides = Metadata(published=when, language=language, url=url, title=title)
    store = Store(store_dir or default_path())
    summary = ingest_paths(store, list(paths), overrides, progress=not quiet and sys.stderr.isatty())
    for line in summary.lines():
        if quiet and line.startswith("warning:"):
            continue
        click.echo(line, err=True)
    if summary.failures:
        raise SystemExit(2)
