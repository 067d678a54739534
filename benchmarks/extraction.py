"""Extraction benchmark: our extractor vs trafilatura and readability on a gold corpus.

Usage: python benchmarks/extraction.py [CORPUS_DIR] [--only ours] [--json OUT]
       [--min-f1 X] [--min-forum-f1 Y] [--min-gov-pass N] [--repeat N]

Scores (full-text gold): precision, recall and F1 on character bigrams of the text
with ALL whitespace removed (incl. U+3000 and NBSP), as a bag of bigrams with
multiset overlap. Per kind and overall figures are MACRO averages over pages (each
page counts once, whatever its length). Gov pages (check-style gold, corpus README
"Gov pages") pass when body_first lies in the first 200 and body_last in the last 200
normalised characters, every must_include occurs and no must_exclude occurs.
Timing: each page is extracted --repeat times (default 3) and its median kept; pages
slower than SLOW_MS are listed. Exits 1 when a --min-* floor is not met (the CI gate), 2 when the corpus is missing.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.extract import extract_page

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"
_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
EDGE = 200  # body_first / body_last must fall within this many normalised characters


def squash(text: str) -> str:
    """Remove all whitespace, the comparison form of both gold and output."""
    return _WS.sub("", text or "")


def bigrams(text: str) -> Counter:
    text = squash(text)
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def prf(gold: str, got: str) -> tuple[float, float, float]:
    """Bigram precision, recall and F1 (multiset overlap)."""
    g, o = bigrams(gold), bigrams(got)
    overlap = sum((g & o).values())
    p = overlap / sum(o.values()) if o else 0.0
    r = overlap / sum(g.values()) if g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def gov_checks(row: dict, got: str) -> list[str]:
    """The failed checks of a gov page (empty list = pass)."""
    text = squash(got)
    failures = []
    if squash(row["body_first"]) not in text[:EDGE]:
        failures.append("body_first")
    if squash(row["body_last"]) not in text[-EDGE:]:
        failures.append("body_last")
    failures += [f"must_include:{s[:12]}" for s in row["must_include"] if squash(s) not in text]
    failures += [f"must_exclude:{s[:12]}" for s in row["must_exclude"] if squash(s) in text]
    return failures


def read_page(path: Path, charset: str | None) -> str:
    data = path.read_bytes()
    try:
        from archive.decode import decode_bytes
    except ImportError:  # the decoder module is not there yet
        return data.decode(charset or "utf-8", errors="replace")
    return decode_bytes(data, kind="html").text


SLOW_MS = 100  # pages slower than this (median of the repeats) are listed


def run_ours(html: str, url: str | None, repeat: int = 1) -> tuple[str, float]:
    """Our text and the median time in ms over `repeat` runs (one run is noisy)."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        got = extract_page(html, kind="html", url=url)
        times.append((time.perf_counter() - start) * 1000)
    return got.text, statistics.median(times)


def run_trafilatura(html: str, url: str | None) -> str:
    import trafilatura
    return trafilatura.extract(html, url=url, include_comments=True, include_tables=True) or ""


def run_readability(html: str, url: str | None) -> str:
    from lxml import html as lhtml
    from readability import Document
    summary = Document(html, url=url).summary(html_partial=True)
    return lhtml.fromstring(summary).text_content() if summary.strip() else ""


SYSTEMS = {"ours": None, "trafilatura": run_trafilatura, "readability": run_readability}


