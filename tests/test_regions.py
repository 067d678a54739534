"""Region inference: which division a report comes from, or None when the page does not say."""
from __future__ import annotations

import time

import pytest

from archive.gazetteer import load_gazetteer
from archive.records import Extracted
from archive.regions import find_mentions, infer_region


def report(title="", paragraphs=(), **fields) -> Extracted:
    return Extracted(title=title, paragraphs=list(paragraphs), **fields)


# An anonymised repost of a prefecture's education report: the issuer is hidden as
# xx市, but the counties it names are all in 沧州 (written for this test).
ANONYMISED_CITY = report(
    "教育局2018年工作汇报材料",
    [
        "2018年，全市教育系统在市委、市政府的坚强领导下，圆满完成年初确定的各项任务。",
        "一、学前教育。全市新建、改扩建公办幼儿园56所，黄骅、泊头两地提前完成三年行动计划。",
        ("二、义务教育。认真落实《河北省人民政府关于统筹推进县域内城乡义务教育一体化改革发展的实施意见》，"
         "任丘市、献县、孟村县、盐山县顺利通过国家义务教育发展基本均衡县评估认定。"),
        "三、高中教育。青县、南皮县、东光县、吴桥县、海兴县五县高中招生计划全部完成。",
        "四、教师队伍。xx市教育局联合市人社局招聘教师1200名，其中黄骅市、任丘市各200名。",
        "五、安全稳定。xx市第一中学、xx市第二中学被评为省级平安校园。",
    ],
)


def test_anonymised_issuer_is_found_by_a_vote_of_county_names():
    region = infer_region(ANONYMISED_CITY, [2018])
    assert (region.province, region.city, region.county) == ("河北省", "沧州市", None)
    assert (region.code, region.level) == ("130900", "city")
    assert "黄骅" in " ".join(region.evidence) and "泊头" in " ".join(region.evidence)
    assert 0.3 <= region.confidence < 0.9


def test_anonymised_county_report_votes_for_its_prefecture():
    ex = report("XX县2019年教育工作总结", [
        "2019年，全县教育工作在县委、县政府的领导下，在沧州市教育局的指导下稳步推进。",
        "我县参加沧州市中小学生运动会，获团体第二名；承办沧州市教研工作现场会。",
        "下一步，我县将对标河北省教育现代化要求，补齐短板。",
    ])
    region = infer_region(ex, [2019])
    assert (region.province, region.city, region.level) == ("河北省", "沧州市", "city")


def test_issuer_field_decides_first():
    ex = report("2019年工作总结及2020年工作计划", ["全市教育工作稳步推进。"],
                issuer="阳江市教育局")
    region = infer_region(ex, [2019, 2020])
    assert (region.province, region.city, region.code, region.level) == (
        "广东省", "阳江市", "441700", "city")
    assert region.evidence == ["issuer: 阳江市教育局"]
    assert region.confidence >= 0.85


def test_newspaper_as_issuer_is_not_an_issuing_body():
    ex = report("城市更新的新探索", ["记者从多个部门了解到，相关工作正在推进。"],
                issuer="北京青年报")
    assert infer_region(ex) is None


def test_config_region_wins_and_special_area_has_no_code():
    ex = report("澳前镇信息公开保密审查制度", ["第一条 为做好信息公开保密审查，制定本制度。"],
                issuer="澳前镇", config_region="福建省 平潭综合实验区")
    region = infer_region(ex, [2012])
    assert (region.province, region.city, region.county) == ("福建省", "平潭综合实验区", None)
    assert region.code is None and region.level == "city"
    assert region.label == "福建省 平潭综合实验区"


def test_config_region_can_be_national():
    ex = report("国务院关于印发2021年立法工作计划的通知", ["各省、自治区、直辖市人民政府："],
                config_region="全国")
    region = infer_region(ex, [2021])
    assert region.level == "national" and region.evidence == ["config: 全国"]


def test_issuing_body_in_the_title():
    ex = report("黄骅市人民政府关于做好2020年春季农业生产的通知", ["各乡镇人民政府："])
    region = infer_region(ex, [2020])
    assert (region.city, region.county, region.code, region.level) == (
        "沧州市", "黄骅市", "130983", "county")


def test_signature_line_names_the_issuer():
    ex = report("区公安局2023年第四季度抽查情况", [
        "2023年12月15日，区公安局按照“双随机”抽查工作要求开展检查。",
        "检查情况详见附件。",
        "平潭综合实验区公安局",
        "2023年12月18日",
    ])
    region = infer_region(ex, [2023])
    assert region.label == "福建省 平潭综合实验区"
    assert region.evidence == ["header: 平潭综合实验区公安局"]


