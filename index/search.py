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
from index.analysis import char_stream, fold, words
from index.charview import CharView
from index.facets import FILTERABLE, FacetCounter
from index.matching import DocSets, matching_docs, text_docs
from index.passages import Passage, best_passages, find_spans, highlight
from index.query import FILTER_FIELDS, And, Filter, Or, Text, parse_query, year_range
from index.writer import chars_dir, ikeys_by_doc, open_index

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
        self.chars = CharView(chars_dir(data_dir))
        self._lock = threading.Lock()
        # Whoosh readers keep file-position state: one request at a time reads the index;
        # loading reports and highlighting run outside this lock.
        self._reading = threading.Lock()
        self._searcher = None
        self._facets: FacetCounter | None = None

    def _current(self):
        """The searcher of the newest index generation, its facets and its cached sets."""
        with self._lock:
            if self._searcher is None or not self._searcher.up_to_date():
                old = self._searcher
                self._searcher = self.ix.searcher() if old is None else old.refresh()
                reader = self._searcher.reader()
                self._facets = FacetCounter(reader)
                self._sets = DocSets(self._facets.all_docs)
                # Segments are written before the Whoosh commit: all of this generation's are there.
                self.chars.refresh(ikeys_by_doc(reader))
            return self._searcher, self._facets, self._sets

    def search(self, request: SearchRequest) -> SearchResult:
        with self._reading:
            plan = self._plan(request)  # clamps limit and page first
            top = request.page * request.limit
            ids = plan.ranked_ids(top)[top - request.limit:] if plan.possible else []
            facets = plan.facets.counts(plan.base, plan.filters)
        return SearchResult(request, len(plan.matched), self._hits(ids, plan.parsed.terms),
                            facets, plan.parsed.terms, plan.parsed.notice)

    def count(self, request: SearchRequest) -> int:
        """How many reports a request matches, without ranking or loading any."""
        with self._reading:
            return len(self._plan(request).matched)

    def iter_hits(self, request: SearchRequest, max_rows: int, chunk: int = MAX_LIMIT) -> Iterator[Hit]:
        """Every hit of a request in order, up to max_rows, built a chunk at a time
        (one ranking, no facet counts): for exports."""
        with self._reading:
            plan = self._plan(request)
            ids = plan.ranked_ids(max_rows) if plan.possible else []
        for start in range(0, len(ids), chunk):
            yield from self._hits(ids[start:start + chunk], plan.parsed.terms)

    def _plan(self, request: SearchRequest) -> "_Plan":
        _normalise(request)
        parsed = parse_query(request.q)
        searcher, facets, sets = self._current()
        tree = parsed.tree
        clauses = tuple(Filter(f, v) for f, v in request.where if f in FILTER_FIELDS and v)
        if clauses:
            tree = And(((tree,) if tree is not None else ()) + clauses)
        filters = {k: v for k, v in request.filters.items() if k in FILTERABLE and v}
        return _Plan(searcher, self.chars, facets, sets, parsed, tree, filters, request.sort)

    def _hits(self, ids: list[str], terms: list[str]) -> list[Hit]:
        reports = self.store.get_many(ids)
        return [self._hit(reports[i], terms) for i in ids if i in reports]

    @staticmethod
    def _hit(report: Report, terms: list[str]) -> Hit:
        title = report.extracted.title
        return Hit(report, highlight(title, find_spans(title, terms)),
                   best_passages(report.extracted.paragraphs, terms))


def _normalise(request: SearchRequest) -> None:
    """Clamp what came from outside: limit 1..MAX_LIMIT, page >= 1, a known sort."""
    request.limit = max(1, min(int(request.limit), MAX_LIMIT))
    request.page = max(1, int(request.page))
    if request.sort not in SORTS:
        request.sort = "relevance"


