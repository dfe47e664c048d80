"""Rules across sentences: what an event refers back to (dates, targets, what it is about).

An article tells one story; a later sentence leans on earlier ones:

- an undated mention of an event dated elsewhere in the article takes that date;
- "Hours later", "the same day", "in the same statement" / "beberapa jam kemudian", "pada hari
  yang sama", "dalam pernyataan yang sama": the date of the event told just before; "a day later",
  "the next day" / "sehari kemudian", "keesokan harinya": the day after it;
- a verb coordinated with a summons ("memanggil ... dan mendesak") takes its date, and a demand
  made there is made to the summoned envoy;
- a summons or denial is about the deployment named after it in the same sentence;
- a denial of "the accusation" / "laporan tersebut" answers the last event aimed at the denier:
  its target is whoever accused (or summoned, condemned) it;
- a definite object ("condemned the claim", "mengecam serangan tersebut") names what an earlier
  sentence gave an owner to ("Tokyo's renewed claim", "serangan Israel"), or an earlier event by its
  noun ("the deployment").
"""

from __future__ import annotations


from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

from spacy.tokens import Doc

from dyad.dates import DateValue
from dyad.namespace import DY
from ingest.actors import ActorMention
from ingest.clauses import Words
from ingest.roles import locative
from ingest.temporal import weekday_names

__all__ = ["SentenceInfo", "article_rules", "definite_object", "last_actor", "referent", "sentence_info"]

# what an undated event may borrow a date from (see _scene_dates)
_BORROWERS = frozenset({DY.Demand, DY.Condemnation, DY.Statement, DY.Accusation, DY.Denial})
_MEETINGS = frozenset({DY.Consultation, DY.Agreement})  # acts of two parties, told once per direction
# how many sentences on one actor's statement may still be told without a new date (_statement_dates)
_STATEMENT_SPAN = 5


@dataclass(frozen=True)
class SentenceInfo:
    """What the date rules need to know about one body sentence."""

    start: int
    subject: str | None  # code of the first coded actor (the sentence's subject, most often)
    date: Any  # the first resolved time expression in it (DateValue) or None
    continues: bool  # mentions an envoy or refers back to the acting body ("the ministry", "dalam pernyataannya")
    paragraph: int = 0  # the line it stands on: scraped news keeps one paragraph a line
    times: tuple = ()  # (character offset, DateValue) of every resolved time in it


def sentence_info(doc: Doc, sent: Any, w: Words, paragraph: int = 0) -> SentenceInfo:
    subject = next((m[2].code for m in sent.mentions if m[2].code is not None), None)
    date = next((m[2].value for m in sent.times if m[2].value is not None), None)
    continues = any(m[2].envoy for m in sent.mentions) or any(
        w.at(doc, k, "continuation", sent.lo, sent.hi) for k in range(sent.lo, sent.hi))
    times = tuple((m[2].start, m[2].value) for m in sent.times if m[2].value is not None)
    return SentenceInfo(sent.start, subject, date, continues, paragraph, times)


