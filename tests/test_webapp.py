"""The web app and JSON API through Flask's test client, over a real archive."""
import csv
import html
import io
import json
import re
import time
from html import escape

import markupsafe
import pytest

from archive.records import Topics
from tests.conftest import add_reports, make_report, region
from webapp import create_app

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# ---------------------------------------------------------------- saved pages we write
def portal_page(title: str, paragraphs: list[str], *, issuer: str, date: str, url: str,
                extra_head: str = "", extra_body: str = "") -> bytes:
    """A 政府信息公开 detail page: metadata table, article title, the text in #zoom."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(title)}_{escape(issuer)}门户网站</title>
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{date} 09:30">
<meta name="ContentSource" content="{escape(issuer)}">
<meta name="Url" content="{url}">{extra_head}
</head><body>
<div class="topbar"><a href="#">无障碍</a> <a href="#">登录</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="xxgk-box"><table class="xxgk-table">
<tr><th>索引号：</th><td>000000000000000000/{date[:4]}-00011</td><th>分类：</th><td>工作总结</td></tr>
<tr><th>发布机构：</th><td>{escape(issuer)}</td><th>成文日期：</th><td>{date}</td></tr>
<tr><th>名称：</th><td colspan="3">{escape(title)}</td></tr>
<tr><th>发布日期：</th><td colspan="3">{date}</td></tr>
</table></div>
<div class="article"><h1 class="article-title">{escape(title)}</h1>
<div class="article-info">发布日期：{date} &nbsp; 来源：{escape(issuer)} 【<a href="#">打印</a>】</div>
<div class="article-content" id="zoom">
{body}
</div>{extra_body}
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div></div>
<div class="footer"><p>主办单位：{escape(issuer)}　网站标识码：0000000000</p></div>
</body></html>""".encode()


def forum_page(title: str, paragraphs: list[str], *, posted: str) -> bytes:
    """A Discuz! X3 thread: the first post reposts the report, one reply follows."""
    body = "<br />\n<br />\n".join(escape(p) for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{escape(title)} - 工作总结 - 教育论坛 - Powered by Discuz!</title>
<meta name="generator" content="Discuz! X3.4" />
</head><body id="nv_forum" class="pg_viewthread">
<div id="toptb" class="cl"><a href="member.php?mod=register">立即注册</a></div>
<div id="pt" class="bm cl"><div class="z"><a href="./">论坛</a> <em>&rsaquo;</em> <a href="forum-12-1.html">工作总结</a></div></div>
<div id="ct" class="wp cl"><div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0"><tr><td class="plc ptm pbn vwthd"><h1 class="ts"><span id="thread_subject">{escape(title)}</span></h1></td></tr></table>
<div id="post_2001"><table id="pid2001" class="plhin" cellspacing="0" cellpadding="0">
<tr><td class="pls" rowspan="2"><div class="pi"><div class="authi"><a href="home.php?mod=space&amp;uid=8" class="xw1">资料搬运工</a></div></div></td>
<td class="plc"><div class="pi"><strong><a href="#" id="postnum2001">楼主</a></strong><div class="pti"><div class="authi"><em id="authorposton2001">发表于 {posted}</em></div></div></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_2001">
{body}
</td></tr></table></div></div></div></td></tr>
</table></div>
<div id="post_2002"><table id="pid2002" class="plhin" cellspacing="0" cellpadding="0">
<tr><td class="pls" rowspan="2"><div class="pi"><div class="authi"><a href="home.php?mod=space&amp;uid=9" class="xw1">路过的老师</a></div></div></td>
<td class="plc"><div class="pi"><strong><a href="#" id="postnum2002">沙发</a></strong><div class="pti"><div class="authi"><em id="authorposton2002">发表于 {posted}</em></div></div></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_2002">
谢谢楼主分享，收藏了。
</td></tr></table></div></div></div></td></tr>
</table></div>
</div></div>
<div id="f_pst" class="pl bm bmw"><div class="pbt">您需要登录后才可以回帖</div></div>
</body></html>""".encode()


# Invented report texts (real place names, made-up figures).
YANGJIANG_2019 = [
    "2019年，全市教育系统围绕补齐学前教育短板这一目标，统筹推进各级各类教育协调发展，较好完成了年度任务。",
    "一、学前教育",
    "全市新增公办幼儿园学位2860个，学前教育毛入园率达到98.23%，普惠性幼儿园覆盖率提高到86.4%。阳东区、阳西县完成乡镇中心幼儿园建设任务。",
    "二、义务教育",
    "（一）消除大班额。全市56人以上大班额比上年减少147个，66人以上超大班额全部清零。",
    "（二）控辍保学。建立劝返复学台账，义务教育巩固率达到96.7%。",
    "三、2020年工作打算",
    "继续扩大普惠性学前教育资源，推进义务教育优质均衡发展，加强乡村教师队伍建设。",
]
CANGZHOU_2018 = [
    "2018年，全市教育工作以办好人民满意的教育为目标，着力推进城乡义务教育一体化发展。",
    "一、改善办学条件",
    "新建改扩建中小学校38所，黄骅市、河间市完成全面改薄任务，校舍面积新增21.6万平方米。",
    "二、队伍建设",
    "招聘特岗教师640名，组织校长和骨干教师培训5100人次，城乡教师交流轮岗达到总数的12%。",
]
PAYLOAD_TEXT = '页面正文引用了代码 <script>alert("payload")</script> 与 <img src=x onerror=alert(2)> 作为示例，二者都应原样显示为文字。'
HOSTILE_HEAD = ('<script>document.title="pwned";alert("head")</script>'
                '<meta http-equiv="refresh" content="0;url=http://example.com/away">')
HOSTILE_BODY = ('<img src="http://example.com/beacon.png" onerror="alert(3)">'
                '<script>document.body.setAttribute("data-pwned","1")</script>')


def write_pages(folder) -> None:
    """The saved pages of the ingested test archive: one report on a portal and reposted on
    a forum, another city's report, and a page whose text and markup are hostile."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "yangjiang_portal.html").write_bytes(portal_page(
        "阳江市教育局2019年工作总结", YANGJIANG_2019, issuer="阳江市教育局", date="2020-01-10",
        url="http://www.example.gov.cn/yjjy/gzzj/post_1.html"))
    (folder / "yangjiang_forum.html").write_bytes(forum_page(
        "阳江市教育局2019年工作总结", YANGJIANG_2019, posted="2020-1-15 10:15:40"))
    (folder / "cangzhou_portal.html").write_bytes(portal_page(
        "沧州市教育局2018年工作总结", CANGZHOU_2018, issuer="沧州市教育局", date="2019-02-20",
        url="http://www.example.gov.cn/czjy/gzzj/post_7.html"))
    (folder / "hostile.html").write_bytes(portal_page(
        "韶关市教育局2021年信息化工作总结", [
            "2021年，全市推进教育信息化2.0行动，建成智慧校园示范校15所。", PAYLOAD_TEXT],
        issuer="韶关市教育局", date="2022-01-05", url="http://www.example.gov.cn/sgjy/post_3.html",
        extra_head=HOSTILE_HEAD, extra_body=HOSTILE_BODY))