class _Plan:
    """One request against the current index generation: its matches, facets and order.

    Matching is set algebra over cached per-term sets (matching.py). Relevance ranks
    the matches by BM25F over the word view with a top-N collector, which skips
    blocks that cannot reach the top; reports where the AND-ed terms stand side by
    side come first; ties and unscored matches go newest first.
    """

    def __init__(self, searcher, chars: CharView, facets: FacetCounter, sets: DocSets, parsed,
                 tree, filters, sort):
        self.searcher, self.facets, self.parsed = searcher, facets, parsed
        self.filters, self.sort = filters, sort
        compiler = _Compiler(searcher, chars, facets.all_docs)
        self.base = set(facets.all_docs) if tree is None else matching_docs(tree, compiler, sets)
        self.allowed = facets.selection(filters)
        self.matched = self.base if self.allowed is None else self.base & self.allowed
        self.scoring = compiler.scoring_query(tree) if sort == "relevance" and tree else None
        together = compiler.adjacent_string(tree) if self.scoring is not None else None
        self.adjacent = text_docs(together, None, compiler, sets) if together else None

    @property
    def possible(self) -> bool:
        return bool(self.matched)

    def ranked_ids(self, top: int) -> list[str]:
        """Ids of the first `top` matches in the requested order."""
        if self.scoring is None:
            docs = self._by_date(self.matched, top)
        else:
            groups = [self.matched]
            if self.adjacent is not None:
                groups = [self.matched & self.adjacent, self.matched - self.adjacent]
            docs = []
            for group in groups:
                docs += self._by_score(group, top - len(docs)) if len(docs) < top else []
        return [self.searcher.stored_fields(d)["id"] for d in docs]

    def _by_score(self, group: set[int], need: int) -> list[int]:
        if not group:
            return []
        date, added = self.facets.date, self.facets.added
        hits = self.searcher.search(self.scoring, filter=group, limit=need)
        keyed = sorted((-round(h.score, 6), -date[h.docnum], -added[h.docnum], h.docnum)
                       for h in hits)
        docs = [k[-1] for k in keyed]
        if len(docs) < need:  # matches with no scoring word (a substring inside a word)
            docs += self._by_date(group - set(docs), need - len(docs))
        return docs

    def _by_date(self, docs: set[int], top: int) -> list[int]:
        date, added = self.facets.date, self.facets.added
        if self.sort == "oldest":
            return heapq.nsmallest(top, docs, key=lambda d: (date[d], added[d]))
        return heapq.nlargest(top, docs, key=lambda d: (date[d], added[d]))


class _Compiler:
    """Turns parts of the parsed query into document sets (character view, facet fields)
    and a Whoosh scoring query (word view)."""

    def __init__(self, searcher, chars: CharView, all_docs: set[int]):
        self.searcher, self.reader = searcher, searcher.reader()
        self.chars, self.all_docs = chars, all_docs

    @staticmethod
    def text_key(value: str) -> str:
        return char_stream(value)

    def text_match(self, stream: str, field: str | None) -> set[int]:
        """Documents where the folded stream (text_key) occurs: the character view, exact."""
        if not stream:
            return set(self.all_docs)
        return self.chars.docs(stream, title_only=field == "title")

    def filter_docs(self, name: str, value: str) -> set[int]:
        return set(self.searcher.docs_for_query(self.filter(name, value)))

    def scoring_query(self, tree) -> wq.Query | None:
        """BM25F over the word view for every positive text term (title weighs more)."""
        terms = []
        for node in _positive_texts(tree):
            fields = ("title",) if node.field == "title" else ("title", "body")
            terms += [wq.Term(f, w) for w in dict.fromkeys(words(node.value)) for f in fields]
        return wq.Or(terms) if terms else None

    @staticmethod
    def adjacent_string(tree) -> str | None:
        """学前 教育 -> 学前教育: AND-ed plain terms that also stand together rank first."""
        if not isinstance(tree, And):
            return None
        texts = [n for n in tree.nodes if isinstance(n, Text)]
        if len(texts) < 2 or any(t.field for t in texts):
            return None
        return "".join(t.value for t in texts)

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


def _positive_texts(node) -> list[Text]:
    if isinstance(node, Text):
        return [node]
    if isinstance(node, (And, Or)):
        return [t for n in node.nodes for t in _positive_texts(n)]
    return []


def _years_query(value: str) -> wq.Query:
    years = year_range(value)
    return wq.Or([wq.Term("year", str(y)) for y in years]) if years else wq.NullQuery
