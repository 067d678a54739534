"""Adding pages from the browser: upload files, then follow the ingest job's progress."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from webapp.errors import wants_json
from webapp.jobs import Upload, display_name, start_ingest
from webapp.params import valid_job_id

bp = Blueprint("upload", __name__)


def _archive():
    return current_app.extensions["archive"]


def _limit_mb() -> int:
    return current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)


@bp.get("/ingest")
def ingest_form():
    return render_template("ingest.html", limit_mb=_limit_mb(), error=None)


@bp.post("/ingest")
def ingest_upload():
    """Start a job for the uploaded files (checked for CSRF before this runs)."""
    uploads = [Upload(display_name(f.filename), f.read())
               for f in request.files.getlist("files") if f.filename]
    if not uploads:
        if wants_json():
            return jsonify({"error": "no file was uploaded"}), 400
        return render_template("ingest.html", limit_mb=_limit_mb(), error="ingest_no_files"), 400
    state = _archive()
    job = state.jobs.new([u.name for u in uploads])
    start_ingest(state.data_dir, state.write_lock, job, uploads)
    page = url_for("upload.job_page", job_id=job.id)
    if wants_json():
        return jsonify({"id": job.id, "page": page,
                        "status": url_for("upload.job_status", job_id=job.id)}), 202
    return redirect(page, code=303)


def _job_or_404(job_id: str):
    job = _archive().jobs.get(job_id) if valid_job_id(job_id) else None
    if job is None:
        abort(404)
    return job


@bp.get("/ingest/jobs/<job_id>")
def job_page(job_id: str):
    return render_template("job.html", job=_job_or_404(job_id))


@bp.get("/api/jobs/<job_id>")
def job_status(job_id: str):
    since = request.args.get("since", "0")
    job = _job_or_404(job_id)
    response = jsonify(job.to_json(int(since) if since.isdigit() else 0))
    response.headers["Cache-Control"] = "no-store"
    return response
