"""Ingest with worker processes: pages read by workers, results exactly as when read here."""
import os
import signal
import sqlite3
import zipfile
from types import SimpleNamespace

import pytest

from archive import ingest, parallel
from archive.ingest import ingest_sources, worker_count
from archive.pipeline import ingest_paths
from archive.records import SourceDoc
from archive.store import Store

PORTAL = """<html><head><meta charset="{charset}"><title>{title}_{city}人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 工作总结</div>
<h1>{title}</h1><div class="info">发布日期：{date} 来源：{issuer}</div>
<div class="TRS_Editor">{body}</div>
<div class="footer">主办单位：{city}人民政府办公室 ICP备案号：00000000</div></body></html>"""

# (city, issuer, title, publish date, charset): twelve reports of the kind the archive holds.
REPORTS = [
    ("梅州市", "梅州市教育局", "梅州市教育局2020年工作总结", "2021-01-12", "utf-8"),
    ("云浮市", "云浮市卫生健康局", "云浮市卫生健康局2021年工作总结", "2022-01-20", "gbk"),
    ("韶关市", "韶关市农业农村局", "韶关市农业农村局2019年工作计划", "2019-02-28", "utf-8"),
    ("河源市", "河源市民政局", "河源市民政局2020年工作总结和2021年工作计划", "2021-01-05", "gbk"),
    ("汕尾市", "汕尾市交通运输局", "汕尾市交通运输局2018年工作总结", "2019-01-16", "utf-8"),
    ("清远市", "清远市水利局", "清远市水利局2022年工作要点", "2022-03-01", "gb2312"),
    ("潮州市", "潮州市文化广电旅游体育局", "潮州市文广旅体局2021年工作总结", "2022-01-08", "utf-8"),
    ("揭阳市", "揭阳市生态环境局", "揭阳市生态环境局2020年工作总结", "2021-02-02", "utf-8"),
    ("阳江市", "阳江市人力资源和社会保障局", "阳江市人社局2019年工作总结", "2020-01-21", "gbk"),
    ("茂名市", "茂名市住房和城乡建设局", "茂名市住建局2021年工作计划", "2021-03-10", "utf-8"),
    ("湛江市", "湛江市科学技术局", "湛江市科技局2020年工作总结", "2021-01-25", "utf-8"),
    ("肇庆市", "肇庆市应急管理局", "肇庆市应急管理局2022年工作总结", "2023-01-06", "utf-8"),
]


def portal(number: int) -> bytes:
    """A government portal page, in the markup TRS-built sites use, in its declared charset."""
    city, issuer, title, date, charset = REPORTS[number]
    body = "".join(f"<p>{p}</p>" for p in (
        f"一年来，{issuer}在市委、市政府的坚强领导下，认真落实各项工作部署，圆满完成年度目标任务。",
        f"一、主要工作。全年完成重点项目{number + 3}项，落实资金{number * 7 + 120}万元，群众满意度稳步提高。",
        "二、存在问题。基层力量薄弱，部分项目推进较慢，需要在下一阶段加以解决。",
    ))
    html = PORTAL.format(charset=charset, title=title, city=city, date=date, issuer=issuer, body=body)
    return html.encode("gb18030" if charset in ("gbk", "gb2312") else charset)


def write_pages(folder):
    """Twelve reports, a text dump, two copies, a zip, a picture named .html and an empty page."""
    (folder / "copies").mkdir(parents=True)
    for number in range(10):
        (folder / f"report{number:02d}.html").write_bytes(portal(number))
    (folder / "copies" / "report03-again.html").write_bytes(portal(3))  # same bytes, other name
    (folder / "broken.html").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)  # a JPEG
    (folder / "empty.html").write_bytes(b"<html><head></head><body></body></html>")
    (folder / "plan.txt").write_text(
        "首页 > 政务公开\n\n某县教育局2019年工作计划\n\n发布日期：2019-01-10\n\n"
        "一、巩固义务教育均衡发展成果，继续化解大班额。\n\n二、加强教师队伍建设。\n", "utf-8")
    with zipfile.ZipFile(folder / "saved.zip", "w") as bundle:
        bundle.writestr("site/report10.html", portal(10))
        bundle.writestr("site/report05-copy.html", portal(5))  # a copy inside a zip
        bundle.writestr("site/report11.html", portal(11))
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return write_pages(tmp_path_factory.mktemp("pages"))


