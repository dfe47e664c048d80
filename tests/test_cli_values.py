"""Never a traceback: any value given to any option of the store commands ends in at most one line
on stderr and exit 0, 1 or 2 (run in-process through ``dyad.cli.main``, as the console script).
``dyad serve`` is not given random values (a valid port would start a server): its port's bounds
are a table case below."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, SEED_TEXT
from dyad.cli import main

# each command with the option (or argument) the value goes to; the store is a fresh empty one
COMMANDS = [
    ["withdraw", "{}"],
    ["export", "--source", "{}"],
    ["export", "--actor", "{}"],
    ["export", "--from", "{}"],
    ["export", "--to", "{}"],
    ["query", "who-did-what", "-p", "actor={}"],
    ["query", "timeline", "-p", "actor={}"],
    ["query", "dyads", "-p", "from={}"],
    ["query", "claims", "-p", "status={}"],
    ["query", "{}"],
    ["ingest", str(SEED_TEXT), "--published", "{}"],
    ["ingest", str(SEED_TEXT), "--lang", "{}"],
    ["ingest", str(SEED_TEXT), "--url", "{}"],
    ["query", "who-did-what", "--endpoint", "{}"],
    ["load", "--format", "{}", str(SAMPLE)],
    ["push", "--endpoint", "{}"],
]
VALUES = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:  # main turns every outcome into an exit code
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("template", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES)
@example(value="nonsense")
@example(value="")
@example(value="http://a b")
def test_any_value_gives_one_line_and_a_clean_exit(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    template: list[str], value: str) -> None:
    store = tmp_path / "store"
    argv = [part.replace("{}", value) for part in template] + ["--store", str(store)]
    code, err = _run(argv, capsys)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, err
    if code == 2:
        problems = [line for line in err.splitlines() if line.strip() and not line.startswith(("Usage:", "Try "))]
        assert len(problems) == 1, err


@pytest.mark.parametrize("value", ["nonsense", "", "http://a b"])
def test_withdraw_and_export_name_the_bad_iri(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    for argv in (["withdraw", value], ["export", "--source", value]):
        code, err = _run(argv + ["--store", str(tmp_path / "store")], capsys)
        assert code == 2, err
        assert err.startswith("dyad: ") and ("no IRI" in err or "no source" in err), err


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "eighty"])
def test_serve_refuses_a_port_out_of_range_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       port: str) -> None:
    code, err = _run(["serve", "--port", port, "--store", str(tmp_path / "store")], capsys)
    assert code == 2 and "Traceback" not in err and "--port" in err, err
