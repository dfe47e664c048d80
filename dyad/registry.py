"""The actor registry: states, organizations and persons, with their names in English and Indonesian.

State names come from maintained sources, never typed lists: ISO 3166-1 (pycountry) gives the
codes, Unicode CLDR (Babel) the English and Indonesian names. ``data/actors/*.yaml`` adds only
what those lack: aliases, English adjectives, capital metonyms, organizations (coded
international ones, bodies such as the Kremlin, state organs by pattern) and persons with posts.

:func:`load_registry` reads it once (cached); :func:`registry_graph` is the ``dyg:actors`` graph.
IRIs follow docs/design.md: ``dyid:state/KOR``, ``dyid:org/NATO``, ``dyid:org/RUS-kremlin``,
``dyid:person/kim-hong-kyun``, ``dyid:post/rus-ambassador-kor``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import babel
import pycountry
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, RDF, RDFS, SKOS, XSD

from dyad.errors import InputError
from dyad.namespace import DY, ID, PREFIXES
from dyad.resources import resource, read_yaml

LANGUAGES = ("en", "id")


def slug(text: str) -> str:
    """Lower case, ASCII-folded, words joined by ``-`` ("Kim Hong-kyun" -> "kim-hong-kyun")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def state_iri(code: str) -> URIRef:
    return ID[f"state/{code}"]


def org_iri(key: str) -> URIRef:
    return ID[f"org/{key}"]


def person_iri(name: str) -> URIRef:
    return ID[f"person/{slug(name)}"]


def post_iri(code: str, role: str, where: str | None = None) -> URIRef:
    return ID["post/" + slug(" ".join(p for p in (code, role, where) if p))]


@dataclass(frozen=True)
class Post:
    """A post a person holds: its role key, English label, where it is (state/org IRI), since when."""

    iri: URIRef
    role: str
    label: str
    post_in: URIRef
    since: str | None = None


@dataclass(frozen=True)
class Actor:
    """One registry actor. ``code`` is its own code or the code of what it acts for."""

    key: str
    iri: URIRef
    kind: str  # "state" | "organization" | "person"
    code: str | None
    labels: dict[str, str]  # preferred name per language
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # all names per language
    adjectives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    capitals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # places in a state (regions.yaml)
    short: tuple[str, ...] = ()
    acts_for: URIRef | None = None
    international: bool = False
    post: Post | None = None
    member_of: URIRef | None = None


@dataclass(frozen=True)
class Organ:
    """A kind of state organ recognised by pattern ("<head> <State>")."""

    key: str
    label: str
    kind: str
    envoy: bool
    heads: dict[str, tuple[str, ...]]


@dataclass
class Registry:
    states: dict[str, Actor]
    organizations: dict[str, Actor]
    persons: dict[str, Actor]
    organs: dict[str, Organ]
    anaphors: dict[str, dict[str, str]]
    anaphor_markers: dict[str, tuple[str, ...]]

    def actor(self, iri: URIRef) -> Actor | None:
        return self._by_iri.get(iri)

    def __post_init__(self) -> None:
        self._by_iri: dict[URIRef, Actor] = {
            a.iri: a for group in (self.states, self.organizations, self.persons) for a in group.values()
        }

    def coded(self, code: str) -> URIRef:
        """The IRI of the state or international organization with this code."""
        if code in self.states:
            return self.states[code].iri
        return self.organizations[code].iri

    def code_label(self, code: str, language: str = "en") -> str:
        actor = self.states.get(code) or self.organizations.get(code)
        return actor.labels.get(language) or actor.labels["en"] if actor else code

    def organ_iri(self, code: str, organ: str) -> URIRef:
        return org_iri(f"{code}-{organ}")


