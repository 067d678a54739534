"""The current result set as CSV or JSON Lines, streamed a chunk of hits at a time."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, stream_with_context

from index.search import MAX_LIMIT, Hit
from webapp.params import search_request

bp = Blueprint("export", __name__)

COLUMNS = ("id", "title", "issuer", "region", "region_code", "report_years", "plan_years",
           "publish_date", "written_date", "source_url", "permalink", "passages")
# A cell starting with these runs as a formula in spreadsheet programs; page text is hostile.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def chunk_size(chunk: int) -> int:
    return max(1, min(chunk, MAX_LIMIT))


def export_row(hit: Hit, q: str, root: str) -> dict:
    r, ex, en = hit.report, hit.report.extracted, hit.report.enrichment
    permalink = f"{root}doc/{r.id}"
    return {
        "id": r.id, "title": ex.title, "issuer": ex.issuer,
        "region": en.region.label if en.region else None,
        "region_code": en.region.code if en.region else None,
        "report_years": en.report_years, "plan_years": en.plan_years,
        "publish_date": ex.publish_date, "written_date": ex.written_date,
        "source_url": r.url, "permalink": permalink,
        "passages": [{"pid": p.pid, "text": p.text,
                      "url": f"{permalink}?{urlencode({'q': q})}#p-{p.pid}" if q else f"{permalink}#p-{p.pid}"}
                     for p in hit.passages],
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):  # passages
            value = " … ".join(p["text"] for p in value)
        else:
            value = " ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    """CSV text, one row per yield; a byte-order mark first so spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        yield buffer.getvalue()


def jsonl_lines(rows: Iterator[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _export(write_lines, content_type: str, suffix: str) -> Response:
    """Stream the rows; the first chunk is fetched now so the headers can say how many."""
    req = search_request(request.args)
    config, root = current_app.config, request.url_root
    archive = current_app.extensions["archive"]
    chunk, max_rows = chunk_size(config["EXPORT_CHUNK"]), config["EXPORT_MAX_ROWS"]
    total = archive.count(replace(req))

    def rows() -> Iterator[dict]:
        # One ranking, reports loaded and highlighted a chunk at a time.
        for hit in archive.searcher.iter_hits(req, max_rows, chunk):
            yield export_row(hit, req.q, root)

    name = f"reports-{date.today().isoformat()}.{suffix}"
    return Response(stream_with_context(write_lines(rows())), content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Total-Count": str(total),  # every match
        "X-Export-Rows": str(min(total, max_rows)),  # what this file holds
    })


@bp.get("/export.csv")
def export_csv():
    return _export(csv_lines, "text/csv; charset=utf-8", "csv")


@bp.get("/export.jsonl")
def export_jsonl():
    return _export(jsonl_lines, "application/x-ndjson; charset=utf-8", "jsonl")
