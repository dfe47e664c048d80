"""Actor mentions: states, organizations and persons named in an article.

Built once per language from the registry (``dyad.registry``: CLDR state names, aliases,
adjectives, capitals, organizations, persons) and the title lexicon
(``data/lexicons/<lang>/titles.yaml``): two spaCy PhraseMatchers over a blank tokenizer, one
case-sensitive for names, one case-insensitive for titles and organ heads. Matches are then
composed into noun phrases, in the order both languages use:

    [State ['s]] [organ] [title] [modifiers] [organ] [State | organization] [Name] [of State]

"Wakil Menteri Luar Negeri Pertama Korea Selatan Kim Hong-kyun" (title, state, name) is a person
acting for KOR; a person missing from the registry gets ``new_triples`` (person and post).
"duta besar Rusia" (envoy title, state) is RUS as an envoy; "Kementerian Luar Negeri Korea
Selatan" (organ, state) the organization ``dyid:org/KOR-mofa``; "China's foreign ministry" the
same in English. Later short mentions ("Kim", "kementerian tersebut", "the ministry") refer back.
A capital after a locative preposition ("di Seoul") is a place and no mention.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

import pycountry
from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, ORG, RDF, RDFS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from dyad.namespace import DY
from dyad.registry import Post, Registry, load_registry, person_iri, post_iri, post_triples
from dyad.resources import resource, read_yaml
from ingest.temporal import weekday_names
from ingest.nlp import blank

__all__ = ["ActorMention", "envoy_title_at", "find_actors", "doc_for", "names_state", "sentence_bounds", "state_named"]


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor: URIRef  # dyid:state/KOR, dyid:org/..., dyid:person/...
    code: str | None  # the code it acts for (KOR, NATO)
    kind: str  # "state" | "organization" | "person"
    envoy: bool  # an ambassador / chargé d'affaires / embassy (what a summons calls in)
    new_triples: tuple = ()  # triples describing an actor not in the registry
    inferred: bool = False  # a bare organ ("Kemlu") whose state the text leaves to the reader


# Organ kinds whose bare head ("the ministry", "Kementerian Luar Negeri di Seoul") names one organ;
# a bare "military"/"government" is usually an adjective or generic ("kerja sama militer").
_BARE_KINDS = frozenset({"ministry", "agency", "embassy", "office"})


@dataclass(frozen=True)
class _Role:
    key: str
    label: str
    envoy: bool


@dataclass
class _Lexicon:
    nlp: Any
    names: PhraseMatcher
    words: PhraseMatcher
    roles: dict[str, _Role]
    grammar: dict[str, frozenset[str]]
    registry: Registry
    anaphors: dict[str, str]  # head -> organ kind
    markers: frozenset[str] = frozenset()  # words after an anaphor that belong to it


@lru_cache(maxsize=8)
def _nlp(language: str) -> Any:
    try:
        return blank(language)
    except Exception:  # an unsupported code still tokenizes sensibly as the multi-language blank
        return blank("xx")


def doc_for(text: str, language: str, sentences: Sequence[Any] = ()) -> Doc:
    """The token view of the article text, shared by actors and extraction (cached per text)."""
    for s in sentences[:1]:
        doc = getattr(s, "doc", None)
        if doc is not None and doc.text == text:
            return doc
    return _doc(text, language)


@lru_cache(maxsize=4)
def _doc(text: str, language: str) -> Doc:
    return _nlp(language).make_doc(text)


def sentence_bounds(sentences: Iterable[Any]) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence: spaCy spans, pairs, or objects with start/end."""
    out = []
    for s in sentences:
        if hasattr(s, "start_char"):
            out.append((s.start_char, s.end_char))
        elif isinstance(s, tuple):
            out.append((int(s[0]), int(s[1])))
        else:
            out.append((int(s.start), int(s.end)))
    return out


def _read_titles(language: str) -> dict[str, Any]:
    path = resource("data", "lexicons", language, "titles.yaml")
    if not path.exists():
        path = resource("data", "lexicons", "en", "titles.yaml")
    return read_yaml(path)


_INITIAL = re.compile(r"\b([A-Z])\. (?=[A-Z])")


