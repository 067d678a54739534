"""The character view: exact folded-substring matching over numpy segments."""
import random

import numpy as np
import pytest

from index import charview
from index.analysis import char_stream
from index.charview import CharView, next_ikey, tidy, write_segment


def _open(root, live=None):
    """A view whose documents are numbered by key (key k is document k)."""
    view = CharView(root)
    keys = live if live is not None else range(1, next_ikey(root))
    view.refresh({k: k for k in keys})
    return view


def _brute(reports, needle, title_only=False):
    """Keys of reports with the folded needle inside one paragraph (or the title)."""
    want = char_stream(needle)
    found = set()
    for key, (title, paragraphs) in reports.items():
        fields = [title] if title_only else [title, *paragraphs]
        if any(want in char_stream(p) for p in fields):
            found.add(key)
    return found


@pytest.fixture
def reports():
    return {
        1: ("学前教育工作总结", ["全县毛入园率达到98%。", "新建幼儿园3所。"]),
        2: ("義務教育工作匯報", ["學前教育普及普惠，ＡＢＣ１２３。"]),
        3: ("", ["甲乙", "丙丁"]),
        4: ("罕见字", ["𠀀𠀁在扩展区", ""]),
    }


def test_finds_substrings_of_one_and_more_characters(tmp_path, reports):
    write_segment(tmp_path, 1, list(reports.values()))
    view = _open(tmp_path)
    assert view.docs("入园") == {1}
    assert view.docs(char_stream("學前教育")) == {1, 2}
    assert view.docs(char_stream("ＡＢＣ１２３")) == {2}
    assert view.docs("育") == {1, 2}
    assert view.docs("abc123") == {2}
    assert view.docs("𠀁") == {4}
    assert view.docs("𠀀𠀁在") == {4}
    assert view.docs("幼儿园3所。") == {1}
    assert view.docs("不存在") == set()


def test_never_matches_across_paragraphs_or_reports(tmp_path, reports):
    write_segment(tmp_path, 1, list(reports.values()))
    view = _open(tmp_path)
    assert view.docs("乙丙") == set()
    assert view.docs("甲乙") == {3}
    assert view.docs("。新") == set()
    assert view.docs("結罕") == set()


def test_title_only(tmp_path, reports):
    write_segment(tmp_path, 1, list(reports.values()))
    view = _open(tmp_path)
    assert view.docs("学前", title_only=True) == {1}
    assert view.docs("学前") == {1, 2}


def test_matches_brute_force_on_random_texts(tmp_path):
    rng = random.Random(7)
    alphabet = "甲乙丙丁戊己 ab1，"
    texts = {k: ("".join(rng.choices(alphabet, k=rng.randint(0, 6))),
                 ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(rng.randint(0, 4))])
             for k in range(1, 61)}
    write_segment(tmp_path, 1, list(texts.values())[:30])
    write_segment(tmp_path, 31, list(texts.values())[30:])
    view = _open(tmp_path)
    for _ in range(300):
        needle = "".join(rng.choices(alphabet.replace(" ", ""), k=rng.randint(1, 5)))
        stream = char_stream(needle)
        assert view.docs(stream) == _brute(texts, needle), needle
        assert view.docs(stream, title_only=True) == _brute(texts, needle, title_only=True), needle


def test_keys_whoosh_does_not_hold_map_to_nothing(tmp_path, reports):
    write_segment(tmp_path, 1, list(reports.values()))
    view = _open(tmp_path, live=[2, 3])
    assert view.docs("教育") == {2}


def test_merge_keeps_live_reports_drops_dead_ones_and_never_reuses_keys(tmp_path):
    rng = random.Random(3)
    texts = {}
    first = 1
    for _ in range(charview.MAX_SEGMENTS):
        batch = [("题" + str(first + i), ["".join(rng.choices("甲乙丙丁", k=20))]) for i in range(5)]
        write_segment(tmp_path, first, batch)
        texts.update({first + i: r for i, r in enumerate(batch)})
        first += len(batch)
    dead = {3, 17, first - 1}
    live = np.array(sorted(set(texts) - dead))
    (tmp_path / "tmp-1-deadbeef").mkdir()  # left by a killed run
    tidy(tmp_path, live)
    names = [p.name for p in tmp_path.iterdir()]
    assert not any(n.startswith("tmp-") for n in names)
    assert len(names) < charview.MAX_SEGMENTS
    assert next_ikey(tmp_path) == first  # the dead last key is not handed out again
    view = _open(tmp_path, live=live.tolist())
    alive = {k: v for k, v in texts.items() if k not in dead}
    for needle in ["甲乙", "丙", "丁丁甲", "题1"]:
        assert view.docs(needle) == _brute(alive, needle), needle


def test_a_segment_is_invisible_until_complete(tmp_path, reports):
    (tmp_path / "tmp-99-0badf00d").mkdir()
    view = _open(tmp_path)
    assert view.docs("教育") == set()
    write_segment(tmp_path, 1, list(reports.values()))
    view.refresh({10: 1, 20: 2})  # document 10 holds key 1
    assert view.docs("教育") == {10, 20}
