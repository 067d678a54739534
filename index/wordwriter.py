"""A Whoosh segment writer that writes the word view's postings a term at a time.

Whoosh's SegmentWriter puts every posting in a pool of Python tuples, sorts them,
and hands them one by one to the codec: ~5 us a posting, and a report gives the word
view ~2,400. Here the title and body postings go into flat arrays instead, are sorted
by numpy, and each term's postings are handed to Whoosh's own postings writer as
whole blocks. The files written are Whoosh's (W3 codec): readers, searches and later
merges see an ordinary segment. Every other field goes through Whoosh's pool as usual.

This leans on W3PostingsWriter's block buffer (_ids, _weights, _values, _maxweight);
whoosh-reloaded is pinned, and tests compare every posting with Whoosh's own writer.
The blocks carry no shortest/longest document length: those only tighten the bound a
top-N search uses to skip a block (without them it is looser, never wrong), and
Whoosh gathers them by reading each posting's document length back from disk.
"""
from __future__ import annotations

import struct
from array import array
from itertools import groupby, repeat
from operator import itemgetter

import numpy as np
from whoosh.writing import SegmentWriter

WORD_FIELDS = ("title", "body")


class _Postings:
    """One field's postings as flat arrays: term number, document, weight, value bytes."""

    def __init__(self, value_size: int):
        self.value_size = value_size
        self.numbers: dict[str, int] = {}  # term -> its number, in order of first sight
        self.terms = array("I")
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()

    def add(self, term: bytes, docnum: int, weight: float, value: bytes) -> None:
        numbers = self.numbers
        number = numbers.setdefault(term.decode("utf-8"), len(numbers))
        self.terms.append(number)
        self.docs.append(docnum)
        self.weights.append(weight)
        self.values += value

    def add_counts(self, docnum: int, counts: dict[str, int], boost: float) -> int:
        """One document's words and their frequencies (Frequency format); returns its length."""
        numbers = self.numbers
        self.terms.extend([numbers.setdefault(w, len(numbers)) for w in counts])
        freqs = list(counts.values())
        self.docs.extend(repeat(docnum, len(freqs)))
        self.weights.extend([n * boost for n in freqs])
        self.values += struct.pack(f"!{len(freqs)}I", *freqs)  # Whoosh's pack_uint, all at once
        return sum(freqs)

    def write(self, fieldwriter, name: str, fieldobj) -> None:
        """Every term of the field in byte order, its postings in document order."""
        if not self.terms:
            return
        names = list(self.numbers)
        by_text = sorted(range(len(names)), key=names.__getitem__)  # code point = UTF-8 byte order
        rank = np.empty(len(names), dtype=np.int64)
        rank[by_text] = np.arange(len(names))
        terms = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        order = np.lexsort((docs, terms))
        docs, terms = docs[order], terms[order]
        weights = np.frombuffer(self.weights, dtype=np.float32)[order]
        size = self.value_size
        values = np.frombuffer(bytes(self.values), dtype=f"V{size}")[order] if size else None
        ends = np.append(np.flatnonzero(np.diff(terms)) + 1, len(terms)).tolist()
        fieldwriter.start_field(name, fieldobj)
        start = 0
        for t, end in zip(by_text, ends):
            fieldwriter.start_term(names[t].encode("utf-8"))
            _write_term(fieldwriter._postwriter, docs[start:end], weights[start:end],
                        values[start:end] if size else None)
            fieldwriter.finish_term()
            start = end
        fieldwriter.finish_field()


def _write_term(postwriter, docs: np.ndarray, weights: np.ndarray, values) -> None:
    """Fill Whoosh's block buffer a block at a time; finish_term writes the last block."""
    limit = postwriter._blocklimit
    for lo in range(0, len(docs), limit):
        if lo:
            postwriter._write_block()
        block = weights[lo:lo + limit]
        postwriter._ids = array("I", docs[lo:lo + limit].tobytes())
        postwriter._weights = array("f", block.tobytes())
        postwriter._values = [values[lo:lo + limit].tobytes()] if values is not None else []
        postwriter._maxweight = float(block.max())


class _Pool:
    """Whoosh's posting pool, with the word fields' postings kept apart in arrays."""

    def __init__(self, pool, schema):
        self.pool = pool
        self.words = {name: _Postings(schema[name].format.fixed_value_size() or 0)
                      for name in WORD_FIELDS if name in schema}

    def add(self, item) -> None:
        postings = self.words.get(item[0])
        if postings is None:
            self.pool.add(item)
        else:
            postings.add(item[1], item[2], item[3], item[4] or b"")

    def iter_postings(self):
        return self.pool.iter_postings()

    def cleanup(self) -> None:
        self.pool.cleanup()


class WordViewWriter(SegmentWriter):
    """SegmentWriter whose word-field postings are written in bulk (see the module doc)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = _Pool(self.pool, self.schema)

    def add_document(self, **fields):
        """Whoosh's add_document for every other field; the word fields' counts go straight
        to their arrays, and their lengths (for BM25F) to the per-document writer."""
        texts = {name: fields.pop(name) for name in self.pool.words
                 if fields.get(name) and hasattr(self.schema[name].format, "word_counts")}
        docnum = self.docnum
        super().add_document(**fields)
        for name, text in texts.items():
            field = self.schema[name]
            counts = field.format.word_counts(text, field.analyzer)
            length = self.pool.words[name].add_counts(docnum, counts, field.format.field_boost)
            # The per-document writer still points at this document (it moves on start_doc).
            self.perdocwriter.add_field(name, field, None, length)

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        # Readers merge segments' terms in (field name, term) order: fields go in name order.
        words = sorted(name for name, postings in self.pool.words.items() if postings.terms)
        for fieldname, items in groupby(self.pool.iter_postings(), key=itemgetter(0)):
            while words and words[0] < fieldname:
                self._write_words(words.pop(0))
            self.fieldwriter.add_postings(self.schema, lengths, items)
        for name in words:
            self._write_words(name)
        self.fieldwriter.close()
        if lengths:
            lengths.close()

    def _write_words(self, name: str) -> None:
        self.pool.words[name].write(self.fieldwriter, name, self.schema[name])
