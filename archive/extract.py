"""Turn a decoded page (HTML or a plain-text dump) into an Extracted record.

A site config from scraper_configs/ is used when one recognises the page (see
archive/configs.py for the matching rule); otherwise the generic DOM-scoring
extractor (archive/generic.py, helpers in archive/htmltext.py) finds the main text. Metadata comes from
archive/page_meta.py. `trace_page` returns the same result plus a Trace of every
decision, which archive/explain.py prints.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from archive import generic, htmltext, textdump
from archive.configs import ConfigSet, SiteConfig, css, labels_for, load_configs
from archive.htmltext import Dropped, block_paragraphs, describe, preview, visible_text
from archive.page_meta import PageMeta, read_meta
from archive.records import Extracted

KINDS = ("html", "text")
MIN_TEXT = 20  # characters of main text below which a config or pass is judged to have failed


@dataclass
class ConfigTest:
    """How one config fared against the page."""

    config: str
    matched: bool
    score: int
    detail: str  # what matched, or the first test that failed


@dataclass
class Trace:
    """Every decision taken on one page, for explain_page."""

    kind: str
    tests: list[ConfigTest] = field(default_factory=list)
    config: str | None = None
    selectors: list[str] = field(default_factory=list)
    container: str = ""
    mode: str = ""
    dropped: list[Dropped] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class PageView:
    """What the matcher looks at."""

    kind: str
    root: object = None  # lxml root for html
    text: str = ""  # text dumps: the raw text; html: the visible text of the body
    host: str = ""
    generator: str = ""
    tokens: frozenset | None = None  # every class and id on the page (None: unknown)

    def has(self, selector: str) -> bool:
        """Does the selector match? Skips the tree walk when a class/id it needs is absent."""
        if self.root is None:
            return False
        if self.tokens is not None and not any(
            all(t in self.tokens for t in needed) for needed in _needed_tokens(selector)
        ):
            return False
        return bool(css(selector)(self.root))


_ATTRS = re.compile(r"\[[^\]]*\]|:[\w-]+\([^)]*\)")
_NEEDED = re.compile(r"[.#]([\w-]+)")


@functools.lru_cache(maxsize=4096)  # every page asks about the configs' same selectors
def _needed_tokens(selector: str) -> tuple[tuple[str, ...], ...]:
    """For each comma-separated part of the selector, the classes and ids it requires."""
    return tuple(tuple(_NEEDED.findall(_ATTRS.sub("", group))) for group in selector.split(","))


_CLASSES = etree.XPath("//@class", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)


def page_tokens(root) -> frozenset:
    """All class names and ids in the page, for PageView.has (read in C by lxml)."""
    tokens: set[str] = set(_IDS(root))
    for value in _CLASSES(root):
        tokens.update(value.split())
    return frozenset(tokens)


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""


def _generator(root) -> str:
    for el in root.iter("meta"):
        if (el.get("name") or "").lower() == "generator":
            return el.get("content") or ""
    return ""


def check_config(config: SiteConfig, page: PageView) -> ConfigTest:
    """Apply a config's match rule to a page (rule documented in archive/configs.py)."""
    rule = config.match
    if config.kind != page.kind:
        return ConfigTest(config.name, False, 0, f"kind is {config.kind}, page is {page.kind}")
    score, hits = 0, []
    for selector in rule.dom_all:
        if not page.has(selector):
            return ConfigTest(config.name, False, 0, f"dom_all '{selector}' not found")
        score, hits = score + 1, hits + [f"dom '{selector}'"]
    for pattern in rule.text_all:
        if not pattern.search(page.text):
            return ConfigTest(config.name, False, 0, f"text_all /{pattern.pattern}/ not found")
        score, hits = score + 1, hits + [f"text /{pattern.pattern}/"]
    if page.host and any(p.search(page.host) for p in rule.hosts):
        score, hits = score + 2, hits + [f"host {page.host}"]
    if page.generator and any(p.search(page.generator) for p in rule.generator):
        score, hits = score + 2, hits + [f"generator '{page.generator}'"]
    for selector in rule.dom_any:
        if page.has(selector):
            score, hits = score + 1, hits + [f"dom '{selector}'"]
    for pattern in rule.text_any:
        if pattern.search(page.text):
            score, hits = score + 1, hits + [f"text /{pattern.pattern}/"]
    if score < rule.min_score:
        seen = ", ".join(hits) or "no marker"
        return ConfigTest(config.name, False, score, f"score {score} < min_score {rule.min_score} ({seen})")
    return ConfigTest(config.name, True, score, ", ".join(hits))


