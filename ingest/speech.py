"""Speech acts that are events: what a speaker's complement or quote says of another state.

A speech verb ("said", "mengatakan", "objected to") or a quote whose complement:
- calls a claim false ("said the reports were baseless", "menyebut ... menebar cerita palsu"): a
  Denial, aimed at whose claim it is;
- tells another state's deployment, as alleged: an Accusation of that state;
- says what another state must do: a Demand; judges its act in the speaker's words: a
  Condemnation; tells a wrong it did: an Accusation;
- says the speaker cannot confirm, or is concerned: a Statement.
Nothing is read from words that doubt, hedge, negate or only suppose, nor when the complement
already codes an event of its own. The word lists are data (``data/lexicons/<lang>/triggers.yaml``).
"""

from __future__ import annotations


from spacy.tokens import Doc

from dyad.namespace import DY
from ingest import clauses, roles
from ingest.actors import ActorMention
from ingest.clauses import Words
from ingest.dating import event_date
from ingest.mention import EventMention
from ingest.roles import Sent, coded

__all__ = ["quoted_acts", "speech_acts"]


def speech_acts(doc: Doc, sent: Sent, w: Words, events: list[EventMention], first: int) -> None:
    """Speech verbs that are events: alleging another's deployment (Accusation), "cannot confirm"
    or concern (Statement)."""
    for k in range(sent.lo, sent.hi):
        if not w.at(doc, k, "speech", sent.lo, sent.hi) or w.at(doc, k, "attribution", sent.lo, sent.hi) and \
                k > sent.lo and (doc[k - 1].text in ('"', "”") or doc[k - 1].text == "," and k - 2 >= sent.lo
                                 and doc[k - 2].text in ('"', "”", "'")):
            continue  # '..." said X', '...," said X': the quote's attribution, not a speech act of its own
        if clauses.negated(doc, k, sent.lo, w):
            continue
        speaker = roles.agents_left(doc, sent, k, clauses.clause_start(doc, sent.lo, k, w, commas=False), w)
        # "He said Iranian accusations ... were wholly without foundation": a pronoun stands for the
        # actor last told acting, a guess strong enough for a denial only
        pronoun = not speaker
        if pronoun:
            speaker = roles.pronoun_subject(doc, sent, k, w)
        if not speaker:
            continue
        last = k + w.at(doc, k, "speech", sent.lo, sent.hi) - 1  # "objected to": its "to" is no place
        nxt = next((x for x in range(last + 1, sent.hi) if w.at(doc, x, "speech", sent.lo, sent.hi)), sent.hi)
        scope = (doc[k].idx, doc[nxt - 1].idx + len(doc[nxt - 1]))
        date = event_date(doc, sent, k, w)
        trig = (doc[k].idx, doc[k].idx + len(doc[k]))
        codes = {s.code for s in speaker}
        alleged = [n for n, e in enumerate(events) if n >= first and scope[0] < e.trigger[0] < scope[1]
                   and e.type == DY.TroopDeployment and e.status == "alleged" and not ({a.code for a in e.agents} & codes)]
        claimed = [who for at, who in sent.claims if scope[0] < at < scope[1] and not ({a.code for a in who} & codes)]
        inside = [e for e in events[first:] if scope[0] <= e.trigger[0] < scope[1]]
        denied = None if any(e.type == DY.Denial for e in inside) else _claim_called_false(doc, sent, k, nxt, codes, w)
        if pronoun and not denied:  # no denial, or one aimed at no one
            continue
        if denied is not None:
            # "said the reports were baseless", "menyebut kabar itu tidak benar": a claim said to be
            # false is denied (what it claims is no accusation of the speaker's); its target is
            # whose claim it is, when the sentence says
            # what it denies is the complement (a denial names its topic when it is no event); a
            # claim called false that is no one's and answers no accusation is too weak to keep
            # (it has no topic then, and validation leaves it out unless an accusation is linked)
            topic = (doc[last + 1:nxt].text.strip(" ,.") or None) if denied else None
            events.append(EventMention(DY.Denial, speaker, denied, [], topic, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig, claim_ref=not denied))
        elif alleged:
            e = events[alleged[0]]
            events.append(EventMention(DY.Accusation, speaker, list(e.agents), [alleged[0]], None, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig))
        elif claimed:  # "said that Russia had transferred 10,000 troops to the left bank": still an accusation
            events.append(EventMention(DY.Accusation, speaker, list(claimed[0]), [], None, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig))
        elif not inside and (addressee := _wrongdoer(doc, sent, last, nxt, codes, w, "obligation", near=3)):
            # "reiterated that Spain's officials should abide by ...", "China lebih baik
            # menginformasikan ...": what another state must do, said by a state, is a demand
            events.append(EventMention(DY.Demand, speaker, [addressee], [], None, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig))
        elif not inside and (culprit := _wrongdoer(doc, sent, last, nxt, codes, w, "disapproval")):
            # "said Maduro's remarks were unacceptable", "Langkah Austria yang tidak bersahabat":
            # another state's act judged in one's own words is a condemnation
            events.append(EventMention(DY.Condemnation, speaker, [culprit], [], None, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig))
            # and a wrong told beside the judgement, in words of its own ("said the Chinese action
            # violated international law, describing the intrusion as unacceptable"), an accusation
            judged = _covered(doc, w, last + 1, nxt, ("disapproval",))
            # (not a wrong named as what the judged act was about: "Japan's protest over the
            # violation of its airspace was unacceptable", "response to the shelling")
            judged |= {y for y in range(last + 2, nxt) if w.at(doc, y - 1, "wrong_as_object", y - 1, y) or (
                y - 2 > last and doc[y - 1].text[:1].isupper() and w.at(doc, y - 2, "wrong_as_object", y - 2, y - 1))}
            if (doer := _wrongdoer(doc, sent, last, nxt, codes, w, "wrongdoing", skip=judged)) is not None:
                events.append(EventMention(DY.Accusation, speaker, [doer], [], None, date, "reported", [],
                                           None, None, (sent.start, sent.end), trig))
        elif not inside and (culprit := _wrongdoer(doc, sent, last, nxt, codes, w, "wrongdoing")):
            # "said Malaysia had violated ...", "menyebut ... dibunuh oleh agen Korea Utara": a wrong
            # told of another state in one's own words is an accusation
            events.append(EventMention(DY.Accusation, speaker, [culprit], [], None, date, "reported", [],
                                       None, None, (sent.start, sent.end), trig))
        elif any(w.at(doc, x, "unconfirmed", k, nxt) or w.at(doc, x, "concern", k, nxt) for x in range(k + 1, nxt)):
            # "said they were concerned about claims that South Sudan ...": about the state the
            # complement names first (not the speaker, not a place); what one cannot confirm is
            # the reports', aimed at no state (the seed's reading)
            concern = any(w.at(doc, x, "concern", k, nxt) for x in range(k + 1, nxt))
            about = [a[2] for a in sent.mentions if concern and k < a[0] < nxt and coded(a[2]) and a[2].code not in codes
                     and a[2].kind in ("state", "organization") and not roles.locative(doc, a[0], w)][:1]
            events.append(EventMention(DY.Statement, speaker, about, [], None, date, "reported", [], None, None,
                                       (sent.start, sent.end), trig))


