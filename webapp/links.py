"""Search URLs built from the current one: add or drop a filter, change sort or page.

A search state is a list of (name, value) pairs, in the order the URL had them,
so every state the pages offer is a plain link that can be bookmarked or shared.
"""
from __future__ import annotations

from urllib.parse import urlencode

from webapp.params import STATE_KEYS

Pairs = list[tuple[str, str]]


def state_pairs(args) -> Pairs:
    """The search-state arguments of a request (page and language left out)."""
    return [(k, v) for k, v in args.items(multi=True) if k in STATE_KEYS and v.strip()]


def search_url(pairs: Pairs, page: int | None = None, path: str = "/") -> str:
    pairs = list(pairs) + ([("page", str(page))] if page and page > 1 else [])
    return path + ("?" + urlencode(pairs) if pairs else "")


def toggle(pairs: Pairs, name: str, value: str) -> Pairs:
    """The state with a filter value added, or removed when it is there already."""
    if (name, value) in pairs:
        return [p for p in pairs if p != (name, value)]
    return pairs + [(name, value)]


def toggle_region(pairs: Pairs, path: str) -> Pairs:
    """Drill down or up the region tree: selecting 广东省/阳江市 replaces 广东省, and
    deselecting 广东省 also drops the cities under it."""
    inside = [p for p in pairs if p[0] == "region" and p[1].startswith(path + "/")]
    if ("region", path) in pairs:
        return [p for p in pairs if p != ("region", path) and p not in inside]
    above = [p for p in pairs if p[0] == "region" and path.startswith(p[1] + "/")]
    return [p for p in pairs if p not in above and p not in inside] + [("region", path)]


def without(pairs: Pairs, *names: str) -> Pairs:
    return [p for p in pairs if p[0] not in names]


def replace(pairs: Pairs, name: str, value: str | None) -> Pairs:
    """The state with one single-valued argument (sort, q) set, or dropped when value is None."""
    kept = without(pairs, name)
    return kept + [(name, value)] if value else kept
