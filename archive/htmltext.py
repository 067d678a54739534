"""HTML helpers shared by the extractors: parsing, cleaning, text runs, control lines.

Pure functions over lxml trees: parse a page, drop scripts and hidden copies, split an
element's text into paragraphs at block boundaries, and recognise forum/page control
lines and repeated paragraphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree


JUNK_TAGS = (
    "script", "style", "noscript", "iframe", "object", "embed", "svg", "canvas",
    "template", "select", "option", "button", "input", "textarea", "map", "audio", "video",
)
BLOCK_TAGS = frozenset(
    ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "tbody", "thead", "tfoot", "section", "article", "blockquote", "pre", "header", "footer", "nav", "aside", "main", "form", "fieldset", "figure", "figcaption", "center", "address", "hr", "caption", "details", "summary", "body", "html"]
)
CELL_TAGS = frozenset(("td", "th"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
LETTERS = re.compile(r"[^\W\d_]")

# Words that make up forum and page controls; a line made only of them is dropped.
CONTROL_WORDS = frozenset(
    ["回复", "举报", "只看该作者", "只看楼主", "引用", "分享", "收藏", "点赞", "赞", "顶", "踩", "楼主", "沙发", "板凳", "地板", "电梯直达", "使用道具", "倒序浏览", "阅读模式", "回帖奖励", "打印", "关闭", "关闭窗口", "打印本页", "返回顶部", "返回列表", "上一篇", "下一篇", "上一主题", "下一主题", "复制链接", "跳转到指定楼层", "评分", "支持", "反对", "编辑", "删除", "字体", "大", "中", "小", "发表回复", "快速回复", "回复本楼", "举报本楼", "查看全部", "收起", "展开", "展开全文", "阅读全文", "加入收藏", "分享到", "微信", "微博", "QQ空间", "QQ好友和群", "腾讯微博", "腾讯朋友", "打印本文", "关闭本页", "返回", "顶部", "本页", "TOP", "小", "大", "默认", "评论", "首赞", "点赞数", "赞同", "喜欢", "转发", "关注", "取消关注", "私信", "更多", "回复TA"]
)
RELATED_HEADING = re.compile(
    r"^【?(相关(报道|新闻|阅读|文章|链接|推荐|专题)|延伸阅读|推荐阅读|热门推荐|猜你喜欢|更多精彩|热点推荐)】?\s*[:：]?$"
)
_CONTROL_SPLIT = re.compile(r"[\s|｜/·:：【】\[\]()（）]+")
_CONTROL_RE = re.compile(
    r"^(分享到[:：]?.{0,60}|本帖最后由 .{1,40} 编辑|\d{1,5}\s*(楼|#|＃)|#\d{1,5}|"
    r"查看[:：]\s*\d+\s*\|\s*回复[:：]\s*\d+|【?\s*字体[:：]?\s*[大中小\s]*】?|"
    r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页.{0,30}|.{0,20}(上一页|首页).{0,10}(下一页|尾页).{0,10}|"
    # a byline's leftovers once name and time are gone: "| 扫地 |", "1 |"
    r"[|｜]?[^|｜]{0,12}[|｜]|[|｜][^|｜]{0,12})$"
)


@dataclass
class Dropped:
    """A block left out of the main text, with the reason."""

    reason: str
    where: str
    preview: str


def parse_html(text: str):
    """Parse an HTML string into an lxml tree root; None when nothing parses."""
    if not text or not text.strip():
        return None
    # lxml refuses str input that carries an XML encoding declaration
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        # UTF-8 bytes with the encoding stated parse faster than a str (same tree)
        data, encoding = text.encode("utf-8"), "utf-8"
    except UnicodeEncodeError:  # lone surrogates: let lxml take the str as it is
        data, encoding = text, None
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding=encoding)
    try:
        return etree.fromstring(data, parser)
    except (etree.ParserError, ValueError):
        return None


def is_hidden(el) -> bool:
    """Inline-styled or attribute-hidden element (a hidden mobile or print copy)."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# the only elements is_hidden can flag, found in C (document order, the top included)
_STYLED = etree.XPath("descendant-or-self::*[@hidden or @style]")


def clean_tree(root, drop_hidden: bool = True) -> list[Dropped]:
    """Remove scripts, styles, forms' widgets and (optionally) hidden elements."""
    dropped: list[Dropped] = []
    doomed = [el for el in root.iter(*JUNK_TAGS)]
    if drop_hidden:
        body = root.find("body")
        for el in _STYLED(body if body is not None else root):
            if is_hidden(el):
                text = visible_text(el)
                if text:
                    dropped.append(Dropped("hidden element", describe(el), preview(text)))
                doomed.append(el)
    for el in doomed:
        remove_keep_tail(el)
    return dropped


def remove_keep_tail(el) -> None:
    """Remove an element from the tree but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def cue_of(el) -> str:
    """The element's class and id, for the class/id cues."""
    cls, ident = el.get("class"), el.get("id")  # called for every element of big pages: no join
    if cls and ident:
        return cls + " " + ident
    return cls or ident or ""


def describe(el) -> str:
    """A short CSS-like name for an element: tag#id or tag.class."""
    if el.get("id"):
        return f"{el.tag}#{el.get('id')}"
    cls = (el.get("class") or "").split()
    return el.tag + "".join("." + c for c in cls[:3])


