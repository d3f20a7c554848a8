"""Staff pages for the representativeness audit: thin views over representation.services."""

from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import exact as exact_figures
from app.auth.permissions import requires
from app.clock import today
from app.errors import InvalidRequest
from app.limits import body_limit
from app.representation import audit as engine
from app.representation import baselines, board, board_docx, deprivation, report, services
from app.representation import ppg as ppg_comparison

bp = Blueprint("representation", __name__, url_prefix="/staff/representation")
# Turning a decile into a bulletin segment is a view of app/newsletters/decile_segment.py, on this blueprint.

AGE_FIELDS = ("min_age", "max_age")

EXPORTS = {
    "csv": ("text/csv", services.export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", services.export_xlsx),
}


def _audit_date(value: str) -> date:
    if not value:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidRequest("Enter the audit date as YYYY-MM-DD.", 400, {"on": "Enter a real date"}) from error


def _live_results(exact: bool = False):
    kind = request.args.get("population", "active")
    params = {
        k: request.args.get(k, "") for k in ("start", "end", "roster_id", "campaign_id", "survey_id", *AGE_FIELDS)
    }
    return services.run_audit(kind, params, _audit_date(request.args.get("on", "")), exact=exact)


def _wants_exact() -> bool:
    """Exact figures, for staff who may see individuals: asked for, allowed, and recorded in the audit log."""
    kind = request.args.get("population", "active")
    return exact_figures.requested("representation_audit", "", f"exact figures viewed for population {kind}")


@bp.route("/")
@requires("reports.view")
def index():
    area = baselines.served_area()
    form = {
        k: request.args.get(k, "")
        for k in ("population", "start", "end", "on", "roster_id", "campaign_id", "survey_id", *AGE_FIELDS)
    }
    errors, results, status, age_message = {}, None, 200, ""
    exact = _wants_exact()
    if area is not None:
        try:
            results = _live_results(exact)
        except InvalidRequest as error:
            errors = error.errors or {"population": error.message}
            # An age range the Census bands cannot give is refused as bad input, with the reason.
            status = 400 if any(k in errors for k in AGE_FIELDS) else 200
            age_message = error.message if status == 400 else ""
    return render_template(
        "representation/index.html",
        area=area,
        results=results,
        shown=report.present(results) if results else None,
        populations=[(k, v[0]) for k, v in engine.POPULATIONS.items()],
        choices=services.group_choices(),
        form=form,
        errors=errors,
        age_message=age_message,
        network_ages=services.network_age_range(),
        attribution=baselines.ATTRIBUTION,
    ), status


@bp.route("/export.<fmt>")
@requires("reports.view")
def export_live(fmt):
    if fmt not in EXPORTS and fmt != "pdf":
        raise InvalidRequest("Choose CSV, XLSX or PDF.", 404)
    results = _live_results()
    if fmt == "pdf":
        return _live_board_pdf(results)
    return _export(results, fmt, "representation-audit", None)


def _live_board_pdf(results):
    """An audit not saved, as the board paper (no trend: it is compared with no snapshot)."""
    when = date.fromisoformat(results["audit_date"])
    found = services.unsaved_audit(results, f"Representativeness audit of {when:%d %B %Y} (not saved)")
    body = _board_pdf_body(found)
    services.record_export("board paper pdf", None)
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="representation-audit-{when.isoformat()}.pdf"'},
    )


def _board_pdf_body(found) -> bytes:
    html = render_template(
        "representation/board_pdf.html", paper=board.paper(found), attribution=baselines.ATTRIBUTION, pdf=True
    )
    stylesheet = Path(current_app.static_folder) / "css" / "board-print.css"
    return services.pdf_from_html(html, str(stylesheet))


def _export(results, fmt, filename, audit_id):
    mimetype, build = EXPORTS[fmt]
    body = build(results)
    services.record_export(fmt, audit_id)
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'}
    )


@bp.route("/area", methods=["GET", "POST"])
@requires("audit.run")
def area():
    errors = {}
    if request.method == "POST":
        try:
            services_area = baselines.save_served_area(
                request.form.getlist("areas") + ([request.form["custom"]] if request.form.get("custom") else []),
                request.form.get("icb", ""),
            )
            flash(f"The area served is now {services_area.label}.", "success")
            return redirect(url_for("representation.area"))
        except InvalidRequest as error:
            errors = error.errors or {"areas": error.message}
    return render_template(
        "representation/area.html",
        area=baselines.served_area(),
        authorities=baselines.local_authorities(),
        icbs=[(code, name) for code, (name, _) in baselines.icbs().items()],
        customs=baselines.custom_baselines(),
        errors=errors,
        upload_errors={},
        layout=baselines.CUSTOM_LAYOUT,
        characteristics=baselines.CHARACTERISTICS,
        attribution=baselines.ATTRIBUTION,
    )


