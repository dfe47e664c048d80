"""Events from sentences: triggers (data) applied sentence by sentence to the headline and body.

Triggers and role rules are data (``data/lexicons/<lang>/triggers.yaml``); a photo caption
repeats the body and is skipped, a headline can be the only place an event is told (its
mentions merge with the body's in ``ingest.mapping``). For each trigger:

1. it counts unless negated ("tidak memanggil", "did not send") or inside an if-clause;
2. agent and target: ``ingest.roles`` (clause subject, pairs, group references, participles,
   coordinated verbs, the type's target rule);
3. date = the time expression of its clause (never the publication date; ``ingest.dating``),
   place = "di X";
4. status and claimants: ``ingest.factuality``;
5. a definite object with no actor ("condemned the claim") is resolved by ``ingest.discourse``.

Then speech acts that are events (``ingest.speech``: alleging another state's deployment is an
Accusation; "said ... cannot confirm" or concern is a Statement) and the article-level rules
of ``ingest.discourse``. Agreements and joint meetings are symmetric (one event per direction).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Sequence

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from dyad.namespace import DY
from ingest import clauses, dating, discourse, factuality, inversion, roles, speech
from ingest.actors import ActorMention, _nlp, acts_for_state, doc_for, names_state, sentence_bounds, state_named
from ingest.clauses import Words
from ingest.mention import EventMention
from ingest.roles import Sent, coded

__all__ = ["EventMention", "extract"]


_AIMED = frozenset({DY.Condemnation, DY.Accusation, DY.Demand})


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
    pair: bool  # counts only with two parties ("X and Y discussed", "kedua menteri membahas")
    passive: bool = False  # "was summoned by", "dipanggil oleh": the envoy before, the summoner after
    before: bool = False  # the object may precede ("1,500 soldiers arrived in", "pasukan ... tiba di")
    addressee: bool = False  # a weak verb ("asked", "meminta"): an event only with an actor addressed
    adjacent: bool = False  # a bare event noun ("pertemuan"): its parties follow at once, else no event


@lru_cache(maxsize=8)
def _matcher(language: str) -> tuple[PhraseMatcher, list[_Trigger], dict[str, str]]:
    """The trigger matcher, its entries, and the event nouns ("deployment" -> TroopDeployment)."""
    nlp = _nlp(language)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    entries: list[_Trigger] = []
    nouns: dict[str, str] = {}

    def toks(s: str) -> tuple[str, ...]:
        return tuple(t.lower_ for t in nlp.make_doc(s))

    for etype, spec in clauses.triggers(language).items():
        for noun in spec.get("nouns", ()):
            nouns[str(noun).lower()] = etype
        for entry in spec["triggers"]:
            e = entry if isinstance(entry, dict) else {"phrase": entry}
            objects = e.get("object", spec.get("objects", []))
            entries.append(_Trigger(
                etype, spec.get("target", "object"), tuple(toks(o) for o in objects),
                int(spec.get("window", 3)), bool(e.get("nominal")),
                frozenset(spec.get("not_after", [])) | frozenset(e.get("not_after", [])),
                bool(spec.get("requires_target")) or etype == "TroopDeployment", bool(spec.get("symmetric")),
                bool(e.get("pair")), bool(e.get("passive")), bool(e.get("before")), bool(e.get("addressee")),
                bool(e.get("adjacent"))))
            matcher.add(str(len(entries) - 1), [nlp.make_doc(e["phrase"])])
    return matcher, entries, nouns


def extract(article: Any, sentences: Sequence[Any], actors: list[ActorMention], times: list[Any]) -> list[EventMention]:
    """Event mentions of the article body, in text order (see the module docstring)."""
    lang = article.language
    doc = doc_for(article.text, lang, sentences)
    w = clauses.words(lang)
    matcher, entries, nouns = _matcher(lang)
    starts = doc.user_data.get("dyad_starts")
    if starts is None:  # iterating a Doc builds Token objects: once per text, not per call
        starts = doc.user_data["dyad_starts"] = [t.idx for t in doc]
    parts = [getattr(s, "part", "body") for s in sentences]
    body_start = getattr(article, "body_start", 0)
    events: list[EventMention] = []
    pair: list[ActorMention] = []
    arrivals: list[ActorMention] = []
    previous: list[ActorMention] = []
    all_mentions = _tok_spans(actors, starts, 0, len(article.text))
    doc.user_data["dyad_named"] = frozenset(k for i, j, _ in all_mentions for k in range(i, j))
    scenes: list[discourse.SentenceInfo] = []
    spans: list[tuple[int, int]] = []
    breaks = [m.start() for m in re.finditer(r"\n", article.text)]
    for (s, e), part in zip(sentence_bounds(sentences), parts):
        if part == "caption" or (part == "body" and e <= body_start):
            continue  # a headline can be the only place an event is told; a photo caption repeats
        lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
        if lo >= hi:
            continue
        mentions = _tok_spans(actors, starts, s, e)
        sent = Sent(lo, hi, s, e, mentions, _tok_spans(times, starts, s, e),
                    roles.np_coordinators(doc, mentions, w, headline=part == "title"), pair,
                    _tok_spans(doc.user_data.get("dyad_places", []), starts, s, e), previous=previous,
                    prev_span=spans[-1] if spans else None, prev2_span=spans[-2] if len(spans) > 1 else None,
                    all_mentions=all_mentions, arrivals=arrivals)
        spans.append((s, e))
        # at one start the longest phrase wins ("called on" over "called", "was summoned" over "summoned")
        found = [(i, j, entries[int(doc.vocab.strings[mid])]) for mid, i, j in matcher(doc[lo:hi])]
        found.sort(key=lambda f: (f[0], -f[1]))
        sent.verbs = frozenset(f[0] for f in found)
        first = len(events)
        _sentence_events(doc, sent, found, w, events, matcher)
        speech.speech_acts(doc, sent, w, events, first)
        speech.quoted_acts(doc, sent, w, events, first)
        _frame_meeting(doc, sent, w, events, first)
        for ev in events[first:]:
            if ev.type in (DY.Condemnation, DY.Accusation) and not ev.targets:
                _resolve_object(doc, sent, ev, all_mentions, events[:first], nouns, w)
            elif ev.type == DY.Demand and not ev.targets and not ev.open_call:
                ev.targets = _doer_in_object(doc, sent, ev, w)
        pair = _last_pair(doc, sent, events[first:], w) or pair
        acting = [ev for ev in events[first:] if ev.status == "reported"]
        opener = [m[2] for m in mentions if m[0] - lo <= 2 and m[2].code is not None][:1]
        previous = list(acting[0].agents) if acting else opener or previous
        # the headline (paragraph -1) belongs to the lead; body paragraphs are its lines
        scenes.append(discourse.sentence_info(doc, sent, w, -1 if part == "title" else bisect.bisect_right(breaks, s)))
    discourse.article_rules(events, scenes, getattr(article, "published_date", None))
    # a condemnation, accusation or demand aimed at no one named is no event between two actors
    # ("mengecam keputusan itu" with nothing to resolve "itu" to); in real news such rows are noise.
    # A call on "the international community" or "all parties" is the one kept: it is aimed
    kept = [n for n, e in enumerate(events) if e.targets or e.type not in _AIMED or e.open_call]
    renumber = {old: new for new, old in enumerate(kept)}
    for n in kept:  # `about` holds indexes into this list
        events[n].about = [renumber[a] for a in events[n].about if a in renumber]
    return [events[n] for n in kept]


def _tok_spans(items: list[Any], starts: list[int], s: int, e: int) -> list[tuple[int, int, Any]]:
    out = []
    for m in items:
        if s <= m.start < e:
            i = bisect.bisect_right(starts, m.start) - 1
            j = bisect.bisect_left(starts, m.end)
            out.append((i, max(j, i + 1), m))
    return out


def _last_pair(doc: Doc, sent: Sent, new: list[EventMention], w: Words) -> list[ActorMention]:
    """The last two states named together ("Indonesia dan Prancis"): what "kedua negara" means next."""
    for ev in reversed(new):
        parties = {p.code: p for p in ev.agents + ev.targets if p.kind == "state"}
        if len(parties) == 2 and (len(ev.agents) == 2 or ev.type == DY.Agreement):
            return list(parties.values())
    def linked(a: tuple, b: tuple) -> bool:
        return b[0] > a[1] and all(k in sent.np_and for k in range(a[1], b[0]))

    joined = [a for a in sent.mentions if a[1] in sent.np_and and a[2].kind == "state"]
    for a in reversed(joined):
        b = next((x for x in sent.mentions if linked(a, x)), None)
        # a list of three or more ("ROK-China-Japan free trade agreements") names no pair
        longer = any(linked(x, a) for x in sent.mentions) or (b is not None and any(linked(b, x) for x in sent.mentions))
        if b is not None and b[2].kind == "state" and b[2].code != a[2].code and not longer:
            return [a[2], b[2]]
    if not sent.pair:  # no two states named together yet: the story's dyad, who acted on whom
        for ev in reversed(new):
            if len(ev.agents) == 1 and len(ev.targets) == 1 and ev.agents[0].code != ev.targets[0].code and \
                    ev.agents[0].code and len(ev.agents[0].code) == 3 and ev.targets[0].code and len(ev.targets[0].code) == 3:
                return [ev.agents[0], ev.targets[0]]
    return []


def _sentence_events(doc: Doc, sent: Sent, found: list[tuple[int, int, _Trigger]], w: Words,
                     events: list[EventMention], matcher: PhraseMatcher) -> None:
    first_in_sentence = len(events)
    used: set[int] = set()
    taken: tuple[int, int] | None = None
    for i, j, trig in found:
        # a phrase two types share ("handed" a protest note / "handed" a message) is tried as each
        if i in used and (i, j) != taken:
            continue
        used.update(range(i, j))
        taken = (i, j)
        if trig.not_after and j < sent.hi and doc[j].lower_ in trig.not_after:
            continue
        if clauses.negated(doc, i, sent.lo, w) or clauses.in_conditional(doc, i, sent.lo, w) \
                or trig.nominal and clauses.cancelled(doc, j, sent.hi, w):
            if trig.type == "TroopDeployment" and clauses.negated(doc, i, sent.lo, w) and \
                    (denial := _denied_own_move(doc, sent, i, j, trig, w)) is not None:
                events.append(denial)
            continue
        obj_end, troops, owners = j, None, None
        rel = inversion.relative_denial(doc, sent, i, w, events[first_in_sentence:]) if trig.type == "Denial" else None
        if rel is not None:  # "an accusation Belgrade dismissed as a fabrication": whatever follows the verb
            claim = doc[clauses.clause_start(doc, sent.lo, i, w, commas=True):i].text.strip(" ,.") or None
            # its own time, told after the verb ("charges Belgrade denied on Monday"), not the accusation's
            own = dating.event_date(doc, sent, i, w, i)
            events.append(EventMention(DY.Denial, *rel, [], claim, own, "reported", [], None, None, (sent.start, sent.end),
                                       (doc[i].idx, doc[j - 1].idx + len(doc[j - 1])), claim_ref=True))
            continue
        if trig.objects:
            hit = _object(doc, j, _reach(doc, j, trig.window + 1, sent.hi), trig.objects)
            back = None
            if trig.before and (hit is not None or not w.ending_at(doc, i, "purpose", sent.lo)):
                # "1,500 Russian soldiers arrived in Belarus", "KRI ... berlayar dengan ratusan
                # personel": owned troops before a verb of going are what went (those it takes
                # along are no object); not a purpose ("untuk ditempatkan di")
                cl_lo = clauses.clause_start(doc, sent.lo, i, w, commas=False, skip=sent.np_and)
                back = inversion.troops_before(doc, sent, i, cl_lo, trig.objects, trig.window, w)
            if back is not None:
                troops, owners = _number(doc, max(cl_lo, back[0] - 4), back[0], w), back[2]
            elif hit is None and trig.passive:  # "The agreement was signed by ...": the noun before the verb
                cl_lo = clauses.clause_start(doc, sent.lo, i, w, commas=False, skip=sent.np_and)
                if _object(doc, max(cl_lo, i - trig.window - 2), i, trig.objects) is None:
                    continue
            elif hit is None and trig.before and not w.ending_at(doc, i, "purpose", sent.lo):
                cl_hi = clauses.clause_end(doc, i, sent.hi, w, commas=True, skip=sent.np_and)
                went = inversion.unowned_arrival(doc, sent, i, j, cl_lo, cl_hi, trig.objects, trig.window, w)
                if went is not None and not clauses.negated(doc, i, cl_lo, w):
                    sent.arrivals.append(went)
                if went is not None or trig.type != "TroopDeployment":
                    continue
                sender = _last_sender(events, sent)
                at = inversion.unowned_troops(doc, i, cl_lo, trig.objects, trig.window)
                if not sender or at is None or not any(w.at(doc, k, "carry_on", cl_lo, i) for k in range(cl_lo, i)) \
                        or any(coded(a[2]) for a in sent.mentions if cl_lo <= a[0] < cl_hi) \
                        or factuality.frame(doc, sent, i, w) is not None:
                    continue
                # "The United States sent additional warships to the Middle East ... Another
                # fighter squadron has also been deployed": troops no one is named owning, told
                # right after a state's deployment as more of the same, are that state's (not when
                # a state is named with them, or someone says so)
                troops, owners = _number(doc, max(cl_lo, at - 4), at, w), sender
            elif hit is None:
                continue
            else:
                obj_end = hit[1]
                troops = _number(doc, j, hit[0], w) if trig.type == "TroopDeployment" else None  # not "12 dokumen"
        ev = _event(doc, sent, i, j, obj_end, trig, troops, w, events, first_in_sentence, matcher, owners)
        if ev is not None:
            events.extend(ev)
    _talks_before_agreement(doc, sent, w, events, first_in_sentence)


def _talks_before_agreement(doc: Doc, sent: Sent, w: Words, events: list[EventMention], first: int) -> None:
    """"signed the agreements after four days of talks", "setelah perundingan selama tiga hari":
    talks told as what led to the sentence's agreement were held by its parties."""
    agreed = [e for e in events[first:] if e.type == DY.Agreement and e.targets]
    if not agreed or any(e.type == DY.Consultation for e in events[first:]):
        return
    for k in range(sent.lo, sent.hi):
        if w.at(doc, k, "talk_nouns", k, k + 1) and roles.participial(doc, sent, k, w):
            trig = (doc[k].idx, doc[k].idx + len(doc[k]))
            events.extend(replace(e, type=DY.Consultation, trigger=trig, about=[]) for e in agreed)
            return