def test_sub_unit_after_the_area_is_not_taken_for_another_county():
    # 君山 is a 片区 of 平潭 here, not 岳阳's 君山区.
    ex = report("平潭综合实验区君山片区管理局2022年度工作报告", ["一、主要工作"])
    assert infer_region(ex, [2022]).label == "福建省 平潭综合实验区"


# --- historical names ---------------------------------------------------------------

def test_historical_county_name_in_its_own_years():
    ex = report("阳东县教育局2010年工作总结", ["全县教育工作取得新进展。"])
    region = infer_region(ex, [2010])
    assert (region.province, region.city, region.county) == ("广东省", "阳江市", "阳东县")
    assert region.code == "441723"


def test_historical_name_in_a_later_report_maps_to_the_successor():
    ex = report("阳东县教育局2016年工作总结", ["全区教育工作取得新进展。"])
    region = infer_region(ex, [2016])
    assert (region.county, region.code) == ("阳东区", "441704")


def test_years_default_to_the_publish_date():
    ex = report("阳东县教育局工作总结", ["全县教育工作取得新进展。"], publish_date="2010-12-20")
    assert infer_region(ex).code == "441723"


# --- ambiguous names ----------------------------------------------------------------

def test_ambiguous_district_is_settled_by_the_province_the_text_names():
    ex = report("朝阳区教育局2019年工作总结", [
        "2019年，在长春市教育局和区委、区政府的领导下，全区教育工作稳步推进。",
        "我区学生在吉林省中小学生运动会上获得团体第一名。",
    ])
    region = infer_region(ex, [2019])
    assert (region.province, region.city, region.county, region.code) == (
        "吉林省", "长春市", "朝阳区", "220104")


def test_same_district_name_in_beijing():
    ex = report("朝阳区教育委员会2019年工作总结", [
        "2019年，在北京市委教育工委、市教委的领导下，全区教育工作稳步推进。",
    ])
    region = infer_region(ex, [2019])
    assert (region.province, region.city, region.county, region.code) == (
        "北京市", "北京市", "朝阳区", "110105")


def test_ambiguous_district_without_context_is_not_guessed():
    ex = report("鼓楼区教育局2019年工作总结", ["全区教育工作稳步推进，各项任务圆满完成。"])
    assert infer_region(ex, [2019]) is None


def test_gulou_in_fuzhou_when_fuzhou_is_named():
    ex = report("鼓楼区人民政府关于开展2021年秋季学校安全检查的通知", [
        "各街道办事处：根据福州市教育局统一部署，现就有关事项通知如下。",
    ])
    region = infer_region(ex, [2021])
    assert (region.city, region.code) == ("福州市", "350102")


def test_issuing_body_settled_by_the_province_the_text_names():
    ex = report("鼓楼区人民政府关于做好2020年防汛工作的通知", [
        "各街道办事处：根据河南省防汛抗旱指挥部的部署，现就做好今年防汛工作通知如下。",
    ])
    region = infer_region(ex, [2020])
    assert (region.province, region.city, region.code) == ("河南省", "开封市", "410204")


def test_two_candidates_in_the_named_province_give_the_province_only():
    # 石家庄 and 沧州 both have a 新华区; the text names only 河北省.
    ex = report("新华区人民政府2018年工作报告", ["全区上下认真贯彻河北省委、省政府决策部署。"])
    region = infer_region(ex, [2018])
    assert (region.province, region.city, region.level, region.code) == (
        "河北省", None, "province", "130000")
    assert region.confidence < 0.6


def test_provincial_department_is_province_level():
    ex = report("河北省教育厅关于做好2019年普通高中招生工作的通知", ["各市（含定州、辛集市）教育局："])
    region = infer_region(ex, [2019])
    assert (region.province, region.city, region.level, region.code) == (
        "河北省", None, "province", "130000")


def test_autonomous_prefecture_written_with_a_plain_suffix():
    ex = report("甘孜州教育局2021年工作要点", ["全州教育系统要认真贯彻落实州委、州政府部署。"])
    region = infer_region(ex, [2021])
    assert (region.province, region.city, region.level) == ("四川省", "甘孜藏族自治州", "city")


def test_years_after_the_last_list_use_the_latest_names():
    ex = report("阳东区教育局2025年工作要点", ["全区教育工作要坚持稳中求进。"])
    assert infer_region(ex, [2025]).code == "441704"


# --- central government, municipalities --------------------------------------------

