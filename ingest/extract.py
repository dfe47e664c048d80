"""Events from sentences: triggers (data) + roles, time and factuality (rules in ingest.clauses).

Triggers and role rules are data (``data/lexicons/<lang>/triggers.yaml``); this module applies
them, sentence by sentence, to the body of the article (title and caption repeat the body):

1. a trigger counts unless negated ("tidak memanggil", "did not send") or inside an if-clause;
2. agent = the actor before it in its clause (pairs give two agents; a subjectless coordinated
   verb takes the sentence subject; "Kami ..." inside a quote takes the quoted speaker);
3. target by the type's role rule (envoy, destination, object, direct, with);
4. date = the time expression of its clause (never the publication date), place = "di X";
5. status: reported; alleged when embedded in someone else's speech or claim (claimant kept);
   unconfirmed under "cannot confirm"; hypothetical under "akan", "bersiap", "will", "plans to".

Then article-level rules: a speech act whose complement alleges another state's deployment is an
Accusation about it; "said ... cannot confirm" is a Statement; an undated mention takes the date
of the same event mentioned with one; a coordinated demand takes its summons' date and target;
a denial links what it denies; agreements are symmetric (one event per direction).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from rdflib import URIRef
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from dyad.dates import DateValue
from dyad.namespace import DY
from ingest import clauses
from ingest.actors import ActorMention, _nlp, doc_for, sentence_bounds
from ingest.clauses import Words

__all__ = ["EventMention", "extract"]


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


@dataclass(frozen=True)
class _Trigger:
    type: str
    target: str
    objects: tuple[tuple[str, ...], ...]
    window: int
    nominal: bool
    not_after: frozenset[str]
    requires_target: bool
    symmetric: bool


@lru_cache(maxsize=8)
def _matcher(language: str) -> tuple[PhraseMatcher, list[_Trigger]]:
    nlp = _nlp(language)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    entries: list[_Trigger] = []

    def toks(s: str) -> tuple[str, ...]:
        return tuple(t.lower_ for t in nlp.make_doc(s))

    for etype, spec in clauses.triggers(language).items():
        for entry in spec["triggers"]:
            e = entry if isinstance(entry, dict) else {"phrase": entry}
            objects = e.get("object", spec.get("objects", []))
            entries.append(_Trigger(
                etype, spec.get("target", "object"), tuple(toks(o) for o in objects),
                int(spec.get("window", 3)), bool(e.get("nominal")), frozenset(spec.get("not_after", [])),
                bool(spec.get("requires_target")) or etype == "TroopDeployment", bool(spec.get("symmetric"))))
            matcher.add(str(len(entries) - 1), [nlp.make_doc(e["phrase"])])
    return matcher, entries


@dataclass
class _Sent:
    lo: int
    hi: int
    start: int
    end: int
    mentions: list[tuple[int, int, ActorMention]]  # token start, token end, mention
    times: list[tuple[int, int, Any]]


def extract(article: Any, sentences: Sequence[Any], actors: list[ActorMention], times: list[Any]) -> list[EventMention]:
    """Event mentions of the article body, in text order (see the module docstring)."""
    lang = article.language
    doc = doc_for(article.text, lang, sentences)
    w = clauses.words(lang)
    matcher, entries = _matcher(lang)
    starts = [t.idx for t in doc]
    parts = [getattr(s, "part", "body") for s in sentences]
    body_start = getattr(article, "body_start", 0)
    events: list[EventMention] = []
    for (s, e), part in zip(sentence_bounds(sentences), parts):
        if part != "body" or e <= body_start:
            continue
        lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
        if lo >= hi:
            continue
        sent = _Sent(lo, hi, s, e, _tok_spans(actors, starts, s, e), _tok_spans(times, starts, s, e))
        found = sorted((i, j, entries[int(doc.vocab.strings[mid])]) for mid, i, j in matcher(doc[lo:hi]))
        _sentence_events(doc, sent, found, w, events)  # a Span matcher gives doc positions
    _article_rules(events)
    return events


def _tok_spans(items: list[Any], starts: list[int], s: int, e: int) -> list[tuple[int, int, Any]]:
    out = []
    for m in items:
        if s <= m.start < e:
            i = bisect.bisect_right(starts, m.start) - 1
            j = bisect.bisect_left(starts, m.end)
            out.append((i, max(j, i + 1), m))
    return out


def _coded(m: ActorMention) -> bool:
    return m.code is not None


def _sentence_events(doc: Doc, sent: _Sent, found: list[tuple[int, int, _Trigger]], w: Words,
                     events: list[EventMention]) -> None:
    first_in_sentence = len(events)
    used: set[int] = set()
    for i, j, trig in found:
        if i in used:
            continue
        used.update(range(i, j))
        if trig.not_after and j < sent.hi and doc[j].lower_ in trig.not_after:
            continue
        if clauses.negated(doc, i, sent.lo, w) or clauses.in_conditional(doc, i, sent.lo, w):
            continue
        obj_end, troops = j, None
        if trig.objects:
            hit = _object(doc, j, min(sent.hi, j + trig.window + 1), trig.objects)
            if hit is None:
                continue
            obj_end, troops = hit[1], _number(doc, j, hit[0], w)
        ev = _event(doc, sent, i, j, obj_end, trig, troops, w, events, first_in_sentence)
        if ev is not None:
            events.extend(ev)
    _speech_acts(doc, sent, w, events, first_in_sentence)


def _object(doc: Doc, lo: int, hi: int, objects: tuple[tuple[str, ...], ...]) -> tuple[int, int] | None:
    for k in range(lo, hi):
        for o in objects:
            if k + len(o) <= len(doc) and all(doc[k + n].lower_ == o[n] for n in range(len(o))):
                return k, k + len(o)
    return None


def _number(doc: Doc, lo: int, hi: int, w: Words) -> int | None:
    """Troop numbers: "1.500" (id), "1,500" (en), "10 ribu", "1.5 million"."""
    for k in range(lo, hi):
        t = doc[k].text
        if not re.fullmatch(r"\d[\d.,]*", t):
            continue
        scale = 1
        if k + 1 < hi and w.at(doc, k + 1, "thousand"):
            scale = 1000
        elif k + 1 < hi and w.at(doc, k + 1, "million"):
            scale = 1_000_000
        if re.fullmatch(r"\d{1,3}(?:%s\d{3})+" % re.escape(w.group), t):
            value = float(t.replace(w.group, ""))  # "1.500" in Indonesian, "1,500" in English
        else:
            try:
                value = float(t.replace(w.group, "").replace(w.decimal, "."))
            except ValueError:
                continue
        n = int(value * scale)
        return n if n > 0 else None
    return None


def _actor_at(sent: _Sent, i: int) -> tuple[int, int, ActorMention] | None:
    for a in sent.mentions:
        if a[0] <= i < a[1]:
            return a
    return None


def _agents_left(doc: Doc, sent: _Sent, t: int, lo: int, w: Words) -> list[ActorMention]:
    """The nearest coded actor before token t (from lo), with its pair partner; skips appositives."""
    k = t - 1
    while k >= lo and (w.at(doc, k, "adverbs", lo, t) or w.at(doc, k, "hypothetical", lo, t)
                       or doc[k].text in ("(", ")") or _is_time(sent, k)):
        k -= 1
    if k >= lo and doc[k].text == ",":  # "Malaysia, yang juga ..., mengecam": skip the appositive
        k2 = k - 1
        while k2 >= lo and doc[k2].text != ",":
            k2 -= 1
        if k2 >= lo:
            k = k2
    cands = [a for a in sent.mentions if lo <= a[0] and a[1] <= k + 1 and _coded(a[2]) and not _locative(doc, a[0], w)]
    if not cands:
        return []
    best = cands[-1]
    agents = [best[2]]
    # a pair: "Baik Rusia maupun Korea Utara", "Indonesia dan Australia", "both X and Y"
    before = best[0] - 1
    if before >= lo and w.at(doc, before, "pair_joiners", lo):
        prev = [a for a in cands if a[1] == before]
        if prev:
            agents.insert(0, prev[0][2])
    return agents


def _is_time(sent: _Sent, k: int) -> bool:
    return any(a <= k < b for a, b, _ in sent.times)


def _locative(doc: Doc, i: int, w: Words) -> bool:
    return any(w.ending_at(doc, i, name) for name in ("place", "destination")) or (
        i > 0 and doc[i - 1].lower_ in ("dari", "from"))


def _event(doc: Doc, sent: _Sent, i: int, j: int, obj_end: int, trig: _Trigger, troops: int | None, w: Words,
           events: list[EventMention], first: int) -> list[EventMention] | None:
    cl_lo = clauses.clause_start(doc, sent.lo, i, w, commas=False)
    cl_hi = clauses.clause_end(doc, i, sent.hi, w, commas=False)
    coordinated = False
    if trig.nominal:
        after = [a for a in sent.mentions if j <= a[0] < min(cl_hi, obj_end + 3) and _coded(a[2])]
        agents = [after[0][2]] if after else []
    else:
        agents = [] if _after_coordinator(doc, sent, i, w) else _agents_left(doc, sent, i, cl_lo, w)
        if agents and agents[0].text.lower() in {" ".join(p) for p in w.sets.get("first_person", ())}:
            agents = []
        if not agents and (cl_lo == sent.lo or doc[cl_lo - 1].text != '"') and not w.ending_at(doc, cl_lo, "complementizers"):
            # a verb without its own subject ("... memanggil X dan mendesak ..."): the sentence subject
            head = _first_verb(doc, sent, w)
            if head is not None and head < i:
                agents = _agents_left(doc, sent, head, sent.lo, w)
                coordinated = bool(agents)
            elif cl_lo > sent.lo:  # "Rutte, setelah panggilan telepon ...": the subject before the clause
                agents = _agents_left(doc, sent, i, sent.lo, w)
        if not agents:
            agents = _quoted_speaker(doc, sent, i, w)
    if not agents:
        return None
    targets = _targets(doc, sent, i, j, obj_end, cl_hi, trig, agents, w)
    if targets is None:
        return None
    codes = {a.code for a in agents}
    targets = [t for t in targets if t.code not in codes]
    if trig.requires_target and not targets:
        return None
    date = _date(doc, sent, i, w)
    if date is None and coordinated:
        head = _first_verb(doc, sent, w)
        date = _date(doc, sent, head, w) if head is not None else None
    status, claimants = _status(doc, sent, i, cl_lo, agents, w, events, first, trig.nominal)
    place = _place(doc, j, cl_hi, w) if trig.type in ("Summons", "Consultation", "Agreement") else None
    topic = None
    claim_ref = False
    if trig.type == "Denial":
        claim_ref = bool(_object(doc, j, min(sent.hi, j + 3), tuple(w.sets.get("claim_nouns", ()))))
        topic = doc[j:clauses.clause_end(doc, j, sent.hi, w, commas=True)].text.strip() or None
    ev = EventMention(getattr(DY, trig.type), agents, targets, [], topic, date, status, claimants, troops, place,
                      (sent.start, sent.end), (doc[i].idx, doc[j - 1].idx + len(doc[j - 1])), coordinated, claim_ref)
    if trig.symmetric or (trig.type == "Consultation" and len(agents) > 1 and not targets):
        return _directions(ev)
    return [ev]


def _after_coordinator(doc: Doc, sent: _Sent, i: int, w: Words) -> bool:
    """The trigger follows "dan"/"and" (adverbs and times may intervene): a coordinated verb."""
    k = i - 1
    while k >= sent.lo and (w.at(doc, k, "adverbs", sent.lo, i) or _is_time(sent, k)):
        k -= 1
    return k >= sent.lo and bool(w.ending_at(doc, k + 1, "coordinators", sent.lo))


def _first_verb(doc: Doc, sent: _Sent, w: Words) -> int | None:
    """The sentence's main verb: its first trigger or speech verb."""
    matcher, _ = _matcher(doc.lang_) if doc.lang_ in ("id", "en") else (None, None)
    firsts = [i for _, i, _ in matcher(doc[sent.lo:sent.hi])] if matcher is not None else []
    firsts += [k for k in range(sent.lo, sent.hi) if w.at(doc, k, "speech", sent.lo, sent.hi)]
    return min(firsts) if firsts else None


