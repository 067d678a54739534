"""Text analysis shared by indexing and querying: folding, words, characters.

Folding is length-preserving: every character maps to exactly one character
(full-width -> half-width, upper -> lower, traditional -> simplified), so an
offset in the folded text is the same offset in the original. Highlights are
computed on folded text and drawn on the original without an offset map.
Characters whose normal form is longer than one character (㈠ -> (一)) are kept
as they are: exactness of offsets matters more than folding those rare forms.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
from whoosh.analysis import Composable, Token

VARIANTS_FILE = Path(__file__).resolve().parent / "data" / "st_variants.tsv"
# Joins paragraphs in the indexed body: the character view never matches across it,
# so every hit has a paragraph to highlight.
PARAGRAPH_BREAK = "\u2029"

# CJK blocks whose traditional forms OpenCC maps to simplified ones.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0))


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    pairs: list[tuple[int, str]] = []
    for cp in range(0x20, 0x10000):
        ch = chr(cp)
        folded = unicodedata.normalize("NFKC", ch).casefold()
        if len(folded) == 1 and folded != ch:
            pairs.append((cp, folded))
    pairs += _opencc_pairs()
    pairs += _variant_table().items()
    # NFKC maps U+3000 and NBSP to a space already; keep all whitespace as one space.
    pairs += [(cp, " ") for cp in (0x09, 0x0A, 0x0D, 0x0B, 0x0C)]
    return _settled(pairs)


def _variant_table() -> dict[int, str]:
    """Every traditional form of a simplified character folds to it (覆 -> 复, 乾 -> 干),
    including forms that are characters of their own: recall over rare false matches."""
    table: dict[int, str] = {}
    for line in VARIANTS_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        simplified, _, forms = line.partition("\t")
        for form in forms.split():
            if form != simplified:
                table.setdefault(ord(form), simplified)
    return table


def _settled(pairs: list[tuple[int, str]]) -> dict[int, str]:
    """Fold whole classes of equivalent characters to one, so that folding twice changes
    nothing and two spellings that meet anywhere fold alike (锺 <- 鍾 -> 钟 all give 钟).

    A union-find over the (character, folded character) pairs; a pair's target becomes
    its class's representative, so later pairs (the variants) win over earlier (t2s).
    """
    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.get(ch, ch) != ch:
            ch = parent[ch]
        return ch

    for cp, target in pairs:
        a, b = root(chr(cp)), root(target)
        if a != b:
            parent[a] = b
    return {ord(ch): root(ch) for ch in parent}


def _opencc_pairs() -> list[tuple[int, str]]:
    """(traditional, simplified) pairs both ways: t2s of every character, and s2t
    inverted, so that 锺 (s2t: 鍾) meets 鍾 (t2s: 钟)."""
    import opencc

    chars = "".join(chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi))
    pairs = []
    for config, invert in (("s2t", True), ("t2s", False)):
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):  # OpenCC merged a line: fall back char by char
            converted = [opencc.OpenCC(config).convert(ch) for ch in chars]
        for ch, other in zip(chars, converted):
            if len(other) == 1 and other != ch:
                pairs.append((ord(other), ch) if invert else (ord(ch), other))
    return pairs


@functools.lru_cache(maxsize=1)
def _fold_array() -> np.ndarray:
    """The fold table over every code point (4.4 MB): a long text folds in one lookup."""
    table = np.arange(0x110000, dtype=np.uint32)
    for cp, folded in _fold_table().items():
        table[cp] = ord(folded)
    return table


def code_points(text: str) -> np.ndarray:
    """The text's characters as an array of code points (lone surrogates kept)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


_FOLD_IN_NUMPY = 48  # characters; shorter texts fold faster with str.translate


def fold(text: str) -> str:
    """Fold text for matching; the result has exactly the length of the input.

    A report's text folds ~15x faster as an array of code points than with translate,
    which looks each character up in a dict; the two give the same (tested on every
    code point)."""
    if len(text) < _FOLD_IN_NUMPY:
        return text.translate(_fold_table())
    return _fold_array()[code_points(text)].tobytes().decode("utf-32-le", "surrogatepass")


# ---------------------------------------------------------------- character view
_SPACE = re.compile(r"\s+")


def char_stream(text: str) -> str:
    """The folded text without whitespace: the sequence the character view indexes
    (charview.py), and the form a query string is matched in."""
    return _SPACE.sub("", fold(text))


# ---------------------------------------------------------------- word view
_WORDLIKE = re.compile(r"\w", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _segmenter():
    """rjieba when present (same dictionary and algorithm as jieba, ~30x faster)."""
    try:
        import rjieba

        return rjieba.cut_for_search
    except ImportError:  # pragma: no cover - rjieba is pinned, jieba is the reference
        import jieba

        jieba.setLogLevel(60)
        return jieba.lcut_for_search


def _is_word(token: str) -> bool:
    # isalnum() first: true for almost every word, and it implies \w (the regex is slower).
    return token.isalnum() or _WORDLIKE.search(token) is not None


def words(text: str) -> list[str]:
    """Search-mode words of the folded text, punctuation and spaces dropped."""
    return [w for w in _segmenter()(fold(text)) if _is_word(w)]


def word_counts(text: str) -> Counter:
    """words(text) counted: the tokens are counted first, then tested once per distinct token."""
    counts = Counter(_segmenter()(fold(text)))
    for token in [t for t in counts if not _is_word(t)]:
        del counts[token]
    return counts


class WordAnalyzer(Composable):
    """The word view as a Whoosh analyzer: jieba search-mode words, one position each.

    Search mode emits overlapping words (中华 and 中华人民共和国); we give each its
    own running position. Phrase queries never run on this view (the character
    view answers them), so the positions only need to be distinct. Module level,
    holding no state: Whoosh pickles the analyzer into the index.
    """

    @staticmethod
    def word_counts(value: str) -> Counter:
        return word_counts(value)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in enumerate(words(value)):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token