def quoted_acts(doc: Doc, sent: Sent, w: Words, events: list[EventMention], first: int) -> None:
    """A quote read as the speech acts read a complement: '"Malaysia melanggar aturan ...,"
    katanya', '"Americans ... wanted to destabilise Iran," the minister said', and reported speech
    told before its attribution without quote marks ("Langkah Austria yang tidak bersahabat ...,
    kata kementerian"). A wrong told of another state in the speaker's words is an accusation, a
    judgement of its act a condemnation, when the words code no event of their own ("We condemn
    ..." already is one)."""
    for x, close, told in _quoted_spans(doc, sent, w):
        lo_c, hi_c = doc[x].idx if x >= sent.lo else sent.start, doc[close].idx
        # a speaker named by a pronoun ('," katanya', '," he said') is only the story's last actor:
        # too weak a guess to make an accusation of
        after = close + 1
        named = after >= sent.hi or not (w.at(doc, after, "attribution_pronominal", after, sent.hi)
                                         or w.at(doc, after, "pronouns", after, sent.hi))
        speaker = told if told is not None else roles.quoted_speaker(doc, sent, x + 1, w) if named else []
        if not speaker or any(lo_c <= e.trigger[0] < hi_c for e in events[first:]):
            continue
        # doubt, a question, a hypothesis, a negation or a third party's claim in the words: not
        # the speaker's own charge ("There is no evidence that Iran violated ...", "Any strike on
        # Iran would be a violation", "Israel claims that Egypt violated ...")
        judged = _covered(doc, w, x + 1, close, ("disapproval", "wrongdoing"))  # "tidak bersahabat" is one word here
        if any(w.at(doc, y, name, x + 1, close) for y in range(x + 1, close) if y not in judged
               for name in ("quote_doubt", "conditional", "hedge", "claim_nouns", "negation")):
            continue
        own = {a.code for a in speaker}
        for words, kind in (("disapproval", DY.Condemnation), ("wrongdoing", DY.Accusation)):
            culprit = _doer_before(doc, sent, x, close, own, w, words)
            if culprit is not None:
                trig = (lo_c, doc[close].idx + 1)
                events.append(EventMention(kind, speaker, [culprit], [], None, event_date(doc, sent, close, w),
                                           "reported", [], None, None, (sent.start, sent.end), trig))
                break