def _directions(ev: EventMention) -> list[EventMention]:
    """Agreements and joint meetings: one event per direction between the parties."""
    parties: list[ActorMention] = []
    for a in ev.agents + ev.targets:
        if a.code not in {p.code for p in parties}:
            parties.append(a)
    if len(parties) < 2:
        return [ev]
    out = []
    for a in parties:
        for b in parties:
            if a.code != b.code:
                out.append(EventMention(ev.type, [a], [b], [], ev.topic, ev.date, ev.status, ev.claimants, ev.troops,
                                        ev.place, ev.sentence, ev.trigger, ev.coordinated))
    return out


def _quoted_speaker(doc: Doc, sent: _Sent, i: int, w: Words) -> list[ActorMention]:
    """'"Kami mengutuk ...," kata kementerian' / '"We condemn ...," the ministry said'."""
    for k in range(i, sent.hi):
        n = w.at(doc, k, "attribution", sent.lo, sent.hi)
        if n and k > sent.lo and doc[k - 1].text in (",", '"', "”", "'"):
            after = [a[2] for a in sent.mentions if k + n <= a[0] < k + n + 3 and _coded(a[2])]
            before = [a[2] for a in sent.mentions if a[1] <= k and a[0] > i and _coded(a[2]) and doc[a[0] - 1].text in ('"', "”", ",")]
            return after[:1] or before[-1:]
    return []


