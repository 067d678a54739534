"""Metadata a page states about itself: title, dates, issuer, 文号, 索引号, 主题词,
attachments and canonical URL, each with a note of where it came from."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import ahocorasick_rs
from lxml import etree

from archive.configs import SiteConfig, css
from archive.dates import parse_date
from archive.htmltext import (
    block_paragraphs,
    cue_of,
    norm_space,
    raw_text,
    visible_text,
)
from archive.records import Attachment

_ANY_EXT = re.compile(r"\.(docx?|xlsx?|pdf|zip|rar|7z|wps|et|pptx?|txt|ofd|csv)\b", re.IGNORECASE)
ATTACHMENT_EXT = re.compile(r"\.(docx?|xlsx?|pdf|zip|rar|7z|wps|et|pptx?|txt|ofd|csv)$", re.IGNORECASE)
# meta names that hold the article's own title, date, issuer, canonical url (lowercase)
TITLE_METAS = ("articletitle", "og:title", "twitter:title", "title", "dc.title")
DATE_METAS = (
    "pubdate", "article:published_time", "publishdate", "publish_date", "og:release_date",
    "dc.date", "dc.date.issued", "firstpublishedtime", "datepublished",
)
ISSUER_METAS = ("contentsource", "source", "author")
URL_METAS = ("url", "og:url")
# title suffix separators: "文章标题_栏目_xx市人民政府", "帖子 - 论坛名 - Powered by Discuz!"
TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—|–|\s-\s|::|»)\s*")
_CJK = r"\u4e00-\u9fff"
_GENERIC_LABEL = re.compile(rf"(?:^|(?<=\s)|(?<=[|｜]))[{_CJK}]{{2,6}}\s*[:：]")
SEP = "\u2063"  # invisible separator: marks inline element edges in metadata lines
_SEP_RUN = re.compile(rf"\s*{SEP}[\s{SEP}]*")
_FOOTER = re.compile(r"footer|foot\b|copyright|bottom|gmt", re.IGNORECASE)


@dataclass
class PageMeta:
    title: str = ""
    publish_date: str | None = None
    written_date: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    index_number: str | None = None
    subject_words: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    url: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was found


def meta_tags(root) -> dict[str, str]:
    """<meta name|property=... content=...>, names lowercased, first non-empty wins."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        content = norm_space(el.get("content") or "")
        if name and content and name not in found:
            found[name] = content
    return found


def label_pattern(labels: dict[str, str]) -> re.Pattern:
    """One regex for all labels, longest first, tolerating spaces inside (索 引 号)."""
    names = sorted(labels, key=len, reverse=True)
    # a two-character label (时间) must not be the tail of a longer word (成文时间)
    alts = "|".join(
        (rf"(?<![{_CJK}])" if len(name) <= 2 else "") + r"\s*".join(map(re.escape, name))
        for name in names
    )
    return re.compile(rf"(?P<label>{alts})\s*(?P<colon>[:：]?)")


