"""Reading untrusted request arguments into typed requests; bad values fall back to defaults."""
from __future__ import annotations

import re

from index.facets import FILTERABLE
from index.search import MAX_LIMIT, SearchRequest

REPORT_ID = re.compile(r"^[0-9a-f]{12,64}$")
MAX_FILTER_VALUES = 20


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value))) if value is not None else default
    except ValueError:
        return default


def search_request(args, default_limit: int = 20) -> SearchRequest:
    filters = {name: [v for v in args.getlist(name) if v.strip()][:MAX_FILTER_VALUES]
               for name in FILTERABLE}
    topic = args.get("topic", "").strip()
    return SearchRequest(
        q=args.get("q", "")[:2000],
        filters={k: v for k, v in filters.items() if v},
        where=[("topic", topic)] if topic else [],
        sort=args.get("sort", "relevance"),
        page=_int(args.get("page"), 1, 1, 10_000),
        limit=_int(args.get("limit"), default_limit, 1, MAX_LIMIT),
    )


def valid_report_id(report_id: str) -> bool:
    """Ids come from requests: only our own shape may reach the catalogue."""
    return bool(REPORT_ID.match(report_id))
