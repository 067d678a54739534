"""Keywords: the words that set one report apart, without government boilerplate."""
import re

import pytest

from archive.keywords import KeywordDataError, load_stopwords, top_keywords

REPORT = [
    "2019年，全市教育系统认真落实市委、市政府部署，进一步加强学前教育和义务教育工作。",
    "一、学前教育",
    "全市新建公办幼儿园12所，普惠性幼儿园覆盖率达到85%，学前三年毛入园率达到96.5%。",
    "开展幼儿园保教质量评估，幼儿园教师培训1200人次，推进幼儿园集团化办园。",
    "二、义务教育",
    "推进义务教育优质均衡发展，消除大班额，控辍保学实现动态清零。",
    "三、校外培训机构治理",
    "全面排查校外培训机构406所，整改校外培训机构存在问题，严禁校外培训机构超前超标培训。",
]


def test_top_keywords_name_what_the_report_is_about():
    words = top_keywords(REPORT, n=8)
    assert "幼儿园" in words
    assert {"义务教育", "学前教育", "培训机构", "校外"} & set(words)


def test_generic_government_words_are_left_out():
    words = top_keywords(REPORT, n=30)
    for generic in ("工作", "推进", "加强", "全市", "全面", "开展", "进一步", "落实", "市委"):
        assert generic not in words


def test_numbers_single_characters_and_placeholders_are_left_out():
    words = top_keywords(REPORT + ["xx市的某某学校，www.example.com，1200人。"], n=50)
    assert words, "some keywords are expected"
    for word in words:
        assert len(word) >= 2
        assert not re.fullmatch(r"[\d.%]+", word)
        assert not re.search(r"\d", word) or re.search(r"[A-Za-z]", word)
        assert word not in ("xx", "某某", "www", "com")


def test_acronyms_with_digits_are_kept():
    words = top_keywords(["推进5G网络进校园，5G基站覆盖全部学校，5G应用试点学校20所。"], n=5)
    assert "5G" in words


def test_n_limits_the_list_and_order_is_best_first():
    assert len(top_keywords(REPORT, n=3)) == 3
    assert top_keywords(REPORT, n=3) == top_keywords(REPORT, n=10)[:3]


@pytest.mark.parametrize("paragraphs", [[], [""], ["   "], ["2019年，1200。"]])
def test_empty_or_wordless_texts_give_no_keywords(paragraphs):
    assert top_keywords(paragraphs) == []


def test_a_custom_stoplist(tmp_path):
    path = tmp_path / "stop.txt"
    path.write_text("# my list\n幼儿园\n", encoding="utf-8")
    stop = load_stopwords(path)
    assert stop == frozenset({"幼儿园"})
    assert "幼儿园" not in top_keywords(REPORT, n=30, stopwords=stop)
    assert "工作" in top_keywords(REPORT, n=60, stopwords=stop)  # the default list is replaced


def test_missing_stoplist_names_the_file(tmp_path):
    with pytest.raises(KeywordDataError, match="nope.txt"):
        load_stopwords(tmp_path / "nope.txt")
