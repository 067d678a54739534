"""The JSON and plain-text shapes of a search result, shared by the CLI and the API."""
from __future__ import annotations

from dataclasses import asdict
from urllib.parse import quote, urlencode

from archive.records import Report
from index.passages import Passage
from index.search import Hit, SearchResult


def report_url(report_id: str, q: str = "", pid: str | None = None) -> str:
    url = f"/doc/{quote(report_id)}"
    if q:
        url += "?" + urlencode({"q": q})
    return url + (f"#p-{pid}" if pid else "")


def region_json(report: Report) -> dict | None:
    region = report.enrichment.region
    return asdict(region) | {"label": region.label} if region else None


def passage_json(report: Report, q: str, passage: Passage) -> dict:
    return {"pid": passage.pid, "index": passage.index,
            "url": report_url(report.id, q, passage.pid),
            "html": passage.snippet_html(),
            "spans": [list(s) for s in passage.spans],
            "text": passage.text}


def hit_json(hit: Hit, q: str) -> dict:
    r, ex, en = hit.report, hit.report.extracted, hit.report.enrichment
    return {
        "id": r.id, "title": ex.title, "title_html": hit.title_html, "issuer": ex.issuer,
        "region": region_json(r), "report_years": en.report_years, "plan_years": en.plan_years,
        "publish_date": ex.publish_date, "doctype": en.topics.doctype,
        "domain": en.topics.domain, "url": report_url(r.id, q), "source_url": r.url,
        "passages": [passage_json(r, q, p) for p in hit.passages],
    }


def result_json(result: SearchResult) -> dict:
    req = result.request
    return {
        "query": req.q, "notice": result.notice, "total": result.total,
        "page": req.page, "limit": req.limit, "sort": req.sort,
        "filters": req.filters, "terms": result.terms,
        "hits": [hit_json(h, req.q) for h in result.hits],
        "facets": {name: [{"value": v, "count": n} for v, n in pairs]
                   for name, pairs in result.facets.items()},
    }


def result_text(result: SearchResult) -> str:
    """Readable lines for the terminal: matches wrapped in 【】."""
    lines = [f"{result.total} reports match" + (f" ({result.notice})" if result.notice else "")]
    for n, hit in enumerate(result.hits, 1):
        r = hit.report
        region = r.enrichment.region.label if r.enrichment.region else "-"
        lines.append(f"\n{n}. {_marked(hit.title_html)}  [{r.id}]")
        lines.append(f"   {r.extracted.issuer or '-'} | {region} | {r.extracted.publish_date or '-'}")
        for p in hit.passages:
            lines.append(f"   ¶{p.pid}: {_marked(p.snippet_html(120))}")
    return "\n".join(lines)


def _marked(html: str) -> str:
    from html import unescape

    return unescape(html.replace("<mark>", "【").replace("</mark>", "】"))
