"""Generated reports for the search and ingest benchmarks, built from real paragraphs.

Paragraphs are read at run time from ../shared (the two sample dumps and the gold
texts of the dev corpus) and never copied into the repository. Each report mixes
paragraphs and sentences from that pool, varies every number in them, and names a
real division (from archive/data/gazetteer.tsv, else the areacodes list) and a year
in 2010-2024. Report i depends only on (seed, i), so a 2,000-report archive is the
prefix of the 10,000-report one.

Two outputs: GenReport records (turned into archive Reports and indexed directly
when a benchmark measures search only), and HTML pages in a 政府信息公开/TRS portal
template (ingested through the real pipeline by ingest_speed).

Usage: python benchmarks/corpus_gen.py [--reports N] [--seed S] [--html DIR]
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import html
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.records import Enrichment, Extracted, Region, Report, Topics  # noqa: E402

SHARED = REPO.parent / "shared"
BENCH_DATA = REPO / "bench-data"
GAZETTEER = REPO / "archive" / "data" / "gazetteer.tsv"
AREACODES = SHARED / "data" / "areacodes" / "2024.txt"
TARGET_CHARS = 8000
MIN_PARAGRAPH = 20  # shorter lines of the gold texts are link lists and word fragments

# Department -> the topic domain the archive's taxonomy gives it (facet values).
DEPARTMENTS = {"教育局": "科技、教育", "卫生健康局": "卫生、体育", "财政局": "财政、金融、审计",
               "民政局": "民政、扶贫、救灾", "农业农村局": "农业、林业、水利",
               "住房和城乡建设局": "城乡建设、环境保护", "人力资源和社会保障局": "劳动、人事、监察",
               "生态环境局": "城乡建设、环境保护", "交通运输局": "工业、交通",
               "文化广电旅游体育局": "文化、广电、新闻出版",
               "发展和改革局": "国民经济管理、国有资产监管", "市场监督管理局": "市场监管、安全生产监管",
               "人民政府": "综合政务", "人民政府办公室": "综合政务"}
# Title ending -> doctype facet value.
DOCTYPES = {"工作总结": "工作总结", "工作汇报": "工作汇报", "工作要点": "工作计划/要点",
            "政府工作报告": "政府工作报告", "上半年工作总结": "工作总结", "工作情况报告": "报告"}
SUBTOPICS = ("学前教育", "义务教育", "疫情防控", "乡村振兴", "营商环境", "安全生产", "民生实事")
CATEGORIES = ("工作总结", "计划规划", "工作报告", "通知公告")


@dataclass
class GenReport:
    """One generated report, before it becomes an archive Report or an HTML page."""

    num: int
    title: str
    paragraphs: list[str]
    region: Region
    years: list[int]
    plan_years: list[int]
    publish_date: str
    issuer: str
    topics: Topics = field(default_factory=Topics)

    @property
    def chars(self) -> int:
        return len(self.title) + sum(len(p) for p in self.paragraphs)

    @property
    def text_bytes(self) -> int:
        """UTF-8 bytes of title and main text: the 'MB of main text' of the speed figures."""
        return len(self.title.encode()) + len("\n".join(self.paragraphs).encode())


# ---------------------------------------------------------------- paragraph pool
def _has_cjk(text: str) -> bool:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk >= len(text) * 0.3


def _clean_lines(text: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if len(line) >= MIN_PARAGRAPH and _has_cjk(line)]


@functools.lru_cache(maxsize=1)
def paragraph_pool() -> tuple[str, ...]:
    """Distinct real Chinese paragraphs from ../shared (samples and dev gold texts)."""
    found: list[str] = []
    for path in sorted((SHARED / "samples").glob("*.txt")):
        found += _clean_lines(path.read_text(encoding="utf-8", errors="replace"))
    gold = SHARED / "corpus" / "dev" / "gold.jsonl"
    if gold.exists():
        for line in gold.read_text(encoding="utf-8").splitlines():
            found += _clean_lines(json.loads(line).get("text") or "")
    pool = tuple(dict.fromkeys(found))
    if len(pool) < 50:
        raise SystemExit(f"too few paragraphs under {SHARED} ({len(pool)}); is ../shared there?")
    return pool


@functools.lru_cache(maxsize=1)
def sentence_pool() -> tuple[str, ...]:
    """The pool's sentences (ending in 。！？；), for paragraphs spliced from several."""
    out = []
    for para in paragraph_pool():
        out += [s for s in re.findall(r"[^。！？；]*[。！？；]", para) if len(s) >= 8]
    return tuple(out)


