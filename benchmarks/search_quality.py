"""Search quality: does every substring find its report, and is every highlight exact?

Usage: python benchmarks/search_quality.py [--reports N] [--queries Q] [--seed S]
       [--no-pages] [--tb-highlight K]

The archive holds the dev corpus gold texts (one report each), the dev pages ingested
through the real pipeline (when it runs), and N generated reports (default 2,000),
cached under bench-data/. Q random substrings of 1-8 characters are drawn from the
indexed paragraphs (never across a paragraph boundary, never whitespace only), half
from dev-corpus reports and half from generated ones, and searched:

  (a) plain and quoted: recall = share whose source report is among the matches;
  (b) the same strings in traditional characters (OpenCC s2t) and with full-width
      digits and letters: recall again;
  (c) highlight exactness on the first page: every highlighted span of every passage
      must equal a query term after folding (index.analysis.fold, whitespace removed).

The textbook recipe (benchmarks/textbook.py) answers the same queries from its own
index of the same reports; its highlight figure is the share of words Whoosh's
default highlighter marks that equal the query.
"""
from __future__ import annotations

import argparse
import functools
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_gen as gen  # noqa: E402
import textbook as tb  # noqa: E402

from archive.records import Enrichment, Extracted, Report  # noqa: E402
from archive.store import Store, sha256_of
from index.analysis import char_stream, fold  # noqa: E402
from index.search import Searcher, SearchRequest  # noqa: E402

DEV = gen.SHARED / "corpus" / "dev"
MAX_LEN = 8


# ---------------------------------------------------------------- the archive
def gold_reports() -> list[Report]:
    """One report per dev-corpus gold text, paragraphs = its non-empty lines."""
    out = []
    for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        paragraphs = [p.strip() for p in (row.get("text") or "").splitlines() if p.strip()]
        if not paragraphs:
            continue
        sha = sha256_of(f"gold:{row['file']}".encode())
        ex = Extracted(title=f"gold {row['file']}", paragraphs=paragraphs, site_config="gold")
        out.append(Report(id=sha[:12], sha256=sha, source_path=f"gold/{row['file']}",
                          url=row.get("url"), extracted=ex, enrichment=Enrichment(),
                          ingested_at="2025-01-01T00:00:00+00:00"))
    return out


def build_quality_archive(n: int, seed: int, pages: bool) -> tuple[Path, str]:
    """The cached archive (gold texts, generated reports, dev pages); returns (dir, note)."""
    from index.writer import sync_index

    root = gen.BENCH_DATA / f"quality-n{n}-s{seed}"
    store = Store(root)
    if store.count() == 0:
        print(f"building the quality archive in {root} ...", flush=True)
        for report in gold_reports():
            store.add(report, "text")
        for g in gen.iter_reports(n, seed):
            store.add(gen.to_report(g, seed), "html")
    start = time.perf_counter()
    sync_index(root, store)
    store.close()
    note = f"indexed in {time.perf_counter() - start:.0f}s"
    if pages:
        note += "; " + ingest_dev_pages(root)
    return root, note


def ingest_dev_pages(root: Path) -> str:
    """Ingest the dev pages through the real pipeline (duplicates are skipped)."""
    try:
        from archive.pipeline import ingest_paths
    except ImportError as exc:  # the pipeline modules are still being written
        return f"dev pages NOT ingested (pipeline import failed: {type(exc).__name__}: {exc})"
    summary = ingest_paths(root, [str(DEV / "pages")], progress=False)
    return (f"dev pages: ingested {summary.count('ingested')}, already present"
            f" {summary.count('duplicate')}, failed {summary.count('failed')}")


# ---------------------------------------------------------------- the queries
@dataclass
class Probe:
    text: str
    report_id: str
    source: str  # "dev" or "generated"


def sample_probes(store: Store, count: int, seed: int) -> list[Probe]:
    """Random substrings of indexed paragraphs: half from dev reports, half generated."""
    rng = random.Random(seed)
    pools: dict[str, list[tuple[str, str]]] = {"dev": [], "generated": []}
    for report in store.iter_reports():
        kind = "generated" if report.extracted.site_config == "generated" else "dev"
        pools[kind] += [(report.id, p) for p in report.extracted.paragraphs if p.strip()]
    probes = []
    for i in range(count):
        kind = "dev" if i % 2 == 0 and pools["dev"] else "generated"
        while True:
            rid, para = rng.choice(pools[kind])
            size = rng.randint(1, min(MAX_LEN, len(para)))
            start = rng.randrange(0, len(para) - size + 1)
            text = para[start:start + size]
            if text.strip():
                probes.append(Probe(text, rid, kind))
                break
    return probes


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


