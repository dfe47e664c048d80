"""``dyad push``: the store's named graphs to a remote triple store, replacing each graph there.

Each graph (every source graph, ``dyg:entities``, ``dyg:ontology``, ``dyg:actors``,
``dyg:derived``) goes with the SPARQL 1.1 Graph Store HTTP Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/): the first batch is a ``PUT`` (replace the
graph), later batches ``POST`` (add to it). Where the store has no Graph Store Protocol (it
answers 404, 405 or 501, or none is configured) the same batches go as SPARQL 1.1 Update:
``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``, then ``INSERT DATA`` for the rest
(a batch with blank nodes as ``INSERT { … } WHERE {}``).
Either way pushing again replaces each graph: no triple is added twice.

Data are written by pyoxigraph's N-Triples serialiser (N-Triples is also Turtle and SPARQL's
triple syntax), graph names by pyoxigraph's IRI writer; nothing from the user is pasted into a
request. Blank nodes are scoped to one request, so every triple of a graph that involves a blank
node (the ontology's OWL restrictions) goes in one batch.

A graph pushed in several batches is replaced in several requests: a reader may see it half
written meanwhile, and a failed push leaves it so until the next push. Graphs withdrawn locally
are not removed from the remote store.
"""

from __future__ import annotations

import itertools
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import click
import pyoxigraph as ox

from dyad.errors import RemoteError, UsageError
from dyad.namespace import ACTORS_GRAPH, DERIVED_GRAPH, ENTITIES_GRAPH, ONTOLOGY_GRAPH
from dyad.remote import Credentials, Endpoints, Http, StoreType, endpoints, http_error
from dyad.store import Store

BATCH_SIZE = 10_000
MIN_SPLIT = 250  # the smallest half a cut-off batch is split into
_NO_GSP = (404, 405, 501)
_OK = (200, 201, 204)
_BLANK = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"
_NAMED = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }"


@dataclass
class PushReport:
    """What a push sent: per destination graph the triples, the protocol used, the time taken."""

    endpoint: str
    method: str = "gsp"
    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def push_store(store: Store, targets: Endpoints, *, http: Http, graph: str | None = None,
               batch_size: int = BATCH_SIZE, method: str = "auto", progress: bool = True) -> PushReport:
    """Push every named graph of ``store`` (or all into ``graph``) to the store at ``targets``.

    ``method`` is ``auto`` (Graph Store Protocol, falling back to SPARQL Update), ``gsp`` or
    ``update``. Raises :class:`RemoteError` when the remote store refuses a request.
    """
    from tqdm import tqdm

    if batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if method not in ("auto", "gsp", "update"):
        raise UsageError(f"--method {method!r}: expected auto, gsp or update")
    if method == "gsp" and not targets.gsp:
        raise UsageError("--method gsp needs a Graph Store Protocol URL: --gsp URL or a --store-type")
    if method == "update" and not targets.update:
        raise UsageError("--method update needs a SPARQL Update URL: --update URL or a --store-type")
    destination = _iri(graph) if graph is not None else None
    sender = _Sender(http, targets, "update" if method == "update" or not targets.gsp else "gsp",
                     fallback=method == "auto")
    report = PushReport(targets.gsp if sender.method == "gsp" else (targets.update or ""))
    started = time.monotonic()
    replaced: set[str] = set()
    with tqdm(total=len(store), unit="triple", unit_scale=True, desc="push", file=sys.stderr,
              disable=not progress, leave=False) as bar:
        for source in _graphs(store):
            target = destination or ox.NamedNode(str(source))
            for batch in _batches(store, ox.NamedNode(str(source)), batch_size):
                _send_split(sender, target, batch, replace=target.value not in replaced)
                replaced.add(target.value)
                report.graphs[target.value] = report.graphs.get(target.value, 0) + len(batch)
                bar.update(len(batch))
    report.method = sender.method
    report.endpoint = targets.gsp if sender.method == "gsp" else (targets.update or "")
    report.seconds = time.monotonic() - started
    return report


def _send_split(sender: _Sender, graph: ox.NamedNode, batch: list[ox.Triple], *, replace: bool) -> None:
    """Send a batch; when the server hangs up mid-body, send it again in halves (never a batch
    with blank nodes: those must arrive in one request)."""
    try:
        sender.send(graph, batch, replace=replace)
    except RemoteError as exc:
        blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in batch)
        if not exc.cut_off or len(batch) < 2 * MIN_SPLIT or blank:
            raise
        half = len(batch) // 2
        _send_split(sender, graph, batch[:half], replace=replace)
        _send_split(sender, graph, batch[half:], replace=False)


def _graphs(store: Store) -> list[str]:
    """Dyad's own graphs that exist, then the source graphs, sorted."""
    own = [g for g in (ONTOLOGY_GRAPH, ACTORS_GRAPH, ENTITIES_GRAPH, DERIVED_GRAPH) if store.has_graph(g)]
    return [str(g) for g in (*own, *store.sources())]


def _batches(store: Store, graph: ox.NamedNode, size: int) -> Iterator[list[ox.Triple]]:
    """A graph's triples in batches of ``size``, streamed; its blank-node triples all in the first."""
    blank = list(store.raw_query(_BLANK, default_graph=graph))
    named: Iterable[ox.Triple] = store.raw_query(_NAMED, default_graph=graph)  # type: ignore[assignment]
    if blank:
        yield blank
    it = iter(named)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise UsageError(f"--graph {value!r} is not an IRI: {exc}") from None