def test_central_government_issuer_is_national():
    ex = report("关于进一步加强中小学生睡眠管理工作的通知", ["各省、自治区、直辖市教育厅（教委）："],
                issuer="教育部办公厅")
    region = infer_region(ex, [2021])
    assert (region.level, region.province, region.label) == ("national", None, "全国")


@pytest.mark.parametrize("title", [
    "国务院办公厅关于印发全民科学素质行动规划纲要的通知",
    "中共中央 国务院关于深化教育教学改革全面提高义务教育质量的意见",
    "国家发展改革委关于做好2022年春运工作的通知",
])
def test_central_body_opening_the_title_is_national(title):
    assert infer_region(report(title, ["各省、自治区、直辖市人民政府："]), [2021]).level == "national"


def test_local_branch_of_a_central_body_is_local():
    ex = report("关于2023年度个人所得税汇算的提示", ["纳税人可通过个人所得税APP办理。"],
                issuer="国家税务总局平潭综合实验区税务局")
    assert infer_region(ex, [2023]).label == "福建省 平潭综合实验区"


def test_education_departments_in_general_are_not_the_ministry():
    ex = report("教育部门要把课后服务做实做细", ["各地教育部门要加强统筹，做好课后服务。"])
    assert infer_region(ex, [2021]) is None


def test_municipality_is_both_province_and_city():
    ex = report("北京市海淀区教育委员会2019年工作总结", ["全区教育工作稳步推进。"])
    region = infer_region(ex, [2019])
    assert (region.province, region.city, region.county) == ("北京市", "北京市", "海淀区")
    assert (region.code, region.level) == ("110108", "county")


def test_municipal_commission_is_city_level():
    ex = report("重庆市教育委员会关于做好2020年普通高校招生工作的通知", ["各区县教委："])
    region = infer_region(ex, [2020])
    assert (region.province, region.city, region.county, region.code, region.level) == (
        "重庆市", "重庆市", None, "500000", "city")


def test_province_administered_county_has_no_city():
    ex = report("济源市人民政府关于印发2020年重点工作的通知", ["各镇人民政府，各街道办事处："])
    region = infer_region(ex, [2020])
    assert (region.province, region.city, region.county, region.code) == (
        "河南省", None, "济源市", "419001")


# --- weak evidence ------------------------------------------------------------------

def test_one_city_named_once_in_passing_is_not_enough():
    ex = report("请教一个关于孩子写作业拖拉的问题", [
        "楼主家孩子上三年级，每天写作业要到晚上十点。",
        "去年暑假带他去过一次杭州，回来后好了一阵子，现在又老样子了。",
        "各位家长有什么好办法吗？",
    ])
    assert infer_region(ex) is None


def test_ordinary_words_that_are_also_division_names_do_not_vote():
    ex = report("加强合作 共促发展", [
        "坚持和平发展道路，深化国际合作，优化资源配置。",
        "推动新兴产业发展，加快乡村振兴，实现共同富裕。",
        "全市中小学持续推进平安校园建设，解放思想，光明在前。",
    ])
    assert infer_region(ex) is None
    gaz = load_gazetteer()
    assert not any(m.strong for m in find_mentions(ex.text, gaz, [2024]))


def test_names_inside_longer_words_are_not_taken_alone():
    text = "在城市中心召开县委常委会，提高县级统筹能力，坚定结论，热火朝天。"
    strong = [m.name for m in find_mentions(text, load_gazetteer(), [2024]) if m.strong]
    assert strong == []


def test_commenter_locations_do_not_count():
    ex = report("大家觉得这个政策怎么样", [f"网友{i}：支持一下\n来自广东" for i in range(6)])
    assert infer_region(ex) is None


def test_a_county_named_throughout_its_own_report():
    ex = report("2019年教育工作总结", [
        "2019年，献县教育工作以办人民满意的教育为目标，稳步推进各项工作。",
        "献县新建幼儿园5所，改扩建小学3所。",
        "献县高考本科上线率再创新高。",
        "2020年，献县教育系统将继续深化改革。",
    ])
    region = infer_region(ex, [2019])
    assert (region.city, region.county, region.level) == ("沧州市", "献县", "county")


# --- performance --------------------------------------------------------------------

def test_inference_takes_well_under_20_ms_on_a_long_report():
    gaz = load_gazetteer()  # loading is paid once per process, not per report
    paragraphs = ANONYMISED_CITY.paragraphs * 30  # about 8,000 characters
    ex = report(ANONYMISED_CITY.title, paragraphs)
    assert 7000 < len(ex.text) < 12000 and gaz
    start = time.perf_counter()
    for _ in range(20):
        infer_region(ex, [2018])
    per_report = (time.perf_counter() - start) / 20
    assert per_report < 0.020
