"""Where the shipped data files are: the ontology, shapes, queries and data folders.

An installed wheel carries them under ``dyad/_resources/``; a source checkout has them at the
repository root. Everything that reads them goes through :func:`resource`, so paths never depend
on the working directory.
"""

from __future__ import annotations

from pathlib import Path

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
