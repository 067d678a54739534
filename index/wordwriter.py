"""A Whoosh segment writer that writes the word view's postings a field at a time.

Whoosh's SegmentWriter puts every posting in a pool of Python tuples, sorts them,
and hands them one by one to the codec: ~5 us a posting, and a report gives the word
view ~2,400. Here the title and body postings go into flat arrays instead, are sorted
by numpy, and each field's blocks and term infos are encoded in one pass and written
in one call (_BlockWriter). The files are byte for byte what Whoosh's W3 postings
writer writes from the same postings (a test compares them): readers, searches and
later merges see an ordinary segment. Every other field goes through Whoosh's pool.

This leans on the W3 codec's file layout and on its field writer's attributes
(_postfile, _tindex, _fieldid, _codec); whoosh-reloaded is pinned, and the tests
compare bytes, postings and scores with Whoosh's own writers.
The blocks carry no shortest/longest document length: those only tighten the bound a
top-N search uses to skip a block (without them it is looser, never wrong), and
Whoosh gathers them by reading each posting's document length back from disk.
"""
from __future__ import annotations

import io
import pickle
import struct
import zlib
from array import array
from itertools import accumulate, groupby, repeat
from operator import itemgetter
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as MAGIC
from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.system import _INT_SIZE, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

TERMINFO = W3TermInfo._struct
_INT = struct.Struct("!i")  # Whoosh's pack_int: a block's length
assert _INT.size == _INT_SIZE

WORD_FIELDS = ("title", "body")


class _Postings:
    """One field's postings as flat arrays: term number, document, weight, value bytes."""

    def __init__(self, value_size: int):
        self.value_size = value_size
        # term -> its number: unique, not dense (see add_counts); in order of first sight
        self.numbers: dict[str, int] = {}
        self.next_number = 0
        self.terms = array("I")
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()

    def add(self, term: bytes, docnum: int, weight: float, value: bytes) -> None:
        self.terms.append(self.numbers.setdefault(term.decode("utf-8"), self.next_number))
        self.next_number += 1
        self.docs.append(docnum)
        self.weights.append(weight)
        self.values += value

    def add_counts(self, docnum: int, counts: dict[str, int], boost: float) -> int:
        """One document's words and their frequencies (Frequency format); returns its length."""
        # A new word takes the number of its place in the batch: numbering runs in C.
        first = self.next_number
        self.next_number += len(counts)
        self.terms.extend(map(self.numbers.setdefault, counts, range(first, self.next_number)))
        freqs = list(counts.values())
        self.docs.extend(repeat(docnum, len(freqs)))
        self.weights.extend([n * boost for n in freqs])
        self.values += struct.pack(f"!{len(freqs)}I", *freqs)  # Whoosh's pack_uint, all at once
        return sum(freqs)

    def add_postings(self, term: str, docs, weights, values: bytes) -> None:
        """A run of one term's postings (a block read back from a segment being merged)."""
        number = self.numbers.setdefault(term, self.next_number)
        self.next_number += 1
        start = len(self.docs)
        self.docs.extend(docs)
        self.terms.extend(repeat(number, len(self.docs) - start))
        self.weights.extend(weights)
        self.values += values

    def write(self, fieldwriter, name: str, fieldobj) -> None:
        """Every term of the field in byte order, its postings in document order."""
        if not self.terms:
            return
        names = list(self.numbers)
        by_text = sorted(range(len(names)), key=names.__getitem__)  # code point = UTF-8 byte order
        numbers = np.fromiter(self.numbers.values(), dtype=np.int64, count=len(names))
        rank = np.empty(self.next_number, dtype=np.int64)
        rank[numbers[by_text]] = np.arange(len(names))
        terms = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        order = np.lexsort((docs, terms))
        size = self.value_size
        values = np.frombuffer(bytes(self.values), dtype=f"V{size}")[order].tobytes() if size else b""
        fieldwriter.start_field(name, fieldobj)
        _BlockWriter(fieldwriter, size).write_terms(
            [names[t].encode("utf-8") for t in by_text], np.flatnonzero(np.diff(terms[order], prepend=-1)),
            docs[order], np.frombuffer(self.weights, dtype=np.float32)[order], values)
        fieldwriter.finish_field()