def load_corpus(corpus: Path) -> list[dict]:
    manifest = {}
    with open(corpus / "manifest.tsv", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            manifest[row["file"]] = row
    rows = []
    with open(corpus / "gold.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            row["charset"] = manifest.get(row["file"], {}).get("bytes_charset")
            rows.append(row)
    return rows


def score_page(row: dict, got: str) -> dict:
    if row["kind"] == "gov":
        fails = gov_checks(row, got)
        return {"pass": not fails, "failures": fails}
    p, r, f = prf(row["text"], got)
    return {"p": p, "r": r, "f1": f}


def evaluate(corpus: Path, systems: list[str], repeat: int = 1) -> dict:
    """Run every system on every page; per-page results keyed by system."""
    results: dict = {name: [] for name in systems}
    for row in load_corpus(corpus):
        html = read_page(corpus / "pages" / row["file"], row["charset"])
        for name in systems:
            entry = {"file": row["file"], "kind": row["kind"]}
            try:
                if name == "ours":
                    got, ms = run_ours(html, row.get("url"), repeat)
                    entry["ms"] = ms
                else:
                    got = SYSTEMS[name](html, row.get("url"))
            except Exception as err:  # an anchor crashing is a result, not our bug
                if name == "ours":
                    raise
                got, entry["error"] = "", f"{type(err).__name__}: {err}"
            entry.update(score_page(row, got))
            results[name].append(entry)
    return results


def summarise(pages: list[dict]) -> dict:
    out = {}
    scored = [p for p in pages if "f1" in p]
    for kind in sorted({p["kind"] for p in scored}) + ["overall"]:
        group = [p for p in scored if kind == "overall" or p["kind"] == kind]
        out[kind] = {k: statistics.mean(p[k] for p in group) for k in ("p", "r", "f1")}
        out[kind]["n"] = len(group)
    gov = [p for p in pages if p["kind"] == "gov"]
    out["gov_pass"] = (sum(p["pass"] for p in gov), len(gov))
    times = [p["ms"] for p in pages if "ms" in p]
    if times:
        out["median_ms"] = statistics.median(times)
        out["max_ms"] = max(times)
    return out


def print_table(summaries: dict) -> None:
    kinds = [k for k in next(iter(summaries.values())) if isinstance(next(iter(summaries.values()))[k], dict)]
    print("Character-bigram P/R/F1, macro-averaged over pages (whitespace removed)")
    print(f"{'system':<13}" + "".join(f"{k + ' (n=' + str(next(iter(summaries.values()))[k]['n']) + ')':>24}" for k in kinds) + f"{'gov pass':>10}")
    for name, s in summaries.items():
        cells = "".join(f"{s[k]['p']:>8.3f}{s[k]['r']:>8.3f}{s[k]['f1']:>8.3f}" for k in kinds)
        print(f"{name:<13}{cells}{s['gov_pass'][0]:>6}/{s['gov_pass'][1]}")
    print(f"{'':<13}" + "".join(f"{'P':>8}{'R':>8}{'F1':>8}" for _ in kinds))
    ours = summaries.get("ours", {})
    if "median_ms" in ours:
        print(f"ours: median {ours['median_ms']:.1f} ms/page, max {ours['max_ms']:.1f} ms (median of repeats per page)")


def check_floors(s: dict, args) -> list[str]:
    problems = []
    if args.min_f1 is not None and s["overall"]["f1"] < args.min_f1:
        problems.append(f"overall F1 {s['overall']['f1']:.3f} < {args.min_f1}")
    forum = s.get("forum", {}).get("f1", 0.0)
    if args.min_forum_f1 is not None and forum < args.min_forum_f1:
        problems.append(f"forum F1 {forum:.3f} < {args.min_forum_f1}")
    if args.min_gov_pass is not None and s["gov_pass"][0] < args.min_gov_pass:
        problems.append(f"gov pages passing {s['gov_pass'][0]} < {args.min_gov_pass}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--only", choices=sorted(SYSTEMS), help="run one system only")
    parser.add_argument("--json", metavar="OUT", help="write per-page results to this file")
    parser.add_argument("--min-f1", type=float)
    parser.add_argument("--min-forum-f1", type=float)
    parser.add_argument("--min-gov-pass", type=int)
    parser.add_argument("--worst", type=int, default=0, help="list our N worst pages")
    parser.add_argument("--repeat", type=int, default=3, help="time each page N times, report the median")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if not (corpus / "gold.jsonl").exists():
        print(f"no corpus at {corpus} (gold.jsonl missing)", file=sys.stderr)
        return 2
    systems = [args.only] if args.only else list(SYSTEMS)
    results = evaluate(corpus, systems, args.repeat)
    summaries = {name: summarise(pages) for name, pages in results.items()}
    print_table(summaries)
    if "ours" in results:
        report_details(results["ours"], args.worst)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    problems = check_floors(summaries["ours"], args) if "ours" in summaries else []
    for problem in problems:
        print(f"FLOOR NOT MET: {problem}", file=sys.stderr)
    return 1 if problems else 0


def report_details(pages: list[dict], worst: int) -> None:
    for p in sorted((p for p in pages if p.get("ms", 0) > SLOW_MS), key=lambda p: -p["ms"]):
        print(f"  slow page {p['file']}: {p['ms']:.0f} ms")
    for p in pages:
        if p["kind"] == "gov" and not p["pass"]:
            print(f"  gov fail {p['file']}: {', '.join(p['failures'])}")
    if worst:
        for p in sorted((p for p in pages if "f1" in p), key=lambda p: p["f1"])[:worst]:
            print(f"  {p['file']:<18} P={p['p']:.3f} R={p['r']:.3f} F1={p['f1']:.3f} {p['ms']:.0f}ms")


if __name__ == "__main__":
    sys.exit(main())
