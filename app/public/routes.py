"""Public pages: home, privacy notice, accessibility statement."""

from flask import Blueprint, render_template

from app.settings.services import all_settings

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    return render_template("public/home.html")


@bp.route("/get-involved", methods=["GET", "POST"])
def get_involved():
    return render_template("public/home.html")


@bp.route("/privacy")
def privacy():
    return render_template("public/privacy.html", settings=all_settings())


@bp.route("/accessibility")
def accessibility():
    return render_template("public/accessibility.html", settings=all_settings())