# ---------------------------------------------------------------- fixtures
@pytest.fixture
def app(store, data_dir):
    add_reports(store, data_dir, [
        make_report("阳江市教育局2019年工作总结", [
            "全市学前教育毛入园率达到98.23%。", "消除大班额工作取得进展。", XSS + "入园"],
            publish_date="2020-12-07", region=region("广东省", "阳江市", code="441700"),
            years=[2019], topics=Topics(["科技、教育"], ["工作总结"], ["学前教育"]),
            issuer="阳江市教育局"),
        make_report("沧州市2018年工作汇报", ["大班额得到有效遏制。"],
                    publish_date="2019-04-26", region=region("河北省", "沧州市"), years=[2018]),
        make_report("阳东区教育局2016年工作计划", [
            "一、总体要求", "（一）学前教育。新建幼儿园3所，新增学位900个。",
            "1.扩大资源", "全区投入1.5亿元改善办学条件。"],
            publish_date="2016-02-03", region=region("广东省", "阳江市", "阳东区", code="441704"),
            years=[2016], topics=Topics(["科技、教育"], ["工作计划"], ["学前教育"]),
            issuer="阳东区教育局"),
    ])
    return create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ingested(tmp_path):
    """An app over pages ingested through the real pipeline (originals kept)."""
    from archive.pipeline import ingest_paths

    pages, data = tmp_path / "pages", tmp_path / "archive"
    write_pages(pages)
    summary = ingest_paths(data, [str(pages)], progress=False)
    assert summary.count("ingested") == 4, summary.text()
    app = create_app({"DATA_DIR": str(data), "LOAD_DEMO": False, "TESTING": True})
    return app.test_client()


def hit_ids(client, **args) -> dict[str, str]:
    """title -> id of every report matching an API search."""
    data = client.get("/api/search", query_string={"limit": 100, **args}).get_json()
    return {h["title"]: h["id"] for h in data["hits"]}


def hrefs(page: str, css_class: str) -> dict[str, str]:
    """data-value -> href of the links with a class (facet links, chips)."""
    found = re.findall(rf'<a class="{css_class}[^"]*" href="([^"]*)" data-value="([^"]*)"', page)
    return {html.unescape(v): html.unescape(h) for h, v in found}


# ---------------------------------------------------------------- search and API (kept)
def test_search_page_highlights_the_query(client):
    page = client.get("/?q=毛入园率").get_data(as_text=True)
    assert "<mark>毛入园率</mark>" in page
    assert "阳江市教育局2019年工作总结" in page