# Substrings a researcher might paste that look like query syntax: a leading minus,
# parentheses, a quote, the word OR, a field prefix.
_SYNTAX = re.compile(r'-\S|[()"]|\bOR\b|\b(?:title|region|year|topic|doctype|site|domain|subtopic):',
                     re.IGNORECASE)


def syntax_probes(store: Store, count: int, seed: int) -> list[Probe]:
    """Substrings (1-8 chars) of indexed paragraphs that contain query syntax."""
    rng = random.Random(seed + 1)
    found = []
    for report in store.iter_reports():
        for para in report.extracted.paragraphs:
            for m in _SYNTAX.finditer(para):
                start = max(0, m.start() - rng.randint(0, 3))
                text = para[start:start + rng.randint(max(1, m.end() - start), MAX_LEN)]
                if text.strip():
                    kind = "generated" if report.extracted.site_config == "generated" else "dev"
                    found.append(Probe(text, report.id, kind))
    rng.shuffle(found)
    return found[:count]


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def to_fullwidth(text: str) -> str:
    """ASCII digits and letters as their full-width forms (０-９, Ａ-Ｚ, ａ-ｚ)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def quoted(text: str) -> str:
    return f'"{text}"'


# ---------------------------------------------------------------- our design
class Ours:
    def __init__(self, root: Path):
        self.store = Store(root)
        self.searcher = Searcher(root, self.store)
        s = self.searcher._current()[0]
        self.docnum = {fields["id"]: n for n, fields in s.reader().iter_docs()}

    def matched(self, q: str) -> set[int]:
        """Document numbers Searcher.search counts as matches (the total), from its own plan."""
        return self.searcher._plan(SearchRequest(q=q)).matched

    def finds(self, q: str, report_id: str) -> bool:
        return self.docnum[report_id] in self.matched(q)

    def streams(self) -> dict[int, tuple[str, str]]:
        """docnum -> (title, paragraphs) character streams for brute-force match sets.

        Paragraphs are joined with NUL, which no query holds, so a string counts as
        present only when it stands inside one paragraph, as a reader sees it.
        """
        out = {}
        for report in self.store.iter_reports():
            paragraphs = "\0".join(char_stream(p) for p in report.extracted.paragraphs)
            out[self.docnum[report.id]] = (char_stream(report.extracted.title), paragraphs)
        return out

    def search(self, q: str, limit: int = 20):
        return self.searcher.search(SearchRequest(q=q, limit=limit))


def needle(text: str) -> str:
    return "".join(fold(text).split())


@dataclass
class SpanTally:
    spans: int = 0
    exact: int = 0
    merged: int = 0  # adjacent or overlapping occurrences drawn as one mark
    wrong: list = field(default_factory=list)
    hits: int = 0
    hits_unmarked: int = 0  # hits with no highlighted passage and no highlighted title
    unmarked: list = field(default_factory=list)

    def share(self) -> str:
        return pct(self.exact + self.merged, self.spans)


def check_spans(result, tally: SpanTally) -> None:
    """Tally every passage span of a result page against the result's query terms."""
    needles = {needle(t) for t in result.terms if needle(t)}
    for hit in result.hits:
        tally.hits += 1
        if not hit.passages and "<mark>" not in hit.title_html:
            tally.hits_unmarked += 1
            tally.unmarked.append((result.request.q, hit.report.id))
        for p in hit.passages:
            for s, e in p.spans:
                got = needle(p.text[s:e])
                tally.spans += 1
                if got in needles:
                    tally.exact += 1
                elif _is_run(got, needles):
                    tally.merged += 1
                else:
                    tally.wrong.append((result.request.q, p.text[s:e]))


def _is_run(got: str, needles: set[str]) -> bool:
    """Whether `got` is covered end to end by occurrences of the needles."""
    covered = [False] * len(got)
    for n in needles:
        start = got.find(n)
        while start != -1:
            covered[start:start + len(n)] = [True] * len(n)
            start = got.find(n, start + 1)
    return bool(got) and all(covered)


