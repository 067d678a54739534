"""Subject domain, document type and themes of a report, from archive/data/topics.yaml.

The taxonomy file explains each axis and the scoring rules; this module loads it,
validates it (errors name the file, the key and the problem) and applies it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import yaml

from archive.records import Topics

TAXONOMY_PATH = Path(__file__).parent / "data" / "topics.yaml"
ALL_DOMAINS = "所有领域"  # subtopics under this key apply to every domain
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

RULE_DEFAULTS = {
    "domain_min_score": 6.0, "domain_title_weight": 3.0, "domain_share": 0.6,
    "domain_max": 2, "domain_override_factor": 2.0, "subtopic_min_score": 6.0,
    "subtopic_paragraph_min": 3.0, "subtopic_min_paragraphs": 2, "subtopic_min_density": 10.0,
    "subtopic_focus_min": 15.0, "subtopic_dominant_share": 0.5,
}


class TaxonomyError(ValueError):
    """The taxonomy file is missing, not YAML, or has a key with a wrong value."""


@dataclass(frozen=True)
class KeywordSet:
    """A named class with weighted keywords, longest first."""

    name: str
    # (word, weight, whether a longer word of the same set contains it)
    words: tuple[tuple[str, float, bool], ...]


@dataclass(frozen=True)
class Domain:
    name: str
    issuers: tuple[str, ...]
    keywords: KeywordSet


@dataclass(frozen=True)
class Doctype:
    name: str
    title: tuple[re.Pattern, ...]
    doc_number: tuple[re.Pattern, ...]
    excludes: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    path: str
    rules: dict
    fallback_domain: str
    domains: tuple[Domain, ...]
    doctypes: tuple[Doctype, ...]
    subtopics: dict[str, tuple[KeywordSet, ...]]
    # Every keyword of every set, found in one pass over a report (str.find per keyword
    # and set took ~3 ms a report).
    finder: WordFinder = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        sets = [d.keywords for d in self.domains] + [k for ks in self.subtopics.values() for k in ks]
        object.__setattr__(self, "finder", WordFinder(w for ks in sets for w, _, _ in ks.words))


class WordFinder:
    """Where each of a set of words begins in a text: all occurrences, in one pass."""

    def __init__(self, words):
        self.words = sorted(set(words))
        self.matcher = ahocorasick_rs.AhoCorasick(self.words) if self.words else None

    def starts(self, text: str) -> dict[str, list[int]]:
        """Word -> its start offsets, ascending (overlapping ones included)."""
        found: dict[str, list[int]] = {}
        if self.matcher is not None:
            for i, start, _end in self.matcher.find_matches_as_indexes(text, overlapping=True):
                found.setdefault(self.words[i], []).append(start)
        return found


# --- loading and validation -------------------------------------------------

class _Checker:
    """Raises TaxonomyError messages of the form '<file>: <key>: <problem>'."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, problem: str):
        raise TaxonomyError(f"{self.path}: {key}: {problem}")

    def mapping(self, value, key: str) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"must be a mapping (key: value lines), got {type(value).__name__}")
        return value

    def str_list(self, value, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "must be a list of non-empty strings, like [教育局, 教育厅]")
        return tuple(v.strip() for v in value)

    def regex_list(self, value, key: str) -> tuple[re.Pattern, ...]:
        patterns = []
        for i, text in enumerate(self.str_list(value, key)):
            try:
                patterns.append(re.compile(text))
            except re.error as err:
                self.fail(f"{key}[{i}]", f"bad regular expression {text!r}: {err}")
        return tuple(patterns)

    def keywords(self, value, key: str, name: str) -> KeywordSet:
        words = []
        for word, weight in self.mapping(value or {}, key).items():
            if not isinstance(word, str) or not word.strip():
                self.fail(key, f"keyword {word!r} must be non-empty text")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
                self.fail(f"{key}.{word}", f"weight must be a positive number, got {weight!r}")
            words.append((word.strip(), float(weight)))
        words.sort(key=lambda item: -len(item[0]))
        marked = tuple((w, wt, any(w in longer for longer, _ in words if len(longer) > len(w)))
                       for w, wt in words)
        return KeywordSet(name, marked)