def test_api_search_shape(client):
    data = client.get("/api/search?q=大班额").get_json()
    assert data["query"] == "大班额" and data["total"] == 2
    hit = data["hits"][0]
    assert {"id", "title", "issuer", "region", "report_years", "publish_date", "url",
            "passages"} <= hit.keys()
    passage = hit["passages"][0]
    assert passage["url"] == f"/doc/{hit['id']}?q=%E5%A4%A7%E7%8F%AD%E9%A2%9D#p-{passage['pid']}"
    assert "<mark>大班额</mark>" in passage["html"]
    assert {f["value"] for f in data["facets"]["region"]} >= {"广东省", "河北省"}


def test_passage_link_opens_the_report_at_the_passage_highlighted(client):
    hit = client.get("/api/search?q=大班额").get_json()["hits"][0]
    url = hit["passages"][0]["url"]
    path, anchor = url.split("#")
    page = client.get(path).get_data(as_text=True)
    match = re.search(rf'<p id="{anchor}"[^>]*>(.*?)</p>', page, re.DOTALL)
    assert match and "<mark>大班额</mark>" in match.group(1)


def test_api_doc_returns_paragraphs_with_pids(client):
    hit = client.get("/api/search?q=毛入园率").get_json()["hits"][0]
    doc = client.get(f"/api/doc/{hit['id']}").get_json()
    assert doc["paragraphs"][0] == {"pid": hit["passages"][0]["pid"],
                                    "text": "全市学前教育毛入园率达到98.23%。"}
    assert doc["region"]["code"] == "441700"


def test_filters_and_facet_links(client):
    data = client.get("/api/search?region=河北省").get_json()
    assert data["total"] == 1
    page = client.get("/?q=大班额").get_data(as_text=True)
    assert "region=%E6%B2%B3%E5%8C%97%E7%9C%81" in page  # a link that adds 河北省


def test_page_content_is_escaped(client):
    hit = client.get("/api/search?q=入园 onerror").get_json()["hits"][0]
    page = client.get(f"/doc/{hit['id']}?q=入园").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_hostile_query_is_escaped_on_the_search_page(client):
    page = client.get("/?q=" + XSS).get_data(as_text=True)
    assert "<script>alert" not in page


@pytest.mark.parametrize("q", ['"', "(", ":", "*", '"毛入园率', "((", "-", "year:abc",
                               pytest.param("噪" * 5000, id="noise")])
def test_malformed_queries_never_500(client, q):
    assert client.get("/", query_string={"q": q}).status_code == 200
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_bad_paging_values_fall_back(client):
    assert client.get("/api/search?page=abc&limit=-5").status_code == 200
    assert client.get("/api/search?limit=100000").get_json()["limit"] == 100


@pytest.mark.parametrize("rid", ["../../etc/passwd", "ZZZ", "0" * 12, "%2e%2e"])
def test_unknown_or_hostile_ids_are_404(client, rid):
    assert client.get(f"/doc/{rid}").status_code == 404
    assert client.get(f"/api/doc/{rid}").status_code == 404


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- search page
def test_region_facet_is_a_tree_that_drills_down_and_up(client):
    page = client.get("/").get_data(as_text=True)
    links = hrefs(page, "facet-link")
    assert links["广东省"] == "/?region=%E5%B9%BF%E4%B8%9C%E7%9C%81"
    assert "广东省/阳江市" in links and "广东省/阳江市/阳东区" in links  # nested under the province
    drilled = hrefs(client.get(links["广东省"]).get_data(as_text=True), "facet-link")
    # Choosing the city replaces the province; choosing the province again clears both.
    assert drilled["广东省/阳江市"] == "/?region=%E5%B9%BF%E4%B8%9C%E7%9C%81%2F%E9%98%B3%E6%B1%9F%E5%B8%82"
    city_page = client.get(drilled["广东省/阳江市"]).get_data(as_text=True)
    assert hrefs(city_page, "facet-link")["广东省"] == "/?region=%E5%B9%BF%E4%B8%9C%E7%9C%81"
    assert re.search(r'<strong id="total">2</strong>', city_page)


def test_facet_counts_for_every_facet(client):
    page = client.get("/?q=学前教育").get_data(as_text=True)
    for facet in ("region", "year", "doctype", "domain", "subtopic", "site"):
        assert f'data-facet="{facet}"' in page
    assert re.search(r'data-value="工作计划"[^>]*>工作计划</a> <span class="count">1</span>', page)


def test_active_filters_are_removable_chips(client):
    page = client.get("/?q=学前&region=广东省&year=2019").get_data(as_text=True)
    chips = hrefs(page, "chip")
    assert chips["广东省"] == "/?q=%E5%AD%A6%E5%89%8D&year=2019"
    assert chips["2019"] == "/?q=%E5%AD%A6%E5%89%8D&region=%E5%B9%BF%E4%B8%9C%E7%9C%81"
    assert 'class="chip clear" href="/?q=%E5%AD%A6%E5%89%8D"' in page


