"""The generic DOM-scoring extractor and its HTML helpers."""
from archive.generic import extract_main
from archive.htmltext import (
    block_paragraphs,
    clean_tree,
    dedupe,
    is_control_line,
    norm_space,
    parse_html,
)


def main_of(html: str):
    root = parse_html(html)
    clean_tree(root)
    return extract_main(root.find("body"))


PROSE = "本学期学校开展了阅读推广活动，每个班级都建立了图书角，学生平均每月读书两本以上。"


def test_block_elements_and_br_become_paragraphs_and_whitespace_is_normalised():
    root = parse_html("<div>　　第一段<b>加粗</b>文字<br><br>\n第二段 \u00a0 文字<p>　第三段</p><span> </span></div>")
    assert block_paragraphs(root.find(".//div")) == ["第一段加粗文字", "第二段 文字", "第三段"]


def test_norm_space_strips_ideographic_space_and_keeps_characters():
    assert norm_space("\u3000\u3000全角，ＡＢＣ\xa0半角 ") == "全角，ＡＢＣ 半角"


def test_article_container_wins_over_navigation_and_link_lists():
    html = f"""<html><body>
    <div class="nav"><a href="/">首页</a><a href="/a">新闻中心</a><a href="/b">通知公告</a><a href="/c">政策法规</a></div>
    <div class="content"><p>{PROSE}</p><p>{PROSE[::-1]}</p><p>图书角的书由家长和学校共同捐赠，学生轮流管理。</p></div>
    <div class="links"><ul><li><a href="/1">友情链接一号网站</a></li><li><a href="/2">友情链接二号网站</a></li></ul></div>
    <div class="footer">版权所有 © 2024 示例学校</div></body></html>"""
    main = main_of(html)
    assert main.paragraphs[0] == PROSE
    assert main.paragraphs[-1] == "图书角的书由家长和学校共同捐赠，学生轮流管理。"
    assert main.mode == "article"
    assert not any("友情链接" in p or "首页" in p for p in main.paragraphs)


def test_repeated_post_blocks_are_read_as_one_thread_in_order():
    posts = "".join(
        f'<div class="reply-item"><div class="user"><a href="/u/{i}">用户{i}</a></div>'
        f'<div class="reply-text">第{i}楼：{PROSE[: 20 + i * 5]}</div><div class="ops"><a>回复</a> <a>举报</a></div></div>'
        for i in range(1, 5)
    )
    html = f'<html><body><div class="header"><a href="/">论坛首页</a></div><div class="replies">{posts}</div></body></html>'
    main = main_of(html)
    texts = [p for p in main.paragraphs if p.startswith("第")]
    assert [t[:3] for t in texts] == ["第1楼", "第2楼", "第3楼", "第4楼"]
    assert main.mode == "thread"
    assert not any(p in ("回复 举报", "回复", "举报") for p in main.paragraphs)


def test_hidden_copy_is_dropped_and_repeats_are_deduplicated():
    html = f"""<html><body><div class="article"><p>{PROSE}</p><p>{PROSE[::-1]}</p></div>
    <div class="m-article" style="display: none"><p>{PROSE}</p><p>{PROSE[::-1]}</p></div></body></html>"""
    main = main_of(html)
    assert main.paragraphs == [PROSE, PROSE[::-1]]
    dropped = []
    assert dedupe(["一二三四五六七八九十", "短句", "一二三四五六七八九十", "短句"], dropped) == ["一二三四五六七八九十", "短句", "短句"]
    assert dropped[0].reason == "duplicate paragraph"


def test_control_lines_are_recognised():
    for line in ("回复", "使用道具 举报", "只看该作者", "【打印本页】 【关闭窗口】", "12#", "分享到：微信 微博"):
        assert is_control_line(line), line
    for line in ("回复群众来信三件。", "举报电话：12345", PROSE):
        assert not is_control_line(line), line


def test_page_without_text_gives_no_paragraphs():
    assert main_of("<html><body><div><a href='/'>首页</a></div></body></html>").paragraphs == []


COMMENTED = f"""<html><body>
<div class="topic"><h1>周末去哪里读书</h1><div class="topic-content"><p>{PROSE}</p><p>大家周末一般去哪里看书？图书馆还是咖啡馆？</p></div></div>
<div class="comment-list">
<div class="comment-item"><a href="/u/1">读者甲</a><div class="comment-text">我一般去区图书馆，安静而且免费，周末人也不算太多。</div></div>
<div class="comment-item"><a href="/u/2">读者乙</a><div class="comment-text">咖啡馆更自在一些，不过要点一杯饮料才好意思久坐。</div></div>
</div></body></html>"""


def test_comments_under_an_article_are_dropped():
    main = main_of(COMMENTED)
    text = "\\n".join(main.paragraphs)
    assert PROSE in text
    assert "区图书馆" not in text and "咖啡馆更自在" not in text


def test_replies_on_a_discussion_page_are_kept_in_order():
    root = parse_html(COMMENTED)
    clean_tree(root)
    main = extract_main(root.find("body"), url="https://bbs.example.org/topic/42")
    text = "\\n".join(main.paragraphs)
    assert text.index(PROSE) < text.index("区图书馆") < text.index("咖啡馆更自在")
    assert main.mode == "thread"


def test_link_lines_and_related_headings_inside_the_article_are_dropped():
    html = f"""<html><body><div class="article"><p>{PROSE}</p><p>{PROSE[::-1]}</p>
    相关报道：<br>·<a href="/1">某地举办读书节活动</a>（2005-04-27）<br>·<a href="/2">图书馆新馆开放</a>（2005-04-26）<br></div></body></html>"""
    main = main_of(html)
    assert main.paragraphs == [PROSE, PROSE[::-1]]
    assert {d.reason.split(" (")[0] for d in main.dropped} >= {"link line", "heading of a link list"}
