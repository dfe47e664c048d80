"""Roles when the words are not in agent-verb-object order.

Other writers put the acted-on first as often as the actor:

- *passive summons*: "The Russian ambassador was summoned by the Polish foreign ministry",
  "Duta besar Rusia dipanggil oleh Kementerian Luar Negeri Polandia". The envoy before the verb
  is the target; the summoner is the actor after "by"/"oleh", right after an Indonesian di- verb
  ("dipanggil Kementerian Luar Negeri Polandia"), after "to"/"ke" a ministry ("was summoned to the
  Polish foreign ministry"), else the state the envoy is posted to ("ambassador to Poland").
  Without one of these there is no summoner, and no event (an unnamed agent is never guessed).
- *passive agreement*: "The agreement was signed by Indonesia and Malaysia", "Perjanjian itu
  ditandatangani oleh Indonesia dan Malaysia": the agreement noun before the verb, the parties after
  "by"/"oleh" (or right after the di- verb). No parties named, no event.
- *a denial in a relative clause*: "..., an accusation Belgrade dismissed": the claim noun, the
  denier, the verb; the denier answers the accuser told before in the sentence.
- *troops before the verb*: "1,500 Russian soldiers arrived in Belarus", "Sebanyak 1.500 tentara
  Rusia tiba di Belarus", "Russian troops were deployed to Syria". The troop noun phrase names
  whose troops they are (the adjective before the noun in English, the state after it in
  Indonesian); that state is the agent. Troops without a named owner give no event. A place no
  registry knows ("arrived in North Kivu") is in the other state of the story's pair of states.

Words come from ``data/lexicons/<lang>/triggers.yaml`` (``words: passive_by``, ``envoy_posted``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from ingest.actors import ActorMention
from ingest.clauses import Words
from ingest.roles import Sent, coded, envoys_listed, framing_speaker, group_ref, is_time, locative, with_conjuncts

__all__ = ["envoy_host", "passive_parties", "passive_summons", "relative_denial", "story_destination", "troops_before", "unowned_arrival"]


def passive_summons(doc: Doc, sent: Sent, i: int, j: int, cl_lo: int, cl_hi: int,
                    w: Words) -> tuple[list[ActorMention], list[ActorMention]] | None:
    """(agents, targets) of a passive summons at tokens [i, j), or None when either is missing."""
    before = [a for a in sent.mentions if cl_lo <= a[0] and a[1] <= i and coded(a[2])]
    envoys = [a for a in before if a[2].envoy]
    if not envoys:
        return None
    envoy = envoys[-1]
    targets = envoys_listed(sent, envoy)  # "Ambassadors from the US, Netherlands ... and Italy were summoned"
    after = [a for a in sent.mentions if j <= a[0] < cl_hi and coded(a[2]) and a[2].code not in {t.code for t in targets}]
    agents: list[ActorMention] = []
    for a in after:
        k = a[0]
        while k > j and (doc[k - 1].lower_ in ("the", "a", "an") or w.ending_at(doc, k, "venues", j)):
            k -= max(1, w.ending_at(doc, k, "venues", j))  # "to the offices of the ministry", "ke kantor Kemlu"
        if w.ending_at(doc, k, "passive_by", j) or k == j:
            agents = [a[2]]  # "by the Polish foreign ministry", "dipanggil Kementerian ..."
            break
        if w.ending_at(doc, k, "destination", j) and a[2].kind == "organization":
            agents = [a[2]]  # "was summoned to the Polish foreign ministry"
            break
    if not agents or agents[0].inferred:
        # "Duta besar Rusia untuk Polandia dipanggil ...": the host state summons (it says more
        # than a bare "Kementerian Luar Negeri" whose state the reader is left to infer)
        agents = envoy_host(doc, before, envoy, i, w) or agents
    return (agents, targets) if agents else None


def envoy_host(doc: Doc, candidates: list[tuple[int, int, ActorMention]], envoy: tuple[int, int, ActorMention],
               hi: int, w: Words) -> list[ActorMention]:
    """The state an envoy is posted to, when the text says: "Russia's ambassador to Poland",
    "atase pertahanan di Kedutaan Besar Jepang di Seoul" (a capital after a locative is its state)."""
    posted = [a for a in candidates if a[0] > envoy[0] and w.ending_at(doc, a[0], "envoy_posted", envoy[0])
              and a[2].code != envoy[2].code]
    if not posted and envoy[1] < hi:
        posted = [a for a in candidates if a[0] >= envoy[1] and w.ending_at(doc, a[0], "envoy_posted", envoy[1])
                  and a[2].code != envoy[2].code]
    return [posted[0][2]] if posted else []


def troops_before(doc: Doc, sent: Sent, i: int, cl_lo: int, objects: tuple[tuple[str, ...], ...],
                  window: int, w: Words) -> tuple[int, int, list[ActorMention]] | None:
    """The troop noun before the verb at token i and whose troops they are: (start, end, agents)."""
    # what stands between the troops and the verb without being part of either: a bracketed
    # gloss and a hedge ("kapal Angkatan Laut Amerika Serikat (AS) dilaporkan berlayar")
    skip, k = 0, i - 1
    while k > cl_lo:
        if doc[k].text == ")":
            opening = next((x for x in range(k - 1, max(cl_lo, k - 6) - 1, -1) if doc[x].text == "("), None)
            if opening is None:
                break
            skip, k = skip + (k - opening + 1), opening - 1
        elif w.at(doc, k, "hedge", cl_lo, i) or w.at(doc, k, "adverbs", cl_lo, i):
            skip, k = skip + 1, k - 1
        else:
            break
    lo = max(cl_lo, i - window - 3 - skip)
    hits = [(k, k + len(o)) for k in range(i - 1, lo - 1, -1) if (o := _troops_at(doc, k, i, objects))]
    if hits and (n := w.ending_at(doc, hits[-1][0], "apposition_markers", cl_lo)):
        # "dua KRI milik TNI AL yaitu KRI Ciptadi dan Teuku Umar berlayar": the ships named in the
        # apposition are those the phrase before it counted, and owned
        m = hits[-1][0] - n
        hits += [(k, k + len(o)) for k in range(m - 1, max(cl_lo, m - window - 3) - 1, -1)
                 if (o := _troops_at(doc, k, m, objects))]
    found = next((f for hit in hits if (f := _owned(doc, sent, hit, cl_lo, w)) is not None), None)
    if found is None:
        found = _opening_troops(doc, sent, i, objects, w)
    return found


def unowned_arrival(doc: Doc, sent: Sent, i: int, j: int, cl_lo: int, cl_hi: int,
                    objects: tuple[tuple[str, ...], ...], window: int, w: Words) -> ActorMention | None:
    """The state troops of no named owner went to: "Pasukan Asing Tiba di Timor Leste",
    "Foreign troops arrive in East Timor"."""
    if unowned_troops(doc, i, cl_lo, objects, window) is None:
        return None
    for a in sent.mentions:
        if j <= a[0] < min(cl_hi, j + 3) and a[2].kind == "state" and coded(a[2]) and (
                w.ending_at(doc, a[0], "destination", j) or w.ending_at(doc, a[0], "place", j)):
            return a[2]
    return None


def unowned_troops(doc: Doc, i: int, cl_lo: int, objects: tuple[tuple[str, ...], ...], window: int) -> int | None:
    """Where a troop noun before the verb at token i starts, in its clause (whoever's: "Another
    fighter squadron has also been deployed"); None without one."""
    return next((k for k in range(i - 1, max(cl_lo, i - window - 3) - 1, -1) if _troops_at(doc, k, i, objects)), None)


def _troops_at(doc: Doc, k: int, end: int, objects: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    """The troop noun (of ``objects``, in their order) that starts at token k and ends by ``end``."""
    return next((o for o in _by_first(objects).get(doc[k].lower_, ())
                 if k + len(o) <= end and all(doc[k + n].lower_ == o[n] for n in range(1, len(o)))), None)


@lru_cache(maxsize=None)
def _by_first(objects: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The troop nouns by their first word, in their order: a token is looked up, not matched
    against every noun (the cache still hashes the noun tuple on each call)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for o in objects:
        index.setdefault(o[0], []).append(o)
    return {first: tuple(found) for first, found in index.items()}


def _owned(doc: Doc, sent: Sent, hit: tuple[int, int], lo: int, w: Words) -> tuple[int, int, list[ActorMention]] | None:
    s, e = hit
    if any(w.at(doc, k, "negation", lo, s) for k in range(max(lo, s - 5), s)):
        return None  # "Tidak ada satu pun tentara Kenya yang dikirim", "Not a single Serbian soldier ... crossed"
    # the owner sits inside the noun phrase: "Russian soldiers", "U.S. Marines", "tentara Rusia"
    owners = [a for a in sent.mentions if coded(a[2]) and not locative(doc, a[0], w) and s - 2 <= a[0] <= e]
    if not owners and (n := w.at(doc, e, "owner_links", e, len(doc))):
        # "7 KRI milik TNI Angkatan Laut", "warships belonging to the Indonesian Navy"
        owners = [a for a in sent.mentions if coded(a[2]) and e + n <= a[0] <= e + n + 1]
    if not owners:
        owners = _possessor(doc, sent, s, lo, w)
    if not owners:
        speaker = _speaker_owner(doc, sent, s, e, w)
        return (s, e, speaker[:1]) if speaker else None
    owner = min(owners, key=lambda a: abs(a[0] - s))
    return s, e, [owner[2]]


def _speaker_owner(doc: Doc, sent: Sent, s: int, e: int, w: Words) -> list[ActorMention]:
    """Troops a pronoun owns after a verb of saying or denying are the speaker's: "Venezuela
    denied that its troops had entered Colombia", "denied that troops from his country had
    intruded" (a denier speaks of its own forces; after "accused" the pronoun could be either)."""
    n = w.ending_at(doc, s, "speaker_owners", sent.lo)
    if not n and not w.at(doc, e, "speaker_owners_after", e, sent.hi):
        return []
    return framing_speaker(doc, sent, s - n, w) or []


def _possessor(doc: Doc, sent: Sent, s: int, lo: int, w: Words) -> list[tuple[int, int, ActorMention]]:
    """Whose the troops at token s are when a verb of having stands before them: "Rusia kini
    memiliki lebih dari 100.000 tentara yang ditempatkan di dekat perbatasan" (the subject of
    "memiliki"), past the number and its quantifier."""
    k = s
    while k > lo and doc[k - 1].like_num:
        k -= 1
    k -= w.ending_at(doc, k, "quantifiers", lo)
    n = w.ending_at(doc, k, "possession_verbs", lo)
    if not n:
        return []
    k -= n
    while k > lo and (m := w.ending_at(doc, k, "adverbs", lo) or w.ending_at(doc, k, "list_adverbs", lo)):
        k -= m  # "Rusia sekarang memiliki", "Russia now has"
    return [a for a in sent.mentions if a[1] == k and coded(a[2]) and a[2].kind == "state"]


def _opening_troops(doc: Doc, sent: Sent, i: int, objects: tuple[tuple[str, ...], ...],
                    w: Words) -> tuple[int, int, list[ActorMention]] | None:
    """The troops that open the sentence, however long what describes them before the verb:
    "Sebanyak 1.169 prajurit TNI (yang) tergabung dalam Satgas ..., diberangkatkan menuju Lebanon",
    "Para prajurit TNI yang tergabung dalam Pasukan Garuda berangkat menuju Lebanon". Another act
    or a speech verb in between takes the verb away from them."""
    k = sent.lo
    for _ in range(4):  # "Sebanyak 1.169", "About 300 of the", "Para"
        n = w.at(doc, k, "quantifiers", sent.lo, i)
        if n:
            k += n
        elif re.fullmatch(r"\d[\d.,]*", doc[k].text) or w.at(doc, k, "thousand", k, i):
            k += 1
        else:
            break
    owner = next((a for a in sent.mentions if a[0] == k and coded(a[2])), None)
    if owner is not None and doc.lang_ == "en":
        k = owner[1]  # "300 Australian soldiers": the owner before the noun
    o = _troops_at(doc, k, i - 1, objects)
    if o is None or any(x in sent.verbs or w.at(doc, x, "speech", sent.lo, i) for x in range(k + len(o), i)):
        return None
    return _owned(doc, sent, (k, k + len(o)), sent.lo, w)



def passive_parties(doc: Doc, sent: Sent, j: int, cl_hi: int, w: Words) -> list[ActorMention]:
    """The parties after a passive verb ending at token j: "by X and Y", "oleh kedua negara", "diteken X dan Y"."""
    k = j + w.at(doc, j, "passive_by", j, cl_hi)
    if k == j and doc.lang_ == "en" and not w.ending_at(doc, j, "passive_by"):  # "denied by": in the trigger
        return []
    group = group_ref(doc, sent, k, min(cl_hi, k + 4), w)
    if group:
        return group
    k += w.at(doc, k, "determiners", k, cl_hi)
    first = next((a for a in sent.mentions if a[0] == k and coded(a[2])), None)
    return with_conjuncts(sent, first) if first is not None else []


def story_destination(doc: Doc, sent: Sent, j: int, cl_hi: int, agents: list[ActorMention],
                       w: Words) -> list[ActorMention]:
    """"4,000 Rwandan troops arrived in North Kivu": a named place no registry knows, in a story about
    two states, one of them the troops' own: the place is in the other state of the story's pair."""
    own = {a.code for a in agents}
    other = [p for p in sent.pair if p.kind == "state" and p.code not in own]
    if len(own) != 1 or len(sent.pair) != 2 or len(other) != 1:
        return []
    starts = {a[0] for a in sent.mentions}
    for k in range(j, cl_hi):
        if doc[k].text in (",", ";"):
            return []
        n = w.at(doc, k, "place", j, cl_hi) or w.at(doc, k, "destination", j, cl_hi)
        if not n:
            continue
        for x in range(k + n, min(cl_hi, k + n + 3)):
            if doc[x].text in (",", ";") or x in starts or is_time(sent, x):
                break
            if doc[x].is_alpha and doc[x].text[:1].isupper():
                return other
    return []


def relative_denial(doc: Doc, sent: Sent, i: int, w: Words,
                    before: list[Any]) -> tuple[list[ActorMention], list[ActorMention]] | None:
    """(denier, accuser) of "..., an accusation Belgrade dismissed" at trigger token i; ``before``
    are the sentence's events so far."""
    k = i
    while k - 1 > sent.lo and w.at(doc, k - 1, "adverbs", sent.lo, i):
        k -= 1  # ", charges Sudan vehemently denies"
    who = next((a for a in sent.mentions if a[1] == k and coded(a[2])), None)
    if who is None or not w.ending_at(doc, who[0], "claim_nouns", sent.lo):
        return None
    accusers = [e.agents for e in before if e.type.endswith("Accusation") and who[2].code not in {a.code for a in e.agents}]
    return ([who[2]], list(accusers[-1])) if accusers else None
