"""OWL 2 DL consistency of the ontology and data, checked by HermiT (through owlready2).

SHACL (:mod:`dyad.validate`) checks that data have the shape Dyad writes; this checks that they
do not contradict the ontology: an individual in two disjoint classes (a summons that is also a
denial, a state that is also a person), two values of a functional property that are known to
differ (a report both reported and alleged), a value outside a range (zero troops).

One JVM run per check, in an isolated owlready2 ``World`` so repeated checks share nothing.

>>> check_consistency().consistent
True
"""

from __future__ import annotations

import io
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import owlready2
from rdflib import Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from dyad.errors import DyadError
from dyad.resources import resource

__all__ = ["ConsistencyResult", "ReasonerError", "check_consistency", "ontology_graph"]

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4). HermiT refuses any other
# datatype, and xsd:date, xsd:gYearMonth, xsd:gYear and dy:isoWeek (the types of dy:date,
# dy:start, dy:end, dy:heldSince) are not in it. No axiom of the ontology constrains those
# values, so dropping such literals cannot hide an inconsistency; SHACL checks their form.
_OWL2_DATATYPES = frozenset(
    [RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, OWL.real, OWL.rational]
    + [XSD[name] for name in (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
        "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
        "base64Binary anyURI dateTime dateTimeStamp"
    ).split()]
)


_TEMPDIR_LOCK = threading.Lock()


class ReasonerError(DyadError):
    """The reasoner cannot run (no Java) or failed on the input."""


class JavaMissingError(ReasonerError):
    """No Java runtime: a missing install, fixed by the user (exit 2, like other setup problems)."""

    exit_code = 2


@dataclass(frozen=True)
class ConsistencyResult:
    """What HermiT found.

    ``consistent`` is False when no model exists. ``unsatisfiable`` lists classes that can have no
    member (an ontology bug even when the data are consistent). ``explanation`` says it in words.
    """

    consistent: bool
    explanation: str
    unsatisfiable: tuple[URIRef, ...] = ()


def ontology_graph() -> Graph:
    """The Dyad ontology (``ontology/dyad.ttl``) as a fresh rdflib graph."""
    graph = Graph()
    graph.parse(resource("ontology", "dyad.ttl"), format="turtle")
    return graph


def _triples(graph: Graph) -> Iterator[tuple]:
    # A Dataset/ConjunctiveGraph iterates its default graph only; reasoning wants every graph.
    if isinstance(graph, ConjunctiveGraph):
        for s, p, o, _ in graph.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from graph


def _reasonable(triples: Iterable[tuple]) -> Graph:
    merged = Graph()
    for s, p, o in triples:
        # owlready2 would fetch what owl:imports names (a URL or a local file): never on behalf
        # of data. Dyad's ontology imports nothing; it declares the external terms it uses.
        if p == OWL.imports:
            continue
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in _OWL2_DATATYPES:
            continue
        merged.add((s, p, o))
    return merged


def _suspects(graph: Graph) -> list[str]:
    # HermiT only says "inconsistent"; finding the culprits would take a JVM run per axiom, so
    # name the two usual ones from the asserted triples instead: an individual in disjoint
    # classes, and a functional property with several values.
    disjoint: set[frozenset] = {frozenset(p) for p in graph.subject_objects(OWL.disjointWith)}
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(group, OWL.members)))
        disjoint |= {frozenset((a, b)) for a in members for b in members if a != b}
    hints = []
    for ind in sorted({s for s, o in graph.subject_objects(RDF.type) if isinstance(o, URIRef)}):
        types = {c for t in graph.objects(ind, RDF.type) for c in graph.transitive_objects(t, RDFS.subClassOf)}
        pairs = sorted(tuple(sorted(p)) for p in disjoint if p <= types)
        hints += [f"<{ind}> is both <{a}> and <{b}>, which are disjoint" for a, b in pairs]
    for prop in sorted(graph.subjects(RDF.type, OWL.FunctionalProperty)):
        for subject in sorted(set(graph.subjects(prop, None))):
            values = sorted(graph.objects(subject, prop))
            if len(values) > 1:
                hints.append(f"<{subject}> has {len(values)} values of functional <{prop}>: "
                             + ", ".join(v.n3() for v in values))
    return hints


def check_consistency(*graphs: Graph) -> ConsistencyResult:
    """Check the ontology together with ``graphs`` (Graphs or Datasets) for consistency.

    Raises :class:`ReasonerError` when Java is missing or HermiT fails for another reason.
    """
    java = owlready2.JAVA_EXE
    if shutil.which(java) is None:
        raise JavaMissingError(
            f"the consistency check needs Java (HermiT runs on the JVM) and {java!r} was not "
            "found; install Debian's default-jre-headless (apt-get install default-jre-headless)"
        )
    merged = _reasonable(t for g in (ontology_graph(), *graphs) for t in _triples(g))
    # owlready2 reads RDF/XML, OWL/XML and N-Triples, not Turtle.
    ntriples = merged.serialize(format="nt", encoding="utf-8")

    world = owlready2.World()
    # owlready2 writes its HermiT input to a temporary file and leaks it when HermiT reports an
    # inconsistency; a private directory, removed afterwards, keeps /tmp clean. tempfile.tempdir
    # is process-global, hence the lock.
    with _TEMPDIR_LOCK, tempfile.TemporaryDirectory(prefix="dyad-hermit-") as scratch:
        saved, tempfile.tempdir = tempfile.tempdir, scratch
        try:
            return _run_hermit(world, ntriples, merged)
        finally:
            tempfile.tempdir = saved
            world.close()


def _run_hermit(world: owlready2.World, ntriples: bytes, merged: Graph) -> ConsistencyResult:
    onto = world.get_ontology("https://w3id.org/dyad/ontology")
    onto.load(fileobj=io.BytesIO(ntriples), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        hints = _suspects(merged)[:10]  # enough to start from; a full list can be huge
        return ConsistencyResult(
            False,
            "HermiT found the ontology and data inconsistent: no interpretation satisfies "
            "them all. "
            + ("Likely causes: " + "; ".join(hints) + "." if hints else
               "HermiT does not name the axioms; look for an individual in two disjoint "
               "classes, two values of a functional property, or a value outside a range."),
        )
    except owlready2.OwlReadyJavaError as exc:
        raise ReasonerError(f"HermiT failed: {exc}") from exc
    unsat = tuple(sorted(
        URIRef(c.iri) for c in world.inconsistent_classes() if URIRef(c.iri) != OWL.Nothing
    ))
    if unsat:
        names = ", ".join(f"<{c}>" for c in unsat)
        return ConsistencyResult(True, f"consistent, but these classes can have no member: {names}", unsat)
    return ConsistencyResult(True, "consistent: HermiT found a model of the ontology and data")
