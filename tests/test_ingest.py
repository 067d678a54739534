"""Ingest end to end: real files in a temp dir -> catalogue + index -> search -> passage link."""
import json
import re

import pytest

from archive.ingest import ingest_sources
from archive.pipeline import ingest_paths
from archive.sources import iter_sources
from archive.store import Store
from index.search import SearchRequest, Searcher
from index.writer import sync_index
from webapp import create_app

PORTAL = """<html><head><meta charset="{charset}"><title>{title}_某某市人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<h1>{title}</h1><div class="info">发布日期：2021-02-03 来源：{issuer}</div>
<div class="TRS_Editor">{body}</div>
<div class="footer">主办单位：某某市人民政府办公室 ICP备案号：00000000</div></body></html>"""


def portal(title: str, paragraphs: list[str], issuer: str = "某某市教育局", charset="utf-8") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = PORTAL.format(title=title, body=body, issuer=issuer, charset=charset)
    return html.encode("gb18030" if charset.lower() in ("gbk", "gb2312") else charset)


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_bytes(portal("梅州市教育局2020年工作总结", [
        "2020年，全市教育系统克服疫情影响，学前三年毛入园率达到97.1%。",
        "全面消除义务教育大班额，推进县域义务教育优质均衡发展。"], issuer="梅州市教育局"))
    (folder / "b.htm").write_bytes(portal("关于加强校园安全工作的通知", [
        "各学校要落实校园安全主体责任，开展防溺水专题教育活动。"], charset="gbk"))
    (folder / "c.txt").write_text(
        "首页 > 政务公开\n\n某县教育局2019年工作计划\n\n发布日期：2019-01-10\n\n"
        "一、巩固义务教育均衡发展成果，继续化解大班额。\n\n二、加强教师队伍建设。\n", "utf-8")
    (folder / "broken.html").write_bytes(b"\x00\x01\x02\xff" * 64)
    return folder


