"""JSON-LD input without the network: Dyad's own context comes from the package, no other
remote context is ever fetched (a submission must not make Dyad reach a URL or a local file)."""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph

from dyad.errors import InputError
from dyad.namespace import ID
from dyad.resources import resource

CONTEXT_IRI = "https://w3id.org/dyad/context.jsonld"
_LOCAL_NAMES = {CONTEXT_IRI, "context.jsonld", "dyad:context"}


def local_context() -> dict[str, Any]:
    return json.loads(resource("ontology", "context.jsonld").read_text(encoding="utf-8"))["@context"]


def _resolve(ctx: Any, where: str) -> Any:
    if isinstance(ctx, str):
        if ctx in _LOCAL_NAMES:
            return local_context()
        raise InputError(f"remote JSON-LD context {ctx!r} is not fetched; use {CONTEXT_IRI!r} "
                         "or put the context inline", where=where)
    if isinstance(ctx, list):
        return [_resolve(c, where) for c in ctx]
    if isinstance(ctx, dict):
        if "@import" in ctx:
            raise InputError("JSON-LD @import is not fetched; inline the context", where=where)
        # a term definition may carry a scoped context of its own: resolved (or refused) the same way
        return {k: _walk(v, where) for k, v in ctx.items()}
    return ctx


def _walk(node: Any, where: str) -> Any:
    if isinstance(node, dict):
        return {k: (_resolve(v, where) if k == "@context" else _walk(v, where)) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(v, where) for v in node]
    return node


def parse_jsonld(graph: Graph, data: bytes, *, where: str) -> None:
    """Parse JSON-LD bytes into ``graph``, resolving only Dyad's own context, locally."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON syntax error: {exc.msg} (column {exc.colno})",
                         where=f"{where}:{exc.lineno}") from None
    doc = _walk(doc, where)
    graph.parse(data=json.dumps(doc), format="json-ld", base=str(ID))
