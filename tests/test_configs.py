"""Site configs: the shipped ones load, and bad ones fail with file, key and problem."""
import pytest

from archive.configs import ConfigError, load_configs, parse_config
from archive.extract import PageView, check_config, match_config
from archive.htmltext import parse_html

REQUIRED_FAMILIES = {
    "flarum",
    "discuz_x3", "discuz_7", "discuz_archiver", "phpwind", "tieba", "trs_wcm",
    "gov_xxgk_detail", "hanweb_jcms", "gov_cn_zhengce", "discuz_text_dump",
    "gov_xxgk_text_dump",
}


def write(tmp_path, name: str, text: str):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_configs_load_and_cover_every_family():
    configs = load_configs()
    assert REQUIRED_FAMILIES <= {c.name for c in configs.sites}
    assert configs.defaults.meta_labels["索引号"] == "index_number"
    assert configs.defaults.meta_labels["成文日期"] == "written_date"


def test_unknown_key_names_file_and_key(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nbodyy: ['div']\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: unknown key 'bodyy'"):
        load_configs(tmp_path)


def test_unknown_nested_key_names_its_path(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nmatch:\n  host: ['a']\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: unknown key 'match\.host'"):
        load_configs(tmp_path)


def test_wrong_type_is_reported(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nbody: div.content\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: key 'body' must be a list, got str"):
        load_configs(tmp_path)


def test_bad_css_selector_is_caught_at_load_time(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nbody: ['div[[class']\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: key 'body': bad CSS selector 'div\[\[class'"):
        load_configs(tmp_path)


def test_bad_regex_is_caught_at_load_time(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nkind: text\ntext:\n  end_before: ['(unclosed']\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: key 'text\.end_before': bad regex"):
        load_configs(tmp_path)


def test_meta_label_must_map_to_a_known_field(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nmeta_labels:\n  索引号: index\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: key 'meta_labels\.索引号' maps to 'index'"):
        load_configs(tmp_path)


def test_posts_need_post_and_content(tmp_path):
    write(tmp_path, "bad.yaml", "name: x\nposts:\n  post: 'div.post'\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: key 'posts\.content' is required"):
        load_configs(tmp_path)


def test_bad_kind_and_missing_name(tmp_path):
    with pytest.raises(ConfigError, match=r"a\.yaml: key 'kind' must be 'html' or 'text'"):
        parse_config({"name": "x", "kind": "pdf"}, "a.yaml")
    with pytest.raises(ConfigError, match=r"a\.yaml: key 'name' is required"):
        parse_config({"body": ["div"]}, "a.yaml")


def test_not_a_mapping_and_invalid_yaml(tmp_path):
    write(tmp_path, "list.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError, match=r"list\.yaml: the file must hold a mapping"):
        load_configs(tmp_path)
    (tmp_path / "list.yaml").unlink()
    write(tmp_path, "broken.yaml", "name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML"):
        load_configs(tmp_path)


def test_duplicate_names_are_refused(tmp_path):
    write(tmp_path, "a.yaml", "name: same\n")
    write(tmp_path, "b.yaml", "name: same\n")
    with pytest.raises(ConfigError, match="used twice: same"):
        load_configs(tmp_path)


def test_dom_all_is_a_prerequisite_and_score_must_reach_min_score():
    config = parse_config({
        "name": "demo", "match": {"dom_all": ["div.post"], "dom_any": ["span.time", "span.author"], "min_score": 3},
        "body": ["div.post"],
    }, "demo.yaml")
    missing = PageView("html", root=parse_html("<div class='x'><span class='time'>1</span></div>"))
    assert check_config(config, missing).detail == "dom_all 'div.post' not found"
    weak = PageView("html", root=parse_html("<div class='post'><span class='time'>1</span></div>"))
    assert not check_config(config, weak).matched  # 1 + 1 = 2 < 3
    strong = PageView("html", root=parse_html("<div class='post'><span class='time'>1</span><span class='author'>a</span></div>"))
    assert check_config(config, strong).matched


def test_host_and_generator_each_score_two(tmp_path):
    write(tmp_path, "a.yaml", "name: a\nmatch:\n  hosts: ['example\\.org$']\n  min_score: 2\nbody: ['p']\n")
    write(tmp_path, "b.yaml", "name: b\nmatch:\n  generator: ['Demo CMS']\n  hosts: ['example\\.org$']\n  min_score: 4\nbody: ['p']\n")
    configs = load_configs(tmp_path)
    root = parse_html("<html><head><meta name='generator' content='Demo CMS 2'></head><body><p>x</p></body></html>")
    best, tests = match_config(configs, PageView("html", root=root, host="www.example.org", generator="Demo CMS 2"))
    assert best.name == "b"  # score 4 beats score 2
    assert all(t.matched for t in tests)
