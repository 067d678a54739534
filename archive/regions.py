"""Where a report comes from: a division inferred from what the page says about itself.

Evidence is taken in order, and the first source that names a place decides:

1. the site config's fixed region (extracted.config_region);
2. the 发布机构 field (extracted.issuer): 阳江市教育局 -> 广东省 阳江市;
3. the title, then an issuing body in the first or last short lines
   (平潭综合实验区公安局 above a date);
4. a vote of the division names in the whole text, for anonymised (xx市) or
   unnamed issuers: each division counts once (a little more when repeated),
   an ambiguous name is split between its candidates, and a name that is also an
   ordinary word (region_stopnames.yaml) or stuck inside a longer word only
   supports a region that other names already point to.

Central bodies (国务院, 教育部, ...) as issuer make the report national. When the
evidence is thin (one city named once in passing) the answer is None.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archive.gazetteer import LATEST_YEAR, Division, Gazetteer, load_gazetteer
from archive.records import Extracted, Region

FIRST_YEAR = 1981  # first year of the MCA lists
CONFIDENCE = {"config": 0.95, "issuer": 0.9, "title": 0.8, "header": 0.75, "title subject": 0.6}
MIN_VOTE = 2.0  # a group needs two distinct names, or one name four times
# A page that hides its issuer (xx市) is known to be about one place, so less will do.
MIN_VOTE_ANONYMISED = 1.5
WEAK_WEIGHT = 0.5  # an ordinary-word or embedded name is half a vote, and never alone
MIN_PROVINCE_VOTE = 3.0  # names agreeing on a province but not on one city
MAX_CANDIDATES = 4  # a name shared by more divisions than this says nothing
HEADER_LINES = 3  # lines at each end of the text searched for an issuing body
HEADER_LINE_CHARS = 40

# Bodies that issue documents; a place right before one of these is the issuer.
ORG_WORDS = re.compile(
    r"^[\u4e00-\u9fff]{0,12}?(?:人民政府|政府|委员会|管委会|管理委员会|管理局|办公室|办公厅"
    r"|党委|党工委|人大|政协|法院|检察院|局|厅|委|办|中心|站|所|处)")
ANONYMISED = re.compile(r"(?:(?<![A-Za-z])[xXｘＸ×]{1,4}|[＊*]{1,4}|某)(省|市|县|区|州|盟|旗)")
PARTY_PREFIX = re.compile(r"^(?:中共|中国共产党)")
LABEL_PREFIX = re.compile(r"^(?:发布机构|发文机关|发文单位|发布单位|信息来源|来源|主办单位)\s*[:：]\s*")
MEDIA = re.compile(r"报|网|新闻|电视|广播|频道|传媒")  # newspapers and sites are not issuers
# Characters after which a two-character name still starts a word (在黄骅, 赴任丘).
BOUNDARY_CHARS = set("在到赴于至从往去回驻与和及同跟向对由是为")
IP_LOCATION = re.compile(r"(?:来自|IP属地[:：]?)\s*$")
CJK = re.compile(r"[\u4e00-\u9fff]")
NATIONAL_LABELS = ("全国", "中央", "国家")  # what a site config writes for a national site


@dataclass(frozen=True)
class Mention:
    """A division name found in the text, with the divisions it may mean."""

    name: str
    start: int
    end: int
    candidates: tuple[Division, ...]
    strong: bool  # may decide a region alone


def infer_region(extracted: Extracted, years: list[int] | None = None) -> Region | None:
    """The region a report belongs to, or None when the page does not say clearly."""
    gaz = load_gazetteer()
    years = _clamp(years or _years_of(extracted))
    text = "\n".join([extracted.title, *extracted.paragraphs])
    mentions = find_mentions(text, gaz, years)
    return (_from_config(extracted.config_region, gaz, years)
            or _from_issuer(extracted.issuer, gaz, years, mentions)
            or _from_title(extracted.title, gaz, years, mentions)
            or _from_header_lines(extracted.paragraphs, gaz, years, mentions)
            or vote_region(mentions, gaz, _anonymised_level(text)))


def find_mentions(text: str, gaz: Gazetteer, years: list[int]) -> list[Mention]:
    """Division names in `text` with their candidates in `years`."""
    mentions, prev_end, resolved = [], -1, {}
    for hit in gaz.find_names(text):
        if IP_LOCATION.search(text[max(0, hit.start - 6):hit.start]):
            continue  # 来自北京 / IP属地：北京 says where a commenter is, not the report
        if hit.name not in resolved:
            resolved[hit.name] = tuple(gaz.resolve(hit.name, years))
        candidates = resolved[hit.name]
        strong = not gaz.is_stopname(hit.name) and (
            len(hit.name) > 2 or _stands_alone(text, hit.start, prev_end))
        mentions.append(Mention(hit.name, hit.start, hit.end, candidates, strong))
        prev_end = hit.end
    return mentions


def _stands_alone(text: str, start: int, prev_end: int) -> bool:
    """True if a two-character name is a word of its own, not part of 城市中 or 召开县委."""
    before = text[start - 1] if start > 0 else ""
    return start == prev_end or not CJK.match(before) or before in BOUNDARY_CHARS


def _years_of(extracted: Extracted) -> list[int]:
    dates = [extracted.publish_date, extracted.written_date]
    return [int(d[:4]) for d in dates if d and d[:4].isdigit()]


def _clamp(years: list[int]) -> list[int]:
    """Years moved into the span of the MCA lists (a 2025 report uses the 2024 list)."""
    return sorted({min(max(y, FIRST_YEAR), LATEST_YEAR) for y in years}) or [LATEST_YEAR]


# --- sources that name the issuer -------------------------------------------------

def _from_config(config_region: str | None, gaz: Gazetteer, years: list[int]) -> Region | None:
    """The site config's fixed region string, e.g. '福建省 平潭综合实验区'."""
    if not config_region:
        return None
    if config_region.strip() in NATIONAL_LABELS:
        return _national_region("config", config_region)
    found = find_mentions(config_region, gaz, years)
    divisions = resolve_phrase(found, gaz)[1] if found else []
    if len(divisions) != 1:
        return None
    return region_of(divisions[0], gaz, CONFIDENCE["config"], [f"config: {config_region}"])


