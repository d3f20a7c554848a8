"""Staff pages for practices, PCNs and their imports. Thin: load, validate, call a service, render."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.limits import body_limit
from app.organisations import imports, services

bp = Blueprint("organisations", __name__, url_prefix="/staff/organisations")
# The practice list and a practice's page show its members and groups: they are views of
# app/rosters/practice_pages.py, on this blueprint, as rosters sit above practices.


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdecimal() and len(value) <= 9 else None


@bp.route("/practices/new", methods=["GET", "POST"], endpoint="practice_new")
@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
@requires("organisations.edit")
def practice_edit(practice_id: int | None = None):
    found = services.get_practice(practice_id) or abort(404) if practice_id else None
    errors = {}
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            saved = services.save_practice(
                found,
                form.get("ods_code", ""),
                form.get("name", ""),
                form.get("postcode", ""),
                _int_or_none(form.get("pcn_id")),
            )
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash(f"Saved {saved.name}.", "success")
            return redirect(url_for("organisations.practice", practice_id=saved.id))
    return render_template(
        "organisations/practice_form.html", practice=found, form=form, errors=errors, pcns=services.all_pcns()
    ), (400 if errors else 200)


@bp.route("/pcns")
@requires("organisations.view")
def pcns():
    return render_template("organisations/pcns.html", pcns=services.all_pcns(), places=services.all_places())


@bp.route("/pcns/new", methods=["GET", "POST"], endpoint="pcn_new")
@bp.route("/pcns/<int:pcn_id>/edit", methods=["GET", "POST"])
@requires("organisations.edit")
def pcn_edit(pcn_id: int | None = None):
    found = services.get_pcn(pcn_id) or abort(404) if pcn_id else None
    errors = {}
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            saved = services.save_pcn(
                found, form.get("code", ""), form.get("name", ""), _int_or_none(form.get("place_id"))
            )
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash(f"Saved {saved.name}.", "success")
            return redirect(url_for("organisations.pcns"))
    return render_template(
        "organisations/pcn_form.html", pcn=found, form=form, errors=errors, places=services.all_places()
    ), (400 if errors else 200)


@bp.route("/places/new", methods=["GET", "POST"])
@requires("organisations.edit")
def place_new():
    errors = {}
    form = request.form
    if request.method == "POST":
        try:
            saved = services.save_place(None, form.get("code", ""), form.get("name", ""), form.get("icb_name", ""))
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash(f"Added {saved.name}.", "success")
            return redirect(url_for("organisations.pcns"))
    return render_template("organisations/place_form.html", form=form, errors=errors), (400 if errors else 200)


@bp.route("/import", methods=["GET", "POST"])
@body_limit("UPLOAD_MAX_BYTES")
@requires("organisations.edit")
def import_file():
    errors, report, kind = {}, None, request.form.get("kind", "practices")
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = {"file": "Choose a CSV file to upload"}
        else:
            raw = upload.read()
            try:
                if kind == "list_sizes":
                    report = imports.import_list_sizes(raw)
                else:
                    report = imports.import_practices(raw, dry_run=bool(request.form.get("dry_run")))
            except InvalidRequest as error:
                errors = error.errors or {"file": error.message}
    status = 400 if errors or (report and report.errors) else 200
    return render_template("organisations/import.html", errors=errors, report=report, kind=kind), status
