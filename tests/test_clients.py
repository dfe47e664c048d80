"""Third-party SPARQL clients as they come: SPARQLWrapper, rdflib's SPARQLStore and Comunica,
each with its default settings, against ``dyad serve``. The cases are data:
tests/data/sparql_clients.yaml.

Comunica runs from tests/clients/node_modules, which ``make test`` installs with ``npm ci``.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import warnings
import xml.dom.minidom
from pathlib import Path

import pytest
import yaml
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from conftest import ROOT
from test_serve import Server, seed_store, serving  # noqa: F401 - seed_store is a fixture

pytestmark = pytest.mark.server

TABLE = yaml.safe_load((ROOT / "tests" / "data" / "sparql_clients.yaml").read_text(encoding="utf-8"))
COMUNICA = ROOT / "tests" / "clients" / "node_modules" / ".bin" / "comunica-sparql"


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    with serving(seed_store, log=tmp_path_factory.mktemp("log") / "serve.log") as s:
        yield s


def _sparqlwrapper(url: str, query: str, fmt: str) -> object:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Sending Accept header '*/*'": its own advice
        try:
            answer = client.query()
        except urllib.error.HTTPError as exc:
            return exc.code
        except SPARQLWrapperException as exc:
            return int(str(exc).split("HTTP Error ")[1][:3]) if "HTTP Error " in str(exc) else str(exc)
    converted = answer.convert()
    if isinstance(converted, dict):
        return converted["boolean"] if "boolean" in converted else len(converted["results"]["bindings"])
    if isinstance(converted, xml.dom.minidom.Document):
        booleans = converted.getElementsByTagName("boolean")
        if booleans:
            return booleans[0].firstChild.data == "true"
        return len(converted.getElementsByTagName("result"))
    if isinstance(converted, Graph):
        return len(converted)
    text = converted.decode("utf-8")
    if text.strip() in ("true", "false"):
        return text.strip() == "true"
    if fmt in ("csv", "tsv"):
        return len(text.strip().splitlines()) - 1
    return len(Graph().parse(data=text, format="turtle"))  # Turtle and N3 come back as text


def _rdflib(url: str, query: str) -> object:
    result = SPARQLStore(url).query(query)
    if result.type == "ASK":
        return result.askAnswer
    if result.type == "SELECT":
        return len(list(result))
    return len(result.graph)


def _comunica(url: str, query: str, fmt: str, tmp: Path) -> object:
    (tmp / "query.rq").write_text(query, encoding="utf-8")
    ran = subprocess.run([str(COMUNICA), url, "-f", str(tmp / "query.rq"), "-t", fmt],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert "WARN" not in ran.stderr, ran.stderr  # it recognised the endpoint by its description
    if fmt == "application/n-triples":
        return len(Graph().parse(data=ran.stdout, format="nt"))
    answer = json.loads(ran.stdout)
    return answer["boolean"] if "boolean" in answer else len(answer["results"]["bindings"])


@pytest.mark.parametrize("case", TABLE["cases"], ids=[f"{c['client']}-{c['form']}-{c['format']}" for c in TABLE["cases"]])
def test_client(server: Server, case: dict, tmp_path: Path) -> None:
    url = server.url + "/sparql"
    query = TABLE["queries"][case["form"]]
    if case["client"] == "sparqlwrapper":
        got = _sparqlwrapper(url, query, case["format"])
    elif case["client"] == "rdflib":
        got = _rdflib(url, query)
    else:
        assert COMUNICA.exists(), "Comunica is not installed: run 'make test' (npm ci in tests/clients)"
        got = _comunica(url, query, case["format"], tmp_path)
    assert got == case["expect"]
