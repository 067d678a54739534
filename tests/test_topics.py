"""Topics of a report: domain from issuer then text, doctype from title, themes by section."""
import textwrap

import pytest

from archive.records import Topics
from archive.topics import (ALL_DOMAINS, TaxonomyError, classify_doctype, classify_topics,
                            default_taxonomy, load_taxonomy)

STATE_COUNCIL_CLASSES = [
    "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源",
    "农业、林业、水利", "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管",
    "城乡建设、环境保护", "科技、教育", "文化、广电、新闻出版", "卫生、体育",
    "人口与计划生育、妇女儿童工作", "劳动、人事、监察", "公安、安全、司法", "民政、扶贫、救灾",
    "民族、宗教", "对外事务", "港澳台侨工作", "国防", "国务院组织机构",
]

# A county education bureau's year report, written for these tests.
EDUCATION_REPORT = [
    "2019年，全县教育系统在县委、县政府的领导下，各项工作取得新进展。",
    "一、学前教育普惠发展",
    "新建公办幼儿园6所，改扩建幼儿园4所，新增学前教育学位1800个，学前三年毛入园率达到92%。"
    "认定普惠性民办幼儿园12所，开展幼儿园保教质量评估，清理整治无证园15所。",
    "二、义务教育均衡发展",
    "全面落实控辍保学责任，义务教育巩固率达到98%。消除大班额126个，新建标准化学校3所。"
    "保障随迁子女入学，小学、初中划片招生政策平稳实施。",
    "三、教师队伍建设",
    "加强师德师风建设，开展教师培训3200人次，招聘特岗教师120名，推进县管校聘改革和"
    "校长教师交流轮岗，乡村教师生活补助按时发放。",
    "四、学生资助",
    "发放助学金860万元，办理生源地助学贷款2100人，建档立卡贫困学生资助全覆盖，"
    "营养改善计划惠及学生3万人。",
    "五、校园安全",
    "开展防溺水专题教育和应急演练，排查校园周边安全隐患，校车运行平稳，创建平安校园20所。",
    "六、党建与作风建设",
    "落实全面从严治党主体责任，开展不忘初心、牢记使命主题教育，加强基层党组织建设，"
    "严格执行中央八项规定精神，党风廉政建设持续加强。",
]

PASSING_EPIDEMIC = ("同时，受新冠肺炎疫情影响，春季学期开学推迟，我们坚持疫情防控和教育教学"
                    "两手抓，做好疫情防控。")


def long_report_with(extra: list[str]) -> list[str]:
    """The education report padded with neutral prose so it is as long as a real one."""
    filler = "全县各级各类学校按照年初部署，逐项推进年度目标任务，各项指标均按计划完成。" * 4
    return EDUCATION_REPORT + [filler] * 40 + extra


def test_taxonomy_has_the_21_state_council_classes_and_a_fallback():
    names = [d.name for d in default_taxonomy().domains]
    assert names[:21] == STATE_COUNCIL_CLASSES
    assert default_taxonomy().fallback_domain == "其他" and "其他" in names


def test_result_is_the_shared_topics_record():
    assert isinstance(classify_topics("工作总结", None, EDUCATION_REPORT), Topics)


# --- domain -------------------------------------------------------------------

@pytest.mark.parametrize("issuer, domain", [
    ("阳江市教育局", "科技、教育"),
    ("广东省教育厅", "科技、教育"),
    ("某县教体局", "科技、教育"),
    ("某市卫健委", "卫生、体育"),
    ("某县财政局", "财政、金融、审计"),
    ("某市公安局", "公安、安全、司法"),
    ("某市民政局", "民政、扶贫、救灾"),
    ("某市文化广电旅游局", "文化、广电、新闻出版"),  # longest fragment wins over 旅游局
    ("某市旅游局", "商贸、海关、旅游"),
    ("某市退役军人事务局", "国防"),
])
def test_domain_comes_from_the_issuer_first(issuer, domain):
    topics = classify_topics("2019年工作总结", issuer, ["全年工作平稳有序。"])
    assert topics.domain == [domain]


def test_without_an_issuer_the_organisation_in_the_title_decides():
    assert classify_topics("某县教育局2019年工作总结", None, ["全年工作平稳。"]).domain == ["科技、教育"]


def test_without_issuer_or_organisation_the_text_decides():
    text = ["全市公安机关深入开展扫黑除恶专项斗争，破获刑事案件320起，治安形势持续好转。",
            "加强社区矫正和法律援助工作，普法宣传覆盖全部社区，民警下沉一线。"]
    assert classify_topics("2019年工作总结", None, text).domain == ["公安、安全、司法"]
    assert classify_topics("2019年工作总结", None, EDUCATION_REPORT).domain == ["科技、教育"]


def test_no_evidence_gives_the_fallback_domain():
    assert classify_topics("会议召开", None, ["会议于上午召开。"]).domain == ["其他"]


