"""HermiT on the ontology and on fixture data: consistent cases pass, inconsistent ones are caught.

Fixtures are ``tests/data/reasoning/{consistent,inconsistent}-*.ttl``, each starting with a comment
saying what it shows; the runner asserts how many it found so it cannot pass empty.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from dyad import reasoning
from dyad.reasoning import ReasonerError, check_consistency, ontology_graph
from dyad.resources import resource
from conftest import run_dyad

FIXTURES = Path(__file__).resolve().parent / "data" / "reasoning"
CONSISTENT = sorted(FIXTURES.glob("consistent-*.ttl"))
INCONSISTENT = sorted(FIXTURES.glob("inconsistent-*.ttl"))
# The hand-written seed events; another engineer's file, so accept either serialisation.
SAMPLES = [p for p in (resource("data", "samples", f"seed-events.{ext}") for ext in ("trig", "ttl")) if p.exists()]


def test_fixture_counts() -> None:
    assert len(CONSISTENT) == 2
    assert len(INCONSISTENT) == 6


@pytest.mark.parametrize("path", CONSISTENT + INCONSISTENT, ids=lambda p: p.name)
def test_fixture_says_what_it_shows(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 20


def test_ontology_alone_is_consistent_and_coherent() -> None:
    started = time.perf_counter()
    result = check_consistency()
    elapsed = time.perf_counter() - started
    assert result.consistent, result.explanation
    assert result.unsatisfiable == ()
    assert elapsed < 30, f"HermiT took {elapsed:.1f}s"


@pytest.mark.parametrize("path", CONSISTENT, ids=lambda p: p.name)
def test_consistent(path: Path) -> None:
    result = check_consistency(Graph().parse(path, format="turtle"))
    assert result.consistent, result.explanation
    assert result.unsatisfiable == ()


@pytest.mark.parametrize("path", INCONSISTENT, ids=lambda p: p.name)
def test_inconsistent(path: Path) -> None:
    result = check_consistency(Graph().parse(path, format="turtle"))
    assert not result.consistent
    assert "inconsistent" in result.explanation


@pytest.mark.skipif(not SAMPLES, reason="data/samples/seed-events.{trig,ttl} not written yet")
def test_seed_samples_are_consistent() -> None:
    data: Graph = Dataset() if SAMPLES[0].suffix == ".trig" else Graph()
    data.parse(SAMPLES[0], format="trig" if SAMPLES[0].suffix == ".trig" else "turtle")
    result = check_consistency(data)
    assert result.consistent, result.explanation


def test_explanation_names_the_disjoint_types() -> None:
    result = check_consistency(Graph().parse(FIXTURES / "inconsistent-summons-is-denial.ttl"))
    assert "https://w3id.org/dyad/ontology#Summons" in result.explanation
    assert "https://w3id.org/dyad/ontology#Denial" in result.explanation


def test_unsatisfiable_class_is_reported() -> None:
    extra = Graph().parse(data="""
        @prefix dy: <https://w3id.org/dyad/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <urn:example:SummonsDenial> a owl:Class ; rdfs:subClassOf dy:Summons , dy:Denial .
    """, format="turtle")
    result = check_consistency(extra)
    assert result.consistent
    assert [str(c) for c in result.unsatisfiable] == ["urn:example:SummonsDenial"]


def test_ontology_graph_is_fresh() -> None:
    first = ontology_graph()
    first.remove((None, None, None))
    assert len(ontology_graph()) > 0


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasoning.owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(ReasonerError, match="needs Java"):
        check_consistency()


def test_inconsistent_check_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # owlready2 leaks its HermiT input file when HermiT reports an inconsistency.
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    check_consistency(Graph().parse(FIXTURES / "inconsistent-state-is-person.ttl"))
    assert tempfile.tempdir == str(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_check_without_java_names_the_debian_package(tmp_path: Path) -> None:
    """`dyad check` on a machine without Java: one line naming the package to install, exit 2."""
    bare = tmp_path / "bin"
    bare.mkdir()  # a PATH with no java on it (the interpreter is run by its full path)
    ran = run_dyad("check", env={"PATH": str(bare)})
    assert ran.code == 2, ran.err
    assert "default-jre-headless" in ran.err and len(ran.err.strip().splitlines()) == 1, ran.err
    assert "JAVA_EXE" not in ran.err


def test_check_does_not_offer_an_option_it_lacks(tmp_path: Path) -> None:
    odd = tmp_path / "data.txt"
    odd.write_text("<a:b> <a:c> <a:d> .\n", encoding="utf-8")
    ran = run_dyad("check", str(odd))
    assert ran.code == 2, ran.err
    assert "unknown RDF format" in ran.err and "--format" not in ran.err
