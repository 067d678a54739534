"""Search over a real Whoosh index and SQLite catalogue built in a temp dir."""
import pytest

from archive.records import Topics
from index.search import SearchRequest, Searcher
from tests.conftest import add_reports, make_report, region

GUANGDONG = region("广东省", "阳江市", code="441700")
HEBEI = region("河北省", "沧州市", "黄骅市", code="130983")


@pytest.fixture
def searcher(store, data_dir):
    reports = [
        make_report("阳江市教育局2019年工作总结", [
            "全市学前教育毛入园率达到98.23%，比上年提高。",
            "消除大班额工作取得进展。",
            "疫情期间做好线上教学。"], publish_date="2020-12-07", region=GUANGDONG,
            years=[2019], plan_years=[2020],
            topics=Topics(["科技、教育"], ["总结及计划"], ["学前教育"])),
        make_report("xx市教育局2018年工作汇报", [
            "大班额得到有效遏制，超大班额全部消除。",
            "黄骅市通过义务教育均衡评估。"], publish_date="2019-04-26", region=HEBEI,
            years=[2018], topics=Topics(["科技、教育"], ["工作汇报"], ["义务教育"])),
        make_report("學前教育資助辦法", ["學生資助覆蓋ＡＢＣ１２３所學校。"],
                    publish_date="2015-06-01", years=[2015],
                    topics=Topics(["科技、教育"], ["办法"], ["学生资助/教育扶贫"])),
    ]
    add_reports(store, data_dir, reports)
    return Searcher(data_dir, store)


def titles(result):
    return [h.report.extracted.title for h in result.hits]


def run(searcher, q="", **kw):
    return searcher.search(SearchRequest(q=q, **kw))


def test_substring_inside_a_word_is_found(searcher):
    result = run(searcher, "入园")
    assert titles(result) == ["阳江市教育局2019年工作总结"]


def test_both_reports_for_a_shared_term(searcher):
    assert run(searcher, "大班额").total == 2


def test_space_separated_terms_must_all_match(searcher):
    assert titles(run(searcher, "大班额 黄骅")) == ["xx市教育局2018年工作汇报"]


def test_quoted_phrase_with_punctuation(searcher):
    assert run(searcher, '"98.23%"').total == 1
    assert run(searcher, '"98.24%"').total == 0


def test_or_and_not(searcher):
    assert run(searcher, "黄骅 OR 疫情").total == 2
    assert titles(run(searcher, "大班额 -黄骅")) == ["阳江市教育局2019年工作总结"]


def test_traditional_and_full_width_queries(searcher):
    assert titles(run(searcher, "學前教育毛入園率")) == ["阳江市教育局2019年工作总结"]
    assert run(searcher, "abc１２３").total == 1
    assert run(searcher, "学生资助").total == 1


def test_single_character_query(searcher):
    assert run(searcher, "汇").total == 1


def test_field_filters_in_the_query(searcher):
    assert run(searcher, "region:阳江").total == 1
    assert run(searcher, "year:2018").total == 1
    assert run(searcher, "year:2015-2018").total == 2
    assert run(searcher, "topic:学前教育").total == 1
    assert run(searcher, "doctype:工作汇报").total == 1
    assert run(searcher, "title:汇报 大班额").total == 1


def test_facet_counts_cover_all_matches_and_update_after_filtering(searcher):
    result = run(searcher, "", limit=1)
    assert result.total == 3 and len(result.hits) == 1
    years = dict(result.facets["year"])
    assert years == {"2020": 1, "2019": 1, "2018": 1, "2015": 1}
    narrowed = run(searcher, "", filters={"region": ["河北省"]})
    assert narrowed.total == 1
    assert dict(narrowed.facets["year"]) == {"2018": 1}
    # Disjunctive: the region facet still shows the province one could add.
    assert dict(narrowed.facets["region"])["广东省"] == 1


def test_or_within_a_facet_and_within_across(searcher):
    both = run(searcher, "", filters={"year": ["2018", "2015"]})
    assert both.total == 2
    assert run(searcher, "", filters={"year": ["2018", "2015"], "region": ["河北省"]}).total == 1


