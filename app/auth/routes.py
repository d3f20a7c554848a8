"""Staff sign-in (with the two-factor step), sign-out and the person's own account pages."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.audit import services as audit
from app.auth import services, two_factor
from app.auth.permissions import requires
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")

# How long the code step waits after a right password before the person must start again.
TWO_FACTOR_STEP_SECONDS = 300
_PENDING = "two_factor_pending"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("staff.dashboard")


def _finish_sign_in(user, next_url: str | None):
    session.pop(_PENDING, None)
    login_user(user)
    services.record_login(user)
    if user.must_set_up_two_factor():
        return redirect(url_for("auth.two_factor_setup"))
    return redirect(_safe_next(next_url))


def _failed(response) -> bool:
    # A sign-in that works costs nothing: an office behind one gateway signs in all morning.
    return response.status_code >= 400


def _address_tried() -> str:
    return "login-address:" + request.form.get("email", "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
    key_func=_address_tried,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    errors = {}
    email = request.form.get("email", "")
    if request.method == "POST":
        user, message = services.authenticate(email, request.form.get("password", ""))
        if user is None:
            errors["email"] = message
        elif user.totp_enabled:
            # The password alone signs no one in: the code step must succeed first.
            session[_PENDING] = {"user_id": user.id, "at": now().timestamp(), "next": request.args.get("next")}
            return redirect(url_for("auth.login_two_factor"))
        else:
            return _finish_sign_in(user, request.args.get("next"))
    return render_template("auth/login.html", errors=errors, email=email), (400 if errors else 200)


def _pending_sign_in() -> dict | None:
    pending = session.get(_PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("user_id"), int):
        return None
    if now().timestamp() - float(pending.get("at") or 0) > TWO_FACTOR_STEP_SECONDS:
        session.pop(_PENDING, None)
        return None
    return pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed)
def login_two_factor():
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    pending = _pending_sign_in()
    if pending is None:
        flash("Sign in again: the code must be entered within 5 minutes of your password.")
        return redirect(url_for("auth.login"))
    errors = {}
    if request.method == "POST":
        user, message = two_factor.check_sign_in_code(pending["user_id"], request.form.get("code", ""))
        if message is None:
            return _finish_sign_in(user, pending.get("next"))
        if user is None:
            session.pop(_PENDING, None)
            return render_template("auth/login.html", errors={"email": message}, email=""), 400
        errors["code"] = message
    return render_template("auth/login_code.html", errors=errors), (400 if errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("logout", "staff_user", current_user.id)
        db.session.commit()
    logout_user()
    session.pop(_PENDING, None)
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@requires("account.manage")
def account():
    return render_template("auth/account.html", errors={})


@bp.route("/account/two-factor/disable", methods=["POST"])
@requires("account.manage")
def two_factor_disable():
    try:
        two_factor.disable(current_user, request.form.get("code", ""))
    except InvalidRequest as error:
        return render_template("auth/account.html", errors=error.errors), 400
    flash("Two-factor sign-in is turned off.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@requires("account.manage", two_factor_exempt=True)
def two_factor_setup():
    if current_user.totp_enabled:
        flash("Two-factor sign-in is already turned on.")
        return redirect(url_for("auth.account"))
    errors = {}
    if request.method == "POST":
        try:
            two_factor.confirm_setup(current_user, request.form.get("code", ""))
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash("Two-factor sign-in is turned on. You will be asked for a code each time you sign in.", "success")
            return redirect(url_for("auth.account"))
    two_factor.begin_setup(current_user)
    uri = two_factor.provisioning_uri(current_user)
    return render_template(
        "auth/two_factor_setup.html",
        errors=errors,
        qr_code=two_factor.qr_code_data_uri(uri),
        secret=two_factor.grouped_secret(current_user.totp_secret),
        required=current_user.must_set_up_two_factor(),
    ), (400 if errors else 200)
