"""Main-text extraction for pages no site config knows: DOM scoring.

Scores every element by the text it holds (length, Chinese and Western punctuation,
link density, class/id cues), picks the best container, widens it to a whole thread
when it sits in a run of same-shaped sibling blocks (forum posts), then reads its
paragraphs while dropping link lists, share bars, user panels and other boilerplate.
Thread detection lives in archive/threads.py, shared HTML helpers in archive/htmltext.py.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

from archive.feeds import entry_choice, entry_run
from archive.htmltext import (
    BLOCK_TAGS,
    FILE_LINE,
    LETTERS,
    RELATED_HEADING,
    Dropped,
    cue_of,
    dedupe,
    describe,
    is_control_line,
    names_a_file,
    preview,
    preview_of,
    text_runs,
    visible_head,
)
from archive.threads import (
    REPLY_CUES,
    link_free,
    has_authored_replies,
    is_discussion_url,
    opening_post,
    replies_are_content,
    reply_group,
    thread_group,
)

# class/id words that mark boilerplate (negative) or the article (positive)
NEGATIVE_CUES = re.compile(
    r"nav|menu|footer|foot\b|header|sidebar|side[-_]|aside|comment|reply|share|social|"
    r"recommend|related|relevant|hot|rank|breadcrumb|crumb|copyright|banner|advert|"
    r"\bads?\b|ad[-_]|toolbar|login|search|tags?\b|pagination|pager|paging|sign|avatar|"
    r"profile|userinfo|user[-_]info|author[-_]info|user[-_]?name|nick[-_]?name|qrcode|erweima|weixin|print|widget|"
    r"popup|modal|cookie|subscribe|friend|links?\b|more\b|tip\b|notice|guide|skip|"
    r"video|player",  # a media player's controls (倍速 1.5X, 高清, 播放失败)
    re.IGNORECASE,
)
POSITIVE_CUES = re.compile(
    r"article|content|main|body|text|post|entry|detail|story|news|zoom|editor|"
    r"thread|answer|rich|markdown|readme|con\b|conts?\b|td_?f|t_f|zw|nr|wz",
    re.IGNORECASE,
)
# inline elements: their text belongs to the surrounding paragraph
INLINE_TAGS = frozenset(("a", "b", "strong", "span", "font", "em", "i", "u", "sup", "sub", "small", "big", "mark", "cite", "abbr", "q"))
PUNCT = re.compile(r"[。，；！？、：,;!?]")
STRONG_PUNCT = re.compile(r"[。，；！？]")


@dataclass
class MainText:
    """The main text found in a page, and what was dropped on the way."""

    paragraphs: list[str]
    container: str  # a readable path to the chosen container(s)
    mode: str  # "article" or "thread"
    dropped: list[Dropped] = field(default_factory=list)


@dataclass(slots=True)
class _Stats:
    chars: int = 0  # visible non-space characters in the subtree
    links: int = 0  # of which inside <a>
    punct: int = 0
    strong: int = 0  # 。，；！？ only: prose, not link lists or menus
    score: float = 0.0  # content score propagated up from text holders


@functools.lru_cache(maxsize=4096)
def _has(pattern: re.Pattern, cue: str) -> bool:
    """Cached cue test: big pages repeat the same class names thousands of times."""
    return bool(pattern.search(cue))


def _count(text: str | None) -> tuple[int, int, int]:
    """Non-space characters, punctuation marks and strong (prose) punctuation of a text."""
    if not text or text.isspace():  # most tails are indentation: skip the regexes
        return 0, 0, 0
    chars = len("".join(text.split()))
    punct = len(PUNCT.findall(text))
    return chars, punct, (len(STRONG_PUNCT.findall(text)) if punct else 0)


def _chars(text: str | None) -> int:
    """Non-space characters of a text (most tails are indentation: no split for those)."""
    return 0 if not text or text.isspace() else len("".join(text.split()))


def element_stats(root) -> dict:
    """Characters, link characters and punctuation of every element, bottom-up."""
    stats: dict = {}
    get = stats.get
    # lxml builds a new str on every .tag/.text/.tail access: read each once
    for _, el in etree.iterwalk(root, events=("end",)):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        text = el.text
        # tests inlined: this runs for every text and tail of the page, most of them indentation
        chars, punct, strong = _count(text) if text and not text.isspace() else (0, 0, 0)
        links = 0
        for child in el:
            c = get(child)
            if c is not None:
                chars += c.chars
                links += c.links
                punct += c.punct
                strong += c.strong
            tail = child.tail
            if tail and not tail.isspace():
                t_chars, t_punct, t_strong = _count(tail)
                chars += t_chars
                punct += t_punct
                strong += t_strong
        stats[el] = _Stats(chars, chars if tag == "a" else links, punct, strong)
    return stats


def cue_weight(el) -> float:
    """Class/id evidence: +25 for article words, -25 for boilerplate words."""
    cue = cue_of(el)
    if not cue:
        return 0.0
    weight = 0.0
    if _has(POSITIVE_CUES, cue):
        weight += 25
    if _has(NEGATIVE_CUES, cue):
        weight -= 25
    return weight


def score_elements(root, stats: dict) -> None:
    """Give each text holder a score and pass it up to three ancestors (readability)."""
    for el in root.iter("p", "div", "td", "pre", "li", "section", "article", "blockquote", "dd", "font", "span", "table"):
        chars, strong = _own_counts(el, stats)
        if chars < 20 and strong == 0:
            continue
        s = 1 + strong + min(chars / 60, 4)
        node, level = el, 0
        while node is not None and node in stats and level < 4:
            divider = 1 if level < 2 else level * 1.5
            stats[node].score += s / divider
            node = node.getparent()
            level += 1


def _own_counts(el, stats: dict) -> tuple[int, int]:
    """Characters and strong punctuation of an element's own text: its subtree minus its
    block children (inline children's text belongs to its paragraphs)."""
    total = stats[el]
    chars, strong = total.chars, total.strong
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in INLINE_TAGS:
            c = stats[child]
            chars -= c.chars
            strong -= c.strong
    return chars, strong


# containers whose whole subtree is page chrome: a candidate inside one is discounted
CHROME_CUES = re.compile(
    r"modal|popup|dialog|dropdown|tooltip|footer|sidebar|side-bar|\baside|\bnav|menu|"
    r"login|report|share|recommend|related|hot[-_]|rank",
    re.IGNORECASE,
)
CHROME_TAGS = frozenset(("footer", "nav", "aside", "header"))


# on an article page, comment sections are chrome too (readability's "unlikely candidates")
COMMENT_CUES = re.compile(r"comment|remark|disqus|combx|community|shoutbox|sponsor|respond", re.IGNORECASE)


def chrome_elements(root, discussion: bool = False) -> set:
    """Elements inside page chrome (nav, footer, sidebars, modal dialogs, comments)."""
    inside: set = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in CHROME_TAGS or el.getparent() in inside:
            inside.add(el)
            continue
        cue = cue_of(el)
        chrome_cue = cue and (_has(CHROME_CUES, cue) or (not discussion and _has(COMMENT_CUES, cue)))
        if chrome_cue and not _has(POSITIVE_CUES, cue):
            inside.add(el)
    return inside


def title_element(root, title: str | None):
    """The heading (or title-classed block) that shows the article title, or None."""
    if not title:
        return None
    key = title.replace(" ", "")
    for el in root.iter("h1", "h2", "h3", "div", "p", "td", "span", "strong"):
        if el.tag in ("div", "p", "td", "span", "strong") and "title" not in (el.get("class") or "").lower():
            continue
        text = "".join(el.itertext()).replace(" ", "").strip()
        if text and (text == key or (key in text and len(text) <= len(key) + 12)):
            return el
    return None


class TitleAnchor:
    """Where the headline ends in the page, to favour text that starts right after it."""

    GAP = 300  # characters of other text allowed between headline and body

    def __init__(self, root, title_el):
        self.start: dict = {}
        self.end = None
        self.title_el = title_el
        if title_el is None:
            return
        last = list(title_el.iter())[-1]
        seen, limit = 0, None
        for el in root.iter():
            if limit is not None and seen > limit:
                break  # every later element starts too far below the headline
            self.start[el] = seen
            if el is last:
                self.end = seen + _chars(el.text)
                limit = self.end + self.GAP
            seen += _chars(el.text) + _chars(el.tail)

    def follows(self, el) -> bool:
        """Does the element's text begin within GAP characters after the headline?"""
        if self.end is None or el not in self.start:
            return False
        return 0 <= self.start[el] - self.end <= self.GAP


def best_candidate(root, stats: dict, chrome: set, anchor: TitleAnchor | None = None, allowed=None):
    """The element with the highest link-discounted score (among `allowed`), or None."""
    best, best_score = None, 0.0
    for el, s in stats.items():
        if s.score <= 0 or el.tag in ("html", "body", "a") or (allowed is not None and not allowed(el)):
            continue
        link_density = s.links / s.chars if s.chars else 1
        value = (s.score + cue_weight(el)) * (1 - link_density)
        if el in chrome:
            value *= 0.2
        if anchor is not None and anchor.follows(el):
            value *= 1.5  # the article body sits right under its headline
        if value > best_score:
            best, best_score = el, value
    return best


# a block named as the post or article body; on a page with almost no prose the
# score finds nothing, and this block right under the headline is the body
BODY_CUE = re.compile(
    r"(post|article|thread|topic|news|detail|entry)[-_]?(content|body|text)|rich[-_]?text|markdown",
    re.IGNORECASE,
)
SHORT_PAGE = 100  # characters: a best candidate this small is no evidence of an article


def short_body(root, stats: dict, chrome: set, anchor: TitleAnchor):
    """The first body-named block after the headline that holds text, or None."""
    for el in root.iter():
        s = stats.get(el)
        if s is None or not s.chars or el in chrome or not anchor.follows(el):
            continue
        cue = cue_of(el)
        if cue and BODY_CUE.search(cue) and not _has(NEGATIVE_CUES, cue):
            return el
    return None


def _in_code(el) -> bool:
    return any(a.tag in ("pre", "code") for a in el.iterancestors())


def _mid_sentence(el) -> bool:
    """An inline element with text on both sides: a term inside a sentence, whatever its class."""
    if el.tag not in INLINE_TAGS:
        return False
    prev = el.getprevious()
    before = prev.tail if prev is not None else el.getparent().text
    return bool((before or "").strip() and (el.tail or "").strip())


def _drop_reason(el, stats: dict, top, discussion: bool) -> str | None:
    """Why a block inside the container is boilerplate, or None to keep it."""
    s = stats.get(el)
    if s is None or el is top or s.chars == 0:
        return None
    cue = cue_of(el)
    if cue and el.tag not in BLOCK_TAGS and _in_code(el):
        cue = ""  # <span class="comment"> in a code listing is code, not a comment section
    if discussion and cue and REPLY_CUES.search(cue) and (s.strong or s.chars - s.links >= 20):
        cue = ""  # on a discussion page the replies' text is content (their bylines are not)
    if not discussion and cue and _has(COMMENT_CUES, cue) and not _has(POSITIVE_CUES, cue):
        return f"comments under an article ('{cue[:40]}')"
    negative = cue and _has(NEGATIVE_CUES, cue) and not _has(POSITIVE_CUES, cue) and not _mid_sentence(el)
    if negative and (s.chars < 0.5 * stats[top].chars or s.strong < 3):
        return f"class/id '{cue[:40]}' looks like boilerplate"
    # an inline link wrapper (<span><a>术语</a></span>) is part of its sentence; link-only
    # lines made of inline elements are still dropped line by line in read_container
    if s.links > 0.6 * s.chars and s.chars >= 4 and el.tag not in INLINE_TAGS and not names_a_file(visible_head(el, FILE_LINE)):
        return f"link text {s.links}/{s.chars} chars"
    if el.tag in ("ul", "ol", "dl") and s.links > 0.4 * s.chars and s.strong == 0:
        return "list of links"
    return None


def read_container(top, stats: dict, dropped: list, discussion: bool = False) -> list[str]:
    """Paragraphs of one container, skipping boilerplate blocks inside it."""
    def skip(el) -> bool:
        reason = _drop_reason(el, stats, top, discussion)
        if reason:
            dropped.append(Dropped(reason, describe(el), preview_of(el)))
        return bool(reason)

    kept = []
    for para, links in text_runs(top, skip):
        chars = len(LETTERS.findall(para))  # letters only: a "(2005-04-27)" tail is no text
        if is_control_line(para):
            dropped.append(Dropped("forum/page control", "line", preview(para)))
        elif chars >= 4 and links >= 0.5 * chars and not names_a_file(para):
            dropped.append(Dropped(f"link line ({links}/{chars} chars in links)", "line", preview(para)))
        elif RELATED_HEADING.match(para):
            dropped.append(Dropped("heading of a link list", "line", preview(para)))
        else:
            kept.append(para)
    return kept


def outside_blocks(group: list, stats: dict) -> list[Dropped]:
    """The text-holding siblings of the container and its ancestors: what was left out."""
    keep = set(group)
    out = []
    node = group[0]
    while node is not None and node in stats:
        parent = node.getparent()
        if parent is None:
            break
        for sibling in parent:
            if sibling in keep or not isinstance(sibling.tag, str):
                continue
            s = stats.get(sibling)
            if s and s.chars:
                out.append(Dropped("outside the main container", describe(sibling), preview_of(sibling)))
        keep.add(parent)
        node = parent
    return out


def extract_main(root, url: str | None = None, title: str | None = None) -> MainText:
    """Find and read the main text of a cleaned page body."""
    stats = element_stats(root)
    score_elements(root, stats)
    discussion = is_discussion_url(url) or has_authored_replies(root)
    main = _extract(root, stats, discussion, url, title)
    if not discussion and sum(len(p) for p in main.paragraphs) < 30:
        # everything sat under comment cues: the page is a discussion after all
        main = _extract(root, stats, True, url, title)
    if title and (discussion or main.mode == "thread"):
        main.paragraphs = with_subject(main.paragraphs, title)
    return main


def with_subject(paragraphs: list[str], title: str) -> list[str]:
    """A thread starts with its subject line (the question, the topic), shown once."""
    key = title.replace(" ", "")
    head = "".join(paragraphs[:2]).replace(" ", "")
    if not key or key in head[: len(key) + 40]:
        return paragraphs
    return [title] + paragraphs


def _page_entry(root, stats: dict, chrome: set, anchor: TitleAnchor, candidate):
    """On a page listing many entries, the entry the page is about (archive/feeds.py)."""
    run = entry_run(candidate, stats)
    if not run:
        return candidate

    def best(allowed, after_title: bool):
        if after_title:
            return best_candidate(root, stats, chrome, None, lambda el: allowed(el) and anchor.follows(el))
        return best_candidate(root, stats, chrome, anchor, allowed)

    return entry_choice(candidate, run, anchor.title_el, best)


def _extract(root, stats: dict, discussion: bool, url: str | None, title: str | None) -> MainText:
    chrome = chrome_elements(root, discussion)
    order = {el: i for i, el in enumerate(root.iter())}
    anchor = TitleAnchor(root, title_element(root, title))
    candidate = best_candidate(root, stats, chrome, anchor)
    if candidate is None or (stats[candidate].chars < SHORT_PAGE and len(thread_group(candidate, stats)) == 1):
        body = short_body(root, stats, chrome, anchor)
        candidate = body if body is not None else candidate
    if candidate is None:
        return MainText([], "", "none", [Dropped("no text block found", "page", "")])
    group = thread_group(candidate, stats)
    if len(group) > 1 and not (discussion or replies_are_content(group, None) or link_free(group, stats)):
        group = [candidate]  # same-shaped teasers on an article page are a feed, not a thread
    if len(group) == 1 and not discussion:
        candidate = _page_entry(root, stats, chrome, anchor, candidate)
        group = [candidate]
    if len(group) > 1:
        group = opening_post(group, stats, chrome) + group
    dropped: list[Dropped] = []
    replies = reply_group(root, stats, group, chrome, order, discussion)
    if replies and not (discussion or replies_are_content(replies, url)):
        dropped += [Dropped("comments under an article", describe(r), preview_of(r)) for r in replies]
        replies = []
    paragraphs: list[str] = []
    for top in group + replies:
        paragraphs.extend(read_container(top, stats, dropped, discussion))
    dropped += outside_blocks(group + replies, stats)
    mode = "thread" if len(group) > 1 or replies else "article"
    paths = " + ".join(describe(g) for g in group[:3]) + (" …" if len(group) > 3 else "")
    return MainText(dedupe(paragraphs, dropped), paths, mode, dropped)
