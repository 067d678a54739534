"""The HTML pages for finding reports: search, query help, browse."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request

from index.search import SearchRequest
from webapp import facet_view, links
from webapp.histogram import year_histogram
from webapp.params import search_request
from webapp.suggest import suggestions

bp = Blueprint("views", __name__)

PAGE_WINDOW = 2  # page links shown either side of the current page
SORTS = ("relevance", "newest", "oldest")
LIST_FACETS = ("year", "doctype", "domain", "subtopic", "site")
RECENT = 15
BROWSE_YEARS = 12  # most recent years given a column in the browse table


def _archive():
    return current_app.extensions["archive"]


@bp.get("/")
def search():
    req = search_request(request.args)
    result = _archive().search(req)
    pairs = links.state_pairs(request.args)
    return render_template(
        "search.html", result=result, req=req, q=req.q, pairs=pairs,
        chips=facet_view.chips(pairs),
        clear_url=links.search_url(links.without(pairs, *facet_view.CHIP_NAMES)),
        regions=facet_view.region_tree(result.facets.get("region", []), pairs),
        facets={name: facet_view.facet_items(name, result.facets.get(name, []), pairs)
                for name in LIST_FACETS},
        histogram=year_histogram(result.facets.get("year", []), pairs),
        sorts=[(s, links.search_url(links.replace(pairs, "sort", s if s != "relevance" else None)))
               for s in SORTS],
        pages=_pages(req.page, result.total, req.limit),
        suggestions=[] if result.total else suggestions(pairs, _archive().count),
        indexing=_archive().indexing,
    )


def _pages(page: int, total: int, limit: int) -> list[int]:
    """Page numbers to link: the first, the last, and a window around the current one."""
    last = min(max(1, -(-total // limit)), 10_000)
    near = range(max(1, page - PAGE_WINDOW), min(last, page + PAGE_WINDOW) + 1)
    return sorted({1, last, *near})


@bp.get("/help")
def help_page():
    return render_template("help.html")


@dataclass
class ProvinceRow:
    name: str
    total: int
    by_year: dict[int, int]


@bp.get("/browse")
def browse():
    store = _archive().store
    by_province: dict[str, dict[int, int]] = {}
    for province, year, count in store.counts_by_province_year():
        by_province.setdefault(province, {})[year] = count
    facets = _archive().search(SearchRequest(limit=1)).facets
    year_totals = {int(v): n for v, n in facets.get("year", []) if v.isdigit()}
    province_totals = {v: n for v, n in facets.get("region", []) if "/" not in v}
    rows = sorted((ProvinceRow(name, province_totals.get(name, sum(c.values())), c)
                   for name, c in by_province.items()), key=lambda r: (-r.total, r.name))
    years = sorted(year_totals, reverse=True)[:BROWSE_YEARS]
    return render_template("browse.html", rows=rows, years=years, year_totals=year_totals,
                           total=store.count(), recent=store.recent(RECENT))
