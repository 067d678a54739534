"""Search: one implementation behind the CLI, the JSON API and the web pages."""
from __future__ import annotations

import heapq
import threading
from dataclasses import dataclass, field
from typing import Iterator
from pathlib import Path

from whoosh import query as wq

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
        plan = self._plan(request)
        top = request.page * request.limit
        ids = plan.ranked_ids(top)[top - request.limit:] if plan.possible else []
        return SearchResult(request, len(plan.matched), self._hits(ids, plan.parsed.terms),
                            plan.facets.counts(plan.base, plan.filters), plan.parsed.terms,
                            plan.parsed.notice)

    def count(self, request: SearchRequest) -> int:
        """How many reports a request matches, without ranking or loading any."""
        return len(self._plan(request).matched)

    def iter_hits(self, request: SearchRequest, max_rows: int, chunk: int = MAX_LIMIT) -> Iterator[Hit]:
        """Every hit of a request in order, up to max_rows, built a chunk at a time
        (one ranking, no facet counts): for exports."""
        plan = self._plan(request)
        ids = plan.ranked_ids(max_rows) if plan.possible else []
        for start in range(0, len(ids), chunk):
            yield from self._hits(ids[start:start + chunk], plan.parsed.terms)

    def _plan(self, request: SearchRequest) -> "_Plan":
        request.limit = max(1, min(int(request.limit), MAX_LIMIT))
        request.page = max(1, int(request.page))
        if request.sort not in SORTS:
            request.sort = "relevance"
        parsed = parse_query(request.q)
        searcher, facets = self._current()
        tree = parsed.tree
        clauses = tuple(Filter(f, v) for f, v in request.where if f in FILTER_FIELDS and v)
        if clauses:
            tree = And(((tree,) if tree is not None else ()) + clauses)
        q = _Compiler(searcher.reader()).compile(tree) if tree is not None else wq.Every()
        filters = {k: v for k, v in request.filters.items() if k in FILTERABLE and v}
        return _Plan(searcher, facets, parsed, tree, q, filters, request.sort)

    def _hits(self, ids: list[str], terms: list[str]) -> list[Hit]:
        reports = self.store.get_many(ids)
        return [self._hit(reports[i], terms) for i in ids if i in reports]

    @staticmethod
    def _hit(report: Report, terms: list[str]) -> Hit:
        title = report.extracted.title
        return Hit(report, highlight(title, find_spans(title, terms)),
                   best_passages(report.extracted.paragraphs, terms))


class _Plan:
    """One request compiled against the current searcher: its matches, scores and facets.

    The query runs once: for relevance, one unlimited scored collection gives both the
    set of matches (the facet base) and every score; dates come from the columns.
    """

    def __init__(self, searcher, facets: FacetCounter, parsed, tree, q, filters, sort):
        self.searcher, self.facets, self.parsed = searcher, facets, parsed
        self.filters, self.sort = filters, sort
        self.scores: dict[int, float] = {}
        if sort == "relevance" and tree is not None:
            collector = searcher.collector(limit=None)
            searcher.search_with_collector(q, collector)
            self.scores = {doc: score for score, doc in collector.results().top_n}
            self.base = set(self.scores)
        else:
            self.base = facets.base(searcher, q)
        self.allowed = facets.selection(filters)
        self.matched = self.base if self.allowed is None else self.base & self.allowed

    @property
    def possible(self) -> bool:
        return bool(self.matched)

    def ranked_ids(self, top: int) -> list[str]:
        """Ids of the first `top` matches: by score then newest, or by date."""
        date, added = self.facets.date, self.facets.added
        if self.scores:
            scores = self.scores
            key = lambda d: (-round(scores[d], 6), -date[d], -added[d])  # noqa: E731
        elif self.sort == "oldest":
            key = lambda d: (date[d], added[d])  # noqa: E731
        else:
            key = lambda d: (-date[d], -added[d])  # noqa: E731
        docs = heapq.nsmallest(top, self.matched, key=key)
        return [self.searcher.stored_fields(d)["id"] for d in docs]


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
