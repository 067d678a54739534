"""Dates written the ways Chinese pages write them, read back as YYYY-MM-DD."""
import pytest

from archive.dates import (chinese_number, chinese_year, find_dates, find_years,
                           parse_date, parse_relative, parse_year_month)


@pytest.mark.parametrize("text, expected", [
    ("发表于 2019-4-26 14:58:07 | 只看该作者", "2019-04-26"),
    ("发布日期：2019/04/26", "2019-04-26"),
    ("2019.4.26", "2019-04-26"),
    ("2019年4月26日", "2019-04-26"),
    ("2019 年 04 月 26 号", "2019-04-26"),
    ("成文日期：2019年4月26", "2019-04-26"),
    ("二〇一九年四月二十六日", "2019-04-26"),
    ("二零一九年十二月三十一日", "2019-12-31"),
    ("二〇二〇年一月十日", "2020-01-10"),
    ("二○一九年四月廿六日", "2019-04-26"),
    ("２０１９年４月２６日", "2019-04-26"),
    ("20190426", "2019-04-26"),
    ("2019-04-26T14:58:07+08:00", "2019-04-26"),
])
def test_full_dates_in_every_common_form(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "2019-02-30", "2019年13月1日", "2019/4/32", "二〇一九年二月三十日",
    "3000-01-01", "20191345", "", "浏览次数：1024",
])
def test_impossible_or_absent_dates_give_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["2019年4月", "二零一九年", "2019年", "二〇一九年四月"])
def test_year_or_month_alone_is_not_a_day(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, expected", [
    ("刚刚", "2020-03-01"),
    ("半小时前", "2020-03-01"),
    ("1 小时前", "2020-03-01"),
    ("5分钟前", "2020-03-01"),
    ("今天 09:12", "2020-03-01"),
    ("昨天 15:30", "2020-02-29"),
    ("前天", "2020-02-28"),
    ("大前天 10:00", "2020-02-27"),
    ("3 天前", "2020-02-27"),
    ("三天前", "2020-02-27"),
    ("十天前", "2020-02-20"),
    ("2 周前", "2020-02-16"),
])
def test_relative_dates_resolve_against_the_day_the_page_was_saved(text, expected):
    assert parse_date(text, saved_at="2020-03-01") == expected


def test_relative_dates_without_a_save_day_are_unknown():
    assert parse_date("3 天前") is None
    assert parse_date("昨天 15:30") is None


def test_vague_relative_dates_are_not_guessed():
    assert parse_relative("3 个月前", "2020-03-01") is None
    assert parse_relative("去年", "2020-03-01") is None


def test_relative_words_inside_running_text_are_not_dates():
    sentence = "昨天，全市教育系统召开会议，部署下一阶段的校园安全工作和教师培训工作。"
    assert parse_date(sentence, saved_at="2020-03-01") is None


def test_absolute_date_wins_over_relative_text():
    assert parse_date("3 天前 2019-4-26 14:58", saved_at="2020-03-01") == "2019-04-26"


def test_find_dates_gives_positions_in_reading_order():
    text = "发表于 2019-4-26 14:58:07，成文日期：2019年4月20日，二〇一九年五月一日印发"
    found = find_dates(text)
    assert [iso for _, _, iso in found] == ["2019-04-26", "2019-04-20", "2019-05-01"]
    start, end, _ = found[1]
    assert text[start:end] == "2019年4月20日"


def test_find_dates_skips_compact_numbers_unless_asked():
    text = "联系电话 20190426，索引号 114417000072808268/2020-00096"
    assert find_dates(text) == []
    assert [iso for *_, iso in find_dates(text, compact=True)] == ["2019-04-26"]


def test_year_month_and_years():
    assert parse_year_month("2019年4月") == (2019, 4)
    assert parse_year_month("二〇一九年十二月") == (2019, 12)
    assert parse_year_month("2019-04") == (2019, 4)
    assert parse_year_month("截至2019年4月26日") == (2019, 4)
    assert parse_year_month("没有日期") is None
    assert [y for *_, y in find_years("二〇一九年和2020年，以及第1234年")] == [2019, 2020]


@pytest.mark.parametrize("text, value", [
    ("十", 10), ("十二", 12), ("二十", 20), ("二十六", 26), ("廿六", 26),
    ("卅一", 31), ("三十一", 31), ("九", 9), ("两", 2), ("12", 12), ("十十", None),
])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_chinese_years():
    assert chinese_year("二〇一九") == 2019
    assert chinese_year("二零二一") == 2021
    assert chinese_year("一二三四") is None


# --- report years and plan years --------------------------------------------

from archive.dates import infer_years  # noqa: E402

SPAN_13TH = [2016, 2017, 2018, 2019, 2020]


