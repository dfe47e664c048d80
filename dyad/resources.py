"""Where the shipped data files are: the ontology, shapes, queries and data folders.

An installed wheel carries them under ``dyad/_resources/``; a source checkout has them at the
repository root. Everything that reads them goes through :func:`resource`, so paths never depend
on the working directory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

_PACKAGED = Path(__file__).resolve().parent / "_resources"
_CHECKOUT = Path(__file__).resolve().parent.parent

KINDS = ("ontology", "shapes", "queries", "data")


def root(kind: str) -> Path:
    """The folder holding one kind of shipped file (``ontology``, ``shapes``, ``queries``, ``data``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(KINDS)}")
    packaged = _PACKAGED / kind
    return packaged if packaged.is_dir() else _CHECKOUT / kind


def resource(kind: str, *parts: str) -> Path:
    """Path of a shipped file, e.g. ``resource("ontology", "dyad.ttl")``."""
    return root(kind).joinpath(*parts)


def read_yaml(path: Path) -> Any:
    """A data file a domain expert edits (lexicons, the actor registry), as YAML 1.2 reads it:
    only ``true`` and ``false`` are booleans. YAML 1.1, which PyYAML follows, also reads ``no``,
    ``on``, ``off`` and ``yes`` as booleans, so a negation word "no", the adverb "on" or a
    country code "NO" would silently become False or True. A key given twice in one mapping is an
    error (YAML 1.2 forbids it; PyYAML keeps the last, so a list added under a name already used
    would silently replace the first)."""
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass


def _data_loader() -> type:
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: the registry is large
    resolvers = {first: [(tag, rx) for tag, rx in pairs if tag != "tag:yaml.org,2002:bool"]
                 for first, pairs in base.yaml_implicit_resolvers.items()}
    loader = type("DataLoader", (base,), {"yaml_implicit_resolvers": resolvers})
    loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))

    def mapping(self: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice in one mapping", key_node.start_mark)
            seen.add(key)
        return base.construct_mapping(self, node, deep=deep)

    loader.construct_mapping = mapping
    return loader


_DataLoader = _data_loader()
