"""Pages listing many entries: the headline, or else the first entry, names the page's text."""
from archive.generic import extract_main
from archive.htmltext import clean_tree, parse_html

POST = "今天去了{0}，{1}。路上车不多，天气也好，我们在那里待了整整一个下午，拍了很多照片，回来的时候已经天黑了。"


def main_of(html: str, title: str | None = None):
    root = parse_html(html)
    clean_tree(root)
    return extract_main(root.find("body"), title=title)


def blog_entry(title: str, place: str, detail: str, repeat: int) -> str:
    return f"""<div class="entry"><div class="entry-title">{title}</div><div class="entry-date">2005-03-21</div>
    <div class="entry-body">{POST.format(place, detail) * repeat}</div>
    <div class="entry-foot"><a href="/c/1">评论(2)</a> <a href="/r/1">阅读(35)</a></div></div>"""


BLOG_INDEX = f"""<html><body><div class="blog-name"><a href="/">海边的博客</a></div>
<div class="posts">
{blog_entry("去金矿小镇", "金矿小镇", "看了淘金表演", 1)}
{blog_entry("长发剪了", "理发店", "把长发剪短了", 2)}
{blog_entry("元宵节节目", "电台", "录了元宵节的节目", 6)}
</div><div class="footer">版权所有</div></body></html>"""


def test_a_blog_index_without_a_matching_headline_gives_its_first_post():
    main = main_of(BLOG_INDEX, title="海边的博客")
    text = "\n".join(main.paragraphs)
    assert "金矿小镇" in text
    assert "理发店" not in text and "元宵节" not in text


def test_a_blog_index_whose_headline_names_a_post_gives_that_post():
    main = main_of(BLOG_INDEX, title="长发剪了")
    text = "\n".join(main.paragraphs)
    assert "理发店" in text
    assert "金矿小镇" not in text and "元宵节" not in text


ARTICLE = "调查显示，本月企业信心保持稳定，但原材料、人工和电费等成本上升正在压缩利润。"
TEASER = '<li class="stream-item"><div class="item"><a href="/n/{0}">{1}</a><p>{2}</p></div></li>'
STREAM = "，".join(["最新影片热映以后好评如潮"] * 4) + "。不少人建议把片中的场景复刻成旅游景点，吸引更多游客。"


def test_the_text_under_the_headline_beats_a_longer_news_stream():
    teasers = "".join(TEASER.format(i, f"其他新闻标题第{i}条", STREAM) for i in range(6))
    html = f"""<html><body><div class="article"><div class="title-wrapper"><h1>企业信心保持稳定</h1></div>
    <div class="byline">路透 2024年5月20日</div><div class="body"><p>{ARTICLE}</p></div></div>
    <div class="more-stories"><ul class="stream">{teasers}</ul></div></body></html>"""
    main = main_of(html, title="企业信心保持稳定")
    assert main.paragraphs == [ARTICLE]


def test_layout_table_rows_are_not_a_list_of_entries():
    body, more = ARTICLE * 8, STREAM * 3
    html = f"""<html><body><table class="layout">
    <tr><td class="cell"><p class="title">耐用消费品的价格调查</p><p>2004-12-10 11:55:08 来源：本报商业报道组 记者 王明</p></td></tr>
    <tr><td class="cell"><p>导读：消费品价格调查显示成本上升。</p></td></tr>
    <tr><td class="cell"><p>{body}</p><p>{more}</p></td></tr>
    <tr><td class="cell"><p><a href="/p">打印本页</a> <a href="/c">关闭窗口</a></p></td></tr>
    </table></body></html>"""
    main = main_of(html, title="耐用消费品的价格调查")
    assert main.paragraphs[:2] == [body, more]
