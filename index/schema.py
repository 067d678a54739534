"""The Whoosh schema: two views of title and body, facets, and sort keys.

Bump SCHEMA_VERSION whenever the schema or the analysis changes: the index is a
cache of the catalogue and is rebuilt when the marker beside it differs.
"""
from __future__ import annotations

from whoosh import fields

from index.analysis import CharAnalyzer, WordAnalyzer

SCHEMA_VERSION = "6"

# Facet fields: name -> stored in the index as keywords, counted over all matches.
FACETS = ("province", "city", "county", "year", "domain", "doctype", "subtopic", "site")


def build_schema() -> fields.Schema:
    words = WordAnalyzer()
    chars = CharAnalyzer()
    facet = dict(stored=False, commas=False, scorable=False, lowercase=False)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        # Word view (jieba search mode): ranking. Title weighs above body in BM25F.
        title=fields.TEXT(analyzer=words, field_boost=3.0, phrase=False),
        body=fields.TEXT(analyzer=words, phrase=False),
        # Character view (unigrams + bigrams with positions): exact substring recall.
        title_c=fields.TEXT(analyzer=chars, phrase=True),
        body_c=fields.TEXT(analyzer=chars, phrase=True),
        # Region path keeps the hierarchy: "广东省", "广东省/阳江市", "广东省/阳江市/阳东区".
        region=fields.KEYWORD(**facet),
        province=fields.KEYWORD(**facet),
        city=fields.KEYWORD(**facet),
        county=fields.KEYWORD(**facet),
        year=fields.KEYWORD(**facet),
        domain=fields.KEYWORD(**facet),
        doctype=fields.KEYWORD(**facet),
        subtopic=fields.KEYWORD(**facet),
        site=fields.KEYWORD(**facet),
        # Sort keys: YYYYMMDD of the publish date (0 when unknown), ingest order.
        date=fields.NUMERIC(int, sortable=True, stored=True),
        added=fields.NUMERIC(int, sortable=True, stored=True),
    )