def _canonical_label(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


@functools.lru_cache(maxsize=64)
def _label_finders(names: tuple[str, ...]) -> tuple[re.Pattern, ahocorasick_rs.AhoCorasick]:
    """The labels' regex, and an automaton over the labels as they read without spaces."""
    canonical = sorted({_canonical_label(name) for name in names})
    return label_pattern(dict.fromkeys(names)), ahocorasick_rs.AhoCorasick(canonical)


_SPACES = re.compile(r"\s+")


def inline_fields(lines: list[str], labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, value, line) for every 'label：value' found in the lines, in order."""
    if not labels:
        return []
    pattern, automaton = _label_finders(tuple(labels))
    found = []
    for line in lines:
        # Prose is not a metadata line. The regex tries every label at every position;
        # a line where no label stands even with its spaces removed cannot match it.
        if len(line) > 300 or not automaton.find_matches_as_indexes(_SPACES.sub("", line)):
            continue
        matches = list(pattern.finditer(line))
        for i, m in enumerate(matches):
            label = _canonical_label(m.group("label"))
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end():end]
            other = _GENERIC_LABEL.search(value)
            if other:
                value = value[: other.start()]
            # the value ends where its own element ends: 来源：<a>晨报</a><span>记者 李明</span>
            value = value.lstrip(SEP + " ：:").split(SEP)[0]
            colon = bool(m.group("colon"))
            if not colon and labels.get(label) not in ("publish_date", "written_date"):
                continue  # only dates may follow a bare label (发表于 2019-4-26)
            found.append((label, value.strip(" |｜\t"), plain(line)))
    return found


# cells short enough to be a label (索 引 号： with padding); evaluated in C by lxml
_SHORT_CELLS = etree.XPath(
    "//*[self::td or self::th or self::dt][string-length(normalize-space(.)) <= 16]"
)
# what norm_space and _canonical_label treat as spacing, plus colons: removed, they
# leave a label cell's text equal to its label
_DROP = dict.fromkeys(map(ord, "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\u200b\ufeff:："))
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath normalize-space collapses


def _label_cells(root, labels: dict[str, str]) -> list:
    """The short cells whose text may be a label (same as _SHORT_CELLS, minus sure misses).

    Data tables hold thousands of short cells: a cheap test on the raw text comes first."""
    if any(ord(c) in _DROP for label in labels for c in label):
        return _SHORT_CELLS(root)  # the cheap test is exact only for labels without spacing
    cells = []
    for cell in root.iter("td", "th", "dt"):
        text = raw_text(cell)
        if text and text.translate(_DROP) in labels and len(_XML_SPACE.sub(" ", text).strip(" \t\r\n")) <= 16:
            cells.append(cell)
    return cells


def cell_fields(root, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, value, where) from table cells and dt/dd pairs: label cell, value cell."""
    found = []
    for cell in _label_cells(root, labels):
        text = visible_text(cell)
        label = _canonical_label(text.rstrip(":："))
        if label not in labels:
            continue
        value_cell = cell.getnext()
        if value_cell is None or value_cell.tag not in ("td", "th", "dd"):
            continue
        value = visible_text(value_cell)
        if _canonical_label(value.rstrip(":：")) not in labels:
            found.append((label, value, f"table cell '{text}'"))
    return found


def _page_lines(root) -> list[str]:
    """The page's lines outside footers, inline element edges marked with SEP."""
    body = root.find("body")
    top = body if body is not None else root

    def skip(el) -> bool:
        cue = cue_of(el)
        return bool(cue and _footer_cue(cue)) or el.tag == "footer"

    lines = block_paragraphs(top, skip, inline_sep=SEP)
    return [line for line in (_squeeze(line) for line in lines) if line.replace(SEP, "").strip()]


@functools.lru_cache(maxsize=4096)
def _footer_cue(cue: str) -> bool:
    """Cached: big pages repeat the same class names thousands of times."""
    return bool(_FOOTER.search(cue))


def _squeeze(line: str) -> str:
    """Collapse runs of separators and spaces so values can be cut at element edges."""
    return _SEP_RUN.sub(SEP, line).strip(SEP + " ")


def plain(line: str) -> str:
    return norm_space(line.replace(SEP, " "))


def labelled(root, lines: list[str], labels: dict[str, str], areas: tuple[str, ...] = (),
             saved_at: str | None = None) -> dict[str, tuple[str, str]]:
    """field -> (value, where), the first label in map order that holds a value."""
    candidates = cell_fields(root, labels)
    for selector in areas:
        for el in css(selector)(root):
            candidates += inline_fields(block_paragraphs(el, inline_sep=SEP), labels)
    candidates += inline_fields(lines, labels)
    return pick_fields(candidates, labels, saved_at)


def pick_fields(candidates: list[tuple[str, str, str]], labels: dict[str, str],
                saved_at: str | None = None) -> dict[str, tuple[str, str]]:
    """field -> (value, where): per field, the first label in map order with a value."""
    by_label: dict[str, tuple[str, str]] = {}
    for label, value, where in candidates:
        if value and label not in by_label:
            by_label[label] = (value, where)
    result: dict[str, tuple[str, str]] = {}
    for label, target in labels.items():  # map order is priority order
        if target == "ignore" or target in result or label not in by_label:
            continue
        value, where = by_label[label]
        if target in ("publish_date", "written_date"):
            value = parse_date(value, saved_at) or ""
        if value:
            result[target] = (value, f"label '{label}' ({where[:40]})")
    return result


def apply_fields(meta: PageMeta, fields: dict[str, tuple[str, str]]) -> None:
    """Fill the still-empty fields of meta from labelled values."""
    for name in ("index_number", "doc_number", "written_date", "issuer", "publish_date"):
        if getattr(meta, name) is None and name in fields:
            setattr(meta, name, fields[name][0])
            meta.sources[name] = fields[name][1]
    if "subject_words" in fields and not meta.subject_words:
        meta.subject_words = [w for w in re.split(r"[\s,，;；、]+", fields["subject_words"][0]) if w]
        meta.sources["subject_words"] = fields["subject_words"][1]


def strip_title_suffix(title: str) -> str:
    """'文章标题_栏目_xx市人民政府' -> '文章标题': keep the longest leading part."""
    parts = [p for p in TITLE_SPLIT.split(norm_space(title)) if p]
    if len(parts) <= 1:
        return norm_space(title)
    # the article title is normally first; a site name is short or says Powered by
    first = parts[0]
    if len(first) >= 4 or len(first) >= max(len(p) for p in parts):
        return first
    return max(parts, key=len)


def _headings(root) -> list[str]:
    texts = []
    for el in root.iter("h1", "h2"):
        text = visible_text(el)
        if 2 <= len(text) <= 120:
            texts.append(text)
    return texts


def find_title(root, metas: dict[str, str], config: SiteConfig | None) -> tuple[str, str]:
    """The article title and where it came from."""
    for selector in config.title if config else ():
        for el in css(selector)(root):
            text = visible_text(el)
            if text:
                return strip_title_suffix(text) if el.tag == "title" else text, f"config selector '{selector}'"
    if metas.get("articletitle"):
        return metas["articletitle"], "meta ArticleTitle"
    head_title = root.find(".//title")
    raw = visible_text(head_title) if head_title is not None else ""
    stripped = strip_title_suffix(raw) if raw else ""
    for heading in _headings(root):
        # a heading that the <title> starts with or contains is the article title
        if raw and (heading in raw or stripped and stripped in heading):
            return heading, "h1/h2 matching <title>"
    for name in ("og:title", "twitter:title"):
        if metas.get(name):
            return strip_title_suffix(metas[name]), f"meta {name}"
    if stripped:
        return stripped, "<title> minus site suffix"
    headings = _headings(root)
    return (headings[0], "first h1/h2") if headings else ("", "none")


def _first_selected(root, selectors: tuple[str, ...]) -> tuple[str, str] | None:
    for selector in selectors:
        for el in css(selector)(root):
            text = visible_text(el)
            if text:
                return text, selector
    return None


def find_attachments(root, base_url: str | None) -> list[Attachment]:
    """Links to office documents and archives, with their visible names."""
    found: dict[str, Attachment] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        if not _ANY_EXT.search(href) and not _ANY_EXT.search(raw_text(a)):
            continue  # cheap test first: most links name no document at all
        try:
            path = unquote(urlsplit(href).path)
        except ValueError:  # a malformed href (bad IPv6 literal, …)
            continue
        if not ATTACHMENT_EXT.search(path):
            text = raw_text(a)
            if not ATTACHMENT_EXT.search(text.strip()):
                continue
        name = visible_text(a) or (a.get("title") or "").strip()
        url = urljoin(base_url, href) if base_url else href
        if url not in found:
            found[url] = Attachment(name=name or path.rsplit("/", 1)[-1], url=url)
    return list(found.values())


def find_canonical(root, metas: dict[str, str], base_url: str | None) -> tuple[str | None, str]:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower() and link.get("href"):
            return urljoin(base_url or "", link.get("href").strip()), "link rel=canonical"
    for name in URL_METAS:
        if metas.get(name, "").startswith(("http://", "https://", "/")):
            return urljoin(base_url or "", metas[name]), f"meta {name}"
    return None, "none"


def _date_from_metas(metas: dict[str, str], saved_at: str | None) -> tuple[str, str] | None:
    for name in DATE_METAS:
        if metas.get(name):
            value = parse_date(metas[name], saved_at)
            if value:
                return value, f"meta {name}"
    return None


def read_meta(root, config: SiteConfig | None, labels: dict[str, str],
              url: str | None = None, saved_at: str | None = None) -> PageMeta:
    """Collect every metadata field of the page, noting each one's source."""
    metas = meta_tags(root)
    meta = PageMeta()
    meta.title, meta.sources["title"] = find_title(root, metas, config)
    lines = _page_lines(root)
    fields = labelled(root, lines, labels, config.meta_area if config else (), saved_at)
    _apply_selected(meta, root, config, saved_at)
    if meta.publish_date is None:  # a <meta> date beats a loose visible 时间： label
        found = _date_from_metas(metas, saved_at)
        if found:
            meta.publish_date, meta.sources["publish_date"] = found
    apply_fields(meta, fields)
    if "title" in fields and meta.sources["title"] in ("<title> minus site suffix", "none", "first h1/h2"):
        meta.title, meta.sources["title"] = fields["title"]
    _apply_metas(meta, metas)
    if meta.publish_date is None:
        plain_lines = [plain(line) for line in lines]
        found = date_near_title(plain_lines, meta.title, saved_at) or byline_date(plain_lines, meta.title, saved_at)
        if found:
            meta.publish_date, meta.sources["publish_date"] = found
    meta.url, meta.sources["url"] = find_canonical(root, metas, url)
    meta.attachments = find_attachments(root, url or meta.url)
    return meta


def _apply_selected(meta: PageMeta, root, config: SiteConfig | None, saved_at: str | None) -> None:
    """Config selectors for date and issuer come first: the config knows the site."""
    if config is None:
        return
    date = _first_selected(root, config.date)
    if date and parse_date(date[0], saved_at):
        meta.publish_date = parse_date(date[0], saved_at)
        meta.sources["publish_date"] = f"config selector '{date[1]}'"
    issuer = _first_selected(root, config.issuer)
    if issuer:
        value = re.sub(r"^(来源|发布机构|信息来源|文章来源)\s*[:：]\s*", "", issuer[0])
        if value:
            meta.issuer = value
            meta.sources["issuer"] = f"config selector '{issuer[1]}'"


def _apply_metas(meta: PageMeta, metas: dict[str, str]) -> None:
    """<meta> tags fill what the visible page did not say."""
    if meta.issuer is None:
        for name in ISSUER_METAS[:1]:
            if metas.get(name):
                meta.issuer, meta.sources["issuer"] = metas[name], f"meta {name}"


_CLOCK_WIDGET = re.compile(r"星期|今天是|礼拜")  # a header clock shows today, not the article's date
_NOT_A_DATE_LINE = re.compile(r"GMT|UTC|©|&copy;|copyright|版权|备案|ICP|Processed in", re.IGNORECASE)


def date_near_title(lines: list[str], title: str, saved_at: str | None = None) -> tuple[str, str] | None:
    """An unlabelled date on a short line just below (or above) the title line."""
    if not title:
        return None
    key = title.replace(" ", "")
    for i, line in enumerate(lines):
        if key and key in line.replace(" ", "") and len(line) <= len(title) + 20:
            for near in lines[i + 1:i + 5] + lines[max(0, i - 2):i]:
                if len(near) <= 100 and not _NOT_A_DATE_LINE.search(near) and not _CLOCK_WIDGET.search(near):
                    value = parse_date(near, saved_at)
                    if value:
                        return value, f"date near the title ({near[:40]})"
            return None
    return None


# a byline: the date next to a clock time or a byline word (2005-04-05 06:40更新 来源：…)
_CLOCK = re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)")
_BYLINE_WORD = re.compile(r"来源|作者|发布|更新|发表|时间|日期|编辑|稿源|出处|记者|投稿|浏览|阅读")
# teaser lists (· 标题 （2005-04-03 17:19）), comment headers (# re: …), a clock widget (星期一)
_NOT_A_BYLINE = re.compile(r"^\s*[·•v#>»]|^\s*re[:：]|[（(][^（()）]*\d[:：]\d{2}[^（()）]*[)）]\s*$|回复|引用")
_ONLY_DATE = re.compile(r"^[\[【(（]?\s*(19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[\]】)）]?$")  # a date line of its own
BYLINE_WINDOW = 60  # lines after the title searched for the byline


def byline_date(lines: list[str], title: str, saved_at: str | None = None) -> tuple[str, str] | None:
    """The first byline-like date after the title (or from the top when the title is not shown).

    A byline date carries a clock time or a byline word on a short line; dates in teaser
    lists, comment headers, sidebars archives (2005年9月 (1)) and footers are skipped."""
    key = (title or "").replace(" ", "")
    start = next((i for i, line in enumerate(lines) if key and key in line.replace(" ", "")), 0)
    for line in lines[start:start + BYLINE_WINDOW]:
        if len(line) > 80 or _NOT_A_DATE_LINE.search(line) or _NOT_A_BYLINE.search(line) or _CLOCK_WIDGET.search(line):
            continue
        if not (_CLOCK.search(line) or _BYLINE_WORD.search(line) or _ONLY_DATE.match(line)):
            continue
        value = parse_date(line, saved_at)
        if value:
            return value, f"byline date ({line[:40]})"
    return None
