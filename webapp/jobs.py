"""Ingest jobs: uploaded files ingested in a background thread, with progress to poll.

A job id is a random token (never derived from a file name), so status URLs can be
shared without saying what was uploaded and cannot be guessed.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MAX_JOBS_KEPT = 100  # finished jobs are forgotten oldest first past this many
STATES = ("queued", "running", "indexing", "done", "failed")


@dataclass
class Upload:
    """One uploaded file, held in memory until its job has read it."""

    name: str
    data: bytes


@dataclass
class IngestJob:
    id: str
    files: list[str]
    state: str = "queued"
    files_done: int = 0
    results: list[dict] = field(default_factory=list)
    error: str = ""
    created: float = field(default_factory=time.time)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, result) -> None:
        """Record one page's outcome (an archive.ingest.FileResult)."""
        row = {"path": result.path, "status": result.status, "id": result.id,
               "title": result.title, "reason": result.reason}
        with self._lock:
            self.results.append(row)

    def counts(self) -> dict[str, int]:
        with self._lock:
            statuses = [r["status"] for r in self.results]
        return {s: statuses.count(s) for s in ("ingested", "duplicate", "failed")}

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def to_json(self, since: int = 0) -> dict:
        """The job's status with the per-page results from `since` on (pollers ask for new ones)."""
        with self._lock:
            results = self.results[since:]
            total = len(self.results)
        return {"id": self.id, "state": self.state, "finished": self.finished,
                "files": self.files, "files_total": len(self.files),
                "files_done": self.files_done, "counts": self.counts(),
                "results_total": total, "since": since, "results": results, "error": self.error}


def display_name(name: str | None) -> str:
    """An uploaded file's name as shown back: last path part, no control characters."""
    base = re.sub(r"[\x00-\x1f\x7f]", "", (name or "").replace("\\", "/")).rsplit("/", 1)[-1]
    return base.strip()[:200] or "upload"


class JobBoard:
    """The jobs of this process, by id."""

    def __init__(self):
        self._jobs: dict[str, IngestJob] = {}
        self._lock = threading.Lock()

    def new(self, files: list[str]) -> IngestJob:
        job = IngestJob(id=secrets.token_urlsafe(24), files=files)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.finished]
            for old in sorted(finished, key=lambda j: j.created)[: max(0, len(self._jobs) - MAX_JOBS_KEPT)]:
                del self._jobs[old.id]
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            return self._jobs.get(job_id)


def start_ingest(data_dir: Path, write_lock: threading.Lock, job: IngestJob,
                 uploads: list[Upload]) -> threading.Thread:
    """Run the job in a daemon thread; it waits for the archive's single writer."""
    thread = threading.Thread(target=run_ingest, args=(data_dir, write_lock, job, uploads),
                              name=f"ingest-{job.id[:8]}", daemon=True)
    thread.start()
    return thread


def run_ingest(data_dir: Path, write_lock: threading.Lock, job: IngestJob,
               uploads: list[Upload]) -> None:
    """Ingest every uploaded file (one bad file never stops the rest), then index."""
    from archive.ingest import ingest_sources
    from archive.sources import iter_upload
    from archive.store import Store
    from index.writer import sync_index

    with write_lock:
        job.state = "running"
        store = None
        try:
            store = Store(data_dir)  # this thread's own SQLite connection
            while uploads:
                upload = uploads.pop(0)  # let the bytes go as soon as they are read
                for result in ingest_sources(store, iter_upload(upload.name, upload.data)):
                    job.add(result)
                job.files_done += 1
            job.state = "indexing"
            sync_index(data_dir, store)
            job.state = "done"
        except Exception as exc:  # noqa: BLE001 - the job reports what stopped it; the server goes on
            job.error = f"{type(exc).__name__}: {exc}"
            job.state = "failed"
        finally:
            if store is not None:
                store.close()
