"""What Dyad exports, Dyad loads: backup, restore and moving a store (``dyad export`` then
``dyad load``), and ``dyad check`` on a store's exports. The cases are data:
tests/data/roundtrip.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_dyad

CASES = yaml.safe_load((ROOT / "tests" / "data" / "roundtrip.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("original") / "store"
    for f in CASES["inputs"]["ingest"]:
        assert run_dyad("ingest", f, store=store).code == 0
    for f in CASES["inputs"]["load"]:
        assert run_dyad("load", f, store=store).code == 0
    for f in CASES["inputs"].get("import_gdelt", []):
        assert run_dyad("import", "gdelt", f, store=store).code == 0
    return store


@pytest.fixture(scope="module")
def exports(original: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in [*CASES["formats"], "turtle"]:
        files[fmt] = out / f"all.{fmt}"
        ran = run_dyad("export", "--format", fmt, "-o", str(files[fmt]), store=original)
        assert ran.code == 0, ran.err
    return files


@pytest.fixture(scope="module")
def original_answers(original: Path) -> list[str]:
    """The original store's answers, asked once (each is a `dyad` process)."""
    return _answers(original)


def _answers(store: Path) -> list[str]:
    out = [run_dyad("stats", "--sources", store=store).out]
    for q in CASES["queries"]:
        args = [a for k, v in q["params"].items() for a in ("-p", f"{k}={v}")]
        ran = run_dyad("query", q["name"], *args, "--format", "csv", store=store)
        assert ran.code == 0, ran.err
        out.append(ran.out)
    return out


@pytest.mark.parametrize("fmt", CASES["formats"])
def test_export_loads_into_an_empty_store_as_it_was(original_answers: list[str], exports: dict[str, Path], fmt: str,
                                                     tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    ran = run_dyad("load", str(exports[fmt]), store=copy)
    assert ran.code == 0, ran.err
    assert "recomputed differently" not in ran.err
    assert _answers(copy) == original_answers
    again = run_dyad("load", str(exports[fmt]), store=copy)  # a second restore changes nothing
    assert again.code == 0 and "+" not in again.err, again.err
    # the sources are sources again: each can be withdrawn on its own
    sources = [line.split("\t")[1] for line in run_dyad("stats", "--sources", store=copy).out.splitlines()
               if line.startswith("source\t")]
    assert len(sources) == sum(len(files) for files in CASES["inputs"].values())
    assert run_dyad("withdraw", sources[0], store=copy).code == 0
    left = run_dyad("stats", "--sources", store=copy).out
    assert sources[0] not in left and sources[1] in left


@pytest.mark.parametrize("fmt", ["trig", "turtle", "jsonld"])
def test_each_source_exported_alone_loads_into_an_empty_store(original: Path, original_answers: list[str], fmt: str,
                                                              tmp_path: Path) -> None:
    """`dyad export --source IRI` is the source whole (its graph and the shared descriptions it
    refers to): a source loads into an empty store alone, unless it points to an event another
    source reports (then the error names that field); all of them give the store back."""
    sources = [line.split("\t")[1] for line in run_dyad("stats", "--sources", store=original).out.splitlines()
               if line.startswith("source\t")]
    files, alone = [], []
    for n, source in enumerate(sources):
        files.append(tmp_path / f"source{n}.{fmt}")
        assert run_dyad("export", "--format", fmt, "--source", source, "-o", str(files[-1]), store=original).code == 0
        alone.append(run_dyad("load", str(files[-1]), store=tmp_path / f"alone{n}"))
    # the article and the GDELT file stand alone; the hand-made events point to the article's
    # deployment (dy:about)
    assert sorted(r.code for r in alone) == [0] * (len(alone) - 1) + [1], [r.err for r in alone]  # 1: does not conform
    assert all("dy:about must point to an event" in r.err for r in alone if r.code)
    together = run_dyad("load", *map(str, files), store=tmp_path / "together")
    assert together.code == 0, together.err

    def _but_triples(answers: list[str]) -> list[str]:
        # descriptions no event refers to (an organ named in passing) belong to no source's export
        return [a for a in answers[0].splitlines() if not a.startswith("triples\t")] + answers[1:]
    assert _but_triples(_answers(tmp_path / "together")) == _but_triples(original_answers)


def test_export_loaded_back_into_its_own_store_changes_nothing(original: Path, original_answers: list[str],
                                                               exports: dict[str, Path]) -> None:
    before = original_answers
    ran = run_dyad("load", str(exports["trig"]), store=original)
    assert ran.code == 0 and "+" not in ran.err, ran.err
    assert _answers(original) == before


@pytest.mark.parametrize("case", CASES["tampered"], ids=[c["message"] for c in CASES["tampered"]])
def test_export_with_other_own_graphs_is_refused(exports: dict[str, Path], case: dict, tmp_path: Path) -> None:
    text = exports["nquads"].read_text(encoding="utf-8")
    assert case["find"] in text
    bad = tmp_path / "tampered.nq"
    text = text.replace(case["find"], case["replace"], 1) if case["find"] else text + case["append"] + "\n"
    bad.write_text(text, encoding="utf-8")
    ran = run_dyad("load", str(bad), store=tmp_path / "copy")
    assert ran.code == 2 and case["message"] in ran.err and "tampered.nq" in ran.err, ran.err
    assert not (tmp_path / "copy").exists()  # nothing written, not even an empty store
    if "append" not in case:  # dyad check reads the shared descriptions as data to check
        checked = run_dyad("check", str(bad))
        assert checked.code == 2 and case["message"] in checked.err


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld", "turtle"])
def test_check_accepts_a_stores_export(exports: dict[str, Path], fmt: str) -> None:
    ran = run_dyad("check", str(exports[fmt]))
    assert ran.code == 0 and ran.out.strip() == "consistent", ran.err