def test_new_query_keeps_the_filters(client):
    page = client.get("/?q=学前&region=广东省&sort=newest").get_data(as_text=True)
    form = re.search(r'<form class="searchbox".*?</form>', page, re.DOTALL).group(0)
    assert '<input type="hidden" name="region" value="广东省">' in form
    assert '<input type="hidden" name="sort" value="newest">' in form


def test_year_histogram_bars_filter_by_year(client):
    page = client.get("/?q=教育").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.DOTALL).group(0)
    bars = dict(re.findall(r'<a href="([^"]+)" class="bar[^"]*" data-year="(\d+)"', svg))
    assert sorted(bars.values()) == ["2016", "2019"]  # 2017 and 2018 have no 教育 match
    assert "<text" in svg and ">2017</text>" in svg  # the gap is drawn
    year_page = client.get(html.unescape(next(h for h, y in bars.items() if y == "2019")))
    assert re.search(r'<strong id="total">1</strong>', year_page.get_data(as_text=True))
    assert 'class="bar selected" data-year="2019"' in year_page.get_data(as_text=True)


def test_sort_links_order_the_results(client):
    def order(sort):
        page = client.get(f"/?sort={sort}").get_data(as_text=True)
        return re.findall(r'<li class="hit" data-id="([0-9a-f]+)"', page)

    newest, oldest = order("newest"), order("oldest")
    assert len(newest) == 3 and newest == oldest[::-1]
    page = client.get("/?q=学前&sort=oldest").get_data(as_text=True)
    assert 'class="sort active" data-sort="oldest"' in page
    assert 'href="/?q=%E5%AD%A6%E5%89%8D&amp;sort=newest"' in page


def test_pagination_links(client):
    first = client.get("/?limit=1&sort=newest").get_data(as_text=True)
    assert '<a rel="next" href="/?limit=1&amp;sort=newest&amp;page=2">' in first
    second = client.get("/?limit=1&sort=newest&page=2").get_data(as_text=True)
    assert '<a rel="prev" href="/?limit=1&amp;sort=newest">' in second
    assert re.findall(r'data-id="(\w+)"', first)[0] != re.findall(r'data-id="(\w+)"', second)[0]


def test_result_card_shows_the_report_metadata(client):
    page = client.get("/?q=毛入园率达到98").get_data(as_text=True)
    card = re.search(r'<li class="hit".*?</li>', page, re.DOTALL).group(0)
    for text in ("阳江市教育局</span>", "广东省 阳江市", "报告年份 2019", "发布日期 2020-12-07",
                 '<span class="doctype">工作总结'):
        assert text in card
    passage = re.search(r'<p class="passage"><a href="([^"]+)"', card).group(1)
    assert passage.startswith("/doc/") and "#p-" in passage and "q=" in passage


def test_empty_results_suggest_what_to_relax(client):
    page = client.get("/?q=大班额 火星").get_data(as_text=True)
    assert "没有找到匹配的报告" in page
    suggestions = re.findall(r'<li><a href="([^"]+)" data-kind="(\w+)">', page)
    assert ("/?q=%E5%A4%A7%E7%8F%AD%E9%A2%9D", "fewer_terms") in suggestions
    assert any(kind == "any_term" for _, kind in suggestions)
    filtered = client.get("/?q=毛入园率&region=河北省").get_data(as_text=True)
    assert '<a href="/?q=%E6%AF%9B%E5%85%A5%E5%9B%AD%E7%8E%87" data-kind="drop_filter">' in filtered
    assert "去掉筛选 地区：河北省" in filtered


def test_query_language_is_one_click_away(client):
    assert 'href="/help"' in client.get("/").get_data(as_text=True)
    page = client.get("/help").get_data(as_text=True)
    for example in ("教育 入园", '"毛入园率 98%"', "学前 OR 幼儿", "-疫情", "(学前 OR 幼儿) 资助",
                    "title:总结", "region:阳江", "year:2016-2019", "topic:学前教育",
                    "doctype:工作总结", "site:discuz_x3"):
        assert f"<code>{markupsafe.escape(example)}</code>" in page


# ---------------------------------------------------------------- report page
def test_report_page_outline_jumps_to_headings(client):
    rid = hit_ids(client)["阳东区教育局2016年工作计划"]
    page = client.get(f"/doc/{rid}").get_data(as_text=True)
    outline = re.search(r'<nav class="outline".*?</nav>', page, re.DOTALL).group(0)
    items = re.findall(r'<li class="level-(\d)"><a href="#(p-[0-9a-f-]+)">(.*?)</a>', outline)
    assert [(level, text) for level, _, text in items] == [
        ("1", "一、总体要求"), ("2", "（一）学前教育"), ("3", "1.扩大资源")]
    for _, anchor, _ in items:
        assert f'<p id="{anchor}" class="para heading' in page


