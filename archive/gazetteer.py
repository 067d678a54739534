"""China's administrative divisions (province, prefecture, county) with their names and years.

Reference data, loaded and validated here only:

- data/gazetteer.tsv: the MCA code lists 1981-2024 (built by scripts/build_gazetteer.py
  from yescallop/areacodes, CC0), one row per code and period of use.
- data/gazetteer_supplement.yaml: curated special areas that have no MCA code
  (平潭综合实验区, 雄安新区), extra aliases, and the central bodies that stand for
  the whole country.
- data/region_stopnames.yaml: names that are also ordinary words (新华, 城关, 郊区),
  which may support a region but never decide it alone.

Names people write are the full name (孟村回族自治县), a short name derived by
stripping the administrative suffix and ethnic names (孟村), and the names of
retired divisions (阳东县, 1991-2014), each tied to its years.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import ahocorasick_rs
import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_FILE = DATA_DIR / "gazetteer.tsv"
SUPPLEMENT_FILE = DATA_DIR / "gazetteer_supplement.yaml"
STOPNAMES_FILE = DATA_DIR / "region_stopnames.yaml"

LEVELS = ("province", "city", "county")
LATEST_YEAR = 2024  # last year covered by the MCA lists

AUTONOMOUS = (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"))
# Longest first, so that 自治县 goes before 县 and 新区 before 区.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "工矿区", "矿区", "郊区",
            "城区", "林区", "特区", "地区", "新区", "省", "市", "县", "区", "旗", "盟")
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "汉", "各",  # 各族: "all nationalities" (龙胜各族自治县)
)
# Written with 族 (回族, 土家族), or bare when the name is unmistakable (蒙古, 锡伯).
_ETHNIC_TAIL = re.compile(
    "(?:" + "|".join(sorted((g + "族" for g in ETHNIC_GROUPS), key=len, reverse=True))
    + "|" + "|".join(sorted((g for g in ETHNIC_GROUPS if len(g) > 1), key=len, reverse=True))
    + ")$")


class GazetteerError(ValueError):
    """A gazetteer data file is missing or malformed."""


@dataclass(frozen=True)
class Division:
    """One division in one period of use; `end` is the year it changed (None: in use)."""

    id: int
    code: str | None  # 6-digit MCA code; None for curated areas without one
    name: str
    level: str  # "province", "city" or "county"
    parent_id: int | None
    start: int
    end: int | None
    successors: tuple[str, ...] = ()
    special: bool = False  # a curated area from the supplement

    def valid_in(self, year: int) -> bool:
        """True if the division existed during at least part of `year`."""
        # The lists are as of 31 December, so a row ending or starting in a year
        # existed for part of it.
        return self.start <= year and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class NameHit:
    """A gazetteer name found in a text, at [start, end)."""

    name: str
    start: int
    end: int


def short_names(full: str) -> list[str]:
    """Names people write for a division besides its full name: 孟村回族自治县 -> [孟村]."""
    stem = next((full[: -len(s)] for s in SUFFIXES
                 if full.endswith(s) and len(full) > len(s) + 1), full)
    if stem == full:
        return []
    while (m := _ETHNIC_TAIL.search(stem)) and m.start() >= 2:
        stem = stem[: m.start()]
    if stem.endswith("族") and _ETHNIC_TAIL.fullmatch(stem):
        stem = stem[:-1]  # 东乡族自治县, 鄂温克族自治旗: the people's name is the short name
    if len(stem) < 2:
        return []
    # Autonomous units are also written with the plain suffix: 甘孜州, 孟村县.
    plain = next((p for a, p in AUTONOMOUS if full.endswith(a)), None)
    return [stem, stem + plain] if plain else [stem]


class Gazetteer:
    """All divisions, looked up by any name people write, with parents and successors."""

    def __init__(self, divisions: list[Division], aliases: dict[int, list[str]],
                 stopnames: set[str], national_bodies: list[str]):
        self.divisions = divisions
        self.stopnames = frozenset(stopnames)
        self.national_bodies = tuple(sorted(national_bodies, key=len, reverse=True))
        self._by_code: dict[str, list[Division]] = {}
        self._by_name: dict[str, list[Division]] = {}
        self._full_names: set[str] = set()
        for div in divisions:
            if div.code:
                self._by_code.setdefault(div.code, []).append(div)
            self._full_names.add(div.name)
            for name in [div.name, *short_names(div.name), *aliases.get(div.id, [])]:
                bucket = self._by_name.setdefault(name, [])
                if div not in bucket:
                    bucket.append(div)
        # Names of one character are never looked for: too many ordinary words.
        self._names = [name for name in self._by_name if len(name) >= 2]
        self._matcher = ahocorasick_rs.AhoCorasick(
            self._names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def __len__(self) -> int:
        return len(self.divisions)

    def get(self, div_id: int) -> Division:
        return self.divisions[div_id]

    def by_code(self, code: str, year: int | None = None) -> list[Division]:
        """Divisions with this code, only those existing in `year` when given."""
        rows = self._by_code.get(code, [])
        return [d for d in rows if year is None or d.valid_in(year)]

    def is_name(self, name: str) -> bool:
        return name in self._by_name

    def is_full_name(self, name: str) -> bool:
        """True for a division's official name (黄骅市), False for a short one (黄骅)."""
        return name in self._full_names

    def is_stopname(self, name: str) -> bool:
        """True for names that are also ordinary words and may not decide a region alone."""
        return name in self.stopnames

    def lookup(self, name: str, years: list[int] | None = None) -> list[Division]:
        """Divisions called `name` (full, short or historical), existing in any of `years`."""
        rows = self._by_name.get(name, [])
        if years:
            rows = [d for d in rows if any(d.valid_in(y) for y in years)]
        return _drop_superseded(rows)

    def resolve(self, name: str, years: list[int] | None = None) -> list[Division]:
        """The divisions a writer meant by `name` in `years` (default: the latest list).

        An old name is followed to its successors in those years (阳东区 in 2010
        is 阳东县); a name that fits no year is kept in its latest form.
        """
        years = years or [LATEST_YEAR]
        rows = self._by_name.get(name, [])
        valid = self.lookup(name, years)
        if valid or not rows:
            return valid
        moved = _unique(s for d in rows for s in self.successors_in(d, years))
        if moved:
            return _drop_superseded(moved)
        latest = max(d.end or LATEST_YEAR + 1 for d in rows)
        return [d for d in rows if (d.end or LATEST_YEAR + 1) == latest]

    def successors_in(self, div: Division, years: list[int], depth: int = 6) -> list[Division]:
        """The divisions that took over `div`, followed until one exists in `years`."""
        found, frontier, seen = [], [div], {div.id}
        for _ in range(depth):
            following = []
            for d in frontier:
                for code in d.successors:
                    following += [s for s in self.by_code(code) if s.start >= d.start]
            following = [s for s in following if s.id not in seen]
            seen.update(s.id for s in following)
            found = [s for s in following if any(s.valid_in(y) for y in years)]
            if found or not following:
                return _unique(found)
            frontier = following
        return []

    def parent(self, div: Division) -> Division | None:
        return None if div.parent_id is None else self.divisions[div.parent_id]

    def chain(self, div: Division) -> list[Division]:
        """The division and its ancestors, province first."""
        out = [div]
        while (up := self.parent(out[0])) is not None:
            out.insert(0, up)
        return out

    def province_of(self, div: Division) -> Division:
        return self.chain(div)[0]

    def city_of(self, div: Division) -> Division | None:
        """The prefecture-level division above or at `div`, None for a province."""
        return next((d for d in self.chain(div) if d.level == "city"), None)

    def find_names(self, text: str) -> list[NameHit]:
        """Every gazetteer name in `text`, leftmost and longest first, not overlapping."""
        # One pass of an Aho-Corasick automaton, in characters (a Python loop per
        # character took ~3 ms a report).
        return [NameHit(self._names[i], start, end)
                for i, start, end in self._matcher.find_matches_as_indexes(text)]