# ---------------------------------------------------------------- the textbook recipe
class Textbook:
    def __init__(self, root: Path, store: Store):
        path = root.parent / (root.name + "-textbook")
        count = store.count()
        built = tb.cached_textbook(path, count)
        if built is None:
            print(f"building the textbook index of {count} reports in {path} ...", flush=True)
            built = tb.build_textbook(path, ((r.id, r.extracted.title, r.extracted.text)
                                             for r in store.iter_reports()))
        self.built = built
        self.ts = tb.TextbookSearcher(path)
        reader = self.ts.searcher.reader()
        self.docnum = {reader.stored_fields(n)["id"]: n for n in reader.all_doc_ids()}
        self.ids = {n: rid for rid, n in self.docnum.items()}
        self.errors: Counter = Counter()  # exceptions the recipe raised, by type

    def finds(self, q: str, report_id: str) -> bool:
        return self.docnum[report_id] in self.matched_docs(q)

    def matched_ids(self, q: str) -> set[str]:
        return {self.ids[d] for d in self.matched_docs(q)}

    def matched_docs(self, q: str) -> set[int]:
        """What the recipe matches; a string it fails on counts as matching nothing."""
        try:
            return set(self.ts.searcher.docs_for_query(self.ts.parse(q)))
        except Exception as exc:  # noqa: BLE001 - the baseline failing on a string is a result
            self.errors[type(exc).__name__] += 1
            return set()

    def highlight_tally(self, q: str, counts: Counter) -> None:
        """Count marked words equal to a query term, on the first 10 hits' highlights."""
        wanted = {needle(w) for w in q.strip('"').split() if needle(w)}
        try:
            _, page = self.ts.search(q, limit=10, highlight=10)
        except Exception as exc:  # noqa: BLE001 - the baseline failing on a string is a result
            self.errors[type(exc).__name__] += 1
            return
        for row in page:
            marks = tb.marked_words(row.get("highlights", ""))
            counts["hits"] += 1
            counts["hits_with_exact"] += any(needle(m) in wanted for m in marks)
            counts["marks"] += len(marks)
            counts["exact"] += sum(needle(m) in wanted for m in marks)


# ---------------------------------------------------------------- running
def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def recall(finds, probes: list[Probe], variant, misses: list | None = None) -> tuple[int, int]:
    found = 0
    for p in probes:
        q = variant(p.text)
        ok = finds(q, p.report_id)
        found += ok
        if not ok and misses is not None:
            misses.append(q)
    return found, len(probes)


VARIANTS = {
    "plain": lambda t: t,
    "quoted": quoted,
    "traditional, plain": to_traditional,
    "traditional, quoted": lambda t: quoted(to_traditional(t)),
    "full-width, plain": to_fullwidth,
    "full-width, quoted": lambda t: quoted(to_fullwidth(t)),
}


def run_recall(ours: Ours, book: Textbook, probes: list[Probe]) -> dict[str, list]:
    rows, misses = [], {}
    for name, variant in VARIANTS.items():
        t0 = time.perf_counter()
        changed = sum(variant(p.text) != VARIANTS["quoted" if "quoted" in name else "plain"](p.text)
                      for p in probes)
        misses[name] = []
        a, n = recall(ours.finds, probes, variant, misses[name])
        t1 = time.perf_counter()
        b, _ = recall(book.finds, probes, variant)
        t2 = time.perf_counter()
        by_source = {src: recall(ours.finds, [p for p in probes if p.source == src], variant)
                     for src in ("dev", "generated")} if a < n else {}
        detail = " ".join(f"{s}:{pct(*v)}" for s, v in by_source.items())
        rows.append([f"recall, {name}", f"{pct(a, n)} ({a}/{n})", f"{pct(b, n)} ({b}/{n})",
                     (f"{changed} changed; " if "plain" != name != "quoted" else "") + detail
                     + f" [{t1 - t0:.0f}s/{t2 - t1:.0f}s]"])
    return {"rows": rows, "misses": misses}


def run_exact_sets(ours: Ours, book: Textbook, probes: list[Probe]) -> tuple[list, list]:
    """Quoted queries: is the match set exactly the reports whose text contains the string?

    Returns the table row and the queries that matched reports holding the string
    only across a paragraph boundary (or otherwise not at all).
    """
    streams = ours.streams()
    ids = {n: rid for rid, n in ours.docnum.items()}
    same = book_same = missing = n = 0
    extras = []
    for p in probes:
        if '"' in p.text:  # cannot be quoted
            continue
        n += 1
        want = needle(p.text)
        expected = {d for d, (t, b) in streams.items() if want in t or want in b}
        got = ours.matched(quoted(p.text))
        same += got == expected
        missing += bool(expected - got)
        if got - expected:
            extras.append(f"{quoted(p.text)!r} +{len(got - expected)}")
        book_same += book.matched_ids(quoted(p.text)) == {ids[d] for d in expected}
    row = ["match set = brute force, quoted", f"{pct(same, n)} ({same}/{n})",
           f"{pct(book_same, n)} ({book_same}/{n})",
           f"ours: {len(extras)} with extra reports, {missing} missing some (truth: per paragraph)"]
    return [row], extras


