"""Keywords of a report by TF-IDF, with the IDF table that ships with jieba.analyse.

Scores are those of jieba.analyse.TFIDF.extract_tags (term frequency / total terms
× IDF, unknown words get the median IDF), but words are cut with rjieba, which uses
the same dictionary and is about 15 times faster than jieba's Python tokenizer, and
importing jieba.analyse (0.6 s, it loads the POS tagger) is avoided. The IDF table
and the stoplist are read once, on first use (about 0.2 s).
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path
from statistics import median

STOPWORDS_PATH = Path(__file__).parent / "data" / "keyword_stopwords.txt"

# A keyword must carry meaning: no single characters, no numbers or quantities
# ("2019", "98.23%", "92所"), no punctuation; "5G" or "COVID-19" are kept.
_HAS_DIGIT = re.compile(r"[0-9０-９]")
_HAS_LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_WORDLIKE = re.compile(r"^[\w+\-]+$")
# Placeholders of anonymised texts (xx市, XX县, 某某) and lowercase web debris (www, com).
_PLACEHOLDER = re.compile(r"^(?:[xX×＊*某]+|[a-z]+)$")

_lock = threading.Lock()


class KeywordDataError(RuntimeError):
    """The IDF table or the stoplist cannot be read."""


def _idf_path() -> Path:
    import jieba  # only the package location is needed; its dictionary stays unloaded

    return Path(jieba.__file__).parent / "analyse" / "idf.txt"


@lru_cache(maxsize=1)
def _idf_table() -> tuple[dict[str, str], float]:
    """jieba's word → IDF table (values parsed on use) and its median IDF."""
    path = _idf_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise KeywordDataError(f"{path}: cannot read jieba's IDF table: {err}") from None
    table = dict(line.split(" ", 1) for line in lines if " " in line)
    return table, median(float(v) for v in table.values())


def load_stopwords(path: str | Path = STOPWORDS_PATH) -> frozenset[str]:
    """Words of a stoplist file, one a line, # starts a comment line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise KeywordDataError(f"{path}: cannot read keyword stoplist: {err}") from None
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    return load_stopwords(STOPWORDS_PATH)


@lru_cache(maxsize=100_000)  # the same words recur in every report: decide each once
def _idf_of(word: str, stopwords: frozenset[str]) -> float | None:
    """The word's IDF, or None when it cannot be a keyword."""
    if len(word) < 2 or word in stopwords or not _WORDLIKE.match(word):
        return None
    if _PLACEHOLDER.match(word) or (_HAS_DIGIT.search(word) and not _HAS_LETTER.search(word)):
        return None
    table, median_idf = _idf_table()
    idf = table.get(word)
    return float(idf) if idf is not None else median_idf


def top_keywords(paragraphs: list[str], n: int = 10,
                 stopwords: frozenset[str] | None = None) -> list[str]:
    """The n words with the highest TF-IDF in the text, best first (ties by word)."""
    import rjieba

    text = "\n".join(p for p in paragraphs if p)
    if not text.strip() or n <= 0:
        return []
    stop = _default_stopwords() if stopwords is None else stopwords
    with _lock:  # the first call loads the tables; later calls only read them
        _idf_table()
    tokens = Counter(rjieba.cut(text))  # whitespace comes out as tokens of its own
    total = sum(tokens.values()) or 1
    scores = {w: c / total * idf for w, c in tokens.items()
              if (idf := _idf_of(w, stop)) is not None}
    if len(scores) > n:  # only words scoring at least the n-th best can be among the n
        least = sorted(scores.values(), reverse=True)[n - 1]
        scores = {w: v for w, v in scores.items() if v >= least}
    return sorted(scores, key=lambda w: (-scores[w], w))[:n]
