"""Reading untrusted request arguments into typed requests; bad values fall back to defaults."""
from __future__ import annotations

import re

from index.facets import FILTERABLE
from index.search import MAX_LIMIT, SearchRequest

REPORT_ID = re.compile(r"^[0-9a-f]{12,64}$")
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_FILTER_VALUES = 20
MAX_QUERY_CHARS = 2000
# The arguments that make up a search state (everything a search URL may carry but page).
STATE_KEYS = ("q", "sort", "limit", "topic") + FILTERABLE


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value))) if value is not None else default
    except ValueError:
        return default


def search_request(args, default_limit: int = 20) -> SearchRequest:
    filters = {name: list(dict.fromkeys(v for v in args.getlist(name) if v.strip()))[:MAX_FILTER_VALUES]
               for name in FILTERABLE}
    topic = args.get("topic", "").strip()
    return SearchRequest(
        q=args.get("q", "")[:MAX_QUERY_CHARS],
        filters={k: v for k, v in filters.items() if v},
        where=[("topic", topic)] if topic else [],
        sort=args.get("sort", "relevance"),
        page=_int(args.get("page"), 1, 1, 10_000),
        limit=_int(args.get("limit"), default_limit, 1, MAX_LIMIT),
    )


def valid_report_id(report_id: str) -> bool:
    """Ids come from requests: only our own shape may reach the catalogue."""
    return bool(REPORT_ID.match(report_id))


def valid_job_id(job_id: str) -> bool:
    """Ingest job ids are random URL-safe tokens; nothing else is looked up."""
    return bool(JOB_ID.match(job_id))
