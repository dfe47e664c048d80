"""Dyad: a geopolitical event knowledge graph.

News articles become events (who did what to whom, when, how sure, said where), validated with
SHACL, kept in an embedded RDF store and asked with SPARQL.
"""

__version__ = "0.1.0"