def norm_space(text: str) -> str:
    """Collapse whitespace runs (incl. U+3000, NBSP) to one space; strip the ends."""
    # str.split() knows the same Unicode spaces as the regex \s, and is several times faster
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def visible_text(el) -> str:
    return norm_space(" ".join(el.itertext()))


def raw_text(el) -> str:
    """"".join(el.itertext()), built in C by lxml's text serialiser (several times faster)."""
    if len(el) == 0:
        return el.text or ""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def has_visible_text(el) -> bool:
    """Does visible_text(el) hold anything? Stops at the first text, unlike visible_text."""
    return any(norm_space(text) for text in el.itertext())


def preview(text: str, limit: int = 40) -> str:
    text = norm_space(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible_head(el, limit: int) -> str:
    """visible_text(el) if it has at most `limit` characters, else a longer prefix of it.

    Reads only as much of the subtree as needed: a dropped block may be a whole page."""
    parts: list[str] = []
    size, check_at = 0, limit
    for text in el.itertext():
        parts.append(text)
        size += len(text)
        if size > check_at:
            # the normalised prefix is a prefix of the normalised whole
            head = norm_space(" ".join(parts))
            if len(head) > limit:
                return head
            check_at = 2 * size
    return norm_space(" ".join(parts))


def preview_of(el, limit: int = 40) -> str:
    """preview(visible_text(el)), reading no more of the element than the preview shows."""
    return preview(visible_head(el, limit), limit)


def block_paragraphs(top, skip=None, inline_sep: str = "") -> list[str]:
    """Split an element's text into paragraphs at block elements and <br>.

    inline_sep, when given, marks where inline elements start and end (used to cut
    'label：value' pairs at the value's own element)."""
    return [text for text, _ in text_runs(top, skip, inline_sep, count_links=False)]


def _link_letters(text: str) -> int:
    """Letters of a text inside a link; a pasted address shown as a link is the author's text."""
    if text.lstrip().startswith(("http://", "https://", "www.")):
        return 0
    return len(LETTERS.findall(text))


def text_runs(top, skip=None, inline_sep: str = "", count_links: bool = True) -> list[tuple[str, int]]:
    """Paragraphs of an element with the number of their characters inside links
    (0 throughout when count_links is False: a whole page is read faster)."""
    out: list[tuple[str, int]] = []
    buf: list[str] = []
    depth = links = 0
    skipped: set = set()  # elements whose subtree skip() left out (their end event still comes)

    def flush() -> None:
        nonlocal links
        if buf:
            para = norm_space("".join(buf))
            buf.clear()
            if para:
                out.append((para, links))
        links = 0

    # hot loop over every element of the page: locals and inlined steps, no helpers per event
    walker = etree.iterwalk(top, events=("start", "end"))
    for event, el in walker:
        tag = el.tag  # lxml builds a new str per .tag access: read it once
        if not isinstance(tag, str):
            tag = ""
        if event == "start":
            if skip is not None and el is not top and skip(el):
                walker.skip_subtree()
                skipped.add(el)
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            elif tag in CELL_TAGS:
                buf.append(" " + inline_sep)
            elif inline_sep and el is not top:
                buf.append(inline_sep)
            if tag == "a" and count_links:
                depth += 1
            text = el.text
        else:
            if tag == "a" and count_links and not (skipped and el in skipped):
                depth -= 1
            if tag in BLOCK_TAGS:
                flush()
            elif inline_sep and el is not top:
                buf.append(inline_sep)
            text = el.tail if el is not top else None
        if text:
            buf.append(text)
            if depth:
                links += _link_letters(text)
    flush()
    return out


_FILE_NAME = re.compile(
    r"\S\.(pdf|docx?|xlsx?|pptx?|wps|et|zip|rar|7z|txt|ofd|csv)"
    r"(\s*[（(]?\s*\d+(\.\d+)?\s*[KMG]i?B\s*[)）]?)?\s*$",
    re.IGNORECASE,
)


FILE_LINE = 120  # characters: a longer line is more than a file's name


def names_a_file(para: str) -> bool:
    """A line naming a document (商标审查标准.pdf 10.12MB): an attachment, not a link list."""
    return len(para) <= FILE_LINE and bool(_FILE_NAME.search(para))


def is_control_line(para: str) -> bool:
    """A line made only of forum/page control words (回复, 举报, 只看该作者 …)."""
    if len(para) > 80:
        return False
    if _CONTROL_RE.match(para):
        return True
    tokens = [t for t in _CONTROL_SPLIT.split(para) if t]
    return bool(tokens) and all(t in CONTROL_WORDS for t in tokens)


def dedupe(paragraphs: list[str], dropped: list[Dropped], min_len: int = 10) -> list[str]:
    """Drop repeats of long paragraphs (desktop + mobile copies, echoed blocks)."""
    seen: set[str] = set()
    kept = []
    for para in paragraphs:
        key = para.replace(" ", "")
        if len(key) >= min_len and key in seen:
            dropped.append(Dropped("duplicate paragraph", "text", preview(para)))
            continue
        seen.add(key)
        kept.append(para)
    return kept
