"""The SHACL shapes, tested from data in the manner of the W3C SHACL test suite.

``tests/shapes/valid/*.ttl`` must conform with no problem at all. Each
``tests/shapes/invalid/<constraint-id>[.<variant>].ttl`` shows one mistake; its sibling
``.expected.yaml`` lists every problem :func:`dyad.validate.validate` must report (shape,
focus, path, severity, a substring of the message) and the test fails on any other. Every
fixture is validated with ``tests/shapes/context.ttl`` (a registry slice and a stored article)
as context, so references into the store are exercised too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

import dyad.validate as validation
from dyad.namespace import DY, EVENT_CLASSES, PREFIXES
from dyad.validate import SHAPES_NS, Severity, shorten, validate

HERE = Path(__file__).resolve().parent / "shapes"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
SHAPES = validation.shapes_graph()


def _constraint_ids() -> set[str]:
    """Local names of every shape that carries a constraint: property shapes and named SPARQL ones."""
    ids = {str(s) for s in SHAPES.subjects(RDF.type, SH.PropertyShape)}
    ids |= {str(c) for c in SHAPES.objects(None, SH.sparql) if isinstance(c, URIRef)}
    return {i.removeprefix(SHAPES_NS) for i in ids if i.startswith(SHAPES_NS)}


CONSTRAINTS = _constraint_ids()


@pytest.fixture(scope="module")
def context() -> Graph:
    return Graph().parse(HERE / "context.ttl")


def _first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


def test_cases_are_found() -> None:
    # Guards against a runner that passes empty: a lost folder or glob shows up here.
    assert len(VALID) >= 1
    assert len(INVALID) >= len(CONSTRAINTS) >= 45


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid(path: Path, context: Graph) -> None:
    assert re.match(r"# \S", _first_line(path)), "a fixture starts with a comment saying what it shows"
    report = validate(Graph().parse(path), context=context)
    assert report.conforms, report.format_text()
    assert report.problems == (), report.format_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid(path: Path, context: Graph) -> None:
    assert re.match(r"# \S", _first_line(path)), "a fixture starts with a comment saying what it shows"
    constraint = path.name.split(".")[0]
    assert constraint in CONSTRAINTS, f"{path.name} is named after no constraint in shapes/"
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))["problems"]
    assert f"dysh:{constraint}" in {e["shape"] for e in expected}, "the fixture must exercise its constraint"

    report = validate(Graph().parse(path), context=context)
    got = sorted(
        (shorten(p.shape), shorten(p.focus), p.path, p.severity.value, p.message) for p in report.problems
    )
    want = sorted((e["shape"], e["focus"], e["path"], e["severity"], e["message"]) for e in expected)
    text = report.format_text()
    assert [g[:4] for g in got] == [w[:4] for w in want], text
    for g, w in zip(got, want):
        assert w[4].lower() in g[4].lower(), f"message {g[4]!r} should contain {w[4]!r}"
    assert report.conforms is not any(e["severity"] == "violation" for e in expected)
    # the report graph agrees with the typed problems
    assert len(set(report.report_graph.objects(None, SH.result))) == len(report.problems)


def test_every_constraint_has_an_invalid_fixture() -> None:
    covered = {p.name.split(".")[0] for p in INVALID}
    assert sorted(CONSTRAINTS - covered) == []


def test_every_constraint_has_a_message() -> None:
    missing = []
    for shape in SHAPES.subjects(RDF.type, SH.PropertyShape):
        carrier = [shape] if not set(SHAPES.objects(shape, SH.sparql)) else list(SHAPES.objects(shape, SH.sparql))
        missing += [shorten(str(c)) for c in carrier if (c, SH.message, None) not in SHAPES]
    for node_shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        missing += [str(c) for c in SHAPES.objects(node_shape, SH.sparql) if (c, SH.message, None) not in SHAPES]
    assert missing == []


def test_every_shape_has_a_stable_iri_and_is_used() -> None:
    shapes = set(SHAPES.subjects(RDF.type, SH.NodeShape)) | set(SHAPES.subjects(RDF.type, SH.PropertyShape))
    assert all(isinstance(s, URIRef) and str(s).startswith(SHAPES_NS) for s in shapes)
    # a property shape not attached to a node shape would silently never run
    attached = set(SHAPES.objects(None, SH.property))
    assert {s for s in SHAPES.subjects(RDF.type, SH.PropertyShape)} <= attached
    severities = set(SHAPES.objects(None, SH.severity))
    assert severities <= {SH.Warning, SH.Info}, "Violation is the default; only weaker severities are written"


def test_event_shape_targets_every_event_class() -> None:
    targets = set(SHAPES.objects(URIRef(SHAPES_NS + "EventShape"), SH.targetClass))
    assert targets == {DY.Event, *EVENT_CLASSES}
    ontology = validation.ontology_graph()
    subclasses = set(ontology.transitive_subjects(RDFS.subClassOf, DY.Event)) - {DY.Event}
    assert subclasses <= targets


def test_sparql_prefixes_match_the_namespace_module() -> None:
    declared = {}
    for decl in SHAPES.objects(URIRef("https://w3id.org/dyad/shapes"), SH.declare):
        declared[str(SHAPES.value(decl, SH.prefix))] = str(SHAPES.value(decl, SH.namespace))
    # the vocabulary prefixes; the instance prefixes (event:, state:) are for output only
    assert declared.items() <= PREFIXES.items()
    assert {"dy", "dcterms", "prov", "skos", "rdf", "rdfs", "xsd"} <= declared.keys()


def test_status_and_precision_lists_match_the_vocabulary() -> None:
    from dyad.namespace import PRECISIONS, STATUSES

    def listed(shape: str) -> set:
        return set(Collection(SHAPES, SHAPES.value(URIRef(SHAPES_NS + shape), SH["in"])))

    assert listed("Report-status-in") == set(STATUSES.values())
    assert listed("Event-precision-in") == set(PRECISIONS.values())


def test_context_nodes_are_not_reported(context: Graph) -> None:
    # The stored article in context lacks nothing, but a broken registry entry must stay silent.
    broken = Graph().parse(data="""
        @prefix dy: <https://w3id.org/dyad/ontology#> .
        <https://w3id.org/dyad/id/state/ZZ> a dy:State .""", format="turtle")
    report = validate(Graph(), context=context + broken)
    assert report.problems == ()


