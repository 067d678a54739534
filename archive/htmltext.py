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
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
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
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        return etree.fromstring(text, parser)
    except (etree.ParserError, ValueError):
        return None


def is_hidden(el) -> bool:
    """Inline-styled or attribute-hidden element (a hidden mobile or print copy)."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def clean_tree(root, drop_hidden: bool = True) -> list[Dropped]:
    """Remove scripts, styles, forms' widgets and (optionally) hidden elements."""
    dropped: list[Dropped] = []
    doomed = [el for el in root.iter(*JUNK_TAGS)]
    if drop_hidden:
        body = root.find("body")
        for el in (body if body is not None else root).iter():
            if isinstance(el.tag, str) and is_hidden(el):
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
    return " ".join(v for v in (el.get("class"), el.get("id")) if v)


def describe(el) -> str:
    """A short CSS-like name for an element: tag#id or tag.class."""
    if el.get("id"):
        return f"{el.tag}#{el.get('id')}"
    cls = (el.get("class") or "").split()
    return el.tag + "".join("." + c for c in cls[:3])


def norm_space(text: str) -> str:
    """Collapse whitespace runs (incl. U+3000, NBSP) to one space; strip the ends."""
    return _SPACES.sub(" ", text).strip()


def visible_text(el) -> str:
    return norm_space(" ".join(el.itertext()))


def preview(text: str, limit: int = 40) -> str:
    text = norm_space(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def block_paragraphs(top, skip=None, inline_sep: str = "") -> list[str]:
    """Split an element's text into paragraphs at block elements and <br>.

    inline_sep, when given, marks where inline elements start and end (used to cut
    'label：value' pairs at the value's own element)."""
    return [text for text, _ in text_runs(top, skip, inline_sep)]


def text_runs(top, skip=None, inline_sep: str = "") -> list[tuple[str, int]]:
    """Paragraphs of an element with the number of their characters inside links."""
    out: list[tuple[str, int]] = []
    buf: list[str] = []
    state = {"depth": 0, "links": 0}

    def add(text: str | None) -> None:
        if text:
            buf.append(text)
            # a pasted address shown as a link is text the author wrote
            if state["depth"] and not text.lstrip().startswith(("http://", "https://", "www.")):
                state["links"] += len(LETTERS.findall(text))

    def flush() -> None:
        para = norm_space("".join(buf))
        buf.clear()
        if para:
            out.append((para, state["links"]))
        state["links"] = 0

    walker = etree.iterwalk(top, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if el is not top and skip is not None and skip(el):
                walker.skip_subtree()
                el.set("data-skipped", "1")
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            elif tag in CELL_TAGS:
                buf.append(" " + inline_sep)
            elif inline_sep and el is not top:
                buf.append(inline_sep)
            state["depth"] += tag == "a"
            add(el.text)
        else:
            skipped = el.attrib.pop("data-skipped", None)
            if not skipped:
                state["depth"] -= tag == "a"
            if tag in BLOCK_TAGS:
                flush()
            elif inline_sep and el is not top:
                buf.append(inline_sep)
            if el is not top:
                add(el.tail)
    flush()
    return out


_FILE_NAME = re.compile(
    r"\S\.(pdf|docx?|xlsx?|pptx?|wps|et|zip|rar|7z|txt|ofd|csv)"
    r"(\s*[（(]?\s*\d+(\.\d+)?\s*[KMG]i?B\s*[)）]?)?\s*$",
    re.IGNORECASE,
)


def names_a_file(para: str) -> bool:
    """A line naming a document (商标审查标准.pdf 10.12MB): an attachment, not a link list."""
    return len(para) <= 120 and bool(_FILE_NAME.search(para))


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