def _from_issuer(issuer: str | None, gaz: Gazetteer, years: list[int],
                 context: list[Mention]) -> Region | None:
    """The 发布机构 field: a central body, or a place followed by 局/政府/委员会..."""
    if not issuer:
        return None
    return _body_or_national(_strip_label(issuer), "issuer", gaz, years, context)


def _from_title(title: str, gaz: Gazetteer, years: list[int],
                context: list[Mention]) -> Region | None:
    """A central body or an issuing body opening the title, else the first place in it."""
    body = _strip_label(title)
    if not body:
        return None
    region = _body_or_national(body, "title", gaz, years, context)
    if region:
        return region
    found = [m for m in find_mentions(body, gaz, years) if m.strong]
    for phrase in _phrases(found, body):
        region = _decide(phrase, "title", body, CONFIDENCE["title subject"], gaz, context)
        if region:
            return region
    return None


def _from_header_lines(paragraphs: list[str], gaz: Gazetteer, years: list[int],
                       context: list[Mention]) -> Region | None:
    """An issuing body alone on one of the first or last short lines (a letterhead, a signature)."""
    ends = paragraphs[:HEADER_LINES] + paragraphs[-HEADER_LINES:]
    for line in (_strip_label(p) for p in ends):
        if line and len(line) <= HEADER_LINE_CHARS:
            region = _issuing_body(line, "header", gaz, years, context)
            if region:
                return region
    return None


def _strip_label(text: str) -> str:
    """Text without a leading field label such as 来源： or 发布机构："""
    return LABEL_PREFIX.sub("", text.strip()).strip()