_NUMBER = re.compile(r"\d+")


def vary_numbers(text: str, rng: random.Random) -> str:
    """Replace each run of digits with random digits of the same length (a year by a year)."""
    def new(m: re.Match) -> str:
        if len(m.group()) == 4 and m.group()[:2] in ("19", "20"):
            return str(rng.randint(1995, 2024))
        digits = [rng.choice("0123456789") for _ in m.group()]
        if len(digits) > 1:
            digits[0] = rng.choice("123456789")
        return "".join(digits)
    return _NUMBER.sub(new, text)


def _body(rng: random.Random, target: int) -> list[str]:
    paragraphs, size = [], 0
    pool, sentences = paragraph_pool(), sentence_pool()
    while size < target:
        if rng.random() < 0.35 and sentences:  # a paragraph spliced from 2-5 sentences
            para = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        else:
            para = rng.choice(pool)
        if len(para) > 1500:  # keep paragraphs paragraph-sized
            start = rng.randrange(0, len(para) - 1200)
            para = para[start:start + rng.randint(300, 1200)]
        para = vary_numbers(para, rng)
        paragraphs.append(para)
        size += len(para)
    return paragraphs


# ---------------------------------------------------------------- regions
@functools.lru_cache(maxsize=1)
def divisions() -> tuple[Region, ...]:
    """Divisions in use today as Regions (province, city, county), from the gazetteer."""
    rows = _gazetteer_rows() if GAZETTEER.exists() else _areacode_rows()
    by_code = {r["code"]: r for r in rows}
    out = []
    for row in rows:
        chain, cur = [], row
        while cur is not None:
            chain.append(cur)
            cur = by_code.get(cur.get("parent") or "")
        names = {r["level"]: r["name"] for r in chain}
        out.append(Region(names.get("province"), names.get("city"), names.get("county"),
                          row["code"], row["level"], 1.0, ["generated"]))
    return tuple(out)


def _gazetteer_rows() -> list[dict]:
    lines = GAZETTEER.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    rows = [dict(zip(head, line.split("\t"))) for line in lines[1:]]
    return [r for r in rows if not r.get("end")]


def _areacode_rows() -> list[dict]:
    rows = []
    for line in AREACODES.read_text(encoding="utf-8").splitlines():
        code, _, name = line.strip().partition(" ")
        if len(code) != 6:
            continue
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
        parent = code[:2] + "0000" if level == "city" else code[:4] + "00"
        rows.append({"code": code, "name": name, "level": level,
                     "parent": None if level == "province" else parent})
    codes = {r["code"] for r in rows}
    for r in rows:  # counties of municipalities hang under the province directly
        if r["parent"] and r["parent"] not in codes:
            r["parent"] = r["code"][:2] + "0000"
    return rows


# ---------------------------------------------------------------- one report
def _place(region: Region) -> str:
    return region.county or region.city or region.province or ""


def gen_report(seed: int, num: int, target: int = TARGET_CHARS) -> GenReport:
    """Report number `num` of the generated corpus with this seed (deterministic)."""
    rng = random.Random(f"{seed}:{num}")
    region = rng.choice(divisions())
    year = rng.randint(2010, 2024)
    plan = [year + 1] if rng.random() < 0.3 else []
    ending = rng.choice(sorted(DOCTYPES))
    dept = rng.choice(sorted(DEPARTMENTS))
    topics = Topics([DEPARTMENTS[dept]], ["总结及计划" if plan else DOCTYPES[ending]],
                    rng.sample(SUBTOPICS, rng.randint(0, 2)))
    if plan:
        ending += f"及{year + 1}年工作计划"
    issuer = _place(region) + dept
    title = f"{issuer}{year}年{ending}"
    pub_year = year + 1 if rng.random() < 0.7 else year
    publish = f"{min(pub_year, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lead = (f"{year}年，{region.label.replace(' ', '')}{dept}在上级党委、政府的正确领导下，"
            f"认真贯彻落实各项决策部署，现将{year}年工作情况报告如下。")
    closing = f"{issuer}\n{publish[:4]}年{int(publish[5:7])}月{int(publish[8:])}日"
    body = [lead] + _body(rng, target - len(lead)) + closing.split("\n")
    return GenReport(num, title, body, region, [year], plan, publish, issuer, topics)