def test_format_text_groups_by_focus_and_counts(context: Graph) -> None:
    report = validate(Graph().parse(HERE / "invalid" / "Actor-actsFor.ttl"), context=context)
    lines = report.format_text().splitlines()
    assert lines[0].startswith("person:kim-hong-kyun: violation: dy:actsFor: ")
    assert lines[1].startswith("person:kim-hong-kyun: warning: dy:actsFor: ")
    assert lines[-1] == "does not conform: 1 violation, 1 warning, 0 infos"
    assert [p.severity for p in report.problems] == [Severity.VIOLATION, Severity.WARNING]


def test_shapes_use_only_declared_terms() -> None:
    # DY is closed: a misspelled dy: term in a shape would otherwise constrain nothing.
    ns = str(DY._NS)
    used = {t for triple in SHAPES for t in triple if isinstance(t, URIRef) and str(t).startswith(ns)}
    assert sorted(str(t) for t in used if t not in DY) == []


def test_context_may_be_a_dataset(context: Graph) -> None:
    # The store hands over named graphs (the registry in dyg:actors); their union is what counts.
    from rdflib import Dataset

    from dyad.namespace import ACTORS_GRAPH

    store = Dataset()
    registry = store.graph(ACTORS_GRAPH)
    for triple in context:
        registry.add(triple)
    report = validate(Graph().parse(HERE / "valid" / "hypothetical-future.ttl"), context=store)
    assert report.problems == (), report.format_text()
