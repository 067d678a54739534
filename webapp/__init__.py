"""The Flask application factory (the shape of Flask's tutorial app, flaskr)."""
from __future__ import annotations

import os

from flask import Flask

from archive.paths import DEMO_DIR, data_dir


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=os.environ.get("ARCHIVE_DATA", "data"),
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,  # uploads: 64 MiB per request
        LOAD_DEMO=True,  # ingest the bundled demo pages into an empty archive
        SECRET_KEY=os.environ.get("ARCHIVE_SECRET_KEY") or os.urandom(32),
    )
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = str(data_dir(app.config["DATA_DIR"]))

    from webapp.state import ArchiveState

    app.extensions["archive"] = ArchiveState(app.config["DATA_DIR"])
    if app.config["LOAD_DEMO"]:
        app.extensions["archive"].load_demo_if_empty(DEMO_DIR / "pages")

    from webapp import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    # Pages and queries are hostile: nothing from outside may run or load.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        " object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


