"""The records that cross module borders, from a saved page to a stored report.

Data flows one way: SourceDoc (sources.py) -> DecodedPage (decode.py) ->
Extracted (extract.py) -> Enrichment (regions.py, dates.py, topics.py) -> Report
(store.py) -> index/.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class SourceDoc:
    """One page read from disk, a zip, an MHTML file or a WARC record."""

    path: str  # display path: "dir/page.html", "a.zip!inner/page.html", "c.warc.gz#3"
    original: bytes  # the bytes we keep byte for byte (the whole .mht, the WARC payload)
    content: bytes  # the bytes of the page to decode (the MHTML HTML part, else = original)
    kind: str  # "html" or "text"
    url: str | None = None  # original URL when the container says it (MHTML, WARC)
    charset: str | None = None  # charset declared by the container (MHTML part, HTTP header)
    saved_at: str | None = None  # YYYY-MM-DD the page was saved, when known


@dataclass
class SourceError:
    """A file that could not be read as a page; the run reports it and goes on."""

    path: str
    reason: str


@dataclass
class DecodedPage:
    text: str
    encoding: str  # the codec actually used, e.g. "gb18030", "utf-8"
    warnings: list[str] = field(default_factory=list)


@dataclass
class Attachment:
    name: str
    url: str


@dataclass
class Extracted:
    """What the page itself says: main text and metadata, before any inference."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    publish_date: str | None = None  # YYYY-MM-DD (发布日期)
    written_date: str | None = None  # YYYY-MM-DD (成文日期)
    issuer: str | None = None  # 发布机构 / 来源
    doc_number: str | None = None  # 文号
    index_number: str | None = None  # 索引号
    subject_words: list[str] = field(default_factory=list)  # 主题词
    attachments: list[Attachment] = field(default_factory=list)
    url: str | None = None  # canonical URL found in the page
    site_config: str | None = None  # name of the matched config, or "generic"
    config_region: str | None = None  # fixed region declared by the site config
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Region:
    province: str | None
    city: str | None
    county: str | None
    code: str | None  # 6-digit division code of the most specific level known
    level: str  # "national", "province", "city" or "county"
    confidence: float  # 0..1
    evidence: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.level == "national":
            return "全国"
        parts = [p for p in (self.province, self.city, self.county) if p]
        # 直辖市 are their own province and city: "北京市 海淀区", not "北京市 北京市 海淀区".
        return " ".join(p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1])


@dataclass
class Topics:
    domain: list[str] = field(default_factory=list)
    doctype: list[str] = field(default_factory=list)
    subtopics: list[str] = field(default_factory=list)


@dataclass
class Enrichment:
    region: Region | None = None
    report_years: list[int] = field(default_factory=list)
    plan_years: list[int] = field(default_factory=list)
    topics: Topics = field(default_factory=Topics)
    keywords: list[str] = field(default_factory=list)


@dataclass
class Report:
    """One stored report: the catalogue row."""

    id: str
    sha256: str
    source_path: str
    url: str | None
    extracted: Extracted
    enrichment: Enrichment
    ingested_at: str  # ISO 8601 UTC
    encoding: str | None = None

    @property
    def all_years(self) -> list[int]:
        return sorted(set(self.enrichment.report_years) | set(self.enrichment.plan_years))


def to_dict(record) -> dict:
    return asdict(record)