def test_every_paragraph_has_an_anchor_and_a_copy_link(client):
    rid = hit_ids(client)["阳东区教育局2016年工作计划"]
    page = client.get(f"/doc/{rid}").get_data(as_text=True)
    paragraphs = re.findall(r'<p id="(p-[0-9a-f-]+)" class="para[^"]*"><a class="anchor" href="#(p-[0-9a-f-]+)"', page)
    assert len(paragraphs) == 4 and all(a == b for a, b in paragraphs)
    assert "复制此段链接" in page
    assert 'src="/static/report.js"' in page


def test_report_page_metadata_and_match_navigation(client):
    rid = hit_ids(client)["阳江市教育局2019年工作总结"]
    page = client.get(f"/doc/{rid}?q=大班额").get_data(as_text=True)
    for text in ("阳江市教育局", "441700", "2020-12-07", "工作总结", "学前教育", rid):
        assert text in page
    assert '<div class="matchnav" hidden' in page and "<mark>大班额</mark>" in page


def test_cite_panel_and_downloads(client):
    rid = hit_ids(client)["阳江市教育局2019年工作总结"]
    page = client.get(f"/doc/{rid}").get_data(as_text=True)
    assert re.search(r"阳江市教育局\. 阳江市教育局2019年工作总结\[EB/OL\]\. \(2020-12-07\)\[\d{4}-\d\d-\d\d\]\. "
                     rf"http://localhost/doc/{rid}\.", page)
    bib = client.get(f"/doc/{rid}/cite.bib")
    assert bib.mimetype == "application/x-bibtex"
    text = bib.get_data(as_text=True)
    assert text.startswith(f"@misc{{archive_{rid},")
    assert "title = {{阳江市教育局2019年工作总结}}" in text and "author = {{阳江市教育局}}" in text
    assert re.search(r"urldate = \{\d{4}-\d\d-\d\d\}", text) and "year = {2020}" in text
    item = json.loads(client.get(f"/doc/{rid}/cite.json").get_data(as_text=True))[0]
    assert item["title"] == "阳江市教育局2019年工作总结"
    assert item["author"] == [{"literal": "阳江市教育局"}]
    assert item["issued"] == {"date-parts": [[2020, 12, 7]]}
    assert item["archive_location"] == rid and item["URL"] == f"http://localhost/doc/{rid}"
    assert len(item["accessed"]["date-parts"][0]) == 3


def test_bibtex_escapes_special_characters():
    from webapp.cite import CitationData, bibtex

    c = CitationData("50% & {more}_#", "某局", None, "http://x/a b{c}", "http://h/doc/1",
                     "abc", "2024-01-02", "2024-01-01", None)
    text = bibtex(c)
    assert r"title = {{50\% \& \{more\}\_\#}}" in text
    assert "url = {http://x/a%20b%7Bc%7D}" in text


def test_source_url_is_linked_only_when_it_is_http(store, data_dir):
    report = make_report("某县2020年工作总结", ["正文。"])
    report.url = "javascript:alert(1)"
    add_reports(store, data_dir, [report])
    client = create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False}).test_client()
    page = client.get(f"/doc/{report.id}").get_data(as_text=True)
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page


# ---------------------------------------------------------------- originals, near-duplicates
def test_original_is_served_sandboxed_and_offline(ingested):
    rid = hit_ids(ingested)["韶关市教育局2021年信息化工作总结"]
    response = ingested.get(f"/doc/{rid}/original")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == \
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    body = response.get_data(as_text=True)
    assert 'document.title="pwned"' in body  # served as saved; the sandbox keeps it inert
    assert 'http-equiv="refresh"' not in body  # would navigate the frame to the network


def test_report_page_offers_the_original_in_a_sandboxed_frame(ingested):
    rid = hit_ids(ingested)["韶关市教育局2021年信息化工作总结"]
    page = ingested.get(f"/doc/{rid}").get_data(as_text=True)
    assert f'<iframe sandbox data-src="/doc/{rid}/original"' in page
    assert f'href="/doc/{rid}/original" target="_blank"' in page


def test_hostile_page_text_is_shown_as_text(ingested):
    rid = hit_ids(ingested)["韶关市教育局2021年信息化工作总结"]
    page = ingested.get(f"/doc/{rid}?q=onerror").get_data(as_text=True)
    assert "&lt;script&gt;alert(&quot;payload&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x <mark>onerror</mark>=alert(2)&gt;" in page
    assert "pwned" not in page and "<img src" not in page


