"""Publish dates a page shows in its byline, not in teasers, comments or footers."""
from archive.htmltext import clean_tree, parse_html
from archive.page_meta import byline_date, read_meta

PROSE = "本报讯 今年以来，全市新建社区图书室十二个，居民借阅量同比增长三成。"


def meta_of(html: str):
    root = parse_html(html)
    clean_tree(root, drop_hidden=False)
    return read_meta(root, None, {})


def _page(byline: str, between: int = 12) -> str:
    nav = "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(between))
    return f"""<html><head><title>社区图书室建设提速_新闻中心</title></head><body>
    <div class="top">2024年5月20日 星期一</div><h1>社区图书室建设提速</h1><ul class="menu">{nav}</ul>
    <div class="info">{byline}</div><div class="text"><p>{PROSE}</p></div>
    <ul class="list"><li>· 老城区改造启动 （2005-04-03 17:19PM）</li></ul>
    <div class="cmt"># re: 社区图书室建设提速 2005-04-09 10:02 读者甲</div>
    <div class="footer">CopyRight©2004-2008 版权所有</div></body></html>"""


def test_byline_with_time_and_source_far_below_the_title_is_the_publish_date():
    meta = meta_of(_page("2005-04-05 06:40更新 来源：晚报 发表评论"))
    assert meta.publish_date == "2005-04-05"
    assert meta.sources["publish_date"].startswith("byline date")


def test_a_date_on_a_line_of_its_own_is_a_byline():
    assert meta_of(_page("2005年1月2日")).publish_date == "2005-01-02"


def test_teaser_comment_clock_and_footer_dates_are_not_the_publish_date():
    assert meta_of(_page("钱江晚报")).publish_date is None


def test_sidebar_month_archives_are_no_byline():
    lines = ["博客标题", "2005年9月 (1)", "2005年7月 (1)", "12/01/2004 - 01/01/2005"]
    assert byline_date(lines, "博客标题") is None


def test_label_cells_are_found_with_padding_zero_width_spaces_and_nested_markup():
    from archive.page_meta import cell_fields
    labels = {"索引号": "index_number", "发布机构": "issuer", "成文日期": "written_date"}
    data = "".join(f"<tr><td>{i}</td><td>{i * 3}</td></tr>" for i in range(50))
    root = parse_html(f"""<html><body><table>{data}</table><table>
    <tr><td>索 引 号：</td><td>000014349/2024-00012</td></tr>
    <tr><th><span>发布\u200b机构</span>：</th><td>市教育局</td></tr>
    <tr><td>成文日期</td><td>2024年03月05日</td></tr>
    <tr><td>公开方式</td><td>主动公开</td></tr></table></body></html>""")
    found = {label: value for label, value, _ in cell_fields(root, labels)}
    assert found == {"索引号": "000014349/2024-00012", "发布机构": "市教育局", "成文日期": "2024年03月05日"}
