from index.passages import best_passages, find_spans, highlight, passage_ids


def test_spans_are_exact_in_mixed_text():
    text = "2019年COVID-19疫情期间，毛入园率达到98.5%，ABC班毛入园率提高。"
    spans = find_spans(text, ["毛入园率"])
    assert [text[s:e] for s, e in spans] == ["毛入园率", "毛入园率"]
    assert find_spans(text, ["covid-19"]) == [(5, 13)]
    assert [text[s:e] for s, e in find_spans(text, ["98.5%"])] == ["98.5%"]


def test_spans_fold_traditional_and_full_width_but_mark_the_original():
    text = "學前教育毛入園率達到９８％"
    spans = find_spans(text, ["学前教育", "98%"])
    assert [text[s:e] for s, e in spans] == ["學前教育", "９８％"]


def test_overlapping_terms_merge_without_overlap():
    text = "学前教育毛入园率"
    assert find_spans(text, ["学前教育", "教育毛"]) == [(0, 5)]


def test_highlight_escapes_page_content():
    text = "<script>alert(1)</script>入园"
    html = highlight(text, find_spans(text, ["入园"]))
    assert "<script>" not in html
    assert html.endswith("<mark>入园</mark>")


def test_passage_ids_are_stable_and_unique():
    paras = ["第一段。", "第二段。", "第一段。"]
    ids = passage_ids(paras)
    assert len(set(ids)) == 3
    assert ids[2] == ids[0] + "-2"
    # Re-extraction that adds a paragraph before keeps the ids of unchanged ones.
    assert passage_ids(["新的开头。"] + paras)[1:] == ids


def test_best_passages_prefer_more_terms_and_keep_report_order():
    paras = ["只有学前。", "学前教育和资助都有。", "无关内容。", "资助与学前。"]
    best = best_passages(paras, ["学前", "资助"], limit=2)
    assert [p.index for p in best] == [1, 3]
