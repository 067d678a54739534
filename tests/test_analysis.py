from index.analysis import char_stream, fold, words


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


def test_phrase_dependent_traditional_forms_fold_to_the_simplified_character():
    # s2t writes 复 as 復, 複 or 覆 and 借 as 藉, depending on the phrase.
    assert fold("國務院批覆") == "国务院批复"
    assert fold("藉助") == "借助"
    assert fold("乾隆") == fold("干隆")
    # t2s writes 鍾 as 锺, the variants as 钟: every spelling must meet.
    assert fold("鍾") == fold("锺") == fold("钟") == fold("鐘")


def test_long_and_short_texts_fold_alike_on_every_code_point():
    from index.analysis import _FOLD_IN_NUMPY, _fold_table

    every = "".join(chr(cp) for cp in range(0x110000))  # lone surrogates included
    by_dict = every.translate(_fold_table())
    assert fold(every) == by_dict  # a long text: folded as an array
    short = [every[i:i + _FOLD_IN_NUMPY - 1] for i in range(0, len(every), 5_000)]
    assert [fold(s) for s in short] == [s.translate(_fold_table()) for s in short]
    assert fold(every[:_FOLD_IN_NUMPY]) == by_dict[:_FOLD_IN_NUMPY]


def test_folding_twice_changes_nothing():
    text = "".join(chr(cp) for cp in range(0x20, 0x10000) if not 0xD800 <= cp < 0xE000)
    once = fold(text)
    assert fold(once) == once


def test_word_counts_give_the_postings_whoosh_frequency_gives():
    from whoosh import formats

    from index.analysis import WordAnalyzer
    from index.schema import WordCounts

    text = "學前教育毛入园率达到98.5%，学前教育普惠性幼儿园覆盖率达到ABC标准。教育教育"
    ours = sorted(WordCounts(field_boost=3.0).word_values(text, WordAnalyzer()))
    whooshs = sorted(formats.Frequency(field_boost=3.0).word_values(text, WordAnalyzer()))
    assert ours == whooshs
    assert ("教育", 4, 12.0) in [w[:3] for w in ours]


def test_word_counts_count_exactly_the_words():
    from collections import Counter

    from index.analysis import word_counts

    text = "學前教育，毛入园率98.5%；ＡＢＣ标准 教育教育\n——  ___ 2021年"
    assert word_counts(text) == Counter(words(text))
