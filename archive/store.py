"""The archive on disk: originals kept byte for byte, and the SQLite catalogue.

Layout of the data directory:
    originals/ab/abcdef...   each ingested file, named by the sha256 of its bytes
    catalogue.sqlite         one row per report (WAL mode); the truth
    index/                   the Whoosh index, a cache rebuilt from the catalogue

An original is written (to a temporary name, then renamed) before its catalogue
row is committed, so a run killed at any moment leaves either a complete report
or an orphan file that the next ingest of the same bytes simply reuses.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from archive.records import Attachment, Enrichment, Extracted, Region, Report, Topics

CATALOGUE_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL UNIQUE,
    source_path TEXT NOT NULL,
    url TEXT,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    publish_date TEXT,
    province TEXT,
    city TEXT,
    region_code TEXT,
    years TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_unindexed ON reports(indexed) WHERE indexed = 0;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Store:
    """The catalogue and the originals of one data directory."""

    def __init__(self, data_dir: str | os.PathLike):
        self.root = Path(data_dir)
        self.originals = self.root / "originals"
        self.originals.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.root / "catalogue.sqlite", timeout=30,
                                  check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('catalogue_version', ?)",
                        (str(CATALOGUE_VERSION),))
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ originals
    def original_path(self, sha256: str) -> Path:
        return self.originals / sha256[:2] / sha256

    def keep_original(self, data: bytes) -> str:
        """Write the bytes under their sha256 (atomically) and return the digest."""
        digest = sha256_of(data)
        path = self.original_path(digest)
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        return digest

    def read_original(self, report_id: str) -> tuple[bytes, sqlite3.Row] | None:
        row = self.db.execute("SELECT sha256, source_path, kind, url FROM reports WHERE id = ?",
                              (report_id,)).fetchone()
        if row is None:
            return None
        return self.original_path(row["sha256"]).read_bytes(), row

    # ------------------------------------------------------------ reports
    def has_sha(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT id FROM reports WHERE sha256 = ?", (sha256,)).fetchone()
        return row["id"] if row else None

    def new_id(self, sha256: str) -> str:
        """A short URL-safe id: the first 12 hex digits of the sha256, longer on a clash."""
        for length in (12, 16, 24, 64):
            candidate = sha256[:length]
            if not self.db.execute("SELECT 1 FROM reports WHERE id = ?", (candidate,)).fetchone():
                return candidate
        raise RuntimeError(f"no free id for {sha256}")

    def add(self, report: Report, kind: str) -> None:
        """Insert one report in its own transaction."""
        ex, en = report.extracted, report.enrichment
        region = en.region
        with self.db:
            self.db.execute(
                "INSERT INTO reports (id, sha256, source_path, url, kind, title, publish_date,"
                " province, city, region_code, years, ingested_at, data)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (report.id, report.sha256, report.source_path, report.url, kind, ex.title,
                 ex.publish_date, region.province if region else None,
                 region.city if region else None, region.code if region else None,
                 json.dumps(report.all_years), report.ingested_at, _dump(report)))

    def replace(self, report: Report) -> None:
        """Rewrite a report's extracted data (re-extraction) and queue it for indexing."""
        ex, region = report.extracted, report.enrichment.region
        with self.db:
            self.db.execute(
                "UPDATE reports SET url=?, title=?, publish_date=?, province=?, city=?,"
                " region_code=?, years=?, data=?, indexed=0 WHERE id=?",
                (report.url, ex.title, ex.publish_date, region.province if region else None,
                 region.city if region else None, region.code if region else None,
                 json.dumps(report.all_years), _dump(report), report.id))

    def get(self, report_id: str) -> Report | None:
        row = self.db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
        return _load(row) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Report]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT * FROM reports WHERE id IN ({marks})", ids)
        return {row["id"]: _load(row) for row in rows}

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]

    def iter_reports(self, only_unindexed: bool = False, batch: int = 200) -> Iterator[Report]:
        where = "WHERE indexed = 0" if only_unindexed else ""
        last = 0
        while True:
            rows = self.db.execute(
                f"SELECT * FROM reports {where} {'AND' if where else 'WHERE'} seq > ?"
                " ORDER BY seq LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _load(row)
            last = rows[-1]["seq"]

    def seq_of(self, report_id: str) -> int:
        row = self.db.execute("SELECT seq FROM reports WHERE id = ?", (report_id,)).fetchone()
        return row["seq"] if row else 0

    def mark_indexed(self, ids: list[str], value: int = 1) -> None:
        with self.db:
            self.db.executemany("UPDATE reports SET indexed = ? WHERE id = ?",
                                [(value, i) for i in ids])

    def mark_all_unindexed(self) -> None:
        with self.db:
            self.db.execute("UPDATE reports SET indexed = 0")

    def has_unindexed(self) -> bool:
        return self.db.execute("SELECT 1 FROM reports WHERE indexed = 0 LIMIT 1").fetchone() is not None

    def counts_by_province_year(self) -> list[tuple[str, int, int]]:
        """(province, year, reports) for every report year and plan year; 全国 for national."""
        rows = self.db.execute(
            "SELECT COALESCE(province, CASE WHEN json_extract(data, '$.enrichment.region.level')"
            " = 'national' THEN '全国' END) AS p, CAST(y.value AS INTEGER), COUNT(*)"
            " FROM reports, json_each(reports.years) AS y WHERE p IS NOT NULL GROUP BY 1, 2")
        return [tuple(r) for r in rows]

    def recent(self, limit: int = 20) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT id, title, publish_date, province, city, ingested_at FROM reports"
            " ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# ------------------------------------------------------------ (de)serialisation
def _dump(report: Report) -> str:
    return json.dumps({"extracted": report.extracted, "enrichment": report.enrichment,
                       "encoding": report.encoding}, ensure_ascii=False, default=_fields)


def _fields(record) -> dict:
    """A record's fields for json.dumps, which calls this for each nested record: what
    dataclasses.asdict gives, without its deep copy of every list (a third of the time)."""
    if not is_dataclass(record):
        raise TypeError(f"cannot store a {type(record).__name__}")
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _load(row: sqlite3.Row) -> Report:
    data = json.loads(row["data"])
    ex = dict(data["extracted"])
    ex["attachments"] = [Attachment(**a) for a in ex.get("attachments", [])]
    en = dict(data["enrichment"])
    en["region"] = Region(**en["region"]) if en.get("region") else None
    en["topics"] = Topics(**en.get("topics") or {})
    return Report(id=row["id"], sha256=row["sha256"], source_path=row["source_path"],
                  url=row["url"], extracted=Extracted(**ex), enrichment=Enrichment(**en),
                  ingested_at=row["ingested_at"], encoding=data.get("encoding"))