def spy_on(monkeypatch) -> dict[str, list]:
    """Record what this process reads itself, the pages it sends to workers, the pools it starts."""
    seen = {"read_here": [], "sent": [], "pools": []}
    read_safely, submit, start_pool = ingest.read_safely, parallel.Readers.submit, parallel.start_pool

    def read_here(doc):
        seen["read_here"].append(doc.path)
        return read_safely(doc)

    def send(self, docs):
        seen["sent"] += [doc.path for doc in docs]
        return submit(self, docs)

    def pool(workers):
        seen["pools"].append(start_pool(workers))
        return seen["pools"][-1]

    monkeypatch.setattr(ingest, "read_safely", read_here)
    monkeypatch.setattr(parallel.Readers, "submit", send)
    monkeypatch.setattr(parallel, "start_pool", pool)
    return seen


@pytest.fixture
def spy(monkeypatch):
    return spy_on(monkeypatch)


@pytest.fixture(scope="module")
def runs(pages, tmp_path_factory):
    """The pages ingested once with one worker and once with two (workers take a second to start)."""
    root = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as monkeypatch:
        one = spy_on(monkeypatch)
        serial = ingest_paths(root / "one", [str(pages)], progress=False, workers=1)
    with pytest.MonkeyPatch.context() as monkeypatch:
        two = spy_on(monkeypatch)
        parallel = ingest_paths(root / "two", [str(pages)], progress=False, workers=2)
    return SimpleNamespace(serial=serial, parallel=parallel, one=one, two=two, root=root)


def outcomes(summary):
    return [(r.path, r.status, r.id, r.title, r.reason) for r in summary.results]


def by_name(summary, pages) -> dict:
    return {r.path.removeprefix(str(pages) + "/"): r for r in summary.results}


def catalogue(data):
    """Every catalogue row except the time of ingest, in insertion order."""
    db = sqlite3.connect(data / "catalogue.sqlite")
    rows = db.execute("SELECT seq, id, sha256, source_path, url, kind, title, publish_date,"
                      " province, city, region_code, years, indexed, data FROM reports ORDER BY seq")
    return rows.fetchall()


def test_two_workers_give_exactly_the_results_of_one(runs):
    assert runs.one["read_here"] and not runs.one["pools"]
    assert outcomes(runs.parallel) == outcomes(runs.serial)
    assert catalogue(runs.root / "two") == catalogue(runs.root / "one")
    assert runs.two["pools"][0]._mp_context.get_start_method() != "fork"  # safe from a web app thread
    assert runs.two["read_here"] == []  # the workers read every page
    assert runs.parallel.count("ingested") == 13


def test_the_results_come_in_the_order_of_the_files(runs, pages):
    assert list(by_name(runs.parallel, pages)) == [
        "broken.html", "copies/report03-again.html", "empty.html", "plan.txt"] + [
        f"report{n:02d}.html" for n in range(10)] + [
        "saved.zip!site/report05-copy.html", "saved.zip!site/report10.html",
        "saved.zip!site/report11.html"]


def test_unreadable_pages_fail_with_their_path_and_the_run_goes_on(runs, pages):
    failed = {r.path.removeprefix(str(pages) + "/"): r.reason for r in runs.parallel.failures}
    assert failed == {"broken.html": "cannot decode: this is a JPEG image, not a text page",
                      "empty.html": "no text found in the page"}
    assert Store(runs.root / "two").count() == 13


def test_copies_in_one_run_are_duplicates_and_read_once(runs, pages):
    results = by_name(runs.parallel, pages)
    # The copy in copies/ sorts before the original, so it is the one stored.
    assert results["report03.html"].status == "duplicate"
    assert results["report03.html"].id == results["copies/report03-again.html"].id
    assert results["report05.html"].status == "ingested"
    assert results["saved.zip!site/report05-copy.html"].status == "duplicate"
    assert results["saved.zip!site/report05-copy.html"].id == results["report05.html"].id
    sent = [p.removeprefix(str(pages) + "/") for p in runs.two["sent"]]
    assert "report03.html" not in sent and "saved.zip!site/report05-copy.html" not in sent
    assert len(sent) == len(set(sent)) == 15