def _read_yaml(path: Path) -> dict:
    try:
        # The C loader, when PyYAML was built with it, reads the file about 5 times faster.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: taxonomy file not found") from None
    except yaml.YAMLError as err:
        raise TaxonomyError(f"{path}: not valid YAML: {err}") from None
    return _Checker(str(path)).mapping(data, "(top level)")


def _rules(check: _Checker, value) -> dict:
    rules = dict(RULE_DEFAULTS)
    for key, given in check.mapping(value or {}, "rules").items():
        if key not in RULE_DEFAULTS:
            check.fail(f"rules.{key}", f"unknown rule; known rules: {', '.join(RULE_DEFAULTS)}")
        if isinstance(given, bool) or not isinstance(given, (int, float)) or given < 0:
            check.fail(f"rules.{key}", f"must be a number ≥ 0, got {given!r}")
        rules[key] = given
    return rules


def _domains(check: _Checker, value) -> tuple[Domain, ...]:
    if not isinstance(value, list) or not value:
        check.fail("domains", "must be a non-empty list of {name, issuers, keywords}")
    domains, seen = [], set()
    for i, item in enumerate(value):
        entry = check.mapping(item, f"domains[{i}]")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            check.fail(f"domains[{i}].name", "missing or not text")
        if name in seen:
            check.fail(f"domains[{i}].name", f"domain {name!r} is defined twice")
        seen.add(name)
        key = f"domains[{i}] ({name})"
        unknown = set(entry) - {"name", "issuers", "keywords"}
        if unknown:
            check.fail(key, f"unknown keys {sorted(unknown)}; allowed: name, issuers, keywords")
        domains.append(Domain(name, check.str_list(entry.get("issuers"), f"{key}.issuers"),
                              check.keywords(entry.get("keywords"), f"{key}.keywords", name)))
    return tuple(domains)


def _doctypes(check: _Checker, value) -> tuple[Doctype, ...]:
    if not isinstance(value, list):
        check.fail("doctypes", "must be a list of {name, title, doc_number, excludes}")
    doctypes = []
    for i, item in enumerate(value):
        entry = check.mapping(item, f"doctypes[{i}]")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            check.fail(f"doctypes[{i}].name", "missing or not text")
        key = f"doctypes[{i}] ({name})"
        unknown = set(entry) - {"name", "title", "doc_number", "excludes"}
        if unknown:
            check.fail(key, f"unknown keys {sorted(unknown)}; "
                            "allowed: name, title, doc_number, excludes")
        doctypes.append(Doctype(name, check.regex_list(entry.get("title"), f"{key}.title"),
                                check.regex_list(entry.get("doc_number"), f"{key}.doc_number"),
                                check.str_list(entry.get("excludes"), f"{key}.excludes")))
    names = {d.name for d in doctypes}
    for i, doctype in enumerate(doctypes):
        for other in doctype.excludes:
            if other not in names:
                check.fail(f"doctypes[{i}] ({doctype.name}).excludes",
                           f"no doctype named {other!r}")
    return tuple(doctypes)


def _subtopics(check: _Checker, value, domain_names: set[str]) -> dict[str, tuple[KeywordSet, ...]]:
    result = {}
    for domain, themes in check.mapping(value or {}, "subtopics").items():
        if domain != ALL_DOMAINS and domain not in domain_names:
            check.fail(f"subtopics.{domain}", f"not a domain name (nor {ALL_DOMAINS!r})")
        themes = check.mapping(themes, f"subtopics.{domain}")
        result[domain] = tuple(check.keywords(words, f"subtopics.{domain}.{name}", name)
                               for name, words in themes.items())
    return result


