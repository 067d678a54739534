import pytest

from index.query import And, Filter, Not, Or, Text, parse_query, year_range


def test_space_means_and():
    assert parse_query("教育 入园").tree == And((Text("教育"), Text("入园")))


def test_quoted_string_keeps_spaces_and_punctuation():
    parsed = parse_query('"毛入园率 98%"')
    assert parsed.tree == Text("毛入园率 98%", quoted=True)
    assert parsed.terms == ["毛入园率 98%"]


def test_or_not_and_parentheses():
    tree = parse_query("(学前 OR 幼儿) -疫情 资助").tree
    assert tree == And((Or((Text("学前"), Text("幼儿"))), Not(Text("疫情")), Text("资助")))


def test_negated_terms_are_not_highlighted():
    assert parse_query("学前 -疫情").terms == ["学前"]


@pytest.mark.parametrize("text,field,value", [
    ("region:阳江", "region", "阳江"), ("year:2019", "year", "2019"),
    ("year:2016-2019", "year", "2016-2019"), ("topic:学前教育", "topic", "学前教育"),
    ("doctype:工作总结", "doctype", "工作总结"), ("site:discuz_x3", "site", "discuz_x3"),
])
def test_field_filters(text, field, value):
    assert parse_query(text).tree == Filter(field, value)


def test_title_field_restricts_text():
    assert parse_query("title:总结").tree == Text("总结", field="title")


def test_unknown_field_is_plain_text():
    assert parse_query("http://example.com").tree == Text("http://example.com")


@pytest.mark.parametrize("text", ['"毛入园率', "(学前 OR", "学前)", "-", "学前 OR", "OR", '""', "()"])
def test_malformed_input_degrades_to_literal_search_with_notice(text):
    parsed = parse_query(text)
    assert parsed.notice
    assert "已按字面词语搜索" in parsed.notice


def test_unbalanced_quote_searches_the_words():
    assert parse_query('"毛入园率').tree == Text("毛入园率")


def test_noise_is_bounded():
    parsed = parse_query("噪" * 5000 + ' ((( """ ')
    assert parsed.notice and "过长" in parsed.notice
    assert parsed.tree is not None


def test_empty_query_matches_everything():
    assert parse_query("   ").tree is None


def test_year_range():
    assert list(year_range("2016-2019")) == [2016, 2017, 2018, 2019]
    assert list(year_range("2019—2017")) == [2017, 2018, 2019]
    assert list(year_range("去年")) == []
