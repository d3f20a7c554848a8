"""Staff pages for surveys: the list, settings, the survey page, publishing, duplicating, the question bank.

Pages and questions are edited in builder_routes.py, on the same blueprint (survey_page.py).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.surveys import bank, forms, services
from app.surveys.models import MODES
from app.surveys.questions import KINDS, options_of
from app.surveys.survey_page import bp, survey_or_404, survey_page


@bp.route("/")
@requires("surveys.view")
def index():
    return render_template(
        "surveys/staff/index.html",
        rows=services.list_surveys(),
        modes=MODES,
        status_text=services.status_text,
    )


def _settings_form(survey, values: dict, errors: dict, status: int = 200):
    return render_template(
        "surveys/staff/settings_form.html", survey=survey, values=values, errors=errors, modes=MODES
    ), status


@bp.route("/new", methods=["GET", "POST"])
@requires("surveys.edit")
def new():
    if request.method in ("GET", "HEAD"):
        return _settings_form(None, forms.settings_form_values(services.SurveyInput()), {})
    errors = {}
    data = forms.survey_input(request.form, errors)
    if not errors:
        try:
            survey = services.create_survey(data, staff_user_id=current_user.id)
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash(f"Survey “{survey.title}” created. Add its questions.", "success")
            return redirect(url_for("surveys.survey", survey_id=survey.id))
    else:
        errors = {**services.settings_errors(data), **errors}
    return _settings_form(None, forms.posted_settings_values(request.form), errors, 400)


@bp.route("/<int:survey_id>")
@requires("surveys.view")
def survey(survey_id: int):
    return survey_page(survey_or_404(survey_id))


@bp.route("/<int:survey_id>/settings", methods=["GET", "POST"])
@requires("surveys.edit")
def settings(survey_id: int):
    found = survey_or_404(survey_id)
    if request.method in ("GET", "HEAD"):
        return _settings_form(found, forms.settings_form_values(services.settings_of(found)), {})
    errors = {}
    data = forms.survey_input(request.form, errors)
    if not errors:
        try:
            services.update_settings(found, data)
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash("Survey details saved.", "success")
            return redirect(url_for("surveys.survey", survey_id=found.id))
    else:
        errors = {**services.settings_errors(data, found), **errors}
    return _settings_form(found, forms.posted_settings_values(request.form), errors, 400)


LIFECYCLE = {
    "publish": (services.publish, "The survey is open for responses."),
    "close": (services.close, "The survey is closed: it takes no more responses."),
    "reopen": (services.reopen, "The survey is open for responses again."),
}


@bp.route("/<int:survey_id>/<any(publish, close, reopen):action>", methods=["POST"])
@requires("surveys.edit")
def lifecycle(survey_id: int, action: str):
    found = survey_or_404(survey_id)
    change, message = LIFECYCLE[action]
    try:
        change(found)
    except InvalidRequest as error:
        return survey_page(found, {"status": error.message}, error.status)
    flash(message, "success")
    return redirect(url_for("surveys.survey", survey_id=found.id))


@bp.route("/<int:survey_id>/duplicate", methods=["POST"])
@requires("surveys.edit")
def duplicate(survey_id: int):
    copy = services.duplicate(survey_or_404(survey_id), staff_user_id=current_user.id)
    flash(f"Made a draft copy: “{copy.title}”. It has no responses.", "success")
    return redirect(url_for("surveys.survey", survey_id=copy.id))


# ----- question bank -------------------------------------------------------


@bp.route("/bank")
@requires("surveys.view")
def bank_page():
    return render_template("surveys/staff/bank.html", saved=bank.list_bank(), kinds=KINDS, options_of=options_of)


@bp.route("/bank/<int:bank_question_id>/delete", methods=["POST"])
@requires("surveys.edit")
def bank_delete(bank_question_id: int):
    saved = bank.get_bank_question(bank_question_id) or abort(404)
    bank.delete_bank_question(saved)
    flash("Removed from the question bank. Surveys that use it keep their copy.", "success")
    return redirect(url_for("surveys.bank_page"))
