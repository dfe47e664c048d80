"""The ``dyad`` command line: the edge where exceptions become one-line messages and exit codes.

Exit codes: 0 ok; 1 data does not conform; 2 bad input, usage, or an unusable store; 3 internal
error. Results go to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import URIRef

from dyad import __version__, queries
from dyad.errors import DyadError, InputError, UsageError
from dyad.store import Store, default_path

STORE_HELP = "Store folder (default: $DYAD_STORE, else ~/.local/share/dyad/store)."
EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD,
}
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
}


def store_option(f):  # type: ignore[no-untyped-def]
    return click.option("--store", "store_dir", type=click.Path(path_type=Path), envvar="DYAD_STORE",
                        default=None, help=STORE_HELP)(f)


def open_store(store_dir: Path | None, *, read_only: bool = False) -> Store:
    return Store(store_dir or default_path(), read_only=read_only)


# Commands that live in their own modules, imported only when used, so that `dyad query` does
# not pay for the web server or the NLP pipeline.
LAZY_COMMANDS = {
    "ingest": "dyad.ingesting:ingest",
    "eval": "dyad.evaluate:eval_command",
    "submit": "dyad.submit:submit",
    "serve": "dyad.serve:serve",
    "push": "dyad.push:push",
    "import": "dyad.importing:import_group",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *(n for n in LAZY_COMMANDS if _lazy(n))])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return _lazy(name) if name in LAZY_COMMANDS else super().get_command(ctx, name)


def source_iri(value: str, what: str) -> URIRef:
    """A source graph's IRI as typed on the command line, or a one-line UsageError."""
    try:
        ox.NamedNode(value)
    except ValueError:
        raise UsageError(f"{what}: {value!r} is no IRI; give a source's full IRI "
                         "('dyad stats --sources' lists them)") from None
    return URIRef(value)


