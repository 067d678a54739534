"""Ingest speed: the whole pipeline on generated portal pages, beside the textbook recipe.

Usage: python benchmarks/ingest_speed.py [--reports N] [--profile-pages P] [--seed S]

Writes N generated pages (default 1,000, about 6 minutes in all on 2 cores; 2,000
took 17 minutes on a busy machine; 政府信息公开/TRS template, a quarter in
GB18030) under bench-data/ and ingests them into a fresh data directory with
archive.pipeline.ingest_paths (read, decode, extract, enrich, store, index). The
textbook recipe then indexes the same reports' title and main text, given directly,
with one writer. Speeds are in MB of main text (UTF-8 bytes of title + paragraphs)
per second and reports per second. Then P pages (default 200) are run stage by stage
to say where the time goes: decode / extract / enrich / store / index, and within
the index: the word view's analyzer and the character view's numpy build alone vs
the Whoosh writer (add_document and commit).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_gen as gen  # noqa: E402
import textbook as tb  # noqa: E402

TARGET_RATIO = 5.0  # end to end vs the textbook recipe's indexing alone


def pages_dir(n: int, seed: int) -> tuple[Path, int]:
    path = gen.BENCH_DATA / f"pages-n{n}-s{seed}"
    return gen.write_pages(n, seed, path)


# ---------------------------------------------------------------- end to end
def run_ingest(pages: Path, root: Path) -> tuple[float, dict]:
    from archive.pipeline import ingest_paths

    start = time.perf_counter()
    summary = ingest_paths(root, [str(pages)], progress=False)
    seconds = time.perf_counter() - start
    counts = {s: summary.count(s) for s in ("ingested", "duplicate", "failed")}
    counts["failures"] = [f"{r.path}: {r.reason}" for r in summary.failures[:5]]
    return seconds, counts


def fidelity(root: Path, n: int, seed: int, sample: int = 100) -> str:
    """How many ingested reports kept the generated title, text, date and region."""
    from archive.store import Store
    from index.analysis import char_stream

    store = Store(root)
    by_path = {Path(r.source_path).stem: r for r in store.iter_reports()}
    store.close()
    same = {"title": 0, "text": 0, "date": 0, "region": 0, "year": 0}
    checked = 0
    for num in range(0, n, max(1, n // sample)):
        g, r = gen.gen_report(seed, num), by_path.get(f"{num:06d}")
        if r is None:
            continue
        checked += 1
        same["title"] += r.extracted.title == g.title
        # The generator may repeat a paragraph; the extractor rightly keeps one copy.
        unique = "\n".join(dict.fromkeys(g.paragraphs))
        same["text"] += char_stream(r.extracted.text) == char_stream(unique)
        same["date"] += r.extracted.publish_date == g.publish_date
        region = r.enrichment.region
        same["region"] += bool(region and region.code == g.region.code)
        same["year"] += g.years[0] in r.all_years
    return f"of {checked} sampled: " + ", ".join(f"{k} {v}" for k, v in same.items())


def run_textbook(n: int, seed: int) -> tb.TextbookBuild:
    path = Path(tempfile.mkdtemp(prefix="textbook-", dir=gen.BENCH_DATA))
    try:
        docs = ((str(g.num), g.title, "\n".join(g.paragraphs)) for g in gen.iter_reports(n, seed))
        # Generating a report costs ~1 ms; build the list first so only indexing is timed.
        return tb.build_textbook(path, list(docs))
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- where the time goes
def staged_ingest(pages: Path, root: Path) -> dict[str, float]:
    """Run the stages of archive/ingest.py one by one (build_report's steps), timing each.

    The reference data is loaded first, as the forkserver does before an ingest's
    processes start (archive/preload.py): the figures are steady-state costs."""
    import archive.preload  # noqa: F401  (loads the reference data on import)
    from archive.decode import decode_page
    from archive.enrich import enrich
    from archive.extract import extract_page
    from archive.records import Report
    from archive.sources import iter_sources
    from archive.store import Store, now_iso, sha256_of
    from index.writer import sync_index

    store = Store(root)
    t = defaultdict(float)
    clock = time.perf_counter()
    for doc in iter_sources([str(pages)]):
        t["read files"] += time.perf_counter() - clock
        clock = time.perf_counter()
        page = decode_page(doc)
        t["decode"] += _lap(clock)
        clock = time.perf_counter()
        ex = extract_page(page.text, kind=doc.kind, url=doc.url, saved_at=doc.saved_at)
        t["extract"] += _lap(clock)
        clock = time.perf_counter()
        en = enrich(ex)
        t["enrich"] += _lap(clock)
        clock = time.perf_counter()
        sha = sha256_of(doc.original)
        report = Report(id=store.new_id(sha), sha256=sha, source_path=doc.path, url=ex.url,
                        extracted=ex, enrichment=en, ingested_at=now_iso(), encoding=page.encoding)
        store.keep_original(doc.original)
        store.add(report, doc.kind)
        t["store"] += _lap(clock)
        clock = time.perf_counter()
    clock = time.perf_counter()
    sync_index(root, store)
    t["index (sync_index)"] = _lap(clock)
    t.update(analysis_alone(store))
    store.close()
    return dict(t)


def _lap(start: float) -> float:
    return time.perf_counter() - start


POSTINGS: dict[str, list[int]] = {}  # view -> [postings, positions], filled by analysis_alone


def analysis_alone(store) -> dict[str, float]:
    """The two views built without the Whoosh writer: the analysis share of indexing.

    The word view is our Whoosh analyzer alone; the character view is folding plus
    the numpy inversion charview.write_segment does (its file writes excluded).
    Also counts what each view holds: postings (distinct terms or character pairs per
    report and field) and positions (tokens or characters).
    """
    import numpy as np

    from index import charview
    from index.analysis import WordAnalyzer

    words = WordAnalyzer()
    t = defaultdict(float)
    POSTINGS.update({"word view": [0, 0], "character view": [0, 0]})
    reports = list(store.iter_reports())
    start = time.perf_counter()
    for report in reports:
        for text in (report.extracted.title, report.extracted.text):
            terms = [tok.text for tok in words(text, positions=True)]
            POSTINGS["word view"][0] += len(set(terms))
            POSTINGS["word view"][1] += len(terms)
    t["  analysis: word view"] = _lap(start)
    for lo in range(0, len(reports), 500):  # the batches sync_index writes
        batch = reports[lo:lo + 500]
        start = time.perf_counter()
        for field in ([charview.streams([r.extracted.title]) for r in batch],
                      [charview.streams(r.extracted.paragraphs) for r in batch]):
            chars, bounds = charview._chars_and_bounds(field)
            inverted = charview._invert(chars)
            t["  character view (fold + numpy)"] += _lap(start)
            codes = np.repeat(inverted["codes"], np.diff(inverted["offsets"]))
            doc = np.searchsorted(bounds, inverted["positions"], side="right")
            POSTINGS["character view"][0] += len(np.unique(np.stack([codes, doc]), axis=1)[0])
            POSTINGS["character view"][1] += len(codes)
            start = time.perf_counter()
    return dict(t)


def profile_index(root: Path) -> tuple[dict[str, float], pstats.Stats]:
    """cProfile of indexing a fresh copy: add_document vs commit inside Whoosh."""
    from archive.store import Store
    from index.writer import rebuild_index

    store = Store(root)
    prof = cProfile.Profile()
    prof.enable()
    rebuild_index(root, store)
    prof.disable()
    store.close()
    stats = pstats.Stats(prof)
    wanted = {("add_document", "index/wordwriter.py"): "add_document",
              ("commit", "whoosh/writing.py"): "commit",
              ("_flush_segment", "index/wordwriter.py"): "_flush_segment",
              ("add_postings", "whoosh/codec/base.py"): "add_postings (other fields)",
              ("write", "index/wordwriter.py"): "word view postings written",
              ("write_segment", "index/charview.py"): "character view segment",
              ("iter_reports", "archive/store.py"): "iter_reports",
              ("sync_index", "index/writer.py"): "sync_index"}
    found = {}
    for (path, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for (name, suffix), label in wanted.items():
            if func == name and path.endswith(suffix):
                found[label] = found.get(label, 0.0) + ct
    return found, stats


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) summed by package or project folder."""
    sums = defaultdict(float)
    for (path, _line, _func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        sums[_package(path)] += tt
    return sorted(sums.items(), key=lambda kv: -kv[1])


def _package(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0]
    if str(REPO) in path:
        return path.split(str(REPO) + "/")[1]
    return "builtins/stdlib"


# ---------------------------------------------------------------- printing
def print_speeds(n: int, text_bytes: int, ours_s: float, counts: dict, book: tb.TextbookBuild,
                 fid: str) -> None:
    mb = text_bytes / 1e6
    ours_mbs, book_mbs = mb / ours_s, book.text_bytes / 1e6 / book.seconds
    print(f"\n{n} pages, {mb:.1f} MB of main text; ingest: {counts}")
    gen.print_table(["design", "what is timed", "seconds", "MB/s", "reports/s", "vs textbook"], [
        ["ours", "read+decode+extract+enrich+store+index", f"{ours_s:.0f}", f"{ours_mbs:.3f}",
         f"{n / ours_s:.1f}", f"{ours_mbs / book_mbs:.2f}x"],
        ["textbook", "indexing given text (one writer)", f"{book.seconds:.0f}", f"{book_mbs:.3f}",
         f"{book.docs / book.seconds:.1f}", "1.00x"]])
    verdict = "met" if ours_mbs / book_mbs >= TARGET_RATIO else "NOT met"
    print(f"target >= {TARGET_RATIO:.0f}x the textbook recipe: {verdict}")
    print(f"extraction kept (vs generated): {fid}")


def print_breakdown(n: int, stages: dict[str, float], index_parts: dict[str, float],
                    packages: list[tuple[str, float]]) -> None:
    total = sum(v for k, v in stages.items() if not k.startswith("  "))
    print(f"\nwhere the time goes ({n} pages, stage by stage, {total:.1f}s in all)")
    rows = [[k, f"{v:.2f}", f"{100 * v / total:.0f}%", f"{1000 * v / n:.1f}"]
            for k, v in stages.items()]
    idx = stages["index (sync_index)"]
    analysis = sum(v for k, v in stages.items() if k.startswith("  "))
    rows.append(["  whoosh writer and files (the rest)", f"{idx - analysis:.2f}",
                 f"{100 * (idx - analysis) / total:.0f}%", f"{1000 * (idx - analysis) / n:.1f}"])
    gen.print_table(["stage", "seconds", "share", "ms/report"], rows)
    print("what each view holds per report: " + "; ".join(
        f"{name}: {p / n:.0f} postings, {pos / n:.0f} positions"
        for name, (p, pos) in POSTINGS.items()))
    print("\nindexing under cProfile (cumulative seconds; profiler overhead included):")
    print("  " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(index_parts.items(), key=lambda kv: -kv[1])))
    print("own time by package, indexing under cProfile:")
    print("  " + ", ".join(f"{k} {v:.1f}s" for k, v in packages[:8]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--profile-pages", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the ingested data directories")
    args = ap.parse_args()
    started = time.perf_counter()
    print(gen.versions())
    pages, text_bytes = pages_dir(args.reports, args.seed)
    gen.BENCH_DATA.mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="ingest-", dir=gen.BENCH_DATA))
    try:
        ours_s, counts = run_ingest(pages, root)
        fid = fidelity(root, args.reports, args.seed)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    book = run_textbook(args.reports, args.seed)
    print_speeds(args.reports, text_bytes, ours_s, counts, book, fid)
    small, _ = pages_dir(args.profile_pages, args.seed + 1000)
    root = Path(tempfile.mkdtemp(prefix="stages-", dir=gen.BENCH_DATA))
    try:
        stages = staged_ingest(small, root)
        parts, stats = profile_index(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_breakdown(args.profile_pages, stages, parts, by_package(stats))
    print(f"\nrun took {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