def _last_sender(events: list[EventMention], sent: Sent) -> list[ActorMention]:
    """Who sent troops in the last event told, when it is a reported deployment of this sentence or
    the one before."""
    if not events or events[-1].type != DY.TroopDeployment or events[-1].status != "reported":
        return []
    return list(events[-1].agents) if events[-1].sentence in ((sent.start, sent.end), sent.prev_span) else []


def _reach(doc: Doc, j: int, words: int, hi: int) -> int:
    """The end of ``words`` words from token j: quotes and hyphens are no words ('sent a
    “large-scale” troop deployment' is four words to the troops, not seven tokens)."""
    k = j
    while k < hi and words > 0:
        if doc[k].text not in ('"', "“", "”", "-", "‘", "’"):
            words -= 1
        k += 1
    return k


def _object(doc: Doc, lo: int, hi: int, objects: tuple[tuple[str, ...], ...]) -> tuple[int, int] | None:
    opened = 0
    for k in range(lo, hi):
        if doc[k].text in '"“' and not opened:
            opened = 1  # an opening quote inside the phrase: as “baseless”, an "emphatic protest"
            continue
        if doc[k].text in '"”' and opened == 1:
            opened = 2  # and its closing quote: a “large-scale” troop deployment
            continue
        if doc[k].text in (",", ";", ":", '"', "“", "”", "("):
            return None  # the object noun phrase ends there
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


