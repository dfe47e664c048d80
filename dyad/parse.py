"""Reading RDF files into source graphs, ready for validation.

A file becomes one graph per source: TriG and N-Quads keep their named graphs (each must be a
source's graph, named by the source IRI); Turtle, N-Triples, JSON-LD and RDF/XML hold the
triples of exactly one source (the one ``dy:Article`` or ``dy:Submission`` in them). On the way:
blank nodes get deterministic IRIs (same file, same IRIs), ``dy:precision``/``dy:start``/
``dy:end`` are derived from ``dy:date`` where missing, and nothing may redefine Dyad's own terms
or write Dyad's own graphs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF

from dyad import dates, summary
from dyad.encoding import decode, marked
from dyad.errors import InputError
from dyad.namespace import ACTORS_GRAPH, DERIVED_GRAPH, DY, ENTITIES_GRAPH, ID, ONTOLOGY_GRAPH

FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt",
    ".trig": "trig", ".nq": "nquads", ".nquads": "nquads",
    ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml",
}
QUAD_FORMATS = {"trig", "nquads"}
_SOURCE_CLASSES = (DY.Article, DY.Submission, DY.Dataset)
_RESERVED = {ONTOLOGY_GRAPH, ACTORS_GRAPH, DERIVED_GRAPH, ENTITIES_GRAPH}
MAX_BYTES = 512 * 1024 * 1024


@dataclass
class SourceGraph:
    """The triples one source contributes, and where they came from (for messages)."""

    name: URIRef
    graph: Graph
    origin: str


def format_of(path: Path, given: str | None = None, option: str | None = "--format") -> str:
    """The RDF syntax of a file: ``given``, else by extension; ``option`` is the command's own
    option for naming it (None when it has none: ``dyad check``)."""
    if given:
        return given
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        also = f", or name the format with {option}" if option else ""
        raise InputError(
            f"unknown RDF format '{path.suffix or '(no extension)'}'; use .ttl, .nt, .trig, .nq, "
            f".jsonld or .rdf{also}", where=str(path))
    return fmt


def read(path: Path | str, *, fmt: str | None = None, default_source: URIRef | None = None,
         format_option: str | None = "--format", own: dict[URIRef, Graph] | None = None) -> list[SourceGraph]:
    """Parse an RDF file into its source graphs (raises InputError naming the file and line).

    ``default_source`` names the graph of a file that describes no source (``dyad submit``
    then adds the submission itself); without it such a file is refused. Dyad's own graphs in a
    TriG or N-Quads file (a store's export) are refused, unless ``own`` is given: they are put
    there, for :mod:`dyad.restore` to check.
    """
    path = Path(path)
    data, graphs = _parse(path, format_of(path, fmt, format_option))
    out: list[SourceGraph] = []
    for name, g in graphs:
        if isinstance(name, URIRef) and name in _RESERVED:
            if own is None:
                raise InputError(f"graph {name} is Dyad's own and cannot be loaded", where=str(path))
            own[name] = g
            continue
        if name is not None and not isinstance(name, URIRef) or str(name).startswith("urn:x-rdflib:default"):
            if len(g):
                raise InputError("triples outside any named graph; in TriG/N-Quads put each "
                                 "source's triples in the graph named by the source IRI", where=str(path))
            continue
        clean = prepare(g, origin=str(path), salt=hashlib.sha256(data).hexdigest())
        out.append(SourceGraph(name or _source_of(clean, str(path), default_source), clean, str(path)))
    if not out and not own:
        raise InputError("no triples", where=str(path))
    return out


def read_graph(path: Path | str, *, fmt: str | None = None) -> Graph:
    """All the triples of an RDF file in one graph, whatever its named graphs (``dyad check``)."""
    path = Path(path)
    _, graphs = _parse(path, format_of(path, fmt, None))
    out = Graph()
    for _, g in graphs:
        for t in g:
            out.add(t)
    return out


def _parse(path: Path, fmt: str) -> tuple[bytes, list[tuple[URIRef | None, Graph]]]:
    """The file's bytes and its graphs (name, graph); None names a single-graph file's graph."""
    data = _read_bytes(path)
    if fmt == "xml" and (b"<!DOCTYPE" in data or b"<!ENTITY" in data):
        # External entities could read local files or the network, internal ones can explode.
        raise InputError("RDF/XML with a DOCTYPE or entity declarations is not accepted", where=str(path))
    try:
        if fmt in QUAD_FORMATS:
            ds = Dataset()
            ds.parse(data=data, format=fmt, publicID=str(ID))
            # in IRI order: the same file gives the same order of sources (and of messages)
            return data, sorted(((g.identifier, g) for g in ds.graphs() if len(g)), key=lambda x: str(x[0]))
        g = Graph()
        if fmt == "json-ld":
            from dyad.jsonld import parse_jsonld  # only JSON-LD needs the context guard
            ds = Dataset()
            parse_jsonld(ds, data, where=str(path))
            named = sorted(((x.identifier, x) for x in ds.graphs() if len(x) and x.identifier != DATASET_DEFAULT_GRAPH_ID),
                           key=lambda x: str(x[0]))
            if named:  # a store's export (named graphs, as TriG): one graph per name; triples
                # beside them are refused by read() as TriG's are
                return data, [*named, (DATASET_DEFAULT_GRAPH_ID, ds.default_graph)]
            for t in ds.default_graph:
                g.add(t)
            return data, [(None, g)]
        else:
            g.parse(data=data, format=fmt, publicID=str(ID))
        return data, [(None, g)]
    except InputError:
        raise
    except Exception as exc:  # rdflib raises many unrelated types for syntax errors
        raise InputError(_syntax_message(exc), where=_where(path, exc)) from None


# what the store derives and keeps in dyg:derived (dyad/summary.py): never stated by a source
# (dy:status is also a report's own statement; on an event it is the store's, and the shapes say so)
DERIVED_ONLY = frozenset(URIRef(p.value) for p in summary.OUTPUTS - {summary.STATUS})


def prepare(g: Graph, *, origin: str, salt: str) -> Graph:
    """Skolemise blank nodes, refuse redefinitions of Dyad terms and the store's own summaries,
    derive the date triples."""
    for s, p, o in g:
        if isinstance(s, URIRef) and str(s).startswith(str(DY._NS)):
            raise InputError(f"redefines the ontology term {s}; the ontology is changed in "
                             "ontology/dyad.ttl, not by loading data", where=origin)
        if p in DERIVED_ONLY:
            raise InputError(f"{p.n3()} on {s.n3()}: the store derives it (dyg:derived) from the reports "
                             "and descriptions; a source cannot state it", where=origin)
        for t in (s, p, o):
            if isinstance(t, URIRef) and str(t).lower().startswith("file:"):
                raise InputError(f"file: IRIs are not accepted ({t}); name things with http(s) IRIs",
                                 where=origin)
    if any(isinstance(t, BNode) for triple in g for t in triple):
        g = _skolemise(g, salt)
    for event, lit in list(g.subject_objects(DY.date)):
        if not isinstance(lit, Literal) or (event, DY.start, None) in g:
            continue
        try:
            value = dates.from_literal(lit)
        except ValueError:
            continue  # the shapes report it, with the field named
        for t in dates.triples(event, value):
            g.add(t)
    return g


def _skolemise(g: Graph, salt: str) -> Graph:
    # Canonical labels first, so the same file always mints the same IRIs.
    canon = to_canonical_graph(g)
    out = Graph()
    for triple in canon:
        out.add(tuple(  # type: ignore[arg-type]
            ID[f"node/{hashlib.sha256((salt + str(t)).encode()).hexdigest()[:16]}"]
            if isinstance(t, BNode) else t for t in triple))
    return out


def _source_of(g: Graph, origin: str, default: URIRef | None = None) -> URIRef:
    sources = sorted({s for cls in _SOURCE_CLASSES for s in g.subjects(RDF.type, cls)})
    if len(sources) == 1 and isinstance(sources[0], URIRef):
        return sources[0]
    if not sources and default is not None:
        return default
    if not sources:
        raise InputError("no source: describe the article or submission the events come from "
                         "(a dy:Article or dy:Submission), or use 'dyad submit'", where=origin)
    raise InputError(f"{len(sources)} sources in one file; use TriG or N-Quads with one named "
                     "graph per source", where=origin)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"file is larger than {MAX_BYTES >> 20} MiB", where=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
    if not data.strip():
        raise InputError("empty file", where=str(path))
    # read as dyad ingest and dyad submit read (a byte order mark says UTF-16 or UTF-32)
    text = decode(data, str(path), expected="RDF text (UTF-8)")
    return text.encode("utf-8") if marked(data) else data  # the parsers get UTF-8 without a mark


def _syntax_message(exc: Exception) -> str:
    """One line, whatever the parser put in its message."""
    why = getattr(exc, "_why", None) or getattr(exc, "message", None) or str(exc) or type(exc).__name__
    text = " ".join(str(why).split())
    return f"syntax error: {text[:300]}"


def _where(path: Path, exc: Exception) -> str:
    line = getattr(exc, "lines", None)
    if isinstance(line, int):
        return f"{path}:{line + 1}"
    return str(path)