def test_a_passing_mention_of_another_field_does_not_add_a_domain():
    text = EDUCATION_REPORT + ["配合卫生部门做好学生体检。"]
    assert classify_topics("工作总结", "某县教育局", text).domain == ["科技、教育"]


def test_a_text_clearly_about_another_field_adds_its_domain():
    text = ["转发市卫健委通知：各医院要做好公共卫生应急准备，落实传染病报告制度，",
            "基层医疗机构做好疫苗接种和家庭医生签约服务，医保部门保障医疗费用结算。",
            "中医药机构参与传染病防治，公共卫生监测覆盖全部医院。"]
    assert classify_topics("关于转发的通知", "某县教育局", text).domain == ["科技、教育", "卫生、体育"]


# --- doctype ------------------------------------------------------------------

@pytest.mark.parametrize("title, doctypes", [
    ("阳江市教育局2019年工作总结及2020年工作计划", ["总结及计划"]),
    ("某县教育局2019年工作总结", ["工作总结"]),
    ("2020年工作要点", ["工作计划/要点"]),
    ("教育局2018年工作汇报材料", ["工作汇报"]),
    ("2021年政府工作报告", ["政府工作报告"]),
    ("2019年某市国民经济和社会发展统计公报", ["统计公报"]),
    ("某市教育事业发展“十四五”规划（2021-2025年）", ["规划"]),
    ("某县教育局2020年部门预算", ["预决算"]),
    ("某县教育局2019年部门决算公开", ["预决算"]),
    ("关于推进集团化办学的实施方案", ["实施方案"]),
    ("关于印发2020年工作要点的通知", ["工作计划/要点", "通知"]),
    ("关于加快发展学前教育的实施意见", ["意见"]),
    ("关于2019年度考核结果的通报", ["通报"]),
    ("关于教育经费使用情况的报告", ["报告"]),
    ("关于表彰优秀教师的决定", ["决定"]),
    ("2020年教师招聘公告", ["公告"]),
    ("关于疫情期间暂停线下培训的通告", ["通告"]),
    ("关于同意设立某小学的批复", ["批复"]),
    ("关于商请协助开展调研的函", ["函"]),
    ("局长办公会议纪要", ["纪要"]),
    ("2020年拟招聘教师名单公示", ["公示"]),
    ("某市中小学学籍管理办法（试行）", ["办法"]),
    ("计划生育奖励扶助办法", ["办法"]),  # 计划生育 is not a 工作计划
    ("校园随笔一则", []),
])
def test_doctype_from_the_title(title, doctypes):
    assert classify_doctype(default_taxonomy(), title) == doctypes


def test_doctype_falls_back_to_the_doc_number():
    tax = default_taxonomy()
    assert classify_doctype(tax, "关于协助做好调研工作", "某教函〔2020〕12号") == ["函"]
    assert classify_doctype(tax, "关于某事项", "某政复〔2020〕3号") == ["批复"]
    # a title that says what it is wins over the doc number
    assert classify_doctype(tax, "关于某事项的通知", "某教函〔2020〕12号") == ["通知"]


# --- subtopics ----------------------------------------------------------------

def test_education_report_gets_the_themes_it_has_sections_on():
    subtopics = classify_topics("2019年工作总结", "某县教育局", EDUCATION_REPORT).subtopics
    assert set(subtopics) == {"学前教育", "义务教育", "教师队伍", "学生资助/教育扶贫",
                              "校园安全", "党建与作风"}


@pytest.mark.parametrize("paragraphs", [
    long_report_with([PASSING_EPIDEMIC]),
    EDUCATION_REPORT + [PASSING_EPIDEMIC],  # short report: dense, but not its main theme
])
def test_one_paragraph_that_mentions_the_epidemic_does_not_make_it_a_theme(paragraphs):
    topics = classify_topics("2020年工作总结", "某县教育局", paragraphs)
    assert "疫情防控" not in topics.subtopics


def test_a_section_on_the_epidemic_makes_it_a_theme():
    section = ["七、疫情防控", PASSING_EPIDEMIC]
    topics = classify_topics("2020年工作总结", "某县教育局", long_report_with(section))
    assert "疫情防控" in topics.subtopics


def test_epidemic_work_in_two_paragraphs_makes_it_a_theme():
    second = "严格落实晨午检和因病缺勤追踪，开学前完成全体师生核酸检测，常态化防控不放松。"
    topics = classify_topics("2020年工作总结", "某县教育局",
                             long_report_with([PASSING_EPIDEMIC, second]))
    assert "疫情防控" in topics.subtopics


def test_a_short_notice_about_the_epidemic_is_about_the_epidemic():
    notice = ["各学校：为做好新冠肺炎疫情防控，落实晨午检制度，开学前完成核酸检测，做好复学复课准备。"]
    topics = classify_topics("关于做好开学工作的通知", "某县教育局", notice)
    assert topics.subtopics == ["疫情防控"]


def test_a_dedicated_paragraph_without_heading_is_a_theme():
    paragraph = ("开展校外培训机构专项治理，排查培训机构310所，整改有偿补课问题，"
                 "落实双减要求，规范学科类培训，切实减轻学生课外负担。")
    topics = classify_topics("2021年工作总结", "某县教育局", long_report_with([paragraph]))
    assert "校外培训治理" in topics.subtopics


