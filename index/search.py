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
        results = searcher.search(q, filter=allowed, limit=top,
                                  sortedby=_sort(request.sort, tree))
        page_hits = list(results)[top - request.limit: top]
        reports = self.store.get_many([h["id"] for h in page_hits])
        hits = [self._hit(reports[h["id"]], parsed.terms)
                for h in page_hits if h["id"] in reports]
        return SearchResult(request, len(matched), hits,
                            facets.counts(base, filters), parsed.terms, parsed.notice)

    @staticmethod
    def _hit(report: Report, terms: list[str]) -> Hit:
        title = report.extracted.title
        return Hit(report, highlight(title, find_spans(title, terms)),
                   best_passages(report.extracted.paragraphs, terms))


def _sort(sort: str, tree) -> object:
    newest = sorting.MultiFacet([sorting.FieldFacet("date", reverse=True),
                                 sorting.FieldFacet("added", reverse=True)])
    if sort == "oldest":
        return sorting.MultiFacet([sorting.FieldFacet("date"), sorting.FieldFacet("added")])
    if sort == "newest" or tree is None:
        return newest
    return sorting.MultiFacet([sorting.ScoreFacet(), sorting.FieldFacet("date", reverse=True),
                               sorting.FieldFacet("added", reverse=True)])


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
        return wq.AndNot(q, wq.Or(negatives)) if negatives else q

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