def test_also_published_at_lists_the_same_report_elsewhere(ingested):
    ids = hit_ids(ingested)
    assert len(ids) == 3  # the two 阳江 copies share a title
    data = ingested.get("/api/search", query_string={"q": "阳江市教育局2019年工作总结"}).get_json()
    portal, forum = sorted(data["hits"], key=lambda h: h["source_url"] is None)
    page = ingested.get(f"/doc/{portal['id']}").get_data(as_text=True)
    similar = re.search(r'<section class="similar">.*?</section>', page, re.DOTALL).group(0)
    assert f'data-id="{forum["id"]}"' in similar and "discuz_x3" in similar
    assert ids["沧州市教育局2018年工作总结"] not in similar
    other = ingested.get(f"/doc/{ids['沧州市教育局2018年工作总结']}").get_data(as_text=True)
    assert '<section class="similar">' not in other


def test_near_duplicate_measures():
    from index.similar import bigrams, distinctive_sentences, jaccard

    assert bigrams("大班额，清零") == bigrams("大 班 额, 清 零") == {"大班", "班额", "额清", "清零"}
    assert jaccard({"ab", "bc"}, {"ab", "bc"}) == 1.0 and jaccard({"ab"}, {"cd"}) == 0.0
    picked = distinctive_sentences(YANGJIANG_2019, count=2)
    assert len(picked) == 2 and all(len(s) >= 14 for s in picked)
    assert "一、学前教育" not in picked


# ---------------------------------------------------------------- ingest from the browser
def csrf(client) -> str:
    page = client.get("/ingest").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def upload(client, files: list[tuple[str, bytes]], token: str, **kw):
    data = {"csrf_token": token, "files": [(io.BytesIO(b), name) for name, b in files]}
    return client.post("/ingest", data=data, content_type="multipart/form-data", **kw)


def wait_for_job(client, status_url: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(status_url).get_json()
        if job["finished"]:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job still running after {timeout} s: {job}")


def test_upload_ingests_in_the_background_with_per_file_results(client):
    files = [("阳春.html", portal_page("阳春市教育局2020年工作总结", [
                  "2020年，阳春市新增学位4100个，完成春湾镇中心小学扩建。"],
                  issuer="阳春市教育局", date="2021-01-08", url="http://www.example.gov.cn/a")),
             ("论坛.htm", forum_page("阳西县2020年教育工作回顾", [
                  "阳西县2020年完成织篢镇幼儿园建设，学前教育毛入园率达到95%。"], posted="2021-2-1 09:00:00")),
             ("broken.zip", b"this is not a zip archive")]
    response = upload(client, files, csrf(client))
    assert response.status_code == 303
    job_url = response.headers["Location"]
    job_id = job_url.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", job_id) and "html" not in job_id
    assert client.get(job_url).status_code == 200
    job = wait_for_job(client, f"/api/jobs/{job_id}")
    assert job["state"] == "done" and job["files_done"] == 3
    assert job["counts"] == {"ingested": 2, "duplicate": 0, "failed": 1}
    by_path = {r["path"]: r for r in job["results"]}
    assert by_path["阳春.html"]["status"] == "ingested" and by_path["阳春.html"]["id"]
    assert "zip" in by_path["broken.zip"]["reason"]
    assert hit_ids(client, q="春湾镇") == {"阳春市教育局2020年工作总结": by_path["阳春.html"]["id"]}
    page = client.get(job_url).get_data(as_text=True)
    assert '<tr class="status-failed"><td class="path">broken.zip</td>' in page
    newer = client.get(f"/api/jobs/{job_id}?since=2").get_json()
    assert newer["results_total"] == 3 and newer["results"] == job["results"][2:]
    again = upload(client, files[:1], csrf(client), headers={"Accept": "application/json"})
    assert again.status_code == 202
    assert wait_for_job(client, again.get_json()["status"])["counts"]["duplicate"] == 1


def test_upload_over_the_size_limit_is_refused_with_a_message(store, data_dir):
    app = create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False,
                      "MAX_CONTENT_LENGTH": 2 * 1024 * 1024})
    client = app.test_client()
    big = [("big.html", b"<p>" + b"x" * (3 * 1024 * 1024) + b"</p>")]
    response = upload(client, big, csrf(client))
    assert response.status_code == 413
    assert "上传的文件太大" in response.get_data(as_text=True) and "2 MB" in response.get_data(as_text=True)
    as_json = upload(client, big, csrf(client), headers={"Accept": "application/json"})
    assert as_json.status_code == 413 and "2 MB" in as_json.get_json()["error"]


def test_upload_needs_the_form_token(client):
    files = [("a.html", b"<p>x</p>")]
    assert upload(client, files, "").status_code == 403
    token = csrf(client)
    assert upload(client, files, token[:-2] + "xx").status_code == 403
    refused = upload(client, files, "forged")
    assert "表单已过期或来自其他网站" in refused.get_data(as_text=True)