def test_empty_query_lists_newest_first(searcher):
    assert [h.report.extracted.publish_date for h in run(searcher).hits] == [
        "2020-12-07", "2019-04-26", "2015-06-01"]


def test_sort_oldest(searcher):
    assert run(searcher, "", sort="oldest").hits[0].report.extracted.publish_date == "2015-06-01"


def test_highlights_are_exact(searcher):
    hit = run(searcher, "毛入园率").hits[0]
    passage = hit.passages[0]
    assert [passage.text[s:e] for s, e in passage.spans] == ["毛入园率"]
    assert "<mark>毛入园率</mark>" in passage.snippet_html()


@pytest.mark.parametrize("q", ['"', "(", ":", "*", "year:", "region:", "-", "((a OR", "a:b:c", "\\"])
def test_syntax_characters_never_fail(searcher, q):
    result = run(searcher, q)
    assert result.total >= 0


def test_paging(searcher):
    first = run(searcher, "", limit=2, page=1)
    second = run(searcher, "", limit=2, page=2)
    assert len(first.hits) == 2 and len(second.hits) == 1
    assert {h.report.id for h in first.hits}.isdisjoint(h.report.id for h in second.hits)


def test_index_rebuilds_when_schema_marker_changes(store, data_dir, searcher):
    from index.writer import MARKER, index_dir

    (index_dir(data_dir) / MARKER).write_text("old\n")
    fresh = Searcher(data_dir, store)
    from index.writer import sync_index

    sync_index(data_dir, store)
    assert fresh.search(SearchRequest(q="大班额")).total == 2


def test_index_written_by_other_code_is_rebuilt(store, data_dir, searcher, monkeypatch):
    import index.writer
    from index.writer import sync_index

    def unpickle_fails(*args, **kwargs):  # what Whoosh raises when the TOC names a class we no longer have
        raise AttributeError("Can't get attribute 'OldCodec' on <module 'index.writer'>")

    with monkeypatch.context() as m:
        m.setattr(index.writer.whoosh_index, "open_dir", unpickle_fails)
        fresh = Searcher(data_dir, store)
    assert store.has_unindexed()
    sync_index(data_dir, store)
    assert fresh.search(SearchRequest(q="大班额")).total == 2


def test_terms_standing_together_rank_first(store, data_dir):
    add_reports(store, data_dir, [
        make_report("甲", ["学前，教育。" * 4], publish_date="2022-01-01"),
        make_report("乙", ["我们在这一年里推进了学前教育的普惠发展和各项改革工作，成效明显。"],
                    publish_date="2010-01-01"),
    ])
    result = Searcher(data_dir, store).search(SearchRequest(q="学前 教育"))
    assert result.total == 2
    assert titles(result)[0] == "乙"  # older, but its terms stand together


def test_a_match_never_bridges_two_paragraphs(store, data_dir):
    add_reports(store, data_dir, [make_report("丙", ["第一段到此为止。", "20项任务完成。"])])
    searcher = Searcher(data_dir, store)
    assert searcher.search(SearchRequest(q="。20")).total == 0
    hit = searcher.search(SearchRequest(q="止。")).hits[0]
    assert hit.passages and hit.passages[0].text == "第一段到此为止。"


def test_traditional_spelling_chosen_by_phrase_still_matches(store, data_dir):
    add_reports(store, data_dir, [make_report("丁", ["经国务院批复同意，借助社会力量办学。"])])
    searcher = Searcher(data_dir, store)
    for q in ("國務院批覆", '"藉助社會力量"', "批复", "借助"):
        assert searcher.search(SearchRequest(q=q)).total == 1, q


def test_out_of_range_paging_is_clamped(searcher):
    result = searcher.search(SearchRequest(q="大班额", limit=100000, page=0, sort="bogus"))
    assert (result.request.limit, result.request.page, result.request.sort) == (100, 1, "relevance")
    assert result.total == 2 and len(result.hits) == 2
