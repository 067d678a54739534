"""Plain-text dumps: body cut by config markers, or by prose lines without a config."""
from archive.configs import load_configs, parse_config
from archive.textdump import extract_text

LABELS = load_configs().defaults.meta_labels

DUMP = """网站首页 | 新闻中心 | 联系我们
当前位置：首页 > 通知公告
关于举办教师书法比赛的通知
发布时间：2022-10-08 来源：示例区教育局
各学校：为提高教师书写水平，区教育局决定举办教师书法比赛，现将有关事项通知如下。
一、比赛时间为十月下旬，地点另行通知。
二、请各校于十月十五日前报送参赛名单。
上一篇：关于秋季运动会的通知
版权所有 示例区教育局
"""


def test_without_a_config_the_body_runs_from_first_to_last_prose_line():
    result = extract_text(DUMP, None, LABELS)
    assert result.paragraphs[0].startswith("各学校：为提高教师书写水平")
    assert result.paragraphs[-1] == "二、请各校于十月十五日前报送参赛名单。"
    assert result.meta.publish_date == "2022-10-08"
    assert result.meta.issuer == "示例区教育局"
    assert result.meta.title == "关于举办教师书法比赛的通知"


def test_config_markers_cut_the_body_and_drop_lines():
    config = parse_config({
        "name": "demo", "kind": "text",
        "text": {"start_after": ["^发布时间"], "end_before": ["^上一篇"], "drop_lines": ["^一、"]},
    }, "demo.yaml")
    result = extract_text(DUMP, config, LABELS)
    assert result.paragraphs == [
        "各学校：为提高教师书写水平，区教育局决定举办教师书法比赛，现将有关事项通知如下。",
        "二、请各校于十月十五日前报送参赛名单。",
    ]
    assert any(d.reason == "text.drop_lines" for d in result.dropped)
    assert "start_after" in result.rules[0]


def test_labels_below_the_body_start_are_not_metadata():
    dump = "标题行文字\n" + "正文第一段，内容足够长，说明了本次会议的主要精神和具体安排，请各单位认真落实。\n时间：2001-01-01\n"
    assert extract_text(dump, None, LABELS).meta.publish_date is None


def test_empty_dump_gives_no_paragraphs():
    result = extract_text("", None, LABELS)
    assert result.paragraphs == [] and result.meta.title == ""