def _body_or_national(text: str, source: str, gaz: Gazetteer, years: list[int],
                      context: list[Mention]) -> Region | None:
    """National for a central body opening `text`, else the issuing body opening it."""
    body, rest = _split_national(text, gaz)
    if body is None:
        return _issuing_body(text, source, gaz, years, context)
    # 国家税务总局平潭综合实验区税务局 is a local branch, named by the place after the body.
    branch = _issuing_body(rest, source, gaz, years, context, label=text)
    if branch or any(m.start == 0 for m in find_mentions(rest, gaz, years)):
        return branch
    return _national_region(source, text)


def _national_region(source: str, text: str) -> Region:
    return Region(None, None, None, None, "national", CONFIDENCE[source], [f"{source}: {text.strip()}"])


def _split_national(text: str, gaz: Gazetteer) -> tuple[str | None, str]:
    """The central body `text` opens with (中共 allowed before it) and the rest of the text."""
    for candidate in (text, PARTY_PREFIX.sub("", text)):
        body = next((b for b in gaz.national_bodies if candidate.startswith(b)), None)
        if body and candidate[len(body):len(body) + 1] != "门":  # 教育部门: any education office
            return body, candidate[len(body):].strip()
    return None, text


def _issuing_body(line: str, source: str, gaz: Gazetteer, years: list[int],
                  context: list[Mention], label: str | None = None) -> Region | None:
    """The region of a line that opens with a place and an organisation (阳江市教育局)."""
    line = PARTY_PREFIX.sub("", line)
    found = [m for m in find_mentions(line, gaz, years) if m.strong]
    if not found or found[0].start != 0:
        return None
    used, _ = resolve_phrase(_phrases(found, line)[0], gaz)
    org = ORG_WORDS.match(line[used[-1].end:])
    if not org or MEDIA.search(org.group()):
        return None  # 上海奉贤, 北京青年报: a place, but no issuing body
    return _decide(used, source, label or line, CONFIDENCE[source], gaz, context)


def _decide(phrase: list[Mention], source: str, label: str, confidence: float,
            gaz: Gazetteer, context: list[Mention]) -> Region | None:
    """The region of a place phrase, using the rest of the text to split ambiguous names."""
    divisions = resolve_phrase(phrase, gaz)[1]
    evidence = [f"{source}: {label.strip()}"]
    if len(divisions) > 1:
        divisions = _highest(divisions, gaz) or _prefer_supported(divisions, gaz, context)
        confidence -= 0.15
    if len(divisions) == 1:
        return region_of(divisions[0], gaz, confidence, evidence)
    common = _common_ancestor(divisions, gaz)
    return region_of(common, gaz, confidence - 0.2, evidence) if common else None


def _highest(divisions: list[Division], gaz: Gazetteer) -> list[Division]:
    """The one candidate above all others (甘孜 the 州 over 甘孜县 inside it), if any."""
    for d in divisions:
        if all(d.id in {a.id for a in gaz.chain(o)} for o in divisions):
            return [d]
    return []


def _prefer_supported(divisions: list[Division], gaz: Gazetteer,
                      context: list[Mention]) -> list[Division]:
    """The candidates whose province or prefecture other unambiguous names point to."""
    support = Counter()
    for m in context:
        if m.strong and len(m.candidates) == 1:
            support.update(d.id for d in gaz.chain(m.candidates[0]))
    scores = {d.id: sum(support[a.id] for a in gaz.chain(d)[:-1]) for d in divisions}
    best = max(scores.values())
    return [d for d in divisions if scores[d.id] == best] if best > 0 else divisions


def _common_ancestor(divisions: list[Division], gaz: Gazetteer) -> Division | None:
    chains = [gaz.chain(d) for d in divisions]
    common = None
    for level in zip(*chains):
        if any(d.id != level[0].id for d in level):
            break
        common = level[0]
    return common


def resolve_phrase(phrase: list[Mention], gaz: Gazetteer) -> tuple[list[Mention], list[Division]]:
    """The leading names that nest (河北省 沧州市 献县) and the divisions they lead to.

    A name that does not fit under the ones before it ends the phrase: in
    平潭综合实验区君山片区 the 君山 is a 片区, not 岳阳's 君山区.
    """
    used, candidates = phrase[:1], list(phrase[0].candidates)
    for m in phrase[1:]:
        above = {d.id for d in candidates}
        narrowed = [c for c in m.candidates if any(a.id in above for a in gaz.chain(c))]
        if not narrowed:
            break
        used, candidates = used + [m], narrowed
    return used, candidates


