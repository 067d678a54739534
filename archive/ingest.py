"""Ingest saved pages: read -> decode -> extract -> enrich -> store.

One bad page never stops a run: its path and the reason go into the summary.
Indexing is not done here; index.writer.sync_index() indexes what the catalogue
has and the index lacks, so a killed run is completed by the next one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from archive.decode import DecodeError, decode_page
from archive.enrich import enrich
from archive.extract import extract_page
from archive.records import DecodedPage, Enrichment, Extracted, Report, SourceDoc, SourceError
from archive.store import Store, now_iso, sha256_of


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
        lines = [f"ingested {self.count('ingested')}, already present {self.count('duplicate')},"
                 f" failed {self.count('failed')}"]
        lines += [f"  failed: {r.path}: {r.reason}" for r in self.failures]
        return "\n".join(lines)


class PageError(ValueError):
    """A page that cannot become a report; the message says why, in plain words."""


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


def build_report(doc: SourceDoc, report_id: str, sha256: str) -> Report:
    page, ex, en = read_page(doc)
    return Report(id=report_id, sha256=sha256, source_path=doc.path, url=ex.url,
                  extracted=ex, enrichment=en, ingested_at=now_iso(), encoding=page.encoding)


def ingest_one(store: Store, doc: SourceDoc) -> FileResult:
    sha = sha256_of(doc.original)
    existing = store.has_sha(sha)
    if existing:
        return FileResult(doc.path, "duplicate", id=existing)
    try:
        report = build_report(doc, store.new_id(sha), sha)
    except PageError as exc:
        return FileResult(doc.path, "failed", reason=str(exc))
    store.keep_original(doc.original)
    store.add(report, doc.kind)
    return FileResult(doc.path, "ingested", id=report.id, title=report.extracted.title)


def ingest_sources(store: Store, sources: Iterable[SourceDoc | SourceError]) -> Iterator[FileResult]:
    """Ingest each page; yields one result per page or unreadable file."""
    for item in sources:
        if isinstance(item, SourceError):
            yield FileResult(item.path, "failed", reason=item.reason)
            continue
        try:
            yield ingest_one(store, item)
        except Exception as exc:  # a bug on one page must not lose the rest of the run
            yield FileResult(item.path, "failed", reason=f"{type(exc).__name__}: {exc}")