def _variants(name: str) -> list[str]:
    """The name and, when it starts in lower case ("the Philippines"), its capitalised form; a name
    with an initial also as pages run it into the next word ("George W.Bush", "Donald J.Trump")."""
    out = [name, name[0].upper() + name[1:]] if name and name[0].islower() else [name]
    return out + [_INITIAL.sub(r"\1.", n) for n in out if _INITIAL.search(n)]


def _lowered(name: str) -> list[str]:
    """A state's name, the same in capitals as a lead or headline sets it ("GREECE and Macedonia"),
    and, when it has several words, the form pages write with the later ones in lower case
    ("Sudan selatan", "Korea utara"): a capital first word still marks it a name."""
    words = name.split(" ")
    out = [name] + ([name.upper()] if len(name) > 3 and name.upper() != name else [])
    if len(words) < 2 or not name[:1].isupper():
        return out
    return out + [" ".join(words[:1] + [x.lower() for x in words[1:]])]


@lru_cache(maxsize=8)
def _lexicon(language: str) -> _Lexicon:
    reg = load_registry()
    nlp = _nlp(language)
    names = PhraseMatcher(nlp.vocab, attr="ORTH")
    words = PhraseMatcher(nlp.vocab, attr="LOWER")
    lang = language if language in ("en", "id") else "en"

    def add(matcher: PhraseMatcher, key: str, phrases: Iterable[str]) -> None:
        docs = [nlp.make_doc(v) for p in phrases if p for v in _variants(p)]
        if docs:
            matcher.add(key, docs)

    for code, st in reg.states.items():
        # both languages' names: English names are common in Indonesian text and vice versa
        add(names, f"state|{code}", [v for lg in ("en", "id") for n in st.names.get(lg, ()) for v in _lowered(n)])
        add(names, f"adj|{code}", st.adjectives.get(lang, ()))
        add(names, f"cap|{code}", st.capitals.get(lang, ()) + st.capitals.get("en", ()))
        add(names, f"region|{code}", st.regions.get(lang, ()) + st.regions.get("en", ()))
    for key, org in reg.organizations.items():
        add(names, f"org|{key}", [n for lg in ("en", "id") for n in org.names.get(lg, ())])
    for n, entry in enumerate(_context_entries()):
        add(names, f"ctx|{n}", entry["names"].get(lang, ()))
    for key, p in reg.persons.items():
        add(names, f"person|{key}", p.names.get(lang, ()))
        add(names, f"short|{key}", p.short)
    titles = _read_titles(lang)
    roles = {}
    for key, r in titles["roles"].items():
        roles[key] = _Role(key, r.get("label", key), bool(r.get("envoy")))
        add(words, f"title|{key}", r["forms"])
    for key, organ in reg.organs.items():
        add(words, f"organ|{key}", organ.heads.get(lang, ()))
    anaphors = reg.anaphors.get(lang, {})
    for head in anaphors:
        add(words, f"ana|{head}", [head])
    grammar = {k: frozenset(v or ()) for k, v in (titles.get("grammar") or {}).items()}
    return _Lexicon(nlp, names, words, roles, grammar, reg, anaphors,
                    frozenset(reg.anaphor_markers.get(lang, ())))


_RANK = {"ana": 2}  # on equal length an organ/title/name beats a bare anaphor head


@dataclass
class _Unit:
    i: int  # first token
    j: int  # end token (exclusive)
    cat: str  # state adj cap org person short title organ ana
    key: str


def _units(doc: Doc, lx: _Lexicon) -> list[_Unit]:
    """Non-overlapping matches, longest first (names win ties over words)."""
    found = []
    for matcher in (lx.names, lx.words):
        for match_id, i, j in matcher(doc):
            cat, key = lx.nlp.vocab.strings[match_id].split("|", 1)
            found.append((-(j - i), _RANK.get(cat, 1), i, j, cat, key))
    found.sort()
    taken = [False] * len(doc)
    units = []
    for _, _, i, j, cat, key in found:
        if any(taken[i:j]):
            continue
        for k in range(i, j):
            taken[k] = True
        units.append(_Unit(i, j, cat, key))
    units.sort(key=lambda u: u.i)
    return units


