"""How to cite a report: Chinese reference style (GB/T 7714), BibTeX and CSL-JSON."""
from __future__ import annotations

import re
from dataclasses import dataclass

from archive.records import Report

ARCHIVE_NAME = "报告档案"


@dataclass
class CitationData:
    title: str
    issuer: str | None
    date: str | None  # YYYY-MM-DD: published, else written
    url: str  # the source URL when known, else the archive's permalink
    permalink: str  # this report in the archive
    archive_id: str
    accessed: str  # YYYY-MM-DD
    archived: str  # YYYY-MM-DD the page entered the archive
    region: str | None


def citation_data(report: Report, permalink: str, accessed: str) -> CitationData:
    ex, region = report.extracted, report.enrichment.region
    return CitationData(
        title=ex.title or report.source_path, issuer=ex.issuer,
        date=ex.publish_date or ex.written_date, url=report.url or permalink,
        permalink=permalink, archive_id=report.id, accessed=accessed,
        archived=report.ingested_at[:10], region=region.label if region else None)


def gbt7714(c: CitationData) -> str:
    """主要责任者. 题名[EB/OL]. (发布日期)[引用日期]. 获取和访问路径."""
    head = f"{c.issuer}. " if c.issuer else ""
    date = f"({c.date})" if c.date else ""
    return (f"{head}{c.title}[EB/OL]. {date}[{c.accessed}]. {c.url}."
            f" {ARCHIVE_NAME}存档：{c.permalink}（档案编号 {c.archive_id}）.")


_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def bib_escape(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in text.replace("\n", " "))


def bib_url(url: str) -> str:
    """A URL safe inside a BibTeX field: braces, backslashes and spaces percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex(c: CitationData) -> str:
    fields = [("title", "{" + bib_escape(c.title) + "}")]
    if c.issuer:
        fields.append(("author", "{" + bib_escape(c.issuer) + "}"))  # an institution: one name
    if c.date:
        fields += [("date", c.date), ("year", c.date[:4])]
    fields += [("url", bib_url(c.url)), ("urldate", c.accessed),
               ("note", bib_escape(f"{ARCHIVE_NAME}存档 {c.archive_id}, ") + bib_url(c.permalink)),
               ("language", "chinese")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{archive_{c.archive_id},\n{body}\n}}\n"


def _date_parts(date: str) -> dict:
    parts = [int(p) for p in re.findall(r"\d+", date)[:3]]
    return {"date-parts": [parts]}


def csl_json(c: CitationData) -> list[dict]:
    """One CSL-JSON item (a list, as reference managers import it)."""
    item = {"id": f"archive-{c.archive_id}", "type": "webpage", "title": c.title,
            "URL": c.url, "accessed": _date_parts(c.accessed), "archive": ARCHIVE_NAME,
            "archive_location": c.archive_id, "note": c.permalink, "language": "zh-CN"}
    if c.issuer:
        item["author"] = [{"literal": c.issuer}]
    if c.date:
        item["issued"] = _date_parts(c.date)
    if c.region:
        item["publisher-place"] = c.region
    return [item]