def _mutual(doc: Doc, i: int, trig: _Trigger, sent: Sent, events: list[EventMention]) -> bool:
    """Talks or an accord told right after the story's last pair of states acted together (in this
    sentence or the one before, no one else named since): a "they" (roles.pronoun_subject) is that
    pair, not whoever else "they" might be (troops, protesters, one side's officials)."""
    if not (trig.symmetric or trig.type == "Consultation") or not events or len(sent.pair) < 2:
        return False
    last = events[-1]
    pair = {a.code for a in sent.pair}
    if last.type not in (DY.Consultation, DY.Agreement) or {a.code for a in [*last.agents, *last.targets]} != pair \
            or last.sentence not in ((sent.start, sent.end), sent.prev_span):
        return False
    since = range(last.trigger[1], doc[i].idx)
    return not any(doc[a[0]].idx in since and a[2].code not in pair for a in sent.all_mentions)


def _subject_agents(doc: Doc, sent: Sent, i: int, w: Words, matcher: PhraseMatcher,
                    mutual: bool = False) -> list[ActorMention]:
    """The sentence subject, for a verb without its own: the agent of the sentence's first verb
    (a pronoun's too: "They discussed ... and agreed to"), or, after "but"/"tetapi", the subject of
    that clause ("..., but China insisted ... and ordered")."""
    turn = [k for k in range(sent.lo, i) if w.at(doc, k, "contrast", sent.lo, i)]
    if turn:
        k = turn[-1] + w.at(doc, turn[-1], "contrast", sent.lo, i)
        subject = [a for a in sent.mentions if k <= a[0] <= k + 2 and coded(a[2])]
        if subject:
            return [subject[0][2]]
    head = _first_verb(doc, sent, w, matcher)
    if head is not None and head < i:
        return roles.agents_left(doc, sent, head, sent.lo, w) or roles.pronoun_subject(doc, sent, head, w, mutual=mutual)
    return []


def _in_demand_complement(doc: Doc, sent: Sent, cl_lo: int, w: Words) -> bool:
    """The clause is the content of a demand ("demanded that X hold ... and summoned"): a past-tense
    verb coordinated there belongs to the main clause."""
    k = cl_lo - w.ending_at(doc, cl_lo, "complementizers", sent.lo) - 1
    while k >= sent.lo and roles.is_time(sent, k):
        k -= 1
    return k >= sent.lo and bool(w.at(doc, k, "demand_verbs", sent.lo, cl_lo))