def iter_reports(n: int, seed: int = 1) -> Iterator[GenReport]:
    for num in range(n):
        yield gen_report(seed, num)


def to_report(g: GenReport, seed: int) -> Report:
    """The archive Report ingest would store for this generated report (no extraction)."""
    sha = hashlib.sha256(f"gen:{seed}:{g.num}".encode()).hexdigest()
    ex = Extracted(title=g.title, paragraphs=g.paragraphs, publish_date=g.publish_date,
                   issuer=g.issuer, site_config="generated")
    en = Enrichment(region=g.region, report_years=g.years, plan_years=g.plan_years,
                    topics=g.topics)
    return Report(id=sha[:12], sha256=sha, source_path=f"gen/{seed}/{g.num:06d}.html",
                  url=None, extracted=ex, enrichment=en, ingested_at="2025-01-01T00:00:00+00:00")


# ---------------------------------------------------------------- HTML pages
_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_{site}</title>
<meta name="SiteName" content="{site}">
<meta name="ColumnName" content="{category}">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date} {hour:02d}:{minute:02d}">
<meta name="ContentSource" content="{issuer}">
</head>
<body>
<div class="topbar"><a href="#">无障碍</a> <a href="#">长者模式</a> <a href="#">登录</a> <a href="#">注册</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/zjxx/">走进{place}</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/xxgk/">政府信息公开</a> &gt; <a href="#">{category}</a></div>
<div class="xxgk-box">
<h2 class="xxgk-title">{issuer}政府信息公开</h2>
<table class="xxgk_table">
<tr><th>索引号：</th><td>{index_no}</td><th>分类：</th><td>{category}</td></tr>
<tr><th>发布机构：</th><td>{issuer}</td><th>成文日期：</th><td>{written}</td></tr>
<tr><th>名称：</th><td colspan="3">{title}</td></tr>
<tr><th>文号：</th><td></td><th>发布日期：</th><td>{date}</td></tr>
<tr><th>主题词：</th><td colspan="3">{category}</td></tr>
</table>
</div>
<div class="article">
<h1 class="article_title">{title}</h1>
<div class="article-info">发布日期：{date} &nbsp; 来源：{issuer} &nbsp; 【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】【<a href="#">打印</a>】【<a href="#">关闭</a>】</div>
<div class="TRS_Editor">
{body}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>
</div>
<div class="footer"><p>主办单位：{site_owner}　网站标识码：{site_code}</p><p>ICP备{icp}号</p><p><a href="#">网站地图</a> | <a href="#">联系我们</a></p></div>
</body>
</html>
"""


def render_html(g: GenReport, rng: random.Random | None = None) -> tuple[str, str]:
    """(html, charset): the report as a 政府信息公开 page with a TRS_Editor body."""
    rng = rng or random.Random(g.num)
    charset = "gb18030" if rng.random() < 0.25 else "utf-8"
    place = _place(g.region)
    esc = html.escape
    related = "".join(f"<li><a href=\"#\">{esc(p[:24])}</a></li>"
                      for p in rng.sample(paragraph_pool(), 3))
    page = _PAGE.format(
        charset=charset, title=esc(g.title), site=esc(f"{place}人民政府门户网站"),
        category=rng.choice(CATEGORIES), date=g.publish_date, hour=rng.randint(8, 18),
        minute=rng.randint(0, 59), issuer=esc(g.issuer), place=esc(place),
        index_no=f"{g.region.code or '000000'}{rng.randint(10**11, 10**12 - 1)}/"
                 f"{g.publish_date[:4]}-{rng.randint(1, 999):05d}",
        written=g.publish_date, related=related,
        body="\n".join(f"<p>{esc(p)}</p>" for p in g.paragraphs),
        site_owner=esc(f"{place}人民政府办公室"), site_code=rng.randint(10**9, 10**10 - 1),
        icp=rng.randint(10**7, 10**8 - 1))
    return page, charset


def write_pages(n: int, seed: int, out_dir: Path) -> tuple[Path, int]:
    """Write n pages to out_dir (reused when already complete); returns (dir, text bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    done = out_dir / "pages.json"
    if done.exists() and json.loads(done.read_text()).get("n") == n:
        return out_dir, json.loads(done.read_text())["text_bytes"]
    total = 0
    for g in iter_reports(n, seed):
        page, charset = render_html(g)
        (out_dir / f"{g.num:06d}.html").write_bytes(page.encode(charset))
        total += g.text_bytes
    done.write_text(json.dumps({"n": n, "seed": seed, "text_bytes": total}))
    return out_dir, total


# ---------------------------------------------------------------- cached archives
@dataclass
class BuiltArchive:
    data_dir: Path
    reports: int
    text_bytes: int
    build_seconds: float  # catalogue + index, measured when the archive was built
    index_seconds: float  # sync_index alone
    schema_version: str


def archive_dir(n: int, seed: int) -> Path:
    return BENCH_DATA / f"archive-n{n}-s{seed}"


def build_archive(n: int, seed: int = 1, log=print) -> BuiltArchive:
    """A data directory holding n generated reports, catalogued and indexed (cached)."""
    from archive.store import Store
    from index.schema import SCHEMA_VERSION
    from index.writer import sync_index

    root = archive_dir(n, seed)
    info = root / "build.json"
    if info.exists():
        data = json.loads(info.read_text())
        if data["schema_version"] == SCHEMA_VERSION and data["reports"] == n:
            data["data_dir"] = root
            return BuiltArchive(**data)
        log(f"cached archive {root} is stale (schema or size changed); rebuilding")
    if root.exists():
        shutil.rmtree(root)
    log(f"building archive of {n} generated reports in {root} ...")
    start = time.perf_counter()
    store = Store(root)
    total = 0
    for g in iter_reports(n, seed):
        store.add(to_report(g, seed), "html")
        total += g.text_bytes
    stored = time.perf_counter()
    counted = [0]

    def progress(k: int) -> None:
        counted[0] += k
        log(f"  indexed {counted[0]}/{n} ({time.perf_counter() - stored:.0f}s)")
    sync_index(root, store, progress=progress)
    end = time.perf_counter()
    store.close()
    built = BuiltArchive(root, n, total, end - start, end - stored, SCHEMA_VERSION)
    info.write_text(json.dumps({k: v for k, v in built.__dict__.items() if k != "data_dir"}))
    log(f"built in {built.build_seconds:.0f}s (index {built.index_seconds:.0f}s)")
    return built


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# ---------------------------------------------------------------- printing, shared
def versions() -> str:
    """The interpreter and library versions the figures were measured with."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for dist in ("whoosh-reloaded", "jieba", "rjieba", "opencc"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    import os
    return ", ".join(parts) + f"; {os.cpu_count()} CPUs"


def print_table(header: list[str], rows: list[list]) -> None:
    """A plain aligned table (CJK characters count two columns)."""
    def width(text: str) -> int:
        return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)

    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--html", help="write HTML pages to this directory")
    ap.add_argument("--archive", action="store_true", help="build the cached archive")
    args = ap.parse_args()
    print(f"paragraph pool: {len(paragraph_pool())} paragraphs, {len(sentence_pool())} sentences;"
          f" divisions: {len(divisions())}")
    if args.html:
        out, size = write_pages(args.reports, args.seed, Path(args.html))
        print(f"wrote {args.reports} pages to {out} ({size / 1e6:.1f} MB of main text)")
    if args.archive:
        print(build_archive(args.reports, args.seed))
    if not args.html and not args.archive:
        g = gen_report(args.seed, 0)
        print(g.title, g.region.label, g.years, g.publish_date, g.chars, "chars")
        print("\n".join(p[:80] for p in g.paragraphs[:5]))


if __name__ == "__main__":
    main()
