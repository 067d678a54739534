"""The word view's bulk writer writes what Whoosh's own writer writes."""
import functools
import random

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from index.schema import build_schema
from index.wordwriter import WordViewWriter

PHRASES = ["学前教育", "毛入园率达到98.5%", "義務教育優質均衡", "ABC标准", "大班额", "营养改善计划",
           "教师队伍建设", "校园安全", "中华人民共和国教育法", "一、主要工作", "2021年"]


def _docs(count: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        body = "。".join("".join(rng.choices(PHRASES, k=rng.randint(1, 6))) for _ in range(rng.randint(0, 30)))
        docs.append({"id": f"r{n}", "ikey": n + 1, "title": rng.choice(PHRASES) + "工作总结",
                     "body": body, "year": str(2015 + n % 6), "date": 20200101 + n, "added": n})
    return docs


def _build(path, writer_class, docs, batches: int):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    step = -(-len(docs) // batches)
    for lo in range(0, len(docs), step):
        writer = writer_class(ix)
        for doc in docs[lo:lo + step]:
            writer.add_document(**{k: v for k, v in doc.items() if v != ""})
        writer.commit(merge=False)
    return ix


def _postings(reader) -> dict:
    out = {}
    for field in ("title", "body", "year", "id"):
        for term in reader.field_terms(field):
            weights = reader.postings(field, term).items_as("weight")
            freqs = reader.postings(field, term).items_as("frequency")
            out[(field, term)] = [(d, round(w, 6), f) for (d, w), (_, f) in zip(weights, freqs)]
    return out


@pytest.mark.parametrize("batches", [1, 3])
def test_same_postings_lengths_and_scores_as_whooshs_writer(tmp_path, batches):
    docs = _docs(120)
    ours = _build(tmp_path / "ours", WordViewWriter, docs, batches)
    whooshs = _build(tmp_path / "whoosh", SegmentWriter, docs, batches)
    with ours.searcher() as a, whooshs.searcher() as b:
        ra, rb = a.reader(), b.reader()
        assert _postings(ra) == _postings(rb)
        for field in ("title", "body"):
            assert ra.field_length(field) == rb.field_length(field)
            assert [ra.doc_field_length(d, field) for d in ra.all_doc_ids()] == \
                   [rb.doc_field_length(d, field) for d in rb.all_doc_ids()]
        from whoosh import query
        q = query.Or([query.Term("body", "教育"), query.Term("title", "大班"), query.Term("body", "校园")])
        hits_a = [(h.docnum, round(h.score, 6)) for h in a.search(q, limit=None)]
        hits_b = [(h.docnum, round(h.score, 6)) for h in b.search(q, limit=None)]
        assert hits_a == hits_b and hits_a


def test_merging_segments_through_the_bulk_writer_keeps_every_posting(tmp_path):
    docs = _docs(60, seed=9)
    ours = _build(tmp_path / "ours", WordViewWriter, docs, 4)
    WordViewWriter(ours).commit(optimize=True)
    whooshs = _build(tmp_path / "whoosh", SegmentWriter, docs, 1)
    with ours.searcher() as a, whooshs.searcher() as b:
        assert len(a.reader().leaf_readers()) == 1
        assert _postings(a.reader()) == _postings(b.reader())


def _through_whooshs_postings_writer(self, texts, starts, docs, weights, values):
    """The reference: the same postings handed one by one to Whoosh's W3 postings writer."""
    fieldwriter, size = self.fieldwriter, self.value_size
    ends = list(starts[1:]) + [len(docs)]
    for text, start, end in zip(texts, starts, ends):
        fieldwriter.start_term(text)
        for i in range(start, end):
            fieldwriter.add(int(docs[i]), float(weights[i]), values[i * size:(i + 1) * size], None)
        fieldwriter.finish_term()


def _segment_files(path) -> list[bytes]:
    return [f.read_bytes() for ext in ("trm", "pst") for f in sorted(path.glob(f"*.{ext}"))]


def test_blocks_are_the_bytes_whooshs_postings_writer_writes(tmp_path, monkeypatch):
    from index import wordwriter

    docs = _docs(300, seed=11)  # common words span several 128-posting blocks
    separate_files = functools.partial(WordViewWriter, compound=False)
    ours = _build(tmp_path / "ours", separate_files, docs, 1)
    monkeypatch.setattr(wordwriter._BlockWriter, "write_terms", _through_whooshs_postings_writer)
    _build(tmp_path / "whoosh", separate_files, docs, 1)
    with ours.reader() as reader:
        assert max(reader.doc_frequency("body", t) for t in reader.field_terms("body")) > 256
    files = _segment_files(tmp_path / "ours")
    assert len(files) == 2 and files == _segment_files(tmp_path / "whoosh")


def test_merging_segments_with_deleted_documents_keeps_the_live_postings(tmp_path):
    docs = _docs(90, seed=3)
    built = []
    for name, writer_class in (("ours", WordViewWriter), ("whoosh", SegmentWriter)):
        ix = _build(tmp_path / name, writer_class, docs, 3)
        writer = writer_class(ix)
        for n in range(0, len(docs), 7):
            writer.delete_by_term("id", f"r{n}")
        writer.commit(optimize=True)  # the three segments, with their deletions, become one
        built.append(ix)
    with built[0].searcher() as a, built[1].searcher() as b:
        assert len(a.reader().leaf_readers()) == 1 and a.doc_count_all() == 90 - 13
        assert _postings(a.reader()) == _postings(b.reader())


def test_a_reader_of_several_segments_is_copied_posting_by_posting(tmp_path):
    source = _build(tmp_path / "source", WordViewWriter, _docs(40, seed=4), 3)
    (tmp_path / "copy").mkdir()
    copy = whoosh_index.create_in(str(tmp_path / "copy"), build_schema())
    writer = WordViewWriter(copy)
    with source.reader() as reader:
        assert len(reader.leaf_readers()) == 3  # a MultiReader: its matchers are not W3 blocks
        writer.add_reader(reader)
        writer.commit()
        with copy.reader() as copied:
            assert _postings(copied) == _postings(reader)
