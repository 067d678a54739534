from index.analysis import char_grams, char_stream, fold, query_grams, words


def test_fold_keeps_length_and_folds_width_case_and_traditional():
    original = "學前教育ＡＢＣ１２３　Covid"
    folded = fold(original)
    assert folded == "学前教育abc123 covid"
    assert len(folded) == len(original)


def test_fold_leaves_characters_whose_normal_form_is_longer():
    # ㈠ normalises to "(一)": three characters; offsets would shift, so it stays.
    assert fold("㈠学前") == "㈠学前"


def test_char_stream_drops_whitespace_only():
    assert char_stream("毛入园率 达到\n98%。") == "毛入园率达到98%。"


def test_char_grams_have_unigrams_and_bigrams_at_the_same_positions():
    grams = char_grams("入园率")
    assert ("入", 0) in grams and ("入园", 0) in grams
    assert ("园率", 1) in grams and ("率", 2) in grams
    assert all(len(g) <= 2 for g, _ in grams)


def test_query_grams_single_and_multi_character():
    assert query_grams("園") == ["园"]
    assert query_grams("毛入园率") == ["毛入", "入园", "园率"]
    assert query_grams("  ") == []


def test_words_match_jieba_reference_on_chinese_text():
    """rjieba segments the word view; jieba is the reference: same tokens on Chinese text."""
    import re
    from pathlib import Path

    import jieba

    from archive.decode import decode_bytes

    demo = Path(__file__).resolve().parent.parent / "demo" / "pages"
    text = "".join(decode_bytes(p.read_bytes()).text for p in sorted(demo.iterdir()))
    runs = re.findall(r"[\u4e00-\u9fff]+", text)  # Chinese runs, as in report text
    assert sum(map(len, runs)) > 2000
    for run in runs:
        assert words(run) == jieba.lcut_for_search(fold(run)), run
