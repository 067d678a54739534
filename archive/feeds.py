"""Pages that show many entries (a blog's post list, a news stream): which one is the page's.

When the best-scoring block sits in a run of same-shaped entries, size alone does not
say which entry the page is about. The headline decides: text right after it wins; an
entry holding the headline wins; with no headline to go by, the first entry (a blog's
newest post) is the page's own text.
"""
from __future__ import annotations

from archive.threads import _is_post_like, _same_template, _signature

MIN_ENTRIES = 3  # fewer same-shaped blocks are page sections, not a list of entries
LEVELS = 8  # how far up from the candidate an entry may start


def entry_run(candidate, stats: dict) -> list:
    """The run of same-shaped sibling entries the candidate sits in, or []."""
    node = candidate
    for _ in range(LEVELS):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return []
        sig = _signature(node)
        run = [c for c in parent if isinstance(c.tag, str) and _signature(c) == sig and _is_post_like(c, stats)]
        if len(run) >= MIN_ENTRIES and node in run and _prose_entries(run, stats) and _same_template(run, node):
            return run
        node = parent
    return []


def _prose_entries(run: list, stats: dict) -> bool:
    """Entries each carry prose; layout rows (headline, date line, body) do not."""
    prose = sum(1 for e in run if stats[e].strong >= 2 and stats[e].chars - stats[e].links >= 50)
    return prose >= MIN_ENTRIES


def _inside(el, blocks: list) -> bool:
    return any(el is b or b in el.iterancestors() for b in blocks)


def entry_choice(candidate, run: list, title_el, best):
    """The block to read instead of the candidate; `best(allowed)` finds the best one."""
    if title_el is not None and not _inside(title_el, run):
        outside = best(lambda el: not _inside(el, run), after_title=True)
        return outside if outside is not None else candidate
    if title_el is not None:
        entry = next(e for e in run if _inside(title_el, [e]))
    else:
        entry = run[0]
    if _inside(candidate, [entry]):
        return candidate
    inner = best(lambda el: _inside(el, [entry]), after_title=False)
    return inner if inner is not None else candidate
