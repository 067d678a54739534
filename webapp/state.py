"""What the web app holds open: the catalogue, the searcher, ingest jobs and the one writer."""
from __future__ import annotations

import threading
from pathlib import Path

from archive.store import Store
from index.search import Searcher, SearchRequest, SearchResult
from webapp.jobs import JobBoard


class ArchiveState:
    def __init__(self, data_dir: str):
        self.data_dir = Path(data_dir)
        self.store = Store(self.data_dir)
        self.searcher = Searcher(self.data_dir, self.store)
        # One writer at a time: Whoosh allows a single writer per index.
        self.write_lock = threading.Lock()
        self.jobs = JobBoard()
        self.index_thread: threading.Thread | None = None

    def search(self, request: SearchRequest) -> SearchResult:
        return self.searcher.search(request)

    def count(self, request: SearchRequest) -> int:
        """How many reports a request matches (for suggestions and export headers)."""
        return self.searcher.count(request)

    def load_demo_if_empty(self, demo_dir: Path) -> None:
        if self.store.count() == 0 and demo_dir.is_dir():
            # Imported here: the ingest pipeline is heavy and the pages do not need it.
            from archive.pipeline import ingest_paths

            with self.write_lock:
                ingest_paths(self.data_dir, [str(demo_dir)], progress=False)

    def start_index_sync(self) -> threading.Thread | None:
        """Index in the background what the catalogue holds and the index lacks: everything
        after a schema change, the tail of a killed ingest. Searches meanwhile see the rest."""
        if not self.store.has_unindexed():
            return None
        self.index_thread = threading.Thread(target=self._sync_index, name="index-sync", daemon=True)
        self.index_thread.start()
        return self.index_thread

    def _sync_index(self) -> None:
        from index.writer import sync_index

        with self.write_lock:
            store = Store(self.data_dir)  # this thread's own SQLite connection
            try:
                sync_index(self.data_dir, store)
            finally:
                store.close()

    @property
    def indexing(self) -> bool:
        return self.index_thread is not None and self.index_thread.is_alive()