def test_a_second_run_sends_nothing_to_workers(runs, pages, spy):
    again = ingest_paths(runs.root / "two", [str(pages)], progress=False, workers=2)
    assert again.count("ingested") == 0 and again.count("duplicate") == 15
    assert spy["pools"] == []  # every page was in the catalogue: no worker started


def test_a_small_run_is_read_without_workers(pages, tmp_path, spy):
    paths = [str(pages / f"report{n:02d}.html") for n in range(3)]
    summary = ingest_paths(tmp_path / "data", paths, progress=False, workers=2)
    assert summary.count("ingested") == 3
    assert spy["pools"] == [] and len(spy["read_here"]) == 3


def docs(count: int) -> list[SourceDoc]:
    return [SourceDoc(f"page{n}.html", page, page, "html") for n in range(count)
            for page in [portal(n % 12).replace(b"</body>", f"<!-- {n} --></body>".encode())]]


def test_an_error_in_a_worker_fails_that_page_as_it_would_here(tmp_path):
    sources = docs(10)
    sources[4] = SourceDoc("odd.doc", b"<p>odd</p>", b"<p>odd</p>", "doc")  # no reader for this kind
    here = list(ingest_sources(Store(tmp_path / "one"), sources, workers=1))
    there = list(ingest_sources(Store(tmp_path / "two"), sources, workers=2))
    assert there == here
    assert there[4].status == "failed"
    assert there[4].reason == "ValueError: kind must be one of ('html', 'text'), got 'doc'"
    assert [r.status for r in there].count("ingested") == 9


def test_a_worker_killed_mid_run_loses_no_page(tmp_path, spy):
    sources = docs(40)
    here = list(ingest_sources(Store(tmp_path / "one"), sources, workers=1))
    spy["read_here"].clear()
    there = []
    for result in ingest_sources(Store(tmp_path / "two"), sources, workers=2):
        if not there:  # as the out-of-memory killer would
            os.kill(next(iter(spy["pools"][0]._processes)), signal.SIGKILL)
        there.append(result)
    assert there == here
    assert spy["read_here"]  # the pages the dead worker held, and those after, were read here


def test_only_a_bounded_window_of_pages_is_held(tmp_path):
    pulled = []

    def sources():
        for doc in docs(80):
            pulled.append(doc.path)
            yield doc

    ahead = []
    for done, _result in enumerate(ingest_sources(Store(tmp_path / "data"), sources(), workers=2), 1):
        ahead.append(len(pulled) - done)
    assert len(ahead) == 80
    assert max(ahead) <= parallel.AHEAD * 2 * parallel.CHUNK


def test_pages_are_read_here_when_workers_cannot_start(runs, pages, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "start_pool", lambda workers: None)
    fallback = ingest_paths(tmp_path / "data", [str(pages)], progress=False, workers=2)
    assert outcomes(fallback) == outcomes(runs.serial)


def test_the_progress_bar_counts_files_and_prints_failures(pages, tmp_path, capsys):
    ingest_paths(tmp_path / "data", [str(pages)], progress=True, workers=2)
    out, err = capsys.readouterr()
    assert "15/15" in err  # files, not pages: the zip counts once
    assert f"failed: {pages / 'broken.html'}: cannot decode" in out  # tqdm.write prints to stdout
    assert err.rstrip().endswith("indexing ...")


def test_worker_count_comes_from_the_argument_then_the_environment(monkeypatch):
    monkeypatch.setenv("ARCHIVE_WORKERS", "3")
    assert worker_count(2) == 2
    assert worker_count() == 3
    monkeypatch.setenv("ARCHIVE_WORKERS", "0")
    assert worker_count() == 1  # no workers: read in this process
    monkeypatch.delenv("ARCHIVE_WORKERS")
    assert 1 <= worker_count() <= ingest.MAX_DEFAULT_WORKERS
    monkeypatch.setenv("ARCHIVE_WORKERS", "two")
    with pytest.raises(ValueError, match="ARCHIVE_WORKERS must be a whole number"):
        worker_count()