class _BlockWriter:
    """Whoosh's W3 postings blocks and term infos, encoded for a whole field at once.

    Byte for byte what W3PostingsWriter and W3TermInfo.to_bytes write from the same
    postings (tests/test_wordwriter.py compares the files): per term the block magic,
    then per block of up to 128 postings a length (negative for the term's last), a
    pickled header and the zlib-compressed pickle of (ids delta-coded from 0, weights
    minified, values joined). Whoosh's own path spends ~25 us of Python calls on a term,
    and a batch of reports has ~40,000 terms whatever its size.
    """

    def __init__(self, fieldwriter, value_size: int):
        self.fieldwriter = fieldwriter
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.prefix = pack_ushort(fieldwriter._fieldid)
        codec = fieldwriter._codec
        self.limit, self.compression = codec._blocklimit, codec._compression
        self.value_size = value_size
        self.no_lengths = (length_to_byte(None), length_to_byte(0))  # see the module doc

    def write_terms(self, texts: list[bytes], starts: np.ndarray, docs: np.ndarray,
                    weights: np.ndarray, values: bytes) -> None:
        """texts[i]'s postings are docs, weights and values from starts[i] to starts[i + 1]."""
        ends = np.append(starts[1:], len(docs))
        blocks = self._block_starts(starts, ends)
        ids = docs.astype(np.int64)
        deltas = np.diff(ids, prepend=0)
        deltas[blocks] = ids[blocks]  # each block's ids are delta-coded from 0
        low = np.minimum.reduceat(weights, blocks).tolist()
        high = np.maximum.reduceat(weights, blocks).tolist()
        totals = np.add.reduceat(weights.astype(np.float64), starts).tolist()
        ids, deltas, weights = ids.tolist(), deltas.tolist(), weights.tolist()
        bounds = blocks.tolist() + [len(ids)]
        chunks, infos, offset, b = [], [], self.postfile.tell(), 0
        for text, start, end, total in zip(texts, starts.tolist(), ends.tolist(), totals):
            first, top = offset, 0.0
            chunks.append(MAGIC)
            offset += len(MAGIC)
            while bounds[b] < end:
                lo, hi = bounds[b], bounds[b + 1]
                chunk = self._block(ids, deltas, weights, values, lo, hi, low[b], high[b], hi == end)
                chunks.append(chunk)
                offset += len(chunk)
                top = max(top, high[b])
                b += 1
            info = TERMINFO.pack(False, total, end - start, 0, self.no_lengths[1], top,
                                 ids[start], ids[end - 1])
            infos.append((self.prefix + text, info + pack_long(first) + pack_int(offset - first)))
        self.postfile.write(b"".join(chunks))
        _add_all(self.tindex, infos)

    def _block_starts(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Where each block begins: every term's start, and every `limit` postings within it."""
        long_terms = np.flatnonzero(ends - starts > self.limit)
        if not len(long_terms):
            return starts
        extra = [np.arange(s + self.limit, e, self.limit)
                 for s, e in zip(starts[long_terms].tolist(), ends[long_terms].tolist())]
        return np.sort(np.concatenate([starts, *extra]))

    def _block(self, ids, deltas, weights, values, lo, hi, low, high, last) -> bytes:
        if low == high:
            mini = None if low == 1.0 else weights[lo]
        else:
            mini = tuple(weights[lo:hi])
        size = self.value_size
        data = dumps((tuple(deltas[lo:hi]), mini, values[lo * size:hi * size] if size else None), 2)
        if self.compression:
            data = zlib.compress(data, self.compression)
        head = dumps((hi - lo, ids[hi - 1], high, self.compression) + self.no_lengths, 2)
        length = len(head) + len(data)
        return pack_int(-length if last else length) + head + data


def _add_all(tindex, items: list[tuple[bytes, bytes]]) -> None:
    """OrderedHashWriter.add for many (key, value) pairs in key order, in one write:
    the same bytes, key positions and hash buckets as adding them one by one."""
    dbfile = tindex.dbfile
    position, last = dbfile.tell(), tindex.lastkey
    buckets, hashfn, positions = tindex.buckets, tindex.hashfn, tindex.index
    parts = []
    for key, value in items:
        if key <= last:
            raise ValueError(f"keys must increase: {last!r}..{key!r}")
        positions.append(position)
        digest = hashfn(key)
        buckets[digest & 255].append((digest, position))
        parts += (_LENGTHS.pack(len(key), len(value)), key, value)
        position += _LENGTHS.size + len(key) + len(value)
        last = key
    dbfile.write(b"".join(parts))
    tindex.lastkey = last


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


def _field_postings(reader, fieldname: str):
    """reader.iter_postings() for one field: (field, term, document, weight, value)."""
    for term in reader.lexicon(fieldname):
        matcher = reader.postings(fieldname, term)
        while matcher.is_active():
            yield fieldname, term, matcher.id(), matcher.weight(), matcher.value()
            matcher.next()


def _copy_blocks(reader, fieldname: str, postings: _Postings, startdoc: int, docmap) -> None:
    """Copy a word field's postings into `postings`, a block at a time from a W3 segment.

    A segment's terms are read in file order and each term's postings in one read,
    instead of a hash lookup and a matcher per term (~30 us, and a merge reads every
    term of every segment). Documents are renumbered as Whoosh's merge does: startdoc +
    document, or through docmap when the segment has deletions (a deleted document is
    not in docmap)."""
    size = postings.value_size
    for term, blocks in _term_blocks(reader, fieldname, size):
        text = term.decode("utf-8")
        for docs, weights, values in blocks:
            if docmap is None:
                postings.add_postings(text, map(startdoc.__add__, docs), weights, values)
                continue
            kept = [i for i, d in enumerate(docs) if d in docmap]
            postings.add_postings(text, [docmap[docs[i]] for i in kept], [weights[i] for i in kept],
                                  b"".join(values[i * size:(i + 1) * size] for i in kept))


def _term_blocks(reader, fieldname: str, size: int):
    """(term, its blocks) for each term of the field in the reader."""
    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader):  # not one W3 segment (a MultiReader, say)
        for term in reader.lexicon(fieldname):
            yield term, _one_block(reader.postings(fieldname, term))
        return
    postfile = terms._postfile
    for (field, term), info in terms.items_from(fieldname, b""):
        if field != fieldname:
            return
        if info.is_inlined():  # postings kept in the term info: neither writer does this
            yield term, _one_block(reader.postings(fieldname, term))
        else:
            offset, length = info.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps unpack_int's tuple
                (length,) = length
            yield term, _blocks(postfile.get(offset, length), size)