def _context_names(doc: Doc, units: list[_Unit]) -> list[_Unit]:
    """A name of ``data/actors/context_names.yaml`` ("the North") is its state's where the story
    names one of the states its entry lists under ``when`` (North or South Korea); else no one.
    Entries may share a name ("the South" of Korea and of Sudan): the one whose states the story
    names has it."""
    entries = _context_entries()
    named = {u.key for u in units if u.cat in ("state", "adj", "cap")}
    out = []
    for u in units:
        if u.cat == "ctx":
            text = doc[u.i:u.j].text
            entry = next((e for n, e in enumerate(entries) if named & set(e["when"]) and (
                n == int(u.key) or any(text in forms for forms in e["names"].values()))), None)
            if entry is None:
                continue
            u = _Unit(u.i, u.j, "state", entry["code"])
        out.append(u)
    return out


@lru_cache(maxsize=1)
def _context_entries() -> list[dict[str, Any]]:
    return list(read_yaml(resource("data", "actors", "context_names.yaml")) or ())


@lru_cache(maxsize=8)
def _weekdays(language: str) -> frozenset[str]:
    """A weekday ends a name: "summoned Russia's envoy Monday" names no one "Monday"."""
    try:
        return weekday_names(language)
    except ValueError:  # a language without a time lexicon
        return frozenset()


def _is_name_token(tok: Any) -> bool:
    t = tok.text
    return t[:1].isupper() and any(c.isalpha() for c in t) and not tok.is_punct


@dataclass
class _State:
    """Per-article memory for short mentions: surnames, the last organ of each kind."""

    short: dict[str, ActorMention] = field(default_factory=dict)
    organs: dict[str, ActorMention] = field(default_factory=dict)  # organ kind -> last mention


def names_state(doc: Doc, i: int, j: int, *, whole: bool = False) -> bool:
    """Tokens i..j name a state (its name or adjective): "AS" in "Perwakilan Khusus AS untuk ...";
    with ``whole``, the name is all they are ("British", "Prancis"; not "Menteri Luar Negeri Jepang")."""
    lx = _lexicon(doc.lang_ if doc.lang_ in ("en", "id") else "en")
    return any(lx.nlp.vocab.strings[m].split("|")[0] in ("state", "adj") and (not whole or (a, b) == (i, j))
               for m, a, b in lx.names(doc[i:j]))


def acts_for_state(m: ActorMention, language: str) -> bool:
    """The mention is a state or acts for one (its ministry, its officials): its code is a state's."""
    return m.kind != "person" and m.code is not None and m.code in _lexicon(language if language in ("en", "id") else "en").registry.states


def state_named(doc: Doc, i: int, j: int) -> ActorMention | None:
    """The first state tokens i..j name by its name, as a mention ("Aljazair" in "duta besar
    Prancis untuk Aljazair", which the envoy's mention takes in whole), else None."""
    lx = _lexicon(doc.lang_ if doc.lang_ in ("en", "id") else "en")
    found = sorted((a, b, lx.nlp.vocab.strings[m].split("|", 1)[1]) for m, a, b in lx.names(doc[i:j])
                   if lx.nlp.vocab.strings[m].startswith("state|"))
    if not found:
        return None
    a, b, code = found[0]
    return _mention(doc, a, b, lx.registry.states[code].iri, code, "state")


def envoy_title_at(doc: Doc, k: int) -> int:
    """The length of an envoy's title starting at token k ("Duta Besar", "the ambassador"), else 0."""
    lx = _lexicon(doc.lang_ if doc.lang_ in ("en", "id") else "en")
    best = 0
    for m, i, j in lx.words(doc[k:min(len(doc), k + 6)]):
        cat, key = lx.nlp.vocab.strings[m].split("|", 1)
        if i == k and cat == "title" and lx.roles[key].envoy:  # (a span's matches are told in the doc's positions)
            best = max(best, j - i)
    return best