def _lazy(name: str) -> click.Command | None:
    import importlib
    import importlib.util

    module, attr = LAZY_COMMANDS[name].split(":")
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dyad")
def cli() -> None:
    """Dyad: news articles to a knowledge graph of who did what to whom, and when."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default=None, type=click.Choice(["turtle", "nt", "trig", "nquads", "json-ld", "xml"]),
              help="RDF syntax when the extension does not say.")
@store_option
def load(files: tuple[Path, ...], fmt: str | None, store_dir: Path | None) -> None:
    """Load RDF FILES into the store, validated; a file that does not conform is not loaded.

    Each file's triples form one source graph (named by its dy:Article or dy:Submission);
    TriG and N-Quads files keep their named graphs. All files are checked before any is written.
    """
    from dyad import gate, parse, restore

    from dyad.identity import fold_graph
    from dyad.namespace import DERIVED_GRAPH, ENTITIES_GRAPH

    sources: list[parse.SourceGraph] = []
    derived = []
    shared = parse.Graph()
    for f in files:
        own: dict = {}
        found = parse.read(f, fmt=fmt, own=own)
        # a store's own export (backup, move): its ontology and registry must be the installed
        # ones; its shared descriptions go back to the sources that refer to them
        restore.check_base(own, str(f))
        if own and not found:
            raise InputError("only Dyad's own graphs (ontology, registry, summaries): no source to load",
                             where=str(f))
        if ENTITIES_GRAPH in own:  # the same guards as a source graph's triples
            entities = parse.prepare(own[ENTITIES_GRAPH], origin=str(f), salt=str(ENTITIES_GRAPH) + str(f))
            restore.attach_entities(found, entities)
            shared += entities
        if DERIVED_GRAPH in own:
            derived.append((f, own[DERIVED_GRAPH]))
        sources += found
    store = open_store(store_dir)
    folded = sum(fold_graph(store, s.graph) for s in sources)
    if folded:
        click.echo(f"{folded} event(s) already in the store under another IRI: their reports were added to them",
                   err=True)
    fresh = not store.sources()  # the summaries of a restore into an empty store must come out the same
    # the files of one call are checked against each other too: one may point to an event
    # another describes (a source exported alone, with the source it refers to)
    for s in sources if len(files) > 1 else ():
        shared += s.graph
    results = gate.admit(store, sources, also=shared if len(shared) else None)
    for r in results:
        state = f"+{r.added} -{r.removed} triples" if r.changed else "unchanged"
        click.echo(f"{r.graph}: {state}", err=True)
    if derived and fresh:
        ours = store.graph_triples(DERIVED_GRAPH)
        for f, theirs in derived:
            # summaries are the store's own: recomputed, never taken from the file
            missing = {t for t in theirs if t not in ours}
            if missing:
                click.echo(f"dyad: {f}: {len(missing)} summary triple(s) of the file's dyg:derived were "
                           "recomputed differently (it was exported by another version of Dyad)", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True, help="text: one line per problem; turtle: the SHACL validation report; json.")
@click.option("--input-format", "form", default=None,
              type=click.Choice(["yaml", "csv", "turtle", "nt", "trig", "nquads", "json-ld", "xml"]),
              help="The file's form when its extension does not say.")
@store_option
def validate(files: tuple[Path, ...], fmt: str, form: str | None, store_dir: Path | None) -> None:
    """Check FILES (RDF or the simple YAML/CSV form) as 'dyad submit' would, writing nothing.

    Exit 0 when they conform (warnings allowed), 1 on violations, 2 when a file is unreadable.
    """
    from dyad.submit import run_validate

    run_validate(files, fmt, store_dir, form)


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter; repeat for several.")
@click.option("--format", "fmt", type=click.Choice(["table", *RESULT_FORMATS]), default="table",
              show_default=True, help="table for people; csv, tsv, json, xml: SPARQL 1.1 results formats.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Run against a remote SPARQL endpoint instead of the local store.")
@store_option
def query(name: str | None, params: tuple[str, ...], fmt: str, list_: bool, endpoint: str | None,
          store_dir: Path | None) -> None:
    """Run a named query (who-did-what, timeline, dyads, denials, claims) or a .rq FILE."""
    if list_ or not name:
        for q in queries.available():
            click.echo(f"{q.name}: {q.summary}")
            for p in q.params:
                need = "required" if p.required else (f"default {p.default}" if p.default else "optional")
                click.echo(f"    --param {p.name}=…  ({p.kind}, {need}) {p.doc}")
            click.echo(f"    columns: {', '.join(q.columns)}")
        return
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--param {item!r}: expected NAME=VALUE")
        values[key.strip()] = value
    q = queries.load(name)
    if endpoint:
        from dyad.remote import query_remote

        text = query_remote(endpoint, q, values, fmt)
        click.echo(text, nl=not text.endswith("\n"))  # a shell prompt never lands on the last line
        return
    store = open_store(store_dir, read_only=True)
    answer = queries.solutions(store, q, values)
    if fmt == "table":
        click.echo(queries.table(answer))
    else:
        out = sys.stdout.buffer
        answer.serialize(out, RESULT_FORMATS[fmt])  # streamed
        if fmt in ("json", "xml"):
            out.write(b"\n")  # they end without one: a shell prompt would land on the last line
        out.flush()


@cli.command()
@click.option("--format", "fmt", type=click.Choice([*EXPORT_FORMATS, "plover"]), default="turtle", show_default=True,
              help="turtle and ntriples merge all graphs; nquads and trig keep one graph per source; "
                   "plover is JSON Lines, one PLOVER record per event (docs/plover.md).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="File to write (default: stdout).")
@click.option("--source", "source", default=None, help="Export only this source graph (an IRI).")
@click.option("--actor", default=None, metavar="CODE|IRI",
              help="Only events where this actor (or anyone acting for it) is agent or target.")
@click.option("--from", "date_from", default=None, metavar="DATE",
              help="Only events ending on or after DATE (2024, 2024-06, 2024-W42, 2024-10-21).")
@click.option("--to", "date_to", default=None, metavar="DATE", help="Only events starting on or before DATE.")
@store_option
def export(fmt: str, output: Path | None, source: str | None, actor: str | None, date_from: str | None,
           date_to: str | None, store_dir: Path | None) -> None:
    """Export the store as Turtle, N-Triples, N-Quads, TriG or JSON-LD, streamed; or its events
    as PLOVER records (JSON Lines).

    With --actor/--from/--to, only the matching events, with their reports, evidence, sources'
    metadata and the actors and places they name (queries/export-selection.rq).
    """
    from dyad.export import export_store

    if source is not None:
        source = str(source_iri(source, "--source"))
    store = open_store(store_dir, read_only=True)
    if fmt == "plover":
        from dyad.plover import export_plover

        if source is not None:
            raise UsageError("--source exports one graph's triples; PLOVER records are events: use --actor/--from/--to")
        values = {k: v for k, v in (("actor", actor), ("from", date_from), ("to", date_to)) if v is not None}
        result = export_plover(store, output, values)
        left = ", ".join(f"{n} {why}" for why, n in sorted(result.left_out.items()))
        click.echo(f"{result.written} PLOVER records" + (f"; left out: {left}" if left else ""), err=True)
        return
    export_store(store, EXPORT_FORMATS[fmt], output, source=source, actor=actor,
                 date_from=date_from, date_to=date_to)


@cli.command()
@click.option("--sources", is_flag=True, help="List the source graphs too.")
@store_option
def stats(sources: bool, store_dir: Path | None) -> None:
    """Counts of triples, sources, events and reports in the store."""
    store = open_store(store_dir, read_only=True)
    for key, value in store.stats().items():
        click.echo(f"{key}\t{value}")
    if sources:
        for s in store.sources():
            click.echo(f"source\t{s}")


@cli.command()
@click.argument("source")
@store_option
def withdraw(source: str, store_dir: Path | None) -> None:
    """Remove one source graph (an article or a submission, by IRI) as a unit."""
    from dyad import gate

    store = open_store(store_dir)
    gate.ensure_base(store)  # a store written by another version: its summaries first
    result = store.withdraw(source_iri(source, "SOURCE"))
    click.echo(f"{result.graph}: -{result.removed} triples", err=True)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Check that the ontology (and FILES, if given) are consistent, with the HermiT reasoner.

    For ontology editors: exit 0 consistent, 1 inconsistent.
    """
    from dyad import parse
    from dyad.reasoning import check_consistency

    from dyad.namespace import ID

    from dyad import restore
    from dyad.namespace import DERIVED_GRAPH, ENTITIES_GRAPH

    # Data checked here need not be a source's graph; any RDF file will do, a store's export too
    graphs = []
    for f in files:
        if parse.format_of(Path(f), None, None) in parse.QUAD_FORMATS:
            own: dict = {}
            graphs += [s.graph for s in parse.read(f, format_option=None, own=own)]
            restore.check_base(own, str(f))  # the installed ontology and registry: checked already
            graphs += [own[g] for g in (ENTITIES_GRAPH, DERIVED_GRAPH) if g in own]
        else:
            whole = parse.read_graph(f)
            graphs.append(restore.strip_base(whole, str(f)) if restore.is_export(whole) else
                          parse.read(f, default_source=ID["file/checked"], format_option=None)[0].graph)
    result = check_consistency(*graphs)  # it adds the ontology itself
    click.echo("consistent" if result.consistent else f"inconsistent: {result.explanation}")
    sys.exit(0 if result.consistent else 1)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning Dyad's errors into one line and an exit code."""
    import logging

    # rdflib logs a traceback for every ill-typed literal it parses; the shapes report those
    # with the field named, so the log would only bury the one-line message.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    try:
        cli.main(args=argv, prog_name="dyad", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("dyad: aborted", err=True)
        sys.exit(2)
    except DyadError as exc:
        click.echo(f"dyad: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
