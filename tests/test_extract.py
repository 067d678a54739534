"""extract_page on one page per site-config family, the text dumps and odd input."""
from pathlib import Path

import pytest

from archive.explain import explain_page
from archive.extract import extract_page

PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def joined(result) -> str:
    return "\n".join(result.paragraphs)


CONTROLS = ("只看该作者", "举报", "使用道具", "倒序浏览", "回复", "引用", "TOP")


def assert_no_controls(text: str) -> None:
    for word in CONTROLS:
        assert word not in text, word


# ---------------------------------------------------------------- forums

def test_discuz_x3_keeps_every_post_in_order_without_panels_signatures_or_ads():
    result = extract_page(page("discuz_x3_thread.html"))
    text = joined(result)
    assert result.site_config == "discuz_x3"
    first = text.index("今年县里计划把三所村小并入镇中心小学")
    second = text.index("我们镇前年就并了")
    third = text.index("并校要配套寄宿管理和心理辅导")
    assert first < second < third
    assert "山间老师 2020-3-5 09:12:44" in result.paragraphs
    for noise in ("签名", "暑期辅导班", "热门网页游戏", "积分", "中级会员", "本帖最后由", "GMT+8"):
        assert noise not in text, noise
    assert_no_controls(text)
    assert result.title == "关于村小并校的讨论"
    assert result.publish_date == "2020-03-05"
    assert result.url == "http://bbs.example.org/thread-77-1-1.html"


def test_discuz_7_thread_keeps_both_posts_without_profile_or_signature():
    result = extract_page(page("discuz7_thread.html"))
    text = joined(result)
    assert result.site_config == "discuz_7"
    assert text.index("这次培训为期五天") < text.index("观察记录确实好用")
    for noise in ("UID", "签名", "只看该作者", "积分", "TOP", "中级会员"):
        assert noise not in text, noise
    assert result.publish_date == "2011-05-12"


def test_discuz_archiver_page_reads_all_posts():
    result = extract_page(page("discuz_archiver.html"))
    text = joined(result)
    assert result.site_config == "discuz_archiver"
    assert text.index("开学前我们对全镇十二辆校车") < text.index("收到，我校的一辆车已经送修")
    assert "查看完整版本" not in text and "Powered by" not in text
    assert result.title == "校车安全检查通报"


def test_phpwind_thread_keeps_posts_without_signature_or_controls():
    result = extract_page(page("phpwind_thread.html"))
    text = joined(result)
    assert result.site_config == "phpwind"
    assert text.index("居民捐书八百多册") < text.index("建议再加一个儿童绘本专区")
    assert "签名" not in text and "发帖" not in text and "级别" not in text
    assert_no_controls(text)
    assert result.title == "社区图书角建设经验交流"
    assert result.publish_date == "2015-06-01"


def test_tieba_thread_keeps_floors_in_order_with_author_and_time():
    result = extract_page(page("tieba_thread.html"), url="https://tieba.baidu.com/p/123")
    text = joined(result)
    assert result.site_config == "tieba"
    assert text.index("老家的小学就不招一年级了") < text.index("镇中心小学新建了宿舍楼")
    assert "山里人 2021-04-26 14:58" in result.paragraphs
    assert "初级粉丝" not in text and "举报" not in text
    assert result.title == "老家的小学要撤并了"
    assert result.publish_date == "2021-04-26"


# ---------------------------------------------------------------- government CMS

def test_trs_wcm_article_uses_meta_title_and_date_and_drops_chrome():
    result = extract_page(page("trs_wcm_article.html"))
    text = joined(result)
    assert result.site_config == "trs_wcm"
    assert result.paragraphs[0].startswith("8月24日，示例市教育局召开")
    for noise in ("当前位置", "打印本页", "相关链接", "主办单位", "长者模式", "字体"):
        assert noise not in text, noise
    assert result.title == "示例市教育局召开2022年秋季开学工作会议"
    assert result.publish_date == "2022-08-25"
    assert result.issuer == "示例市教育局"
    assert result.url == "http://www.example.gov.cn/zwgk/bmdt/202208/t20220825_1234.html"
    [attachment] = result.attachments
    assert attachment.name == "2022年秋季开学检查表.docx"
    assert attachment.url == "http://www.example.gov.cn/zwgk/bmdt/202208/P020220825123456.docx"


def test_xxgk_table_page_fills_every_table_field():
    result = extract_page(page("xxgk_table.html"))
    assert result.site_config == "gov_xxgk_detail"
    assert result.index_number == "11441799MB2C1234X/2022-00031"
    assert result.issuer == "示例县教育局"
    assert result.written_date == "2022-01-20"
    assert result.publish_date == "2022-01-25"
    assert result.doc_number == "示教〔2022〕5号"
    assert result.subject_words == ["教育", "工作总结", "计划"]
    assert result.title == "示例县教育局2021年工作总结和2022年工作计划"
    assert result.paragraphs[0] == "2021年，全县教育系统坚持立德树人，各项工作稳步推进。"
    assert result.paragraphs[-1].startswith("继续推进县域义务教育")
    assert "索引号" not in joined(result)


def test_hanweb_jcms_page_reads_zoom_and_meta():
    result = extract_page(page("hanweb_article.html"))
    assert result.site_config == "hanweb_jcms"
    assert [p[:6] for p in result.paragraphs] == ["6月9日，示", "消防员通过案"]
    assert result.publish_date == "2023-06-12"
    assert result.issuer == "示例区教育体育局"
    assert result.title == "示例区开展防溺水安全教育进校园活动"


