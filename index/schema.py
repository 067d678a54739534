"""The Whoosh schema: the word view of title and body, facets, and sort keys.

The character view, for exact substring recall, is kept beside it (charview.py);
`ikey` links a Whoosh document to its reports' characters there.

Bump SCHEMA_VERSION whenever the schema or the analysis changes: the index is a
cache of the catalogue and is rebuilt when the marker beside it differs.
"""
from __future__ import annotations

from collections import Counter

from whoosh import fields, formats
from whoosh.system import pack_uint

from index.analysis import WordAnalyzer

SCHEMA_VERSION = "10"

# Facet fields: name -> stored in the index as keywords, counted over all matches.
FACETS = ("province", "city", "county", "year", "domain", "doctype", "subtopic", "site")


class WordCounts(formats.Frequency):
    """Whoosh's Frequency format, counting the analyzer's word list with a Counter.

    Frequency.word_values makes a Token object per word and counts in Python, a fifth
    of the writer's time at ~4,500 words per report. The postings are the same:
    (word, frequency, frequency x field boost, packed frequency).
    """

    @staticmethod
    def word_counts(value, analyzer) -> Counter:
        return analyzer.word_counts(value)

    def word_values(self, value, analyzer, **kwargs):
        boost = self.field_boost
        counts = self.word_counts(value, analyzer)
        return ((word, n, n * boost, pack_uint(n)) for word, n in counts.items())


def _word_field(boost: float = 1.0) -> fields.TEXT:
    field = fields.TEXT(analyzer=WordAnalyzer(), field_boost=boost, phrase=False)
    field.format = WordCounts(field_boost=boost)
    return field


def build_schema() -> fields.Schema:
    facet = dict(stored=False, commas=False, scorable=False, lowercase=False)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        ikey=fields.NUMERIC(int, bits=64, sortable=True),
        # Word view (jieba search mode): ranking. Title weighs above body in BM25F.
        title=_word_field(boost=3.0),
        body=_word_field(),
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