def _phrases(mentions: list[Mention], text: str) -> list[list[Mention]]:
    """Runs of names written one after another (河北省沧州市献县), gaps of spaces only."""
    runs: list[list[Mention]] = []
    for m in mentions:
        if runs and not text[runs[-1][-1].end:m.start].strip():
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _anonymised_level(text: str) -> str | None:
    """The level hidden behind placeholders like xx市 or **县, the most frequent one."""
    levels = Counter(m.group(1) for m in ANONYMISED.finditer(text))
    return levels.most_common(1)[0][0] if levels else None


# --- the vote -----------------------------------------------------------------------

@dataclass
class _Tally:
    """Votes for one prefecture-level group (a city, a 直辖市, a 省直辖县 or special area)."""

    division: Division
    strong: float = 0.0
    weak: float = 0.0
    names: Counter | None = None  # name -> occurrences, for the evidence
    places: Counter | None = None  # division id -> strong occurrences

    @property
    def score(self) -> float:
        # Ordinary-word and embedded names only count next to real evidence.
        return self.strong + self.weak if self.strong > 0 else 0.0


def vote_region(mentions: list[Mention], gaz: Gazetteer,
                anonymised: str | None = None) -> Region | None:
    """The prefecture (or county, or province) most of the text's names point to."""
    groups, provinces = _tally(mentions, gaz)
    ranked = sorted(groups.values(), key=lambda t: t.score, reverse=True)
    total = sum(t.score for t in ranked)
    if ranked and _wins(ranked, total, MIN_VOTE_ANONYMISED if anonymised else MIN_VOTE):
        return _group_region(ranked[0], total, gaz, anonymised)
    for t in ranked:
        province = gaz.province_of(t.division)
        provinces[province.id] = provinces.get(province.id, 0.0) + t.score
    return _province_region(provinces, ranked, gaz)


def _wins(ranked: list[_Tally], total: float, minimum: float) -> bool:
    best = ranked[0].score
    second = ranked[1].score if len(ranked) > 1 else 0.0
    return best >= minimum and best >= 2 * second and best >= 0.5 * total


def _repeat_weight(occurrences: int) -> float:
    """A division counts once; repeats add a third of a vote each, up to double."""
    return min(1.0 + (occurrences - 1) / 3, 2.0) if occurrences else 0.0


def _tally(mentions: list[Mention], gaz: Gazetteer) -> tuple[dict[int, _Tally], dict[int, float]]:
    """Votes per group and per province, each division counted once with a repeat bonus."""
    by_key: dict[tuple, list[Mention]] = {}
    for m in mentions:
        if m.candidates:
            by_key.setdefault(tuple(d.id for d in m.candidates), []).append(m)
    anchors = _anchors(mentions, gaz)
    groups: dict[int, _Tally] = {}
    provinces: dict[int, float] = {}
    for ms in by_key.values():
        targets = _targets(ms[0].candidates, anchors, gaz)
        if not targets or len(targets) > MAX_CANDIDATES:
            continue
        n_strong = sum(m.strong for m in ms)
        strong = _repeat_weight(n_strong) / len(targets)
        weak = (_repeat_weight(len(ms)) - _repeat_weight(n_strong)) * WEAK_WEIGHT / len(targets)
        for target, division in targets.items():
            if group_of(division, gaz) is None:
                provinces[target] = provinces.get(target, 0.0) + strong
                continue
            t = groups.setdefault(target, _Tally(gaz.get(target), names=Counter(), places=Counter()))
            t.strong += strong
            t.weak += weak
            if n_strong:
                t.places[division.id] += n_strong
            t.names.update(m.name for m in ms)
    return groups, provinces


