"""Keep the Whoosh index in step with the catalogue.

The catalogue flags each report `indexed` only after the index commit that holds
it, so a run killed between the two leaves reports flagged 0; the next sync
indexes them again with update_document, which is idempotent.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index
from whoosh.writing import IndexWriter

from archive.records import Report
from archive.store import Store
from index.analysis import PARAGRAPH_BREAK
from index.schema import SCHEMA_VERSION, build_schema

MARKER = "SCHEMA_VERSION"
BATCH = 500
WRITER_OPTIONS = {"limitmb": 256}


def index_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "index"


def open_index(data_dir: str | Path, store: Store | None = None):
    """Open the index, creating it (and flagging every report for indexing) when the
    directory is missing or its schema marker differs from SCHEMA_VERSION."""
    path = index_dir(data_dir)
    marker = path / MARKER
    current = marker.read_text().strip() if marker.exists() else None
    if current == SCHEMA_VERSION and whoosh_index.exists_in(str(path)):
        return whoosh_index.open_dir(str(path))
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    ix = whoosh_index.create_in(str(path), build_schema())
    if store is not None:
        store.mark_all_unindexed()
    marker.write_text(SCHEMA_VERSION + "\n")
    return ix


def region_paths(report: Report) -> list[str]:
    region = report.enrichment.region
    if region is None:
        return []
    if region.level == "national":
        return ["全国"]
    parts = [p for p in (region.province, region.city, region.county) if p]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _date_key(date: str | None) -> int:
    return int(date.replace("-", "")) if date and len(date) == 10 else 0


def document_fields(report: Report, seq: int) -> dict:
    """The fields Whoosh stores and indexes for one report."""
    ex, en = report.extracted, report.enrichment
    region = en.region
    body = PARAGRAPH_BREAK.join(ex.paragraphs)
    return {
        "id": report.id, "title": ex.title, "body": body,
        "title_c": ex.title, "body_c": body,
        "region": " ".join(region_paths(report)) or None,
        "province": (region.province if region else None) or None,
        "city": (region.city if region else None) or None,
        "county": (region.county if region else None) or None,
        "year": " ".join(str(y) for y in report.all_years) or None,
        "domain": _keywords(en.topics.domain),
        "doctype": _keywords(en.topics.doctype),
        "subtopic": _keywords(en.topics.subtopics),
        "site": ex.site_config or None,
        "date": _date_key(ex.publish_date), "added": seq,
    }


def _keywords(values: list[str]) -> str | None:
    # KEYWORD fields split on spaces; taxonomy labels never contain one, but be sure.
    return " ".join(v.replace(" ", "_") for v in values) or None


def _add(writer: IndexWriter, report: Report, seq: int) -> None:
    fields = {k: v for k, v in document_fields(report, seq).items() if v is not None}
    writer.update_document(**fields)


def sync_index(data_dir: str | Path, store: Store,
               progress: Callable[[int], None] | None = None) -> int:
    """Index every catalogue report not yet flagged as indexed; returns how many."""
    ix = open_index(data_dir, store)
    done = 0
    pending: list[str] = []
    writer = None
    for report in store.iter_reports(only_unindexed=True):
        if writer is None:
            writer = ix.writer(**WRITER_OPTIONS)
        _add(writer, report, store.seq_of(report.id))
        pending.append(report.id)
        if len(pending) >= BATCH:
            writer.commit()
            store.mark_indexed(pending)
            done += len(pending)
            if progress:
                progress(len(pending))
            pending, writer = [], None
    if writer is not None:
        writer.commit()
        store.mark_indexed(pending)
        done += len(pending)
        if progress:
            progress(len(pending))
    return done


def rebuild_index(data_dir: str | Path, store: Store) -> int:
    """Drop the index and build it again from the catalogue."""
    path = index_dir(data_dir)
    if path.exists():
        shutil.rmtree(path)
    store.mark_all_unindexed()
    return sync_index(data_dir, store)
