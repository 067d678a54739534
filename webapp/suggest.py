"""What to relax when a search finds nothing: each suggestion is a link with its count."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from webapp import links
from webapp.facet_view import CHIP_NAMES
from webapp.links import Pairs
from webapp.params import search_request

MAX_TERMS_TRIED = 6  # "fewer terms" tries dropping each of at most this many terms
_TOKEN = re.compile(r'"[^"]*"|\S+')


@dataclass
class Suggestion:
    key: str  # label key: drop_filter, drop_all_filters, fewer_terms, any_term, unquoted
    what: str  # what the label names: the filter value, the shorter query
    url: str
    count: int
    facet: str = ""  # for drop_filter: the facet the value belongs to


def plain_terms(q: str) -> list[str]:
    """The terms of a query that is a plain AND of terms (no OR, no grouping), else []."""
    tokens = _TOKEN.findall(q.strip())
    if any(tok == "OR" or (not tok.startswith('"') and ("(" in tok or ")" in tok)) for tok in tokens):
        return []
    return tokens


def _relaxations(pairs: Pairs) -> list[tuple[str, str, str, Pairs]]:
    out = []
    filters = [(k, v) for k, v in pairs if k in CHIP_NAMES]
    for k, v in filters:
        out.append(("drop_filter", v, k, [p for p in pairs if p != (k, v)]))
    if len(filters) > 1:
        out.append(("drop_all_filters", "", "", links.without(pairs, *CHIP_NAMES)))
    q = dict(pairs).get("q", "")
    terms = plain_terms(q)
    if len(terms) > 1:
        for i in range(min(len(terms), MAX_TERMS_TRIED)):
            shorter = " ".join(terms[:i] + terms[i + 1:])
            out.append(("fewer_terms", shorter, "", links.replace(pairs, "q", shorter)))
        either = " OR ".join(terms)
        out.append(("any_term", either, "", links.replace(pairs, "q", either)))
    quoted = [tok for tok in terms if tok.startswith('"')]
    if quoted:
        loose = " ".join(tok.strip('"') for tok in terms)
        out.append(("unquoted", loose, "", links.replace(pairs, "q", loose)))
    return out


def suggestions(pairs: Pairs, count: Callable[[object], int]) -> list[Suggestion]:
    """Relaxed versions of an empty search that do find reports, with how many."""
    found = []
    for key, what, facet, relaxed in _relaxations(pairs):
        n = count(search_request(MultiDict(relaxed)))
        if n:
            found.append(Suggestion(key, what, links.search_url(relaxed), n, facet))
    return found
