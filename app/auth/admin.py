"""Administrators' pages: staff accounts and API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import services
from app.auth.permissions import ROLES, requires
from app.errors import InvalidRequest

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


def _user_or_404(user_id: int):
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@requires("users.manage")
def users():
    return render_template("admin/users.html", users=services.list_users(), roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user():
    errors, form = {}, {"email": "", "name": "", "role": ""}
    if request.method == "POST":
        form = {key: request.form.get(key, "") for key in form}
        try:
            user = services.create_user(form["email"], form["role"], request.form.get("password", ""), form["name"])
        except InvalidRequest as error:
            errors = error.errors or {"email": error.message}
        else:
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template(
        "admin/user_new.html",
        errors=errors,
        form=form,
        roles=ROLES,
        min_length=services.MIN_PASSWORD_LENGTH,
    ), (400 if errors else 200)


@bp.route("/users/<int:user_id>")
@requires("users.manage")
def user(user_id):
    return render_template("admin/user.html", user=_user_or_404(user_id), roles=ROLES, errors={})


def _account_action(user_id: int, action, done: str):
    user = _user_or_404(user_id)
    try:
        action(user)
    except InvalidRequest as error:
        errors = error.errors or {"account": error.message}
        return render_template("admin/user.html", user=user, roles=ROLES, errors=errors), error.status
    flash(done, "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires("users.manage")
def change_role(user_id):
    role = request.form.get("role", "")
    return _account_action(user_id, lambda u: services.change_role(u, role), "Role changed.")


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires("users.manage")
def deactivate(user_id):
    return _account_action(
        user_id,
        lambda u: services.set_account_active(u, False, current_user.id),
        "Account deactivated: they can no longer sign in.",
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires("users.manage")
def reactivate(user_id):
    return _account_action(
        user_id, lambda u: services.set_account_active(u, True, current_user.id), "Account reactivated."
    )


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@requires("users.manage")
def unlock(user_id):
    return _account_action(user_id, services.unlock_account, "Account unlocked: they can sign in again.")


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@requires("users.manage")
def reset_two_factor(user_id):
    return _account_action(
        user_id, services.reset_two_factor, "Two-factor sign-in reset: they set it up again when they next sign in."
    )


@bp.route("/tokens", methods=["GET", "POST"])
@requires("tokens.manage")
def tokens():
    errors, form, created, secret = {}, {"name": "", "role": ""}, None, None
    if request.method == "POST":
        form = {key: request.form.get(key, "") for key in form}
        try:
            created, secret = services.create_api_token(form["name"], form["role"])
        except InvalidRequest as error:
            errors = error.errors or {"name": error.message}
        else:
            form = {"name": "", "role": ""}
    return render_template(
        "admin/tokens.html",
        tokens=services.list_api_tokens(),
        roles=ROLES,
        errors=errors,
        form=form,
        created=created,
        secret=secret,
    ), (400 if errors else 200)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("tokens.manage")
def revoke_token(token_id):
    token = services.get_api_token(token_id)
    if token is None:
        abort(404)
    services.revoke_api_token(token)
    flash(f"Token “{token.name}” revoked: it no longer works.", "success")
    return redirect(url_for("admin.tokens"))
