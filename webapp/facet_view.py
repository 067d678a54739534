"""The facet sidebar and the active-filter chips, as data the search template draws."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.facets import FILTERABLE
from webapp import links
from webapp.links import Pairs

CHIP_NAMES = FILTERABLE + ("topic",)


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    active: bool
    url: str


@dataclass
class RegionNode:
    """One place in the province -> city -> county tree of the `region` facet."""

    path: str  # "广东省/阳江市"
    name: str  # "阳江市"
    count: int
    active: bool
    url: str
    children: list[RegionNode] = field(default_factory=list)
    open: bool = False  # show the children: this place or one inside it is selected


@dataclass
class Chip:
    name: str
    value: str
    label: str  # "广东省 › 阳江市"
    remove_url: str


def facet_items(name: str, counts: list[tuple[str, int]], pairs: Pairs) -> list[FacetItem]:
    selected = {v for k, v in pairs if k == name}
    return [FacetItem(v, v, n, v in selected, links.search_url(links.toggle(pairs, name, v)))
            for v, n in counts]


def region_tree(counts: list[tuple[str, int]], pairs: Pairs) -> list[RegionNode]:
    """Nest the region paths under their parents, biggest first."""
    selected = [v for k, v in pairs if k == "region"]
    nodes = {path: RegionNode(path, path.rsplit("/", 1)[-1], n, path in selected,
                              links.search_url(links.toggle_region(pairs, path)))
             for path, n in counts}
    roots = []
    for path, node in nodes.items():
        parent = nodes.get(path.rpartition("/")[0])
        (parent.children if parent else roots).append(node)
        node.open = any(s == path or s.startswith(path + "/") for s in selected)
    for node in nodes.values():
        node.children.sort(key=lambda c: (-c.count, c.name))
    return sorted(roots, key=lambda c: (-c.count, c.name))


def chips(pairs: Pairs) -> list[Chip]:
    """One removable chip per active filter value."""
    return [Chip(k, v, v.replace("/", " › "), links.search_url([p for p in pairs if p != (k, v)]))
            for k, v in pairs if k in CHIP_NAMES]
