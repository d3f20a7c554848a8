"""Staff pages for surveys: the list, settings, the survey page, publishing, duplicating, the question bank.

Pages and questions are edited in builder_routes.py, on the same blueprint.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import can, requires
from app.errors import InvalidRequest
from app.surveys import bank, builder, forms, services
from app.surveys.models import MODES
from app.surveys.questions import KINDS, describe_condition, options_of

bp = Blueprint("surveys", __name__, url_prefix="/staff/surveys")

# Pages about a survey that other parts of the service provide: linked once they exist.
ELSEWHERE = [
    ("survey_entry.preview", "Preview"),
    ("survey_entry.new_response", "Enter a paper or telephone response"),
    ("survey_entry.responses", "Responses"),
    ("survey_results.results", "Results"),
    ("survey_invitations.index", "Invitations"),
    ("survey_results.outcome", "Outcome"),
]


def survey_or_404(survey_id: int):
    return services.get_survey(survey_id) or abort(404)


def _links(survey) -> list[tuple[str, str]]:
    links = []
    for endpoint, label in ELSEWHERE:
        view = current_app.view_functions.get(endpoint)
        if view is None:
            continue
        permission = getattr(view, "required_permission", None)
        if permission and not can(permission):
            continue
        links.append((url_for(endpoint, survey_id=survey.id), label))
    return links


def public_url(survey) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/surveys/{survey.slug}"


def survey_page(survey, errors: dict | None = None, status: int = 200):
    """The survey page, with a refused action's message at the top when there is one."""
    pages = builder.layout(survey)
    everything = [q for _, questions in pages for q in questions]
    return render_template(
        "surveys/staff/survey.html",
        survey=survey,
        pages=pages,
        numbers={q.id: n for n, q in enumerate(everything, start=1)},
        answers=builder.answer_counts(survey),
        conditions={
            **{("page", p.id): describe_condition(p.show_if, everything) for p, _ in pages},
            **{("question", q.id): describe_condition(q.show_if, everything) for q in everything},
        },
        responses=services.response_count(survey),
        status_text=services.status_text(survey),
        accepting=services.is_accepting(survey),
        public_url=public_url(survey),
        links=_links(survey),
        kinds=KINDS,
        modes=MODES,
        options_of=options_of,
        errors=errors or {},
    ), status


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


from app.surveys import builder_routes  # noqa: E402,F401  (registers its views on bp)
