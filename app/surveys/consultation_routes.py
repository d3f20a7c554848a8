"""Public pages: past consultations and what came of them (“We asked, you said, we did”)."""

from flask import Blueprint, render_template

from app.statistics.suppression import suppress
from app.surveys import analysis, outcomes

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


@bp.route("/")
def index():
    return render_template("consultations/index.html", surveys=outcomes.past_consultations())


@bp.route("/<slug>")
def show(slug):
    survey = outcomes.published(slug[:40])
    return render_template(
        "consultations/show.html",
        survey=survey,
        responses=suppress(analysis.completed_count(survey.id)),
    )