def _targets(doc: Doc, sent: _Sent, i: int, j: int, obj_end: int, cl_hi: int, trig: _Trigger,
             agents: list[ActorMention], w: Words) -> list[ActorMention] | None:
    after = [a for a in sent.mentions if j <= a[0] < cl_hi and _coded(a[2])]
    rule = trig.target
    if rule == "envoy":
        first = next((a for a in after if not _locative(doc, a[0], w)), None)
        if first is None or not first[2].envoy:
            return None  # a summons calls in an envoy; anything else (a court, one's own) is not one
        return [first[2]]
    if rule == "destination":
        for a in after:
            if a[0] >= obj_end - 1 and w.ending_at(doc, a[0], "destination", j):
                return [a[2]]
            k = a[0]
            while k > j and not w.ending_at(doc, k, "destination"):
                k -= 1
            if k > j and k >= obj_end and w.ending_at(doc, k, "destination") and all(
                    doc[x].text not in (",",) for x in range(k, a[0])):
                return [a[2]]
        for a in after:
            if w.ending_at(doc, a[0], "beneficiary", j):
                return [a[2]]
        return []
    if trig.type == "Denial":  # the claimant of what is denied: "menolak pernyataan Korea Selatan"
        for a in after:
            if a[0] - j <= 4 and w.ending_at(doc, a[0], "claim_nouns", j):
                return [a[2]]
            if a[1] < len(doc) and doc[a[1]].lower_ in ("'s", "’s") and w.at(doc, a[1] + 1, "claim_nouns"):
                return [a[2]]
        return []
    if rule == "with":
        for a in after:
            if w.ending_at(doc, a[0], "with", j) or (a[0] > 0 and w.ending_at(doc, a[0] - 1, "with", j)):
                return [a[2]]
        near = [a for a in after if a[0] - j <= 2 and not _locative(doc, a[0], w)]
        return [near[0][2]] if near else []
    cands = [a for a in after if not _locative(doc, a[0], w)]
    if rule == "direct":
        cands = [a for a in cands if a[0] - j <= 2]
    return [cands[0][2]] if cands else []