def _event(doc: Doc, sent: Sent, i: int, j: int, obj_end: int, trig: _Trigger, troops: int | None, w: Words,
           events: list[EventMention], first: int, matcher: PhraseMatcher,
           owners: list[ActorMention] | None = None) -> list[EventMention] | None:
    cl_lo = clauses.clause_start(doc, sent.lo, i, w, commas=False, skip=sent.np_and)
    # from the trigger's last token: a trigger may end in a complementizer ("desakan agar", "demand that")
    cl_hi = clauses.clause_end(doc, j - 1, sent.hi, w, commas=False, skip=sent.np_and)
    if obj_end > j:  # a quoted object ("lodged an \"emphatic protest\" against ...") does not end the clause
        cl_hi = max(cl_hi, clauses.clause_end(doc, obj_end if obj_end < sent.hi and doc[obj_end].text in '"”' else obj_end - 1,
                                              sent.hi, w, commas=False, skip=sent.np_and))
    if j < sent.hi and cl_hi == j and doc[j].text in ('"', "“"):
        # 'mengutuk "dalam istilah yang paling keras" tindakan ...', 'condemned "in the strongest
        # terms" the ...': a short quoted phrase right after the verb is its adverbial
        close = next((k for k in range(j + 1, min(sent.hi, j + 9)) if doc[k].text in ('"', "”")), None)
        if close is not None and close + 1 < sent.hi and doc[close + 1].text not in (",", ".", ";", ":"):
            cl_hi = clauses.clause_end(doc, close, sent.hi, w, commas=False, skip=sent.np_and)
    coordinated = False
    passive = None
    visit_end = None
    extra: EventMention | None = None  # an event this one tells of besides itself (the accusation denied)
    if trig.passive and trig.type == "Agreement":
        agents = inversion.passive_parties(doc, sent, j, cl_hi, w)
        if not agents and len(sent.pair) == 2 and not any(w.at(doc, k, "passive_by", j, cl_hi) for k in range(j, cl_hi)):
            agents = list(sent.pair)  # "The agreements were inked in Islamabad": by the story's two states
        if len(agents) < 2:
            return None
        passive = (agents[:1], agents[1:])
    elif trig.passive and trig.type == "Denial":
        # "..., sebuah tuduhan yang dibantah oleh Qatar", "a claim denied by Kigali": the denier
        # after by/oleh answers the accusers told before it in the sentence
        agents = inversion.passive_parties(doc, sent, j, cl_hi, w)
        if not agents:
            return None
        codes = {a.code for a in agents}
        accusers = [e.agents for e in events[first:] if e.type == DY.Accusation and not codes & {a.code for a in e.agents}]
        k = i - w.ending_at(doc, i, "relativizers", sent.lo)
        if not accusers and w.ending_at(doc, k, "claim_nouns", sent.lo):
            # "A, B dan C memutuskan hubungan dengan Qatar karena ..., sebuah tuduhan yang dibantah oleh
            # Qatar": what the sentence's subjects said of the denier is the accusation denied
            subjects = [a for a in roles.opening_subjects(doc, sent, w) if a.code not in codes]
            if subjects:
                accusers = [subjects]
                extra = EventMention(DY.Accusation, subjects, list(agents), [], None, None, "reported", [], None, None,
                                     (sent.start, sent.end), (doc[k - 1].idx, doc[k - 1].idx + len(doc[k - 1])))
        passive = (agents, list(accusers[-1]) if accusers else [])
    elif trig.passive:
        passive = inversion.passive_summons(doc, sent, i, j, cl_lo, cl_hi, w)
        if passive is None:
            # "the Myanmar ambassador was summoned to the State Guest House today": no summoner
            # named; it is whoever summoned that envoy's state before in the story
            envoy = [a[2] for a in sent.mentions if cl_lo <= a[0] and a[1] <= i and coded(a[2]) and a[2].envoy][-1:]
            told = [e for e in events if e.type == DY.Summons and envoy and envoy[0].code in {t.code for t in e.targets}]
            # "The Russian ambassador did not attend the foreign ministry in Warsaw despite being
            # summoned": else the ministry the envoy is told called to, between him and the verb
            organ = [a[2] for a in sent.mentions if envoy and envoy[0].end <= a[2].start and a[1] <= i and coded(a[2])
                     and a[2].kind == "organization" and not a[2].envoy and a[2].code != envoy[0].code][-1:]
            if told:
                passive = (list(told[-1].agents), envoy)
            elif organ:
                passive = (organ, envoy)
            elif (called := [e for e in events if e.type == DY.Summons and e.status == "reported"]) \
                    and (listed := _envoys_named_after(doc, sent, j, w)):
                # "Dubes yang dipanggil adalah Dubes Cina, Prancis, ...", "was summoned along with
                # British and Dutch counterparts": the envoys of the summons told before, named now
                # (with the one named before the verb, if any: "The French envoy was summoned along with ...")
                passive = (list(called[-1].agents), envoy + [a for a in listed if a.code not in {e.code for e in envoy}])
            else:
                return None
        agents = passive[0]
    elif owners:
        agents = owners
    elif trig.nominal and trig.type == "Summons":
        # "the summoning of the ambassador on Friday", "Pemanggilan Dubes Swedia itu dilakukan pada
        # Rabu": the summons told before, by whoever made it; what this mention adds is its time
        envoy = roles.targets(doc, sent, trig.type, trig.target, j, obj_end, cl_hi, w)
        codes = {t.code for t in envoy or ()}
        # an envoy named without a state ("the summoning of the ambassador"): the last summons told
        told = [e for e in events if e.type == DY.Summons and (codes & {t.code for t in e.targets} or not envoy)]
        # else who did it, if named before it: "Kemlu melakukan pemanggilan terhadap Dubes ..."
        agents = list(told[-1].agents) if told else roles.agents_left(doc, sent, i, cl_lo, w)
        if agents and (envoy or told):
            passive = (agents, list(envoy) if envoy else list(told[-1].targets))  # who summoned whom, settled here
    elif trig.nominal:
        after = [a for a in sent.mentions if j <= a[0] < min(cl_hi, obj_end + 3) and coded(a[2])]
        agents = [after[0][2]] if after else []
        if trig.pair:
            # "the meeting between Qureshi and Wang", "pertemuan antara X dan Y"; not a place ("pertemuan
            # di Australia") nor a relative clause's actor ("pembicaraan yang ditengahi China")
            rel = next((k for k in range(j, cl_hi) if w.at(doc, k, "relativizers", j, cl_hi)), cl_hi)
            after = [a for a in after if a[0] < rel and not roles.locative(doc, a[0], w)]
            if trig.adjacent and (not after or any(not doc[x].text[:1].isupper() for x in range(j, after[0][0]))):
                return None  # "menolak pertemuan dengan Rusia", "pertemuan di Jakarta": no pair met
            # "pertemuan keduanya", "talks between envoys of the two countries": the story's pair
            agents = roles.with_conjuncts(sent, after[0]) if after else roles.group_ref(doc, sent, i, min(rel, j + 7), w)
            # (a bare meeting noun: "pertemuan Menlu RI, Retno Marsudi dengan Menlu Papua Nugini")
            if after and len({a.code for a in agents}) < 2 and (w.ending_at(doc, j, "between", i) or trig.adjacent):
                agents = roles.parties_listed(doc, sent, after[0], min(rel, cl_hi), w)
        visit_end = after[0][1] if after and trig.type == "Consultation" and not trig.pair else None
    else:
        adjunct = roles.participial(doc, sent, i, w)
        main = [e for e in events[first:] if e.trigger[0] < doc[i].idx]
        # "summoned the envoy to demand that ...", "memanggil dubes untuk meminta ...": the purpose
        # is the summoner's (after "urged X to" the infinitive would be X's); ", demanding an
        # apology" after "Israel summoned ... and declared ...": the participle is the nearest act's
        purpose = bool(main) and main[-1].type in (DY.Summons, DY.Consultation) \
            and main[-1].trigger[1] < doc[i].idx - 4 and _purpose(doc, sent, i, j, w)
        # "summoned the Argentine ambassador demanding explanations": a participle right after the
        # envoy a summons called in, with no comma, is still the summoner's act
        adjunct = adjunct or (bool(main) and main[-1].type == DY.Summons and doc.lang_ == "en"
                              and doc[i].lower_.endswith("ing") and any(
                                  m[1] == i and m[2].envoy and m[2].code in {t.code for t in main[-1].targets}
                                  and 0 <= doc[m[0]].idx - main[-1].trigger[1] <= 5  # "summoned (the) X envoy"
                                  for m in sent.mentions))
        if main and (adjunct or purpose):
            # of an act told in both directions (a call), the one told first
            agents = list(next(e for e in main if e.trigger == main[-1].trigger).agents)
            coordinated = True
        else:
            agents = _subject_agents(doc, sent, i, w, matcher) if adjunct else []
            if adjunct and not agents:  # "Pakistan countered ... by accusing India": the sentence opens with its subject
                agents = roles.opening_subject(sent)
            coordinated = bool(agents)
    if not trig.nominal and not agents and not passive and not owners:
        agents = roles.fronted_subject(doc, sent, i, w)
    if not trig.nominal and not agents and not passive and not owners:
        agents = roles.pronoun_subject(doc, sent, i, w, mutual=_mutual(doc, i, trig, sent, events))
    if not trig.nominal and not agents and not passive and not owners:
        conj = roles.after_coordinator(doc, sent, i, w)
        noun = doc[j - 1].lower_ in _matcher(doc.lang_)[2]
        agents = [] if conj else roles.agents_left(doc, sent, i, cl_lo, w, noun=noun)
        if agents and agents[0].text.lower() in {" ".join(p) for p in w.sets.get("first_person", ())}:
            agents = []
        if agents and all(a.envoy for a in agents) and _purpose(doc, sent, i, j, w) and \
                any(w.at(doc, k, "summons_verbs", sent.lo, i) for k in range(sent.lo, i)):
            # "Liu summoned Japanese Ambassador Kitera to express ...": the envoy called in is not
            # who the summons' purpose is of (its summoner may be one the registry does not know)
            agents = []
        # a clause opened by a quote is the quote's speaker's (below); one after a quoted phrase
        # ('a "positive atmosphere" and agreed to') is the sentence's
        in_quote = cl_lo > sent.lo and doc[cl_lo - 1].text in ('"', "“") and roles.inside_quote(doc, sent, cl_lo)
        if not agents and not in_quote:
            if conj or cl_lo == sent.lo or _in_demand_complement(doc, sent, cl_lo, w):
                # a verb without its own subject ("... memanggil X dan mendesak ..."): the sentence subject
                agents = _subject_agents(doc, sent, i, w, matcher, _mutual(doc, i, trig, sent, events))
                if not agents and conj:
                    # the first verb is no event's ("Maduro memberi tenggat ..., dan menuduh Amerika
                    # ..."): the actor the sentence opens with (not "Japanese fans")
                    opening = [a for a in sent.mentions if sent.lo <= a[0] <= sent.lo + 1 and coded(a[2])]
                    agents = roles.opening_subject(sent) if opening and not roles.private(doc, opening[0], w) else []
                coordinated = bool(agents)
            elif not w.ending_at(doc, cl_lo, "complementizers") and not w.ending_at(doc, cl_lo, "contrast"):
                # "Rutte, setelah panggilan telepon ...": the subject before the clause (not after "but")
                agents = roles.agents_left(doc, sent, i, sent.lo, w)
        if not agents:
            agents = roles.quoted_speaker(doc, sent, i, w)
    if not agents and trig.type == "TroopDeployment" and obj_end > j:
        # "Komandan ... mengerahkan 10 tentara Indonesia ke desa itu": a commander no registry codes
        # sends his state's troops; the troops' owner acts
        owned = [a for a in sent.mentions if j <= a[0] <= obj_end + 1 and a[1] >= obj_end - 1 and coded(a[2])
                 and a[2].kind in ("state", "organization")]
        agents = [owned[0][2]] if owned else []
    if not agents and trig.type == "Summons" and not trig.nominal and not passive \
            and not any(coded(a[2]) for a in sent.mentions if a[1] <= i):
        # "Park, a deputy no registry codes, summoned the defence attaché at Japan's embassy in
        # Seoul": a summons is the host state's, and the city the envoy serves in names it. Only
        # a city: "summoned the ambassador to Australia" may be one's own envoy called home, and
        # only when no one coded stands before the verb (a president the clause rules missed)
        envoy = next((a for a in sent.mentions if j <= a[0] < cl_hi and a[2].envoy and coded(a[2])), None)
        if envoy is not None:
            posts = [a for a in sent.places if envoy[0] < a[0] <= envoy[1] + 2 and w.ending_at(doc, a[0], "place")]
            agents = inversion.envoy_host(doc, posts, envoy, cl_hi, w)
            # "pemerintah juga memanggil duta besar Prancis untuk Aljazair", "the government
            # summoned the French ambassador to Algeria": a government no one names summons an
            # envoy of a named state posted to another, the host (a president no registry codes
            # may be calling his own envoy home: "Presiden ... memanggil Duta Besar RI untuk Australia")
            unnamed = any(w.ending_at(doc, x, "unnamed_governments", sent.lo) for x in range(max(sent.lo, i - 3), i + 1))
            if not agents and unnamed:
                states = [a for a in sent.mentions if envoy[1] <= a[0] <= envoy[1] + 2 and coded(a[2])
                          and a[2].kind == "state" and not a[2].envoy]
                agents = inversion.envoy_host(doc, states, envoy, cl_hi, w)
            if not agents and unnamed:
                # (in Indonesian the envoy's mention takes his posting in: "duta besar Prancis untuk Aljazair")
                at = doc.char_span(envoy[2].start, envoy[2].end, alignment_mode="expand")
                for k in range(at.start + 1, at.end - 1) if at is not None else ():
                    n = w.at(doc, k, "envoy_posted", k, at.end)
                    host = state_named(doc, k + n, min(at.end, k + n + 4)) if n else None
                    if host is not None and host.code != envoy[2].code:
                        agents = [host]
                        break
    if not agents:
        return None
    if passive:
        targets = passive[1]
    elif visit_end is not None:  # "kunjungan Menteri Luar Negeri Uzbekistan ke Astana": where the visitor went
        dest = [a for a in sent.mentions + sent.places if visit_end <= a[0] <= visit_end + 3 and a[2].kind == "state"
                and w.ending_at(doc, a[0], "destination", visit_end)]
        targets = [min(dest, key=lambda a: a[0])[2]] if dest else []
    else:
        targets = roles.targets(doc, sent, trig.type, trig.target, j, obj_end, cl_hi, w)
    if targets is None:
        return None
    if trig.type == "Demand" and not targets and not trig.nominal and _purpose(doc, sent, i, j, w):
        # "memanggil perwakilan Israel untuk meminta pertanggungjawaban": what the summoner asks as
        # the summons' purpose it asks of the state summoned
        called = [e for e in events[first:] if e.trigger[0] < doc[i].idx and e.type == DY.Summons
                  and {a.code for a in e.agents} == {a.code for a in agents}]
        targets = list(called[-1].targets) if called else targets
    if trig.type == "Demand" and not roles.demand_counts(doc, sent, i, j, cl_hi, targets, trig.addressee, w):
        return None
    codes = {a.code for a in agents}
    if (trig.symmetric or trig.type == "Consultation") and len(codes) > 1 and targets and not passive and \
            (p := min((a[0] for a in sent.mentions if any(a[2] is t for t in targets)), default=j)) - j > 3 \
            and w.ending_at(doc, p, "with", j):
        # "Presiden Yoon dan PM Kishida sepakat ... memperkuat kooperasi trilateral dengan AS": the
        # pair that agrees or meets are its parties; a "with" deep in what they agreed is its topic
        targets = []
    named_target = bool(targets)
    targets = [t for t in targets if t.code not in codes]
    if trig.type == "Summons" and not targets:
        return None  # "Brazil summoned the ambassador" after Israel summoned Brazil's: its own envoy
    if trig.type == "Demand" and named_target and not targets:
        return None  # "Netanyahu memerintahkan kemlu untuk ...": an order to one's own side
    symmetric = trig.symmetric or (trig.type == "Consultation" and len(agents) > 1 and not targets)
    if trig.pair and len(agents) < 2:
        return None
    if trig.type == "TroopDeployment" and not targets:
        targets = inversion.story_destination(doc, sent, j, cl_hi, agents, w)
    if trig.type == "TroopDeployment" and not targets:
        targets = _speaker_territory(doc, sent, i, j, cl_hi, agents, w)
    # troops named before the verb ("Malaysian troops arrived") count as the object after it
    moved = obj_end if obj_end > j else (j if owners else None)
    if trig.type == "TroopDeployment" and not targets and not named_target and moved is not None \
            and not _own_ground(doc, sent, j, cl_hi, codes, w):
        somewhere = _sent_somewhere(doc, moved, cl_hi, w)
        anaphor = _country_anaphor(doc, moved, cl_hi, w)
        if not somewhere or anaphor or _named_place(doc, moved, cl_hi, w):
            # they go where the story's troops went: "Malaysia mengirimkan 209 pasukan" with no
            # place at all, in a story of troops arriving in Timor Leste (or of troops of no named
            # state arriving there); "30 US soldiers arrived in the northern city of Kobani", a
            # place no registry knows, in a story of troops sent to Syria; "1.000 tentara di negara
            # itu", where the same state's troops went (another state's "negara itu" may be its own)
            went = [e for e in events if e.type == DY.TroopDeployment and e.targets and e.sentence[0] < sent.start
                    and not ({t.code for t in e.targets} & codes)
                    and (not anaphor or {a.code for a in e.agents} == codes)]
            arrived = [a for a in sent.arrivals[-1:] if a.code not in codes] if not somewhere else []
            targets = list(went[-1].targets) if went else arrived
    # no state to go to: still a deployment when troops are sent somewhere named by a common noun
    # ("to the border", "ke perbatasan"), or a state's ships named before the verb sail or patrol
    # ("sailed through the Taiwan Strait", "KRI ... berlayar dengan ratusan personel") or its troops
    # pass or are sent somewhere ("has been deployed to the Middle East"); troops that arrive or
    # cross somewhere unnamed give no event
    nowhere = trig.type == "TroopDeployment" and not named_target and not any(
        w.at(doc, k, "return_words", j, cl_hi) for k in range(j, min(cl_hi, j + 4))) and (
        (obj_end > j and _sent_somewhere(doc, obj_end, cl_hi, w))
        or (bool(owners) and (bool(w.at(doc, i, "sea_verbs", i, j))
                              or any(w.at(doc, k, "passage", j, cl_hi) or w.at(doc, k, "destination", j, cl_hi)
                                     for k in range(j, min(cl_hi, j + 4))))))
    if (trig.requires_target or trig.type == "Consultation") and not targets and not (symmetric and len(agents) > 1) \
            and not nowhere:
        if trig.type == "TroopDeployment":  # no destination state, but still what a speaker may allege
            sent.claims.append((doc[i].idx, agents))
        return None  # a deployment goes somewhere; a consultation is held with someone
    framed = factuality.frame(doc, sent, i, w)
    date = dating.event_date(doc, sent, i, w, framed[0] if framed else None, obj_end,
                 speech=trig.type in ("Condemnation", "Accusation", "Demand", "Denial", "Statement"))
    if date is None and coordinated:
        head = _first_verb(doc, sent, w, matcher)
        date = dating.event_date(doc, sent, head, w) if head is not None else None
    status, claimants = factuality.status(doc, sent, i, cl_lo, agents, w, events, first, trig.nominal, framed,
                                          deployment=trig.type == "TroopDeployment")
    if trig.type == "TroopDeployment" and trig.nominal and not targets and w.at(doc, i, "incursion_nouns", i, j):
        # an incursion somewhere no state names ("into the department of Putumayo") is into the
        # territory of the state that tells of it
        targets = [c for c in claimants if acts_for_state(c, doc.lang_) and c.code not in codes][:1]
    if status == "hypothetical" and date is not None:  # a plan "in September" is the coming September
        ahead = next((m.ahead for _, _, m in sent.times if m.value is date and m.ahead is not None), None)
        # a plan "on Monday" the coming Monday only when the clause puts it ahead ("will summon");
        # "may have deployed ... on Tuesday" is a past day doubted
        if ahead is not None and (ahead.precision != "day" or any(
                w.at(doc, k, "future", cl_lo, cl_hi) for k in range(max(cl_lo, i - 6), i + 1))):
            date = ahead
    place = dating.place_after(doc, j, cl_hi, w) if trig.type in ("Summons", "Consultation", "Agreement") else None
    topic = None
    claim_ref = False
    if trig.type == "Denial":
        # "denied the accusation", and "denied that its troops crossed": a proposition denied is
        # what someone claimed; a noun topic ("denied arms transfers") names no claim
        # "membantahnya", "denied it": the claim is one told before
        claim_ref = bool(_object(doc, j, min(sent.hi, j + 3), tuple(w.sets.get("claim_nouns", ())))
                         or (j < sent.hi and w.at(doc, _past_time(doc, sent, j, w), "complementizers", j, sent.hi))
                         or (j < sent.hi and w.at(doc, j, "proposition_openers", j, sent.hi))
                         or _object(doc, j, min(sent.hi, j + 3), tuple(w.sets.get("blame_nouns", ())))
                         # an English gerund: "denies violating cease fire", "denied sending troops"
                         or (j < sent.hi and doc.lang_ == "en" and doc[j].is_lower and doc[j].is_alpha
                             and len(doc[j]) > 5 and doc[j].lower_.endswith("ing"))
                         or (w.ending_at(doc, j, "claim_pronouns", i) and _ends_object(doc, j, sent.hi, w))
                         or (j < sent.hi and (n := w.at(doc, j, "claim_pronouns", j, sent.hi))
                             and _ends_object(doc, j + n, sent.hi, w)))
        topic = doc[j:clauses.clause_end(doc, j, sent.hi, w, commas=True)].text.strip() or None
    same_time = any(w.at(doc, k, "same_time", sent.lo, i) for k in range(sent.lo, i)) or \
        any(w.at(doc, k, "meeting_scene", sent.lo, sent.hi) for k in range(sent.lo, sent.hi)) or \
        bool(w.at(doc, sent.lo, "scene_openers", sent.lo, sent.hi))  # "Usai pertemuan", "Di sana, ..."
    # "Sehari kemudian, X memanggil ..." / "... summoned Y the next day": anywhere in the clause
    day_after = date is None and any(w.at(doc, k, "day_after", sent.lo, sent.hi) for k in range(sent.lo, cl_hi))
    ev = EventMention(getattr(DY, trig.type), agents, targets, [], topic, date, status, claimants, troops, place,
                      (sent.start, sent.end), (doc[i].idx, doc[j - 1].idx + len(doc[j - 1])), coordinated, claim_ref,
                      same_time, day_after)
    ev.open_call = trig.type == "Demand" and not targets and roles.generic_addressee(doc, j, cl_hi, w)
    ev.day_before = date is None and any(w.at(doc, k, "day_before", k, i) for k in range(max(sent.lo, i - 8), i))
    ev.self_told = bool(framed and framed[1]) and {a.code for a in framed[1]} == codes
    ev.told_apart = framed is not None or any(w.at(doc, k, "pluperfect", k, i) for k in range(max(sent.lo, i - 3), i))
    ev.said_at = roles.attribution_time(doc, sent, i, clauses.clause_end(doc, i, sent.hi, w, commas=True, skip=sent.np_and), w) \
        if date is None else None
    media = _object(doc, j, min(sent.hi, j + 3), tuple(w.sets.get("media_claims", ()))) if trig.type == "Denial" else None
    ev.media_claim = media is not None
    if media is not None and any((a[1] == media[0] or a[0] == media[1]) and any(a[2] is t for t in ev.targets)
                                 for a in sent.mentions):
        ev.targets = targets = []  # "denied South Korean media reports", "laporan media Korea Selatan": the media's claim
    if trig.type == "Denial" and not targets and not ev.media_claim:
        ev.wronged = _wronged(doc, sent, j, sent.hi, codes, w)
    if extra is not None:
        extra.date = date
        return [extra, ev]
    if trig.type == "Denial" and targets and status == "reported" and not claimants:
        # "denied accusations by Kiev that ...", "described as baseless Pakistan's accusation": the
        # accusation denied is told as made, by whose it is; when, the text does not say here
        k = next((x for x in range(j, min(cl_hi, j + 8)) if w.at(doc, x, "accusation_nouns", j, cl_hi)), None)
        if k is not None:
            n = w.at(doc, k, "accusation_nouns", j, cl_hi)
            # one per accused: "The United States and Britain reject accusations by Tehran"
            made = [EventMention(DY.Accusation, list(targets), [a], [], None, None, "reported", [], None, None,
                                 (sent.start, sent.end), (doc[k].idx, doc[k + n - 1].idx + len(doc[k + n - 1])))
                    for a in agents]
            return [*made, ev]
    told = _directions(ev) if symmetric else [ev]
    # "was summoned by the ministry on 21 and 29 August": the same act on each day the text gives
    also = next((m.also for _, _, m in sent.times if m.value == date and m.also), ()) if date is not None else ()
    return told + [replace(e, date=d) for d in also for e in told]


