"""The report pages: the report itself, how to cite it, and its saved original."""
from __future__ import annotations

import json
import re
from datetime import date
from html import escape

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)

from archive.records import Report
from index.passages import find_spans, highlight, passage_ids
from index.query import parse_query
from index.results import region_json
from index.similar import find_similar
from webapp import cite
from webapp.outline import outline
from webapp.params import MAX_QUERY_CHARS, valid_report_id
from webapp.security import ORIGINAL_CSP

bp = Blueprint("report", __name__)

# A saved page's <meta http-equiv="refresh"> would navigate the frame to the network.
_META_REFRESH = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh[^>]*>", re.IGNORECASE)


def _report_or_404(report_id: str) -> Report:
    report = current_app.extensions["archive"].store.get(report_id) \
        if valid_report_id(report_id) else None
    if report is None:
        abort(404)
    return report


def _citation(report: Report) -> cite.CitationData:
    permalink = url_for("report.doc", report_id=report.id, _external=True)
    return cite.citation_data(report, permalink, date.today().isoformat())


@bp.get("/doc/<report_id>")
def doc(report_id: str):
    report = _report_or_404(report_id)
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    terms = parse_query(q).terms
    paragraphs = report.extracted.paragraphs
    pids = passage_ids(paragraphs)
    rows = [(pid, highlight(text, find_spans(text, terms))) for pid, text in zip(pids, paragraphs)]
    title = report.extracted.title
    citation = _citation(report)
    headings = outline(paragraphs, pids)
    return render_template(
        "doc.html", report=report, rows=rows, q=q, region=region_json(report),
        title_html=highlight(title, find_spans(title, terms)),
        outline=headings, levels={h.pid: h.level for h in headings}, citation=citation,
        gbt=cite.gbt7714(citation), bib=cite.bibtex(citation),
        similar=find_similar(current_app.extensions["archive"].searcher, report))


@bp.get("/doc/<report_id>/cite.bib")
def cite_bib(report_id: str):
    text = cite.bibtex(_citation(_report_or_404(report_id)))
    return Response(text, mimetype="application/x-bibtex",
                    headers={"Content-Disposition": f'attachment; filename="{report_id}.bib"'})


@bp.get("/doc/<report_id>/cite.json")
def cite_json(report_id: str):
    data = cite.csl_json(_citation(_report_or_404(report_id)))
    return Response(json.dumps(data, ensure_ascii=False, indent=1),
                    mimetype="application/vnd.citationstyles.csl+json",
                    headers={"Content-Disposition": f'attachment; filename="{report_id}.json"'})


@bp.get("/doc/<report_id>/original")
def original(report_id: str):
    """The saved page as it was, sandboxed: its scripts cannot run, it cannot reach the network."""
    from archive.decode import DecodeError, decode_page
    from archive.pipeline import stored_source

    report = _report_or_404(report_id)
    try:
        source = stored_source(current_app.extensions["archive"].store, report.id)
    except OSError:  # the catalogue row outlived its original file
        source = None
    if source is None:
        abort(404)
    try:
        page = decode_page(source)
    except DecodeError:
        abort(404)
    html = _META_REFRESH.sub("", page.text) if source.kind == "html" else \
        f"<!doctype html><meta charset=utf-8><pre>{escape(page.text)}</pre>"
    response = Response(html, mimetype="text/html")  # Flask adds charset=utf-8
    response.headers["Content-Security-Policy"] = ORIGINAL_CSP
    response.headers["X-DNS-Prefetch-Control"] = "off"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
