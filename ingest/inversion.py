"""Roles when the words are not in agent-verb-object order.

Other writers put the acted-on first as often as the actor:

- *passive summons*: "The Russian ambassador was summoned by the Polish foreign ministry",
  "Duta besar Rusia dipanggil oleh Kementerian Luar Negeri Polandia". The envoy before the verb
  is the target; the summoner is the actor after "by"/"oleh", right after an Indonesian di- verb
  ("dipanggil Kementerian Luar Negeri Polandia"), after "to"/"ke" a ministry ("was summoned to the
  Polish foreign ministry"), else the state the envoy is posted to ("ambassador to Poland").
  Without one of these there is no summoner, and no event (an unnamed agent is never guessed).
- *troops before the verb*: "1,500 Russian soldiers arrived in Belarus", "Sebanyak 1.500 tentara
  Rusia tiba di Belarus", "Russian troops were deployed to Syria". The troop noun phrase names
  whose troops they are (the adjective before the noun in English, the state after it in
  Indonesian); that state is the agent. Troops without a named owner give no event.

Words come from ``data/lexicons/<lang>/triggers.yaml`` (``words: passive_by``, ``envoy_posted``).
"""

from __future__ import annotations

from spacy.tokens import Doc

from ingest.actors import ActorMention
from ingest.clauses import Words
from ingest.roles import Sent, coded, locative

__all__ = ["passive_summons", "troops_before"]


def passive_summons(doc: Doc, sent: Sent, i: int, j: int, cl_lo: int, cl_hi: int,
                    w: Words) -> tuple[list[ActorMention], list[ActorMention]] | None:
    """(agents, targets) of a passive summons at tokens [i, j), or None when either is missing."""
    before = [a for a in sent.mentions if cl_lo <= a[0] and a[1] <= i and coded(a[2])]
    envoys = [a for a in before if a[2].envoy]
    if not envoys:
        return None
    envoy = envoys[-1]
    targets = [envoy[2]]
    after = [a for a in sent.mentions if j <= a[0] < cl_hi and coded(a[2]) and a[2].code != envoy[2].code]
    agents: list[ActorMention] = []
    for a in after:
        k = a[0]
        while k > j and doc[k - 1].lower_ in ("the", "a", "an"):
            k -= 1
        if w.ending_at(doc, k, "passive_by", j) or k == j:
            agents = [a[2]]  # "by the Polish foreign ministry", "dipanggil Kementerian ..."
            break
        if w.ending_at(doc, k, "destination", j) and a[2].kind == "organization":
            agents = [a[2]]  # "was summoned to the Polish foreign ministry"
            break
    if not agents:
        # "Duta besar Rusia untuk Polandia dipanggil ...": the host state summons
        posted = [a for a in before if a[0] > envoy[0] and w.ending_at(doc, a[0], "envoy_posted", envoy[0])
                  and a[2].code != envoy[2].code]
        if not posted and envoy[1] < i:
            posted = [a for a in before if a[0] >= envoy[1] and w.ending_at(doc, a[0], "envoy_posted", envoy[1])
                      and a[2].code != envoy[2].code]
        agents = [posted[0][2]] if posted else []
    return (agents, targets) if agents else None


def troops_before(doc: Doc, sent: Sent, i: int, cl_lo: int, objects: tuple[tuple[str, ...], ...],
                  window: int, w: Words) -> tuple[int, int, list[ActorMention]] | None:
    """The troop noun before the verb at token i and whose troops they are: (start, end, agents)."""
    lo = max(cl_lo, i - window - 3)
    hit = None
    for k in range(i - 1, lo - 1, -1):
        for o in objects:
            if k + len(o) <= i and all(doc[k + n].lower_ == o[n] for n in range(len(o))):
                hit = (k, k + len(o))
                break
        if hit:
            break
    if hit is None:
        return None
    s, e = hit
    # the owner sits inside the noun phrase: "Russian soldiers", "U.S. Marines", "tentara Rusia"
    owners = [a for a in sent.mentions if coded(a[2]) and not locative(doc, a[0], w) and s - 2 <= a[0] <= e]
    if not owners:
        return None
    owner = min(owners, key=lambda a: abs(a[0] - s))
    return s, e, [owner[2]]

