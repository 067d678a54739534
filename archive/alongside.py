"""Indexing in a process of its own while worker processes read pages.

The index writer is the slowest stage of an ingest. Run after reading, it would leave
the workers' cores idle; run in a thread of the main process, it would share one
core (the GIL) with storing. In its own process, it indexes what the catalogue holds
a batch at a time while pages are still being read (worker processes run at a lower
priority, so the writer keeps up). Whatever it leaves, or fails on, is indexed by
the main process after reading, as it would be without it: nothing depends on it.
Told to stop (reading is done), it indexes the rest and exits.
"""
from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

log = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between looks at the catalogue
# Reports worth a segment; fewer are left for the next look, or for after. A batch costs
# ~1 s whatever its size (the ~35,000 distinct words of even 100 reports, and the merges
# that more segments bring): at 100 a 2,000-page ingest took 33 s, at 300 it took 27 s.
MIN_BATCH = 300
START_AFTER = 20  # stored reports: the process starts early, to be ready at MIN_BATCH; a
#                   run smaller than this never starts it


def index_until(root: str, stop, min_batch: int, interval: float) -> None:
    """The indexing process: index whatever is stored until told to stop, then the rest.

    It looks again at once after a batch (reports arrive while it writes) and waits only
    when there was nothing worth a segment. Told to stop, it indexes what is left itself:
    it is warm, and reading has ended, so the main process would only wait for it."""
    from archive.store import Store
    from index.writer import sync_index

    store = Store(root)
    try:
        while True:
            finishing = stop.is_set()
            done = sync_index(root, store, min_batch=1 if finishing else min_batch)
            if finishing:
                return
            if not done:
                stop.wait(interval)
    finally:
        store.close()


class IndexAlongside:
    """Starts the indexing process once enough reports are stored; stops it on exit."""

    def __init__(self, root: Path, enabled: bool):
        self.root, self.enabled = root, enabled
        self.min_batch, self.interval, self.start_after = MIN_BATCH, INTERVAL, START_AFTER
        self.stored = 0
        self.process = None
        self.stop = None

    def __enter__(self) -> "IndexAlongside":
        return self

    def saw(self, status: str) -> None:
        """One ingest result; the process starts once a few reports are stored."""
        self.stored += status == "ingested"
        if self.enabled and self.process is None and self.stored >= min(self.start_after,
                                                                          self.min_batch):
            self._start()

    def _start(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self.stop = context.Event()
        self.process = context.Process(
            target=index_until, name="index-alongside", daemon=True,
            args=(str(self.root), self.stop, self.min_batch, self.interval))
        try:
            self.process.start()
        except OSError as exc:  # cannot start a process here: index after reading
            log.warning("cannot start the indexing process (%s); indexing after reading", exc)
            self.enabled, self.process = False, None

    def __exit__(self, *exc_info) -> None:
        if self.process is None:
            return
        self.stop.set()
        self.process.join()
        if self.process.exitcode:
            log.warning("the indexing process stopped with code %s; indexing the rest now",
                        self.process.exitcode)
