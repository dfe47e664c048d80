"""Dyad ingest: news text in, RDF events out.

The modules follow the pipeline (see docs/design.md, "Interfaces between the ingest modules"):

1. :mod:`ingest.article`  — read a file or text, recognise title, byline, publication time,
   caption and dateline, detect the language: an :class:`~ingest.article.Article`.
2. :mod:`ingest.nlp`      — one blank spaCy pipeline per language; sentences of title, caption, body.
3. :mod:`ingest.temporal` — time expressions resolved against the publication date (TimeMention);
   :mod:`ingest.actors`   — actor mentions (ActorMention).
4. :mod:`ingest.extract`  — events from sentences (:class:`~ingest.mention.EventMention`): triggers
   and their roles (:mod:`ingest.roles`, :mod:`ingest.inversion`), dates (:mod:`ingest.dating`),
   status (:mod:`ingest.factuality`), speech acts that are events (:mod:`ingest.speech`), then
   the article-level rules (:mod:`ingest.discourse`).
5. :mod:`ingest.mapping`  — events to one rdflib graph per article.

Language specifics are data under ``data/lexicons/<lang>/``; adding a language adds a folder.
"""