def _date(doc: Doc, sent: _Sent, i: int, w: Words) -> DateValue | None:
    """The time in the trigger's clause, nearest after it, else before; none means undated."""
    lo = clauses.clause_start(doc, sent.lo, i, w, commas=True)
    hi = clauses.clause_end(doc, i, sent.hi, w, commas=True)
    inside = [(a, m) for a, b, m in sent.times if lo <= a < hi and m.value is not None]
    after = [x for x in inside if x[0] > i]
    before = [x for x in inside if x[0] < i]
    if after:
        return min(after, key=lambda x: x[0])[1].value
    if before:
        return max(before, key=lambda x: x[0])[1].value
    return None


def _place(doc: Doc, j: int, hi: int, w: Words) -> str | None:
    for k in range(j, hi):
        n = w.at(doc, k, "place", j, hi)
        if n and k + n < hi and doc[k + n].text[:1].isupper():
            e = k + n
            while e < hi and e - (k + n) < 3 and doc[e].text[:1].isupper() and doc[e].is_alpha:
                e += 1
            if e > k + n:
                return doc[k + n:e].text
    return None


def _frame(doc: Doc, sent: _Sent, i: int, w: Words) -> tuple[int, list[ActorMention]] | None:
    """The speech act, claim noun or "menurut X" the trigger is embedded in, and its claimant."""
    for k in range(i - 1, sent.lo - 1, -1):
        if w.at(doc, k, "according_to", sent.lo, i):
            n = w.at(doc, k, "according_to", sent.lo, i)
            after = [a[2] for a in sent.mentions if k + n <= a[0] < k + n + 6 and _coded(a[2])]
            return (k, after[:1]) if after else None
        if w.at(doc, k, "complementizers", sent.lo, i):
            if w.ending_at(doc, k, "claim_nouns", sent.lo):
                return k, []
            near = [a for a in sent.mentions if a[1] <= k and _coded(a[2])]
            if near and w.ending_at(doc, near[-1][0], "claim_nouns", sent.lo):
                return k, [near[-1][2]]
        if w.at(doc, k, "speech", sent.lo, i) and not w.at(doc, k, "attribution", sent.lo, i) or (
                w.at(doc, k, "speech", sent.lo, i) and k > sent.lo and doc[k - 1].text not in (",", '"', "”")):
            return k, _agents_left(doc, sent, k, clauses.clause_start(doc, sent.lo, k, w, commas=False), w)
    return None