def match_config(configs: ConfigSet, page: PageView) -> tuple[SiteConfig | None, list[ConfigTest]]:
    """The best matching config (highest score, then priority, then name) and all tests."""
    tests = [check_config(c, page) for c in configs.sites]
    by_name = {c.name: c for c in configs.sites}
    winners = [t for t in tests if t.matched]
    if not winners:
        return None, tests
    best = max(winners, key=lambda t: (t.score, by_name[t.config].priority, t.config))
    return by_name[best.config], tests


def _drop_selected(root, selectors: tuple[str, ...], trace: Trace, why: str) -> None:
    for selector in selectors:
        for el in css(selector)(root):
            trace.dropped.append(Dropped(f"{why} '{selector}'", describe(el), htmltext.preview_of(el)))
            htmltext.remove_keep_tail(el)


def _clean_lines(paragraphs: list[str], trace: Trace) -> list[str]:
    kept = []
    for para in paragraphs:
        if htmltext.is_control_line(para):
            trace.dropped.append(Dropped("forum/page control", "line", preview(para)))
        else:
            kept.append(para)
    return kept


def outermost(elements: list) -> list:
    """Drop elements nested in another of the list (so no text is read twice)."""
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def innermost(elements: list) -> list:
    """Drop elements that contain another of the list (a post list matched as a post)."""
    containers = {a for el in elements for a in el.iterancestors()}
    return [el for el in elements if el not in containers]


def _read_posts(root, config: SiteConfig, trace: Trace) -> list[str]:
    """Every post of a thread, in order: an 'author time' line, then its text."""
    rule = config.posts
    paragraphs: list[str] = []
    posts = innermost(css(rule.post)(root))
    trace.selectors += [f"posts.post '{rule.post}' ({len(posts)} found)", f"posts.content '{rule.content}'"]
    for post in posts:
        contents = outermost(css(rule.content)(post))
        if not contents:
            trace.dropped.append(Dropped("post without content block", describe(post), htmltext.preview_of(post)))
            continue
        head = [_first_text(post, rule.author), _first_text(post, rule.time)]
        _drop_selected(post, rule.drop, trace, "posts.drop")
        body = _clean_lines([p for c in contents for p in block_paragraphs(c)], trace)
        header = " ".join(h for h in head if h)
        if rule.header and header and body:
            paragraphs.append(header)
        paragraphs.extend(body)
    return paragraphs


def _first_text(el, selector: str | None) -> str:
    if not selector:
        return ""
    for found in css(selector)(el):
        text = visible_text(found)
        if text:
            return re.sub(r"^发表于\s*[:：]?\s*", "", text)
    return ""


def _read_body(root, config: SiteConfig, trace: Trace) -> list[str]:
    """The first body selector that yields text; all its matches, in order."""
    for selector in config.body:
        found = outermost(css(selector)(root))
        paragraphs = [p for el in found for p in block_paragraphs(el)]
        if sum(len(p) for p in paragraphs) >= 1:
            trace.selectors.append(f"body '{selector}' ({len(found)} block(s))")
            return _clean_lines(paragraphs, trace)
        trace.selectors.append(f"body '{selector}' (no text)")
    return []


def _read_with_config(root, config: SiteConfig, trace: Trace) -> list[str]:
    _drop_selected(root, config.drop, trace, "config drop")
    paragraphs = _read_posts(root, config, trace) if config.posts else _read_body(root, config, trace)
    trace.mode = "thread" if config.posts else "article"
    trace.container = "config selectors"
    return htmltext.dedupe(paragraphs, trace.dropped)


