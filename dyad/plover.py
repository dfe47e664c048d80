"""``dyad export --format plover``: Dyad's events as PLOVER records, one JSON object per line.

PLOVER (openeventdata/PLOVER, manual draft 0.8) is the event format of POLECAT and its tools: a
record per event with its ``source`` and ``recipient`` actors, ``event`` category, ``mode`` and
``context``. The category of a Dyad class is its ``dy:ploverCategory`` in the ontology; mode,
context and what is left out are data (``data/plover.yaml``). What PLOVER has no field for
(status, claimants, reports, evidence offsets, Dyad's own type and date precision) goes in
extension fields named ``dyad_*``, as the manual lets providers add named fields. docs/plover.md
has the table.

The rows come from ``queries/export-plover.rq`` with the selection bound; this module groups
them into records.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator


from dyad import __version__, queries
from dyad.errors import UsageError
from dyad.namespace import DY
from dyad.resources import read_yaml, resource
from dyad.store import Store

__all__ = ["Exported", "export_plover", "records"]

_POINT = re.compile(r"POINT\((-?[0-9.]+) (-?[0-9.]+)\)")


@dataclass
class Exported:
    written: int = 0
    left_out: Counter = field(default_factory=Counter)


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Any], dict[str, str]]:
    """data/plover.yaml, and each event class's PLOVER category from the ontology."""
    from dyad.validate import ontology_graph

    data = read_yaml(resource("data", "plover.yaml"))
    onto = ontology_graph()
    categories = {str(c).rsplit("#", 1)[1]: str(v) for c, v in onto.subject_objects(DY.ploverCategory)}
    return data, categories


def records(store: Store, values: dict[str, str] | None = None) -> Iterator[dict[str, Any] | str]:
    """PLOVER records of the selected events, in event IRI order; for an event left out, the
    reason instead (a class PLOVER has no category for, or no date)."""
    query = queries.load("export-plover")
    try:
        bound = queries.bind(query, values or {})
    except UsageError as exc:  # say the export's option, not the query parameter
        raise UsageError(str(exc).replace("--param ", "--", 1)) from None
    _, rows = store.select(bound)
    event: list[dict[str, str]] = []
    for row in rows:
        r = {k: str(v) for k, v in row.items() if v is not None}
        if event and r["event"] != event[0]["event"]:
            yield _record(event)
            event = []
        event.append(r)
    if event:
        yield _record(event)


def _record(rows: list[dict[str, str]]) -> dict[str, Any] | str:
    data, categories = _table()
    head = rows[0]
    kind = head["type"]
    if kind in data["left_out"] or kind not in categories:
        return f"{kind}: {data['left_out'].get(kind, 'no PLOVER category')}"
    if "start" not in head:
        return "undated: PLOVER needs a date"
    category = categories[kind]
    spec = data["classes"].get(kind, {})
    reports = [r for r in rows if r["part"] == "report"]
    cameo = sorted({r["cameo"] for r in reports if "cameo" in r})
    # every mode its reports give (a call and a visit folded into one meeting are both)
    modes = [spec["mode"]] if spec.get("mode") else sorted({data["cameo_modes"][c] for c in cameo if c in data["cameo_modes"]})
    context = [*spec.get("context", []), *data["status_contexts"].get(head["status"], [])]
    record: dict[str, Any] = {
        "id": head["event"],
        "date": head["start"],
        **({"enddate": head["end"]} if head["end"] != head["start"] else {}),
        "source": _actors(rows, "agent"),
        **({"recipient": _actors(rows, "target")} if any(r["part"] == "target" for r in rows) else {}),
        "event": [category],
        "mode": modes,
        "context": context,
        "quad_code": data["quad"][category],
    }
    place = _place(head)
    if place:
        record["event_loc"] = place
    first = min(reports, key=lambda r: (r.get("issued", "~"), r["source"]), default=None)
    cite = {"codebook": f"plover-{data['version']}"}
    if first is not None:
        cite.update({k: first[f] for k, f in (("url", "url"), ("title", "title"), ("publication", "publisher"))
                     if f in first})
        if len(first.get("language", "")) == 2:  # PLOVER asks for ISO 639-1
            cite["language"] = first["language"]
    record["cite_info"] = cite
    record.update({
        "coder": f"Dyad {__version__}",
        # Dyad's extensions: what PLOVER has no field for
        "dyad_type": kind,
        "dyad_date": head.get("date"),
        "dyad_precision": head.get("precision"),
        "dyad_status": head["status"],
        "dyad_reports": int(head["reports"]),
        "dyad_claimants": sorted({r["claimant"] for r in reports if "claimant" in r}),
        "dyad_coders": sorted({r["coder"] for r in reports if "coder" in r}),
        "dyad_cameo": cameo,
        "dyad_sources": sorted({r["source"] for r in reports}),
        # one entry per evidence sentence and source (the rows repeat them per CAMEO code)
        "dyad_evidence": [{"source": s, "begin": b, "end": e} for s, b, e in sorted(
            {(r["source"], int(r["begin"]), int(r["end_index"])) for r in reports if "begin" in r})],
    })
    if "topic" in head:
        record["dyad_topic"] = head["topic"]
    if "troops" in head:
        record["dyad_troops"] = int(head["troops"])
    return record


def _actors(rows: list[dict[str, str]], part: str) -> list[dict[str, Any]]:
    """PLOVER actor objects: ``code`` is ISO 3166-1 alpha-3 for a state, IGO for an
    international organization (its Dyad code in ``dyad_code``); ``actor_text`` its name."""
    from dyad.registry import load_registry

    reg = load_registry()
    out = {}
    for r in rows:
        if r["part"] != part or r["actor"] in out:
            continue
        code = r.get("code")
        actor: dict[str, Any] = {"code": code if code in reg.states else "IGO" if code in reg.organizations else "---"}
        if "label" in r:
            actor["actor_text"] = r["label"]
        actor["dyad_actor"] = r["actor"]
        if code:
            actor["dyad_code"] = code
        out[r["actor"]] = actor
    return list(out.values())


def _place(head: dict[str, str]) -> dict[str, Any] | None:
    """PLOVER's location object (GeoNames field names; ``cc3`` the alpha-3 code)."""
    if "place" not in head:
        return None
    loc: dict[str, Any] = {}
    if "place_label" in head:
        loc["name"] = head["place_label"]
    point = _POINT.match(head.get("place_wkt", ""))
    if point:
        loc["longitude"], loc["latitude"] = float(point[1]), float(point[2])
    if "place_code" in head:
        loc["cc3"] = head["place_code"]
    loc["dyad_place"] = head["place"]
    return loc


def export_plover(store: Store, output: Path | None, values: dict[str, str]) -> Exported:
    """Write the records as JSON Lines to ``output`` (stdout when None); a file is written
    whole or not at all (a temporary file renamed at the end)."""
    result = Exported()
    part = output.with_name(output.name + ".part") if output is not None else None
    out = part.open("w", encoding="utf-8") if part is not None else sys.stdout
    try:
        for rec in records(store, values):
            if isinstance(rec, str):
                result.left_out[rec] += 1
                continue
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            result.written += 1
    except BaseException:
        if part is not None:
            out.close()
            part.unlink(missing_ok=True)
        raise
    if part is not None and output is not None:
        out.close()
        part.replace(output)
    else:
        out.flush()
    return result
