"""Passage ids, exact highlight spans and snippets.

A passage id is derived from the paragraph's text, so a link
`/doc/<id>#p-<pid>` keeps pointing at the same paragraph after re-extraction as
long as that paragraph's text is unchanged. Highlights are found on the folded
text (same length as the original, see analysis.fold) with whitespace ignored,
and drawn on the original characters, escaped.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from html import escape

from index.analysis import fold

_WS = re.compile(r"\s")
_NON_WS = re.compile(r"\S")


def passage_ids(paragraphs: list[str]) -> list[str]:
    """Stable ids for the paragraphs: a hash of the text, '-2', '-3' for repeats.

    The hash is of the text as written (runs of whitespace as one space), never of the
    folded text, so a change to the folding tables cannot break a saved link.
    """
    seen: dict[str, int] = {}
    ids = []
    for text in paragraphs:
        base = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def find_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of the terms in text, merged, in order.

    Matching ignores whitespace (as the character index does) and folding; spans
    are offsets into the original text.
    """
    stream = _Stream(text)
    return _merge([span for term in terms for span in _term_spans(stream, term)])


class _Stream:
    """A text folded and without whitespace, with the way back to original offsets."""

    def __init__(self, text: str, folded: str | None = None):
        folded = fold(text) if folded is None else folded
        if _WS.search(folded):
            self.keep = [m.start() for m in _NON_WS.finditer(folded)]
            self.text = "".join(folded[i] for i in self.keep)
        else:  # most Chinese paragraphs: the stream is the folded text itself
            self.keep, self.text = None, folded

    def offset(self, i: int) -> int:
        return i if self.keep is None else self.keep[i]


def _term_spans(stream: _Stream, term: str) -> list[tuple[int, int]]:
    needle = "".join(fold(term).split())
    spans = []
    start = stream.text.find(needle) if needle else -1
    while start != -1:
        spans.append((stream.offset(start), stream.offset(start + len(needle) - 1) + 1))
        start = stream.text.find(needle, start + 1)
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escaped HTML of text[start:end] with the spans wrapped in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


@dataclass
class Passage:
    pid: str
    index: int  # position of the paragraph in the report
    text: str
    spans: list[tuple[int, int]]
    terms_matched: int

    def snippet_html(self, width: int = 160) -> str:
        """Highlighted window of about `width` characters around the first match."""
        if len(self.text) <= width:
            return highlight(self.text, self.spans)
        first = self.spans[0][0] if self.spans else 0
        start = max(0, first - width // 3)
        end = min(len(self.text), start + width)
        html = highlight(self.text, self.spans, start, end)
        return ("…" if start > 0 else "") + html + ("…" if end < len(self.text) else "")


@functools.lru_cache(maxsize=512)
def _folded(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Folded paragraphs of recently shown reports: the same reports come back query after query."""
    return tuple(fold(p) for p in paragraphs)


def best_passages(paragraphs: list[str], terms: list[str], limit: int = 3) -> list[Passage]:
    """The paragraphs matching the most distinct terms (then most matches), in report order."""
    if not terms:
        return []
    found = []
    ids = None
    for i, (text, folded) in enumerate(zip(paragraphs, _folded(tuple(paragraphs)))):
        stream = _Stream(text, folded)
        per_term = [_term_spans(stream, t) for t in terms]
        distinct = sum(1 for spans in per_term if spans)
        if not distinct:
            continue
        ids = ids or passage_ids(paragraphs)
        spans = _merge([span for spans in per_term for span in spans])
        found.append(Passage(ids[i], i, text, spans, distinct))
    found.sort(key=lambda p: (-p.terms_matched, -len(p.spans), p.index))
    return sorted(found[:limit], key=lambda p: p.index)