def test_themes_follow_the_domain():
    report = ["一、医疗服务", "推进医共体建设和分级诊疗，家庭医生签约服务覆盖率提升，基层医疗能力增强。",
              "二、公共卫生", "做好传染病防控和预防接种，开展爱国卫生运动，慢性病管理规范。",
              "三、学前教育", "托幼机构卫生保健检查，幼儿园保健人员培训。"]
    topics = classify_topics("2019年工作总结", "某市卫健委", report)
    assert topics.domain == ["卫生、体育"]
    assert "医疗服务" in topics.subtopics and "公共卫生" in topics.subtopics
    assert "学前教育" not in topics.subtopics  # an education theme, not looked for here


def test_every_education_theme_is_defined():
    themes = {t.name for t in default_taxonomy().subtopics["科技、教育"]}
    themes |= {t.name for t in default_taxonomy().subtopics[ALL_DOMAINS]}
    assert themes >= {"学前教育", "义务教育", "高中教育", "职业教育", "高等教育", "特殊教育",
                      "教师队伍", "学生资助/教育扶贫", "校园安全", "党建与作风", "德育与素质教育",
                      "教育信息化", "督导评估", "招生考试", "经费与基建", "校外培训治理", "疫情防控"}


# --- a researcher's own taxonomy, and its mistakes ------------------------------

MINIMAL = """\
fallback_domain: 其他
domains:
  - name: 农业、林业、水利
    issuers: [农业农村局]
    keywords: {农业: 2, 粮食: 2}
  - name: 其他
doctypes:
  - name: 通知
    title: ['通知$']
subtopics:
  农业、林业、水利:
    粮食生产: {粮食: 3, 播种: 3, 单产: 3}
"""


def write(tmp_path, text):
    path = tmp_path / "topics.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_researcher_can_add_themes_for_another_domain(tmp_path):
    tax = load_taxonomy(write(tmp_path, MINIMAL))
    report = ["一、粮食生产", "全年粮食播种面积稳定，单产提高，粮食总产再创新高。"]
    topics = classify_topics("关于春耕的通知", "某县农业农村局", report, taxonomy=tax)
    assert topics == Topics(domain=["农业、林业、水利"], doctype=["通知"], subtopics=["粮食生产"])


@pytest.mark.parametrize("change, key, problem", [
    (("粮食: 2}", "粮食: -1}"), "domains[0] (农业、林业、水利).keywords.粮食", "positive number"),
    (("粮食: 2}", "粮食: many}"), "domains[0] (农业、林业、水利).keywords.粮食", "positive number"),
    (("title: ['通知$']", "title: ['通知(']"), "doctypes[0] (通知).title[0]", "bad regular expression"),
    (("  农业、林业、水利:\n    粮食生产", "  林业:\n    粮食生产"), "subtopics.林业", "not a domain name"),
    (("fallback_domain: 其他", "fallback_domain: 杂项"), "fallback_domain", "not one of the domains"),
    (("    issuers: [农业农村局]", "    issuers: 农业农村局"), "domains[0] (农业、林业、水利).issuers", "list"),
    (("    title: ['通知$']", "    title: ['通知$']\n    excludes: [公告]"),
     "doctypes[0] (通知).excludes", "no doctype named '公告'"),
    (("fallback_domain: 其他", "fallback_domain: 其他\nrules: {subtopic_min_scor: 3}"),
     "rules.subtopic_min_scor", "unknown rule"),
    (("  - name: 其他", "  - name: 其他\n  - name: 其他"), "domains[2].name", "defined twice"),
])
def test_mistakes_are_reported_with_file_key_and_problem(tmp_path, change, key, problem):
    path = write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert str(path) in message and key in message and problem in message


def test_broken_yaml_is_reported_with_the_file(tmp_path):
    path = write(tmp_path, "domains:\n  - name: [unclosed\n")
    with pytest.raises(TaxonomyError, match="not valid YAML") as err:
        load_taxonomy(path)
    assert str(path) in str(err.value)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(TaxonomyError, match="not found"):
        load_taxonomy(tmp_path / "nope.yaml")


def test_the_shipped_taxonomy_is_valid():
    load_taxonomy()


def test_keyword_hits_count_each_occurrence_once_and_nested_words_inside_longer_hits_not_at_all():
    from archive.topics import KeywordSet, WordFinder, _hits

    words = KeywordSet("t", (("学前教育", 3.0, False), ("教育", 1.0, True), ("哈哈", 0.5, False)))
    text = "学前教育和教育，教育教育。哈哈哈"
    found = WordFinder(w for w, _, _ in words.words).starts(text)
    assert found["哈哈"] == [13, 14]  # every occurrence; _hits keeps those that do not overlap
    assert _hits(found, words) == [(0, 3.0), (5, 1.0), (8, 1.0), (10, 1.0), (13, 0.5)]
