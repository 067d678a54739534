"""Main text and metadata of plain-text page dumps (a browser's "save as text").

With a text config: the body starts after the first line matching a `start_after`
pattern (patterns tried in order; the first one found wins), ends before the first
later line matching `end_before`, and drops lines matching `drop_lines`. Lines
matching `post_header` open a new post and are kept, cut at the first '|'.
Without a config: the body runs from the first to the last line of prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.configs import SiteConfig
from archive.htmltext import Dropped, is_control_line, norm_space, preview
from archive.page_meta import (
    PageMeta,
    apply_fields,
    inline_fields,
    label_pattern,
    pick_fields,
)

PROSE = re.compile(r"[。，；！？]")


@dataclass
class TextResult:
    paragraphs: list[str]
    meta: PageMeta
    dropped: list[Dropped] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # the patterns that cut the body
    span: str = ""  # "lines A-B of N"
    mode: str = "article"


def is_prose(line: str) -> bool:
    """A line of running text rather than a menu, label or control."""
    if len(line) >= 40 or len(PROSE.findall(line)) >= 2:
        return True
    return len(line) >= 8 and line[-1] in "。！？；"


def _first_match(lines: list[str], patterns, start: int = 0) -> tuple[int, str] | None:
    for pattern in patterns:
        for i in range(start, len(lines)):
            if pattern.search(lines[i]):
                return i, pattern.pattern
    return None


def _earliest(lines: list[str], patterns, start: int) -> tuple[int, str] | None:
    for i in range(start, len(lines)):
        for pattern in patterns:
            if pattern.search(lines[i]):
                return i, pattern.pattern
    return None


def body_span(lines: list[str], config: SiteConfig | None, rules: list[str]) -> tuple[int, int]:
    """[start, end) of the body lines."""
    rule = config.text if config else None
    start, end = None, len(lines)
    if rule and rule.start_after:
        found = _first_match(lines, rule.start_after)
        if found:
            start = found[0] + 1
            rules.append(f"start_after /{found[1]}/ at line {found[0] + 1}")
    if start is None:
        prose = [i for i, line in enumerate(lines) if is_prose(line)]
        start = prose[0] if prose else len(lines)
        end = prose[-1] + 1 if prose else len(lines)
        rules.append("first to last line of prose")
    if rule and rule.end_before:
        found = _earliest(lines, rule.end_before, start)
        if found:
            end = found[0]
            rules.append(f"end_before /{found[1]}/ at line {found[0] + 1}")
    return start, end


def find_title(lines: list[str], start: int, labels: dict[str, str]) -> str:
    """The last short line before the body that is neither a label nor a control."""
    pattern = label_pattern(labels)
    for line in reversed(lines[:start]):
        if 4 <= len(line) <= 80 and not is_control_line(line) and not pattern.search(line):
            return line
    return ""


def _body_lines(lines: list[str], config: SiteConfig | None, title: str,
                dropped: list[Dropped]) -> tuple[list[str], int]:
    rule = config.text if config else None
    kept: list[str] = []
    posts = 0
    for line in lines:
        if rule and any(p.search(line) for p in rule.post_header):
            kept.append(norm_space(line.split("|")[0]))
            posts += 1
        elif rule and any(p.search(line) for p in rule.drop_lines):
            dropped.append(Dropped("text.drop_lines", "line", preview(line)))
        elif is_control_line(line):
            dropped.append(Dropped("forum/page control", "line", preview(line)))
        elif not kept and title and line.replace(" ", "") == title.replace(" ", ""):
            dropped.append(Dropped("title repeated above the body", "line", preview(line)))
        else:
            kept.append(line)
    return kept, posts


def extract_text(text: str, config: SiteConfig | None, labels: dict[str, str],
                 saved_at: str | None = None) -> TextResult:
    """Cut the body out of a text dump and read its labelled metadata lines."""
    lines = [norm_space(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    rules: list[str] = []
    start, end = body_span(lines, config, rules)
    meta = PageMeta()
    # labels are read above the body only: a report's own text may say 时间：
    fields = pick_fields(inline_fields(lines[:start], labels), labels, saved_at)
    apply_fields(meta, fields)
    meta.title = fields["title"][0] if "title" in fields else find_title(lines, start, labels)
    meta.sources["title"] = fields["title"][1] if "title" in fields else "last short line above the body"
    dropped = [Dropped("above the body", "lines", preview(" / ".join(lines[max(0, start - 3):start])))] if start else []
    if end < len(lines):
        dropped.append(Dropped("below the body", "lines", preview(" / ".join(lines[end:end + 3]))))
    paragraphs, posts = _body_lines(lines[start:end], config, meta.title, dropped)
    span = f"lines {start + 1}-{end} of {len(lines)}"
    return TextResult(paragraphs, meta, dropped, rules, span, "thread" if posts else "article")
