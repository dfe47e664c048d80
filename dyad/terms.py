"""Conversion between rdflib terms (how Dyad builds small graphs) and pyoxigraph terms (the store).

Terms are converted one by one, never through serialised text, so nothing is parsed twice and no
value can change meaning on the way.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from dyad.errors import InputError

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_ox(term: Node) -> OxTerm:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return _named(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise InputError(f"unsupported RDF term {term!r}")


@lru_cache(maxsize=1 << 16)
def _named(iri: URIRef) -> ox.NamedNode:
    # a write converts the same few predicates and the same events many times over
    return ox.NamedNode(str(iri))


def to_rdflib(term: OxTerm) -> Node:
    """A pyoxigraph term as an rdflib term (plain xsd:string literals stay plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported pyoxigraph term {term!r}")


def quads(triples: Iterable[tuple[Node, Node, Node]], graph: URIRef) -> Iterator[ox.Quad]:
    """rdflib triples as pyoxigraph quads in ``graph``."""
    g = ox.NamedNode(str(graph))
    for s, p, o in triples:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)