def _blocks(raw: bytes, size: int):
    """(documents, weights, values) of each block in one term's W3 postings bytes, decoded
    as W3LeafMatcher decodes them: a length (negative for the last block), a pickled
    header, the data (compressed if the header says so)."""
    if raw[:len(MAGIC)] != MAGIC:
        raise ValueError("not W3 postings")
    stream = io.BytesIO(raw)
    stream.seek(len(MAGIC))
    while True:
        (length,) = _INT.unpack(stream.read(_INT.size))
        start = stream.tell()
        count, _last, _top, compression, _short, _long = pickle.load(stream)
        data = raw[stream.tell():start + abs(length)]
        deltas, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
        if weights is None:
            weights = [1.0] * count
        elif isinstance(weights, float):
            weights = [weights] * count
        yield list(accumulate(deltas)), weights, values if size else b""
        if length < 0:
            return
        stream.seek(start + abs(length))


def _one_block(matcher):
    """Any other matcher's postings (deleted documents already left out), as one block."""
    docs, weights, values = [], [], []
    while matcher.is_active():
        docs.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value() or b"")
        matcher.next()
    yield docs, weights, b"".join(values)


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

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """Postings of a segment merged into this one (Whoosh's merge policy picks them).

        Whoosh reads them back one posting at a time, ~3 us each, which made a merge of
        ten segments take longer than indexing them. The word fields' postings are read
        a block at a time here (_copy_blocks); the other fields go Whoosh's way."""
        for fieldname in reader.indexed_field_names():
            if fieldname not in self.schema:
                continue
            words = self.pool.words.get(fieldname)
            if words is not None:
                _copy_blocks(reader, fieldname, words, startdoc, docmap)
                continue
            for item in self._process_posts(_field_postings(reader, fieldname), startdoc, docmap):
                self.pool.add(item)

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
