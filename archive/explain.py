"""A human-readable report of how a page was extracted (`run.py extract PAGE --explain`)."""
from __future__ import annotations

from archive.extract import Trace, trace_page
from archive.records import Extracted

META_FIELDS = (
    "title", "publish_date", "written_date", "issuer", "doc_number", "index_number",
    "subject_words", "url",
)
MAX_DROPPED = 40  # dropped blocks listed; the rest are counted


def _config_section(trace: Trace) -> list[str]:
    lines = ["Config:"]
    if trace.config:
        lines.append(f"  matched: {trace.config}")
    else:
        lines.append("  matched: none -> generic DOM-scoring extractor" if trace.kind == "html"
                     else "  matched: none -> generic text-dump reader")
    for test in trace.tests:
        verdict = "MATCH" if test.matched else "no"
        lines.append(f"  - {test.config:<22} {verdict:<5} score {test.score}: {test.detail}")
    return lines


def _kept_section(result: Extracted, trace: Trace) -> list[str]:
    paras = result.paragraphs
    lines = ["Selectors / rules used:"]
    lines += [f"  {s}" for s in trace.selectors] or ["  (generic scoring)"]
    lines.append(f"Container: {trace.container or '-'}   mode: {trace.mode or '-'}")
    chars = sum(len(p) for p in paras)
    lines.append(f"Kept: {len(paras)} paragraph(s), {chars} characters")
    if paras:
        lines.append(f"  first: {_short(paras[0])}")
        lines.append(f"  last:  {_short(paras[-1])}")
    return lines


def _dropped_section(trace: Trace) -> list[str]:
    lines = [f"Dropped: {len(trace.dropped)} block(s)"]
    for item in trace.dropped[:MAX_DROPPED]:
        lines.append(f"  - {item.reason} [{item.where}]: {item.preview}")
    if len(trace.dropped) > MAX_DROPPED:
        lines.append(f"  … and {len(trace.dropped) - MAX_DROPPED} more")
    return lines


def _meta_section(result: Extracted, trace: Trace) -> list[str]:
    lines = ["Metadata:"]
    for name in META_FIELDS:
        value = getattr(result, name)
        if isinstance(value, list):
            value = "、".join(value) if value else None
        source = trace.sources.get(name, "-") if value else "-"
        lines.append(f"  {name:<14} {value if value else '(none)'}   <- {source}")
    lines.append(f"  {'attachments':<14} {len(result.attachments)}")
    for att in result.attachments[:10]:
        lines.append(f"    {att.name} -> {att.url}")
    if result.config_region:
        lines.append(f"  {'config_region':<14} {result.config_region}")
    return lines


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_trace(result: Extracted, trace: Trace) -> str:
    """The report for one extraction, as plain text."""
    sections = [
        [f"Page kind: {trace.kind}   site_config: {result.site_config}"],
        _config_section(trace),
        _kept_section(result, trace),
        _dropped_section(trace),
        _meta_section(result, trace),
    ]
    if result.warnings:
        sections.append(["Warnings:"] + [f"  {w}" for w in result.warnings])
    return "\n".join("\n".join(s) for s in sections) + "\n"


def explain_page(text: str, kind: str = "html", url: str | None = None,
                 saved_at: str | None = None) -> str:
    """Extract a page and say what was matched, kept and dropped, and why."""
    result, trace = trace_page(text, kind, url, saved_at)
    return format_trace(result, trace)
