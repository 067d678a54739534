"""Near-duplicates: the same report published in several places (a portal and a forum repost).

Candidates come from the index: a few long, distinctive sentences of the report are
searched as exact phrases. Each candidate is then confirmed on the whole text by the
Jaccard similarity of the two texts' character-bigram sets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archive.records import Report
from index.analysis import char_stream
from index.search import Searcher, SearchRequest

THRESHOLD = 0.8  # bigram Jaccard from which two texts count as the same report
SENTENCES = 3  # phrases searched per report
MIN_SENTENCE = 14  # characters; shorter sentences are too common to tell reports apart
MAX_SENTENCE = 48  # characters of a sentence searched (a long phrase adds nothing)
MAX_CANDIDATES = 30
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_TEXT_CHAR = re.compile(r"\w")


@dataclass
class Similar:
    report: Report
    similarity: float  # 0..1, bigram Jaccard of the two texts


def distinctive_sentences(paragraphs: list[str], count: int = SENTENCES) -> list[str]:
    """The report's sentences with the most distinct characters (numbers and names make a
    sentence specific), trimmed to MAX_SENTENCE, in report order."""
    sentences = []
    for paragraph in paragraphs:
        for piece in _SENTENCE_END.split(paragraph):
            piece = piece.strip().replace('"', "")
            if len(piece) >= MIN_SENTENCE:
                sentences.append(piece[:MAX_SENTENCE])
    unique = list(dict.fromkeys(sentences))
    ranked = sorted(range(len(unique)), key=lambda i: (-len(set(unique[i])), i))
    return [unique[i] for i in sorted(ranked[:count])]


def bigrams(text: str) -> set[str]:
    """Character bigrams of the folded text, spaces and punctuation left out."""
    s = "".join(ch for ch in char_stream(text) if _TEXT_CHAR.match(ch))
    return {s[i : i + 2] for i in range(len(s) - 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_similar(searcher: Searcher, report: Report, threshold: float = THRESHOLD) -> list[Similar]:
    """Other reports whose text is near-identical to this one, most similar first."""
    sentences = distinctive_sentences(report.extracted.paragraphs)
    if not sentences:
        return []
    q = " OR ".join(f'"{s}"' for s in sentences)
    result = searcher.search(SearchRequest(q=q, limit=MAX_CANDIDATES))
    mine = bigrams(report.extracted.text)
    found = []
    for hit in result.hits:
        if hit.report.id == report.id:
            continue
        score = jaccard(mine, bigrams(hit.report.extracted.text))
        if score >= threshold:
            found.append(Similar(hit.report, round(score, 3)))
    return sorted(found, key=lambda s: -s.similarity)