@bp.route("/area/custom", methods=["POST"])
@body_limit("UPLOAD_MAX_BYTES")
@requires("audit.run")
def upload_custom():
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidRequest("Choose a CSV file to upload.", 400, {"file": "Choose a CSV file to upload"})
        code = baselines.upload_custom_baseline(request.form.get("name", ""), upload.read())
        flash(f"Custom baseline saved ({code}). Choose it below to use it.", "success")
        return redirect(url_for("representation.area"))
    except InvalidRequest as error:
        return (
            render_template(
                "representation/area.html",
                area=baselines.served_area(),
                authorities=baselines.local_authorities(),
                icbs=[(code, name) for code, (name, _) in baselines.icbs().items()],
                customs=baselines.custom_baselines(),
                errors={},
                upload_errors=error.errors or {"file": error.message},
                upload_message=error.message,
                layout=baselines.CUSTOM_LAYOUT,
                characteristics=baselines.CHARACTERISTICS,
                attribution=baselines.ATTRIBUTION,
            ),
            400,
        )


@bp.route("/audits", methods=["GET"])
@requires("reports.view")
def audits():
    kind = request.args.get("population", "active")
    return render_template(
        "representation/audits.html",
        audits=services.saved_audits(),
        trend=services.trend(kind),
        kind_label=engine.POPULATIONS.get(kind, ("",))[0],
        attribution=baselines.ATTRIBUTION,
        default_title=f"Annual representativeness audit {today().year}",
        errors={},
    )


@bp.route("/audits", methods=["POST"])
@requires("audit.run")
def save_audit():
    try:
        saved = services.save_annual_audit(
            request.form.get("title", ""),
            request.form.get("population", "active"),
            {k: request.form.get(k, "") for k in ("start", "end")},
            _audit_date(request.form.get("on", "")),
            current_user.id,
        )
    except InvalidRequest as error:
        return (
            render_template(
                "representation/audits.html",
                audits=services.saved_audits(),
                trend=services.trend("active"),
                kind_label=engine.POPULATIONS["active"][0],
                attribution=baselines.ATTRIBUTION,
                default_title=request.form.get("title", ""),
                errors=error.errors or {"title": error.message},
            ),
            400,
        )
    flash("The audit is saved. Its figures will not change.", "success")
    return redirect(url_for("representation.saved", audit_id=saved.id))


@bp.route("/audits/<int:audit_id>")
@requires("reports.view")
def saved(audit_id):
    found = services.get_audit(audit_id)
    return render_template(
        "representation/audit.html",
        saved=found,
        results=found.results,
        shown=report.present(found.results),
        attribution=baselines.ATTRIBUTION,
    )


@bp.route("/audits/<int:audit_id>/export.<fmt>")
@requires("reports.view")
def export_saved(audit_id, fmt):
    if fmt not in EXPORTS and fmt != "pdf":
        raise InvalidRequest("Choose CSV, XLSX or PDF.", 404)
    found = services.get_audit(audit_id)
    if fmt == "pdf":
        return board_pdf(audit_id)
    return _export(found.results, fmt, f"audit-{found.audit_date.isoformat()}", found.id)


@bp.route("/audits/<int:audit_id>/board")
@requires("reports.view")
def board_paper(audit_id):
    """The annual report as a paper for the board: summary, charts, trend, recruitment plan, method."""
    found = services.get_audit(audit_id)
    return render_template(
        "representation/board.html", paper=board.paper(found), attribution=baselines.ATTRIBUTION, pdf=False
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/audits/<int:audit_id>/board.docx")
@requires("reports.view")
def board_word(audit_id):
    """The board paper as a Word document, to edit before the meeting."""
    found = services.get_audit(audit_id)
    body = board_docx.board_docx(board.paper(found))
    services.record_export("board paper docx", found.id)
    filename = f"board-paper-{found.audit_date.isoformat()}.docx"
    return Response(body, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/audits/<int:audit_id>/board.pdf")
@requires("reports.view")
def board_pdf(audit_id):
    found = services.get_audit(audit_id)
    body = _board_pdf_body(found)
    services.record_export("board paper pdf", found.id)
    filename = f"board-paper-{found.audit_date.isoformat()}.pdf"
    return Response(
        body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route("/ppg/<int:practice_id>")
@requires("reports.view")
def ppg(practice_id):
    view = ppg_comparison.ppg_view(practice_id, _audit_date(request.args.get("on", "")))
    return render_template("representation/ppg.html", view=view, attribution=baselines.ATTRIBUTION)


def decile_from(value) -> int:
    text = str(value or "").strip()
    if not text.isdecimal() or not 1 <= int(text) <= 10:
        raise InvalidRequest(
            "Choose a deprivation decile from 1 to 10.", 400, {"decile": "Choose a decile from 1 to 10"}
        )
    return int(text)


@bp.route("/targets/postcodes-decile-<int:decile>.csv")
@requires("reports.view")
def target_postcodes(decile):
    """The postcodes of the area served in one IMD decile: places to reach, not people."""
    decile = decile_from(decile)
    body = deprivation.postcodes_csv(decile)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=postcodes-imd-decile-{decile}.csv"},
    )