def test_gov_cn_policy_page_reads_the_table_with_spaced_labels():
    result = extract_page(page("gov_cn_policy.html"), url="https://www.gov.cn/zhengce/content/2021-04/09/content_5598765.htm")
    assert result.site_config == "gov_cn_zhengce"
    assert result.index_number == "000014349/2021-00012"
    assert result.issuer == "国务院办公厅"
    assert result.written_date == "2021-04-02"
    assert result.publish_date == "2021-04-09"
    assert result.doc_number == "国办发〔2021〕99号"
    assert result.title == "国务院办公厅关于示例工作的通知"
    text = joined(result)
    assert "为做好示例工作，经国务院同意" in text
    assert "我要打印" not in text and "分享到" not in text and "索引号" not in text


# ---------------------------------------------------------------- text dumps

def test_discuz_text_dump_keeps_both_posts_and_drops_controls():
    result = extract_page(page("discuz_dump.txt"), kind="text")
    text = joined(result)
    assert result.site_config == "discuz_text_dump"
    assert result.paragraphs[0].startswith("2020年,全县教育系统克服疫情影响")
    assert text.index("城区大班额问题基本解决") < text.index("总结写得很实在")
    for noise in ("分享到", "使用道具", "收藏收藏", "本版积分规则", "GMT+8", "只看该作者"):
        assert noise not in text, noise
    assert result.title == "某县教育局2020年工作总结"
    assert result.publish_date == "2021-01-15"


def test_gov_portal_text_dump_reads_the_labelled_lines():
    result = extract_page(page("gov_portal_dump.txt"), kind="text")
    assert result.site_config == "gov_xxgk_text_dump"
    assert result.index_number == "114400000000000000/2021-00012"
    assert result.issuer == "示例市卫生健康局"
    assert result.written_date == "2021-02-03"
    assert result.publish_date == "2021-02-05"
    assert result.doc_number == "示卫〔2021〕8号"
    assert result.subject_words == ["卫生", "总结"]
    assert result.title == "示例市卫生健康局2020年工作总结和2021年工作计划"
    assert result.paragraphs[0].startswith("2020年,全市卫生健康系统坚持人民至上")
    assert result.paragraphs[-1].startswith("(一)推进健康示例建设")
    assert "浏览次数" not in joined(result)


# ---------------------------------------------------------------- generic fallback

def test_unknown_news_page_keeps_the_article_only():
    result = extract_page(page("generic_news.html"))
    text = joined(result)
    assert result.site_config == "generic"
    assert result.paragraphs[0].startswith("清晨七点半")
    assert result.paragraphs[-1].startswith("县教育局表示")
    for noise in ("首页", "相关新闻", "热点排行", "少儿编程", "版权所有", "微博", "网友评论", "责任编辑"):
        assert noise not in text, noise
    assert result.title == "山区学校用上了远程课堂"
    assert result.publish_date == "2024-03-15"
    assert result.issuer == "示例晨报"
    assert result.url == "https://news.example.com/2024/0315/a123.html"


def test_desktop_and_hidden_mobile_copies_give_the_article_once():
    result = extract_page(page("generic_mobile_copy.html"))
    text = joined(result)
    assert text.count("图书馆自下周一起延长开放时间") == 1
    assert text.count("请同学们通过校园应用提前预约") == 1


def test_footer_clock_is_not_the_publish_date():
    result = extract_page(page("generic_footer_clock.html"))
    assert result.publish_date is None
    assert "GMT" not in joined(result)
    assert result.title == "班主任经验交流：如何开好第一次家长会"


def test_title_suffix_after_separator_is_stripped():
    html = ("<html><head><title>关于做好春季学期开学工作的通知_示例市人民政府</title></head><body>"
            "<div class='content'><p>各县区教育局：为做好春季学期开学工作，现将有关事项通知如下，请认真贯彻落实。</p></div>"
            "</body></html>")
    assert extract_page(html).title == "关于做好春季学期开学工作的通知"


# ---------------------------------------------------------------- odd input

@pytest.mark.parametrize("text", ["", "   ", "<html></html>", "\x00\x01binary", "<<<>>>", "<p>"])
def test_garbage_gives_empty_paragraphs_and_a_warning(text):
    result = extract_page(text)
    assert result.paragraphs == []
    assert result.warnings


def test_empty_text_dump_gives_a_warning():
    result = extract_page("\n\n", kind="text")
    assert result.paragraphs == [] and result.warnings


def test_unknown_kind_is_a_programmer_error():
    with pytest.raises(ValueError, match="kind"):
        extract_page("<p>x</p>", kind="pdf")


# ---------------------------------------------------------------- explain

def test_explain_names_the_config_the_failed_tests_and_the_dropped_blocks():
    report = explain_page(page("discuz_x3_thread.html"))
    assert "matched: discuz_x3" in report
    assert "trs_wcm" in report and "min_score" in report  # why the others failed
    assert "Dropped:" in report and "签名：一支粉笔" in report
    assert "Kept: 7 paragraph(s)" in report
    assert "publish_date   2020-03-05" in report and "label '发表于'" in report


def test_explain_says_when_no_config_matched():
    report = explain_page(page("generic_news.html"))
    assert "matched: none -> generic" in report
    assert "相关新闻" in report  # a dropped block is shown with its preview


def test_flarum_discussion_keeps_comments_with_authors_but_not_events_or_summaries():
    result = extract_page(page("flarum_discussion.html"), url="https://forum.example.org/d/88")
    text = joined(result)
    assert result.site_config == "flarum"
    assert text.index("快递柜超过十二小时就开始收费") < text.index("免费时长延长到了二十四小时")
    assert "小李" in result.paragraphs and "老张" in result.paragraphs
    assert "https://example.org/notice/2023-15.html" in text  # a pasted address is text
    for noise in ("回复了此帖", "置顶了此帖", "2天后", "点赞了", "关注", "老老张"):
        assert noise not in text, noise