class _Sender:
    """Sends batches by the Graph Store Protocol or SPARQL Update, switching once if need be."""

    def __init__(self, http: Http, targets: Endpoints, method: str, *, fallback: bool) -> None:
        self.http, self.targets, self.method, self.fallback = http, targets, method, fallback

    def send(self, graph: ox.NamedNode, batch: list[ox.Triple], *, replace: bool) -> None:
        data = ox.serialize(batch, None, ox.RdfFormat.N_TRIPLES)
        if self.method == "gsp":
            assert self.targets.gsp
            sep = "&" if "?" in self.targets.gsp else "?"
            url = f"{self.targets.gsp}{sep}{urllib.parse.urlencode({'graph': graph.value})}"
            status, _, body = self.http.send(
                "PUT" if replace else "POST", url, data=data,
                headers={"Content-Type": "text/turtle; charset=utf-8"})
            if status in _OK:
                return
            if not (status in _NO_GSP and self.fallback and self.targets.update):
                raise http_error(url, status, body)
            click.echo(f"dyad: {self.targets.gsp} has no Graph Store Protocol (HTTP {status}); "
                       f"using SPARQL Update at {self.targets.update}", err=True)
            self.method = "update"  # the batches already sent stay; this one goes by update
        assert self.targets.update
        # graph is a pyoxigraph NamedNode (a checked IRI), data pyoxigraph's N-Triples. Blank
        # nodes go in an INSERT template (fresh nodes, shared within the one operation): some
        # stores (Virtuoso) refuse them in INSERT DATA.
        if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in batch):
            operation = f"INSERT {{ GRAPH {graph} {{\n".encode() + data + b"} } WHERE {}"
        else:
            operation = f"INSERT DATA {{ GRAPH {graph} {{\n".encode() + data + b"} }"
        if replace:
            operation = f"DROP SILENT GRAPH {graph} ;\n".encode() + operation
        status, _, body = self.http.send(
            "POST", self.targets.update, data=b"update=" + urllib.parse.quote_from_bytes(operation).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        if status not in _OK:
            raise http_error(self.targets.update, status, body)


# -- the command ------------------------------------------------------------------------------


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The remote store's SPARQL query URL, or its base URL with --store-type.")
@click.option("--store-type", type=click.Choice([t.value for t in StoreType]), default="generic",
              show_default=True, help="Derive the update and Graph Store URLs from --endpoint as this "
              "store names them; generic: --gsp and --update as given (update defaults to --endpoint).")
@click.option("--gsp", default=None, metavar="URL", help="Graph Store Protocol URL (overrides the preset).")
@click.option("--update", "update_url", default=None, metavar="URL", help="SPARQL Update URL (overrides the preset).")
@click.option("--method", type=click.Choice(["auto", "gsp", "update"]), default="auto", show_default=True,
              help="auto: the Graph Store Protocol where the store has one, else SPARQL Update.")
@click.option("--graph-per-source", is_flag=True, help="One remote graph per local graph (the default).")
@click.option("--graph", default=None, metavar="IRI", help="Push everything into this one graph instead.")
@click.option("--user", default=None, help="User for HTTP Basic or Digest authentication (Virtuoso: digest).")
@click.option("--password", default=None, envvar="DYAD_PASSWORD", help="Password (default: $DYAD_PASSWORD).")
@click.option("--token", default=None, envvar="DYAD_TOKEN", help="Bearer token (default: $DYAD_TOKEN).")
@click.option("--batch-size", type=click.IntRange(min=1), default=BATCH_SIZE, show_default=True,
              help="Triples per request.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), envvar="DYAD_STORE", default=None,
              help="Store folder (default: $DYAD_STORE, else ~/.local/share/dyad/store).")
def push(endpoint: str, store_type: str, gsp: str | None, update_url: str | None, method: str,
         graph_per_source: bool, graph: str | None, user: str | None, password: str | None,
         token: str | None, batch_size: int, quiet: bool, store_dir: Path | None) -> None:
    """Upload the store to a remote triple store, one named graph per source (or --graph IRI).

    Each graph is replaced (pushing twice adds nothing). Reports graphs, triples and seconds.
    """
    from dyad.cli import open_store

    if graph_per_source and graph is not None:
        raise UsageError("give --graph-per-source or --graph IRI, not both")
    if user is None and password is not None:
        raise UsageError("--password needs --user")
    if user is not None and token is not None:
        raise UsageError("give --user/--password or --token, not both")
    targets = endpoints(endpoint, StoreType(store_type), gsp=gsp, update=update_url,
                        authenticated=user is not None or token is not None)
    store = open_store(store_dir, read_only=True)
    http = Http(Credentials(user=user, password=password, token=token))
    report = push_store(store, targets, http=http, graph=graph, batch_size=batch_size, method=method,
                        progress=not quiet)
    for name, count in report.graphs.items():
        click.echo(f"{name}\t{count} triples", err=True)
    click.echo(f"pushed {len(report.graphs)} graph{'s' if len(report.graphs) != 1 else ''}, "
               f"{report.triples} triples in {report.seconds:.1f} s by "
               f"{'Graph Store Protocol' if report.method == 'gsp' else 'SPARQL Update'} to {report.endpoint}",
               err=True)