def _status(doc: Doc, sent: _Sent, i: int, cl_lo: int, agents: list[ActorMention], w: Words,
            events: list[EventMention], first: int, nominal: bool) -> tuple[str, list[ActorMention]]:
    statuses = ["reported"]
    claimants: list[ActorMention] = []
    frame = _frame(doc, sent, i, w)
    codes = {a.code for a in agents}
    if frame is not None:
        k, who = frame
        if not who:  # "pernyataan bahwa ..." without a named claimant: the frame's own agent
            prev = [e for e in events[first:] if e.trigger[0] < doc[k].idx]
            who = prev[-1].agents if prev else []
        if who and not ({c.code for c in who} <= codes):
            statuses.append("alleged")
            claimants = who
        if any(w.at(doc, x, "unconfirmed", k, i) for x in range(k, i)):
            statuses.append("unconfirmed")
    elif nominal:
        prev = [e for e in events[first:] if e.trigger[0] < doc[i].idx]
        if prev and not ({a.code for a in prev[-1].agents} <= codes):
            statuses.append("alleged")
            claimants = prev[-1].agents
    if clauses.cue_before(doc, i, cl_lo, w, "hypothetical"):
        statuses.append("hypothetical")
    if clauses.cue_before(doc, i, cl_lo, w, "hedge") and not claimants:
        statuses.append("unconfirmed")
    return clauses.weakest(statuses), claimants


