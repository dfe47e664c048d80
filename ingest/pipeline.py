"""One article through the ingest stages: sentences, times, actors, events, graph."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from ingest import nlp, temporal
from ingest.actors import find_actors
from ingest.extract import EventMention, extract
from ingest.mapping import KnownEvents, to_graph

__all__ = ["ArticleResult", "process"]


@dataclass
class ArticleResult:
    graph: Graph
    events: list[EventMention]
    warnings: list[str] = field(default_factory=list)


def _none(*_: object) -> list:
    return []


def process(article, known: KnownEvents | None = None) -> ArticleResult:  # noqa: ANN001 (ingest.article.Article)
    """Run the ingest stages on one article; ``known`` answers "is this event already stored?"."""
    warnings: list[str] = []
    sentences = nlp.sentences(article)
    published = article.published_period
    if published is None:
        warnings.append(f"{article.name}: no publication date: relative dates left unresolved")
    elif published.precision != "day":
        warnings.append(f"{article.name}: published {published.text} (no day): relative days left unresolved")
    times = temporal.find_times(article.text, article.language, published)
    actors = find_actors(article, sentences)
    events = extract(article, sentences, actors, times)
    graph = to_graph(article, events, known or _none)
    if not events:
        warnings.append(f"{article.name}: no events found")
    return ArticleResult(graph, events, warnings)
