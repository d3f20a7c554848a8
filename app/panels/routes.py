"""Staff pages for drawing representative panels."""

from flask import Blueprint, render_template

from app.auth.permissions import requires

bp = Blueprint("panels", __name__, url_prefix="/staff/panels")


@bp.route("/")
@requires("panels.draw")
def index():
    return render_template("panels/index.html", draws=[])