def find_actors(article: Any, sentences: Sequence[Any]) -> list[ActorMention]:
    """Every actor mention in the article, in text order (see the module docstring)."""
    lx = _lexicon(article.language)
    doc = doc_for(article.text, article.language, sentences)
    bounds = sentence_bounds(sentences) or [(0, len(article.text))]
    starts = [b[0] for b in bounds]
    sent_of = [bisect.bisect_right(starts, t.idx) - 1 for t in doc]
    units = _context_names(doc, _units(doc, lx))
    at = {u.i: u for u in units}
    # whose a bare organ is: the dateline's state for any organ; the press's own state (or, for an
    # outlet of unknown country, the state the story leads with) for its foreign ministry only
    press = _press_home(article, lx)
    homes = (_dateline_code(article, lx), press or _lead_state(doc, units, article, lx), press)
    # capitals after a locative are places, not actors; extraction still needs the state they are
    # the capital of when they end a journey ("troops arrived in Minsk", "berkunjung ke Tokyo")
    # regions ("the breakaway region of Abkhazia", "Dataran Tinggi Golan") are always places
    doc.user_data["dyad_places"] = [_mention(doc, u.i, u.j, lx.registry.states[u.key].iri, u.key, "state")
                                    for u in units if u.cat == "cap" and _after_locative(doc, u.i, lx)
                                    or u.cat == "region"]
    memory = _State()
    mentions: list[ActorMention] = []
    covered: set[int] = set()
    k = 0
    n = len(doc)
    while k < n:
        m, end = _compose(doc, k, at, lx, memory, sent_of, homes)
        if m is not None:
            mentions.append(m)
            covered.update(range(k, end))
            k = end
        else:
            k += 1
    return mentions


def _dateline_code(article: Any, lx: _Lexicon) -> str | None:
    """The state of the dateline city ("SEOUL" -> KOR): home of organs named without a state."""
    city = (getattr(article, "dateline", None) or "").strip().lower()
    if not city:
        return None
    for code, st in lx.registry.states.items():
        if any(c.lower() == city for lg in st.capitals.values() for c in lg):
            return code
    return None


def _lead_state(doc: Doc, units: list[_Unit], article: Any, lx: _Lexicon) -> str | None:
    """The first state the body names as an actor (not a place): whom a report from an outlet of
    unknown country is about, and whose a bare "the foreign ministry" then is."""
    start = getattr(article, "body_start", 0)
    words = {u.i: u for u in units if u.cat in ("title", "organ")}
    for u in units:
        if doc[u.i].idx < start or u.cat not in ("state", "adj") or _after_locative(doc, u.i, lx):
            continue
        nxt = u.j + (1 if u.j < len(doc) and doc[u.j].lower_ in lx.grammar.get("possessive", ()) else 0)
        if nxt in words or (u.i - 1) in words or (u.i - 2) in words:
            continue  # "the Swedish envoy", "Menlu Saudi": part of another's title, not the story's actor
        return u.key
    return None


@lru_cache(maxsize=1)
def _press() -> dict[str, Any]:
    return read_yaml(resource("data", "actors", "press.yaml")) or {}


def _press_home(article: Any, lx: _Lexicon) -> str | None:
    """The state whose press the article is, when the dateline does not say: the outlet's
    country-code domain (".co.id", ".in", ".ph"), else the language's home press (Indonesian)."""
    press = _press()
    try:
        host = urlsplit(getattr(article, "url", None) or "").hostname or ""
    except ValueError:  # "http://[bad": no host to tell whose press it is
        host = ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) == 2 and tld not in press.get("vanity_tlds", ()):
        country = pycountry.countries.get(alpha_2="GB" if tld == "uk" else tld.upper())
        if country is not None and country.alpha_3 in lx.registry.states:
            return country.alpha_3
    home = (press.get("language_home") or {}).get(getattr(article, "language", None))
    return home if home in lx.registry.states else None


def _mention(doc: Doc, i: int, j: int, actor: URIRef, code: str | None, kind: str,
             envoy: bool = False, new: tuple = (), inferred: bool = False) -> ActorMention:
    span = doc[i:j]
    return ActorMention(span.start_char, span.end_char, span.text, actor, code, kind, envoy, new, inferred)


def _plain(doc: Doc, u: _Unit, lx: _Lexicon, memory: _State) -> ActorMention | None:
    reg = lx.registry
    if u.cat in ("state", "adj", "cap"):
        if u.cat == "cap" and _after_locative(doc, u.i, lx):
            return None  # "di Seoul": a place
        return _mention(doc, u.i, u.j, reg.states[u.key].iri, u.key, "state")
    if u.cat == "org":
        org = reg.organizations[u.key]
        return _mention(doc, u.i, u.j, org.iri, org.code, "organization")
    if u.cat in ("person", "short"):
        p = reg.persons[u.key]
        m = _mention(doc, u.i, u.j, p.iri, p.code, "person", p.post is not None and _is_envoy_role(lx, p.post.role))
        _remember_person(memory, m, p.key)
        return m
    return None


