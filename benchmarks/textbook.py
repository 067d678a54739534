"""The textbook recipe, the baseline every search benchmark prints beside our figures.

What the tutorials give for Chinese full-text search with Whoosh: jieba's
ChineseAnalyzer (search-mode words; it stores character offsets as positions),
title and body as stored TEXT fields, a MultifieldParser over both, and Whoosh's
default highlighter on the stored body. Built into its own index from the same
reports our archive holds.
"""
from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser

FIELDS = ("title", "body")


def textbook_schema() -> fields.Schema:
    from jieba.analyse import ChineseAnalyzer

    return fields.Schema(id=fields.ID(stored=True, unique=True),
                         title=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
                         body=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()))


@dataclass
class TextbookBuild:
    path: Path
    docs: int
    text_bytes: int
    seconds: float


def build_textbook(path: Path, docs: Iterable[tuple[str, str, str]]) -> TextbookBuild:
    """Index (id, title, body) triples with one writer and one commit, as tutorials do."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()  # load the dictionary outside the timed part, as a server would
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    start = time.perf_counter()
    ix = whoosh_index.create_in(str(path), textbook_schema())
    writer = ix.writer()
    count = size = 0
    for doc_id, title, body in docs:
        writer.add_document(id=doc_id, title=title, body=body)
        count += 1
        size += len(title.encode()) + len(body.encode())
    writer.commit()
    built = TextbookBuild(path, count, size, time.perf_counter() - start)
    (path / "build.json").write_text(json.dumps(
        {"docs": count, "text_bytes": size, "seconds": built.seconds}))
    return built


def cached_textbook(path: Path, docs: int) -> TextbookBuild | None:
    """The build of an existing textbook index holding `docs` documents, else None."""
    info = path / "build.json"
    if not info.exists():
        return None
    data = json.loads(info.read_text())
    if data["docs"] != docs:
        return None
    return TextbookBuild(path, data["docs"], data["text_bytes"], data["seconds"])


class TextbookSearcher:
    """Searches a textbook index the tutorial way."""

    def __init__(self, path: Path):
        self.ix = whoosh_index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(list(FIELDS), schema=self.ix.schema)

    def parse(self, q: str):
        return self.parser.parse(q)

    def matched_ids(self, q: str) -> set[str]:
        """Ids of every document the query matches."""
        query = self.parse(q)
        return {self.searcher.stored_fields(n)["id"] for n in self.searcher.docs_for_query(query)}

    def search(self, q: str, limit: int = 20, highlight: int = 10) -> tuple[int, list[dict]]:
        """(total, first page) with the default highlighter on the first `highlight` hits."""
        results = self.searcher.search(self.parse(q), limit=limit)
        page = []
        for i, hit in enumerate(results):
            row = {"id": hit["id"], "title": hit["title"]}
            if i < highlight:
                row["highlights"] = hit.highlights("body")
            page.append(row)
        return len(results), page

    def close(self) -> None:
        self.searcher.close()


_MARK = re.compile(r'<b class="match[^"]*">(.*?)</b>', re.DOTALL)


def marked_words(highlights_html: str) -> list[str]:
    """The strings Whoosh's default HtmlFormatter marked in a highlights() result."""
    return [unescape(m) for m in _MARK.findall(highlights_html)]
