"""The event mention: what extraction finds of one event in one sentence, before it is RDF.

Its own module so that the stages that make mentions (``ingest.extract``, ``ingest.speech``) and
the one that maps them (``ingest.mapping``) share the type without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from dyad.dates import DateValue
from ingest.actors import ActorMention

__all__ = ["EventMention"]


@dataclass
class EventMention:
    type: URIRef  # DY.Summons ...
    agents: list[ActorMention]
    targets: list[ActorMention]
    about: list[int]  # indexes of other EventMentions in the same article
    topic: str | None
    date: DateValue | None
    status: str  # reported | alleged | unconfirmed | hypothetical
    claimants: list[ActorMention]
    troops: int | None
    place: str | None
    sentence: tuple[int, int]  # evidence offsets in Article.text
    trigger: tuple[int, int]
    # extraction bookkeeping (not part of the contract's meaning)
    coordinated: bool = field(default=False, repr=False)
    claim_ref: bool = field(default=False, repr=False)
    same_time: bool = field(default=False, repr=False)  # "Hours later", "in the same statement"
    day_after: bool = field(default=False, repr=False)  # "a day later", "keesokan harinya"
    # "was summoned a day after Bangladesh summoned ...": this act, told after the marker, came a
    # day before the act told before it in the sentence
    day_before: bool = field(default=False, repr=False)
    open_call: bool = field(default=False, repr=False)  # a demand of "the international community": kept targetless
    self_told: bool = field(default=False, repr=False)  # "the ministry said it has summoned ...": in the actor's own statement
    # told in a statement ("He said the two nations have agreed ...") or as an earlier past ("had
    # agreed"): its time is not that of the meeting told beside it
    told_apart: bool = field(default=False, repr=False)
    media_claim: bool = field(default=False, repr=False)  # a denial of the media's reports ("denied reports of ...")
    # the state a denied wrong was done to ("denied any actions against Poland"): whose claim the
    # denial answers when no accusation is told and the story tells that state acting
    wronged: ActorMention | None = field(default=None, repr=False)
    # the time of the attribution that closes its sentence ("..., a spokesperson said on Monday"), for
    # an act left undated: the time the story tells it at (ingest.discourse._reference_times)
    said_at: DateValue | None = field(default=None, repr=False)
