"""How sure: the status of an event mention (reported, alleged, unconfirmed, hypothetical).

- *alleged* when the trigger is embedded in someone else's speech, claim or accusation, with that
  someone as claimant: a complement of a speech verb ("X said that ..."), of a claim noun ("a
  Ukrainian intelligence report that ...", "pernyataan Korea Selatan bahwa ..."), of "menurut X" /
  "according to X", or of an accusation ("accused Iran of sending ..."). A government's account of
  its own act stays reported (the claimant is the agent).
- *unconfirmed* under "cannot confirm" or a hedge ("reportedly", "diduga"), or on the word of an
  unnamed source (", kata seorang diplomat Barat");
- *hypothetical* under "akan", "bersiap", "will", "plans to" (if-clauses never become events).
The weakest status wins.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ingest import clauses
from ingest.actors import ActorMention
from ingest.clauses import Words
from ingest.roles import Sent, agents_left, coded, inside_quote, quoted_speaker

__all__ = ["frame", "status"]


def _claim_owner(doc: Doc, sent: Sent, noun_end: int, w: Words) -> list[ActorMention]:
    """The actor a claim noun belongs to: "Ukrainian intelligence report", "South Korea's claim"."""
    n = w.ending_at(doc, noun_end, "claim_nouns", sent.lo)
    start = noun_end - n
    owner = [a[2] for a in sent.mentions if start - 3 <= a[0] and a[1] <= start and coded(a[2])]
    return owner[-1:]


def frame(doc: Doc, sent: Sent, i: int, w: Words) -> tuple[int, list[ActorMention]] | None:
    """The speech act, claim noun, accusation or "menurut X" the trigger is embedded in, and its claimant."""
    for k in range(i - 1, sent.lo - 1, -1):
        if w.at(doc, k, "according_to", sent.lo, i):
            n = w.at(doc, k, "according_to", sent.lo, i)
            # the source is named before the comma that closes "according to ...,": an actor
            # after it is the clause's own subject, not the source
            comma = next((x for x in range(k + n, i) if doc[x].text == ","), i)
            after = [a[2] for a in sent.mentions if k + n <= a[0] < min(k + n + 6, comma) and coded(a[2])]
            return k, after[:1]  # no coded actor: still attributed, see status()
        if w.at(doc, k, "complementizers", sent.lo, i):
            if w.ending_at(doc, k, "claim_nouns", sent.lo):
                return k, _claim_owner(doc, sent, k, w)
            near = [a for a in sent.mentions if a[1] <= k and coded(a[2])]
            if near and w.ending_at(doc, near[-1][0], "claim_nouns", sent.lo):
                return k, [near[-1][2]]
        if w.at(doc, k, "accuse", sent.lo, i) and not clauses.negated(doc, k, sent.lo, w):
            return k, agents_left(doc, sent, k, clauses.clause_start(doc, sent.lo, k, w, commas=False), w)
        if w.at(doc, k, "speech", sent.lo, i) and not w.at(doc, k, "attribution", sent.lo, i) or (
                w.at(doc, k, "speech", sent.lo, i) and k > sent.lo and doc[k - 1].text not in (",", '"', "”")):
            return k, agents_left(doc, sent, k, clauses.clause_start(doc, sent.lo, k, w, commas=False), w)
    return None


def _trailing_source(doc: Doc, sent: Sent, i: int, w: Words) -> list[ActorMention]:
    """The source of a trailing attribution (", kata seorang pejabat UNIFIL", ", a UNIFIL official said",
    ", according to a report by U.N. experts")."""
    for k in range(i + 1, sent.hi):
        if doc[k - 1].text not in (",", '"', "”"):
            continue
        if (n := w.at(doc, k, "according_to", sent.lo, sent.hi)):  # ", according to a report by U.N. experts"
            return [a[2] for a in sent.mentions if k + n <= a[0] < k + n + 6 and coded(a[2])][:1]
        n = w.at(doc, k, "attribution", sent.lo, sent.hi)
        if n and doc.lang_ != "en":
            return [a[2] for a in sent.mentions if k + n <= a[0] < k + n + 4 and coded(a[2])][:1]
        if not n:  # English: ", X said"
            end = next((x for x in range(k, min(sent.hi, k + 8)) if w.at(doc, x, "attribution", k, sent.hi)), None)
            if end is not None:
                return [a[2] for a in sent.mentions if k <= a[0] < end and coded(a[2])][-1:]
    return []


def _trailing_according(doc: Doc, sent: Sent, i: int, w: Words) -> bool:
    """", according to <anyone>" after the trigger (its source, when Dyad can name it, is handled
    by _trailing_source)."""
    return any(doc[k - 1].text == "," and w.at(doc, k, "according_to", sent.lo, sent.hi)
               for k in range(i + 1, sent.hi))


def _anonymous_source(doc: Doc, sent: Sent, i: int, w: Words) -> bool:
    """A trailing attribution to someone unnamed: ", kata seorang diplomat Barat", ", a Western diplomat said"."""
    for k in range(i + 1, sent.hi):
        if doc[k - 1].text != ",":
            continue
        n = w.at(doc, k, "attribution", sent.lo, sent.hi)
        if n and w.at(doc, k + n, "anonymous_source", sent.lo, sent.hi):
            return True
        if not n and w.at(doc, k, "anonymous_source", sent.lo, sent.hi) and any(
                w.at(doc, x, "attribution", k, sent.hi) for x in range(k + 1, min(sent.hi, k + 8))):
            return True
    return False


def status(doc: Doc, sent: Sent, i: int, cl_lo: int, agents: list[ActorMention], w: Words,
           events: list[Any], first: int, nominal: bool,
           found: tuple[int, list[ActorMention]] | None = None, deployment: bool = False) -> tuple[str, list[ActorMention]]:
    """Status and claimants of the trigger at token i (``events[first:]`` are this sentence's so far;
    ``found`` is ``frame(...)`` when the caller has it already; ``deployment``: the trigger is a
    troop deployment's)."""
    statuses = ["reported"]
    claimants: list[ActorMention] = []
    if found is None:
        found = frame(doc, sent, i, w)
    codes = {a.code for a in agents}
    if found is not None:
        k, who = found
        attributed = bool(w.at(doc, k, "according_to", sent.lo, i))
        if not who and not attributed:  # "pernyataan bahwa ..." without a named claimant: the frame's own agent
            prev = [e for e in events[first:] if e.trigger[0] < doc[k].idx]
            who = prev[-1].agents if prev else []
        if who and not ({c.code for c in who} <= codes):
            statuses.append("alleged")
            claimants = who
        elif attributed and not who:
            # "According to <someone Dyad cannot name>, X sent troops": hearsay all the same. It
            # cannot be alleged (that needs a claimant), and it must not read as a fact.
            statuses.append("unconfirmed")
        if any(w.at(doc, x, "unconfirmed", k, i) for x in range(k, i)):
            statuses.append("unconfirmed")
    elif who := _trailing_source(doc, sent, i, w):
        if not ({c.code for c in who} <= codes):
            statuses.append("alleged")  # "Israel sent 2,000 troops ..., a UNIFIL official said": another's act, by hearsay
            claimants = who
        # else "held a meeting in Lima ..., according to the (Korean) ministry": a party's own account
    elif _anonymous_source(doc, sent, i, w) or _trailing_according(doc, sent, i, w):
        statuses.append("unconfirmed")  # hearsay with no claimant to name
    elif deployment and inside_quote(doc, sent, i) and (
            who := quoted_speaker(doc, sent, i, w) or (list(sent.previous)[:1] if doc[sent.lo].text in ('"', "“") else [])):
        # '"The deployment of Serbian troops along the border is a threat," Kosovo said', or a
        # quote paragraph of its own after the speaker's: another state's troops in a speaker's
        # words are that speaker's claim
        if not ({c.code for c in who} <= codes):
            statuses.append("alleged")
            claimants = who
    elif nominal:
        prev = [e for e in events[first:] if e.trigger[0] < doc[i].idx]
        if prev and not ({a.code for a in prev[-1].agents} <= codes):
            statuses.append("alleged")
            claimants = prev[-1].agents
    if clauses.cue_before(doc, i, cl_lo, w, "hypothetical", unless="demonstratives"):
        statuses.append("hypothetical")
    # "menampik telah menambah pasukan", "denied sending troops", "reports ... it sent troops,
    # which it denied": what the sentence says is denied is contested, never a fact
    if any(w.at(doc, k, "denial_frames", sent.lo, i) for k in range(max(sent.lo, i - 6), i)) and \
            not any(w.at(doc, k, "negation", sent.lo, i) for k in range(max(sent.lo, i - 8), i)):
        statuses.append("unconfirmed")
    if clauses.cue_before(doc, i, cl_lo, w, "hedge") and not claimants:
        statuses.append("unconfirmed")
    return clauses.weakest(statuses), claimants
