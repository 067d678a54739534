"""Facet counts over the whole result set, with set arithmetic on document numbers.

For each facet field we keep value -> set of document numbers, read once per
index generation. Counting a facet is then one set intersection per value.
Counts are disjunctive: a facet's counts ignore that facet's own selection
(OR within a facet) but honour the others (AND across facets), so selecting
广东省 still shows how many reports the other provinces would add.
"""
from __future__ import annotations

from index.analysis import fold
from index.query import year_range

COUNTED = ("region", "year", "domain", "doctype", "subtopic", "site")
FILTERABLE = COUNTED + ("province", "city", "county")


class FacetCounter:
    def __init__(self, reader):
        self.all_docs = set(reader.all_doc_ids())
        # Sort keys by document number: publish date (YYYYMMDD, 0 unknown), ingest order.
        self.date = list(reader.column_reader("date"))
        self.added = list(reader.column_reader("added"))
        self.docs: dict[str, dict[str, set[int]]] = {}
        for name in FILTERABLE:
            values = {}
            for term in reader.field_terms(name):
                values[term] = set(reader.postings(name, term).all_ids()) & self.all_docs
            self.docs[name] = values

    def selection(self, filters: dict[str, list[str]], skip: str | None = None) -> set[int] | None:
        """Documents allowed by the facet filters (None: no filter)."""
        allowed = None
        for name, values in filters.items():
            if name == skip or not values or name not in self.docs:
                continue
            union = set().union(*(self.docs[name][t] for v in values for t in self.resolve(name, v)))
            allowed = union if allowed is None else allowed & union
        return allowed

    def resolve(self, name: str, value: str) -> list[str]:
        """The facet values a filter value stands for: itself when it is one, a year
        range's years (2016-2019), else every value containing it (阳江 -> 广东省/阳江市)."""
        values = self.docs[name]
        if value in values:
            return [value]
        if name == "year":
            return [str(y) for y in year_range(value) if str(y) in values]
        needle = fold(value.strip())
        return [v for v in values if needle and needle in fold(v)]

    def counts(self, base: set[int], filters: dict[str, list[str]]) -> dict[str, list[tuple[str, int]]]:
        out = {}
        for name in COUNTED:
            allowed = self.selection(filters, skip=name)
            docs = base if allowed is None else base & allowed
            pairs = [(v, len(docs & d)) for v, d in self.docs[name].items()]
            pairs = [(v, n) for v, n in pairs if n or v in filters.get(name, ())]
            if name == "year":
                pairs.sort(key=lambda p: p[0], reverse=True)
            else:
                pairs.sort(key=lambda p: (-p[1], p[0]))
            out[name] = pairs
        return out
