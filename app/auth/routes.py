"""Staff sign-in, sign-out and account pages."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.audit import services as audit
from app.auth import services
from app.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("staff.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    errors = {}
    email = request.form.get("email", "")
    if request.method == "POST":
        user, message = services.authenticate(email, request.form.get("password", ""))
        if user is None:
            errors["email"] = message
        else:
            login_user(user)
            services.record_login(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", errors=errors, email=email), (400 if errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("logout", "staff_user", current_user.id)
        db.session.commit()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html")


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    return render_template("auth/account.html")