def _past_time(doc: Doc, sent: Sent, k: int, w: Words) -> int:
    """The token after a time told right at k ("denied Monday that", "membantah, Senin, bahwa")."""
    x = k
    while x < sent.hi and (roles.is_time(sent, x) or doc[x].text == "," or (w.at(doc, x, "time_preps", x, sent.hi)
                                                                          and roles.is_time(sent, x + 1))):
        x += 1
    return x


def _own_ground(doc: Doc, sent: Sent, j: int, cl_hi: int, codes: set[str | None], w: Words) -> bool:
    """The clause says the troops are on their own state's ground ("its forces were deployed only on
    Rwandan soil", "di wilayah Rwanda"): they went nowhere the story's other troops went."""
    for a in sent.mentions:
        if not (j <= a[0] < cl_hi and a[2].code in codes):
            continue
        # "in Rwanda", "di wilayah Rwanda" (the preposition before a ground word), "on Rwandan soil"
        ground = w.ending_at(doc, a[0], "own_ground_words", j)
        if w.ending_at(doc, a[0] - ground, "ground_preps", j) or (a[1] < cl_hi and w.at(doc, a[1], "own_ground_words", a[1], cl_hi)):
            return True
    return False


def _speaker_territory(doc: Doc, sent: Sent, i: int, j: int, cl_hi: int, agents: list[ActorMention],
                       w: Words) -> list[ActorMention]:
    """"Costa Rica accused Nicaragua of sending troops into its territory", "Guyana said Venezuelan
    troops entered its territory": the territory a pronoun owns is the accuser's or the speaker's
    (``speaker_territory`` leaves airspace out: an overflight is told as a violation, not a
    deployment)."""
    if not any(w.at(doc, k, "speaker_territory", j, cl_hi) for k in range(j, cl_hi)):
        return []
    framed = factuality.frame(doc, sent, i, w)
    # no speech or accusation around it: the state the sentence opens with ("Sudan repelled an
    # incursion by Ethiopian troops into its territory")
    # (only when no other state is named before the act: "Poland backed Lithuania after an
    # incursion ... into its territory" is Lithuania's, which this cannot tell)
    owner = list(framed[1]) if framed is not None else \
        [a for a in roles.opening_subject(sent) if a.kind == "state"
         and not any(m[0] < i and coded(m[2]) and m[2].code != a.code for m in sent.mentions)]
    codes = {a.code for a in agents}
    return owner if owner and not {a.code for a in owner} & codes else []


