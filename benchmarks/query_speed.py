"""Query speed: p50/p95 of full searches on a generated archive, beside the textbook recipe.

Usage: python benchmarks/query_speed.py [--reports N] [--queries Q] [--seed S] [--profile]

Builds (or reuses, from bench-data/) an archive of N generated reports (default
10,000; the first build takes long, see the build times printed) and the textbook
recipe's index of the same reports. Four query classes, Q queries each (default 200):
single term, two terms (AND), quoted phrase, and a single term with a filter (a
region typed as region:X, or a year facet selected). Ours: the whole
Searcher.search call (matching, facets over all matches, passages and highlights of
the first page) plus index.results.result_json. Textbook: MultifieldParser + search
(limit 20) + the default highlighter on the first 10 hits; it has no facet fields, so
its "filtered" query adds the region or year as one more term. Target: p95 <= 150 ms.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_gen as gen  # noqa: E402
import textbook as tb  # noqa: E402

from archive.store import Store  # noqa: E402
from index.analysis import words  # noqa: E402
from index.results import result_json  # noqa: E402
from index.search import Searcher, SearchRequest  # noqa: E402

TARGET_P95_MS = 150.0
CLASSES = ("single term", "two terms (AND)", "quoted phrase", "filtered (region/year)")


# ---------------------------------------------------------------- queries
def _cjk_words(text: str) -> list[str]:
    return [w for w in words(text) if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)]


def make_queries(n_reports: int, count: int, seed: int) -> dict[str, list[SearchRequest]]:
    """`count` requests per class, drawn from the generated reports' own text."""
    rng = random.Random(seed)
    out = {name: [] for name in CLASSES}
    while min(len(v) for v in out.values()) < count:
        g = gen.gen_report(seed, rng.randrange(n_reports))
        para = rng.choice(g.paragraphs[1:-2] or g.paragraphs)
        found = _cjk_words(para) or _cjk_words("".join(g.paragraphs))
        if len(found) < 2:
            continue
        w1, w2 = rng.sample(found, 2)
        out["single term"].append(SearchRequest(q=w1))
        out["two terms (AND)"].append(SearchRequest(q=f"{w1} {w2}"))
        size = rng.randint(4, 8)
        start = rng.randrange(0, max(1, len(para) - size))
        phrase = para[start:start + size].replace('"', "")
        out["quoted phrase"].append(SearchRequest(q=f'"{phrase}"'))
        if rng.random() < 0.5:
            province = (g.region.province or "").removesuffix("省")
            out["filtered (region/year)"].append(SearchRequest(q=w1, where=[("region", province)]))
        else:
            year = str(rng.randint(2010, 2024))
            out["filtered (region/year)"].append(SearchRequest(q=w1, filters={"year": [year]}))
    return {k: v[:count] for k, v in out.items()}


def textbook_query(req: SearchRequest) -> str:
    """The textbook recipe's nearest equivalent: filter values become extra terms."""
    extra = [v for _, v in req.where] + [v for vs in req.filters.values() for v in vs]
    return " ".join([req.q] + extra)


# ---------------------------------------------------------------- timing
def time_ours(searcher: Searcher, requests: list[SearchRequest]) -> tuple[list[float], list[int]]:
    times, totals = [], []
    for req in requests:
        fresh = SearchRequest(q=req.q, filters=dict(req.filters), where=list(req.where))
        start = time.perf_counter()
        result = searcher.search(fresh)
        result_json(result)
        times.append((time.perf_counter() - start) * 1000)
        totals.append(result.total)
    return times, totals


def time_textbook(ts: tb.TextbookSearcher, requests: list[SearchRequest]) -> tuple[list[float], list[int]]:
    times, totals = [], []
    for req in requests:
        start = time.perf_counter()
        try:
            total, _page = ts.search(textbook_query(req), limit=20, highlight=10)
        except Exception:  # noqa: BLE001 - the recipe failing on a query is a result; timed too
            total = 0
        times.append((time.perf_counter() - start) * 1000)
        totals.append(total)
    return times, totals


def pctl(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def textbook_index(n: int, seed: int) -> tb.TextbookBuild:
    path = gen.BENCH_DATA / f"archive-n{n}-s{seed}-textbook"
    built = tb.cached_textbook(path, n)
    if built is None:
        print(f"building the textbook index of {n} reports in {path} ...", flush=True)
        built = tb.build_textbook(path, ((gen.to_report(g, seed).id, g.title, "\n".join(g.paragraphs))
                                         for g in gen.iter_reports(n, seed)))
        print(f"built in {built.seconds:.0f}s", flush=True)
    return built


def profile_ours(searcher: Searcher, requests: list[SearchRequest]) -> None:
    """cProfile of our searches, top functions by cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    time_ours(searcher, requests)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(r"index/|archive/store|whoosh/searching|collectors", 25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="cProfile our searches as well")
    args = ap.parse_args()
    started = time.perf_counter()
    print(gen.versions())
    built = gen.build_archive(args.reports, args.seed)
    book = textbook_index(args.reports, args.seed)
    queries = make_queries(args.reports, args.queries, args.seed)
    store = Store(built.data_dir)
    searcher = Searcher(built.data_dir, store)
    cold = time.perf_counter()
    searcher.search(SearchRequest(q="工作"))
    cold_ms = (time.perf_counter() - cold) * 1000
    ts = tb.TextbookSearcher(book.path)
    rows = []
    for name in CLASSES:
        ours, totals = time_ours(searcher, queries[name])
        theirs, book_totals = time_textbook(ts, queries[name])
        rows.append([name, f"{pctl(ours, .5):.0f}", f"{pctl(ours, .95):.0f}", f"{max(ours):.0f}",
                     f"{pctl(theirs, .5):.0f}", f"{pctl(theirs, .95):.0f}",
                     f"{pctl(ours, .5) / pctl(theirs, .5):.2f}",
                     "yes" if pctl(ours, .95) <= TARGET_P95_MS else "NO",
                     f"{statistics.median(totals):.0f} / {statistics.median(book_totals):.0f}"])
    print(f"\n{args.reports} reports, {args.queries} queries per class; times in ms"
          f" (first query, cold: {cold_ms:.0f} ms)")
    gen.print_table(["query class", "ours p50", "p95", "max", "textbook p50", "p95",
                     "p50 ratio", f"p95<={TARGET_P95_MS:.0f}", "median matches ours / textbook"],
                    rows)
    print_sizes(built, book)
    if args.profile:
        profile_ours(searcher, [q for name in CLASSES for q in queries[name][:50]])
    print(f"\nrun took {time.perf_counter() - started:.0f}s")


def print_sizes(built: gen.BuiltArchive, book: tb.TextbookBuild) -> None:
    index_mb = gen.dir_size(built.data_dir / "index") / 1e6
    cat = sum(p.stat().st_size for p in built.data_dir.glob("catalogue.sqlite*")) / 1e6
    book_mb = gen.dir_size(book.path) / 1e6
    mb = built.text_bytes / 1e6
    print()
    gen.print_table(["design", "index on disk", "build time", "MB/s of main text"], [
        ["ours", f"{index_mb:.0f} MB index + {cat:.0f} MB catalogue",
         f"{built.build_seconds:.0f}s (index {built.index_seconds:.0f}s)",
         f"{mb / built.build_seconds:.2f}"],
        ["textbook", f"{book_mb:.0f} MB (stores the text)", f"{book.seconds:.0f}s",
         f"{book.text_bytes / 1e6 / book.seconds:.2f}"]])
    print(f"main text: {mb:.0f} MB (UTF-8) in {built.reports} reports")


if __name__ == "__main__":
    main()