def _is_envoy_role(lx: _Lexicon, role: str) -> bool:
    r = lx.roles.get(role)
    return bool(r and r.envoy)


def _seat(doc: Doc, pos: int, at: dict[int, _Unit], g: dict[str, Any], sent_of: list[int], sent: int) -> _Unit | None:
    """A ministry or an official no state names, then where it sits: "a defence ministry
    spokesman in Seoul", "officials in Tokyo" are that capital's state's (an envoy's "in" is his
    posting, and no caller asks for one)."""
    if pos + 1 < len(doc) and doc[pos].lower_ in g.get("seat", ()) and (c := at.get(pos + 1)) is not None \
            and c.cat == "cap" and sent_of[c.j - 1] == sent:
        return c
    return None


def _after_locative(doc: Doc, i: int, lx: _Lexicon) -> bool:
    loc = lx.grammar.get("locatives", frozenset())
    prev = doc[i - 1].lower_ if i > 0 else ""
    prev2 = f"{doc[i - 2].lower_} {prev}" if i > 1 else ""
    return prev in loc or prev2 in loc


def _remember_person(memory: _State, m: ActorMention, name: str) -> None:
    parts = name.replace("-", " - ").split()
    words = [p for p in parts if p != "-"]
    for w in {words[0], words[-1]} if words else set():
        if len(w) > 2 and w[0].isupper():
            # "Rodriguez" after "Delcy Rodríguez": news drops accents as often as it keeps them
            for form in {w, _fold(w)}:
                memory.short[form] = m


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _coded(u: _Unit | None, lx: _Lexicon) -> tuple[str | None, URIRef | None]:
    """Code and IRI of a state/organization unit."""
    if u is None:
        return None, None
    if u.cat in ("state", "adj", "cap"):
        return u.key, lx.registry.states[u.key].iri
    if u.cat == "org":
        org = lx.registry.organizations[u.key]
        return org.code, lx.registry.coded(org.code) if org.code else org.iri
    return None, None


