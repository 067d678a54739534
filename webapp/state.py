"""What the web app holds open: the catalogue, the searcher, and the one ingest writer."""
from __future__ import annotations

import threading
from pathlib import Path

from archive.pipeline import ingest_paths
from archive.store import Store
from index.search import SearchRequest, SearchResult, Searcher


class ArchiveState:
    def __init__(self, data_dir: str):
        self.data_dir = Path(data_dir)
        self.store = Store(self.data_dir)
        self.searcher = Searcher(self.data_dir, self.store)
        # One writer at a time: Whoosh allows a single writer per index.
        self.write_lock = threading.Lock()

    def search(self, request: SearchRequest) -> SearchResult:
        return self.searcher.search(request)

    def load_demo_if_empty(self, demo_dir: Path) -> None:
        if self.store.count() == 0 and demo_dir.is_dir():
            with self.write_lock:
                ingest_paths(self.data_dir, [str(demo_dir)], progress=False)
