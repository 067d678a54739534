"""The generic DOM-scoring extractor and its HTML helpers."""
from archive.generic import extract_main
from archive.htmltext import (
    block_paragraphs,
    clean_tree,
    dedupe,
    is_control_line,
    names_a_file,
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


def test_a_term_inside_a_sentence_stays_whatever_its_class_or_link():
    html = f"""<html><body><div class="content">
    <p>台湾地处<span class="nolink">太平洋火环</span>和<span><a href="/s?q=1">菲律宾海板块</a></span>的西部边缘，断层众多。</p>
    <p>{PROSE}</p></div></body></html>"""
    main = main_of(html)
    assert main.paragraphs[0] == "台湾地处太平洋火环和菲律宾海板块的西部边缘，断层众多。"


def test_video_player_controls_are_dropped_and_the_story_kept():
    html = f"""<html><body><div class="article-content">
    <div class="video-box"><div class="player-control">00:00 / 01:45 倍速 2.0X 1.5X 1.0X 高清 标清 循环播放</div>
    <div class="error">很抱歉，当前视频播放失败</div></div>
    <p>{PROSE}</p><p>{PROSE[::-1]}</p></div></body></html>"""
    main = main_of(html)
    assert main.paragraphs == [PROSE, PROSE[::-1]]


def _comment(user: str, text: str, when: str) -> str:
    # deep wrappers as single-page apps render them: the text sits eight levels down
    return f"""<li class="list-item"><div class="item-main"><div class="comment-item"><div class="thing">
    <div class="thing-main"><div class="thing-header"><a class="user-link" href="/u/{user}">{user}</a></div>
    <div class="thing-desc"><div class="wrap"><div class="inner"><span class="comment-text">{text}</span></div></div></div>
    <div class="thing-footer"><span class="time-item">{when}</span></div></div></div></div></div></li>"""


COMMENTS = [
    "我觉得端到端加密对普通人来说可有可无，真正需要的是少数人。",
    "同意楼上的看法，不过多一层保护总归不是坏事，成本也不高。",
    "这个工具我用过，界面简洁，同步速度也很快，推荐大家试试。",
]


def test_deeply_nested_replies_form_a_thread_with_the_opening_post_before_them():
    post = _comment("op", "发现一个端到端加密的聊天和文件共享工具，挺有意思，大家怎么看？", "2023-07-06 23:12")
    replies = "".join(_comment(f"u{i}", text, f"2023-07-07 0{i}:00") for i, text in enumerate(COMMENTS))
    html = f"""<html><body><div class="nav"><a href="/">广场</a><a href="/t">话题</a></div>
    <ul class="list">{post}<li class="list-item"><div class="item-main">登录后查看更多</div></li>
    <div><div>{replies}</div></div></ul></body></html>"""
    root = parse_html(html)
    clean_tree(root)
    main = extract_main(root.find("body"), url="https://example.net/#/post?id=1")
    text = "\n".join(main.paragraphs)
    assert main.mode == "thread"
    assert text.index("发现一个端到端加密") < text.index(COMMENTS[0])
    assert all(c in text for c in COMMENTS)


def test_page_columns_with_numbered_grid_classes_are_not_a_thread():
    html = f"""<html><body><div class="row">
    <div class="col col-18"><div class="post"><h1>标题</h1><div class="body"><p>{PROSE}</p><p>{PROSE[::-1]}</p></div></div></div>
    <div class="col col-6"><div class="box"><h3>随机话题</h3><ul class="items"><li><span>大运会场馆分布，一点赞零评论。</span></li></ul></div></div>
    </div></body></html>"""
    main = main_of(html)
    assert "大运会场馆分布，一点赞零评论。" not in main.paragraphs
    assert PROSE in main.paragraphs


def test_a_thread_starts_with_its_subject_line():
    html = f"""<html><body><h1>简历无法下载怎么办</h1><div class="topic"><p>{PROSE}</p></div>
    <div class="replies"><div class="reply"><p>已经优化了下载体验，请再试一次。</p></div>
    <div class="reply"><p>现在确实可以下载了，感谢管理员的及时处理。</p></div></div></body></html>"""
    root = parse_html(html)
    clean_tree(root)
    main = extract_main(root.find("body"), url="https://example.org/faq/1312", title="简历无法下载怎么办")
    assert main.paragraphs[0] == "简历无法下载怎么办"
    assert main.paragraphs.count("简历无法下载怎么办") == 1


def test_byline_leftovers_with_dangling_separators_are_control_lines():
    for line in ("| 扫地 |", "1 |", "|", "｜ 管理员"):
        assert is_control_line(line), line
    for line in ("| 名称 | 数量 | 单价 |", "收入 | 支出：全年收支基本平衡。"):
        assert not is_control_line(line), line


ANSWERS = """<html><body><h1>打印机连不上无线网络</h1>
<div class="question"><p>家里的打印机突然连不上无线网络了，重启路由器也没有用，怎么办？</p></div>
<div class="comment-list">
<div class="comment-item"><div class="comment-user"><span class="user-name">阿明</span><span class="sep">|</span><span>版主</span><span class="sep">|</span><span class="comment-time">3天前</span></div>
<div class="comment-detail"><p>先把打印机恢复出厂网络设置，再用手机助手重新配网。</p></div><div class="comment-action"><span>2</span><span class="sep">|</span></div></div>
<div class="comment-item"><div class="comment-user"><span class="user-name">小周</span><span class="sep">|</span><span class="comment-time">2天前</span></div>
<div class="comment-detail"><p>试过了，按说明重新配网以后就能打印了，谢谢。</p></div><div class="comment-action"><span class="sep">|</span></div></div>
</div></body></html>"""


def test_answer_bylines_with_user_names_and_separators_are_dropped():
    root = parse_html(ANSWERS)
    clean_tree(root)
    main = extract_main(root.find("body"), url="https://ask.example.org/question/7", title="打印机连不上无线网络")
    text = "\n".join(main.paragraphs)
    assert text.index("恢复出厂网络设置") < text.index("按说明重新配网")
    for noise in ("阿明", "小周", "版主", "|"):
        assert noise not in text, noise


TECH_ARTICLE = f"""<html><body><h1>用脚本批量重命名照片</h1>
<div class="article-body markdown-body"><p>{PROSE}</p><p>下面的脚本按拍摄日期给照片改名，旧文件名保存在日志里，方便回退。</p></div>
<div class="comments" id="comments">
<div class="comment"><a class="author" href="/u/1">阿飞</a><div class="comment-body markdown-reply"><p>Windows 下也可以用一行命令完成，不用另外安装工具：</p><pre><code>ren *.jpeg *.jpg</code></pre></div></div>
<div class="comment"><a class="author" href="/u/2">老唐</a><div class="comment-body markdown-reply"><p>日志文件建议加上时间戳，否则重复运行会覆盖。</p></div></div>
</div></body></html>"""


def test_replies_written_in_markdown_are_content_whatever_the_url():
    root = parse_html(TECH_ARTICLE)
    clean_tree(root)
    main = extract_main(root.find("body"), url="https://dev.example.org/articles/12", title="用脚本批量重命名照片")
    text = "\n".join(main.paragraphs)
    assert text.index("按拍摄日期给照片改名") < text.index("ren *.jpeg *.jpg") < text.index("日志文件建议加上时间戳")


SHORT_POST = """<html><body>
<div class="header"><a href="/">首页</a><a href="/section">板块</a><a href="/login">登录</a></div>
<div class="left-column"><div class="post-title"><div class="title">二〇二三年预算公开表格</div></div>
<div class="post-author"><span>财务小王</span><span>2023.03.11 10:51</span><span>发布于</span><a href="/section/3">资料下载</a><span>540</span></div>
<div class="rich-text post-content"><p>本年度的预算表</p><p><a href="/download?id=397">二〇二三年预算公开表.xlsx 1.2MB</a></p></div>
<div class="detail-actions"><span>收藏</span><span>分享</span><span>手机查看</span></div></div>
</body></html>"""


def test_a_post_with_almost_no_prose_is_read_from_its_body_block_with_the_attachment():
    root = parse_html(SHORT_POST)
    clean_tree(root)
    main = extract_main(root.find("body"), title="二〇二三年预算公开表格")
    assert main.paragraphs == ["本年度的预算表", "二〇二三年预算公开表.xlsx 1.2MB"]


def test_file_names_are_attachments_not_link_lines():
    assert names_a_file("商标审查标准.pdf 10.12MB")
    assert names_a_file("附件：实施细则.docx")
    assert not names_a_file("更多信息请访问 example.org 首页")


def test_zero_width_spaces_count_as_spaces_and_previews_read_only_the_head():
    from archive.htmltext import preview_of, visible_head, visible_text

    assert norm_space("\ufeff标题\u200b\u200b正文 ") == "标题 正文"
    root = parse_html("<div><p>开头\u3000一段</p>" + "<p>很长的正文。</p>" * 500 + "</div>")
    div = root.find(".//div")
    whole = visible_text(div)
    assert whole.startswith(visible_head(div, 40)) and 40 < len(visible_head(div, 40)) < len(whole)
    assert preview_of(div) == whole[:39] + "…"
    assert visible_head(root.find(".//p"), 40) == "开头 一段"