def _covered(doc: Doc, w: Words, lo: int, hi: int, names: tuple[str, ...]) -> set[int]:
    """The tokens in [lo, hi) that an entry of the lists ``names`` covers."""
    return {z for y in range(lo, hi) for name in names for z in range(y, y + w.at(doc, y, name, lo, hi))}


def _doer_before(doc: Doc, sent: Sent, lo: int, hi: int, own: set[str | None], w: Words,
                 words: str) -> ActorMention | None:
    """The state a word of ``words`` (wrongdoing, disapproval) in (lo, hi) is said of: named at
    most three words before it ("Malaysia melanggar", "Langkah Austria yang tidak bersahabat"),
    not the speaker's own, not one the act is done to ("attacks on Ukraine's grid")."""
    for x in range(lo + 1, hi):
        if not w.at(doc, x, words, lo + 1, hi):
            continue
        near = [a for a in sent.mentions if lo < a[0] and a[1] <= x and x - a[1] <= 3 and coded(a[2])
                and a[2].kind in ("state", "organization") and a[2].code not in own
                and not w.ending_at(doc, a[0], "victim_markers", lo + 1)]
        if near:
            return near[-1][2]
    return None


def _quoted_spans(doc: Doc, sent: Sent, w: Words) -> list[tuple[int, int, list[ActorMention] | None]]:
    """The (opening, closing) marks of the sentence's quotes (their speaker found by
    roles.quoted_speaker: None); in a sentence without quote marks, the words before a trailing
    attribution, from just before the sentence to its comma, with the speaker named between the
    comma and the verb ("..., Venezuela's foreign ministry said") or right after the verb
    ("..., kata Kementerian Luar Negeri Venezuela")."""
    marks = [k for k in range(sent.lo, sent.hi) if doc[k].text in roles.QUOTE_MARKS]
    if marks:
        return [(a, b, None) for a, b in zip(marks[::2], marks[1::2])]
    c = next((c for c in range(sent.hi - 2, sent.lo + 1, -1) if doc[c].text == ","), None)
    if c is None:
        return []
    for k in range(c + 1, min(c + 7, sent.hi)):
        n = w.at(doc, k, "attribution", k, sent.hi)
        if not n:
            continue
        between = [a[2] for a in sent.mentions if c < a[0] and a[1] <= k and coded(a[2])]
        after = [a[2] for a in sent.mentions if k + n <= a[0] <= k + n + 1 and coded(a[2])]
        speaker = between[-1:] if k > c + 1 else after[:1]
        return [(sent.lo - 1, c, speaker)] if speaker else []
    return []


def _claim_called_false(doc: Doc, sent: Sent, k: int, hi: int, own: set[str | None],
                        w: Words) -> list[ActorMention] | None:
    """A claim noun in the speech verb's complement (k, hi) that a falsity word follows within a
    few words ("the reports were baseless", "tuduhan itu tidak benar"): the claim is denied. The
    result is whose claim it is (the state named with the noun: "Washington's claims", "tuduhan
    AS"), [] when no state's; None when the complement denies nothing."""
    for x in range(k + 1, hi):
        # "menyebut militer Kongo telah menebar cerita palsu alias hoaks", "said Kinshasa was
        # spreading lies": the one said to spread falsehoods is whose claims are denied
        if (n := w.at(doc, x, "spreading", k + 1, hi)) and any(
                w.at(doc, y, "falsity", x + n, hi) for y in range(x + n, min(hi, x + n + 3))):
            spreaders = [a[2] for a in sent.mentions if k < a[0] < x and coded(a[2]) and a[2].code not in own
                         and a[2].kind in ("state", "organization", "person") and not roles.private(doc, a, w)]
            if spreaders:
                return spreaders[-1:]
        n = w.at(doc, x, "claim_nouns", k + 1, hi)
        if not n:
            continue
        # called false before the noun: "what it called 'baseless claims' by British authorities"
        z = x
        while z > k + 1 and doc[z - 1].text in _MARKS:
            z -= 1
        before = w.ending_at(doc, z, "falsity", k + 1) and not clauses.negated(doc, z - 1, k + 1, w)
        if before:  # the owner named before the words that call it false: "Kosovo's 'baseless accusations'"
            z -= before
            while z > k + 1 and doc[z - 1].text in _MARKS:
                z -= 1
        for y in ([hi] if before else range(x + n, min(hi, x + n + _FALSITY_REACH))):
            if before or w.at(doc, y, "falsity", x + n, hi) and not clauses.negated(doc, y, x + n, w):
                # whose claim: named just before the noun ("Washington's claims", "the US
                # accusations") or just after it ("claims by the US", "tuduhan AS", "laporan dari X")
                after = x + n
                while after < hi and doc[after].text in _MARKS:
                    after += 1  # "'baseless claims' by British authorities"
                after += w.at(doc, after, "claim_by", after, y)
                # "tuduhan intimidasi Manila": the wrong charged may stand between the noun and its owner
                after += w.at(doc, after, "wrongdoing", after, y) if doc.lang_ == "id" else 0
                owners = [a[2] for a in sent.mentions if coded(a[2]) and a[2].code not in own
                          and a[2].kind in ("state", "organization", "person") and not roles.private(doc, a, w)
                          and (z - 3 <= a[0] < z or x - 3 <= a[0] < x
                               or a[0] == after or a[0] == after + 1 and doc[after].lower_ == "the")]
                return owners[:1]
        return None
    return None


