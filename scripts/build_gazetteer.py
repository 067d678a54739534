"""Build archive/data/gazetteer.tsv from the yescallop/areacodes result.csv (CC0).

Usage: python scripts/build_gazetteer.py [path/to/result.csv] [output.tsv]

Defaults: ../shared/data/areacodes/result.csv -> archive/data/gazetteer.tsv.
The output keeps one row per code and period of use, with the level spelled
out and the parent row named explicitly, so the archive can load it without
the source file or any network. Short names, historical links and the curated
special areas are added at load time by archive/gazetteer.py.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "areacodes" / "result.csv"
DEFAULT_OUTPUT = ROOT / "archive" / "data" / "gazetteer.tsv"

LEVELS = {"省级": "province", "地级": "city", "县级": "county"}
COLUMNS = ["code", "name", "level", "start", "end", "parent", "successors"]
OPEN_END = 9999  # stands for "still in use" when comparing periods


class SourceFormatError(ValueError):
    """The areacodes file does not look the way this script expects."""


def read_source(path: Path) -> list[dict]:
    """Rows of result.csv as dicts keyed by its Chinese column names."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = {"代码", "一级行政区", "二级行政区", "名称", "级别", "启用时间", "变更/弃用时间", "新代码"}
    if not rows or not expected <= set(rows[0]):
        raise SourceFormatError(f"{path}: missing columns, expected {sorted(expected)}")
    return rows


def parent_key(row: dict) -> tuple[str, str] | None:
    """(code, name) of the row's parent: the province for cities and 直辖 counties."""
    level = row["级别"]
    if level == "省级":
        return None
    if level == "地级" or row["二级行政区"] == "直辖":
        return row["代码"][:2] + "0000", row["一级行政区"]
    return row["代码"][:4] + "00", row["二级行政区"]


def _period(row: dict) -> tuple[int, int]:
    return int(row["启用时间"]), int(row["变更/弃用时间"] or OPEN_END)


def _overlaps(a: dict, b: dict) -> bool:
    (a0, a1), (b0, b1) = _period(a), _period(b)
    return a0 < b1 and b0 < a1


def check_row(row: dict) -> None:
    """Raise SourceFormatError when a row has a bad code, level or period."""
    code, level = row["代码"], row["级别"]
    if len(code) != 6 or not code.isdigit():
        raise SourceFormatError(f"bad code {code!r} in row {row}")
    if level not in LEVELS:
        raise SourceFormatError(f"unknown level {level!r} in row {row}")
    start, end = _period(row)
    if not 1949 <= start < end:
        raise SourceFormatError(f"bad period {start}-{end} in row {row}")


def check_parent(row: dict, key: tuple[str, str], by_key: dict, by_code: dict) -> None:
    """Raise unless the parent code names exactly one row in the child's years.

    The output stores only the parent's code, so the loader finds the parent
    row as the one with that code whose period overlaps the child's.
    """
    named = [p for p in by_key.get(key, []) if _overlaps(p, row)]
    coded = [p for p in by_code.get(key[0], []) if _overlaps(p, row)]
    if len(named) != 1 or len(coded) != 1:
        raise SourceFormatError(f"parent {key} is not one row in the years of row {row}")


def convert(rows: list[dict]) -> list[dict]:
    """Validated output rows, each naming a parent row that exists in the same years."""
    by_key: dict[tuple[str, str], list[dict]] = {}
    by_code: dict[str, list[dict]] = {}
    for row in rows:
        check_row(row)
        by_key.setdefault((row["代码"], row["名称"]), []).append(row)
        by_code.setdefault(row["代码"], []).append(row)
    out = []
    for row in rows:
        key = parent_key(row)
        if key is not None:
            check_parent(row, key, by_key, by_code)
        out.append({
            "code": row["代码"],
            "name": row["名称"].strip(),
            "level": LEVELS[row["级别"]],
            "start": row["启用时间"],
            "end": row["变更/弃用时间"],
            "parent": key[0] if key else "",
            "successors": replacing_codes(row),
        })
    fill_missing_successors(out)
    out.sort(key=lambda r: (r["code"], int(r["start"]), r["name"]))
    return out


def replacing_codes(row: dict) -> str:
    """The codes that replaced a retired or renamed row, `;`-separated.

    A code with `[YYYY]` only received part of the territory in that year, so it
    is dropped; rows still in use keep no successors for the same reason.
    """
    if not row["变更/弃用时间"]:
        return ""
    codes = [c.strip() for c in row["新代码"].split(";") if c.strip()]
    return ";".join(c for c in codes if "[" not in c)


def fill_missing_successors(rows: list[dict]) -> None:
    """Give retired rows without successors the row that carried on their territory.

    A renamed division that kept its code (襄樊市 -> 襄阳市, 420600) is followed by the
    next row with that code; a retired prefecture (沧州地区) by the prefecture that
    took most of its counties' successors (沧州市).
    """
    by_code: dict[str, list[dict]] = {}
    for row in rows:
        by_code.setdefault(row["code"], []).append(row)
    for row in rows:
        if not row["end"] or row["successors"]:
            continue
        later = [r for r in by_code[row["code"]] if int(r["start"]) >= int(row["end"]) - 1
                 and r is not row]
        if later:
            row["successors"] = row["code"]
        elif row["level"] == "city":
            row["successors"] = _majority_parent(row, rows, by_code)


def _majority_parent(city: dict, rows: list[dict], by_code: dict) -> str:
    """The parent code most often found above the successors of the city's counties."""
    votes: dict[str, int] = {}
    for child in rows:
        if child["parent"] != city["code"] or not _inside(child, city):
            continue
        for code in filter(None, child["successors"].split(";")):
            for succ in by_code.get(code, []):
                if succ["parent"] and succ["parent"] != city["code"]:
                    votes[succ["parent"]] = votes.get(succ["parent"], 0) + 1
    return max(votes, key=votes.get) if votes else ""


def _inside(child: dict, parent: dict) -> bool:
    end = int(parent["end"] or OPEN_END)
    return int(parent["start"]) <= int(child["start"]) < end


def write_tsv(rows: list[dict], path: Path) -> None:
    """Write rows as a tab-separated file with a header line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            f.write("\t".join(row[c] for c in COLUMNS) + "\n")


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    rows = convert(read_source(source))
    write_tsv(rows, output)
    print(f"wrote {len(rows)} divisions to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
