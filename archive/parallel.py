"""Reading pages in worker processes while this process stores them in source order.

Reading a page (decode, extract, enrich) is pure CPU work; everything with side
effects (the duplicate check, ids, originals, the catalogue) stays in the calling
process, in the order of the sources, so the results are those of reading every page
there. Pages are sent a bounded window ahead, so memory stays bounded.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sqlite3
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from archive.ingest import FileResult, Reading, read_pages, result_of
from archive.records import SourceDoc, SourceError
from archive.store import Store, sha256_of

log = logging.getLogger(__name__)

SMALL_RUN = 8  # fewer pages to read than this: starting workers costs more than it saves
CHUNK = 4  # pages per worker task: enough to make the round trip to a worker cheap
AHEAD = 4  # chunks per worker queued ahead: keeps workers busy while bounding memory
WORKER_NICENESS = 10

@dataclass
class Slot:
    """One source waiting for its turn; a page sent to the workers holds its chunk's future."""

    item: SourceDoc | SourceError
    sha: str = ""
    sent: bool = False  # this copy of the bytes is read by a worker (later copies wait for it)
    future: Future | None = None
    index: int = 0  # position in the chunk

    def reading(self) -> Reading | None:
        """The worker's reading, or None when the page is to be read here."""
        if self.future is None:
            return None
        try:
            return self.future.result()[self.index]
        except BrokenProcessPool:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
            return Reading(error=f"{type(exc).__name__}: {exc}")


class ParallelIngest:
    """Pages read by workers a bounded window ahead; results stored here in source order."""

    def __init__(self, store: Store, workers: int):
        self.store = store
        self.readers = Readers(workers)
        self.window = AHEAD * workers * CHUNK  # sources held at once, so memory stays bounded
        self.pending: deque[Slot] = deque()
        self.unsent: list[Slot] = []  # pages to read, waiting for a full chunk
        self.reading_shas: set[str] = set()  # sent and not stored yet: a second copy is not read

    def run(self, sources: Iterable[SourceDoc | SourceError]) -> Iterator[FileResult]:
        try:
            for item in sources:
                self.add(item)
                while len(self.pending) > self.window:
                    yield self.finish_next()
            self.send(last=True)
            while self.pending:
                yield self.finish_next()
        finally:
            self.readers.close()

    def add(self, item: SourceDoc | SourceError) -> None:
        slot = Slot(item)
        if isinstance(item, SourceDoc):
            slot.sha = sha256_of(item.original)
            if slot.sha not in self.reading_shas and not self.stored(slot.sha):
                slot.sent = True
                self.reading_shas.add(slot.sha)
                self.unsent.append(slot)
        self.pending.append(slot)
        self.send()

    def stored(self, sha: str) -> bool:
        try:
            return self.store.has_sha(sha) is not None
        except sqlite3.Error:  # the page's own turn checks again and reports the error
            return False

    def send(self, last: bool = False) -> None:
        """Hand full chunks (the rest when last) to the workers, once the run is worth starting them."""
        if not self.readers.started and len(self.unsent) < SMALL_RUN:
            return  # a small run is read here; its turn comes before workers would be started
        while len(self.unsent) >= CHUNK or (last and self.unsent):
            chunk, self.unsent = self.unsent[:CHUNK], self.unsent[CHUNK:]
            future = self.readers.submit([slot.item for slot in chunk])
            for index, slot in enumerate(chunk):
                slot.future, slot.index = future, index

    def finish_next(self) -> FileResult:
        slot = self.pending.popleft()
        if self.unsent and self.unsent[0] is slot:  # its turn came before its chunk filled up
            if self.readers.started:
                self.send(last=True)
            else:
                self.unsent.pop(0)  # read here
        try:
            reading = slot.reading()
        except BrokenProcessPool as exc:
            self.readers.lost(exc)
            reading = None  # read here, as without workers
        result = result_of(self.store, slot.item, reading, slot.sha)
        if slot.sent:
            self.reading_shas.discard(slot.sha)  # stored or failed: the catalogue decides from now on
        return result


class Readers:
    """Worker processes that read pages, started on first use; when they cannot run, pages are read here."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.started = False

    def submit(self, docs: list[SourceDoc]) -> Future | None:
        if not self.started:
            self.started = True
            self.pool = start_pool(self.workers)
        if self.pool is None:
            return None
        try:
            return self.pool.submit(read_pages, docs)
        except (OSError, RuntimeError) as exc:  # a worker died or could not start (RuntimeError: broken pool)
            self.lost(exc)
            return None

    def lost(self, exc: Exception) -> None:
        """Stop using workers after one died (killed for memory, say): the rest is read here."""
        if self.pool is not None:
            log.warning("worker processes stopped (%s); reading the remaining pages in this process", exc)
            self.pool.shutdown(wait=False)  # chunks sent finish; those a dead worker held are read here
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def start_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of page readers, or None (with a warning) where processes cannot be started."""
    try:
        # Not fork: the web app ingests from a thread, and a forked child of a threaded
        # process can inherit a lock held by another thread and hang.
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # Processes fork with the imports done and the reference data loaded.
            context.set_forkserver_preload(["archive.parallel", "archive.preload"])
        else:
            context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(workers, mp_context=context, initializer=worker_started)
    except (OSError, ImportError, NotImplementedError, ValueError) as exc:
        log.warning("cannot start %d worker processes (%s); reading pages in this process", workers, exc)
        return None


def worker_started() -> None:
    # Ctrl+C reaches the whole process group: the main process stops the run and the pool,
    # and workers stay quiet instead of each printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The main process stores and indexes what workers read; when cores are short it goes
    # first, so the index keeps up instead of being left with the whole tail at the end.
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: run at the same priority
        pass
