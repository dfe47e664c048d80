"""The deterministic IRIs of events, reports and articles (docs/design.md, "Namespaces and IRIs").

One formula for every way an event comes in (ingest, hand submissions, GDELT imports), so the
same event told twice meets in one node. Vocabulary-level: ``ingest/`` may import it.
"""

from __future__ import annotations

import hashlib

from rdflib import URIRef

from dyad import dates
from dyad.namespace import ID

__all__ = ["article_iri", "event_iri", "report_iri", "short_hash"]


def short_hash(*parts: str) -> str:
    """First 16 hex of SHA-256 over the parts joined by U+001F."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def event_iri(etype: URIRef, agents: frozenset, targets: frozenset, about: frozenset,
              date: dates.DateValue | None, source: URIRef, begin: int) -> URIRef:
    """Type, sorted agents, sorted targets, sorted `about` events and the date; an undated event
    also by its source and ``begin`` (the evidence's offset, a submission's row number)."""
    parts = [str(etype), *sorted(map(str, agents)), "|", *sorted(map(str, targets)), "|",
             *sorted(map(str, about))]
    parts.append(date.text if date else f"undated|{source}|{begin}")
    return ID["event/" + short_hash(*parts)]


def report_iri(event: URIRef, source: URIRef) -> URIRef:
    """One report per event and source."""
    return ID["report/" + short_hash(str(event), str(source))]


def article_iri(key: str) -> URIRef:
    """An article by its URL (else by its NFC text, which the caller passes)."""
    return ID["article/" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]]
