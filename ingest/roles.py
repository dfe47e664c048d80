"""Who acts and who is acted on: agent and target of a trigger inside one sentence.

Rules (words from ``data/lexicons/<lang>/triggers.yaml``, ``words:``):

- *agent*: the nearest coded actor before the trigger in its clause, skipping adverbs, times and
  an appositive ("Malaysia, yang juga ..., mengecam"); a pair ("Baik Rusia maupun Korea Utara",
  "X and Y") gives two agents; a group reference ("kedua negara", "the two countries") stands
  for the last pair of states the article named together;
- a participle after a comma (", accusing Tehran of ...", "..., seraya menuduh") is an adjunct of
  the main clause: it takes the sentence subject, not the nearest actor;
- *target* by the trigger type's rule (envoy, destination, object, direct, addressee, with);
  coordinated actors ("met X and Y") are all targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ingest.actors import ActorMention, envoy_title_at, names_state
from ingest import clauses
from ingest.clauses import Words

__all__ = ["Sent", "coded", "opening_subject", "opening_subjects", "frame_date", "agents_left", "targets", "quoted_speaker", "quote_time", "after_coordinator", "participial",
           "locative", "is_time", "group_ref", "demand_counts", "with_conjuncts", "object_and_time", "trailing_time",
           "inside_quote", "parties_listed"]


@dataclass
class Sent:
    lo: int
    hi: int
    start: int
    end: int
    mentions: list[tuple[int, int, ActorMention]]  # token start, token end, mention
    times: list[tuple[int, int, Any]]
    # coordinators that join two actor noun phrases ("Lavrov and Whitman"): not clause boundaries
    np_and: frozenset[int] = field(default_factory=frozenset)
    pair: list[ActorMention] = field(default_factory=list)  # the article's last pair of states
    # capitals after a locative ("to Minsk", "ke Kyiv"): places, and the state a deployment goes to
    places: list[tuple[int, int, ActorMention]] = field(default_factory=list)
    # deployments without a destination state: no event, but what a speaker may allege (offset, agents)
    claims: list[tuple[int, list[ActorMention]]] = field(default_factory=list)
    head: int | None = None  # the sentence's first verb (-1: none), cached by ingest.extract
    verbs: frozenset[int] = frozenset()  # where the sentence's triggers start (ingest.extract)
    # who "dia"/"he" at the start of this sentence is: the last actor the story named as acting
    previous: list[ActorMention] = field(default_factory=list)
    # the two sentences before (character spans): where an anaphoric "the move" points back to
    prev_span: tuple[int, int] | None = None
    prev2_span: tuple[int, int] | None = None
    # every actor mention of the article (token spans): who speaks a quote closed sentences later
    all_mentions: list[tuple[int, int, ActorMention]] = field(default_factory=list)
    # where troops of no named state arrived ("Pasukan Asing Tiba di Timor Leste"): shared by the
    # article's sentences, the destination of a later "Malaysia mengirimkan 209 pasukan"
    arrivals: list[ActorMention] = field(default_factory=list)


def coded(m: ActorMention) -> bool:
    return m.code is not None


def is_time(sent: Sent, k: int) -> bool:
    return any(a <= k < b for a, b, _ in sent.times)


def locative(doc: Doc, i: int, w: Words) -> bool:
    """Token i is named as a place ("in Jakarta", "to Manila", "dari Beijing"); not after a noun
    whose "to" marks what it is aimed at ("opposition to Japan", "a protest to China")."""
    n = w.ending_at(doc, i, "destination")
    if n and w.ending_at(doc, i - n, "aimed_to"):
        return False
    return bool(n or w.ending_at(doc, i, "place")) or (i > 0 and doc[i - 1].lower_ in ("dari", "from"))


def np_coordinators(doc: Doc, mentions: list[tuple[int, int, ActorMention]], w: Words, *,
                    headline: bool = False) -> frozenset[int]:
    """Coordinator tokens between two coded actor mentions ("X dan Y", "X and Y"). A bracketed
    alias goes with the name before it: "Korea Selatan, Amerika Serikat (AS), dan Jepang". A
    headline joins two states with a bare comma ("Uzbekistan, Tajikistan sign treaty")."""
    out = set()
    ends: dict[int, tuple[int, int, ActorMention]] = {}
    for a in mentions:
        if coded(a[2]):
            alias = bracketed_alias(doc, mentions, a[1])
            if alias is not None:
                out.update(range(a[1], alias[1] + 1))
            name = None if alias is not None else _bracketed_name(doc, a[1])
            if name is not None:  # "Menteri Pertahanan AS (Lloyd Austin) dan ...": the holder's name
                out.update(range(a[1], name))
            ends[alias[1] + 1 if alias is not None else name if name is not None else a[1]] = a
    starts = {a[0] for a in mentions if coded(a[2])}
    for e in ends:
        n = w.at(doc, e, "pair_joiners")
        if n and e + n in starts:
            out.update(range(e, e + n))
        elif n and e + n + 1 in starts and (doc[e + n].lower_ in ("the", "a", "an") or w.at(doc, e + n, "list_adverbs")):
            out.update(range(e, e + n + 1))  # "X and the Chinese envoy", "the US, UK and now Canada"
        elif e < len(doc) and doc[e].text == "," and (m := w.at(doc, e + 1, "pair_joiners")) and e + 1 + m in starts:
            out.update(range(e, e + 1 + m))  # the serial comma: "Turki, Iran, dan Pakistan"
        elif headline and e < len(doc) and doc[e].text == "," and e + 1 in starts and ends[e][2].kind == "state" \
                and any(a[0] == e + 1 and a[2].kind == "state" and a[2].code != ends[e][2].code for a in mentions):
            out.add(e)
    # a list: "X, Y and Z" (the commas of a list whose last item is joined by "and")
    end_of = {a[0]: e for e, a in ends.items()}
    for e in sorted(ends):
        chain, k = [], e
        while k < len(doc) and doc[k].text == "," and (k + 1 in end_of or (
                k + 2 in end_of and doc[k + 1].lower_ in ("the", "a", "an"))):
            chain.extend((k, k + 1) if k + 1 not in end_of else (k,))  # "South Korea, the United States and"
            k = end_of[k + 1] if k + 1 in end_of else end_of[k + 2]
        if chain and k in out:
            out.update(chain)
    return frozenset(out)


def _bracketed_name(doc: Doc, end: int) -> int | None:
    """The token after a bracketed personal name right after token ``end`` ("(Lloyd Austin)"):
    one to four capitalised words, nothing else."""
    if end >= len(doc) or doc[end].text != "(":
        return None
    close = next((k for k in range(end + 1, min(len(doc), end + 6)) if doc[k].text == ")"), None)
    if close is None or close == end + 1 or not all(doc[k].is_alpha and doc[k].text[:1].isupper()
                                                     for k in range(end + 1, close)):
        return None
    return close + 1


def _name_opened(doc: Doc, close: int, lo: int) -> int | None:
    """The opening bracket of the bracketed personal name (``_bracketed_name``) that token
    ``close`` closes, from ``lo`` on; None when ``close`` closes no such name."""
    if close < lo or doc[close].text != ")":
        return None
    opened = next((o for o in range(close - 1, max(lo, close - 6) - 1, -1) if doc[o].text == "("), None)
    return opened if opened is not None and _bracketed_name(doc, opened) == close + 1 else None


def bracketed_alias(doc: Doc, mentions: list[tuple[int, int, ActorMention]], end: int) -> tuple[int, int, ActorMention] | None:
    """The mention in brackets right after token ``end`` ("Amerika Serikat (AS)"), if any."""
    if end >= len(doc) or doc[end].text != "(":
        return None
    return next((m for m in mentions if m[0] == end + 1 and m[1] < len(doc) and doc[m[1]].text == ")"), None)


def private(doc: Doc, a: tuple[int, int, ActorMention], w: Words) -> bool:
    """The state names only whose coach, club, shareholders or court it is ("Japan's coach",
    "Australian shareholders", "Pelatih Indonesia", "Football Australia"): not the state acting."""
    i, j = a[0], a[1]
    if j < len(doc) and doc[j].lower_ in ("'s", "’s"):
        j += 1
    if j + 2 < len(doc) and w.at(doc, j, "pair_joiners"):  # "Japanese and Australian shareholders"
        j += 2
    if (n := w.at(doc, j, "private_heads")) and w.at(doc, j + n, "unit_heads"):
        return False  # "Pakistan's military media wing", "the US press office": the state's own unit
    return bool(w.at(doc, j, "private_heads") or w.ending_at(doc, i, "private_heads") and not (
        w.ending_at(doc, i - w.ending_at(doc, i, "private_heads"), "unit_heads")))


def group_ref(doc: Doc, sent: Sent, lo: int, hi: int, w: Words) -> list[ActorMention]:
    """"kedua negara" / "the two countries" between lo and hi: the last pair of states named."""
    if len(sent.pair) < 2:
        return []
    for k in range(lo, hi):
        if w.at(doc, k, "group_refs", lo, hi):
            return list(sent.pair)
    return []


_SUBJECT_GAP = 3  # words between a subject and its verb (adverbs and times aside): "X's top envoy"


def agents_left(doc: Doc, sent: Sent, t: int, lo: int, w: Words, *, noun: bool = False) -> list[ActorMention]:
    """The nearest coded actor before token t (from lo), with its pair partner; skips appositives.
    ``noun``: the trigger is a noun ("visit", "telephone conversation"), whose article and modifiers
    stand between no subject and its verb ("is on a five-day state visit to", "held, eventually, a
    telephone conversation")."""
    k = t - 1
    if noun:
        m, named = k, {x for a in sent.mentions for x in range(a[0], a[1])}
        while m >= max(lo, t - 6) and m not in named and not w.at(doc, m, "np_articles", lo, t) and (
                doc[m].text == "-" or doc[m].like_num or (doc[m].is_alpha and doc[m].is_lower)):
            m -= 1
        if m >= lo and m not in named and w.at(doc, m, "np_articles", lo, t):
            k = m - 1

    def asides(k: int) -> int:
        while k >= lo and (w.at(doc, k, "adverbs", lo, t) or w.at(doc, k, "hypothetical", lo, t)
                           or (doc[k].text in ("(", ")") and not any(a[1] == k + 1 for a in sent.mentions))
                           or is_time(sent, k)):
            # a bracketed name no registry knows is the post's holder: "Menteri Pertahanan Indonesia (Budi Santoso)"
            opened = _name_opened(doc, k, lo)
            if opened is not None and not any(opened < a[0] < k for a in sent.mentions):
                k = opened
            k -= 1  # brackets are skipped unless a mention ends with them: "Kementerian Luar Negeri (Kemlu)"
        return k

    k, appositive = asides(k), True
    if k >= lo and doc[k].text == ",":
        # "X's media wing, ISPR, however, refuted": an aside set off by commas, then an appositive;
        # an actor before the aside is the subject ("Presiden Yudhoyono, Senin sore, melakukan")
        m = asides(k - 1)
        if lo <= m < k - 1 and doc[m].text == ",":
            k, appositive = m, not any(a[1] == m and coded(a[2]) for a in sent.mentions)
    apposed: list[tuple[int, int, ActorMention]] = []
    if appositive and k >= lo and doc[k].text == ",":  # "Malaysia, yang juga ..., mengecam": skip the appositive
        k2 = k - 1
        while k2 >= lo and doc[k2].text != ",":
            k2 -= 1
        if k2 >= lo:
            # "Maj. X, a spokesman for the Thai army in the disputed area, denied": a name no
            # registry codes, whose post in the appositive names the state
            if k2 - 1 >= lo and doc[k2 - 1].text[:1].isupper() and not any(
                    a[1] == k2 and coded(a[2]) for a in sent.mentions):
                apposed = [a for a in sent.mentions if k2 < a[0] and a[1] <= k and coded(a[2])
                           and doc[a[0]].is_lower  # a post ("spokesman for the Thai army"), not "a farmer in Thailand"
                           and not locative(doc, a[0], w) and not private(doc, a, w)]
            k = k2
    if k >= lo and w.at(doc, k, "relativizers", lo, t):
        # "banyak negara yang telah menandatangani", "countries which signed": the head noun is
        # the subject; when it is no actor, the clause has none (never the sentence's speaker)
        end = k - 1 if k - 1 >= lo and doc[k - 1].text == "," else k  # "The two ministers, who spoke"
        head = [a for a in sent.mentions if a[1] == end and coded(a[2])]
        return [head[0][2]] if head else group_ref(doc, sent, max(lo, end - 4), end, w)
    cands = [a for a in sent.mentions if lo <= a[0] and a[1] <= k + 1 and coded(a[2]) and not locative(doc, a[0], w)
             and not private(doc, a, w)]
    group = group_ref(doc, sent, cands[-1][1] if cands else lo, k + 1, w)
    if group:
        return group
    if apposed:
        return [apposed[0][2]]
    if not cands:
        return []
    best = cands[-1]
    # "Pakistan's military media wing refuted": a possessive's nouns are all the state's
    owned = best[1] < len(doc) and doc[best[1]].lower_ in ("'s", "’s") and all(
        doc[x].is_lower and doc[x].is_alpha and not w.at(doc, x, "auxiliaries") for x in range(best[1] + 1, k + 1))
    if k + 1 - best[1] > _SUBJECT_GAP + (2 if owned else 0):
        return []  # "... as regional president accused": the subject is an actor no registry codes
    post = best[0] - w.ending_at(doc, best[0], "determiners", lo)
    if (n := w.ending_at(doc, post, "envoy_posted", lo)):
        # "the US ambassador to the United Nations Samantha Power slammed": the envoy acts, not
        # the post he holds
        envoy = [a for a in cands if a[1] == post - n and a[2].envoy]
        best = envoy[0] if envoy else best
    if best[0] - 2 >= lo and doc[best[0] - 1].text == "(":
        # "Menteri Pertahanan Indonesia (Prabowo) bertemu": the bracketed name goes with the post before it
        named = next((a for a in cands if a[1] == best[0] - 1 and bracketed_alias(doc, sent.mentions, a[1]) == best), None)
        best = named or best
    agents = [best[2]]
    # a pair or a list: "Baik Rusia maupun Korea Utara", "Indonesia dan Australia", "both X and Y",
    # "Turki, Iran, dan Pakistan"
    cur = best
    while True:
        start = cur[0]
        if start - 2 >= lo and doc[start - 1].lower_ in ("of", "dari"):
            # "Salva Kiir of South Sudan": the person the state follows
            owner = [a for a in sent.mentions if a[1] == start - 1 and lo <= a[0] and a[2].code == cur[2].code]
            if owner:
                start = owner[0][0]
        if (n := w.ending_at(doc, start, "counterpart_nouns", lo)):
            # "Lavrov and his U.S. counterpart John Kerry": the name's post stands between
            post = [a for a in sent.mentions if a[1] == start - n and lo <= a[0] and a[2].kind == "state"]
            s2 = post[0][0] if post else start - n
            if w.ending_at(doc, s2, "possessives", lo):
                start = s2
        if start - 2 >= lo and doc[start - 1].text == ",":
            # "dan Hakan Fidan, Menteri Luar Negeri Turki": a name before its post, set off by a comma
            m = start - 2
            while m >= max(lo, start - 6) and doc[m].is_alpha and doc[m].text[:1].isupper():
                m -= 1
            if start - 2 > m >= lo and w.at(doc, m, "pair_joiners", lo) and not any(
                    a[0] < start - 1 and a[1] > m + 1 and coded(a[2]) and a[2].code != cur[2].code
                    for a in sent.mentions):  # not "Turki, Iran"
                start = m + 1
        before = start - 1
        before -= w.ending_at(doc, start, "determiners", lo) or \
            w.ending_at(doc, start, "possessives", lo)  # "the GCC and the European Union", "and his"
        joined = before >= lo and (w.at(doc, before, "pair_joiners", lo) or before in sent.np_and)
        if joined and doc[before].text in ("-", "–") and (doc[before].whitespace_ or doc[before - 1].whitespace_):
            joined = False  # "RI-Australia" is a pair; "Washington - Korea Utara ..." a dateline and its lead
        if joined and before - 1 >= lo and doc[before - 1].text == "," and (
                (before - 1) in sent.np_and or any(a[1] == before - 1 and coded(a[2]) for a in sent.mentions)):
            before -= 1  # "Iran, dan Pakistan": the serial comma
        if joined and before - 1 >= lo and doc[before - 1].text == ")":
            # "Amerika Serikat (AS), dan Jepang": past the bracketed alias to the name it follows
            alias = next((a for a in cands if a[1] == before - 1 and a[0] - 1 >= lo), None)
            if alias is not None and bracketed_alias(doc, sent.mentions, alias[0] - 1) == alias:
                before = alias[0] - 1
            elif alias is None and not any(a[1] == before for a in sent.mentions):
                # "Menteri Pertahanan AS (Lloyd Jones) dan": past the holder's name
                opened = _name_opened(doc, before - 1, lo)
                if opened is not None:
                    before = opened
        # the list may open with "from": "Utusan dari Korea Selatan, AS, dan Jepang mengutuk ..."
        prev = [a for a in sent.mentions if a[1] == before and lo <= a[0] and coded(a[2]) and not private(doc, a, w)
                and (not locative(doc, a[0], w) or doc[a[0] - 1].lower_ in ("dari", "from"))] if joined else []
        if not prev or prev[0][2].code in {a.code for a in agents}:
            return agents
        agents.insert(0, prev[0][2])
        cur = prev[0]


def after_coordinator(doc: Doc, sent: Sent, i: int, w: Words) -> bool:
    """The trigger follows "dan"/"and" (adverbs and times may intervene): a coordinated verb."""
    k = i - 1
    while k >= sent.lo and (w.at(doc, k, "adverbs", sent.lo, i) or is_time(sent, k)):
        k -= 1
    return k >= sent.lo and bool(w.ending_at(doc, k + 1, "coordinators", sent.lo))


def participial(doc: Doc, sent: Sent, i: int, w: Words) -> bool:
    """", accusing Tehran of ..." / ", seraya menuduh ...": an adjunct of the main clause."""
    k = i - 1
    while k > sent.lo and w.at(doc, k, "adverbs", sent.lo, i):
        k -= 1
    if k > sent.lo and w.ending_at(doc, k + 1, "adjunct_markers", sent.lo):
        return True
    if k > sent.lo and w.ending_at(doc, k + 1, "gerund_markers", sent.lo) and \
            (doc[i].lower_.endswith("ing") if doc.lang_ == "en" else doc[i].lower_.startswith("me")):
        return True  # "countered by accusing India of ...", "dengan menuduh ...": the subject's own act
    if w.at(doc, i, "talk_nouns", i, i + 1):
        # "left Algiers after several hours of talks with X", "setelah perundingan dengan X": a
        # meeting set as the time of the main act is its subject's
        x = i - 1
        while x > max(sent.lo, i - 6) and (doc[x].is_lower or doc[x].like_num or doc[x].text == "-") \
                and not w.at(doc, x, "adjunct_preps", x, i):
            x -= 1
        if x >= sent.lo and w.at(doc, x, "adjunct_preps", x, i):
            return True
    if k <= sent.lo or doc[k].text != ",":
        return False
    # "X dan Y, Jumat siang, melakukan pertemuan": a time set off by commas is inserted between a
    # subject and its verb, not the end of a clause the verb would be an adjunct of
    opener = next((x for x in range(k - 1, max(sent.lo, k - 6) - 1, -1) if doc[x].text == ","), None)
    if opener is not None and (any(a <= opener + 1 and b >= k - 1 for a, b, _ in sent.times)
                               or all(is_time(sent, x) or w.at(doc, x, "day_parts", x, k) for x in range(opener + 1, k))):
        return False
    # English present participle; Indonesian active meN- verb with no subject of its own
    return doc[i].lower_.endswith("ing") if doc.lang_ == "en" else doc[i].lower_.startswith("me")


def opening_subject(sent: Sent) -> list[ActorMention]:
    """The coded actor a sentence opens with (times aside): its subject when no verb told us."""
    k = sent.lo
    while k < sent.hi and is_time(sent, k):
        k += 1
    first = [a for a in sent.mentions if k <= a[0] <= k + 1 and coded(a[2])]
    return [first[0][2]] if first else []


def opening_subjects(doc: Doc, sent: Sent, w: Words) -> list[ActorMention]:
    """The actors a sentence opens with, after a fronted time ("Tiga minggu yang lalu, A, B, dan C
    memutuskan ..."): its subject list."""
    k = sent.lo
    while k < sent.hi and (is_time(sent, k) or doc[k].text == ","):
        k += 1
    first = next((a for a in sent.mentions if k <= a[0] <= k + 1 and coded(a[2])), None)
    return with_conjuncts(sent, first) if first is not None else []


def fronted_subject(doc: Doc, sent: Sent, i: int, w: Words) -> list[ActorMention]:
    """"Responding to India's accusation, Pakistan said ...", "Menanggapi protes Indonesia, Australia
    ...": a participle that opens its sentence is the act of the main clause's subject, named
    right after the comma that closes the participle's phrase."""
    k = sent.lo
    while k < i and (w.at(doc, k, "adverbs", sent.lo, i) or is_time(sent, k) or doc[k].text in ('"', "“")):
        k += 1
    if k != i or not (doc[i].lower_.endswith("ing") if doc.lang_ == "en" else doc[i].lower_.startswith("me")):
        return []
    comma = next((x for x in range(i + 1, sent.hi) if doc[x].text == ","), None)
    if comma is None:
        return []
    first = next((a for a in sent.mentions if comma < a[0] <= comma + 2 and coded(a[2])), None)
    return with_conjuncts(sent, first) if first is not None else []


def framing_speaker(doc: Doc, sent: Sent, k: int, w: Words) -> list[ActorMention] | None:
    """Who speaks the verb of saying or denying nearest before token k ("The ministry said it ...",
    "Venezuela denied that its troops ..."), the subject before it; None when no such verb stands
    before k (one after a comma or a quote ends a quote's attribution, not a frame)."""
    for x in range(k - 1, sent.lo - 1, -1):
        if (w.at(doc, x, "speech", sent.lo, k) or w.at(doc, x, "denial_frames", sent.lo, k)) \
                and not (x > sent.lo and doc[x - 1].text in (",", '"', "”")):
            return agents_left(doc, sent, x, sent.lo, w)
    return None


def pronoun_subject(doc: Doc, sent: Sent, i: int, w: Words, *, mutual: bool = False) -> list[ActorMention]:
    """"Dia mendesak Filipina ...", "He urged ...": a pronoun right before the verb stands for the
    actor the story last named acting (in an earlier sentence). Of an act done together (mutual:
    talks, an accord), "They agreed ...", "Mereka membahas ..." stand for the story's last pair."""
    k = i - 1
    while k >= sent.lo and (w.at(doc, k, "adverbs", sent.lo, i) or is_time(sent, k)):
        k -= 1
    personal = k >= sent.lo and w.at(doc, k, "pronouns", k, i) == 1
    if k < sent.lo or not (personal or w.at(doc, k, "speaker_pronouns", k, i) == 1):
        return []
    # "The ministry said it had summoned ...", "denied that it had sent troops": after a verb of
    # saying or denying, the pronoun is the speaker
    speaker = framing_speaker(doc, sent, k, w)
    if speaker is not None:
        return speaker
    if mutual and w.at(doc, k, "plural_pronouns", k, i) == 1 and not any(a[1] == k for a in sent.mentions):
        return list(sent.pair)
    return list(sent.previous) if personal else []


def inside_quote(doc: Doc, sent: Sent, i: int) -> bool:
    """Token i stands inside a quote the sentence opened before it (an odd number of quote marks)."""
    return sum(doc[k].text in _QUOTES for k in range(sent.lo, i)) % 2 == 1


def quoted_speaker(doc: Doc, sent: Sent, i: int, w: Words) -> list[ActorMention]:
    """Who speaks the quote the verb at i stands in: '"Kami mengutuk ...," kata kementerian',
    '"We condemn ...," the ministry said', 'The minister stated, "We call upon ..."'."""
    for k in range(i, sent.hi):
        if k > sent.lo and doc[k - 1].text in _QUOTE_ENDS and (
                w.at(doc, k, "attribution_pronominal", k, sent.hi) or
                (w.at(doc, k, "pronouns", k, sent.hi) == 1 and (w.at(doc, k + 1, "attribution", k + 1, sent.hi)
                                                                 or w.at(doc, k + 1, "quote_attribution", k + 1, sent.hi)))):
            # '..." pungkasnya', '...," he said': the actor the story last named acting
            return list(sent.previous)[:1]
        n = w.at(doc, k, "attribution", sent.lo, sent.hi)
        if not n or k == sent.lo:
            continue
        if doc[k - 1].text in _QUOTE_ENDS:  # '..." said the ministry', '...," kata Kemlu'
            after = [a[2] for a in sent.mentions if k + n <= a[0] < k + n + 3 and coded(a[2])]
            before = [a[2] for a in sent.mentions if a[1] <= k and a[0] > i and coded(a[2]) and doc[a[0] - 1].text in ('"', "”", ",")]
            return after[:1] or before[-1:]
        # '...," India said' / '...," the Indian ministry said': the speaker between quote and verb
        speaker = [a for a in sent.mentions if a[1] == k and a[0] > i and coded(a[2])]
        if speaker:
            s0 = speaker[0][0] - w.ending_at(doc, speaker[0][0], "determiners", sent.lo)
            if s0 > sent.lo and doc[s0 - 1].text in ('"', "”", "'"):
                return [speaker[0][2]]
    # 'X stated, "We call upon ..."': the quote opened after a speech verb and its speaker
    opens = [k for k in range(sent.lo, i) if doc[k].text in ('"', "“")]
    if opens and inside_quote(doc, sent, i) \
            and not any(doc[k].text in _QUOTES for k in range(i, sent.hi)):
        # '"Kami mendesak AS ... . Hal ini ...," ungkap Hua.': closed, and said, sentences later
        later = _speaker_after(doc, sent, sent.hi, w)
        if later:
            return later
    if opens and inside_quote(doc, sent, i):
        o = opens[-1]
        k = o - 1
        while k > sent.lo and doc[k].text in (",", ":"):
            k -= 1
        if k > sent.lo and w.ending_at(doc, k + 1, "speech", sent.lo):
            verb = k + 1 - w.ending_at(doc, k + 1, "speech", sent.lo)
            return agents_left(doc, sent, verb, sent.lo, w)[:1]
    return []


def quote_time(doc: Doc, sent: Sent, i: int, w: Words) -> Any:
    """The time of the attribution that closes the quote the verb at i stands in: '"Kami
    mendesak AS ...," kata juru bicara Hua, Jumat (5/10)': the quote was said then."""
    before = [k for k in range(sent.lo, i) if doc[k].text in _QUOTES]
    if before and (len(before) % 2 == 0 or doc[before[-1]].text == "”"):
        return None  # the verb stands after a closed quote, in the reporter's own words
    for q in range(i + 1, sent.hi):
        if doc[q].text == "“":
            return None
        if doc[q].text not in ('"', "”") or doc[q - 1].text not in _QUOTE_ENDS and not doc[q - 1].is_punct:
            continue
        n = q + 1 + (q + 1 < sent.hi and doc[q + 1].text == ",")
        said = any(w.at(doc, k, "attribution", n, sent.hi) or w.at(doc, k, "attribution_pronominal", n, sent.hi)
                   for k in range(n, min(sent.hi, n + 6)))
        if not said:
            return None
        inside = [(a, m.value) for a, b, m in sent.times if a > q and m.value is not None]
        return min(inside, key=lambda x: x[0])[1] if inside else None
    return None


def attribution_time(doc: Doc, sent: Sent, i: int, hi: int, w: Words) -> Any:
    """The time of the attribution that closes the sentence ("Nigeria summoned a senior Ghanaian
    diplomat ..., foreign minister Geoffrey Onyeama said on Monday."): the act is told as of then,
    as a quote is (quote_time). Only when the attribution ends the sentence, after a comma, and no
    other act's verb stands between."""
    for k in range(max(hi, i + 1), sent.hi):
        if k in sent.verbs and k > i:
            return None
        n = w.at(doc, k, "attribution", k, sent.hi)
        if not n or not any(doc[x].text == "," for x in range(max(i + 1, k - 8), k)):
            continue
        # "said on Monday", "kata juru bicara Kemlu pada Senin (3/12)": the time within the
        # attribution, the speaker's words only between
        found = [(a, b, m.value) for a, b, m in sent.times
                 if m.value is not None and k + n <= a <= k + n + 8 and not any(x in sent.verbs for x in range(k + n, a))]
        if not found:
            return None
        a, b, value = min(found, key=lambda f: f[0])
        return value if b >= sent.hi - 1 or doc[b].is_punct else None
    return None


def trailing_time(doc: Doc, sent: Sent, i: int, w: Words) -> Any:
    """The time that closes the sentence after a comma, with nothing after it but a place:
    "Indonesia memanggil dubes Rusia, Selasa (13/12/2016).", "... diberangkatkan menuju Lebanon
    dalam upacara militer, Selasa (13/12/2016) di Plaza Mabes TNI" - the news style that dates the
    sentence's act at its end. Not past another act's verb: the time is then that act's."""
    covered = {x for a, b, m in sent.times for x in range(a, b)}
    for a, b, m in sent.times:
        # a time that opens with "in", "since", "sejak" ... is a span or another noun's time
        if m.value is None or a <= i or w.at(doc, a, "span_openers", a, b):
            continue
        k = a - w.ending_at(doc, a, "time_preps", i)
        if k <= i or doc[k - 1].text != ",":
            continue
        if any(x in sent.verbs for x in range(i + 1, sent.hi)):
            return None
        k = b
        # "Sabtu (30/5) pagi.": the part of the day belongs to the time
        while k < sent.hi and (k in covered or doc[k].is_punct or w.at(doc, k, "day_parts", k, sent.hi)):
            k += max(1, w.at(doc, k, "day_parts", k, sent.hi))  # "dini hari": two words
        if k < sent.hi and not w.at(doc, k, "place", k, sent.hi):
            continue
        return m.value
    return None


def _speaker_after(doc: Doc, sent: Sent, k: int, w: Words, reach: int = 80) -> list[ActorMention]:
    """The speaker named right after the first closing quote from token k on (within ``reach``
    tokens): '...," ungkap Hua', '...," the ministry said'."""
    for q in range(k, min(len(doc), k + reach)):
        if doc[q].text == "“":
            return []  # a new quote opens: the one we are in was closed unattributed (a straight one closes it)
        if doc[q].text not in ('"', "”"):
            continue
        after = [a for a in sent.all_mentions if q < a[0] <= q + 4 and coded(a[2])]
        n = q + 1
        if n < len(doc) and doc[n].text == ",":
            n += 1
        if after and (w.at(doc, n, "attribution", n, len(doc)) or w.at(doc, after[0][1], "attribution", n, len(doc))):
            return [after[0][2]]  # '..., " ungkap Hua', '...," the Chinese ministry said'
        return []
    return []


_QUOTES = frozenset({'"', "“", "”"})
QUOTE_MARKS = _QUOTES
_QUOTE_ENDS = frozenset({",", '"', "”", "'"})


def _places(sent: Sent, first: tuple[int, int, ActorMention]) -> list[ActorMention]:
    """A destination and the states coordinated with it: "ke Polandia dan Rumania"."""
    return [first[2]] + [a for a in with_conjuncts(sent, first)[1:] if a.kind == "state"]


def with_conjuncts(sent: Sent, first: tuple[int, int, ActorMention]) -> list[ActorMention]:
    """The actor and those coordinated with it: "Lavrov and Whitman", "X dan Y"."""
    out = [first[2]]
    end = first[1]
    while True:
        nxt = next((a for a in sent.mentions if a[0] > end and all(k in sent.np_and for k in range(end, a[0]))
                    and coded(a[2])), None)
        if nxt is None or not any(k in sent.np_and for k in range(end, nxt[0])):
            return out
        out.append(nxt[2])
        end = nxt[1]


def parties_listed(doc: Doc, sent: Sent, first: tuple[int, int, ActorMention], hi: int,
                   w: Words) -> list[ActorMention]:
    """The parties a "between" list names, each with its own title: "a call between Seoul's special
    representative Kim, with his counterpart from Japan, and the US special representative for
    North Korea". A party opens a list item: it follows a comma, "and" or "with" with at most a
    determiner, a possessive or capitalised title words between, or it is a counterpart's state
    ("counterpart from Japan"). Not a portfolio ("for North Korea"); the list ends at the first
    comma after its last "and" (", Russia said")."""
    out = [first[2]]
    # where the item after the list's "and" ends; an "and" between capitalised words is a title's
    # ("Perwakilan Khusus untuk Urusan Perdamaian dan Keamanan")
    joiner = next((k for k in range(first[1], hi) if w.at(doc, k, "pair_joiners", k, k + 1) and not (
        doc[k - 1].text[:1].isupper() and k + 1 < len(doc) and doc[k + 1].text[:1].isupper())), None)
    last = None if joiner is None else next((k for k in range(joiner, hi) if doc[k].text == ","), hi)
    for a in sent.mentions:
        if not first[1] <= a[0] < hi or not coded(a[2]) or (last is not None and a[0] > last):
            continue
        # "for Sudan" before the mention or closing it ("the envoy for South Sudan" read as one
        # mention): only capitalised words between the portfolio word and the mention's end
        # (not when the mention names its state before the portfolio: "Perwakilan Khusus AS untuk
        # Korea Utara Jung Pak" is the US envoy)
        if any(w.ending_at(doc, k, "portfolio", first[1]) and all(doc[x].text[:1].isupper() for x in range(k, a[1]))
               and not (k > a[0] and names_state(doc, a[0], k - 1))
               for k in range(max(first[1], a[0] - 2), a[1])):
            continue
        opens = _opens_item(doc, a[0], first[1], w)
        if w.ending_at(doc, a[0], "counterpart_from", first[1]) or opens:
            out.append(a[2])
        if opens == "joiner" and last is None:
            last = next((k for k in range(a[1], hi) if doc[k].text == ","), hi)
    return out


def _opens_item(doc: Doc, i: int, lo: int, w: Words) -> str | None:
    """What opens the list item at token i: "comma", "joiner" ("and"), "with"; None when i is inside one."""
    k = i
    while k > lo and k > i - 4 and (doc[k - 1].text[:1].isupper() or w.at(doc, k - 1, "determiners", k - 1, k)
                                    or w.at(doc, k - 1, "possessives", k - 1, k)):
        k -= 1
    if k <= lo:
        return None
    if doc[k - 1].text == ",":
        return "comma"
    if w.ending_at(doc, k, "pair_joiners", lo):
        return "joiner"
    return "with" if w.ending_at(doc, k, "with", lo) else None


def envoys_listed(sent: Sent, envoy: tuple[int, int, ActorMention]) -> list[ActorMention]:
    """An envoy and the states listed with it: "the Swedish and Dutch ambassadors", "the envoys
    of the US, UK and Canada", "Ambassadors from the US, Netherlands ... and Italy"."""
    return [a for a in with_conjuncts(sent, envoy) if a.envoy or a.kind == "state"]


def targets(doc: Doc, sent: Sent, etype: str, rule: str, j: int, obj_end: int, cl_hi: int,
            w: Words) -> list[ActorMention] | None:
    """The target(s) by the trigger type's rule; None when the rule says this is no event."""
    after = [a for a in sent.mentions if j <= a[0] < cl_hi and coded(a[2])]
    if rule == "envoy":
        first = next((a for a in after if not locative(doc, a[0], w)), None)
        if first is None and w.at(doc, j, "envoy_anaphors", j, cl_hi):
            # "summoned the envoy again", "memanggil dubes tersebut": the envoy the story named last
            told = [a for a in sent.all_mentions if a[1] <= sent.lo and a[2].envoy and coded(a[2])]
            return [told[-1][2]] if told else None
        if first is None or not first[2].envoy:
            return None  # a summons calls in an envoy; anything else (a court, one's own) is not one
        k = j + (1 if j < cl_hi and doc[j].lower_ in ("the", "its", "his", "their", "a") else 0)
        if first[0] > k and k < cl_hi and envoy_title_at(doc, k) and not any(
                a[0] <= k < a[1] and coded(a[2]) for a in sent.mentions) \
                and any(doc[x].text in (",", ";") for x in range(k, first[0])):
            # "memanggil Duta Besar (Dubes) negara ini di Kanada, ... mengusir Dubes Kanada": the
            # envoy called is one no state is named for (its own, called home); a later one is not him
            return None
        return envoys_listed(sent, first)
    if rule == "destination":  # a state (or its capital): troops are not sent to "a report by U.N. experts"
        after = sorted([a for a in after if a[2].kind == "state"] + [a for a in sent.places if j <= a[0] < cl_hi],
                       key=lambda a: a[0])
        if obj_end == j:
            # a verb of going whose object is where ("memasuki wilayah kedaulatan Indonesia",
            # "entered Philippine waters", "invaded Ukraine"): the troops went before it
            k = j
            while k < cl_hi and (n := w.at(doc, k, "territory_words", j, cl_hi)):
                k += n
            direct = [a for a in after if a[0] == k]
            if direct:
                return _places(sent, direct[0])
        for a in after:
            if a[0] >= obj_end - 1 and w.ending_at(doc, a[0], "destination", j):
                return _places(sent, a)
            if a[0] >= obj_end and w.ending_at(doc, a[0], "place", obj_end):
                return _places(sent, a)  # "stationed 1,000 troops in Estonia", "tiba di Belarus"
            k = a[0]
            while k > max(j, a[0] - 4) and not w.ending_at(doc, k, "destination"):
                k -= 1
            # no other named place between ("to Middle East amid Iran tensions")
            if k > j and k >= obj_end and w.ending_at(doc, k, "destination") and not w.ending_at(doc, k, "according_to") and all(
                    doc[x].text not in (",",) and not doc[x].text[:1].isupper() for x in range(k, a[0])):
                return _places(sent, a)
        for a in after:
            if w.ending_at(doc, a[0], "beneficiary", j):
                return _places(sent, a)
        return []
    if etype == "Denial":  # the claimant of what is denied: "menolak pernyataan Korea Selatan"
        for a in after:
            if a[0] - j <= 4 and w.ending_at(doc, a[0], "claim_nouns", j):
                return [a[2]]
            if a[1] < len(doc) and doc[a[1]].lower_ in ("'s", "’s") and w.at(doc, a[1] + 1, "claim_nouns"):
                return [a[2]]
            # "denied on Tuesday accusations by Kiev", "membantah tuduhan dari Ukraina": who made it after
            # the noun (not "reports from Somali residents": people of the state are not the state)
            # ("tuduhan palsu yang dibuat pejabat Iran": one adjective may stand between)
            if a[0] - j <= 7 and (n := w.ending_at(doc, a[0], "claim_by", j)) and not private(doc, a, w) and (
                    w.ending_at(doc, a[0] - n, "claim_nouns", j) or a[0] - n - 1 > j and doc[a[0] - n - 1].is_lower
                    and doc[a[0] - n - 1].is_alpha and w.ending_at(doc, a[0] - n - 1, "claim_nouns", j)):
                return [a[2]]
            # "denied a Ukrainian intelligence report": an adjective inside the claim noun phrase
            if a[0] - j <= 2 and any(w.at(doc, x, "claim_nouns") for x in range(a[1], min(a[1] + 3, cl_hi))):
                return [a[2]]
            # "menolak klaim kedaulatan China": the claimant after a modifier of the claim noun
            if a[0] - j <= 5 and any(w.at(doc, x, "claim_nouns") for x in range(max(j, a[0] - 3), a[0] - 1)) \
                    and doc.lang_ != "en":
                return [a[2]]
        return []
    if rule == "with":
        for a in after:
            # (or the trigger ends with it: "menerima telepon dari Menlu Iran")
            if w.ending_at(doc, a[0], "with", j) or (a[0] > 0 and w.ending_at(doc, a[0] - 1, "with", j)) \
                    or (a[0] == j and w.ending_at(doc, j, "with")):
                return with_conjuncts(sent, a)
            # "dengan mitranya dari Iran", "with his counterpart from Iran"
            n = w.ending_at(doc, a[0], "counterpart_from", j)
            if n and (w.ending_at(doc, a[0] - n, "with", j) or w.ending_at(doc, a[0] - n - 1, "with", j)):  # "with his"
                return [a[2]]
        near = [a for a in after if a[0] - j <= 2 and not locative(doc, a[0], w)
                and not any(w.at(doc, x, "topic_preps", j, a[0]) for x in range(j, a[0]))]
        # "berkunjung ke Tokyo", "a visit to Hanoi", "kunjungan balasan ke Jakarta"; not where talks were
        # held ("held talks in Doha")
        near = near or [a for a in after + sent.places if 0 <= a[0] - j <= 2 and w.ending_at(doc, a[0], "destination")]
        return with_conjuncts(sent, near[0]) if near else []
    cands = [a for a in after if not locative(doc, a[0], w)]
    if rule in ("direct", "addressee"):
        direct = [a for a in cands if a[0] - j <= 2]
        if not direct and rule == "direct" and obj_end > j:
            # "responded to the accusation from India", "merespons protes yang disampaikan Kemlu":
            # the reply is aimed at whoever made what it answers
            direct = [a for a in after if obj_end <= a[0] <= obj_end + 4 and w.ending_at(doc, a[0], "claim_by", obj_end)][:1]
        if not direct and rule == "addressee" and (group := group_ref(doc, sent, j, min(j + 3, cl_hi), w)):
            return group  # "mendesak kedua negara untuk menahan diri", "urged both sides to"
        if not direct and rule == "addressee":
            # "demanded an explanation from India", "meminta klarifikasi dari Jakarta": whom the thing is asked of
            for a in after:
                at = a[0] - w.ending_at(doc, a[0], "np_articles", j)  # "from the Indian government"
                n = w.ending_at(doc, at, "asked_of", j)
                # (the thing may end the trigger: "sought an explanation from")
                if n and a[0] - j <= 6 and w.ending_at(doc, at - n, "asked_things", j - 1):
                    direct = [a]
                    break
        if not direct and rule == "addressee":
            # "demanded (on Wednesday) that Iran ...", "menuntut agar Tiongkok ...": the complement's subject
            for k in range(j, min(j + 6, cl_hi + 1, sent.hi)):
                n = w.at(doc, k, "complementizers", j, sent.hi)
                if n:
                    direct = [a for a in sent.mentions if k + n <= a[0] <= k + n + 1 and coded(a[2])]
                    break
        cands = direct
    return with_conjuncts(sent, cands[0]) if cands else []


def generic_addressee(doc: Doc, j: int, cl_hi: int, w: Words) -> bool:
    """"called on the international community to ...", "meminta semua pihak menahan diri": a call
    aimed at a party no registry codes, and still a diplomatic one (``generic_addressees``)."""
    for k in range(j, min(cl_hi, j + 3)):
        n = w.at(doc, k, "generic_addressees", j, cl_hi)
        # not the start of a longer name: "the World Bank", "the world's largest economies"
        if n and not (k + n < len(doc) and (doc[k + n].text[:1].isupper() or doc[k + n].lower_ in ("'s", "’s"))):
            return True
    return False


def demand_counts(doc: Doc, sent: Sent, i: int, j: int, cl_hi: int, targets: list[ActorMention], weak: bool,
                  w: Words) -> bool:
    """Whether a demand verb at [i, j) is a diplomatic Demand.

    A demand is a speech act aimed at someone: it counts when it names its addressee, an actor
    ("urged China to", "called on Iran to", "meminta Australia agar", "demanded that Belarus
    free ..."). Without one it counts only when what is demanded is a diplomatic object from the
    lexicon (``demand_objects``: a ceasefire, a withdrawal, restraint, the release of detainees),
    as in "Indonesia dan Prancis menyerukan gencatan senjata", or when it is aimed at a party no
    registry codes (``generic_addressees``: "the international community", "semua pihak"). Anything else - "demanded a special
    meeting", "kebutuhan mendesak", "meminta maaf" - is no event. Weak verbs ("asked", "meminta")
    need the addressee: "meminta gencatan senjata" is too often a plea of anyone to anyone.
    """
    if targets:
        return True
    if generic_addressee(doc, j, cl_hi, w):
        return True
    if weak:
        return False
    # the object may be part of the trigger: "sought an explanation", "meminta klarifikasi"
    return any(w.at(doc, k, "demand_objects", i, cl_hi) for k in range(i, min(cl_hi, j + 7)))


def object_and_time(doc: Doc, sent: Sent, k: int, w: Words) -> Any:
    """"met Tonga's prime minister and cabinet on Wednesday": an "and" inside the object, not
    before a clause of its own (no trigger, speech verb or new actor subject in what follows), does
    not end the search for the trigger's time."""
    if k >= sent.hi or not w.at(doc, k, "coordinators", sent.lo, sent.hi) or k in sent.np_and:
        return None
    k += w.at(doc, k, "coordinators", sent.lo, sent.hi)
    if any(a[0] == k for a in sent.mentions):
        return None
    hi = clauses.clause_end(doc, k - 1, sent.hi, w, commas=True, skip=sent.np_and)
    if any(x in sent.verbs or w.at(doc, x, "speech", sent.lo, sent.hi) for x in range(k, hi)):
        return None
    inside = [(a, m) for a, b, m in sent.times if k <= a < hi and m.value is not None]
    return min(inside, key=lambda x: x[0])[1].value if inside else None


def frame_date(doc: Doc, sent: Sent, i: int, w: Words) -> Any:
    """The time of a sentence-opening frame ("Dalam pertemuan pada Rabu (4/9/2024), kedua menteri
    membahas ...", "At a meeting on Wednesday, the two ministers ..."): it dates the act after its comma."""
    if not w.at(doc, sent.lo, "scene_frames", sent.lo, sent.hi):
        return None
    comma = next((k for k in range(sent.lo, i) if doc[k].text == ","), None)
    if comma is None:
        return None
    inside = [m.value for a, b, m in sent.times if sent.lo <= a < comma and m.value is not None]
    return inside[-1] if inside else None
