"""The HTML pages: search, report."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from index.passages import find_spans, highlight, passage_ids
from index.query import parse_query
from index.results import region_json
from webapp.params import search_request, valid_report_id

bp = Blueprint("views", __name__)

FACET_LABELS = {"region": "地区", "year": "年份", "domain": "领域", "doctype": "文种",
                "subtopic": "主题", "site": "来源模板"}


@bp.get("/")
def search():
    req = search_request(request.args)
    result = current_app.extensions["archive"].search(req)
    return render_template("search.html", result=result, req=req, labels=FACET_LABELS,
                           args=request.args)


@bp.get("/doc/<report_id>")
def doc(report_id: str):
    report = current_app.extensions["archive"].store.get(report_id) \
        if valid_report_id(report_id) else None
    if report is None:
        abort(404)
    q = request.args.get("q", "")[:2000]
    terms = parse_query(q).terms
    paragraphs = report.extracted.paragraphs
    rows = [(pid, highlight(text, find_spans(text, terms)))
            for pid, text in zip(passage_ids(paragraphs), paragraphs)]
    title = report.extracted.title
    return render_template("doc.html", report=report, rows=rows, q=q,
                           title_html=highlight(title, find_spans(title, terms)),
                           region=region_json(report))


@bp.app_template_global()
def toggle_url(name: str, value: str) -> str:
    """The current search URL with one facet value added or removed (page reset)."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    if (name, value) in pairs:
        pairs.remove((name, value))
    else:
        pairs.append((name, value))
    return "/?" + urlencode(pairs)


@bp.app_template_global()
def page_url(page: int) -> str:
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return "/?" + urlencode(pairs + [("page", str(page))])