def _unique(rows) -> list[Division]:
    out: dict[int, Division] = {}
    for d in rows:
        out.setdefault(d.id, d)
    return list(out.values())


def _drop_superseded(rows: list[Division]) -> list[Division]:
    """Drop rows whose successor is also in `rows` (a year when both forms existed)."""
    keep = [d for d in rows
            if not any(e.id != d.id and e.code in d.successors and e.start >= d.start
                       for e in rows)]
    return keep or rows


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The project's gazetteer, read from archive/data once per process."""
    return read_gazetteer(GAZETTEER_FILE, SUPPLEMENT_FILE, STOPNAMES_FILE)


def read_gazetteer(tsv: Path, supplement: Path, stopnames: Path) -> Gazetteer:
    """A Gazetteer from the three data files; GazetteerError names the bad entry."""
    divisions = _link_parents(_read_rows(tsv), tsv)
    extra = _read_yaml(supplement)
    divisions, aliases = _add_special_areas(divisions, extra.get("special_areas") or [])
    for code, names in (extra.get("aliases") or {}).items():
        rows = [d for d in divisions if d.code == str(code)]
        if not rows or not _is_name_list(names):
            raise GazetteerError(f"{supplement}: bad alias entry {code!r}: {names!r}")
        for d in rows:
            aliases.setdefault(d.id, []).extend(names)
    national = extra.get("national_bodies") or []
    stop = _read_yaml(stopnames).get("stopnames") or []
    if not _is_name_list(national) or not _is_name_list(stop):
        raise GazetteerError("national_bodies and stopnames must be lists of names")
    gazetteer = Gazetteer(divisions, aliases, set(stop), national)
    unknown = [n for n in stop if not gazetteer.is_name(n)]
    if unknown:
        raise GazetteerError(f"{stopnames}: not division names: {', '.join(unknown)}")
    return gazetteer


