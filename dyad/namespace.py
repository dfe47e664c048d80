"""The Dyad vocabulary as closed namespaces: a misspelled term raises instead of minting an IRI.

``DY`` mirrors ontology/dyad.ttl (``tests/test_namespace.py`` checks that every term here is
declared there and the other way round). ``ID`` and ``GRAPH`` are where instance and graph IRIs
live; ``PREFIXES`` is what Turtle exports and queries carry.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace


class DY(DefinedNamespace):
    """Terms of https://w3id.org/dyad/ontology# ."""

    _NS = Namespace("https://w3id.org/dyad/ontology#")
    _fail = True

    # events
    Event: URIRef
    Summons: URIRef
    TroopDeployment: URIRef
    Denial: URIRef
    Accusation: URIRef
    Condemnation: URIRef
    Demand: URIRef
    Statement: URIRef
    Consultation: URIRef
    Agreement: URIRef
    cameoCode: URIRef
    ploverCategory: URIRef
    # roles
    agent: URIRef
    target: URIRef
    about: URIRef
    topic: URIRef
    place: URIRef
    troops: URIRef
    Place: URIRef
    # time
    date: URIRef
    isoWeek: URIRef
    precision: URIRef
    start: URIRef
    end: URIRef
    Precision: URIRef
    Day: URIRef
    Week: URIRef
    Month: URIRef
    Year: URIRef
    # reports and factuality
    Report: URIRef
    reportOf: URIRef
    source: URIRef
    status: URIRef
    claimant: URIRef
    evidence: URIRef
    Evidence: URIRef
    quote: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    FactualityStatus: URIRef
    Reported: URIRef
    Alleged: URIRef
    Unconfirmed: URIRef
    Hypothetical: URIRef
    rank: URIRef
    reportCount: URIRef
    firstSource: URIRef
    agentCode: URIRef
    targetCode: URIRef
    placeName: URIRef
    yearKey: URIRef
    actorYearKey: URIRef
    claimKey: URIRef
    eventCount: URIRef
    dyadCount: URIRef
    dyadSpanCount: URIRef
    # sources
    Source: URIRef
    Article: URIRef
    Submission: URIRef
    dateline: URIRef
    fileName: URIRef
    Dataset: URIRef
    sourceEventId: URIRef
    goldstein: URIRef
    tone: URIRef
    # actors
    Actor: URIRef
    State: URIRef
    Organization: URIRef
    InternationalOrganization: URIRef
    Person: URIRef
    code: URIRef
    actsFor: URIRef
    role: URIRef
    heldSince: URIRef


ID = Namespace("https://w3id.org/dyad/id/")
GRAPH = Namespace("https://w3id.org/dyad/graph/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

ONTOLOGY_GRAPH = GRAPH["ontology"]
ACTORS_GRAPH = GRAPH["actors"]
DERIVED_GRAPH = GRAPH["derived"]
ENTITIES_GRAPH = GRAPH["entities"]

EVENT_CLASSES: tuple[URIRef, ...] = (
    DY.Summons, DY.TroopDeployment, DY.Denial, DY.Accusation, DY.Condemnation,
    DY.Demand, DY.Statement, DY.Consultation, DY.Agreement,
)
STATUSES: dict[str, URIRef] = {
    "reported": DY.Reported, "alleged": DY.Alleged,
    "unconfirmed": DY.Unconfirmed, "hypothetical": DY.Hypothetical,
}
PRECISIONS: dict[str, URIRef] = {"day": DY.Day, "week": DY.Week, "month": DY.Month, "year": DY.Year}

PREFIXES: dict[str, str] = {
    "dy": str(DY._NS),
    "dyid": str(ID),
    "dyg": str(GRAPH),
    # one prefix per kind of instance, so exported Turtle reads event:…, state:KOR
    **{prefix: str(ID[f"{kind}/"]) for prefix, kind in (
        ("state", "state"), ("organization", "org"), ("person", "person"), ("post", "post"),
        ("place", "place"), ("event", "event"), ("report", "report"), ("article", "article"),
        ("submission", "submission"), ("submitter", "submitter"),
        ("gdelt", "gdelt"), ("coder", "coder"),
    )},
    "sem": str(SEM),
    "prov": str(PROV),
    "org": str(ORG),
    "time": str(TIME),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "nif": str(NIF),
    "geo": str(GEO),
    "wgs84": str(WGS84),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
