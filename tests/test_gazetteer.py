"""The gazetteer: a named place is a GeoNames city with its point, one node whoever names it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal

from conftest import ROOT, run_dyad
from dyad import gazetteer
from dyad.namespace import DY, GEO, ID, SCHEMA

CASES = yaml.safe_load((ROOT / "tests" / "data" / "gazetteer-cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['name']}-{c.get('state', '')}" for c in CASES])
def test_which_city_a_name_means(case: dict) -> None:
    city = gazetteer.find(case["name"], case.get("state"), near=tuple(case["near"]) if "near" in case else None)
    if case["iri"] is None:
        assert city is None
        return
    assert city is not None and city.iri == ID["place/" + case["iri"]] and city.iso3 == case["iso3"]


def test_a_place_an_article_names_is_the_city_with_its_point(tmp_path: Path) -> None:
    text = tmp_path / "summons.txt"  # a phrase of our own, not a news text
    text.write_text("Korea Selatan memanggil duta besar Rusia di Seoul pada Senin (21/10/2024).\n", encoding="utf-8")
    store = tmp_path / "store"
    ran = run_dyad("ingest", str(text), "--lang", "id", "--published", "2024-10-24T09:00:00+07:00", store=store)
    assert ran.code == 0, ran.err
    g = Graph().parse(data=run_dyad("export", "--format", "ntriples", store=store).out, format="nt")
    seoul = ID["place/seoul"]
    (event,) = g.subjects(DY.place, seoul)
    geometry = g.value(seoul, GEO.hasGeometry)
    assert g.value(geometry, GEO.asWKT) == Literal("POINT(126.9784 37.566)", datatype=GEO.wktLiteral)
    assert g.value(seoul, SCHEMA.containedInPlace) == ID["state/KOR"]
    assert (event, DY.agent, ID["state/KOR"]) in g