def _compose(doc: Doc, k: int, at: dict[int, _Unit], lx: _Lexicon, memory: _State,
             sent_of: list[int], homes: tuple[str | None, str | None, str | None]) -> tuple[ActorMention | None, int]:
    """Try to read one actor noun phrase starting at token k; return it and its end token."""
    g = lx.grammar
    sent = sent_of[k]
    pos = k

    def unit(cat: set[str]) -> _Unit | None:
        u = at.get(pos)
        return u if u is not None and u.cat in cat and sent_of[u.j - 1] == sent else None

    pre_state = None
    u = unit({"state", "adj", "org", "cap"}) if g.get("head_final") else None
    if u is not None and not (u.cat == "cap" and _after_locative(doc, u.i, lx)):
        pre_state = u
        pos = u.j
        if pos < len(doc) and doc[pos].lower_ in g.get("possessive", ()):
            pos += 1
        # a portfolio the lexicon does not know between the state and the title: "Iranian
        # Intelligence Minister", "the British Home Office" (capitalised words, then a title or organ)
        for n in (1, 2):
            nxt = at.get(pos + n)
            if nxt is not None and nxt.cat in ("title", "organ") and pos not in at and all(
                    x < len(doc) and x not in at and doc[x].is_alpha and doc[x].text[:1].isupper()
                    and sent_of[x] == sent for x in range(pos, pos + n)):
                pos += n
                break
    organ = unit({"organ"})
    if organ is not None:
        pos = _past_gloss(doc, organ.j, at)
    title = unit({"title"})
    if title is not None:
        pos = _past_gloss(doc, title.j, at)
    if pre_state is not None and organ is None and title is None:
        return _plain(doc, pre_state, lx, memory), pre_state.j
    if organ is None and title is None:
        u = at.get(k)
        if u is not None and u.cat == "ana":
            return _anaphor(doc, u, lx, memory, sent_of)
        if u is not None:
            return _plain(doc, u, lx, memory), u.j
        short = memory.short.get(doc[k].text) or memory.short.get(_fold(doc[k].text))
        if short is not None and _is_name_token(doc[k]) and not (k + 1 < len(doc) and _is_name_token(doc[k + 1])
                                                                 and _fold(doc[k + 1].text) not in memory.short):
            return _mention(doc, k, k + 1, short.actor, short.code, short.kind, short.envoy), k + 1
        return None, k + 1
    # after the title: modifiers, then an organ and/or a state ("juru bicara kementerian luar negeri Tiongkok")
    gap = pos
    while gap < len(doc) and gap - pos < 5 and gap not in at and doc[gap].lower_ in g.get("title_modifiers", ()):
        gap += 1
    post_state = None
    if title is not None:
        save = pos
        pos = gap
        if organ is None and (o := unit({"organ"})) is not None:
            organ = o
            pos = o.j
        if (s := unit({"state", "adj", "org", "cap"})) is None and gap < len(doc) and doc[gap].lower_ in g.get("of", ()):
            # "Ambassadors and representatives from the US", "Duta besar dari Swedia"
            pos = gap + 1 + (1 if gap + 1 < len(doc) and doc[gap + 1].lower_ in g.get("determiners", ()) else 0)
            s = unit({"state", "adj", "org"})
            pos = s.j if s is not None else pos
        if s is not None and not (pre_state is not None and any(
                doc[x].lower_ in g.get("conjunctions", ()) for x in range(save, s.i))):
            # (not "the US foreign minister and Indonesia's ...": the title has its state, the "and"
            # opens another actor)
            post_state = s
            pos = s.j
        if post_state is None and organ is None:
            pos = save
        if post_state is None and pre_state is None and not lx.roles[title.key].envoy \
                and (seat := _seat(doc, pos, at, g, sent_of, sent)) is not None:
            post_state, pos = seat, seat.j
    elif organ is not None:
        if (s := unit({"state", "adj", "org", "cap"})) is not None:
            post_state = s
            pos = s.j
        elif pos + 1 < len(doc) and doc[pos].lower_ in g.get("of", ()) and (s := at.get(pos + 1)) is not None \
                and s.cat in ("state", "adj", "org"):
            post_state = s
            pos = s.j
        elif pre_state is None and (seat := _seat(doc, pos, at, g, sent_of, sent)) is not None:
            post_state, pos = seat, seat.j
    code, coded_iri = _coded(post_state or pre_state, lx)
    if title is None:
        assert organ is not None
        return _organ_mention(doc, k, pos, organ, code, lx, memory, homes)
    # an envoy's posting before the name: "Japanese Ambassador to China Hideo Tarumi", "the Japanese
    # ambassador to China, Hideo Tarumi," (two name words at least; the posting is no code of his)
    if lx.roles[title.key].envoy and pos + 1 < len(doc) and doc[pos].lower_ in g.get("envoy_to", ()):
        host = at.get(pos + 1)
        if host is not None and host.cat in ("state", "cap") and sent_of[host.j - 1] == sent:
            q = host.j + (1 if host.j < len(doc) and doc[host.j].text == "," else 0)
            if q + 1 < len(doc) and q not in at and _is_name_token(doc[q]) and _is_name_token(doc[q + 1]) \
                    and sent_of[q + 1] == sent:
                pos = q
    # a name after the title: a registry person or a new one
    person_unit = at.get(pos)
    if person_unit is not None and person_unit.cat in ("person", "short") and (
            (code is not None and lx.registry.persons[person_unit.key].code not in (None, code))
            or (person_unit.j < len(doc) and person_unit.j not in at and _is_name_token(doc[person_unit.j]))):
        # "Canadian High Commissioner Cameron MacKay" is not David Cameron: a registry name that
        # disagrees with the title's state, or is only the first of the names, is someone else
        name_end, person_unit = person_unit.j, None
    else:
        name_end = pos
    if person_unit is not None and person_unit.cat in ("person", "short"):
        name_end = person_unit.j
    else:
        days = _weekdays(doc.lang_)
        while name_end < len(doc) and name_end - pos < 4 and name_end not in at and sent_of[name_end] == sent and (
            _is_name_token(doc[name_end]) and doc[name_end].lower_ not in days
            or (doc[name_end].text == "-" and not doc[name_end - 1].whitespace_ and name_end > pos)
            or (name_end > pos and doc[name_end - 1].text == "-")
        ):
            name_end += 1
    end = name_end
    # "President Volodymyr Zelenskiy of Ukraine"
    if code is None and end + 1 < len(doc) and doc[end].lower_ in g.get("of", ()):
        s = at.get(end + 1) or (at.get(end + 2) if doc[end + 1].lower_ in g.get("determiners", ()) else None)
        # not "the leader of Ethiopia's Tigray region": the state there owns another noun
        if s is not None and s.cat in ("state", "adj", "org") and not (
                s.j < len(doc) and doc[s.j].lower_ in g.get("possessive", ())):
            code, coded_iri = _coded(s, lx)
            end = s.j
        elif s is not None and s.cat == "organ" and lx.registry.organs[s.key].kind == "embassy" \
                and s.j + 1 < len(doc) and doc[s.j].lower_ in g.get("of", ()):
            # "the Chargé d'Affaires of the Embassy of the United States": the embassy's state's envoy
            e = s.j + 1 + (1 if doc[s.j + 1].lower_ in g.get("determiners", ()) else 0)
            state_u = at.get(e)
            if state_u is not None and state_u.cat in ("state", "adj"):
                code, coded_iri = _coded(state_u, lx)
                end = state_u.j
    role = lx.roles[title.key]
    envoy = role.envoy
    # "atase pertahanan Nobuhisa Goto di Kedutaan Besar Jepang", "attaché X at the Japanese embassy":
    # a diplomat of no stated country is the embassy's; any official posted there is its envoy
    # ("seorang pejabat senior di Kedutaan Besar Jepang")
    post = end
    while post < min(len(doc), end + 2) and doc[post].lower_ in g.get("title_modifiers", ()) and post not in at:
        post += 1  # "pejabat senior di ...": an adjective after the title
    if code is None and post + 1 < len(doc) and doc[post].lower_ in g.get("at_post", ()):
        e = post + 1 + (1 if doc[post + 1].lower_ in g.get("determiners", ()) else 0)
        first = at.get(e)
        second = at.get(first.j) if first is not None and first.j < len(doc) else None
        organ_u, state_u = (second, first) if g.get("head_final") else (first, second)
        if organ_u is not None and state_u is not None and organ_u.cat == "organ" and state_u.cat in ("state", "adj") \
                and lx.registry.organs[organ_u.key].kind == "embassy":
            code, coded_iri = _coded(state_u, lx)
            end, envoy = second.j, True
    if person_unit is not None and person_unit.cat in ("person", "short"):
        p = lx.registry.persons[person_unit.key]
        m = _mention(doc, k, end, p.iri, p.code, "person", envoy or _is_envoy_role(lx, p.post.role if p.post else ""))
        _remember_person(memory, m, p.key)
        return m, end
    if code is None and not g.get("head_final") and (st := at.get(name_end)) is not None and st.cat in ("state", "adj") \
            and all(doc[x].text[:1].isupper() for x in range(pos, name_end)) and name_end - pos == 1:
        # "Menteri Informasi Kamboja": a portfolio no lexicon holds, then the state: that state's
        # minister (a head-initial language names the state after the title)
        code, coded_iri = _coded(st, lx)
        end = st.j
        name_end = pos
    if name_end > pos:
        name = doc[pos:name_end].text
        inferred = False
        if code is None:
            code = memory.short[name].code if name in memory.short else None
            if code is None and organ is None and title.key in _press().get("home_roles", ()):
                # "Menteri Pertahanan Ryamizard Ryacudu" in Indonesian press, "Defence Minister X" under
                # a NEW DELHI dateline: a member of the home government (never the story's lead state)
                code = homes[0] or homes[2]
                inferred = code is not None
            coded_iri = lx.registry.coded(code) if code else None
        iri = person_iri(name)
        new = _new_person(iri, name, code, coded_iri, role, lx, organ)
        m = _mention(doc, k, end, iri, code, "person", envoy, new, inferred)
        _remember_person(memory, m, name)
        return m, end
    if code is None and organ is not None:
        om, _ = _organ_mention(doc, k, pos, organ, None, lx, memory, homes)
        code = om.code if om else None
        coded_iri = lx.registry.coded(code) if code else None
    if code is None or coded_iri is None:
        return None, k + 1
    kind = "organization" if coded_iri and "/org/" in str(coded_iri) else "state"
    return _mention(doc, k, end, coded_iri, code, kind, envoy), end


