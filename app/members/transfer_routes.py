"""Staff pages for importing members from a file and exporting the members a filter selects."""

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.auth.permissions import requires
from app.clock import now
from app.errors import InvalidRequest
from app.limits import body_limit
from app.members import export, forms
from app.members import import_batches as batches
from app.members.import_reader import FIELDS
from app.members.importer import IMPORT_PURPOSES, ImportOptions
from app.members.vocab import CONSENT_METHODS, CONSENT_PURPOSES

bp = Blueprint("member_transfer", __name__, url_prefix="/staff/members")


def _load(batch_id: int):
    batch = batches.get_batch(batch_id)
    if batch is None:
        abort(404)
    return batch


def _form_choices():
    return {
        "purposes": [(p, CONSENT_PURPOSES[p][0], CONSENT_PURPOSES[p][1]) for p in IMPORT_PURPOSES],
        "methods": [(k, v) for k, v in CONSENT_METHODS.items() if k != "web_form"],
    }


@bp.route("/import", methods=["GET", "POST"])
@body_limit("UPLOAD_MAX_BYTES")
@requires("members.import")
def import_start():
    errors, form = {}, request.form
    if request.method == "POST":
        options = ImportOptions(
            purposes=form.getlist("purposes"),
            method=form.get("method", ""),
            update_existing=form.get("existing") == "update",
            refuse_if_bad=form.get("bad_rows", "refuse") != "skip",
            staff_user_id=current_user.id,
        )
        try:
            batch = batches.start_batch(request.files.get("file"), options)
        except InvalidRequest as error:
            errors = error.errors or {"file": error.message}
        else:
            return redirect(url_for("member_transfer.columns", batch_id=batch.id))
    return render_template("member_transfer/upload.html", errors=errors, form=form, **_form_choices()), (
        400 if errors else 200
    )


@bp.route("/import/<int:batch_id>/columns", methods=["GET", "POST"])
@requires("members.import")
def columns(batch_id):
    batch = _load(batch_id)
    if batch.status not in ("uploaded", "checked"):
        return redirect(url_for("member_transfer.batch", batch_id=batch.id))
    errors = {}
    mapping = batch.mapping
    if request.method == "POST":
        mapping = {field: request.form.get(f"map_{field}", "") for field in FIELDS}
        try:
            batches.set_mapping(batch, mapping)
            batches.request_check(batch)
        except InvalidRequest as error:
            if error.status != 400:
                raise
            errors = error.errors or {"mapping": error.message}
        else:
            return _after_dispatch(batch)
    return render_template(
        "member_transfer/columns.html", batch=batch, fields=FIELDS, mapping=mapping, errors=errors
    ), (400 if errors else 200)


def _after_dispatch(batch):
    if batch.job_id and batch.status in ("checking", "importing"):
        return redirect(url_for("member_transfer.progress", batch_id=batch.id))
    return redirect(url_for("member_transfer.batch", batch_id=batch.id))


@bp.route("/import/<int:batch_id>")
@requires("members.import")
def batch(batch_id):
    batch = _load(batch_id)
    if batch.status in ("checking", "importing") and batch.job_id:
        return redirect(url_for("member_transfer.progress", batch_id=batch.id))
    if batch.status in ("uploaded", "checked") and batch.expires_at < now():
        batches.expire_old_batches()
    return render_template(
        "member_transfer/batch.html",
        batch=batch,
        report=batches.batch_report(batch),
        options=batches.batch_options(batch),
        purposes=CONSENT_PURPOSES,
        methods=CONSENT_METHODS,
        fields=FIELDS,
    )


@bp.route("/import/<int:batch_id>/commit", methods=["POST"])
@requires("members.import")
def commit(batch_id):
    batch = _load(batch_id)
    batches.request_import(batch)
    return _after_dispatch(batch)


@bp.route("/import/<int:batch_id>/discard", methods=["POST"])
@requires("members.import")
def discard(batch_id):
    batches.discard_batch(_load(batch_id))
    return redirect(url_for("member_transfer.import_start"))


@bp.route("/import/<int:batch_id>/progress")
@requires("members.import")
def progress(batch_id):
    batch = _load(batch_id)
    return render_template("member_transfer/progress.html", batch=batch, progress=batches.batch_progress(batch))


@bp.route("/import/<int:batch_id>/status")
@requires("members.import")
def status(batch_id):
    batch = _load(batch_id)
    data = batches.batch_progress(batch)
    data["next_url"] = url_for("member_transfer.batch", batch_id=batch.id) if data["finished"] else None
    return jsonify(data)


@bp.route("/export", endpoint="export")
@requires("members.export")
def export_members():
    filters, errors = forms.member_filter_from_args(request.args)
    if errors:
        # The list page drops a bad filter and says so; an export cannot say so, so it exports nothing.
        raise InvalidRequest(" ".join(errors.values()) + ". Nothing was exported.", 400, errors)
    file_format = request.args.get("format", "csv")
    if file_format not in export.FORMATS:
        raise InvalidRequest("Choose CSV or Excel (xlsx) for the export.")
    rows = export.count_members(filters)
    export.record_export(filters, file_format, rows)
    filename = f"members-{now():%Y-%m-%d}.{file_format}"
    if file_format == "xlsx":
        return send_file(
            export.xlsx_file(filters),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=filename,
        )
    return Response(
        stream_with_context(export.csv_chunks(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"},
    )
