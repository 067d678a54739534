"""A report's outline from its numbered headings (一、 （一） 1.), for jumping to sections."""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_HEADING_CHARS = 40  # a heading is a short paragraph, or the short lead sentence of one
_NUM = "一二三四五六七八九十百零〇两"
# (level, pattern at paragraph start), the usual numbering of Chinese official documents.
LEVELS = (
    (1, re.compile(rf"^第[{_NUM}\d]+(部分|章|节|篇)")),
    (1, re.compile(rf"^[{_NUM}]+[、.．]")),
    (2, re.compile(rf"^[（(][{_NUM}]+[)）]")),
    (3, re.compile(r"^\d{1,2}[、.．](?!\d)")),
    (3, re.compile(r"^[（(]\d{1,2}[)）]")),
)
_LEAD_END = re.compile(r"[。：:；;！？!?]")


@dataclass
class Heading:
    index: int  # the paragraph's position in the report
    pid: str
    level: int
    text: str


def heading_level(text: str) -> int | None:
    for level, pattern in LEVELS:
        if pattern.match(text):
            return level
    return None


def heading_text(paragraph: str) -> str | None:
    """The heading a numbered paragraph carries: its short lead sentence ("（一）学前教育。新建…"),
    else the whole paragraph when it is short."""
    text = paragraph.strip()
    lead = _LEAD_END.split(text, maxsplit=1)[0].strip()
    if lead and len(lead) <= MAX_HEADING_CHARS:
        return lead
    return text if len(text) <= MAX_HEADING_CHARS else None


def outline(paragraphs: list[str], pids: list[str]) -> list[Heading]:
    """The headings of a report in order; levels renumbered to start at 1."""
    found = []
    for i, (paragraph, pid) in enumerate(zip(paragraphs, pids)):
        level = heading_level(paragraph.strip())
        text = heading_text(paragraph) if level else None
        if text:
            found.append(Heading(i, pid, level, text))
    if found:
        top = min(h.level for h in found)
        for h in found:
            h.level = h.level - top + 1
    return found