def _anchors(mentions: list[Mention], gaz: Gazetteer) -> set[int]:
    """Provinces and groups named by strong, unambiguous mentions."""
    anchors = set()
    for m in mentions:
        if m.strong and len(m.candidates) == 1:
            division = m.candidates[0]
            anchors.add(gaz.province_of(division).id)
            group = group_of(division, gaz)
            if group is not None:
                anchors.add(group.id)
    return anchors


def _targets(candidates, anchors: set[int], gaz: Gazetteer) -> dict[int, Division]:
    """Group id (or province id) -> candidate, narrowed to anchored groups or provinces."""
    def target(d: Division) -> int:
        group = group_of(d, gaz)
        return group.id if group is not None else d.id

    for narrow in (lambda d: target(d) in anchors,
                   lambda d: gaz.province_of(d).id in anchors,
                   lambda d: True):
        kept = [d for d in candidates if narrow(d)]
        if kept:
            out: dict[int, Division] = {}
            for d in kept:
                # 邵阳 is both 邵阳市 and 邵阳县 inside it: a vote for the city, no county.
                out[target(d)] = d if target(d) not in out else gaz.get(target(d))
            return out
    return {}


def group_of(division: Division, gaz: Gazetteer) -> Division | None:
    """The prefecture-level unit a division votes for; None for a province."""
    if division.level == "province":
        return division if _is_municipality(division) else None
    city = gaz.city_of(division)
    if city is not None:
        return city
    province = gaz.province_of(division)
    return province if _is_municipality(province) else division


def _group_region(t: _Tally, total: float, gaz: Gazetteer, anonymised: str | None) -> Region:
    """The winning group's region, narrowed to a county that dominates the text."""
    share = t.score / total
    distinct = len(t.places) or 1
    confidence = min(0.85, 0.35 + 0.1 * distinct) * share
    division = t.division
    county = _dominant_county(t, gaz)
    if county is not None and anonymised not in ("市", "州", "盟"):
        division = county
    evidence = [f"{n} ×{c}" if c > 1 else n for n, c in t.names.most_common(12)]
    return region_of(division, gaz, confidence, evidence)


def _dominant_county(t: _Tally, gaz: Gazetteer) -> Division | None:
    """A county named at least three times and twice as often as anything else in the group."""
    ranked = t.places.most_common()
    if not ranked:
        return None
    top_id, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    division = gaz.get(top_id)
    if division.level == "county" and top >= 3 and top >= 2 * second and top * 2 >= sum(t.places.values()):
        return division
    return None


def _province_region(provinces: dict[int, float], ranked: list[_Tally],
                     gaz: Gazetteer) -> Region | None:
    """A province-level answer when the names agree on a province but not on a city."""
    if not provinces:
        return None
    best_id = max(provinces, key=provinces.get)
    best, total = provinces[best_id], sum(provinces.values())
    if best < MIN_PROVINCE_VOTE or best < 0.6 * total:
        return None
    province = gaz.get(best_id)
    inside = [t.division.name for t in ranked if t.score > 0
              and gaz.province_of(t.division).id == best_id and t.division.id != best_id]
    evidence = [province.name] + inside[:8]
    return region_of(province, gaz, 0.4 * best / total, evidence)


def _is_municipality(province: Division) -> bool:
    """北京, 天津, 上海, 重庆: province-level cities whose districts sit under the province."""
    return province.level == "province" and province.name.endswith("市")


def region_of(division: Division, gaz: Gazetteer, confidence: float,
              evidence: list[str]) -> Region:
    """A Region naming the division and its ancestors; a 直辖市 is both province and city."""
    chain = gaz.chain(division)
    province = chain[0]
    city = next((d for d in chain if d.level == "city"), None)
    level = division.level
    if _is_municipality(province):
        city = province
        level = "city" if division.level == "province" else level
    county = division if division.level == "county" else None
    return Region(
        province=province.name,
        city=city.name if city else None,
        county=county.name if county else None,
        code=division.code,
        level=level,
        confidence=round(max(0.05, min(confidence, 1.0)), 2),
        evidence=evidence,
    )
