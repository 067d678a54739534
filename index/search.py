"""Search: one implementation behind the CLI, the JSON API and the web pages."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting

from archive.records import Report
from archive.store import Store
from index.analysis import fold, query_grams, words
from index.facets import FILTERABLE, FacetCounter
from index.passages import Passage, best_passages, find_spans, highlight
from index.query import FILTER_FIELDS, And, Filter, Not, Or, Text, parse_query, year_range
from index.writer import open_index

SORTS = ("relevance", "newest", "oldest")
MAX_LIMIT = 100
ADJACENT_BOOST = 2.0  # constant score added when AND-ed terms also occur side by side


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> exact values
    where: list[tuple[str, str]] = field(default_factory=list)  # ("region", "阳江"): as region:阳江
    sort: str = "relevance"
    page: int = 1
    limit: int = 20


@dataclass
class Hit:
    report: Report
    title_html: str
    passages: list[Passage]


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    terms: list[str]
    notice: str | None = None


class Searcher:
    """Searches one data directory; safe to share between request threads."""

    def __init__(self, data_dir: str | Path, store: Store):
        self.store = store
        self.ix = open_index(data_dir, store)
        self._lock = threading.Lock()
        self._searcher = None
        self._facets: FacetCounter | None = None

    def _current(self):
        with self._lock:
            if self._searcher is None or not self._searcher.up_to_date():
                old = self._searcher
                self._searcher = self.ix.searcher() if old is None else old.refresh()
                self._facets = FacetCounter(self._searcher.reader())
            return self._searcher, self._facets

    def search(self, request: SearchRequest) -> SearchResult:
        request.limit = max(1, min(int(request.limit), MAX_LIMIT))
        request.page = max(1, int(request.page))
        if request.sort not in SORTS:
            request.sort = "relevance"
        parsed = parse_query(request.q)
        searcher, facets = self._current()
        compiler = _Compiler(searcher.reader())
        tree = parsed.tree
        clauses = tuple(Filter(f, v) for f, v in request.where if f in FILTER_FIELDS and v)
        if clauses:
            tree = And(((tree,) if tree is not None else ()) + clauses)
        q = compiler.compile(tree) if tree is not None else wq.Every()
        filters = {k: v for k, v in request.filters.items() if k in FILTERABLE and v}
        base = facets.base(searcher, q)
        allowed = facets.selection(filters)
        matched = base if allowed is None else base & allowed
        top = request.page * request.limit
        if allowed is not None and not allowed:
            return SearchResult(request, 0, [], facets.counts(base, filters), parsed.terms, parsed.notice)
        page_ids = _ranked_ids(searcher, q, allowed, request.sort, tree, top)[top - request.limit:]
        reports = self.store.get_many(page_ids)
        hits = [self._hit(reports[i], parsed.terms) for i in page_ids if i in reports]
        return SearchResult(request, len(matched), hits,
                            facets.counts(base, filters), parsed.terms, parsed.notice)

    @staticmethod
    def _hit(report: Report, terms: list[str]) -> Hit:
        title = report.extracted.title
        return Hit(report, highlight(title, find_spans(title, terms)),
                   best_passages(report.extracted.paragraphs, terms))


def _ranked_ids(searcher, q, allowed, sort: str, tree, top: int) -> list[str]:
    """Ids of the first `top` matches in the requested order.

    Relevance uses Whoosh's plain top-N collector (its sorting collector scores
    AndMaybe without the optional part, losing the boosts), then newer first on ties.
    """
    if sort == "relevance" and tree is not None:
        hits = searcher.search(q, filter=allowed, limit=top)
        keyed = [(-round(h.score, 6), -h["date"], -h["added"], h["id"]) for h in hits]
        return [k[-1] for k in sorted(keyed)]
    order = [sorting.FieldFacet("date", reverse=sort != "oldest"),
             sorting.FieldFacet("added", reverse=sort != "oldest")]
    hits = searcher.search(q, filter=allowed, limit=top, sortedby=sorting.MultiFacet(order))
    return [h["id"] for h in hits]


class _Compiler:
    """Turns the parsed query tree into a Whoosh query over the two views."""

    def __init__(self, reader):
        self.reader = reader

    def compile(self, node) -> wq.Query:
        if isinstance(node, Text):
            return self.text(node)
        if isinstance(node, Filter):
            return self.filter(node.field, node.value)
        if isinstance(node, Not):
            return wq.AndNot(wq.Every(), self.compile(node.node))
        if isinstance(node, Or):
            return wq.Or([self.compile(n) for n in node.nodes])
        positives = [self.compile(n) for n in node.nodes if not isinstance(n, Not)]
        negatives = [self.compile(n.node) for n in node.nodes if isinstance(n, Not)]
        q = wq.And(positives) if positives else wq.Every()
        q = self.adjacency_boost(q, [n for n in node.nodes if isinstance(n, Text)])
        return wq.AndNot(q, wq.Or(negatives)) if negatives else q

    def adjacency_boost(self, q: wq.Query, texts: list[Text]) -> wq.Query:
        """Rank reports where the terms stand together (学前 教育 as 学前教育) higher."""
        if len(texts) < 2 or any(t.field for t in texts):
            return q
        grams = query_grams("".join(t.value for t in texts))
        together = wq.Or([_grams_query(f, grams) for f in ("title_c", "body_c")])
        return wq.AndMaybe(q, wq.ConstantScoreQuery(together, ADJACENT_BOOST))

    def text(self, node: Text) -> wq.Query:
        """Must occur as a substring (character view); scored by BM25F on the word view."""
        grams = query_grams(node.value)
        if not grams:
            return wq.Every()
        char_fields = ("title_c",) if node.field == "title" else ("title_c", "body_c")
        match = wq.Or([_grams_query(f, grams) for f in char_fields])
        word_fields = ("title",) if node.field == "title" else ("title", "body")
        scoring = [wq.Term(f, w) for w in dict.fromkeys(words(node.value)) for f in word_fields]
        exact = wq.ConstantScoreQuery(match, 1.0)
        return wq.AndMaybe(exact, wq.Or(scoring)) if scoring else exact

    def filter(self, name: str, value: str) -> wq.Query:
        if name == "year":
            return _years_query(value)
        if name == "topic":
            return wq.Or([self.values_like(f, value) for f in ("domain", "doctype", "subtopic")])
        return self.values_like(name, value)

    def values_like(self, fieldname: str, value: str) -> wq.Query:
        """Terms of a facet field that contain the value after folding (region:阳江)."""
        needle = fold(value)
        terms = [t for t in self.reader.field_terms(fieldname) if needle in fold(t)]
        if not terms:
            return wq.NullQuery
        return wq.Or([wq.Term(fieldname, t) for t in terms])


def _grams_query(fieldname: str, grams: list[str]) -> wq.Query:
    if len(grams) == 1:
        return wq.Term(fieldname, grams[0])
    return wq.Phrase(fieldname, grams)


def _years_query(value: str) -> wq.Query:
    years = year_range(value)
    return wq.Or([wq.Term("year", str(y)) for y in years]) if years else wq.NullQuery