# quote marks around a claim's words, single ones too (a token of its own: no apostrophe)
_MARKS = roles.QUOTE_MARKS | {"'", "‘", "’"}
_FALSITY_REACH = 12  # words between a claim noun and what calls it false ("the reports ... were false")


def _own_medium(doc: Doc, y: int, lo: int, w: Words) -> bool:
    """The claim noun at y is the medium of the speaker's own words ("said in a statement that",
    "in a written statement", "mengatakan dalam pernyataan bahwa"): a medium preposition at most
    three words before it, only an article, a possessive pronoun or a kind of statement between
    (``medium_modifiers``: not "in Pakistan's statement", "in reply to allegations", "dalam
    menanggapi laporan")."""
    for z in range(max(lo, y - 3), y):
        if w.at(doc, z, "medium_preps", z, z + 1) and all(w.at(doc, t, "medium_modifiers", t, t + 1) for t in range(z + 1, y)):
            return True
    return False


def _wrongdoer(doc: Doc, sent: Sent, k: int, hi: int, own: set[str | None], w: Words,
               words: str, near: int | None = None, skip: frozenset[int] | set[int] = frozenset()) -> ActorMention | None:
    """The state a speech verb's complement (k, hi) says did wrong: the one named by "by"/"oleh"
    after a word of the list ``words`` (wrongdoing, disapproval), else the nearest named before
    it (ending at most ``near`` tokens before it, when given: the subject of "should"); None
    without such a word (words at ``skip`` are not read: those of a judgement already made)."""
    for x in range(k + 1, hi):
        n = w.at(doc, x, words, k + 1, hi)
        if not n or x in skip or clauses.negated(doc, x, k + 1, w):
            continue
        if words == "wrongdoing" and any(w.at(doc, y, "claim_nouns", k + 1, x) and not _own_medium(doc, y, k + 1, w)
                                         for y in range(k + 1, x)):
            return None  # "objected to Pakistan's accusation that Indian troops violated ...": another's charge
        cands = [a for a in sent.mentions if k < a[0] < hi and coded(a[2]) and a[2].kind in ("state", "organization", "person")
                 and a[2].code not in own and not (roles.locative(doc, a[0], w) and a[0] - 1 > k) and not roles.private(doc, a, w)
                 # not a name that only says which border ("a deployment along the Kosovo border")
                 and not (a[1] < hi and w.at(doc, a[1], "border_nouns", a[1], hi))]
        by = [] if near is not None else [a for a in cands if x + n <= a[0] <= x + n + 4 and
                                         any(w.at(doc, y, "passive_by", x + n, a[0]) for y in range(x + n, a[0]))]
        before = [a for a in cands if a[1] <= x and (near is None or x - a[1] <= near)]
        if by:
            return by[0][2]
        if before:
            return before[-1][2]
        if near is None and not cands:
            # "Damascus says it is a violation of its sovereignty": no one named in the complement,
            # in a story of two states: the wrong is the other one's
            other = [p for p in sent.pair if p.kind == "state" and p.code not in own]
            if len(sent.pair) == 2 and len(other) == 1 and own & {p.code for p in sent.pair}:
                return other[0]
    return None
