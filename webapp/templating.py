"""Helpers every template can call: labels, language switch, form token, search links."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from index.results import report_url
from webapp import links
from webapp.i18n import LANGS, current_lang, t
from webapp.security import CSRF_FIELD, csrf_token


def lang_switch_url() -> str:
    """This page in the other language (the choice is then kept in a cookie)."""
    other = LANGS[1] if current_lang() == LANGS[0] else LANGS[0]
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode(pairs + [("lang", other)])


def web_url(url: str | None) -> bool:
    """Whether a URL from a page may become a link: only http(s), never javascript: or data:."""
    return bool(url) and url.strip().lower().startswith(("http://", "https://"))


def install(app) -> None:
    app.add_template_filter(web_url)
    app.add_template_global(t)
    app.add_template_global(current_lang, "lang")
    app.add_template_global(lang_switch_url)
    app.add_template_global(csrf_token)
    app.add_template_global(CSRF_FIELD, "csrf_field")
    app.add_template_global(links.search_url)
    app.add_template_global(report_url)
    app.add_template_global(links.replace, "with_arg")