def _denied_own_move(doc: Doc, sent: Sent, i: int, j: int, trig: _Trigger, w: Words) -> EventMention | None:
    """"Nicaragua said its troops have not intruded on Costa Rican territory": a state saying its
    own troops did not go somewhere denies that they did (whose claim, the story says elsewhere)."""
    cl_lo = clauses.clause_start(doc, sent.lo, i, w, commas=False, skip=sent.np_and)
    back = inversion.troops_before(doc, sent, i, cl_lo, trig.objects, trig.window, w) if trig.before else None
    framed = factuality.frame(doc, sent, i, w)
    if back is None or framed is None or not framed[1] or \
            {a.code for a in back[2]} != {a.code for a in framed[1]} or not w.at(doc, framed[0], "speech", sent.lo, i):
        return None
    k = framed[0]
    said = doc[k + 1:clauses.clause_end(doc, i, sent.hi, w, commas=True)].text.strip(" ,.") or None
    return EventMention(DY.Denial, list(framed[1]), [], [], said, dating.event_date(doc, sent, k, w, speech=True),
                        "reported", [], None, None, (sent.start, sent.end),
                        (doc[k].idx, doc[k].idx + len(doc[k])), claim_ref=True)


def _envoys_named_after(doc: Doc, sent: Sent, j: int, w: Words) -> list[ActorMention]:
    """The envoys or states a list names right after a passive summons ("dipanggil adalah Dubes
    Cina, Prancis ...", "summoned along with British and Dutch counterparts")."""
    n = w.at(doc, j, "envoys_listed_after", j, sent.hi)
    if not n:
        return []
    # an envoy, or a state by its name (not a minister, whose mention carries his state's kind)
    first = next((a for a in sent.mentions if j + n <= a[0] <= j + n + 4 and coded(a[2])
                  and (a[2].envoy or a[2].kind == "state" and names_state(doc, a[0], a[1], whole=True))), None)
    return roles.envoys_listed(sent, first) if first is not None else []