def load_taxonomy(path: str | Path = TAXONOMY_PATH) -> Taxonomy:
    """Read and validate a taxonomy file; raises TaxonomyError naming file, key and problem."""
    path = Path(path)
    data = _read_yaml(path)
    check = _Checker(str(path))
    unknown = set(data) - {"rules", "fallback_domain", "domains", "doctypes", "subtopics"}
    if unknown:
        check.fail("(top level)", f"unknown keys {sorted(unknown)}")
    domains = _domains(check, data.get("domains"))
    names = {d.name for d in domains}
    fallback = data.get("fallback_domain")
    if fallback not in names:
        check.fail("fallback_domain", f"{fallback!r} is not one of the domains")
    return Taxonomy(str(path), _rules(check, data.get("rules")), fallback, domains,
                    _doctypes(check, data.get("doctypes")),
                    _subtopics(check, data.get("subtopics"), names))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The project's taxonomy, loaded once."""
    return load_taxonomy(TAXONOMY_PATH)


# --- scoring ----------------------------------------------------------------

_HEADING_MARK = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]"
    r"|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+(?:部分|章|节)?[，、：:\s])")
_CLAUSE_END = re.compile(r"[。；;：:！!？?]")


@dataclass
class _Layout:
    """Title and paragraphs joined into one text, with where each paragraph and heading ends."""

    text: str
    starts: list[int]
    heading_ends: list[int]  # absolute offset; a hit before it is a heading hit
    body_chars: int
    found: dict[str, list[int]] = field(default_factory=dict)  # keyword -> start offsets

    def paragraph_of(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1


def _heading_length(paragraph: str) -> int:
    if _HEADING_MARK.match(paragraph):
        end = _CLAUSE_END.search(paragraph)
        return min(end.start() if end else len(paragraph), 40)
    if len(paragraph) <= 30 and not _CLAUSE_END.search(paragraph[-1:] or "。"):
        return len(paragraph)  # a short line without end punctuation reads as a heading
    return 0


def _layout(title: str, paragraphs: list[str]) -> _Layout:
    parts = [title or ""] + [p.strip() for p in paragraphs if p and p.strip()]
    starts, heading_ends, pos = [], [], 0
    for i, part in enumerate(parts):
        starts.append(pos)
        heading_ends.append(pos + (len(part) if i == 0 else _heading_length(part)))
        pos += len(part) + 1
    body = sum(len(p) for p in parts[1:])
    return _Layout("\n".join(parts), starts, heading_ends, max(body, 1))


def _hits(found: dict[str, list[int]], keywords: KeywordSet) -> list[tuple[int, float]]:
    """(position, weight) of every keyword occurrence; a word inside a longer hit counts once.

    found: WordFinder.starts of the text."""
    hits, spans = [], []
    for word, weight, nested in keywords.words:
        resume = 0  # one word's occurrences never overlap: the next is looked for after the last
        for start in found.get(word, ()):
            if start < resume:
                continue
            end = resume = start + len(word)
            if not (nested and any(s < end and start < e for s, e in spans)):
                hits.append((start, weight))
                spans.append((start, end))
    return hits


def _domain_scores(tax: Taxonomy, layout: _Layout) -> dict[str, float]:
    title_end = layout.starts[1] if len(layout.starts) > 1 else len(layout.text)
    factor = tax.rules["domain_title_weight"]
    scores = {}
    for domain in tax.domains:
        hits = _hits(layout.found, domain.keywords)
        scores[domain.name] = sum(w * (factor if pos < title_end else 1) for pos, w in hits)
    return scores


def _issuer_domain(tax: Taxonomy, text: str | None) -> str | None:
    """Domain whose longest issuer fragment occurs in the text."""
    best, best_len = None, 0
    for domain in tax.domains:
        for fragment in domain.issuers:
            if text and len(fragment) > best_len and fragment in text:
                best, best_len = domain.name, len(fragment)
    return best


def _classify_domain(tax: Taxonomy, title: str, issuer: str | None, layout: _Layout) -> list[str]:
    """Domains: the issuer's (or the title's organisation's), else the best text evidence."""
    rules = tax.rules
    scores = _domain_scores(tax, layout)
    ranked = sorted(((s, n) for n, s in scores.items() if s >= rules["domain_min_score"]),
                    key=lambda item: -item[0])
    owner = _issuer_domain(tax, issuer) or _issuer_domain(tax, title)
    if owner:
        result = [owner]
        if ranked and ranked[0][1] != owner and \
                ranked[0][0] >= rules["domain_override_factor"] * scores.get(owner, 0):
            result.append(ranked[0][1])
        return result
    if not ranked:
        return [tax.fallback_domain]
    best = ranked[0][0]
    picked = [n for s, n in ranked if s >= rules["domain_share"] * best]
    return picked[: int(rules["domain_max"])]


_TRAILING_BRACKETS = re.compile(r"\s*[（(【\[〔][^（()）【】\[\]〔〕]*[）)】\]〕]\s*$")
_TRAILING_PUNCT = re.compile(r"[\s。.,，、:：;；!！?？\"“”'’》]+$")


def classify_doctype(tax: Taxonomy, title: str, doc_number: str | None = None) -> list[str]:
    """Document types from the title (its ending, brackets removed), else from the doc number."""
    clean = title or ""
    while True:
        shorter = _TRAILING_PUNCT.sub("", _TRAILING_BRACKETS.sub("", clean))
        if shorter == clean:
            break
        clean = shorter
    matched = [d for d in tax.doctypes if any(p.search(clean) for p in d.title)]
    if not matched and doc_number:
        matched = [d for d in tax.doctypes if any(p.search(doc_number) for p in d.doc_number)]
    excluded = {name for d in matched for name in d.excludes}
    return [d.name for d in matched if d.name not in excluded]


def _structural(tax: Taxonomy, layout: _Layout, hits: list[tuple[int, float]]) -> bool:
    """Whether the hits sit in a heading, fill one paragraph, or recur across paragraphs."""
    rules = tax.rules
    per_paragraph: dict[int, float] = {}
    for pos, weight in hits:
        index = layout.paragraph_of(pos)
        if pos < layout.heading_ends[index]:
            return True
        if index > 0:
            per_paragraph[index] = per_paragraph.get(index, 0.0) + weight
    strong = sum(1 for s in per_paragraph.values() if s >= rules["subtopic_paragraph_min"])
    focused = max(per_paragraph.values(), default=0.0) >= rules["subtopic_focus_min"]
    return focused or strong >= rules["subtopic_min_paragraphs"]


def _classify_subtopics(tax: Taxonomy, domains: list[str], layout: _Layout) -> list[str]:
    """Themes with substantial evidence (rule in topics.yaml), strongest first."""
    rules = tax.rules
    themes: dict[str, KeywordSet] = {}
    for key in [*domains, ALL_DOMAINS]:
        for theme in tax.subtopics.get(key, ()):
            themes.setdefault(theme.name, theme)
    evidence = {name: _hits(layout.found, theme) for name, theme in themes.items()}
    scores = {name: sum(w for _, w in hits) for name, hits in evidence.items()}
    best = max(scores.values(), default=0.0)
    tagged = []
    for name, hits in evidence.items():
        score = scores[name]
        if score < rules["subtopic_min_score"]:
            continue
        # Density alone only counts for a theme that dominates the text (a short notice).
        dense = (score * 1000 / layout.body_chars >= rules["subtopic_min_density"]
                 and score >= rules["subtopic_dominant_share"] * best)
        if dense or _structural(tax, layout, hits):
            tagged.append(name)
    return sorted(tagged, key=lambda name: -scores[name])


def classify_topics(title: str, issuer: str | None, paragraphs: list[str],
                    doc_number: str | None = None, taxonomy: Taxonomy | None = None) -> Topics:
    """Domain, document type and themes of one report."""
    tax = taxonomy or default_taxonomy()
    layout = _layout(title, paragraphs)
    layout.found = tax.finder.starts(layout.text)
    domains = _classify_domain(tax, title, issuer, layout)
    return Topics(domain=domains, doctype=classify_doctype(tax, title, doc_number),
                  subtopics=_classify_subtopics(tax, domains, layout))
