"""Public pages: past consultations and what came of them (“We asked, you said, we did”)."""

from flask import Blueprint, render_template

from app.i18n import current_language, set_content_language
from app.statistics.suppression import suppress
from app.surveys import analysis, localised, outcomes

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


@bp.route("/")
def index():
    return render_template("consultations/index.html", surveys=outcomes.past_consultations())


@bp.route("/<slug>")
def show(slug):
    survey = outcomes.published(slug[:40])
    outcome = localised.outcome_in_language(survey, current_language())
    set_content_language(outcome["language"])
    return render_template(
        "consultations/show.html",
        survey=survey,
        outcome=outcome,
        responses=suppress(analysis.completed_count(survey.id)),
    )