def _read_generic(root, text: str, trace: Trace, url: str | None, title: str = "") -> list[str]:
    """Generic extraction; if hiding dropped everything, retry with hidden blocks kept."""
    for drop_hidden in (True, False):
        root = root if drop_hidden else htmltext.parse_html(text)
        if root is None:
            return []
        hidden = htmltext.clean_tree(root, drop_hidden=drop_hidden)
        body = root.find("body")
        main = generic.extract_main(body if body is not None else root, url, title)
        if sum(len(p) for p in main.paragraphs) >= MIN_TEXT or not drop_hidden:
            trace.dropped += hidden + main.dropped
            trace.container, trace.mode = main.container, main.mode
            return main.paragraphs
    return []


def _to_extracted(paragraphs: list[str], meta: PageMeta, config: SiteConfig | None,
                  warnings: list[str]) -> Extracted:
    return Extracted(
        title=meta.title, paragraphs=paragraphs, publish_date=meta.publish_date,
        written_date=meta.written_date, issuer=meta.issuer, doc_number=meta.doc_number,
        index_number=meta.index_number, subject_words=meta.subject_words,
        attachments=meta.attachments, url=meta.url,
        site_config=config.name if config else "generic",
        config_region=config.region if config else None, warnings=warnings,
    )


def _trace_html(text: str, url: str | None, saved_at: str | None,
                configs: ConfigSet) -> tuple[Extracted, Trace]:
    trace = Trace(kind="html")
    root = htmltext.parse_html(text)
    if root is None or not htmltext.has_visible_text(root):
        return Extracted(site_config="generic", warnings=["empty or unparsable HTML page"]), trace
    trace.dropped += htmltext.clean_tree(root, drop_hidden=False)
    body = root.find("body")
    page = PageView("html", root=root, text=visible_text(body if body is not None else root),
                    host=_host(url), generator=_generator(root), tokens=page_tokens(root))
    config, trace.tests = match_config(configs, page)
    meta = read_meta(root, config, labels_for(config, configs.defaults), url, saved_at)
    warnings: list[str] = []
    paragraphs: list[str] = []
    if config is not None:
        trace.config = config.name
        paragraphs = _read_with_config(root, config, trace)
        if sum(len(p) for p in paragraphs) < MIN_TEXT:
            warnings.append(f"config '{config.name}' matched but its selectors found no main text; used the generic extractor")
            trace.selectors.append("(fell back to generic)")
            paragraphs = _read_generic(htmltext.parse_html(text), text, trace, url or meta.url, meta.title)
    else:
        paragraphs = _read_generic(root, text, trace, url or meta.url, meta.title)
    if not paragraphs:
        warnings.append("no main text found")
    trace.sources = meta.sources
    return _to_extracted(paragraphs, meta, config, warnings), trace


def _trace_text(text: str, saved_at: str | None, configs: ConfigSet) -> tuple[Extracted, Trace]:
    trace = Trace(kind="text")
    page = PageView("text", text=text)
    config, trace.tests = match_config(configs, page)
    trace.config = config.name if config else None
    result = textdump.extract_text(text, config, labels_for(config, configs.defaults), saved_at)
    trace.dropped, trace.sources = result.dropped, result.meta.sources
    trace.selectors, trace.container, trace.mode = result.rules, result.span, result.mode
    warnings = [] if result.paragraphs else ["no main text found in the text dump"]
    return _to_extracted(result.paragraphs, result.meta, config, warnings), trace


def trace_page(text: str, kind: str = "html", url: str | None = None,
               saved_at: str | None = None, configs: ConfigSet | None = None) -> tuple[Extracted, Trace]:
    """Extract a page and record why: (Extracted, Trace)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if not isinstance(text, str):
        raise TypeError(f"text must be str (decode the page first), got {type(text).__name__}")
    configs = configs or load_configs()
    if kind == "text":
        return _trace_text(text, saved_at, configs)
    return _trace_html(text, url, saved_at, configs)


def extract_page(text: str, kind: str = "html", url: str | None = None,
                 saved_at: str | None = None) -> Extracted:
    """Main text and metadata of a decoded page ("html" or plain "text" dump)."""
    return trace_page(text, kind, url, saved_at)[0]
