"""A small year histogram of the matches, drawn as SVG by the template from these numbers."""
from __future__ import annotations

from dataclasses import dataclass

from index.query import year_range
from webapp import links
from webapp.links import Pairs

MAX_BARS = 40  # the most recent years shown when the matches span more
SLOT = 30  # width of one year, in SVG user units
COUNT_SPACE = 11  # room above the tallest bar for its count
CHART_HEIGHT = 60  # height of the tallest bar
LABEL_SPACE = 14  # room under the bars for the year labels
FIRST_YEAR, LAST_YEAR = 1949, 2100  # years outside this are extraction noise, not data


@dataclass
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    selected: bool
    url: str | None  # None for a year with no match
    label: bool  # print the year under this bar


@dataclass
class Histogram:
    bars: list[Bar]
    width: int
    height: int
    chart_bottom: int  # y of the bars' base line


def year_histogram(counts: list[tuple[str, int]], pairs: Pairs) -> Histogram | None:
    """Bars for every year from the first to the last with matches (gaps drawn empty)."""
    by_year = {int(v): n for v, n in counts if v.isdigit() and FIRST_YEAR <= int(v) <= LAST_YEAR and n}
    if not by_year:
        return None
    last = max(by_year)
    first = max(min(by_year), last - MAX_BARS + 1)
    selected = {y for k, v in pairs if k == "year" for y in year_range(v)}
    top = max(by_year.values())
    step = 1 if last - first < 12 else 2 if last - first < 24 else 5
    bottom = COUNT_SPACE + CHART_HEIGHT
    bars = []
    for i, year in enumerate(range(first, last + 1)):
        n = by_year.get(year, 0)
        height = round(CHART_HEIGHT * n / top, 1) if n else 0
        bars.append(Bar(year, n, i * SLOT + 3, bottom - height, SLOT - 6, height,
                        year in selected,
                        links.search_url(links.toggle(pairs, "year", str(year))) if n else None,
                        (last - year) % step == 0))
    return Histogram(bars, len(bars) * SLOT, bottom + LABEL_SPACE, bottom)
