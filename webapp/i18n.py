"""Interface labels in Chinese (the default) and English, from data/labels.yaml."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml
from flask import request

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "lang"
LABELS_FILE = Path(__file__).resolve().parent / "data" / "labels.yaml"


class LabelsError(ValueError):
    """The labels file is missing a language or holds something other than text."""


@functools.lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """Every label, checked once: each key has a text for each language."""
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise LabelsError(f"{LABELS_FILE}: expected a mapping of labels")
    for key, texts in data.items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) for lang in LANGS):
            raise LabelsError(f"{LABELS_FILE}: label {key!r} needs a text for each of {LANGS}")
    return data


def translate(key: str, lang: str, **values) -> str:
    """The label in the language, with {name} placeholders filled; the key itself when unknown."""
    texts = labels().get(key)
    text = texts[lang if lang in LANGS else DEFAULT_LANG] if texts else key
    return text.format(**values) if values else text


def requested_lang() -> str | None:
    """The language asked for in this request's ?lang= parameter, if it is one we have."""
    lang = request.args.get("lang", "")
    return lang if lang in LANGS else None


def current_lang() -> str:
    """The language of this request: ?lang=, else the cookie, else Chinese."""
    lang = requested_lang() or request.cookies.get(LANG_COOKIE, "")
    return lang if lang in LANGS else DEFAULT_LANG


def remember_lang(response):
    """Keep a language chosen with ?lang= in a cookie for the next pages."""
    lang = requested_lang()
    if lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def t(key: str, **values) -> str:
    """Template helper: the label in the current request's language."""
    return translate(key, current_lang(), **values)