def _is_name_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and len(v) >= 2 for v in value)


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise GazetteerError(f"{path}: expected a mapping at the top level")
    return data


def _read_rows(path: Path) -> list[dict]:
    """Rows of gazetteer.tsv as dicts, checked for shape."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GazetteerError(f"cannot read {path}: {exc}; run scripts/build_gazetteer.py") from exc
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, line.split("\t")))
        if (len(row) != len(header) or row["level"] not in LEVELS
                or not row["start"].isdigit() or len(row["code"]) != 6):
            raise GazetteerError(f"{path}:{number}: malformed row {line!r}")
        rows.append(row)
    return rows


def _link_parents(rows: list[dict], path: Path) -> list[Division]:
    """Divisions with parent ids: the row with the parent code whose years overlap."""
    by_code: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_code.setdefault(row["code"], []).append(i)
    out = []
    for i, row in enumerate(rows):
        start, end = int(row["start"]), int(row["end"]) if row["end"] else None
        parent_id = None
        if row["parent"]:
            parent_id = next((j for j in by_code.get(row["parent"], [])
                              if _overlap(rows[j], start, end)), None)
            if parent_id is None:
                raise GazetteerError(f"{path}: no parent {row['parent']} for {row['code']} {row['name']}")
        succ = tuple(c for c in row["successors"].split(";") if c)
        out.append(Division(i, row["code"], row["name"], row["level"], parent_id, start, end, succ))
    return out


def _overlap(row: dict, start: int, end: int | None) -> bool:
    r_start, r_end = int(row["start"]), int(row["end"]) if row["end"] else 10_000
    return r_start < (end or 10_000) and start < r_end


def _add_special_areas(divisions: list[Division], areas: list) -> tuple[list[Division], dict]:
    """Append the curated areas and move the counties they run under them from `start` on."""
    divisions, aliases = list(divisions), {}
    for area in areas:
        try:
            name, level, start = area["name"], area["level"], int(area["start"])
            parent = next(d for d in divisions if d.code == str(area["parent"]) and d.valid_in(start))
        except (KeyError, TypeError, ValueError, StopIteration) as exc:
            raise GazetteerError(f"bad special area entry {area!r}") from exc
        if level not in LEVELS or not _is_name_list(area.get("short") or []):
            raise GazetteerError(f"bad level or short names in special area {name}")
        me = Division(len(divisions), None, name, level, parent.id, start, None, special=True)
        divisions.append(me)
        aliases[me.id] = list(area.get("short") or [])
        for code in area.get("administers") or []:
            _move_county(divisions, str(code), me)
    return divisions, aliases


def _move_county(divisions: list[Division], code: str, area: Division) -> None:
    """Split the county rows with `code` at the area's start year and file the rest under it."""
    rows = [d for d in divisions if d.code == code and (d.end is None or d.end > area.start)]
    if not rows:
        raise GazetteerError(f"special area {area.name}: no county {code} after {area.start}")
    for d in rows:
        moved_start = max(d.start, area.start)
        if d.start < area.start:
            divisions[d.id] = replace(d, end=area.start, successors=(code,))
        divisions.append(replace(d, id=len(divisions), parent_id=area.id, start=moved_start))
