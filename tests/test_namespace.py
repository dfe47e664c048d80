"""dyad.namespace.DY and ontology/dyad.ttl declare the same dy: terms, each labelled in en and id."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from dyad.namespace import DY
from dyad.resources import resource

ONTOLOGY_IRI = URIRef("https://w3id.org/dyad/ontology")
NS = str(DY._NS)
DY_TERMS = {DY[name] for name in DY.__annotations__}
DECLARING_TYPES = {
    OWL.Class, RDFS.Datatype, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.NamedIndividual,
}
LANGUAGES = ("en", "id")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resource("ontology", "dyad.ttl"), format="turtle")


def dy_iris(graph: Graph) -> set[URIRef]:
    return {
        term for triple in graph for term in triple
        if isinstance(term, URIRef) and str(term).startswith(NS)
    }


def test_namespace_lists_the_terms_of_the_design() -> None:
    assert len(DY_TERMS) == 74


def test_every_namespace_term_is_declared(ontology: Graph) -> None:
    undeclared = sorted(t for t in DY_TERMS if not set(ontology.objects(t, RDF.type)) & DECLARING_TYPES)
    assert undeclared == []


def test_ontology_uses_no_dy_term_outside_the_namespace(ontology: Graph) -> None:
    assert sorted(dy_iris(ontology) - DY_TERMS) == []


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")


@pytest.mark.parametrize("term", sorted(DY_TERMS), ids=lambda t: t.removeprefix(NS))
def test_term_has_label_and_definition_in_english_and_indonesian(ontology: Graph, term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        languages = {v.language for v in ontology.objects(term, prop) if isinstance(v, Literal)}
        assert set(LANGUAGES) <= languages, f"{term} lacks {prop} in {set(LANGUAGES) - languages}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_are_unique_per_language(ontology: Graph, language: str) -> None:
    labels = [
        str(v) for t in DY_TERMS for v in ontology.objects(t, RDFS.label)
        if isinstance(v, Literal) and v.language == language
    ]
    assert sorted({x for x in labels if labels.count(x) > 1}) == []


def test_event_classes_are_direct_subclasses_of_event() -> None:
    """The named queries ask `?class rdfs:subClassOf dy:Event` without a property path, because
    Virtuoso 7 evaluates `rdfs:subClassOf+` wrongly; so every event class must be a direct one."""
    from rdflib import Graph
    from rdflib.namespace import RDFS

    from dyad.namespace import DY, EVENT_CLASSES
    from dyad.resources import resource

    g = Graph().parse(resource("ontology", "dyad.ttl"))
    direct = {c for c in g.subjects(RDFS.subClassOf, DY.Event)}
    assert set(EVENT_CLASSES) == direct
