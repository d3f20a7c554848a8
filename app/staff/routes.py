"""Staff home page, the outbox, the audit log and settings."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from app.audit import services as audit
from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.mail.backends import read_outbox, read_outbox_message
from app.members import services as members
from app.security import CSP
from app.settings import services as site_settings

bp = Blueprint("staff", __name__, url_prefix="/staff")

AUDIT_PER_PAGE = 50


@bp.route("/")
@requires("dashboard.view")
def dashboard():
    return render_template("staff/dashboard.html", counts=members.count_by_status())


@bp.route("/outbox")
@requires("outbox.view")
def outbox():
    messages = read_outbox(current_app.config["OUTBOX_DIR"])
    return render_template("staff/outbox.html", messages=messages, backend=current_app.config["MAIL_BACKEND"])


@bp.route("/outbox/<message_id>")
@requires("outbox.view")
def outbox_message(message_id: str):
    message = read_outbox_message(current_app.config["OUTBOX_DIR"], message_id)
    if message is None:
        abort(404)
    response = current_app.make_response(render_template("staff/outbox_message.html", message=message))
    # The HTML part is shown in a sandboxed srcdoc frame, which inherits this policy: emails
    # carry inline styles, so allow those here; remote images stay blocked, so viewing a
    # message never fetches a tracking pixel.
    response.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return response


@bp.route("/audit")
@requires("audit.view")
def audit_log():
    action = request.args.get("action", "")
    errors = {}
    if action and action not in audit.ACTIONS:
        errors["action"] = "Choose an action from the list"
        action = ""
    page_arg = request.args.get("page", "1")
    page_number = int(page_arg) if page_arg.isdecimal() and 0 < int(page_arg) < 1_000_000 else 1
    page = audit.entries(page=page_number, per_page=AUDIT_PER_PAGE, action=action or None)
    return render_template(
        "staff/audit.html", page=page, action=action, actions=sorted(audit.ACTIONS), errors=errors
    ), (400 if errors else 200)


@bp.route("/settings", methods=["GET", "POST"])
@requires("settings.manage")
def settings():
    errors = {}
    values = site_settings.all_settings()
    if request.method == "POST":
        submitted = {key: request.form.get(key, "") for key in site_settings.SETTINGS}
        try:
            changed = site_settings.save_settings(submitted)
        except InvalidRequest as error:
            errors = error.errors
            values = submitted
        else:
            flash("Settings saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("staff.settings"))
    return render_template(
        "staff/settings.html",
        values=values,
        errors=errors,
        definitions=site_settings.SETTINGS,
        kind_of=site_settings.kind_of,
    ), (400 if errors else 200)