def _read(name: str) -> dict[str, Any]:
    path = resource("data", "actors", name)
    try:
        # libyaml's parser when PyYAML has it (the leaders list takes the pure-Python one ~0.5 s);
        # YAML 1.2 booleans, so that the code "NO" stays a code
        return read_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the actor registry: {exc}", where=str(path)) from None


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def _dedupe(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for name in group:
            if name and name not in seen:
                seen[name] = None
    return tuple(seen)


def _cldr_names(name: str) -> tuple[str, ...]:
    """CLDR names, plus the form without a parenthesised variant ("Myanmar (Burma)" -> "Myanmar")."""
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    return _dedupe([name, bare])


def _states(extra: dict[str, Any]) -> dict[str, Actor]:
    territories = {lang: babel.Locale(lang).territories for lang in LANGUAGES}
    states: dict[str, Actor] = {}
    for country in pycountry.countries:
        code = country.alpha_3
        more = extra.get(code) or {}
        labels: dict[str, str] = {}
        names: dict[str, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            cldr = territories[lang].get(country.alpha_2) or country.name
            labels[lang] = cldr
            iso = [n for n in (getattr(country, "common_name", None), country.name) if n and "," not in n]
            names[lang] = _dedupe(
                _cldr_names(cldr), _tuple((more.get("alias") or {}).get(lang)), iso if lang == "en" else ()
            )
        states[code] = Actor(
            key=code, iri=state_iri(code), kind="state", code=code, labels=labels, names=names,
            adjectives={k: _tuple(v) for k, v in (more.get("adjective") or {}).items()},
            capitals={k: _tuple(v) for k, v in (more.get("capital") or {}).items()},
        )
    # user-assigned codes that ISO 3166-1 leaves out (Kosovo, XK/XKX): named by CLDR via `alpha2`
    for code, more in extra.items():
        if code in states or not more.get("alpha2"):
            continue
        labels = {lang: territories[lang].get(more["alpha2"], code) for lang in LANGUAGES}
        states[code] = Actor(
            key=code, iri=state_iri(code), kind="state", code=code, labels=labels,
            names={lang: _dedupe([labels[lang]], _tuple((more.get("alias") or {}).get(lang))) for lang in LANGUAGES},
            adjectives={k: _tuple(v) for k, v in (more.get("adjective") or {}).items()},
            capitals={k: _tuple(v) for k, v in (more.get("capital") or {}).items()},
        )
    unknown = set(extra) - set(states)
    if unknown:
        raise InputError(f"unknown ISO 3166-1 alpha-3 codes {sorted(unknown)}; use codes such as KOR",
                         where=str(resource("data", "actors", "states.yaml")))
    return states


def _organizations(data: dict[str, Any]) -> tuple[dict[str, Actor], dict[str, Organ]]:
    orgs: dict[str, Actor] = {}
    for code, names in (data.get("international") or {}).items():
        n = {lang: _tuple(names.get(lang)) for lang in LANGUAGES}
        orgs[code] = Actor(key=code, iri=org_iri(code), kind="organization", code=code,
                           labels={lang: v[0] for lang, v in n.items() if v}, names=n, international=True)
    for key, body in (data.get("bodies") or {}).items():
        n = {lang: _tuple(body.get(lang)) for lang in LANGUAGES}
        code = body["actsFor"]
        orgs[key] = Actor(key=key, iri=org_iri(key), kind="organization", code=code,
                          labels={"en": body.get("label", key)}, names=n,
                          acts_for=state_iri(code) if len(code) == 3 and code.isupper() and code.isalpha()
                          and code not in orgs else org_iri(code))
    organs = {
        key: Organ(key=key, label=o["label"], kind=o.get("kind", key), envoy=bool(o.get("envoy")),
                   heads={lang: _tuple(o.get(lang)) for lang in LANGUAGES})
        for key, o in (data.get("organs") or {}).items()
    }
    return orgs, organs


def _persons(data: dict[str, Any], states: dict[str, Actor], orgs: dict[str, Actor]) -> dict[str, Actor]:
    persons: dict[str, Actor] = {}
    for name, p in data.items():
        code = p["actsFor"]
        acts_for = states[code].iri if code in states else orgs[code].iri
        org_key = p.get("org")
        post_in = org_iri(org_key) if org_key else acts_for
        where = p.get("where") or (org_key.split("-", 1)[1] if org_key else None)
        since = str(p["since"]) if p.get("since") is not None else None
        post = Post(post_iri(code, p.get("role", "official"), where), p.get("role", "official"),
                    p.get("post", p.get("role", "")), post_in, since)
        all_names = _dedupe([name], _tuple(p.get("aliases")))
        persons[name] = Actor(
            key=name, iri=person_iri(name), kind="person", code=code, labels={"en": name},
            names={lang: all_names for lang in LANGUAGES}, short=_tuple(p.get("short")),
            acts_for=acts_for, post=post, member_of=org_iri(org_key) if org_key else None,
        )
    return persons


@functools.lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Read the registry files and CLDR once; the result is shared (treat it as read-only)."""
    states = _states(_read("states.yaml"))
    for code, names in _read("regions.yaml").items():
        if code not in states:
            raise InputError(f"unknown ISO 3166-1 alpha-3 code {code!r}", where=str(resource("data", "actors", "regions.yaml")))
        states[code] = dataclasses.replace(states[code], regions={k: _tuple(v) for k, v in names.items()})
    org_data = _read("organizations.yaml")
    orgs, organs = _organizations(org_data)
    # leaders.yaml: heads of state and government and foreign ministers since 2000, so that "Prime
    # Minister Manmohan Singh" is India's without the article saying so (as PETRARCH's leader dictionaries)
    person_data = {**_read("leaders.yaml"), **_read("persons.yaml")}
    persons = _persons(person_data, states, orgs)
    anaphors = {lang: dict(v) for lang, v in (org_data.get("anaphors") or {}).items()}
    markers = {lang: _tuple(v) for lang, v in (org_data.get("anaphor_markers") or {}).items()}
    return Registry(states, orgs, persons, organs, anaphors, markers)


def _since_literal(since: str) -> Literal:
    if re.fullmatch(r"\d{4}", since):
        return Literal(since, datatype=XSD.gYear)
    return Literal(since, datatype=XSD.date)


def post_triples(person: URIRef, post: Post) -> list[tuple[URIRef, URIRef, Any]]:
    """The triples of a post and who holds it (used for the registry and for new persons)."""
    out: list[tuple[URIRef, URIRef, Any]] = [
        (post.iri, RDF.type, ORG.Post),
        (post.iri, ORG.postIn, post.post_in),
        (post.iri, RDFS.label, Literal(post.label, lang="en")),
        (post.iri, DY.role, Literal(post.role)),
        (post.iri, ORG.heldBy, person),
        (person, ORG.holds, post.iri),
    ]
    if post.since:
        out.append((post.iri, DY.heldSince, _since_literal(post.since)))
    return out


def registry_graph(registry: Registry | None = None) -> Graph:
    """The ``dyg:actors`` graph: every state, organization, person and post of the registry."""
    reg = registry or load_registry()
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for a in reg.states.values():
        g.add((a.iri, RDF.type, DY.State))
        g.add((a.iri, DY.code, Literal(a.code)))
        _names(g, a)
    for a in reg.organizations.values():
        g.add((a.iri, RDF.type, DY.InternationalOrganization if a.international else DY.Organization))
        if a.international:
            g.add((a.iri, DY.code, Literal(a.code)))
        if a.acts_for is not None:
            g.add((a.iri, DY.actsFor, a.acts_for))
        _names(g, a)
    for a in reg.persons.values():
        g.add((a.iri, RDF.type, DY.Person))
        g.add((a.iri, FOAF.name, Literal(a.key)))
        g.add((a.iri, DY.actsFor, a.acts_for))
        _names(g, a)
        if a.member_of is not None:
            g.add((a.iri, ORG.memberOf, a.member_of))
            if reg.actor(a.member_of) is None:  # an organ named only here: describe it
                g.add((a.member_of, RDF.type, DY.Organization))
                g.add((a.member_of, DY.actsFor, a.acts_for))
                organ = reg.organs.get(str(a.member_of).rsplit("-", 1)[-1])
                label = f"{organ.label} of {reg.code_label(a.code or '')}" if organ else str(a.member_of)
                g.add((a.member_of, RDFS.label, Literal(label, lang="en")))
        if a.post is not None:
            for t in post_triples(a.iri, a.post):
                g.add(t)
    return g


def _names(g: Graph, a: Actor) -> None:
    for lang, label in a.labels.items():
        g.add((a.iri, SKOS.prefLabel, Literal(label, lang=lang)))
        if lang == "en":
            g.add((a.iri, RDFS.label, Literal(label, lang="en")))
    for lang, names in a.names.items():
        for n in names:
            if n != a.labels.get(lang):
                g.add((a.iri, SKOS.altLabel, Literal(n, lang=lang)))
    for lang, names in a.capitals.items():
        for n in names:
            g.add((a.iri, SKOS.altLabel, Literal(n, lang=lang)))


__all__ = ["Actor", "Organ", "Post", "Registry", "load_registry", "registry_graph", "slug",
           "state_iri", "org_iri", "person_iri", "post_iri", "post_triples"]
