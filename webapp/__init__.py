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
        SESSION_COOKIE_SAMESITE="Lax",
        EXPORT_CHUNK=100,  # rows fetched per search while streaming an export
        EXPORT_MAX_ROWS=10_000,
    )
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = str(data_dir(app.config["DATA_DIR"]))

    from webapp.state import ArchiveState

    state = app.extensions["archive"] = ArchiveState(app.config["DATA_DIR"])
    if app.config["LOAD_DEMO"]:
        state.load_demo_if_empty(DEMO_DIR / "pages")
    state.start_index_sync()

    from webapp import (
        api,
        errors,
        export,
        i18n,
        report,
        security,
        templating,
        upload,
        views,
    )

    for blueprint in (views.bp, report.bp, api.bp, upload.bp, export.bp):
        app.register_blueprint(blueprint)
    errors.install(app)
    templating.install(app)
    app.before_request(security.check_csrf)
    app.after_request(i18n.remember_lang)
    app.after_request(security.security_headers)
    return app
