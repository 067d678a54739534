"""Dates as Chinese pages write them, turned into YYYY-MM-DD.

Formats understood (full-width digits are folded to ASCII first):

| form                       | example                     | result          |
|----------------------------|-----------------------------|-----------------|
| dash / slash / dot         | 2019-4-26 14:58:07, 2019/04/26, 2019.4.26 | 2019-04-26 |
| 年月日 with digits          | 2019年4月26日, 2019 年 04 月 26 号 | 2019-04-26 |
| 年月日 in Chinese numerals  | 二〇一九年四月二十六日, 二零一九年四月廿六日 | 2019-04-26 |
| compact (8 digits)         | 20190426 (parse_date only, or compact=True) | 2019-04-26 |
| relative, needs saved_at   | 刚刚, 半小时前, 1 小时前, 今天 9:30 | saved_at    |
|                            | 昨天 15:30, 前天, 3 天前, 三天前, 2 周前 | saved_at minus days |
| year and month only        | 2019年4月, 2019-04          | None (see parse_year_month) |
| year only                  | 2019年, 二零一九年           | None (see find_years) |

Impossible dates (2019-02-30, month 13) are rejected, and years must fall in
1900–2099 so that numbers such as 3000-1-1 are not taken for dates.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

MIN_YEAR, MAX_YEAR = 1900, 2099
RELATIVE_MAX_CHARS = 30  # a relative date is trusted only in a short date field

# Full-width digits keep the same length when folded, so match offsets stay valid.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DIGITS = "〇○零Ｏ一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十廿卅两"

_SEP_DATE = re.compile(
    r"(?<![\d.])(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d])")
_YMD_DIGITS = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|号|(?![\d月]))")
_YMD_CHINESE = re.compile(
    rf"([{_CN_DIGITS}]{{4}})\s*年\s*([{_CN_SMALL}]{{1,3}})\s*月\s*([{_CN_SMALL}]{{1,3}})\s*[日号]")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_YEAR_MONTH = re.compile(
    rf"(?<!\d)(\d{{4}}|[{_CN_DIGITS}]{{4}})\s*(?:年\s*(\d{{1,2}}|[{_CN_SMALL}]{{1,3}})\s*月"
    r"|([-/.])\s*(\d{1,2})(?![\d./-]))")
_YEAR = re.compile(rf"(?<![\d{_CN_DIGITS}])(\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年")

_NUM = rf"(\d+|[{_CN_SMALL}]+)"
_RELATIVE = [  # (pattern, days before saved_at; None means take the number)
    (re.compile(r"刚刚|刚才"), 0),
    (re.compile(rf"(?:半|{_NUM})\s*个?半?\s*(?:秒钟?|分钟?|小时|钟头)\s*[以之]?前"), 0),
    (re.compile(r"今天|今日"), 0),
    (re.compile(r"昨天|昨日"), 1),
    (re.compile(r"大前天"), 3),
    (re.compile(r"前天"), 2),
    (re.compile(rf"{_NUM}\s*天\s*[以之]?前"), None),
    (re.compile(rf"{_NUM}\s*(?:周|个?星期|个?礼拜)\s*[以之]?前"), "weeks"),
]


def chinese_number(text: str) -> int | None:
    """Value of a small Chinese numeral (一 .. 九十九, 廿六, 卅一) or of ASCII digits."""
    if text.isdigit():
        return int(text)
    if text in ("廿", "卅"):
        return 20 if text == "廿" else 30
    if text[0] in "廿卅":
        rest = chinese_number(text[1:])
        return None if rest is None or rest > 9 else (20 if text[0] == "廿" else 30) + rest
    if "十" in text:
        tens, _, ones = text.partition("十")
        tens_v = 1 if tens == "" else _CN_DIGIT.get(tens)
        ones_v = 0 if ones == "" else _CN_DIGIT.get(ones)
        if tens_v is None or ones_v is None or len(tens) > 1 or len(ones) > 1:
            return None
        return tens_v * 10 + ones_v
    if text == "两":
        return 2
    if len(text) == 1 and text in _CN_DIGIT:
        return _CN_DIGIT[text]
    return None


def chinese_year(text: str) -> int | None:
    """Year written digit by digit (二〇一九, 二零一九) or in ASCII (2019); None if out of range."""
    if text.isdigit():
        value = int(text)
    elif all(ch in _CN_DIGIT for ch in text):
        value = int("".join(str(_CN_DIGIT[ch]) for ch in text))
    else:
        return None
    return value if MIN_YEAR <= value <= MAX_YEAR else None


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _iter_full(text: str, compact: bool):
    """Yield (start, end, iso) for every valid full date, in no particular order."""
    for m in _SEP_DATE.finditer(text):
        yield m.start(), m.end(), _iso(chinese_year(m[1]), int(m[3]), int(m[4]))
    for m in _YMD_DIGITS.finditer(text):
        yield m.start(), m.end(), _iso(chinese_year(m[1]), int(m[2]), int(m[3]))
    for m in _YMD_CHINESE.finditer(text):
        day = chinese_number(m[3])
        yield m.start(), m.end(), _iso(chinese_year(m[1]), chinese_number(m[2]), day)
    if compact:
        for m in _COMPACT.finditer(text):
            yield m.start(), m.end(), _iso(int(m[1]), int(m[2]), int(m[3]))


def find_dates(text: str, compact: bool = False) -> list[tuple[int, int, str]]:
    """All full dates in a text as (start, end, YYYY-MM-DD), in reading order.

    Compact 8-digit dates (20190426) are off by default because in running text
    they are more often phone numbers or serials than dates.
    """
    folded = text.translate(_FULLWIDTH)
    found = sorted(hit for hit in _iter_full(folded, compact) if hit[2])
    result: list[tuple[int, int, str]] = []
    for hit in found:  # drop matches nested inside an earlier one
        if not result or hit[0] >= result[-1][1]:
            result.append(hit)
    return result


def parse_relative(text: str, saved_at: str | None) -> str | None:
    """Resolve 昨天 / 3 天前 / 刚刚 … against the YYYY-MM-DD day the page was saved."""
    if not saved_at:
        return None
    try:
        base = date.fromisoformat(saved_at[:10])
    except ValueError:
        return None
    for pattern, days in _RELATIVE:
        m = pattern.search(text)
        if not m:
            continue
        if days is None or days == "weeks":
            count = chinese_number(m[1])
            if count is None:
                return None
            days = count * (7 if days == "weeks" else 1)
        return (base - timedelta(days=days)).isoformat()
    return None


def parse_date(text: str, saved_at: str | None = None) -> str | None:
    """The first full date in a text as YYYY-MM-DD, else a relative date, else None."""
    if not text:
        return None
    found = find_dates(text)
    if found:
        return found[0][2]
    compact = find_dates(text, compact=True)
    if compact:
        return compact[0][2]
    if _YEAR_MONTH.search(text.translate(_FULLWIDTH)):
        return None  # "2019年4月" names a month, not a day; do not guess
    if len(text.strip()) > RELATIVE_MAX_CHARS:
        return None  # 昨天 inside a sentence is not the date of the page
    return parse_relative(text, saved_at)


def parse_year_month(text: str) -> tuple[int, int] | None:
    """The first (year, month) in a text, from a full date or from 2019年4月 / 2019-04."""
    folded = text.translate(_FULLWIDTH)
    full = find_dates(folded)
    ym = _YEAR_MONTH.search(folded)
    if full and (not ym or full[0][0] <= ym.start()):
        y, m, _ = full[0][2].split("-")
        return int(y), int(m)
    if not ym:
        return None
    year = chinese_year(ym[1])
    month = chinese_number(ym[2] or ym[4])
    if year is None or month is None or not 1 <= month <= 12:
        return None
    return year, month


def find_years(text: str) -> list[tuple[int, int, int]]:
    """Every year written with 年 (2019年, 二〇一九年) as (start, end, year)."""
    folded = text.translate(_FULLWIDTH)
    result = []
    for m in _YEAR.finditer(folded):
        year = chinese_year(m[1])
        if year is not None:
            result.append((m.start(), m.end(), year))
    return result


# ---------------------------------------------------------------------------
# Which years a report reviews and which it plans.
#
# Evidence, strongest first; a later step runs only when the earlier ones found nothing
# (step 3 fills whichever side is still empty).
#
# 1. Title. Each year mention takes its kind from the words that follow it:
#      2019年工作总结及2020年工作计划        report 2019, plan 2020
#      2018年工作汇报 / 2019年统计公报 / 决算  report Y   (总结 汇报 回顾 公报 执行情况 …)
#      2020年工作要点 / 工作计划 / 预算 / 草案 plan Y     (计划 要点 打算 思路 规划 …)
#      2016—2020年 / 2016-2020年 / 2016年至2020年   every year of the range
#      十二五 / 十三五 / 十四五 / 十五五        2011–15 / 2016–20 / 2021–25 / 2026–30
#      2021年政府工作报告 (no year: publish year) report Y-1, plan Y
#      上半年 / 今年 / 前三季度                the publish year
#      明年 / 下一年 / 新的一年                +1 from the year before it, else publish year
#      二〇一九年工作总结                      Chinese numeral years count
#    A year with no kind word takes the kind of the next mention; failing that it is a
#    plan when it lies after the publish year, else a report.
# 2. Opening sentence of the first two paragraphs (salutations such as 各位代表： skipped):
#      2018年，全市… / 2018年以来              report 2018
#      2020年是…之年                          plan if after the publish year (or the same
#                                             year before July), else report
#      今年以来 / 今年                        report, publish year
#      过去一年 / 一年来 / 去年                report, previous year (过去一年 published
#                                             Oct–Dec: the same year)
# 3. Short headings (一、/（一）/第一部分, ≤ 40 characters), only explicit kind words,
#    years inside 《》 ignored:
#      二、2019年主要工作及成效 / 三、2020年工作计划
# 4. Publish date with the kind of the title:
#      总结 / 汇报 / 报告 published Jan–Apr    report previous year, else publish year
#      计划 / 要点 / 规划 published Oct–Dec    plan next year, else publish year
# ---------------------------------------------------------------------------

_YT = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})"
_NOT_BEFORE = r"(?<![\d〇○零一二三四五六七八九十])"
_RANGE = re.compile(
    rf"{_NOT_BEFORE}({_YT})\s*年?度?\s*(?:——|[-—–~～至到])\s*({_YT})(?!\d)\s*年?度?")
# A bare 2019 (no 年) counts in a title unless a unit or bracket follows (2019所, 〔2019〕).
_SINGLE = re.compile(
    rf"{_NOT_BEFORE}(?:(\d{{4}})(?=\s*年|\s*[^\d\s.\-/〕\]）)】"
    r"所人元万个名余多次项家件户台亿千百位篇条%％])"
    r"|([〇○零一二三四五六七八九]{4})(?=\s*年))\s*(?:年度?)?")
_FIVE_YEAR_PLAN = re.compile(
    r"(?<![一二三四五六七八九十〇零两\d])十([一二三四五六七八九])五(?![一二三四五六七八九十年万千百亿个%])")
_RELATIVE_YEAR = re.compile(
    r"(今年|本年度?|上半年|下半年|前三季度|[一二三四1-4]季度|明年|下一?年度?|来年|新的?一年"
    r"|去年|上一?年度)")
_RELATIVE_OFFSET = {"明年": 1, "下年": 1, "下年度": 1, "下一年": 1, "下一年度": 1, "来年": 1,
                    "新一年": 1, "新的一年": 1, "去年": -1, "上年度": -1, "上一年度": -1}

_GOV_REPORT = re.compile(r"政府工作报告")
_REPORT_STRONG = re.compile(
    r"执行情况|完成情况|落实情况|进展情况|总结|汇报|回顾|述职|公报|决算|年报|成效|成绩|盘点|概况"
    r"|工作情况|年鉴")
_PLAN_STRONG = re.compile(r"草案|计划(?!生育)|要点|打算|安排|思路|规划|方案|目标|预算|展望|部署|任务")
_REPORT_WEAK = re.compile(r"报告|情况|统计|数据")
_PLAN_WEAK = re.compile(r"通知|意见|实施|行动")

_BOOK_TITLE = re.compile(r"《[^》]*》")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)")


def _five_year_plan_years(digit: str) -> list[int]:
    # From the 3rd plan (1966) on, plans follow each other every five years.
    start = 1966 + 5 * (10 + _CN_DIGIT[digit] - 3)
    return list(range(start, start + 5))


def _explicit_mentions(text: str) -> list[tuple[int, int, list[int]]]:
    """Year ranges, single years and five-year plans in a title, as (start, end, years)."""
    found: list[tuple[int, int, list[int]]] = []
    for m in _RANGE.finditer(text):
        first, last = chinese_year(m[1]), chinese_year(m[2])
        if first and last and 0 < last - first <= 15:
            found.append((m.start(), m.end(), list(range(first, last + 1))))
    for m in _SINGLE.finditer(text):
        year = chinese_year(m[1] or m[2])
        if year and not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), [year]))
    for m in _FIVE_YEAR_PLAN.finditer(text):
        found.append((m.start(), m.end(), _five_year_plan_years(m[1])))
    return sorted(found)


def _segment_kind(segment: str, strong_only: bool = False) -> str | None:
    """'gov', 'report' or 'plan' from the words after a year; None when they say nothing."""
    if _GOV_REPORT.search(segment):
        return "gov"
    if _REPORT_STRONG.search(segment):
        return "report"
    if _PLAN_STRONG.search(segment):
        return "plan"
    if strong_only:
        return None
    if _REPORT_WEAK.search(segment):
        return "report"
    if _PLAN_WEAK.search(segment):
        return "plan"
    return None


def _publish(publish_date: str | None) -> tuple[int, int] | None:
    if not publish_date:
        return None
    try:
        day = date.fromisoformat(publish_date[:10])
    except ValueError:
        return None
    return day.year, day.month


def _mentions(text: str, pub: tuple[int, int] | None) -> list[tuple[int, int, list[int]]]:
    """Explicit years plus relative ones (今年, 明年, 上半年) resolved to years."""
    explicit = _explicit_mentions(text)
    found = list(explicit)
    for m in _RELATIVE_YEAR.finditer(text):
        if any(s <= m.start() < e for s, e, _ in explicit):
            continue
        before = [years[-1] for s, _, years in explicit if s < m.start()]
        base = before[-1] if before else (pub[0] if pub else None)
        if base is not None:
            found.append((m.start(), m.end(), [base + _RELATIVE_OFFSET.get(m[1], 0)]))
    return sorted(found)


def _add(side: dict[str, set[int]], kind: str, years: list[int]) -> None:
    if kind == "gov":  # a 政府工作报告 of year Y reviews Y-1 and plans Y
        side["report"].update(y - 1 for y in years)
        side["plan"].update(years)
    else:
        side[kind].update(years)


def _title_years(title: str, pub: tuple[int, int] | None) -> dict[str, set[int]]:
    side: dict[str, set[int]] = {"report": set(), "plan": set()}
    mentions = _mentions(title, pub)
    if not mentions and pub and _GOV_REPORT.search(title):
        mentions = [(0, 0, [pub[0]])]
    kind_after = None  # a year with no words of its own takes the kind of the next one
    for i in range(len(mentions) - 1, -1, -1):
        start, end, years = mentions[i]
        stop = mentions[i + 1][0] if i + 1 < len(mentions) else len(title)
        kind = _segment_kind(title[end:stop]) or kind_after
        if kind is None:
            kind = "plan" if pub and years[0] > pub[0] else "report"
        _add(side, kind, years)
        kind_after = kind
    return side


def _opening_years(paragraphs: list[str], pub: tuple[int, int] | None) -> dict[str, set[int]]:
    side: dict[str, set[int]] = {"report": set(), "plan": set()}
    # Salutations such as 各位代表： are not the opening sentence.
    opening = [p.strip() for p in paragraphs[:5]
               if p.strip() and not p.strip().endswith(("：", ":"))]
    for para in opening[:2]:
        sentence = re.split(r"[。！；]", para.translate(_FULLWIDTH), maxsplit=1)[0][:80]
        m = re.search(rf"{_NOT_BEFORE}({_YT})\s*年度?\s*(以来|来|[，,]|是)", sentence)
        year = chinese_year(m[1]) if m else None
        if year and m[2] == "是" and pub:
            later = year > pub[0] or (year == pub[0] and pub[1] < 7)
            side["plan" if later else "report"].add(year)
        elif year:
            side["report"].add(year)
        elif pub and re.search(r"今年以来|今年来|^今年|本年度以来|年初以来", sentence):
            side["report"].add(pub[0])
        elif pub and re.search(r"过去的?一年|一年来|^去年", sentence):
            side["report"].add(pub[0] if pub[1] >= 10 and "去年" not in sentence else pub[0] - 1)
        if side["report"] or side["plan"]:
            break
    return side


def _heading_years(paragraphs: list[str]) -> dict[str, set[int]]:
    side: dict[str, set[int]] = {"report": set(), "plan": set()}
    for para in paragraphs:
        text = para.strip()
        if len(text) > 40 or not _HEADING.match(text):
            continue
        text = _BOOK_TITLE.sub("", text)  # years of documents cited are not the report's
        mentions = _explicit_mentions(text)
        for i, (start, end, years) in enumerate(mentions):
            stop = mentions[i + 1][0] if i + 1 < len(mentions) else len(text)
            kind = _segment_kind(text[end:stop], strong_only=True)
            if kind:
                _add(side, kind, years)
    return side


def _publish_years(title: str, pub: tuple[int, int]) -> dict[str, set[int]]:
    side: dict[str, set[int]] = {"report": set(), "plan": set()}
    kind = _segment_kind(title)
    if kind in ("report", "gov"):
        side["report"].add(pub[0] - 1 if pub[1] <= 4 else pub[0])
    if kind in ("plan", "gov"):
        side["plan"].add(pub[0] + 1 if pub[1] >= 10 else pub[0])
    return side


def infer_years(title: str, paragraphs: list[str],
                publish_date: str | None) -> tuple[list[int], list[int]]:
    """(report_years, plan_years): the years a report reviews and the years it plans."""
    pub = _publish(publish_date)
    title = (title or "").translate(_FULLWIDTH)
    side = _title_years(title, pub)
    if not side["report"] and not side["plan"]:
        side = _opening_years(paragraphs, pub)
    headings = _heading_years(paragraphs)
    for key in ("report", "plan"):
        if not side[key]:
            side[key] = headings[key]
    if not side["report"] and not side["plan"] and pub:
        side = _publish_years(title, pub)
    return sorted(side["report"]), sorted(side["plan"])
