"""Thread detection for the generic extractor: posts, replies and discussion pages.

Posts are runs of same-shaped sibling blocks that repeat one inner template and hold
prose; a reply list may sit apart from the opening post; a discussion is known by its
URL or by floor numbers (沙发, 2楼, #3).
"""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from archive.htmltext import cue_of, visible_text


def _signature(el) -> tuple:
    cls = re.sub(r"\d+", "", el.get("class") or "")
    return el.tag, tuple(sorted(cls.split()))


def _is_post_like(el, stats: dict) -> bool:
    s = stats.get(el)
    return bool(s) and s.chars - s.links >= 8 and s.links <= 0.5 * s.chars


def thread_group(candidate, stats: dict) -> list:
    """Same-shaped sibling blocks around the candidate that each hold text: a thread."""
    node, level = candidate, 0
    base = stats[candidate].chars
    while node is not None and node.getparent() is not None and level < 10:
        parent = node.getparent()
        if parent.tag in ("body", "html"):
            break
        sig = _signature(node)
        group = [c for c in parent if isinstance(c.tag, str) and _signature(c) == sig and _is_post_like(c, stats)]
        if len(group) >= 2 and node in group:
            total = sum(stats[c].chars for c in group)
            if total > base * 1.15 and _looks_like_posts(group, stats) and _same_template(group, node):
                return group
        node, level = parent, level + 1
    return [candidate]


def _inner_shape(el, limit: int = 150) -> set:
    """The tag/class signatures inside an element: a post template's fingerprint."""
    shape = set()
    for i, inner in enumerate(el.iterdescendants()):
        if i >= limit:
            break
        if isinstance(inner.tag, str):
            shape.add(_signature(inner))
    return shape


def _same_template(group: list, node) -> bool:
    """Posts repeat one inner template; page columns (col-18 + col-6) do not."""
    mine = _inner_shape(node)
    for other in group:
        if other is node:
            continue
        theirs = _inner_shape(other)
        smaller = min(len(mine), len(theirs))
        # overlap with the smaller shape: a long post adds tags, it does not lose the template
        if smaller and len(mine & theirs) < 0.5 * smaller:
            return False
    return True


def opening_post(group: list, stats: dict, chrome: set) -> list:
    """The thread's first post when it sits just before the reply list, outside it.

    Comment lists are often wrapped apart from the post they answer (ul > li.post +
    div > li.comment*n); the post is a nearby preceding block built like a reply."""
    node = group[0].getparent()
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return []
        tried = 0
        for prev in node.itersiblings(preceding=True):
            s = stats.get(prev)
            if not isinstance(prev.tag, str) or not s or s.chars - s.links < 20:
                continue  # skip empty spacers and short bars (登录后查看更多)
            if prev in chrome or not _is_post_like(prev, stats) or tried >= 2:
                return []
            if _signature(prev) == _signature(group[0]) or _same_template([prev], group[0]):
                return [prev]
            tried += 1
        node = node.getparent()
    return []


def link_free(group: list, stats: dict) -> bool:
    """Most blocks without any link: sections of one article rather than teasers."""
    linked = sum(1 for g in group if stats[g].links)
    return linked * 2 < len(group)


def _looks_like_posts(group: list, stats: dict) -> bool:
    """Posts carry prose; paragraphs of one article also do, which is fine to keep."""
    prose = sum(1 for g in group if stats[g].strong >= 1 or stats[g].chars - stats[g].links >= 30)
    return prose >= min(len(group), max(2, len(group) // 3))


REPLY_CUES = re.compile(
    r"comment|reply|repl|answer|floor|discuss|review|respon|cmt|pinglun|huifu|\blou",
    re.IGNORECASE,
)


def _has_reply_cue(el, levels: int = 4) -> bool:
    node = el
    for _ in range(levels):
        if node is None:
            return False
        cue = cue_of(node)
        if cue and REPLY_CUES.search(cue):
            return True
        node = node.getparent()
    return False


# a URL that names a discussion page: replies there are content, not page furniture
FORUM_URL = re.compile(
    r"bbs|forum|club|tieba|thread|topic|question|answer|zhidao|wenda|faq|(?<![a-z])ask\b|discuss|comments?\b|reviews?\b|"
    r"/t/|/d/|viewthread|showtopic",
    re.IGNORECASE,
)
MARKDOWN_CUE = re.compile(r"markdown|vditor|rich[-_]?text|wysiwyg", re.IGNORECASE)
FLOOR_MARK = re.compile(r"#\d+|\d+\s*[楼#＃]|沙发|板凳|地板|楼主")


def is_discussion_url(url: str | None) -> bool:
    """Host, path or fragment name a discussion (the query string is tracking noise)."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(FORUM_URL.search(f"{parts.netloc}{parts.path}#{parts.fragment}"))


def replies_are_content(group: list, url: str | None) -> bool:
    """Keep replies on discussion pages, known by their URL or by floor numbers."""
    if is_discussion_url(url):
        return True
    floors = sum(1 for g in group if FLOOR_MARK.search(visible_text(g)[:200]))
    return floors >= max(2, len(group) // 2)


@functools.lru_cache(maxsize=4096)
def _markdown_class(cls: str) -> bool:
    """Cached: big pages repeat the same class names thousands of times."""
    return bool(MARKDOWN_CUE.search(cls))


def has_authored_replies(root) -> bool:
    """Two or more replies written in a markdown editor: a community's answers, which are
    content, unlike one-line news comments (a question or tech article page, any URL)."""
    found = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        cls = el.get("class")
        if cls and _markdown_class(cls) and _has_reply_cue(el):
            found += 1
            if found >= 2:
                return True
    return False


def reply_group(root, stats: dict, main: list, chrome: set, order: dict, discussion: bool = False) -> list:
    """Replies or comments after the main text: the largest run of same-shaped,
    text-holding siblings below the main container, under a comment/reply cue."""
    main_end = max(order[m] for m in main) + sum(1 for m in main for _ in m.iter()) - len(main)
    taken = {a for m in main for a in m.iterancestors()} | set(main)
    best, best_total = [], 0
    for parent in root.iter():
        if parent in chrome or parent in taken or order.get(parent, 0) <= main_end or len(parent) < 2:
            continue
        groups: dict = {}
        for child in parent:
            if isinstance(child.tag, str) and _is_post_like(child, stats):
                groups.setdefault(_signature(child), []).append(child)
        for group in groups.values():
            # a discussion page may hold a single reply
            if len(group) < (1 if discussion else 2) or not _looks_like_posts(group, stats):
                continue
            if not (_has_reply_cue(parent) or _has_reply_cue(group[0], 1)):
                continue
            total = sum(stats[g].chars - stats[g].links for g in group)
            if total > best_total:
                best, best_total = group, total
    return best if best_total >= 20 else []