@pytest.mark.parametrize("title, publish_date, report, plan", [
    ("阳江市教育局2019年工作总结及2020年工作计划", "2020-12-07", [2019], [2020]),
    ("教育局2018年工作汇报材料", "2019-04-26", [2018], []),
    ("2020年工作要点", None, [], [2020]),
    ("关于印发2020年工作计划的通知", None, [], [2020]),
    ("xx市2016—2020年教育事业发展规划", None, [], SPAN_13TH),
    ("xx市2016-2020年教育事业发展规划", None, [], SPAN_13TH),
    ("2016年至2020年工作总结", None, SPAN_13TH, []),
    ("“十三五”教育发展规划", None, [], SPAN_13TH),
    ("十二五教育工作总结", None, [2011, 2012, 2013, 2014, 2015], []),
    ("十三五工作总结暨十四五规划", None, SPAN_13TH, [2021, 2022, 2023, 2024, 2025]),
    ("十五五规划编制工作方案", None, [], [2026, 2027, 2028, 2029, 2030]),
    ("2021年政府工作报告", None, [2020], [2021]),
    ("2021年xx市人民政府工作报告", None, [2020], [2021]),
    ("政府工作报告", "2021-02-01", [2020], [2021]),
    ("2020年上半年工作总结", None, [2020], []),
    ("上半年工作总结", "2020-07-10", [2020], []),
    ("上半年工作总结和下半年工作计划", "2020-07-10", [2020], [2020]),
    ("今年工作总结和明年工作打算", "2019-12-20", [2019], [2020]),
    ("2019年工作总结及明年工作计划", None, [2019], [2020]),
    ("2019年、2020年工作总结", None, [2019, 2020], []),
    ("2019-2020学年第一学期工作总结", None, [2019, 2020], []),
    ("二〇一九年工作总结", None, [2019], []),
    ("二〇二〇年工作要点", None, [], [2020]),
    ("2019工作总结", None, [2019], []),
    ("关于2020年预算执行情况和2021年预算草案的报告", None, [2020], [2021]),
    ("2019年教育统计公报", None, [2019], []),
    ("2019年人口和计划生育情况", None, [2019], []),  # 计划生育 is not a plan
    ("2020年高考报名须知", "2019-12-01", [], [2020]),  # no kind word, after publish year
    ("2019年高考录取揭晓", "2019-07-20", [2019], []),
])
def test_years_from_the_title(title, publish_date, report, plan):
    assert infer_years(title, [], publish_date) == (report, plan)


def test_doc_number_brackets_are_not_years():
    assert infer_years("【2019】12号", [], None) == ([], [])
    assert infer_years("教育局〔2019〕12号文件", [], None) == ([], [])


@pytest.mark.parametrize("paragraphs, publish_date, report, plan", [
    (["2018年，全市教育系统以提质增效为根本……"], "2019-04-26", [2018], []),
    (["2018年,全市教育系统……"], None, [2018], []),
    (["各位代表：", "二〇一九年，我们……"], None, [2019], []),
    (["2019年以来，我局坚持……"], None, [2019], []),
    (["今年以来，在市委、市政府的正确领导下……"], "2020-12-07", [2020], []),
    (["各位代表：", "过去一年，全市上下……"], "2021-01-20", [2020], []),
    (["一年来，我们……"], "2020-12-20", [2020], []),
    (["2020年是全面建成小康社会收官之年。"], "2019-12-25", [], [2020]),
    (["2020年是极不平凡的一年。"], "2021-01-10", [2020], []),
])
def test_years_from_the_opening_sentence(paragraphs, publish_date, report, plan):
    assert infer_years("教育局工作总结", paragraphs, publish_date) == (report, plan)


def test_headings_fill_the_side_the_title_left_empty():
    paragraphs = ["2018年，全市……", "一、2018年工作回顾", "（一）落实《2019—2020年行动计划》",
                  "二、2019年工作打算", "2019年我们将……"]
    assert infer_years("教育局2018年工作汇报", paragraphs, None) == ([2018], [2019])


def test_long_paragraphs_are_not_headings():
    paragraphs = ["一、" + "我们要落实2021年工作计划，" * 5]
    assert infer_years("教育局2019年工作总结", paragraphs, None) == ([2019], [])


@pytest.mark.parametrize("title, publish_date, report, plan", [
    ("教育局工作总结", "2021-01-20", [2020], []),
    ("教育局工作总结", "2020-12-01", [2020], []),
    ("教育局工作计划", "2020-11-20", [], [2021]),
    ("教育局工作要点", "2020-03-02", [], [2020]),
    ("一则新闻", "2020-03-02", [], []),
    ("教育局工作总结", None, [], []),
])
def test_publish_date_is_the_last_resort(title, publish_date, report, plan):
    assert infer_years(title, ["全市教育系统扎实工作。"], publish_date) == (report, plan)