def _speech_acts(doc: Doc, sent: _Sent, w: Words, events: list[EventMention], first: int) -> None:
    """Speech verbs that are events: alleging another's deployment (Accusation), "cannot confirm"
    or concern (Statement)."""
    for k in range(sent.lo, sent.hi):
        if not w.at(doc, k, "speech", sent.lo, sent.hi) or w.at(doc, k, "attribution", sent.lo, sent.hi) and \
                k > sent.lo and doc[k - 1].text in (",", '"', "”"):
            continue
        if clauses.negated(doc, k, sent.lo, w):
            continue
        speaker = _agents_left(doc, sent, k, clauses.clause_start(doc, sent.lo, k, w, commas=False), w)
        if not speaker:
            continue
        nxt = next((x for x in range(k + 1, sent.hi) if w.at(doc, x, "speech", sent.lo, sent.hi)), sent.hi)
        scope = (doc[k].idx, doc[nxt - 1].idx + len(doc[nxt - 1]))
        date = _date(doc, sent, k, w)
        trig = (doc[k].idx, doc[k].idx + len(doc[k]))
        codes = {s.code for s in speaker}
        alleged = [n for n, e in enumerate(events) if n >= first and scope[0] < e.trigger[0] < scope[1]
                   and e.type == DY.TroopDeployment and e.status == "alleged" and not ({a.code for a in e.agents} & codes)]
        if alleged:
            e = events[alleged[0]]
            events.append(EventMention(DY.Accusation, speaker, list(e.agents), [alleged[0]], None, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig))
        elif any(w.at(doc, x, "unconfirmed", k, nxt) or w.at(doc, x, "concern", k, nxt) for x in range(k + 1, nxt)):
            events.append(EventMention(DY.Statement, speaker, [], [], None, date, "reported", [], None, None,
                                       (sent.start, sent.end), trig))


def _same(a: EventMention, b: EventMention) -> bool:
    return (a.type == b.type and {x.code for x in a.agents} == {x.code for x in b.agents}
            and {x.code for x in a.targets} == {x.code for x in b.targets})


def _article_rules(events: list[EventMention]) -> None:
    # an undated mention of an event dated elsewhere in the article takes that date
    for e in events:
        if e.date is None:
            dated = [o for o in events if o.date is not None and _same(o, e)]
            if dated:
                e.date = dated[0].date
    for n, e in enumerate(events):
        prev = [o for o in events[:n] if o.sentence == e.sentence and o.trigger[0] < e.trigger[0]]
        if e.coordinated and prev:
            head = prev[0]
            if e.date is None:
                e.date = head.date
            if e.type == DY.Demand and head.type == DY.Summons and head.targets:
                e.targets = list(head.targets)  # demands made to the summoned envoy
        # what an event is about: the deployment protested or denied in the same sentence
        if e.type in (DY.Summons, DY.Denial) and not e.about:
            inside = [m for m, o in enumerate(events) if o.sentence == e.sentence and o.type == DY.TroopDeployment
                      and o.trigger[0] > e.trigger[0]]
            if inside:
                e.about = inside[:1]
                e.topic = None
    # a denial of "the accusation": the accusation against the denier
    for e in events:
        if e.type == DY.Denial and not e.about and e.claim_ref:
            codes = {a.code for a in e.agents}
            acc = [m for m, o in enumerate(events) if o.type == DY.Accusation and {t.code for t in o.targets} & codes]
            if acc:
                e.about = acc[:1]
                if not e.targets:
                    e.targets = list(events[acc[0]].agents)
