"""Ingest saved pages: read -> decode -> extract -> enrich -> store.

One bad page never stops a run: its path and the reason go into the summary.
Indexing is not done here; index.writer.sync_index() indexes what the catalogue
has and the index lacks, so a killed run is completed by the next one.

Reading a page (decode, extract, enrich) is pure CPU work, so with workers > 1 it
runs in worker processes, while this process does everything with side effects
(the duplicate check, ids, originals, the catalogue) in the order of the sources:
the results are the same as reading every page here.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from archive.decode import DecodeError, decode_page
from archive.enrich import enrich
from archive.extract import extract_page
from archive.records import (
    DecodedPage,
    Enrichment,
    Extracted,
    Report,
    SourceDoc,
    SourceError,
)
from archive.store import Store, now_iso, sha256_of

MAX_DEFAULT_WORKERS = 4  # past this the single writer in this process is the bottleneck


@dataclass
class FileResult:
    path: str
    status: str  # "ingested", "duplicate" or "failed"
    id: str | None = None
    title: str = ""
    reason: str = ""


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def text(self) -> str:
        lines = [(f"ingested {self.count('ingested')}, already present {self.count('duplicate')},"
                  f" failed {self.count('failed')}")]
        lines += [f"  failed: {r.path}: {r.reason}" for r in self.failures]
        return "\n".join(lines)


class PageError(ValueError):
    """A page that cannot become a report; the message says why, in plain words."""


@dataclass
class Reading:
    """What reading one page gave, as a value that can cross to another process: a report or why not."""

    encoding: str = ""
    extracted: Extracted | None = None
    enrichment: Enrichment | None = None
    error: str = ""  # why the page failed, as the summary prints it


def read_page(doc: SourceDoc) -> tuple[DecodedPage, Extracted, Enrichment]:
    """Decode, extract and enrich one page (no side effects)."""
    try:
        page = decode_page(doc)
    except DecodeError as exc:
        raise PageError(f"cannot decode: {exc}") from exc
    ex = extract_page(page.text, kind=doc.kind, url=doc.url, saved_at=doc.saved_at)
    if not ex.paragraphs and not ex.title:
        raise PageError("no text found in the page")
    ex.warnings = page.warnings + ex.warnings
    ex.url = ex.url or doc.url
    return page, ex, enrich(ex)


def read_safely(doc: SourceDoc) -> Reading:
    """read_page with any failure turned into the reason the summary gives."""
    try:
        page, ex, en = read_page(doc)
    except PageError as exc:
        return Reading(error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug on one page must not lose the rest of the run
        return Reading(error=f"{type(exc).__name__}: {exc}")
    return Reading(page.encoding, ex, en)


def read_pages(docs: list[SourceDoc]) -> list[Reading]:
    """Read a chunk of pages; this is the task a worker process runs."""
    return [read_safely(doc) for doc in docs]


def new_report(doc: SourceDoc, report_id: str, sha256: str, reading: Reading) -> Report:
    return Report(id=report_id, sha256=sha256, source_path=doc.path, url=reading.extracted.url,
                  extracted=reading.extracted, enrichment=reading.enrichment,
                  ingested_at=now_iso(), encoding=reading.encoding)


def build_report(doc: SourceDoc, report_id: str, sha256: str) -> Report:
    page, ex, en = read_page(doc)
    return new_report(doc, report_id, sha256, Reading(page.encoding, ex, en))


def keep_page(store: Store, doc: SourceDoc, sha: str, reading: Reading | None = None) -> FileResult:
    """Store one page unless its bytes are in already; without a reading it is read here."""
    existing = store.has_sha(sha)
    if existing:
        return FileResult(doc.path, "duplicate", id=existing)
    if reading is None:
        reading = read_safely(doc)
    if reading.error:
        return FileResult(doc.path, "failed", reason=reading.error)
    report = new_report(doc, store.new_id(sha), sha, reading)
    store.keep_original(doc.original)
    store.add(report, doc.kind)
    return FileResult(doc.path, "ingested", id=report.id, title=report.extracted.title)


def result_of(store: Store, item: SourceDoc | SourceError, reading: Reading | None = None,
              sha: str = "") -> FileResult:
    """The outcome of one source: stored, duplicate, or failed with the reason (sha: the
    page's digest when the caller has it already)."""
    if isinstance(item, SourceError):
        return FileResult(item.path, "failed", reason=item.reason)
    try:
        return keep_page(store, item, sha or sha256_of(item.original), reading)
    except Exception as exc:  # noqa: BLE001 - a bug on one page must not lose the rest of the run
        return FileResult(item.path, "failed", reason=f"{type(exc).__name__}: {exc}")


def ingest_sources(store: Store, sources: Iterable[SourceDoc | SourceError],
                   workers: int = 1) -> Iterator[FileResult]:
    """Ingest each page; yields one result per page or unreadable file, in the order of the sources.

    With workers > 1 pages are read in that many worker processes (archive/parallel.py);
    1, the default, reads them in this process.
    """
    if workers <= 1:
        for item in sources:
            yield result_of(store, item)
        return
    from archive.parallel import ParallelIngest  # it builds on this module

    yield from ParallelIngest(store, workers).run(sources)


def worker_count(requested: int | None = None) -> int:
    """Worker processes for reading pages: requested, else $ARCHIVE_WORKERS, else the CPUs (at most 4)."""
    if requested is None:
        setting = os.environ.get("ARCHIVE_WORKERS", "").strip()
        if not setting:
            return min(_cpus(), MAX_DEFAULT_WORKERS)
        try:
            requested = int(setting)
        except ValueError:
            raise ValueError(f"ARCHIVE_WORKERS must be a whole number such as 2, not {setting!r}") from None
    return max(1, requested)


def _cpus() -> int:
    """CPUs this process may use (a container or taskset can allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