def run_highlights(ours: Ours, book: Textbook, probes: list[Probe], tb_limit: int):
    tally = {"plain": SpanTally(), "quoted": SpanTally()}
    for p in probes:
        check_spans(ours.search(p.text), tally["plain"])
        check_spans(ours.search(quoted(p.text)), tally["quoted"])
    counts = Counter()
    for p in probes[:tb_limit]:
        book.highlight_tally(p.text, counts)
    return tally, counts


def run_syntax(ours: Ours, book: Textbook, seed: int, misses: dict[str, list]) -> list[list]:
    """Recall for substrings that look like query syntax, plain and quoted."""
    tricky = syntax_probes(ours.store, 200, seed)
    rows = []
    for name in ("plain", "quoted"):
        missed = []
        a, n = recall(ours.finds, tricky, VARIANTS[name], missed)
        b, _ = recall(book.finds, tricky, VARIANTS[name])
        rows.append([f"recall, syntax-like strings, {name}", f"{pct(a, n)} ({a}/{n})",
                     f"{pct(b, n)} ({b}/{n})", "substrings with - ( ) \" OR field:"])
        misses[f"syntax-like, {name}"] = missed
    return rows


def highlight_rows(tally: dict[str, SpanTally], counts: Counter, tb_limit: int) -> list[list]:
    rows = [[f"highlight spans = query, {name}",
             f"{t.share()} ({t.exact}+{t.merged} merged of {t.spans})", "",
             f"{t.hits_unmarked} of {t.hits} hits unmarked"] for name, t in tally.items()]
    rows.append(["highlight marks = query, plain", "",
                 f"{pct(counts['exact'], counts['marks'])} ({counts['exact']}/{counts['marks']})",
                 (f"textbook: {pct(counts['hits_with_exact'], counts['hits'])} of"
                  f" {counts['hits']} hits show the query; first {tb_limit} queries")])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=2000, help="generated reports (default 2000)")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-pages", action="store_true", help="do not ingest the dev pages")
    ap.add_argument("--tb-highlight", type=int, default=300,
                    help="queries whose textbook highlights are checked (slow: jieba per hit)")
    args = ap.parse_args()
    started = time.perf_counter()
    print(gen.versions())
    root, note = build_quality_archive(args.reports, args.seed, not args.no_pages)
    ours = Ours(root)
    book = Textbook(root, ours.store)
    probes = sample_probes(ours.store, args.queries, args.seed)
    print(f"archive: {ours.store.count()} reports ({note}); {len(probes)} substrings,"
          f" lengths {dict(sorted(Counter(len(p.text) for p in probes).items()))}")
    rec = run_recall(ours, book, probes)
    exact_rows, rec["misses"]["extra reports (string only across paragraphs), quoted"] = \
        run_exact_sets(ours, book, probes)
    rec["rows"] += exact_rows + run_syntax(ours, book, args.seed, rec["misses"])
    tally, counts = run_highlights(ours, book, probes, args.tb_highlight)
    rows = rec["rows"] + highlight_rows(tally, counts, args.tb_highlight)
    print()
    gen.print_table(["measure", "ours", "textbook", "notes [ours/textbook seconds]"], rows)
    show_misses(rec["misses"], tally)
    if book.errors:
        print(f"\nthe textbook recipe raised on some strings: {dict(book.errors)}")
    print(f"\ntextbook index built in {book.built.seconds:.0f}s; run took"
          f" {time.perf_counter() - started:.0f}s")


def show_misses(misses: dict[str, list], tally: dict[str, SpanTally]) -> None:
    for name, items in misses.items():
        if items:
            print(f"\nours missed ({name}): " + ", ".join(
                q if name.startswith("extra") else repr(q) for q in items[:15]))
    for name, t in tally.items():
        if t.unmarked:
            print(f"\nhits without any highlight ({name}): "
                  + ", ".join(f"{q!r} in {rid}" for q, rid in t.unmarked[:15]))
        if t.wrong:
            print(f"\nwrong highlight spans ({name}): "
                  + ", ".join(f"{q!r}->{s!r}" for q, s in t.wrong[:15]))


if __name__ == "__main__":
    main()
