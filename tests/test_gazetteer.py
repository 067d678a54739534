"""The division gazetteer: names people write, their years, parents and successors."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from archive.gazetteer import (
    GAZETTEER_FILE,
    SUPPLEMENT_FILE,
    GazetteerError,
    load_gazetteer,
    read_gazetteer,
    short_names,
)

ROOT = Path(__file__).resolve().parent.parent
AREACODES = ROOT.parent / "shared" / "data" / "areacodes" / "result.csv"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def names(divisions):
    return sorted((d.code, d.name) for d in divisions)


# --- short names ------------------------------------------------------------------

@pytest.mark.parametrize("full, expected", [
    ("黄骅市", ["黄骅"]),
    ("河北省", ["河北"]),
    ("北京市", ["北京"]),
    ("孟村回族自治县", ["孟村", "孟村县"]),
    ("彭水苗族土家族自治县", ["彭水", "彭水县"]),
    ("积石山保安族东乡族撒拉族自治县", ["积石山", "积石山县"]),
    ("巴音郭楞蒙古自治州", ["巴音郭楞", "巴音郭楞州"]),
    ("海西蒙古族藏族自治州", ["海西", "海西州"]),
    ("龙胜各族自治县", ["龙胜", "龙胜县"]),
    ("东乡族自治县", ["东乡", "东乡县"]),
    ("鄂温克族自治旗", ["鄂温克", "鄂温克旗"]),
    ("梅里斯达斡尔族区", ["梅里斯"]),
    ("内蒙古自治区", ["内蒙古"]),
    ("广西壮族自治区", ["广西"]),
    ("香港特别行政区", ["香港"]),
    ("神农架林区", ["神农架"]),
    ("六枝特区", ["六枝"]),
    ("沧州地区", ["沧州"]),
    ("浦东新区", ["浦东"]),
    ("井陉矿区", ["井陉"]),
    ("锡林郭勒盟", ["锡林郭勒"]),
])
def test_short_names_strip_suffixes_and_ethnic_names(full, expected):
    assert short_names(full) == expected


@pytest.mark.parametrize("full", ["青县", "献县", "城区", "郊区", "新区", "西沙群岛"])
def test_short_names_are_never_a_single_character(full):
    assert short_names(full) == []


# --- loading and lookup -------------------------------------------------------------

def test_loads_every_province_including_the_municipalities(gaz):
    provinces = {d.name for d in gaz.divisions if d.level == "province"}
    assert len(provinces) == 34
    assert {"北京市", "天津市", "上海市", "重庆市", "河北省", "新疆维吾尔自治区"} <= provinces


def test_load_gazetteer_is_cached(gaz):
    assert load_gazetteer() is gaz


def test_lookup_by_full_and_short_name(gaz):
    assert names(gaz.lookup("黄骅市", [2018])) == [("130983", "黄骅市")]
    assert names(gaz.lookup("黄骅", [2018])) == [("130983", "黄骅市")]
    assert names(gaz.lookup("孟村", [2018])) == [("130930", "孟村回族自治县")]
    assert names(gaz.lookup("孟村县", [2018])) == [("130930", "孟村回族自治县")]


def test_lookup_respects_validity_years(gaz):
    # 黄骅 was a county-level city of 沧州地区 until the prefecture became 沧州市 in 1993.
    assert names(gaz.lookup("黄骅", [1990])) == [("132904", "黄骅市")]
    [old] = gaz.lookup("黄骅", [1990])
    assert gaz.parent(old).name == "沧州地区"
    assert gaz.lookup("阳东县", [2018]) == []


def test_historical_name_resolves_to_its_successor(gaz):
    [in_2010] = gaz.resolve("阳东", [2010])
    assert (in_2010.code, in_2010.name, in_2010.start, in_2010.end) == ("441723", "阳东县", 1991, 2014)
    [in_2016] = gaz.resolve("阳东县", [2016])
    assert (in_2016.code, in_2016.name) == ("441704", "阳东区")
    [renamed] = gaz.resolve("襄樊", [2015])
    assert (renamed.code, renamed.name) == ("420600", "襄阳市")


def test_retired_prefecture_leads_to_the_city_that_replaced_it(gaz):
    [city] = gaz.resolve("沧州地区", [2018])
    assert (city.code, city.name) == ("130900", "沧州市")


def test_ambiguous_names_return_every_candidate(gaz):
    assert names(gaz.lookup("朝阳区", [2020])) == [("110105", "朝阳区"), ("220104", "朝阳区")]
    assert len(gaz.lookup("鼓楼区", [2020])) == 4


def test_parent_chain_and_levels(gaz):
    [xian] = gaz.lookup("献县", [2020])
    assert [d.name for d in gaz.chain(xian)] == ["河北省", "沧州市", "献县"]
    assert gaz.province_of(xian).code == "130000"
    assert gaz.city_of(xian).code == "130900"


def test_municipality_districts_sit_directly_under_the_province(gaz):
    [haidian] = gaz.lookup("海淀区", [2020])
    assert [d.name for d in gaz.chain(haidian)] == ["北京市", "海淀区"]
    assert gaz.city_of(haidian) is None


def test_province_administered_county_has_no_prefecture(gaz):
    [xiantao] = gaz.lookup("仙桃", [2020])
    assert [d.name for d in gaz.chain(xiantao)] == ["湖北省", "仙桃市"]


def test_special_area_from_the_supplement(gaz):
    [area] = gaz.lookup("平潭综合实验区", [2020])
    assert area.code is None and area.special and area.level == "city"
    assert gaz.parent(area).name == "福建省"


def test_special_area_takes_over_the_county_it_runs(gaz):
    [later] = gaz.lookup("平潭县", [2016])
    assert later.code == "350128"
    assert gaz.city_of(later).name == "平潭综合实验区"
    [earlier] = gaz.lookup("平潭县", [2005])
    assert gaz.city_of(earlier).name == "福州市"


def test_find_names_is_leftmost_longest(gaz):
    hits = gaz.find_names("河北省沧州市孟村回族自治县和献县")
    assert [h.name for h in hits] == ["河北省", "沧州市", "孟村回族自治县", "献县"]
    assert (hits[1].start, hits[1].end) == (3, 6)


def test_stopnames_are_loaded_and_still_division_names(gaz):
    assert gaz.is_stopname("合作") and gaz.is_stopname("郊区")
    assert not gaz.is_stopname("黄骅")
    assert gaz.lookup("合作", [2020])  # 合作市 still exists; it just may not vote alone


def test_national_bodies_are_listed(gaz):
    assert "国务院" in gaz.national_bodies and "教育部" in gaz.national_bodies


# --- validation of the data files -----------------------------------------------------

def test_a_malformed_row_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "gazetteer.tsv"
    bad.write_text("code\tname\tlevel\tstart\tend\tparent\tsuccessors\n"
                   "110000\t北京市\tplanet\t1981\t\t\t\n", encoding="utf-8")
    stop = tmp_path / "stop.yaml"
    stop.write_text("stopnames: []\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=":2: malformed row"):
        read_gazetteer(bad, SUPPLEMENT_FILE, stop)


def test_a_stopname_that_is_no_division_is_rejected(tmp_path):
    stop = tmp_path / "stop.yaml"
    stop.write_text("stopnames: [合作, 火星]\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="火星"):
        read_gazetteer(GAZETTEER_FILE, SUPPLEMENT_FILE, stop)


# --- the build script ---------------------------------------------------------------

SAMPLE_CSV = """\ufeff代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码
130000,河北省,,河北省,省级,在用,1981,,
130900,河北省,沧州市,沧州市,地级,在用,1983,,
130983,河北省,沧州市,黄骅市,县级,在用,1993,,
132900,河北省,沧州地区,沧州地区,地级,弃用,1981,1993,
132904,河北省,沧州地区,黄骅市,县级,弃用,1989,1993,130983
132930,河北省,沧州地区,黄骅县,县级,弃用,1981,1989,132904
429004,湖北省,直辖,仙桃市,县级,在用,1994,,
420000,湖北省,,湖北省,省级,在用,1981,,
"""


def test_build_script_resolves_parents_and_fills_successors(tmp_path):
    build = _load_build_script()
    source = tmp_path / "result.csv"
    source.write_text(SAMPLE_CSV, encoding="utf-8")
    rows = {r["code"]: r for r in build.convert(build.read_source(source))}
    assert rows["130983"]["parent"] == "130900"
    assert rows["429004"]["parent"] == "420000"  # 直辖: under the province
    assert rows["132930"]["successors"] == "132904"
    # 沧州地区 lists no successor; its counties went to 沧州市.
    assert rows["132900"]["successors"] == "130900"


def test_build_script_rejects_a_county_without_parent(tmp_path):
    build = _load_build_script()
    source = tmp_path / "result.csv"
    source.write_text(SAMPLE_CSV + "131102,河北省,衡水市,桃城区,县级,在用,1996,,\n", encoding="utf-8")
    with pytest.raises(build.SourceFormatError, match="桃城区"):
        build.convert(build.read_source(source))


@pytest.mark.skipif(not AREACODES.exists(), reason="needs ../shared/data/areacodes")
def test_committed_gazetteer_matches_a_fresh_build(tmp_path):
    build = _load_build_script()
    fresh = tmp_path / "gazetteer.tsv"
    build.write_tsv(build.convert(build.read_source(AREACODES)), fresh)
    assert fresh.read_text(encoding="utf-8") == GAZETTEER_FILE.read_text(encoding="utf-8")
