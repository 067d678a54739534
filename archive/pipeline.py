"""Runs of the pipeline over many paths: ingest into the store, or extract only."""
from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from archive.alongside import IndexAlongside
from archive.decode import DecodeError, decode_page
from archive.explain import explain_page
from archive.ingest import (
    IngestSummary,
    PageError,
    build_report,
    ingest_sources,
    read_page,
    worker_count,
)
from archive.records import SourceDoc, SourceError
from archive.sources import find_files, iter_sources, pages_in_file
from archive.store import Store

# A bar is noise for a couple of files; past this many it tells the wait.
PROGRESS_AFTER = 5


def ingest_paths(root: Path, paths: list[str], progress: bool = True,
                 workers: int | None = None) -> IngestSummary:
    """Ingest files and folders into the archive at root, then bring the index up to date.

    Pages are read in `workers` processes; None means the ARCHIVE_WORKERS environment
    variable, else one per CPU (at most 4). 1 reads everything in this process.
    """
    from tqdm import tqdm

    from index.writer import sync_index  # the index follows the catalogue

    workers = worker_count(workers)  # a bad ARCHIVE_WORKERS stops here, before any work
    files = list(find_files(paths))
    owners: deque[int] = deque()  # the file of each page whose result is still to come
    store = Store(root)
    summary = IngestSummary()
    bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr,
               disable=not progress or len(files) <= PROGRESS_AFTER)
    try:
        with IndexAlongside(root, enabled=workers > 1) as alongside:
            done = 0
            for result in ingest_sources(store, _pages(files, owners), workers):
                summary.results.append(result)
                alongside.saw(result.status)
                if result.status == "failed":
                    bar.write(f"failed: {result.path}: {result.reason}")
                done = _advance(bar, done, owners.popleft())
            _advance(bar, done, len(files))
            bar.close()
            if progress:  # the indexing process finishes its work as this block ends
                print("indexing ...", file=sys.stderr)
    finally:
        bar.close()
        sync_index(root, store)
        store.close()
    return summary


def _pages(files: list[str | SourceError], owners: deque[int]) -> Iterator[SourceDoc | SourceError]:
    """The pages of all files as one stream (so workers stay busy across small files)."""
    for number, found in enumerate(files):
        for item in [found] if isinstance(found, SourceError) else pages_in_file(found):
            owners.append(number)
            yield item


def _advance(bar, done: int, number: int) -> int:
    """A result from file `number` means the files before it are done (results come in order)."""
    if number > done:
        bar.update(number - done)
    return max(done, number)


def extract_paths(paths: list[str]) -> Iterator[dict]:
    """One JSON-ready object per page, as `run.py extract --json` prints it."""
    for item in iter_sources(paths):
        if isinstance(item, SourceError):
            yield _row(item.path, error=item.reason)
            continue
        try:
            _page, ex, en = read_page(item)
        except PageError as exc:
            yield _row(item.path, error=str(exc))
            continue
        yield _row(item.path, ex=ex, en=en, url=ex.url)


def _row(path: str, ex=None, en=None, url=None, error=None) -> dict:
    region = en.region if en else None
    return {
        "file": path,
        "url": url,
        "title": ex.title if ex else None,
        "text": ex.text if ex else "",
        "paragraphs": ex.paragraphs if ex else [],
        "publish_date": ex.publish_date if ex else None,
        "written_date": ex.written_date if ex else None,
        "report_years": en.report_years if en else [],
        "plan_years": en.plan_years if en else [],
        "issuer": ex.issuer if ex else None,
        "doc_number": ex.doc_number if ex else None,
        "index_number": ex.index_number if ex else None,
        "subject_words": ex.subject_words if ex else [],
        "attachments": [asdict(a) for a in ex.attachments] if ex else [],
        "region": asdict(region) if region else None,
        "topics": asdict(en.topics) if en else None,
        "keywords": en.keywords if en else [],
        "site_config": ex.site_config if ex else None,
        "warnings": ex.warnings if ex else [],
        "error": error,
    }


def explain_paths(paths: list[str]) -> Iterator[str]:
    for item in iter_sources(paths):
        if isinstance(item, SourceError):
            yield f"== {item.path}\nfailed: {item.reason}\n"
            continue
        try:
            page = decode_page(item)
        except DecodeError as exc:
            yield f"== {item.path}\ncannot decode: {exc}\n"
            continue
        head = f"== {item.path}\nencoding: {page.encoding}" + "".join(
            f"\nwarning: {w}" for w in page.warnings)
        yield head + "\n" + explain_page(page.text, kind=item.kind, url=item.url,
                                         saved_at=item.saved_at)


def reextract_all(store: Store) -> int:
    """Re-extract every report from its stored original (after extractor changes)."""
    count = 0
    for report in list(store.iter_reports()):
        doc = stored_source(store, report.id)
        if doc is None:
            continue
        fresh = build_report(doc, report.id, report.sha256)
        fresh.ingested_at = report.ingested_at
        store.replace(fresh)
        count += 1
    return count


def stored_source(store: Store, report_id: str) -> SourceDoc | None:
    """The stored original of a report as a SourceDoc, ready to decode again."""
    from archive.sources import iter_upload

    found = store.read_original(report_id)
    if found is None:
        return None
    data, row = found
    name = Path(row["source_path"].split("!")[-1]).name
    if name.lower().endswith((".mht", ".mhtml")):  # the original is the whole MHTML file
        docs = [d for d in iter_upload(name, data) if isinstance(d, SourceDoc)]
        if docs:
            docs[0].path = row["source_path"]
            return docs[0]
    return SourceDoc(path=row["source_path"], original=data, content=data, kind=row["kind"],
                     url=row["url"])