def _wronged(doc: Doc, sent: Sent, j: int, hi: int, codes: set[str | None], w: Words) -> ActorMention | None:
    """The state a denied wrong was done to, named in what the denial denies (j, hi) as its victim
    ("denied any actions against Poland") or right after a word of wrongdoing ("denied claims that
    Kenya is interfering with Somalia's affairs"): a wrong denied is the wronged state's charge.
    None when several states are so named."""
    wrongs = [(x, n) for x in range(j, hi) if (n := w.at(doc, x, "wrongdoing", j, hi))]
    named = {a[2].code: a[2] for a in sent.mentions if j < a[0] < hi and coded(a[2]) and a[2].code not in codes
             and len(a[2].code or "") == 3 and a[2].kind in ("state", "organization", "person")
             and not roles.locative(doc, a[0], w)
             and (w.ending_at(doc, a[0], "victim_markers", j) or any(x + n <= a[0] <= x + n + 3 for x, n in wrongs))}
    return next(iter(named.values())) if len(named) == 1 else None


def _purpose(doc: Doc, sent: Sent, i: int, j: int, w: Words) -> bool:
    """The act at [i, j) is told as another's purpose: after "to"/"untuk", or a trigger that says
    so itself ("summoned the envoy for an explanation")."""
    return bool(w.ending_at(doc, i, "purpose", sent.lo) or w.at(doc, i, "purpose_in_trigger", i, j))


def _ends_object(doc: Doc, k: int, hi: int, w: Words) -> bool:
    """Nothing of the object goes on at token k: "denied it.", "denied it on Friday", not "denied
    them entry" or "denied it a visa" (the pronoun is then whom something was refused)."""
    return k >= hi or doc[k].is_punct or any(w.at(doc, k, name, k, hi) for name in (
        "time_preps", "coordinators", "pronoun_object_enders"))


