"""Response headers and cross-site request forgery protection for POST forms."""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import abort, request, session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

APP_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
           " object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'")
# A saved page is hostile: sandboxed (no scripts, no forms, opaque origin) and offline.
ORIGINAL_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def security_headers(response):
    # Pages and queries are hostile: nothing from outside may run or load.
    response.headers.setdefault("Content-Security-Policy", APP_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def csrf_token() -> str:
    """This session's form token, made on first use."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Before each request: a state-changing request must come from our own form."""
    if request.method not in UNSAFE_METHODS:
        return
    if not _same_origin():
        abort(403, description="csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, description="csrf")


def _same_origin() -> bool:
    """Origin (else Referer), when the browser sends one, must be this host."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return True  # older clients and privacy settings omit both; the token still decides
    if source == "null":
        return False
    parts = urlsplit(source)
    here = urlsplit(request.host_url)
    return (parts.scheme, parts.netloc) == (here.scheme, here.netloc)
