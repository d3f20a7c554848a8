"""Administrators' pages for where to look for more people of each group (views on the representation blueprint)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.representation import advice
from app.representation.routes import bp


@bp.route("/where-to-look")
@requires("settings.manage")
def advice_list():
    return render_template("representation/advice_list.html", characteristics=advice.entries())


@bp.route("/where-to-look/<characteristic>/<int:group>", methods=["GET", "POST"])
@requires("settings.manage")
def advice_edit(characteristic, group):
    found = advice.entry(characteristic, group)
    errors, value = {}, found["advice"]
    if request.method == "POST":
        value = request.form.get("advice", "")
        try:
            changed = advice.save(characteristic, group, value, current_user.id)
        except InvalidRequest as error:
            errors = error.errors or {"advice": error.message}
        else:
            flash(
                f"Where to look for {found['name']} ({found['label'].lower()}) is saved."
                if changed
                else "Nothing was changed.",
                "success",
            )
            return redirect(url_for("representation.advice_list", _anchor=f"advice-{characteristic}"))
    return render_template("representation/advice_edit.html", found=found, value=value, errors=errors), (
        400 if errors else 200
    )


@bp.route("/where-to-look/<characteristic>/<int:group>/reset", methods=["GET", "POST"])
@requires("settings.manage")
def advice_reset(characteristic, group):
    """Asks first, then puts the advice back to the default."""
    found = advice.entry(characteristic, group)
    if request.method == "POST":
        changed = advice.reset(characteristic, group, current_user.id)
        flash(
            f"Where to look for {found['name']} ({found['label'].lower()}) is back to the default."
            if changed
            else "Nothing was changed: this advice was the default already.",
            "success",
        )
        return redirect(url_for("representation.advice_list", _anchor=f"advice-{characteristic}"))
    return render_template("representation/advice_reset.html", found=found)