def _place_after(doc: Doc, obj_end: int, hi: int, w: Words) -> int | None:
    """Where what follows a place word ("in", "to", "di", "ke") right after the troops starts."""
    for k in range(obj_end, min(hi, obj_end + 4)):
        n = w.at(doc, k, "destination", obj_end, hi) or w.at(doc, k, "place", obj_end, hi)
        if n:
            return k + n
    return None


def _named_place(doc: Doc, obj_end: int, hi: int, w: Words) -> bool:
    """A place word right after the troops, then a name: "arrived in the northern city of
    Kobani", "tiba di Dili"."""
    at = _place_after(doc, obj_end, hi, w)
    return at is not None and any(doc[x].is_alpha and doc[x].text[:1].isupper() for x in range(at, min(hi, at + 6)))


def _country_anaphor(doc: Doc, obj_end: int, hi: int, w: Words) -> bool:
    """Troops "in the country", "di negara itu": the country the story told (not "the country's
    south", the sender's own)."""
    at = _place_after(doc, obj_end, hi, w)
    m = w.at(doc, at, "country_anaphors", at, hi) if at is not None else 0
    return bool(m) and not (at + m < len(doc) and doc[at + m].lower_ in ("'s", "’s"))


def _sent_somewhere(doc: Doc, obj_end: int, hi: int, w: Words) -> bool:
    """Troops named and sent to a place that is no other state ("ke perbatasan", "to the border",
    "to the Middle East", "di dekat perbatasan"): a deployment without a target state."""
    return any(w.at(doc, k, "destination", obj_end, hi) or w.at(doc, k, "place", obj_end, hi)
               or w.at(doc, k, "passage", obj_end, hi) for k in range(obj_end, min(hi, obj_end + 4)))


def _first_verb(doc: Doc, sent: Sent, w: Words, matcher: PhraseMatcher) -> int | None:
    """The sentence's main verb: its first trigger or speech verb (computed once per sentence)."""
    if sent.head is None:
        firsts = [i for _, i, _ in matcher(doc[sent.lo:sent.hi])]
        firsts += [k for k in range(sent.lo, sent.hi) if w.at(doc, k, "speech", sent.lo, sent.hi)]
        sent.head = min(firsts) if firsts else -1
    return sent.head if sent.head >= 0 else None


def _directions(ev: EventMention) -> list[EventMention]:
    """Agreements, meetings and calls: one event per direction between the parties. "X met Y and
    Z" is X with Y and X with Z (Y and Z did not meet each other); "X and Y met" is X with Y."""
    def unique(actors: list[ActorMention]) -> list[ActorMention]:
        return list({a.code: a for a in actors}.values())

    agents, targets = unique(ev.agents), unique(ev.targets)
    pairs = [(a, t) for a in agents for t in targets] + [(t, a) for a in agents for t in targets] if targets else \
        [(a, b) for a in agents for b in agents]
    out = [replace(ev, agents=[a], targets=[b], about=[], claim_ref=False) for a, b in pairs if a.code != b.code]
    return out or [ev]


def _resolve_object(doc: Doc, sent: Sent, ev: EventMention, mentions: list[tuple[int, int, ActorMention]],
                    before: list[EventMention], nouns: dict[str, str], w: Words) -> None:
    """"condemned the claim" / "mengecam serangan tersebut": the owner named earlier."""
    j = bisect.bisect_left(doc.user_data["dyad_starts"], ev.trigger[1], sent.lo, sent.hi)
    head = discourse.definite_object(doc, j, sent.hi, w)
    if head is None:
        return
    own = {a.code for a in ev.agents}
    ev.targets = discourse.referent(doc, head, mentions, before, own, nouns)
    if not ev.targets and w.at(doc, head, "act_nouns", head, head + 1):
        # "criticized the move", "mengecam langkah itu": a word for any act points back to the
        # last act another actor was told doing, else to the actor the previous sentence names
        ev.targets = discourse.last_actor(doc, sent, mentions, before, own, w)


def _doer_in_object(doc: Doc, sent: Sent, ev: EventMention, w: Words) -> list[ActorMention]:
    """"demanded the release of embassy staff detained by Iran", "menuntut pembebasan nelayan yang
    ditahan oleh Malaysia": a demand about what another state did is addressed to that state, the
    one named by "by"/"oleh" in the demand's clause."""
    j = bisect.bisect_left(doc.user_data["dyad_starts"], ev.trigger[1], sent.lo, sent.hi)
    hi = clauses.clause_end(doc, j, sent.hi, w, commas=True)
    own = {a.code for a in ev.agents}
    if any(j <= a < hi for a, b, m in sent.times):
        return []  # "stolen by British soldiers in 1897": a past act's time would date the demand
    for x in range(j, hi):
        n = w.at(doc, x, "passive_by", x, hi)
        if not n:
            continue
        # the state itself, not something of it ("Germany's Der Spiegel", "Iran-backed militias")
        by = [a for a in sent.mentions if x + n <= a[0] <= x + n + 1 and coded(a[2])
              and a[2].kind in ("state", "organization") and a[2].code not in own
              and not (a[1] < len(doc) and doc[a[1]].text in ("'s", "’s", "-"))]
        return [by[0][2]] if by else []  # the first "by" only: "drones fired by Russia" is another's
    return []


def _frame_meeting(doc: Doc, sent: Sent, w: Words, events: list[EventMention], first: int) -> None:
    """"After a meeting in Berlin with Lebanon's foreign minister, Germany's minister said ...",
    "Usai bertemu dengan Menlu Jepang, Retno mengatakan ...": the frame tells a meeting between the
    party named in it and the subject after its comma."""
    n = w.at(doc, sent.lo, "meeting_openers", sent.lo, sent.hi)
    if not n:
        return
    comma = next((k for k in range(sent.lo + n, sent.hi) if doc[k].text == ","), None)
    if comma is None:
        return
    met = [a for a in sent.mentions if sent.lo + n <= a[0] < comma and coded(a[2]) and
           any(w.ending_at(doc, x, "with", sent.lo + n) for x in range(max(sent.lo + n, a[0] - 4), a[0] + 1))]
    k = comma + 1
    while k < sent.hi and (roles.is_time(sent, k) or w.at(doc, k, "adverbs", k, sent.hi)):
        k += 1
    subject = [a for a in sent.mentions if k <= a[0] <= k + 1 and coded(a[2])]
    if not met or not subject or met[0][2].code == subject[0][2].code:
        return
    if any(e.type == DY.Consultation and {a.code for a in e.agents + e.targets} == {met[0][2].code, subject[0][2].code}
           for e in events[first:]):
        return
    date = roles.frame_date(doc, sent, comma + 1, w) or dating.event_date(doc, sent, sent.lo, w)
    trig = (doc[sent.lo].idx, doc[sent.lo + n - 1].idx + len(doc[sent.lo + n - 1]))
    ev = EventMention(DY.Consultation, [subject[0][2]], [met[0][2]], [], None, date, "reported", [], None, None,
                      (sent.start, sent.end), trig)
    events.extend(_directions(ev))