def test_upload_from_another_site_is_refused_even_with_a_token(client):
    token = csrf(client)
    files = [("a.html", b"<p>x</p>")]
    assert upload(client, files, token, headers={"Origin": "http://evil.example"}).status_code == 403
    assert upload(client, files, token, headers={"Origin": "null"}).status_code == 403
    assert upload(client, files, token,
                  headers={"Referer": "http://evil.example/page"}).status_code == 403
    ok = upload(client, [], token, headers={"Origin": "http://localhost"})
    assert ok.status_code == 400  # past the CSRF check; no file chosen
    assert "没有选择文件" in ok.get_data(as_text=True)


@pytest.mark.parametrize("job_id", ["nope", "../../etc/passwd", "A" * 32, "a.html"])
def test_unknown_or_hostile_job_ids_are_404(client, job_id):
    assert client.get(f"/ingest/jobs/{job_id}").status_code == 404
    response = client.get(f"/api/jobs/{job_id}")
    assert response.status_code == 404 and response.get_json()["error"]


# ---------------------------------------------------------------- export
def test_export_csv_of_the_current_results(client):
    response = client.get("/export.csv?q=大班额")
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="reports-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["title"] for r in rows] == [h for h in hit_ids(client, q="大班额")]
    first = next(r for r in rows if r["title"] == "阳江市教育局2019年工作总结")
    assert first["region"] == "广东省 阳江市" and first["region_code"] == "441700"
    assert first["report_years"] == "2019" and first["publish_date"] == "2020-12-07"
    assert first["permalink"] == f"http://localhost/doc/{first['id']}"
    assert first["passages"] == "消除大班额工作取得进展。"


def test_export_jsonl_with_filters(client):
    response = client.get("/export.jsonl?region=广东省&sort=oldest")
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [r["title"] for r in rows] == ["阳东区教育局2016年工作计划", "阳江市教育局2019年工作总结"]
    assert set(rows[0]) == {"id", "title", "issuer", "region", "region_code", "report_years",
                            "plan_years", "publish_date", "written_date", "source_url",
                            "permalink", "passages"}
    matched = client.get("/export.jsonl?q=大班额").get_data(as_text=True).splitlines()
    passage = json.loads(matched[0])["passages"][0]
    assert passage["url"].startswith("http://localhost/doc/") and "#p-" in passage["url"]


def test_export_loads_reports_a_chunk_at_a_time(store, data_dir, monkeypatch):
    add_reports(store, data_dir, [make_report(f"第{i}号报告", [f"共同词 第{i}段。"],
                                              publish_date=f"2020-01-{i + 1:02d}")
                                  for i in range(7)])
    app = create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False, "EXPORT_CHUNK": 3})
    catalogue, loads = app.extensions["archive"].store, []
    real = catalogue.get_many
    monkeypatch.setattr(catalogue, "get_many", lambda ids: loads.append(len(ids)) or real(ids))
    response = app.test_client().get("/export.jsonl?q=共同词&sort=oldest")
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [r["title"] for r in rows] == [f"第{i}号报告" for i in range(7)]
    assert loads == [3, 3, 1]


def test_export_stops_at_the_row_limit_and_says_so(client, app):
    app.config["EXPORT_MAX_ROWS"] = 2
    response = client.get("/export.jsonl")
    assert len(response.get_data(as_text=True).splitlines()) == 2
    assert (response.headers["X-Total-Count"], response.headers["X-Export-Rows"]) == ("3", "2")


def test_export_neutralises_spreadsheet_formulas(store, data_dir):
    add_reports(store, data_dir, [make_report('=HYPERLINK("http://evil","点")', ["公式。"])])
    client = create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False}).test_client()
    rows = list(csv.reader(io.StringIO(client.get("/export.csv").get_data(as_text=True))))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\",\"点\")"


# ---------------------------------------------------------------- browse
def test_browse_counts_by_province_and_year(client):
    page = client.get("/browse").get_data(as_text=True)
    row = re.search(r"<tr><th scope=\"row\"><a href=\"([^\"]+)\">广东省</a></th>.*?</tr>", page, re.DOTALL)
    assert row and row.group(1) == "/?region=%E5%B9%BF%E4%B8%9C%E7%9C%81"
    assert '<a href="/?region=%E5%B9%BF%E4%B8%9C%E7%9C%81&amp;year=2016">1</a>' in row.group(0)
    assert "/?region=%E6%B2%B3%E5%8C%97%E7%9C%81&amp;year=2018" in page
    recent = re.search(r'<ol class="recent">.*?</ol>', page, re.DOTALL).group(0)
    assert recent.index("阳东区教育局2016年工作计划") < recent.index("阳江市教育局2019年工作总结")


def test_reports_the_index_lacks_are_indexed_when_the_app_starts(store, data_dir):
    """After a schema change (or an ingest killed before indexing) the catalogue holds
    reports the index lacks; the app indexes them in the background, one writer at a time."""
    report = make_report("清远市2021年工作总结", ["连南县完成瑶族村寨保护修缮。"])
    store.add(report, "html")
    app = create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False})
    state = app.extensions["archive"]
    state.index_thread.join(timeout=60)
    assert not state.indexing
    assert hit_ids(app.test_client(), q="瑶族村寨") == {"清远市2021年工作总结": report.id}
    assert create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False}).extensions["archive"].index_thread is None


