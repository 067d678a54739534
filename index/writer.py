"""Keep the index (Whoosh plus the character view beside it) in step with the catalogue.

The catalogue flags each report `indexed` only after the index commit that holds
it, so a run killed between the two leaves reports flagged 0; the next sync
indexes them again, replacing what the index holds of them. A batch's character
view segment is written before the Whoosh commit, under Whoosh's write lock, so
every report Whoosh holds has its characters indexed (charview.py).
"""
from __future__ import annotations

import logging
import pickle
import shutil
from pathlib import Path
from typing import Callable

import numpy as np
from whoosh import index as whoosh_index

from archive.records import Report
from archive.store import Store
from index import charview
from index.analysis import PARAGRAPH_BREAK
from index.schema import SCHEMA_VERSION, build_schema
from index.wordwriter import WordViewWriter

log = logging.getLogger(__name__)

MARKER = "SCHEMA_VERSION"
BATCH = 500  # reports per commit: a segment each, in both views
WRITER_OPTIONS = {"limitmb": 256}


def index_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "index"


def chars_dir(data_dir: str | Path) -> Path:
    return index_dir(data_dir) / "chars"


def ikeys_by_doc(reader) -> dict[int, int]:
    """Each live Whoosh document's key in the character view."""
    if not reader.doc_count_all():  # an empty index has no columns to read
        return {}
    column = reader.column_reader("ikey")
    return {d: column[d] for d in reader.all_doc_ids()}


def open_index(data_dir: str | Path, store: Store | None = None):
    """Open the index, creating it (and flagging every report for indexing) when the
    directory is missing, its schema marker differs from SCHEMA_VERSION, or it names
    classes this code no longer has (Whoosh pickles the schema and codec into it)."""
    path = index_dir(data_dir)
    marker = path / MARKER
    current = marker.read_text().strip() if marker.exists() else None
    if current == SCHEMA_VERSION:
        try:
            if whoosh_index.exists_in(str(path)):  # opens it too
                return whoosh_index.open_dir(str(path))
        except (AttributeError, ImportError, pickle.UnpicklingError) as exc:
            log.warning("the index in %s was written by other code (%s); rebuilding it", path, exc)
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


def document_fields(report: Report, seq: int, ikey: int) -> dict:
    """The fields Whoosh stores and indexes for one report."""
    ex, en = report.extracted, report.enrichment
    region = en.region
    return {
        "id": report.id, "ikey": ikey,
        "title": ex.title, "body": PARAGRAPH_BREAK.join(ex.paragraphs),
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


def sync_index(data_dir: str | Path, store: Store,
               progress: Callable[[int], None] | None = None, min_batch: int = 1) -> int:
    """Index every catalogue report not yet flagged as indexed; returns how many.

    A last batch smaller than min_batch is left for later (an ingest still storing
    reports indexes in batches big enough to be worth a segment).
    """
    ix = open_index(data_dir, store)
    done = 0
    batch: list[Report] = []
    for report in store.iter_reports(only_unindexed=True):
        batch.append(report)
        if len(batch) >= BATCH:
            done += _index_batch(ix, chars_dir(data_dir), store, batch, progress)
            batch = []
    if batch and len(batch) >= min_batch:
        done += _index_batch(ix, chars_dir(data_dir), store, batch, progress)
    return done


def _index_batch(ix, chars: Path, store: Store, batch: list[Report],
                 progress: Callable[[int], None] | None) -> int:
    """One Whoosh commit and one character-view segment for a batch of reports."""
    writer = WordViewWriter(ix, **WRITER_OPTIONS)  # holds the write lock for both views
    try:
        with writer.searcher() as searcher:
            live = ikeys_by_doc(searcher.reader()).values()
            charview.tidy(chars, np.fromiter(live, dtype=np.int64))
            # A report indexed before is replaced. Whoosh's update_document would open a
            # searcher per report to find it; one for the batch finds them all.
            earlier = [d for report in batch for d in searcher.document_numbers(id=report.id)]
        for docnum in earlier:
            writer.delete_document(docnum)
        first = charview.next_ikey(chars)
        for ikey, report in enumerate(batch, start=first):
            fields = document_fields(report, store.seq_of(report.id), ikey)
            writer.add_document(**{k: v for k, v in fields.items() if v is not None})
        charview.write_segment(chars, first, [(r.extracted.title, r.extracted.paragraphs)
                                              for r in batch])
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    store.mark_indexed([r.id for r in batch])
    if progress:
        progress(len(batch))
    return len(batch)


def rebuild_index(data_dir: str | Path, store: Store) -> int:
    """Drop the index and build it again from the catalogue."""
    path = index_dir(data_dir)
    if path.exists():
        shutil.rmtree(path)
    store.mark_all_unindexed()
    return sync_index(data_dir, store)
