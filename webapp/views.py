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
    everything = _archive().search(SearchRequest(limit=1))
    provinces = [(v, n) for v, n in everything.facets.get("region", []) if "/" not in v]
    years = sorted((int(v) for v, n in everything.facets.get("year", []) if v.isdigit() and n),
                   reverse=True)[:BROWSE_YEARS]
    rows = []
    for name, total in provinces:
        counts = _archive().search(SearchRequest(filters={"region": [name]}, limit=1)).facets
        by_year = {int(v): n for v, n in counts.get("year", []) if v.isdigit()}
        rows.append(ProvinceRow(name, total, by_year))
    year_totals = {int(v): n for v, n in everything.facets.get("year", []) if v.isdigit()}
    return render_template("browse.html", rows=rows, years=years, year_totals=year_totals,
                           total=everything.total, recent=_archive().store.recent(RECENT))
