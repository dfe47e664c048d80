"""ingest.mapping: deterministic IRIs, no blank nodes, dedupe within an article and against the store."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from dyad import dates
from dyad.namespace import DY
from ingest.article import read_path
from ingest.mapping import KnownEvent
from ingest.pipeline import process

SEED = Path(__file__).resolve().parents[2] / "data" / "samples" / "article-id-2024-10-24.txt"


def _article():
    return next(iter(read_path(SEED)))


def _summons(g) -> list[URIRef]:  # noqa: ANN001
    return list(g.subjects(RDF.type, DY.Summons))


def test_deterministic() -> None:
    a, b = process(_article()).graph, process(_article()).graph
    assert isomorphic(a, b)
    assert set(a.subjects()) == set(b.subjects())


def test_no_blank_nodes() -> None:
    g = process(_article()).graph
    assert not any(isinstance(x, BNode) for t in g for x in t)


def test_dedupe_within_article() -> None:
    g = process(_article()).graph
    summons = _summons(g)
    assert len(summons) == 1  # the headline and two body mentions of the same summons: one event
    reports = list(g.subjects(DY.reportOf, summons[0]))
    assert len(reports) == 1
    assert len(list(g.objects(reports[0], DY.evidence))) == 3
    assert g.value(reports[0], DY.status) == DY.Reported


def test_dedupe_against_known() -> None:
    stored = URIRef("https://w3id.org/dyad/id/event/0000000000000000")
    day = dates.parse("2024-10-21")
    core = ((stored, RDF.type, DY.Summons),)

    def known(etype, agents, targets):  # noqa: ANN001
        return [KnownEvent(stored, day, core)] if etype == DY.Summons else []

    g = process(_article(), known).graph
    assert _summons(g) == [stored]
    assert (stored, DY.date, None) not in g  # only the core triples as stored, plus the report
    assert list(g.subjects(DY.reportOf, stored))


def test_two_undated_events_of_one_sentence_stay_two() -> None:
    """A meeting told as planned and one told as held, both undated, in one sentence, are two
    events, each with one report of one status (they once shared an IRI and failed validation)."""
    from ingest.article import Metadata, read_text

    text = ("Colombia accused Venezuela of sheltering rebels. "
            "Ambassadors of the two countries will meet on Thursday when the OAS meets.")
    g = process(read_text(text, name="t", overrides=Metadata(language="en"))).graph
    meetings = list(g.subjects(RDF.type, DY.Consultation))
    assert len(meetings) == 4  # each direction, planned and held
    for ev in meetings:
        (report,) = g.subjects(DY.reportOf, ev)
        assert len(list(g.objects(report, DY.status))) == 1
