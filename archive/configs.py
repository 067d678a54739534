"""Load and validate the site configs in scraper_configs/*.yaml, in one place.

A config says how to recognise a family of pages and how to read them.

Recognition (the `match` block) is a scoring rule with prerequisites:

* `dom_all` (CSS selectors) and `text_all` (regexes, for text dumps) must ALL be
  present, else the config is out;
* then the score adds 2 for a url host matching `hosts`, 2 for a
  `<meta name="generator">` matching `generator`, 1 for each `dom_any` selector
  present, 1 for each `text_any` regex found, and 1 for each `dom_all`/`text_all`
  prerequisite;
* the config matches when the score reaches `min_score` (default 2).

Among matching configs the highest score wins, then the higher `priority`, then the
name. A matched config whose body selectors find no text yields to the generic
extractor (with a warning), so a wrong match costs little.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cssselect import SelectorError
from lxml.cssselect import CSSSelector

CONFIG_DIR = Path(__file__).resolve().parent.parent / "scraper_configs"

# The Extracted fields a metadata label may fill; "ignore" swallows a label whose
# value we do not keep (so it does not run into the previous label's value).
META_FIELDS = (
    "title", "publish_date", "written_date", "issuer", "doc_number",
    "index_number", "subject_words", "ignore",
)


class ConfigError(ValueError):
    """A site config file that cannot be used; the message names file, key, problem."""


@dataclass(frozen=True)
class MatchRule:
    hosts: tuple[re.Pattern, ...] = ()
    generator: tuple[re.Pattern, ...] = ()
    dom_all: tuple[str, ...] = ()
    dom_any: tuple[str, ...] = ()
    text_all: tuple[re.Pattern, ...] = ()
    text_any: tuple[re.Pattern, ...] = ()
    min_score: int = 2


@dataclass(frozen=True)
class PostRule:
    """How to read a forum thread: every post element, and its parts."""

    post: str
    content: str
    author: str | None = None
    time: str | None = None
    drop: tuple[str, ...] = ()
    header: bool = True  # emit an "author time" line before each post's text


@dataclass(frozen=True)
class TextRule:
    """How to cut the body out of a plain-text dump."""

    start_after: tuple[re.Pattern, ...] = ()  # body starts after the first such line
    end_before: tuple[re.Pattern, ...] = ()  # body ends before the first such line
    drop_lines: tuple[re.Pattern, ...] = ()  # lines dropped anywhere in the body
    post_header: tuple[re.Pattern, ...] = ()  # lines that open a new post (kept)


@dataclass(frozen=True)
class SiteConfig:
    name: str
    path: str
    kind: str = "html"
    description: str = ""
    priority: int = 0
    region: str | None = None
    match: MatchRule = field(default_factory=MatchRule)
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    meta_area: tuple[str, ...] = ()
    meta_labels: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    posts: PostRule | None = None
    text: TextRule | None = None
    fallback: bool = False  # the generic defaults file, never matched


@functools.lru_cache(maxsize=4096)
def css(selector: str) -> CSSSelector:
    """Compile a CSS selector once (HTML semantics: case-insensitive tags)."""
    return CSSSelector(selector, translator="html")


# key -> (type, converter name); converters validate and build the dataclass fields
_TOP_KEYS = {
    "name": str, "kind": str, "description": str, "priority": int, "region": str,
    "match": dict, "title": list, "body": list, "date": list, "issuer": list,
    "meta_area": list, "meta_labels": dict, "drop": list, "posts": dict,
    "text": dict, "fallback": bool,
}
_MATCH_KEYS = {
    "hosts": list, "generator": list, "dom_all": list, "dom_any": list,
    "text_all": list, "text_any": list, "min_score": int,
}
_POST_KEYS = {
    "post": str, "content": str, "author": str, "time": str, "drop": list,
    "header": bool,
}
_TEXT_KEYS = {
    "start_after": list, "end_before": list, "drop_lines": list, "post_header": list,
}
_SELECTOR_LISTS = ("title", "body", "date", "issuer", "meta_area", "drop")


def _check_keys(data: dict, allowed: dict, where: str, file: str) -> None:
    """Reject unknown keys and values of the wrong type."""
    for key, value in data.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"{file}: unknown key '{where}{key}' (known: {known})")
        want = allowed[key]
        if want is int and isinstance(value, bool) or not isinstance(value, want):
            raise ConfigError(
                f"{file}: key '{where}{key}' must be a {want.__name__}, "
                f"got {type(value).__name__} {value!r}"
            )


def _selector(value, key: str, file: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{file}: key '{key}' holds {value!r}, not a CSS selector")
    try:
        css(value)
    except SelectorError as err:
        raise ConfigError(f"{file}: key '{key}': bad CSS selector {value!r}: {err}") from None
    return value


def _regex(value, key: str, file: str) -> re.Pattern:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{file}: key '{key}' holds {value!r}, not a regex")
    try:
        return re.compile(value, re.MULTILINE)
    except re.error as err:
        raise ConfigError(f"{file}: key '{key}': bad regex {value!r}: {err}") from None


def _selectors(values: list, key: str, file: str) -> tuple[str, ...]:
    return tuple(_selector(v, key, file) for v in values)


def _regexes(values: list, key: str, file: str) -> tuple[re.Pattern, ...]:
    return tuple(_regex(v, key, file) for v in values)


def _match_rule(data: dict, file: str) -> MatchRule:
    _check_keys(data, _MATCH_KEYS, "match.", file)
    return MatchRule(
        hosts=_regexes(data.get("hosts", []), "match.hosts", file),
        generator=_regexes(data.get("generator", []), "match.generator", file),
        dom_all=_selectors(data.get("dom_all", []), "match.dom_all", file),
        dom_any=_selectors(data.get("dom_any", []), "match.dom_any", file),
        text_all=_regexes(data.get("text_all", []), "match.text_all", file),
        text_any=_regexes(data.get("text_any", []), "match.text_any", file),
        min_score=data.get("min_score", 2),
    )


def _post_rule(data: dict, file: str) -> PostRule:
    _check_keys(data, _POST_KEYS, "posts.", file)
    for key in ("post", "content"):
        if key not in data:
            raise ConfigError(f"{file}: key 'posts.{key}' is required")
    optional = {k: _selector(data[k], f"posts.{k}", file) for k in ("author", "time") if k in data}
    return PostRule(
        post=_selector(data["post"], "posts.post", file),
        content=_selector(data["content"], "posts.content", file),
        drop=_selectors(data.get("drop", []), "posts.drop", file),
        header=data.get("header", True),
        **optional,
    )


def _text_rule(data: dict, file: str) -> TextRule:
    _check_keys(data, _TEXT_KEYS, "text.", file)
    return TextRule(**{k: _regexes(data.get(k, []), f"text.{k}", file) for k in _TEXT_KEYS})


def _meta_labels(data: dict, file: str) -> dict[str, str]:
    for label, target in data.items():
        if not isinstance(label, str) or target not in META_FIELDS:
            raise ConfigError(
                f"{file}: key 'meta_labels.{label}' maps to {target!r}; "
                f"expected one of {', '.join(META_FIELDS)}"
            )
    return dict(data)


def parse_config(data, file: str) -> SiteConfig:
    """Validate one config's parsed YAML and build the SiteConfig."""
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: the file must hold a mapping of keys, got {type(data).__name__}")
    _check_keys(data, _TOP_KEYS, "", file)
    if "name" not in data:
        raise ConfigError(f"{file}: key 'name' is required")
    if data.get("kind", "html") not in ("html", "text"):
        raise ConfigError(f"{file}: key 'kind' must be 'html' or 'text', got {data['kind']!r}")
    fields = {k: _selectors(data.get(k, []), k, file) for k in _SELECTOR_LISTS}
    return SiteConfig(
        name=data["name"],
        path=file,
        kind=data.get("kind", "html"),
        description=data.get("description", ""),
        priority=data.get("priority", 0),
        region=data.get("region"),
        match=_match_rule(data.get("match", {}), file),
        meta_labels=_meta_labels(data.get("meta_labels", {}), file),
        posts=_post_rule(data["posts"], file) if "posts" in data else None,
        text=_text_rule(data["text"], file) if "text" in data else None,
        fallback=data.get("fallback", False),
        **fields,
    )