def _past_gloss(doc: Doc, j: int, at: dict[int, _Unit]) -> int:
    """After a title or organ, a gloss in brackets is part of it: "Kuasa Usaha (Charge d'affaires)
    Latvia", "Perdana Menteri (PM) Australia", "Kementerian Luar Negeri (Kemlu) RI"."""
    if j >= len(doc) or doc[j].text != "(":
        return j
    for k in range(j + 1, min(len(doc), j + 6)):
        if doc[k].text == ")":
            return k + 1
        if k in at and at[k].cat in ("state", "adj", "cap"):
            return j  # "(Rusia)": a state in brackets is no gloss of the title
    return j


def _organ_mention(doc: Doc, i: int, j: int, organ: _Unit, code: str | None, lx: _Lexicon,
                   memory: _State, homes: tuple[str | None, str | None, str | None]) -> tuple[ActorMention | None, int]:
    reg = lx.registry
    o = reg.organs[organ.key]
    if code is None:  # a bare organ: the last one of its kind, else the dateline's or the home press's state
        if o.kind not in _BARE_KINDS:
            return None, j
        last = memory.organs.get(o.key)
        if last is not None:
            m = _mention(doc, i, j, last.actor, last.code, "organization", last.envoy)
            return m, j
        code = homes[0] or (homes[1] if o.key in _press().get("home_organs", ()) else None)
        if code is None:
            return None, j
        inferred = True
    else:
        inferred = False
    iri = reg.organ_iri(code, o.key)
    new = ((iri, RDF.type, DY.Organization), (iri, DY.actsFor, reg.coded(code)),
           (iri, RDFS.label, Literal(f"{o.label} of {reg.code_label(code)}", lang="en")))
    m = _mention(doc, i, j, iri, code, "organization", o.envoy, new, inferred)
    memory.organs[o.key] = m
    memory.organs[o.kind] = m
    return m, j


