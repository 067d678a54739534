"""Which reports a query matches, as sets of document numbers.

Each term's documents come from the character view (an exact substring match,
charview.py) and are cached for the index generation, so AND, OR and NOT are set
operations in C and a term that recurs across queries costs nothing the second time.
Ranking is done apart (search.py), over the word view, only on these documents.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable

from index.query import And, Filter, Not, Or, Text

CACHED_SETS = 2048  # term and filter sets kept per index generation


class DocSets:
    """Document-number sets of queries, least recently used dropped first."""

    def __init__(self, all_docs: set[int]):
        self.all_docs = all_docs
        self._cache: OrderedDict[tuple, set[int]] = OrderedDict()

    def get(self, key: tuple, find: Callable[[], set[int]]) -> set[int]:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        docs = find() & self.all_docs
        self._cache[key] = docs
        if len(self._cache) > CACHED_SETS:
            self._cache.popitem(last=False)
        return docs


def matching_docs(node, compiler, sets: DocSets) -> set[int]:
    """The documents the parsed query tree matches (a new set; callers may change it)."""
    if isinstance(node, Text):
        return set(text_docs(node.value, node.field, compiler, sets))
    if isinstance(node, Filter):
        key = ("filter", node.field, node.value)
        return set(sets.get(key, lambda: compiler.filter_docs(node.field, node.value)))
    if isinstance(node, Not):
        return sets.all_docs - matching_docs(node.node, compiler, sets)
    if isinstance(node, Or):
        return set().union(*(matching_docs(n, compiler, sets) for n in node.nodes))
    if not isinstance(node, And):
        raise TypeError(f"not a query node: {node!r}")
    positives = [n for n in node.nodes if not isinstance(n, Not)]
    docs = set(sets.all_docs)
    for n in sorted(positives, key=_cheap_first):
        docs &= matching_docs(n, compiler, sets)
        if not docs:
            return docs
    for n in node.nodes:
        if isinstance(n, Not):
            docs -= matching_docs(n.node, compiler, sets)
    return docs


def text_docs(value: str, field: str | None, compiler, sets: DocSets) -> set[int]:
    """Documents whose title (or title and body) contain the string after folding."""
    stream = compiler.text_key(value)
    return sets.get(("text", field, stream), lambda: compiler.text_match(stream, field))


def _cheap_first(node) -> int:
    # Filters and texts are usually cached or cheap; nested groups last.
    return 0 if isinstance(node, (Text, Filter)) else 1