def _scene_dates(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """Dates the sentence itself lacks but its neighbour gives for the same act.

    - *the summons scene*: after a dated summons, a sentence that goes on about it (it names the
      envoy - "told Ambassador Chol Deng", "menyampaikan protes kepada Duta Besar Zhou" - or refers
      back to the summoning body - "the ministry", "dalam pernyataannya") reports what was said at
      that meeting: the summoner's undated demand, condemnation or statement there takes the
      summons date. The scene goes on while each next sentence continues it (two at most).
    - *the elaboration*: an undated act whose next sentence is the same actor's dated account of
      it, referring back to it ("Addis Ababa menepis tuduhan itu. Juru bicara ... Etiopia ...
      mengatakan pada hari Rabu bahwa laporan tersebut ...", "Uni Eropa mendesak Tiongkok ... .
      ... menyampaikan desakan itu dalam panggilan video ... pada hari Senin") takes that date. A
      denial needs no reference back: the same actor's next dated sentence is its account of it.
    A sentence by another actor ends both: a spokesman's later denial is not dated by the summons.
    """
    index = {s.start: n for n, s in enumerate(scenes)}
    dated_summons: dict[int, Any] = {}
    for e in events:
        if e.type == DY.Summons and e.date is not None and e.sentence[0] in index:
            dated_summons.setdefault(index[e.sentence[0]], e)
    for e in events:
        if e.date is not None or e.type not in _BORROWERS or e.sentence[0] not in index:
            continue
        n = index[e.sentence[0]]
        if scenes[n].date is not None:
            continue  # its own sentence has a time for something else; leave it
        codes = {a.code for a in e.agents}
        for back in (1, 2):
            m = n - back
            if m < 0 or not all(scenes[x].continues for x in range(m + 1, n + 1) if x == n or back == 2) \
                    or not scenes[n - back + 1].continues:
                continue
            s = dated_summons.get(m)
            if s is not None and {a.code for a in s.agents} == codes and \
                    (not e.targets or {t.code for t in e.targets} <= {t.code for t in s.targets}):
                e.date = s.date
                break
        if e.date is None and n + 1 < len(scenes) and scenes[n + 1].date is not None \
                and scenes[n + 1].subject in codes and (scenes[n + 1].continues or e.type == DY.Denial):
            # not a time the next sentence's own acts left to something else ("summoned the
            # ambassador ... over the entry of ... forces on Sunday": the entry's day)
            told = [o for o in events if o.sentence[0] == scenes[n + 1].start]
            if not told or any(o.date == scenes[n + 1].date for o in told):
                e.date = scenes[n + 1].date


_MUTUAL = frozenset({DY.Consultation, DY.Agreement})
_OPENING = 3  # characters before a time that still opens its sentence ("In April, ...")


def _reference_times(events: list[Any], scenes: list[SentenceInfo], published: Any) -> None:
    """The time a news story is told at, for an act told without its own (after every other rule).

    Reporters date an act once and tell the rest of the paragraph at that time ("Kemlu memanggil
    Dubes ... . Pemanggilan itu dilakukan pada Rabu (25/1)"; "Brazil said Monday it had
    summoned ..."). An undated act takes the nearest time of its own sentence, else of its
    paragraph (the sentences before it first), else, in the lead, the first time of the story's
    opening. Only times of the news itself count: within 45 days before publication (a day when the
    publication date is unknown), never background years. Plans and contested deployments keep
    no date: their time is not the story's.
    """
    def recent(v: DateValue, own: bool = False) -> bool:
        if published is None:
            return v.precision == "day"
        # a month dates an act when it opens the act's own sentence ("Tiga minggu yang lalu, ...
        # memutuskan"); inside it ("After talks failed last month, Berlin summoned") or in the
        # paragraph ("bulan ini") it is background
        return v.start <= published and v.end >= published - timedelta(days=45) and \
            v.precision in (("day", "week", "month") if own else ("day", "week"))

    index = {s.start: n for n, s in enumerate(scenes)}
    # the lead: the first sentences that name an actor (not a subtitle, byline or time line)
    lead = [n for n, s in enumerate(scenes) if s.paragraph >= 0 and s.subject is not None][:3]
    # the rest of the lead's paragraphs: an Indonesian lead often dates the act in an attribution
    # further on ("..., kata Retno dalam keterangan resmi, Senin (4/9/2017)"); only a sentence on
    # one of the act's own parties dates it
    lead_paragraphs = {scenes[m].paragraph for m in lead}
    lead_rest = [n for n, s in enumerate(scenes) if n not in lead and s.subject is not None
                 and s.paragraph in lead_paragraphs]
    for e in events:
        if e.date is not None or e.status == "hypothetical" or e.sentence[0] not in index or (
                e.type == DY.TroopDeployment and e.status != "reported"):
            continue
        n = index[e.sentence[0]]
        others = [o.trigger[0] for o in events if o is not e and o.sentence == e.sentence]
        # its own sentence: a time before it ("said Monday it had summoned"); one after it and
        # outside its clause belongs to a later verb ("... and declared X over his remarks Sunday")
        own = [(e.trigger[0] - at, v) for at, v in scenes[n].times
               if recent(v, own=at - scenes[n].start <= _OPENING) and at < e.trigger[0]
               and not any(at < x < e.trigger[0] for x in others)]
        if own:
            e.date = min(own, key=lambda x: x[0])[1]
            continue
        # the attribution that closes its own sentence ("did not attend despite being summoned, a
        # spokesperson said on Monday"): nearer than another sentence's time
        if e.said_at is not None and recent(e.said_at):
            e.date = e.said_at
            continue
        para = scenes[n].paragraph
        around = [m for m in range(n - 1, -1, -1) if scenes[m].paragraph == para] + \
            [m for m in range(n + 1, len(scenes)) if scenes[m].paragraph == para]
        if n in lead or scenes[n].paragraph < 0:
            around += [m for m in lead if m not in around and m != n]
            # (a meeting's or an accord's parties are both its actors; a reply is not dated by the
            # statement it answers)
            parties = {a.code for a in e.agents} | ({t.code for t in e.targets} if e.type in _MUTUAL else set())
            around += [m for m in lead_rest if m not in around and m != n and scenes[m].subject in parties]
        for m in around:
            found = [v for _, v in scenes[m].times if recent(v)]
            if found:
                e.date = found[0]
                break


def _summons_scene_targets(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """What the summoner says at a summons is said to the summoned: an undirected protest, demand
    or statement of the summoner, in the summons's sentence or the two after it ("Kemlu memanggil
    Dubes Swedia ... untuk menyampaikan kecaman", "The ministry demanded an explanation"), is
    aimed at the summoned envoy's state."""
    index = {s.start: n for n, s in enumerate(scenes)}
    summonses = [s for s in events if s.type == DY.Summons and s.targets and s.sentence[0] in index]
    for e in events:
        if e.targets or e.type not in _BORROWERS or e.type == DY.Denial or e.sentence[0] not in index:
            continue
        n = index[e.sentence[0]]
        codes = {a.code for a in e.agents}
        scene = [s for s in summonses if {a.code for a in s.agents} == codes and 0 <= n - index[s.sentence[0]] <= 2
                 and (s.sentence != e.sentence or s.trigger[0] < e.trigger[0])]
        if scene:
            e.targets = list(scene[-1].targets)


def _denied_deployments(events: list[Any]) -> None:
    """A deployment whose own state denies sending troops in the same article is contested, not a
    fact: its report says it unconfirmed (a claimant named with it keeps it alleged)."""
    deniers = {a.code for e in events if e.type == DY.Denial and e.status == "reported" for a in e.agents}
    for e in events:
        if e.type == DY.TroopDeployment and e.status == "reported" and {a.code for a in e.agents} & deniers:
            e.status = "unconfirmed"


def _denials_told_twice(events: list[Any]) -> None:
    """A denial told without whose claim it answers ("India denies violating cease fire", the
    headline) is the same state's denial the story tells with it ("described as baseless
    Pakistan's accusation"): one event, aimed as that one is. Not a denial of the media's reports,
    nor one dated apart from it."""
    aimed = [e for e in events if e.type == DY.Denial and e.targets and e.status == "reported"]
    for e in events:
        if e.type != DY.Denial or e.targets or e.status != "reported" or e.media_claim:
            continue
        codes = {a.code for a in e.agents}
        same = [o for o in aimed if {a.code for a in o.agents} == codes
                and (o.date is None or e.date is None or o.date == e.date)]
        # one such denial: with two (aimed at two states) it is not told which this one is
        if len({frozenset(t.code for t in o.targets) for o in same}) == 1:
            e.targets = list(same[0].targets)
            if e.date is None:
                e.date = same[0].date


def _denied_incursions(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """A denial that the denier's troops went somewhere ("denied that troops from his country had
    intruded on Colombia") answers the state they were said to have gone to, when that state
    blames the denier close by in the story (accuses, condemns, summons or makes demands of it,
    at most three sentences apart: not a matter told elsewhere): its complaint is the claim
    denied. A state the troops went to that says nothing claims nothing."""
    index = {s.start: n for n, s in enumerate(scenes)}

    def near(a: Any, b: Any) -> bool:
        return a.sentence[0] in index and b.sentence[0] in index and abs(index[a.sentence[0]] - index[b.sentence[0]]) <= 3

    for e in events:
        if e.type != DY.Denial or e.targets or e.status != "reported" or e.media_claim:
            continue
        codes = {a.code for a in e.agents}
        blamers = {a.code for o in events if o.type in _AIMED_AT and {t.code for t in o.targets} & codes
                   and o.status == "reported" and near(o, e) for a in o.agents}
        went = [t for m in e.about if m < len(events) and events[m].type == DY.TroopDeployment
                for t in events[m].targets if t.code in blamers and t.code not in codes]
        if len({t.code for t in went}) == 1:
            e.targets = went[:1]


def _day_before(events: list[Any]) -> None:
    """"X was summoned a day after Y summoned Z": the act told after "a day after" (with no time of
    its own) came the day before the act told before it in the sentence, whatever date it took
    from the story."""
    for e in events:
        if not e.day_before or e.status == "hypothetical":  # a plan announced then is not done then
            continue
        main = [o for o in events if o.sentence == e.sentence and o.trigger[0] < e.trigger[0] and not o.day_before
                and o.date is not None and o.date.precision == "day"]
        if main and (e.date is None or e.date == main[-1].date):
            e.date = DateValue.day(main[-1].date.start - timedelta(days=1))


def _same(a: Any, b: Any) -> bool:
    return (a.type == b.type and {x.code for x in a.agents} == {x.code for x in b.agents}
            and {x.code for x in a.targets} == {x.code for x in b.targets})


def _headline_plans(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """A headline tells an announced act in the present, as it tells acts done ("Foreign ministry
    summons Russian ambassador"); when the body tells that act only as a plan ("will summon, on
    Thursday, ..."), the headline's is the plan."""
    title = {s.start for s in scenes if s.paragraph < 0}
    for e in events:
        if e.sentence[0] in title and e.status == "reported":
            body = [o for o in events if o.sentence[0] not in title and _same(o, e)]
            if body and all(o.status == "hypothetical" for o in body):
                e.status = "hypothetical"


def article_rules(events: list[Any], scenes: list[SentenceInfo] = (), published: Any = None) -> None:  # type: ignore[assignment]
    _headline_plans(events, list(scenes))
    _scene_dates(events, list(scenes))
    _summons_scene_targets(events, list(scenes))
    _denied_deployments(events)
    # "Hours later" / "in the same statement": the date of the event told before, in an earlier sentence
    for n, e in enumerate(events):
        if e.date is None and e.same_time:
            prev = [o for o in events[:n] if o.date is not None and o.sentence[0] < e.sentence[0]]
            if prev:
                e.date = prev[-1].date
        # "a day later" / "keesokan harinya": the day after the last event dated to the day before it
        if e.date is None and e.day_after:
            prev = [o for o in events[:n] if o.date is not None and o.date.precision == "day"
                    and o.sentence[0] <= e.sentence[0]]
            if prev:
                e.date = DateValue.day(prev[-1].date.start + timedelta(days=1))
    # two mentions of one event dated at two precisions ("pekan lalu" and "Rabu (25/1)"): the finer
    for e in events:
        if e.date is not None and e.date.precision != "day":
            finer = [o.date for o in events if o.date is not None and o.date.precision == "day" and _same(o, e)
                     and o.status == e.status and e.date.start <= o.date.start and o.date.end <= e.date.end]
            if finer:
                e.date = finer[0]
    # an undated mention of an event dated elsewhere in the article takes that date
    for e in events:
        if e.date is None:
            # a plan ("akan menandatangani") is not the past event of the same parties
            # nor does a background act told later ("signed in the Soeharto era 30 years ago")
            # date the news told before it ("Indonesia and Australia have reached an agreement")
            dated = [o for o in events if o.date is not None and _same(o, e)
                     and (o.status == "hypothetical") == (e.status == "hypothetical")
                     and not (o.sentence[0] > e.sentence[0] and published is not None
                              and o.date.end < published - timedelta(days=45))]
            if dated:
                e.date = dated[0].date
    for n, e in enumerate(events):
        prev = [o for o in events[:n] if o.sentence == e.sentence and o.trigger[0] < e.trigger[0]]
        if e.coordinated and prev:
            head = prev[0]
            if e.date is None:
                e.date = head.date
            if e.type == DY.Demand and head.type in (DY.Summons, DY.Consultation) and head.targets and (
                    not e.targets or {a.code for a in e.agents} == {a.code for a in head.agents}):
                # demands the summoner made to the summoned envoy, or one party of a call or
                # meeting to the other ("berbicara dengan Duta Besar Amerika ... untuk meminta klarifikasi")
                e.targets = list(head.targets)
        # what an event is about: the deployment protested or denied in the same sentence
        if e.type in (DY.Summons, DY.Denial) and not e.about:
            inside = [m for m, o in enumerate(events) if o.sentence == e.sentence and o.type == DY.TroopDeployment
                      and o.trigger[0] > e.trigger[0]]
            if inside:
                e.about = inside[:1]
                e.topic = None
    # a denial of "the accusation" / "laporan tersebut" / "denied that ...": what was last aimed at the denier
    for n, e in enumerate(events):
        if e.type == DY.Denial and not e.about and e.claim_ref:
            codes = {a.code for a in e.agents}
            aimed = [m for m, o in enumerate(events) if m != n and {t.code for t in o.targets} & codes
                     and o.type in _AIMED_AT
                     and o.sentence[0] <= e.sentence[0]]
            # the nearest accusation told before it ("AS juga menuding Korut ... . Korut juga membantah
            # ...": the last one, not the story's first)
            acc = [m for m in aimed if events[m].type == DY.Accusation][-1:] or aimed[-1:]
            if not acc:  # news leads with the denial and tells the accusation after it (only an
                # accusation: a later complaint or demand is as often another matter)
                acc = [m for m, o in enumerate(events) if o.type == DY.Accusation and o.sentence[0] > e.sentence[0]
                       and {t.code for t in o.targets} & codes and not {a.code for a in o.agents} & codes][:1]
            if acc:
                if events[acc[0]].type == DY.Accusation:
                    e.about = acc[:1]
                if not e.targets and not e.media_claim:  # the media's reports are no state's claim
                    e.targets = [a for a in events[acc[0]].agents if a.code not in codes]
    # no accusation told: the claim is the wronged state's ("denied any actions against Poland"),
    # when the story has told that state acting (a state only talked about claims nothing); not of
    # a deployment denied, whose state named is where the troops went
    for e in events:
        if e.type == DY.Denial and not e.targets and e.wronged is not None and not e.about \
                and any(e.wronged.code in {a.code for a in o.agents} for o in events):
            e.targets = [e.wronged]
    _denials_told_twice(events)
    _denied_incursions(events, list(scenes))
    _day_before(events)
    _reference_times(events, list(scenes), published)
    _statement_dates(events, list(scenes))
    _summons_remarks(events, list(scenes))
    _meeting_agreements(events, list(scenes))


_REMARKS = frozenset({DY.Demand, DY.Condemnation, DY.Statement})
# what a denial can answer: an act aimed at the denier that blames it
_AIMED_AT = frozenset({DY.Accusation, DY.Summons, DY.Condemnation, DY.Demand})


def _summons_remarks(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """What the summoner told the summoned state is told at the summons: in a story of one dated
    summons of a pair, the summoner's undated demand, condemnation or statement to that state
    takes the summons date, wherever the story tells it ("Dia meminta pemerintah Swedia ...",
    "sekaligus juga Indonesia mengecam ..."; the convention: remarks made at a summons take its
    date). Two summons dates for the pair leave it undated: which one it belongs to is not told; a
    time in its own sentence, even one that dates nothing, says it was another occasion."""
    timed = {s.start for s in scenes if s.times}
    for e in events:
        if e.date is not None or e.type not in _REMARKS or not e.targets or e.status == "hypothetical" \
                or e.sentence[0] in timed:  # "Last month, China demanded ...": its own time, not the summons'
            continue
        codes, targets = {a.code for a in e.agents}, {t.code for t in e.targets}
        days = {o.date for o in events if o.type == DY.Summons and o.date is not None and o.status == "reported"
                and {a.code for a in o.agents} == codes and targets <= {t.code for t in o.targets}}
        if len(days) == 1:
            e.date = next(iter(days))


def _meeting_agreements(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """What a pair agreed is agreed at their meeting: in a story of one dated meeting (talks, a
    call, a visit) of a pair, their undated agreement takes its date, wherever the story tells it
    ("Russia agreed to write off the debt during a visit by Putin ... left Algiers on Friday after
    talks with Bouteflika"). As for a summons' remarks, two meeting dates leave it undated, and a
    time in the agreement's own sentence says it was another occasion."""
    timed = {s.start for s in scenes if s.times}
    for e in events:
        if e.date is not None or e.type != DY.Agreement or not e.targets or e.status != "reported" \
                or e.told_apart or e.sentence[0] in timed:
            continue
        pair = {a.code for a in e.agents} | {t.code for t in e.targets}
        days = {o.date for o in events if o.type == DY.Consultation and o.date is not None and o.status == "reported"
                and {a.code for a in o.agents} | {t.code for t in o.targets} == pair}
        if len(days) == 1:
            e.date = next(iter(days))


def _statement_dates(events: list[Any], scenes: list[SentenceInfo]) -> None:
    """A statement goes on over several paragraphs and is dated once: "China menyesalkan ...,"
    demikian pernyataan MFA, Sabtu. ... MFA mendesak AS ...". An undated protest, demand,
    accusation or denial (or a summons its summoner's statement tells: "said it has summoned")
    takes the date of the same actor's last dated one told in the few sentences before it, when
    no other actor's dated act comes between (that starts another scene). A meeting's parties
    are its actor: what two states agreed or discussed undated is of their meeting told just
    before ("held a meeting in Lima on Thursday ... Cho and Iwaya have agreed to ...")."""
    index = {s.start: n for n, s in enumerate(scenes)}
    lead = next((s.paragraph for s in scenes if s.paragraph >= 0), 0)  # the headline (-1) and the first line
    for n, e in enumerate(events):
        # a summons the summoner's own statement tells ("said it has summoned") is of that statement's day
        # what a speaker says two states agreed, or what they "had agreed", may be older than the
        # meeting: "He said the two nations have agreed on a five-year plan"
        borrows = e.type in _BORROWERS or (e.type in _MEETINGS and not e.told_apart) or (e.type == DY.Summons and e.self_told)
        if e.date is not None or not borrows or e.status != "reported" or e.sentence[0] not in index:
            continue
        here = index[e.sentence[0]]
        who = _parties(e)
        lender = _MEETINGS if e.type in _MEETINGS else _BORROWERS
        e.date = _lent_date(reversed(events[:n]), e, here, index, who, lender, before=True)
        if e.date is None and e.type in _BORROWERS and scenes[here].paragraph <= lead:
            # the lead sums up what the body then tells and dates: "SBY menyayangkan sikap Abbott ...
            # \"Saya ... mengharapkan penjelasan\", kata SBY ..., Rabu (20/11/2013)"
            e.date = _lent_date(events[n + 1:], e, here, index, who, lender, before=False)


def _parties(e: Any) -> frozenset[str | None]:
    """Who an act is of, for date lending: its agents; both sides of a meeting or an agreement."""
    codes = {a.code for a in e.agents}
    return frozenset(codes | {t.code for t in e.targets}) if e.type in _MEETINGS else frozenset(codes)


def _lent_date(others: Iterable[Any], e: Any, here: int, index: dict[int, int], who: frozenset[str | None],
               lender: frozenset, before: bool) -> DateValue | None:
    """The date of the nearest dated act of the same actor among ``others`` (in reading order
    away from ``e``) within _STATEMENT_SPAN sentences; None past another actor's dated act."""
    for o in others:
        if o.date is None or o.sentence[0] not in index or o.sentence[0] == e.sentence[0] \
                or (o.sentence[0] > e.sentence[0]) == before:
            continue
        if abs(here - index[o.sentence[0]]) > _STATEMENT_SPAN or _parties(o) != who:
            return None
        if o.type in lender and o.status == "reported" and o.date.precision in ("day", "week"):
            return o.date
    return None


def definite_object(doc: Doc, j: int, hi: int, w: Words) -> int | None:
    """The head noun of a definite object right after token j: "the (renewed) claim", "serangan tersebut"."""
    low = [t.lower_ for t in doc[j:min(hi, j + 5)]]
    if doc.lang_ == "en":
        if low[:2] == ["a", "similar"]:  # "a similar attack": the same perpetrator's
            j += 1
        elif len(low) > 1 and low[1] in ("'s", "’s") and low[0] in weekday_names("en"):
            j += 1  # "Monday's incursion": as definite as "the incursion"
        elif not low or low[0] not in ("the", "this", "that", "these", "those"):
            return None
        for k in range(j + 1, min(hi, j + 4)):
            t = doc[k]
            if not t.is_alpha or t.text[:1].isupper():
                return None
            if k + 1 >= hi or not doc[k + 1].is_alpha or w.at(doc, k + 1, "object_enders"):
                return k
        return None
    for k in range(j, min(hi, j + 3)):  # Indonesian: head first, then "tersebut"/"itu"
        if k + 1 < hi and doc[k + 1].lower_ in ("tersebut", "itu", "ini", "serupa") and doc[k].is_alpha:
            return j if doc[j].is_alpha and not doc[j].text[:1].isupper() else None
    return None


def last_actor(doc: Doc, sent: Any, mentions: list[tuple[int, int, ActorMention]], events: list[Any],
               own: set[str | None], w: Words) -> list[ActorMention]:
    """The other actor an anaphoric act noun points back to: the agents of the last act told in the
    two sentences before by someone else, else the first actor the previous sentence names (not
    as a place: "a bomb went off in Kabul")."""
    if sent.prev_span is None:
        return []
    lo = sent.prev_span[0] if sent.prev2_span is None else sent.prev2_span[0]
    for e in reversed(events):
        if e.sentence[0] >= lo and e.sentence[0] < sent.start and not ({a.code for a in e.agents} & own):
            return list(e.agents)
    starts = doc.user_data["dyad_starts"]
    for i, _, m in mentions:
        if not sent.prev_span[0] <= starts[i] < sent.prev_span[1] or locative(doc, i, w):
            continue
        k = i - 1
        if k > 0 and doc[k].text == ",":  # "in Kabul, Afghanistan": the apposition is a place too
            k -= 1
            while k > 0 and doc[k].text[:1].isupper():
                k -= 1
            if k + 1 < i - 1 and locative(doc, k + 1, w):
                continue
        if m.code is not None and m.code not in own and m.kind in ("state", "organization", "person"):
            return [m]
    return []


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def referent(doc: Doc, head: int, mentions: list[tuple[int, int, ActorMention]], events: list[Any],
             own: set[str | None], nouns: dict[str, str]) -> list[ActorMention]:
    """Who the definite noun at token ``head`` belongs to: an earlier event of that noun's type, or
    an earlier occurrence of the noun with a coded actor beside it."""
    noun = _stem(doc[head].lower_)
    before = [e for e in events if e.trigger[1] <= doc[head].idx]
    etype = nouns.get(noun)
    if etype is not None:
        for e in reversed(before):
            if e.type == getattr(DY, etype) and not ({a.code for a in e.agents} & own):
                return list(e.agents)
    earlier = [k for k in range(head - 1, -1, -1) if _stem(doc[k].lower_) == noun]
    for k in earlier:
        if doc.lang_ == "en":  # "Tokyo's renewed claim", "Chinese coast guard vessels"
            near = [m[2] for m in mentions if k - 4 <= m[0] and m[1] <= k and m[2].code is not None]
        else:  # "serangan Israel", "serangan rudal Iran"
            near = [m[2] for m in mentions if k < m[0] <= k + 3 and m[2].code is not None]
        near = [m for m in near if m.code not in own]
        if near:
            return [near[-1] if doc.lang_ == "en" else near[0]]
    for k in earlier:  # the noun without an owner: the agent of an event told in that sentence
        owners = [e for e in events if e.sentence[0] <= doc[k].idx < e.sentence[1]
                  and not ({a.code for a in e.agents} & own)]
        if owners:
            return list(owners[0].agents)
    return []
