"""Error pages: HTML for people, JSON for the API and for clients that ask for it."""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request

from webapp.i18n import t

_MESSAGES = {400: "error_400", 404: "error_404"}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _message(code: int, description: str | None) -> str:
    if code == 413:
        return t("error_413", mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
    if code == 403 and description == "csrf":
        return t("error_csrf")
    return t(_MESSAGES.get(code, "error_400"))


def _handle(error):
    code = error.code or 500
    message = _message(code, getattr(error, "description", None))
    if wants_json():
        return jsonify({"error": message, "status": code}), code
    return render_template("error.html", code=code, message=message), code


def install(app) -> None:
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, _handle)
