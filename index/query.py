"""The query language researchers type, parsed into a small tree.

    教育 入园           both terms (AND); a term matches as a substring after folding
    "毛入园率 98%"      an exact string, spaces and punctuation included
    学前 OR 幼儿        either
    -疫情               without
    (学前 OR 幼儿) 资助  grouping
    title:总结  region:阳江  year:2019  year:2016-2019  topic:学前教育
    doctype:工作总结  site:discuz_x3

Malformed input (unbalanced quotes or parentheses, a lone '-', a dangling OR,
thousands of characters of noise) never raises: it degrades to a literal search
of its words and `ParsedQuery.notice` says what happened.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
FILTER_FIELDS = ("region", "year", "topic", "doctype", "site", "domain", "subtopic")
TEXT_FIELDS = ("title",)


@dataclass(frozen=True)
class Text:
    """A string that must occur in the title or body (or the title only)."""

    value: str
    field: str | None = None  # None: title or body; "title": title only
    quoted: bool = False


@dataclass(frozen=True)
class Filter:
    field: str  # one of FILTER_FIELDS
    value: str


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


@dataclass
class ParsedQuery:
    tree: object | None  # None: match everything
    notice: str | None = None
    terms: list[str] = field(default_factory=list)  # positive strings to highlight


class QuerySyntaxError(ValueError):
    pass


_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+)|(?P<bad>")')


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "bad":
            raise QuerySyntaxError("unbalanced quote")
        tokens.append((kind, m.group(kind)))
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self):
        node = self.parse_or()
        if self.i != len(self.tokens):
            raise QuerySyntaxError("unbalanced parenthesis")
        return node

    def parse_or(self):
        nodes = [self.parse_and()]
        while self.peek() == ("word", "OR"):
            self.take()
            nodes.append(self.parse_and())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def parse_and(self):
        nodes = []
        while True:
            kind, value = self.peek()
            if kind is None or kind == "close" or (kind, value) == ("word", "OR"):
                break
            nodes.append(self.parse_unary())
        if not nodes:
            raise QuerySyntaxError("an operator without a term")
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def parse_unary(self):
        kind, value = self.peek()
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.take()
            return Not(_word(value[1:]))
        if kind == "word" and value == "-":
            raise QuerySyntaxError("a lone '-'")
        return self.parse_atom()

    def parse_atom(self):
        kind, value = self.take()
        if kind == "open":
            node = self.parse_or()
            if self.take()[0] != "close":
                raise QuerySyntaxError("unbalanced parenthesis")
            return node
        if kind == "quoted":
            if not value.strip():
                raise QuerySyntaxError("empty quotes")
            return Text(value, quoted=True)
        if kind == "word":
            return _word(value)
        raise QuerySyntaxError("unbalanced parenthesis")


def _word(value: str):
    name, sep, rest = value.partition(":")
    if sep and rest and name.lower() in FILTER_FIELDS:
        return Filter(name.lower(), rest.strip('"'))
    if sep and rest and name.lower() in TEXT_FIELDS:
        return Text(rest.strip('"'), field="title", quoted=rest.startswith('"'))
    return Text(value)


MAX_YEAR_SPAN = 200


def year_range(value: str) -> range:
    """Years of '2019' or '2016-2019' (also with — or –); empty when not years."""
    lo, _, hi = value.strip().replace("—", "-").replace("–", "-").partition("-")
    try:
        first, last = int(lo), int(hi or lo)
    except ValueError:
        return range(0)
    first, last = min(first, last), max(first, last)
    return range(first, min(last, first + MAX_YEAR_SPAN) + 1)


def positive_terms(node) -> list[str]:
    """The strings a matching report contains, for highlighting."""
    if isinstance(node, Text):
        return [node.value]
    if isinstance(node, (And, Or)):
        return [t for n in node.nodes for t in positive_terms(n)]
    return []


def _count_terms(node) -> int:
    if isinstance(node, (And, Or)):
        return sum(_count_terms(n) for n in node.nodes)
    if isinstance(node, Not):
        return _count_terms(node.node)
    return 1


def literal_query(text: str) -> object | None:
    """The fallback: every word of the input as a plain term, operators ignored."""
    words = [w for w in re.split(r'[\s()"]+', text) if w and w not in ("-", "OR")]
    words = [w.lstrip("-") or w for w in words][:MAX_TERMS]
    nodes = tuple(Text(w) for w in dict.fromkeys(words))
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(nodes)


def parse_query(text: str) -> ParsedQuery:
    """Parse a researcher's query; never raises."""
    text = (text or "").strip()
    notice = None
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notice = f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符。"
    if not text:
        return ParsedQuery(None, notice)
    try:
        tree = _Parser(_lex(text)).parse()
        if _count_terms(tree) > MAX_TERMS:
            raise QuerySyntaxError(f"more than {MAX_TERMS} terms")
    except QuerySyntaxError as exc:
        tree = literal_query(text)
        notice = (notice or "") + f"查询语法有误（{_explain(exc)}），已按字面词语搜索。"
    return ParsedQuery(tree, notice, positive_terms(tree) if tree else [])


_REASONS = {
    "unbalanced quote": "引号不成对",
    "unbalanced parenthesis": "括号不成对",
    "a lone '-'": "单独的减号",
    "an operator without a term": "运算符缺少词语",
    "empty quotes": "空引号",
}


def _explain(exc: QuerySyntaxError) -> str:
    return _REASONS.get(str(exc), str(exc))