def test_ingest_search_and_open_the_passage_link(pages, tmp_path):
    data = tmp_path / "data"
    summary = ingest_paths(data, [str(pages)], progress=False)
    assert summary.count("ingested") == 3
    assert [f.path.endswith("broken.html") for f in summary.failures] == [True]
    assert summary.failures[0].reason

    client = create_app({"DATA_DIR": str(data), "LOAD_DEMO": False}).test_client()
    result = client.get("/api/search", query_string={"q": "毛入园率"}).get_json()
    assert [h["title"] for h in result["hits"]] == ["梅州市教育局2020年工作总结"]
    url = result["hits"][0]["passages"][0]["url"]
    path, anchor = url.split("#")
    page = client.get(path).get_data(as_text=True)
    paragraph = re.search(rf'<p id="{anchor}"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "<mark>毛入园率</mark>" in paragraph


def test_gbk_page_and_text_dump_are_searchable(pages, tmp_path):
    data = tmp_path / "data"
    ingest_paths(data, [str(pages)], progress=False)
    store = Store(data)
    searcher = Searcher(data, store)
    assert searcher.search(SearchRequest(q="防溺水")).total == 1  # the GBK page
    assert searcher.search(SearchRequest(q="大班额")).total == 2  # portal + text dump
    assert searcher.search(SearchRequest(q="region:梅州")).total == 1


def test_the_same_bytes_twice_add_nothing(pages, tmp_path):
    data = tmp_path / "data"
    ingest_paths(data, [str(pages)], progress=False)
    again = ingest_paths(data, [str(pages / "a.html"), str(pages)], progress=False)
    assert again.count("ingested") == 0 and again.count("duplicate") == 4
    assert Store(data).count() == 3


def test_originals_are_kept_byte_for_byte(pages, tmp_path):
    data = tmp_path / "data"
    ingest_paths(data, [str(pages / "b.htm")], progress=False)
    store = Store(data)
    report = next(store.iter_reports())
    original, _row = store.read_original(report.id)
    assert original == (pages / "b.htm").read_bytes()


def test_a_run_killed_before_indexing_is_completed_by_the_next(pages, tmp_path):
    data = tmp_path / "data"
    ingest_paths(data, [str(pages)], progress=False)
    store = Store(data)
    store.mark_all_unindexed()  # as if killed after the catalogue commit, before the index one
    assert sync_index(data, store) == 3
    assert Searcher(data, store).search(SearchRequest()).total == 3  # no duplicates in the index


def test_a_run_killed_between_the_character_view_and_the_whoosh_commit(pages, tmp_path, monkeypatch):
    from whoosh.writing import SegmentWriter

    data = tmp_path / "data"
    store = Store(data)
    list(ingest_sources(store, iter_sources([str(pages)])))  # catalogued, not indexed

    def killed(self, *args, **kwargs):
        raise KeyboardInterrupt  # the character segment is on disk, the Whoosh commit never happens

    with monkeypatch.context() as m:
        m.setattr(SegmentWriter, "commit", killed)
        with pytest.raises(KeyboardInterrupt):
            sync_index(data, store)
    assert store.has_unindexed()
    assert sync_index(data, store) == 3  # the next run indexes them again
    searcher = Searcher(data, store)
    assert searcher.search(SearchRequest(q="入园率")).total == 1
    assert searcher.search(SearchRequest(q="教育")).total == 3  # each report once


def test_indexing_alongside_reading_indexes_each_report_once(pages, tmp_path, monkeypatch):
    import archive.alongside

    # The indexing process starts with the first stored report and looks every millisecond.
    monkeypatch.setattr(archive.alongside, "MIN_BATCH", 1)
    monkeypatch.setattr(archive.alongside, "INTERVAL", 0.001)
    data = tmp_path / "data"
    summary = ingest_paths(data, [str(pages)], progress=False, workers=2)
    assert summary.count("ingested") == 3 and summary.count("failed") == 1
    store = Store(data)
    assert not store.has_unindexed()
    searcher = Searcher(data, store)
    assert searcher.search(SearchRequest()).total == 3
    assert searcher.search(SearchRequest(q="教育")).total == 3


def _store_beside(alongside, store, pages) -> None:
    """Store the pages in this process, telling the indexing process of each result."""
    for result in ingest_sources(store, iter_sources([str(pages)])):
        alongside.saw(result.status)


def test_the_indexing_process_indexes_what_is_stored_while_reading_goes_on(pages, tmp_path, monkeypatch):
    import time

    import archive.alongside

    monkeypatch.setattr(archive.alongside, "MIN_BATCH", 2)
    monkeypatch.setattr(archive.alongside, "INTERVAL", 0.01)
    data = tmp_path / "data"
    store = Store(data)
    with archive.alongside.IndexAlongside(data, enabled=True) as alongside:
        _store_beside(alongside, store, pages)
        assert alongside.process is not None  # started at the second stored report
        deadline = time.monotonic() + 60
        while store.has_unindexed() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not store.has_unindexed()  # indexed by the process, before any final sync
    assert alongside.process.exitcode == 0
    assert Searcher(data, store).search(SearchRequest(q="教育")).total == 3


def test_told_to_stop_the_indexing_process_indexes_the_rest_itself(pages, tmp_path, monkeypatch):
    import archive.alongside

    # Started at the first stored report, it never sees a batch worth a segment while
    # reading goes on: what it indexes, it indexes after being told to stop.
    monkeypatch.setattr(archive.alongside, "START_AFTER", 1)
    monkeypatch.setattr(archive.alongside, "MIN_BATCH", 1000)
    data = tmp_path / "data"
    store = Store(data)
    with archive.alongside.IndexAlongside(data, enabled=True) as alongside:
        _store_beside(alongside, store, pages)
        assert alongside.process is not None and store.has_unindexed()
    assert alongside.process.exitcode == 0
    assert not store.has_unindexed()  # no final sync has run in this process
    assert Searcher(data, store).search(SearchRequest(q="教育")).total == 3


def test_preloading_reference_data_never_raises(monkeypatch):
    import archive.preload

    def broken(doc):
        raise KeyError("a data file is damaged")

    monkeypatch.setattr(archive.preload, "read_page", broken)
    archive.preload.warm_up()  # an error here would stop the forkserver; pages report it instead


def test_extract_json_lines_shape(pages, capsys):
    import run

    run.main(["extract", str(pages / "a.html"), str(pages / "broken.html"), "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    good, bad = rows
    assert {"file", "title", "text", "paragraphs", "publish_date", "report_years", "issuer",
            "region", "topics", "site_config", "warnings", "error"} <= good.keys()
    assert good["error"] is None and good["publish_date"] == "2021-02-03"
    assert good["text"] == "\n".join(good["paragraphs"])
    assert good["region"]["code"] == "441400"
    assert bad["error"] and bad["file"].endswith("broken.html")


def test_cli_search_json(pages, tmp_path, capsys):
    import run

    data = str(tmp_path / "data")
    run.main(["--data", data, "ingest", "--quiet", str(pages)])
    capsys.readouterr()
    run.main(["--data", data, "search", "大班额", "--json", "--year", "2019"])
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 1 and out["hits"][0]["plan_years"] == [2019]  # a 工作计划
    assert out["facets"]["year"]


def test_passage_links_survive_reextraction(pages, tmp_path):
    import run

    data = tmp_path / "data"
    ingest_paths(data, [str(pages)], progress=False)
    client = create_app({"DATA_DIR": str(data), "LOAD_DEMO": False}).test_client()
    before = client.get("/api/search", query_string={"q": "大班额"}).get_json()
    run.main(["--data", str(data), "reindex", "--reextract"])
    client = create_app({"DATA_DIR": str(data), "LOAD_DEMO": False}).test_client()
    after = client.get("/api/search", query_string={"q": "大班额"}).get_json()
    assert after["total"] == before["total"] == 2
    links = lambda r: sorted(p["url"] for h in r["hits"] for p in h["passages"])  # noqa: E731
    assert links(after) == links(before)