# ---------------------------------------------------------------- errors, language, safety
@pytest.mark.parametrize("path", ["/doc/{}", "/doc/{}/cite.bib", "/doc/{}/cite.json",
                                  "/doc/{}/original", "/api/doc/{}"])
@pytest.mark.parametrize("rid", ["..%2f..%2fetc%2fpasswd", "ABCDEF012345", "0" * 12, "x" * 70])
def test_every_report_route_refuses_unknown_or_hostile_ids(client, path, rid):
    assert client.get(path.format(rid)).status_code == 404


def test_original_of_a_report_without_a_stored_file_is_404(client):
    rid = hit_ids(client)["沧州市2018年工作汇报"]  # hand-built: no original on disk
    assert client.get(f"/doc/{rid}/original").status_code == 404


def test_not_found_is_a_page_for_people_and_json_for_the_api(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "没有这个页面或报告" in page.get_data(as_text=True)
    assert client.get("/api/nothing").get_json()["status"] == 404
    assert client.get("/no/such", headers={"Accept": "application/json"}).is_json


def test_chinese_by_default_english_on_request_and_remembered(client):
    assert "搜索" in client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en")
    assert 'lang="en"' in english.get_data(as_text=True) and ">Search</button>" in english.get_data(as_text=True)
    assert "lang=en" in english.headers["Set-Cookie"]
    assert ">Browse</a>" in client.get("/browse").get_data(as_text=True)  # the cookie holds
    assert ">搜索</button>" in client.get("/?lang=zh").get_data(as_text=True)
    assert ">搜索</button>" in client.get("/?lang=xx").get_data(as_text=True)


def test_language_switch_keeps_the_search(client):
    page = client.get("/?q=学前&region=广东省").get_data(as_text=True)
    assert 'href="/?q=%E5%AD%A6%E5%89%8D&amp;region=%E5%B9%BF%E4%B8%9C%E7%9C%81&amp;lang=en"' in page


def test_labels_exist_in_both_languages():
    from webapp.i18n import labels, translate

    assert all(set(texts) >= {"zh", "en"} for texts in labels().values())
    assert translate("ingest_limit", "en", mb=64) == "At most 64 MB per upload."
    assert translate("no_such_label", "zh") == "no_such_label"


@pytest.mark.parametrize("path", ["/", "/?q=大班额 火星", "/help", "/browse", "/ingest", "/nope"])
def test_pages_carry_no_inline_script_style_or_handlers(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"<[^<>]*\sstyle=", page) and "<style" not in page
    assert not re.search(r"<[^<>]*\son[a-z]+=", page)


def test_report_page_carries_no_inline_script_or_style(client):
    rid = hit_ids(client)["阳江市教育局2019年工作总结"]
    page = client.get(f"/doc/{rid}?q=入园").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"<[^<>]*\sstyle=", page) and not re.search(r"<[^<>]*\son[a-z]+=", page)


# ---------------------------------------------------------------- pure helpers
def test_region_links_drill_down_and_up():
    from webapp.links import toggle_region

    state = [("q", "学前"), ("region", "广东省")]
    assert toggle_region(state, "广东省/阳江市") == [("q", "学前"), ("region", "广东省/阳江市")]
    assert toggle_region([("region", "广东省/阳江市")], "广东省") == [("region", "广东省")]
    assert toggle_region([("region", "广东省"), ("region", "河北省")], "广东省") == [("region", "河北省")]


def test_histogram_fills_gaps_and_marks_selected_years():
    from webapp.histogram import year_histogram

    h = year_histogram([("2019", 4), ("2016", 2), ("1066", 9), ("abc", 1)], [("year", "2015-2016")])
    assert [b.year for b in h.bars] == [2016, 2017, 2018, 2019]
    assert [b.url is None for b in h.bars] == [False, True, True, False]
    assert h.bars[3].height == 60 and h.bars[0].height == 30
    assert [b.selected for b in h.bars] == [True, False, False, False]
    assert year_histogram([], []) is None


def test_outline_levels_and_heading_text():
    from webapp.outline import outline

    paragraphs = ["二、主要工作", "（一）学前教育。全市新建幼儿园12所，新增学位3600个，毛入园率达到96.8%。",
                  "1.5亿元用于改善办学条件。", "2.推进集团化办学", "第三部分 工作打算",
                  "一、" + "长" * 60]
    headings = outline(paragraphs, [f"p{i}" for i in range(6)])
    assert [(h.pid, h.level, h.text) for h in headings] == [
        ("p0", 1, "二、主要工作"), ("p1", 2, "（一）学前教育"), ("p3", 3, "2.推进集团化办学"),
        ("p4", 1, "第三部分 工作打算")]
