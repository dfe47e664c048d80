"""Reliability and security: strange input never crashes or reaches outside, a killed or starved
writer never half-writes, a crashed writer's lock does not stay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from conftest import ROOT, SAMPLE, run_dyad
from dyad import gate, parse
from dyad.errors import InputError
from dyad.namespace import DY, ID
from dyad.store import Store

EXTENSIONS = [".ttl", ".nt", ".trig", ".nq", ".jsonld", ".rdf"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), ext=st.sampled_from(EXTENSIONS))
def test_any_bytes_in_any_syntax_give_input_error_or_graphs(tmp_path: Path, data: bytes, ext: str) -> None:
    f = tmp_path / f"x{ext}"
    f.write_bytes(data)
    try:
        graphs = parse.read(f)
    except InputError as exc:
        assert str(f) in str(exc)
        assert "\n" not in str(exc)
    else:
        assert graphs


_REPLACED: dict[str, Store] = {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quote=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                     min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_any_text_round_trips_through_replacement(tmp_path: Path, quote: str) -> None:
    """Replacing a source writes through a SPARQL Update: no text may change meaning there.
    (NUL and lone surrogates are not text Dyad reads: files with them are refused.)"""
    if "store" not in _REPLACED:  # one store for all examples: each replaces the last
        _REPLACED["store"] = Store(None)
        gate.admit(_REPLACED["store"], parse.read(SAMPLE))
    store = _REPLACED["store"]
    g = Graph().parse(SAMPLE)
    evidence = ID["report/sample-summons-e409"]
    g.remove((evidence, DY.quote, None))
    g.add((evidence, DY.quote, Literal(quote)))
    f = tmp_path / "changed.ttl"
    g.serialize(f, format="turtle")
    gate.admit(store, parse.read(f))
    assert [str(o) for o in store.describe([evidence]).objects(evidence, DY.quote)] == [quote]


def test_rdfxml_entities_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "xxe.rdf"
    f.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                 '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n', encoding="utf-8")
    with pytest.raises(InputError, match="DOCTYPE"):
        parse.read(f)


@pytest.mark.parametrize("context", ['"http://example.org/context.jsonld"', '"file:///etc/passwd"',
                                     '{"@import": "http://example.org/ctx"}',
                                     # a term's scoped context, and an @import inside one
                                     '{"name": {"@id": "http://schema.org/name", "@context": "http://example.org/c"}}',
                                     '{"name": {"@id": "http://schema.org/name", "@context": {"@import": "http://example.org/c"}}}'])
def test_jsonld_remote_contexts_are_not_fetched(tmp_path: Path, context: str) -> None:
    f = tmp_path / "s.jsonld"
    f.write_text('{"@context": %s, "@id": "https://w3id.org/dyad/id/x", "name": "x"}' % context, encoding="utf-8")
    with pytest.raises(InputError, match="not fetched"):
        parse.read(f)


def test_file_iris_and_base_cannot_point_at_local_files(tmp_path: Path) -> None:
    f = tmp_path / "base.ttl"
    f.write_text("@base <file:///etc/> .\n<passwd> a <https://w3id.org/dyad/ontology#Article> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="file: IRIs"):
        parse.read(f)


def test_ontology_terms_cannot_be_redefined(tmp_path: Path) -> None:
    f = tmp_path / "redefine.ttl"
    f.write_text("@prefix dy: <https://w3id.org/dyad/ontology#> .\n"
                 "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                 "dy:Summons rdfs:subClassOf dy:Agreement .\n", encoding="utf-8")
    with pytest.raises(InputError, match="redefines the ontology term"):
        parse.read(f)


def test_a_killed_writer_leaves_no_lock(store_dir: Path) -> None:
    """RocksDB's lock dies with its process: the next open works, with the data intact."""
    assert run_dyad("load", str(SAMPLE), store=store_dir).code == 0
    holder = subprocess.Popen([sys.executable, "-c",
                               f"from dyad.store import Store; import time; s = Store({str(store_dir)!r}); "
                               "print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    busy = run_dyad("load", str(SAMPLE), store=store_dir)
    assert busy.code == 2 and "in use by another process" in busy.err
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert run_dyad("load", str(SAMPLE), store=store_dir).code == 0
    assert Store(store_dir, read_only=True).stats()["events"] == 9


def _copies(tmp_path: Path, n: int) -> Path:
    """A TriG file of ``n`` valid sources: the sample, renamed."""
    text = SAMPLE.read_text(encoding="utf-8")
    body = text[text.index("# ---- the source"):]
    head = text[: text.index("# ---- the source")]
    parts = [head]
    for i in range(n):
        renamed = body.replace("sample-", f"copy{i}-").replace("article:sample-id", f"article:copy{i}")
        parts.append(f"<https://w3id.org/dyad/id/article/copy{i}-id-2024-10-24> {{\n{renamed}\n}}\n")
    out = tmp_path / f"copies-{n}.trig"
    out.write_text("".join(parts), encoding="utf-8")
    return out


def _source_sizes(store_dir: Path) -> dict[str, int]:
    store = Store(store_dir, read_only=True)
    return {str(s): len(store.graph_triples(s)) for s in store.sources()}


@pytest.mark.slow
def test_sigkill_mid_load_leaves_whole_sources_or_none(tmp_path: Path) -> None:
    """Kill a load at several moments: every source is then whole or absent, and the store opens."""
    trig = _copies(tmp_path, 40)
    reference = tmp_path / "reference"
    assert run_dyad("load", str(trig), store=reference).code == 0
    expected = _source_sizes(reference)
    assert len(expected) == 40
    for delay in (0.5, 1.5, 3.0, 4.5, 6.0, 8.0):
        got = _killed_at(delay, ["load", str(trig)], tmp_path / f"killed-{delay}", expected)
        if got is not None:  # the summaries agree with the reports that made it
            assert Store(tmp_path / f"killed-{delay}", read_only=True).stats()["events"] == 9 * len(got)


def _killed_at(delay: float, args: list[str], store_dir: Path, expected: dict[str, int]) -> dict[str, int] | None:
    """Run `dyad ARGS` on ``store_dir``, SIGKILL it after ``delay`` s, and check that every source
    that made it is whole; the sizes found, or None when it died before creating the store."""
    p = subprocess.Popen([sys.executable, "-m", "dyad", *args, "--store", str(store_dir)],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    if not store_dir.exists():
        return None
    got = _source_sizes(store_dir)
    for source, size in got.items():
        assert size == expected[source], f"{source} half-written after SIGKILL at {delay}s"
    return got


def _in_tiny_filesystem(script: str, tmp_path: Path, size_kib: int) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) with $FS a fresh tmpfs of ``size_kib``, in a private mount namespace."""
    fs = tmp_path / "fs"
    fs.mkdir()
    wrapped = f"mount -t tmpfs -o size={size_kib}k tmpfs {fs} && export FS={fs} && {script}"
    cmd = ["unshare", "-m", "sh", "-c", wrapped] if os.geteuid() == 0 else ["unshare", "-rm", "sh", "-c", wrapped]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.slow
def test_full_disk_fails_cleanly_and_keeps_the_store(tmp_path: Path) -> None:
    big = _copies(tmp_path, 60)
    dyad = f"{sys.executable} -m dyad"
    script = (
        f"{dyad} load {SAMPLE} --store $FS/store >/dev/null 2>&1 && "
        f"{dyad} stats --store $FS/store > $FS/../before.txt && "
        f"dd if=/dev/zero of=$FS/filler bs=1k count=100000 2>/dev/null; rm -f $FS/filler.keep; "
        f"{dyad} load {big} --store $FS/store 2> $FS/../err.txt; echo $? > $FS/../code.txt; "
        f"rm -f $FS/filler; {dyad} stats --store $FS/store > $FS/../after.txt"
    )
    ran = _in_tiny_filesystem(script, tmp_path, size_kib=40 * 1024)
    assert ran.returncode == 0, ran.stderr
    code = (tmp_path / "code.txt").read_text().strip()
    err = (tmp_path / "err.txt").read_text()
    assert code == "2", err
    assert "dyad: " in err and "Traceback" not in err, err
    assert "store unchanged" in err or "No space" in err or "space" in err.lower(), err
    assert (tmp_path / "after.txt").read_text() == (tmp_path / "before.txt").read_text()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8")),
    st.lists(st.dictionaries(st.sampled_from(["type", "agent", "target", "date", "status", "claimant",
                                              "troops", "place", "topic", "source", "evidence", "x"]),
                             st.one_of(st.text(max_size=20), st.integers(), st.none(),
                                       st.lists(st.text(max_size=8), max_size=3))),
             max_size=4).map(lambda rows: __import__("yaml").safe_dump(rows, allow_unicode=True).encode("utf-8")),
), ext=st.sampled_from([".yaml", ".csv", ".jsonld"]))
def test_any_submission_gives_findings_or_input_error(tmp_path: Path, data: bytes, ext: str) -> None:
    """YAML, CSV and JSON submissions of any shape: a report or a one-line InputError, nothing else."""
    from dyad.submit import check_files

    f = tmp_path / f"s{ext}"
    f.write_bytes(data)
    try:
        reports = check_files(Store(None), [f], submitter="fuzz")
    except InputError as exc:
        assert str(f) in str(exc) and "\n" not in str(exc), str(exc)
    else:
        assert reports


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_whole_articles_or_none(tmp_path: Path) -> None:
    """The same for `dyad ingest`: each article's graph is whole or absent after a SIGKILL."""
    articles = [str(p) for p in sorted((ROOT / "data" / "dev").glob("*.txt"))]
    reference = tmp_path / "reference"
    assert run_dyad("ingest", *articles, store=reference).code == 0
    expected = _source_sizes(reference)
    for delay in (2.0, 3.5, 5.0):
        store_dir = tmp_path / f"killed-{delay}"
        if _killed_at(delay, ["ingest", *articles], store_dir, expected) is None:
            continue
        # and the store takes the rest afterwards: ingesting again completes it
        assert run_dyad("ingest", *articles, "--quiet", store=store_dir).code == 0
        assert _source_sizes(store_dir) == expected


@pytest.mark.parametrize("prop", ["placeName", "agentCode", "targetCode", "reportCount", "firstSource",
                                  "yearKey", "actorYearKey", "claimKey"])
def test_a_source_cannot_state_the_stores_summaries(tmp_path: Path, prop: str) -> None:
    """dyg:derived is the store's: a file that states a summary is refused, naming it."""
    f = tmp_path / "summary.ttl"
    f.write_text("@prefix dy: <https://w3id.org/dyad/ontology#> .\n"
                 f'<https://w3id.org/dyad/id/event/x> dy:{prop} "Atlantis" .\n', encoding="utf-8")
    with pytest.raises(InputError, match=f"dy:{prop}|ontology#{prop}"):
        parse.read(f, default_source=URIRef("https://w3id.org/dyad/id/submission/s"))


def test_jsonld_triples_beside_named_graphs_are_refused(tmp_path: Path) -> None:
    """As in TriG: a file with named graphs keeps no triples outside them (none is lost silently)."""
    f = tmp_path / "mixed.jsonld"
    f.write_text('{"@graph": [{"@id": "https://w3id.org/dyad/id/submission/x", "@graph": '
                 '[{"@id": "https://w3id.org/dyad/id/event/a", "@type": "https://w3id.org/dyad/ontology#Summons"}]}, '
                 '{"@id": "https://w3id.org/dyad/id/event/b", "@type": "https://w3id.org/dyad/ontology#Denial"}]}',
                 encoding="utf-8")
    with pytest.raises(InputError, match="outside any named graph"):
        parse.read(f)
