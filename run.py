"""Command line: ingest, search, extract, reindex, serve. A thin layer over archive/ and index/."""
from __future__ import annotations

import argparse
import json
import sys

from archive.paths import data_dir


def _ingest(args) -> int:
    from archive.pipeline import ingest_paths

    summary = ingest_paths(data_dir(args.data), args.paths, progress=not args.quiet)
    print(summary.text())
    return 0 if not summary.failures or summary.count("ingested") else 1


def _search(args) -> int:
    from archive.store import Store
    from index.results import result_json, result_text
    from index.search import SearchRequest, Searcher
    from index.writer import sync_index

    root = data_dir(args.data)
    store = Store(root)
    sync_index(root, store)  # after a schema change the index starts empty
    filters = {name: [value] for name, value in (("region", args.region), ("year", args.year))
               if value}
    request = SearchRequest(q=args.query, filters=filters, limit=args.limit, sort=args.sort,
                            where=[("topic", args.topic)] if args.topic else [])
    result = Searcher(root, store).search(request)
    if args.json:
        print(json.dumps(result_json(result), ensure_ascii=False, indent=1))
    else:
        print(result_text(result))
    return 0


def _extract(args) -> int:
    from archive.pipeline import explain_paths, extract_paths

    if args.explain:
        for text in explain_paths(args.paths):
            print(text)
        return 0
    for row in extract_paths(args.paths):
        print(json.dumps(row, ensure_ascii=False) if args.json else _extract_line(row))
    return 0


def _extract_line(row: dict) -> str:
    if row["error"]:
        return f"{row['file']}: failed: {row['error']}"
    return f"{row['file']}: {row['title']} ({len(row['paragraphs'])} paragraphs, {row['site_config']})"


def _reindex(args) -> int:
    from archive.pipeline import reextract_all
    from archive.store import Store
    from index.writer import rebuild_index

    root = data_dir(args.data)
    store = Store(root)
    if args.reextract:
        print(f"re-extracted {reextract_all(store)} reports")
    print(f"indexed {rebuild_index(root, store)} reports")
    return 0


def _serve(args) -> int:
    from waitress import serve

    from webapp import create_app

    app = create_app({"DATA_DIR": str(data_dir(args.data))})
    print(f"Serving the archive on http://{args.host}:{args.port}/ (Ctrl+C stops)")
    serve(app, host=args.host, port=args.port, threads=8)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__)
    parser.add_argument("--data", help="data directory (default $ARCHIVE_DATA or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest saved pages: files, folders, zip, MHTML, WARC")
    p.add_argument("paths", nargs="+")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_ingest)

    p = sub.add_parser("search", help="search the archive")
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--region")
    p.add_argument("--year", help="a year or a range such as 2016-2019")
    p.add_argument("--topic")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--sort", choices=("relevance", "newest", "oldest"), default="relevance")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_search)

    p = sub.add_parser("extract", help="extract pages without storing them")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per page")
    p.add_argument("--explain", action="store_true", help="show what was kept and dropped, and why")
    p.set_defaults(func=_extract)

    p = sub.add_parser("reindex", help="rebuild the search index from the catalogue")
    p.add_argument("--reextract", action="store_true",
                   help="first re-extract every report from its stored original")
    p.set_defaults(func=_reindex)

    p = sub.add_parser("serve", help="serve the web app (ingests the demo archive when empty)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.set_defaults(func=_serve)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
