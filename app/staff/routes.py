"""Staff home page."""

from flask import Blueprint, render_template

from app.auth.permissions import requires
from app.members import services as members

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/")
@requires("dashboard.view")
def dashboard():
    return render_template("staff/dashboard.html", counts=members.count_by_status())
