"""Metadata benchmark: what enrichment infers from extracted pages, scored where gold exists.

Usage: python benchmarks/metadata.py [CORPUS_DIR] [--samples DIR] [--min-region-acc X]

Metrics: region, publish date, report/plan years.

Cases: the gov pages of the dev corpus (gold `region`, `publish_date`), its forum and
article pages (no gold: every region found is printed for a human to judge; the aim
is no confident wrong answer on pages that name no place), the two shared samples,
and FIXTURES written here (anonymised issuers, central bodies, municipalities ...).

Each metric is a function from the list of cases to report lines plus a summary
dict; add one to METRICS (publish date, report years ...) and it is run and printed.

Region scoring: the gold label keeps only the levels the gazetteer knows (a
片区 or 镇 after 平潭综合实验区 is dropped); a 直辖市 printed twice (北京市 北京市)
counts once. "exact" = same label, "too general" = a prefix of the gold label
(福建省 for 福建省 平潭综合实验区), "wrong" = anything else, "none" = no answer.
Exits 1 when --min-region-acc is not met, 2 when the corpus is missing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.dates import infer_years, parse_date
from archive.decode import decode_page
from archive.extract import extract_page
from archive.gazetteer import load_gazetteer
from archive.records import Extracted, Region, SourceDoc
from archive.regions import infer_region

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"
DEFAULT_SAMPLES = REPO.parent / "shared" / "samples"
SAMPLE_REGIONS = {  # the issuer of each shared sample, read by hand
    "000_e30f107987b653df.txt": "河北省 沧州市",  # xx市 repost naming 沧州's counties
    "001_7541e7002c94fab1.txt": "广东省 阳江市",
}


@dataclass
class Case:
    """One extracted page and whatever gold is known for it."""

    name: str
    kind: str  # "gov", "forum", "article", "sample" or "fixture"
    extracted: Extracted
    gold: dict = field(default_factory=dict)  # "region": label or None, "publish_date"
    years: list[int] | None = None  # report years, when a fixture states them


# --- fixtures (written for this benchmark) ----------------------------------------

def _fixture(name, title, paragraphs, region, years=None, **fields) -> Case:
    ex = Extracted(title=title, paragraphs=paragraphs, **fields)
    return Case(name, "fixture", ex, {"region": region}, years)


FIXTURES = [
    _fixture("anon-city", "**市教育局2017年工作总结", [
        "2017年，全市教育系统认真贯彻落实市委、市政府决策部署，各项工作取得新成效。",
        "涿州、高碑店两市率先完成学前教育三年行动计划，安国市新建幼儿园4所。",
        "涞水县、阜平县、唐县、望都县通过国家义务教育发展基本均衡县评估。",
        "**市第一中学、**市第三中学高考成绩再创新高，蠡县中学获评省级示范性高中。",
    ], "河北省 保定市", [2017]),
    _fixture("anon-county", "XX县2020年脱贫攻坚工作总结", [
        "2020年，在遵义市委、市政府的坚强领导下，我县脱贫攻坚取得决定性胜利。",
        "我县积极参加遵义市东西部扶贫协作，与湄潭、凤冈等县交流产业发展经验。",
        "遵义市考核组对我县工作给予充分肯定。下一步，我县将对标贵州省乡村振兴要求。",
    ], "贵州省 遵义市", [2020]),
    _fixture("central-issuer", "关于做好2021年普通高校招生工作的通知", [
        "各省、自治区、直辖市教育厅（教委），新疆生产建设兵团教育局："],
        "全国", [2021], issuer="教育部"),
    _fixture("municipality-district", "上海市浦东新区教育局2019年工作总结", [
        "2019年，全区教育系统以办好人民满意的教育为目标，推进各项工作。"],
        "上海市 浦东新区", [2019]),
    _fixture("historical-city", "襄樊市教育局2008年工作总结", [
        "2008年，全市教育工作在市委、市政府领导下稳步推进。"], "湖北省 襄樊市", [2008]),
    _fixture("ambiguous-district", "新华区人民政府2018年政府工作报告", [
        "过去一年，在石家庄市委、市政府和区委的坚强领导下，全区经济社会持续健康发展。"],
        "河北省 石家庄市 新华区", [2018]),
    _fixture("special-area", "雄安新区管委会关于做好2019年中小学招生入学工作的通知", [
        "雄县、容城县、安新县教育局："], "河北省 雄安新区", [2019]),
    _fixture("config-region", "澳前镇2012年信息公开工作年度报告", [
        "根据《中华人民共和国政府信息公开条例》要求，现将我镇2012年信息公开工作报告如下。"],
        "福建省 平潭综合实验区", [2012], config_region="福建省 平潭综合实验区"),
    _fixture("weak-forum", "孩子上初中了，成绩下滑怎么办", [
        "楼主家孩子今年上初一，期中考试成绩下滑明显。",
        "暑假带他去成都玩了一趟，回来就一直静不下心。大家有什么好办法？"], None),
    _fixture("no-place", "如何培养孩子的阅读兴趣", [
        "阅读兴趣需要从小培养，家长要以身作则，和孩子一起读书。",
        "坚持合作共读，和平沟通，让孩子在光明的环境中成长。"], None),
]


# --- loading the dev corpus and the samples --------------------------------------------

def extract_file(path: Path, kind: str, url: str | None = None) -> Extracted:
    """Decode and extract a saved page exactly as ingest does."""
    data = path.read_bytes()
    page = decode_page(SourceDoc(path=str(path), original=data, content=data, kind=kind))
    return extract_page(page.text, kind=kind, url=url)


def load_corpus(corpus: Path) -> list[Case]:
    """The dev corpus pages with their gold rows."""
    cases = []
    for line in (corpus / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        ex = extract_file(corpus / "pages" / row["file"], "html", row.get("url"))
        cases.append(Case(row["file"], row["kind"], ex, row))
    return cases


def load_samples(samples: Path) -> list[Case]:
    return [Case(name, "sample", extract_file(samples / name, "text"), {"region": region})
            for name, region in SAMPLE_REGIONS.items() if (samples / name).exists()]


# --- region metric ---------------------------------------------------------------------

def comparable_label(label: str | None) -> str | None:
    """A label cut to the levels the gazetteer knows, each name once."""
    if label is None:
        return None
    gaz = load_gazetteer()
    parts: list[str] = []
    for part in label.split():
        if part != "全国" and not (gaz.is_name(part) and gaz.is_full_name(part)):
            break
        if part not in parts:
            parts.append(part)
    return " ".join(parts)


def judge(gold: str | None, region: Region | None) -> str:
    """exact / too general / wrong / none / correct none (for pages with no region)."""
    got = comparable_label(region.label) if region else None
    want = comparable_label(gold)
    if want is None:
        return "correct none" if got is None else "wrong"
    if got is None:
        return "none"
    if got == want:
        return "exact"
    return "too general" if want.startswith(got + " ") else "wrong"


def timed_region(case: Case) -> tuple[Region | None, float]:
    start = time.perf_counter()
    region = infer_region(case.extracted, case.years)
    return region, (time.perf_counter() - start) * 1000


def region_metric(cases: list[Case]) -> tuple[list[str], dict]:
    """Region accuracy on cases with gold, and the regions found on forum/article pages."""
    lines, verdicts, times, found = [], {}, [], []
    for case in cases:
        region, ms = timed_region(case)
        times.append((ms, len(case.extracted.text), case.name))
        if case.kind in ("forum", "article"):
            if region:
                found.append(f"  {case.name:16} {case.extracted.title[:34]:36} -> {region.label}"
                             f" ({region.confidence}) {'; '.join(region.evidence[:4])[:80]}")
            continue
        verdict = judge(case.gold.get("region"), region)
        verdicts.setdefault(case.kind, []).append(verdict)
        lines.append(f"  {case.kind:7} {case.name:26} {verdict:13} gold={case.gold.get('region')}"
                     f" got={region.label if region else None}"
                     f"{f' ({region.confidence})' if region else ''}")
    summary = {kind: _rates(v) for kind, v in verdicts.items()}
    summary["forum/article pages with a region"] = f"{len(found)} of " + str(
        sum(c.kind in ('forum', 'article') for c in cases))
    if times:
        slowest = max(times)
        summary["ms per report (mean)"] = round(statistics.mean(t[0] for t in times), 2)
        summary["slowest"] = f"{slowest[0]:.1f} ms, {slowest[1]} chars ({slowest[2]})"
    lines += ["  forum/article pages given a region (judge by eye):"] + found
    return lines, summary


def _rates(verdicts: list[str]) -> dict:
    """Counts per verdict and the share answered exactly (a correct None counts as exact)."""
    counts = {v: verdicts.count(v) for v in sorted(set(verdicts))}
    good = counts.get("exact", 0) + counts.get("correct none", 0)
    counts["accuracy"] = round(good / len(verdicts), 3)
    return counts


# --- publish date and report years -------------------------------------------------------

SAMPLE_YEARS = {  # (report years, plan years) read by hand from the samples' titles
    "000_e30f107987b653df.txt": ([2018], []),
    "001_7541e7002c94fab1.txt": ([2019], [2020]),
}

# (title, opening paragraph, publish date, report years, plan years), written for this benchmark.
YEAR_FIXTURES = [
    ("**市教育局2017年工作总结", "2017年，全市教育系统稳步推进各项工作。", "2018-01-20", [2017], []),
    ("xx县2019年工作总结及2020年工作计划", "一年来，我县各项工作取得新进展。", "2020-01-08", [2019], [2020]),
    ("2021年政府工作报告", "过去一年，全市经济社会持续健康发展。", "2021-02-01", [2020], [2021]),
    ("某区教育局2020年工作要点", "2020年全区教育工作的总体要求是：", "2020-02-15", [], [2020]),
    ("“十三五”教育事业发展规划", "为推进教育现代化，制定本规划。", "2016-06-01", [], [2016, 2017, 2018, 2019, 2020]),
    ("教育局工作汇报", "2018年，全市教育系统以立德树人为根本任务。", "2019-04-26", [2018], []),
    ("二〇一九年上半年工作总结", "上半年，我局认真落实年初工作部署。", "2019-07-05", [2019], []),
    ("年度工作总结", "今年以来，在区委、区政府的正确领导下，全区教育事业持续发展。", "2022-12-20", [2022], []),
    ("年度工作总结", "在县委、县政府的正确领导下，全县教育工作稳中有进。", "2023-02-10", [2022], []),
    ("2016—2020年学前教育发展规划", "为扩大学前教育资源，制定本规划。", "2016-03-01", [], [2016, 2017, 2018, 2019, 2020]),
]


def date_metric(cases: list[Case]) -> tuple[list[str], dict]:
    """Publish date exactness where the gold gives a full date (gov pages, CWCED articles)."""
    lines, verdicts = [], {}
    for case in cases:
        gold = parse_date(case.gold.get("publish_date") or "")
        if gold is None:
            continue
        got = case.extracted.publish_date
        verdict = "exact" if got == gold else "none" if got is None else "wrong"
        verdicts.setdefault(case.kind, []).append(verdict)
        if verdict != "exact":
            lines.append(f"  {case.kind:7} {case.name:18} {verdict:6} gold={gold} got={got}")
    return lines, {kind: _rates(v) for kind, v in verdicts.items()}


def years_metric(cases: list[Case]) -> tuple[list[str], dict]:
    """Report and plan years against hand-read samples and YEAR_FIXTURES."""
    checks = [(c.name, c.extracted.title, c.extracted.paragraphs, c.extracted.publish_date,
               *SAMPLE_YEARS[c.name]) for c in cases if c.name in SAMPLE_YEARS]
    checks += [(f"fixture-{i}", t, [p], d, r, pl) for i, (t, p, d, r, pl) in enumerate(YEAR_FIXTURES)]
    lines, verdicts = [], []
    for name, title, paragraphs, date, report, plan in checks:
        got = infer_years(title, paragraphs, date)
        ok = list(got[0]) == report and list(got[1]) == plan
        verdicts.append("exact" if ok else "wrong")
        if not ok:
            lines.append(f"  {name:26} {title[:24]:26} want={report}/{plan} got={got[0]}/{got[1]}")
    return lines, {"samples+fixtures": _rates(verdicts)}


METRICS = [("region", region_metric), ("publish date", date_metric), ("years", years_metric)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--min-region-acc", type=float, default=None,
                        help="fail (exit 1) when gov-page region accuracy is below this")
    args = parser.parse_args(argv)
    if not (args.corpus / "gold.jsonl").exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    load_gazetteer()
    print(f"gazetteer loaded in {(time.perf_counter() - start) * 1000:.0f} ms")
    cases = load_corpus(args.corpus) + load_samples(args.samples) + FIXTURES
    status = 0
    for name, metric in METRICS:
        lines, summary = metric(cases)
        print(f"== {name}")
        print("\n".join(lines))
        for key, value in summary.items():
            print(f"  {key}: {value}")
        gov = summary.get("gov", {}).get("accuracy") if name == "region" else None
        if args.min_region_acc is not None and gov is not None and gov < args.min_region_acc:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
