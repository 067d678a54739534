"""The JSON API: what the pages show, as data."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, current_app, jsonify, request

from index.passages import passage_ids
from index.results import region_json, report_url, result_json
from webapp.params import search_request, valid_report_id

bp = Blueprint("api", __name__, url_prefix="/api")


def _archive():
    return current_app.extensions["archive"]


@bp.get("/search")
def search():
    result = _archive().search(search_request(request.args))
    return jsonify(result_json(result))


@bp.get("/doc/<report_id>")
def doc(report_id: str):
    report = _archive().store.get(report_id) if valid_report_id(report_id) else None
    if report is None:
        abort(404)
    return jsonify(report_json(report))


def report_json(report) -> dict:
    ex, en = report.extracted, report.enrichment
    pids = passage_ids(ex.paragraphs)
    return {
        "id": report.id, "title": ex.title, "issuer": ex.issuer, "url": report_url(report.id),
        "source_url": report.url, "source_path": report.source_path, "sha256": report.sha256,
        "publish_date": ex.publish_date, "written_date": ex.written_date,
        "report_years": en.report_years, "plan_years": en.plan_years,
        "region": region_json(report), "topics": asdict(en.topics), "keywords": en.keywords,
        "doc_number": ex.doc_number, "index_number": ex.index_number,
        "subject_words": ex.subject_words, "attachments": [asdict(a) for a in ex.attachments],
        "site_config": ex.site_config, "encoding": report.encoding, "warnings": ex.warnings,
        "ingested_at": report.ingested_at,
        "paragraphs": [{"pid": pid, "text": text} for pid, text in zip(pids, ex.paragraphs)],
    }


@bp.errorhandler(404)
def not_found(_error):
    return jsonify({"error": "not found"}), 404