def _anaphor(doc: Doc, u: _Unit, lx: _Lexicon, memory: _State, sent_of: list[int]) -> tuple[ActorMention | None, int]:
    """'kementerian tersebut', 'the ministry', 'Kantor Yoon' -> the organ meant."""
    kind = lx.anaphors[u.key]
    nxt = u.j
    if nxt < len(doc) and _is_name_token(doc[nxt]) and doc[nxt].text in memory.short and kind == "office":
        person = memory.short[doc[nxt].text]  # "Kantor Yoon": the office of that person
        if person.code:
            reg = lx.registry
            iri = reg.organ_iri(person.code, "presidency")
            new = ((iri, RDF.type, DY.Organization), (iri, DY.actsFor, reg.coded(person.code)),
                   (iri, RDFS.label, Literal(f"Presidential office of {reg.code_label(person.code)}", lang="en")))
            return _mention(doc, u.i, nxt + 1, iri, person.code, "organization", False, new), nxt + 1
    if nxt < len(doc) and _is_name_token(doc[nxt]) and doc[nxt].text not in lx.grammar.get("determiners", ()):
        return None, u.j  # "Kantor Berita ..." or a proper name: not an anaphor
    last = memory.organs.get(kind)
    if last is None:
        return None, u.j
    end = u.j + 1 if nxt < len(doc) and doc[nxt].lower_ in lx.markers else u.j
    return _mention(doc, u.i, end, last.actor, last.code, "organization", last.envoy), end


def _new_person(iri: URIRef, name: str, code: str | None, coded_iri: URIRef | None, role: _Role,
                lx: _Lexicon, organ: _Unit | None) -> tuple:
    triples: list[tuple] = [(iri, RDF.type, DY.Person), (iri, RDFS.label, Literal(name)), (iri, FOAF.name, Literal(name))]
    if code is None or coded_iri is None:
        return tuple(triples)
    triples.append((iri, DY.actsFor, coded_iri))
    where = organ.key if organ is not None else None
    post_in = lx.registry.organ_iri(code, organ.key) if organ is not None else coded_iri
    if organ is not None:
        triples.append((iri, ORG.memberOf, post_in))
    label = f"{role.label} of {lx.registry.code_label(code)}"
    post = Post(post_iri(code, role.key.replace("_", "-"), where), role.key, label, post_in)
    triples.extend(post_triples(iri, post))
    return tuple(triples)