def load_config_file(path: Path) -> SiteConfig:
    """Read and validate one YAML config file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"{path.name}: not valid YAML: {err}") from None
    return parse_config(data, path.name)


@dataclass(frozen=True)
class ConfigSet:
    """All site configs of a directory, plus the generic defaults."""

    sites: tuple[SiteConfig, ...]
    defaults: SiteConfig


def load_configs(directory: Path | str | None = None) -> ConfigSet:
    """Load every *.yaml of the directory (default scraper_configs/), validated."""
    return _load_cached(str(directory or CONFIG_DIR))


@functools.lru_cache(maxsize=8)
def _load_cached(directory: str) -> ConfigSet:
    configs = [load_config_file(p) for p in sorted(Path(directory).glob("*.yaml"))]
    names = [c.name for c in configs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{directory}: config name(s) used twice: {', '.join(dupes)}")
    fallbacks = [c for c in configs if c.fallback]
    defaults = fallbacks[0] if fallbacks else SiteConfig(name="generic", path="", fallback=True)
    return ConfigSet(sites=tuple(c for c in configs if not c.fallback), defaults=defaults)


def labels_for(config: SiteConfig | None, defaults: SiteConfig) -> dict[str, str]:
    """The label -> field map for a page: the defaults, extended by the config."""
    labels = dict(defaults.meta_labels)
    if config is not None:
        labels.update(config.meta_labels)
    return labels
