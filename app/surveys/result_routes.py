"""Staff pages for a survey's results: thin views over analysis, crosstab, themes, reach, exports, outcomes."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import can, requires
from app.errors import InvalidRequest
from app.representation import baselines, report
from app.surveys import analysis, crosstab, exports, outcomes, profiles, reach, themes
from app.surveys.questions import KINDS

bp = Blueprint("survey_results", __name__, url_prefix="/staff/surveys")

RESPONSE_EXPORTS = {
    "csv": ("text/csv", exports.responses_csv),
    "xlsx": (exports.XLSX_MIMETYPE, exports.responses_xlsx),
}


@bp.route("/<int:survey_id>/results")
@requires("surveys.view")
def results(survey_id):
    survey = analysis.get_survey(survey_id)
    return render_template(
        "surveys/results/results.html",
        survey=survey,
        shown=analysis.present_results(analysis.survey_results(survey)),
        tracking=analysis.present_tracking(analysis.tracking(survey)),
        theme_counts=themes.theme_counts(survey),
        kinds=KINDS,
    )


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdecimal() and 0 < int(value) < 100_000 else 1


@bp.route("/<int:survey_id>/free-text")
@requires("surveys.responses")
def free_text(survey_id):
    survey = analysis.get_survey(survey_id)
    questions = themes.text_questions(survey)
    chosen = request.args.get("question") or (str(questions[0].id) if questions else "")
    question = themes.text_question(survey, chosen) if questions else None
    theme_id = request.args.get("theme", "")
    theme_id = int(theme_id) if theme_id.isdecimal() and int(theme_id) < 2**31 else None
    search = request.args.get("q", "")[:200]
    page = themes.text_answers(question, search, _page_number(), theme_id) if question else None
    if question is not None:
        themes.record_reading(survey, question)
    frame = themes.themes(question.id) if question else []
    return render_template(
        "surveys/results/free_text.html",
        survey=survey,
        questions=questions,
        question=question,
        frame=frame,
        question_options=[(q.id, q.text) for q in questions],
        theme_options=[(t["id"], t["name"]) for t in frame],
        page=page,
        search=search,
        theme_id=theme_id,
        errors={},
    )


def _back_to_text(survey_id, question_id):
    args = {k: v for k, v in request.form.items() if k in ("q", "page", "theme") and v}
    return redirect(url_for("survey_results.free_text", survey_id=survey_id, question=question_id, **args))


@bp.route("/<int:survey_id>/themes", methods=["POST"])
@requires("surveys.responses")
def create_theme(survey_id):
    survey = analysis.get_survey(survey_id)
    question_id = request.form.get("question_id", "")
    try:
        theme = themes.create_theme(survey, question_id, request.form.get("name", ""))
    except InvalidRequest as error:
        flash(error.errors.get("name", error.message), "error")
        return _back_to_text(survey.id, question_id)
    flash(f"Theme “{theme.name}” added.", "success")
    return _back_to_text(survey.id, theme.question_id)


@bp.route("/<int:survey_id>/themes/<int:theme_id>/rename", methods=["POST"])
@requires("surveys.responses")
def rename_theme(survey_id, theme_id):
    survey = analysis.get_survey(survey_id)
    theme = themes.get_theme(survey, theme_id)
    try:
        themes.rename_theme(survey, theme_id, request.form.get("name", ""))
        flash("Theme renamed.", "success")
    except InvalidRequest as error:
        flash(error.errors.get("name", error.message), "error")
    return _back_to_text(survey.id, theme.question_id)


@bp.route("/<int:survey_id>/themes/<int:theme_id>/delete", methods=["GET", "POST"])
@requires("surveys.responses")
def delete_theme(survey_id, theme_id):
    survey = analysis.get_survey(survey_id)
    theme = themes.get_theme(survey, theme_id)
    if request.method == "POST":
        question_id, name = theme.question_id, theme.name
        themes.delete_theme(survey, theme_id)
        flash(f"Theme “{name}” deleted; the answers are unchanged.", "success")
        return _back_to_text(survey.id, question_id)
    return render_template(
        "surveys/results/theme_delete.html",
        survey=survey,
        theme=theme,
        question=themes.text_question(survey, theme.question_id),
        tagged=themes.tagged_count(theme),
        back={k: v for k, v in request.args.items() if k in ("q", "page", "theme") and v},
    )


@bp.route("/<int:survey_id>/themes/tags", methods=["POST"])
@requires("surveys.responses")
def tag_many(survey_id):
    """Several answers tagged (or untagged) with one theme at once, or one tag removed."""
    survey = analysis.get_survey(survey_id)
    question_id = request.form.get("question_id", "")
    one = request.form.get("remove_one", "")
    if one:
        answer_id, _, theme_id = one.partition(":")
        answer_ids, tagged, action = [answer_id], False, "remove"
    else:
        theme_id, action = request.form.get("theme_id", ""), request.form.get("action", "add")
        answer_ids, tagged = request.form.getlist("answer_id"), action != "remove"
    try:
        changed = themes.set_tags(survey, theme_id, answer_ids, tagged)
    except InvalidRequest as error:
        flash(error.message, "error")
        return _back_to_text(survey.id, question_id)
    name = themes.get_theme(survey, int(theme_id)).name
    count = f"{changed} answer{'' if changed == 1 else 's'}"
    if tagged:
        flash(f"Theme “{name}” added to {count}." if changed else f"The answers already had “{name}”.", "success")
    else:
        flash(f"Theme “{name}” removed from {count}." if changed else f"None of them had “{name}”.", "success")
    return _back_to_text(survey.id, question_id)


@bp.route("/<int:survey_id>/themes/<int:theme_id>/tag", methods=["POST"])
@requires("surveys.responses")
def tag(survey_id, theme_id):
    survey = analysis.get_survey(survey_id)
    theme = themes.get_theme(survey, theme_id)
    try:
        themes.set_tag(survey, theme_id, request.form.get("answer_id"), request.form.get("action") != "untag")
    except InvalidRequest as error:
        flash(error.message, "error")
    return _back_to_text(survey.id, theme.question_id)


CROSSTAB_EXPORTS = {
    "csv": ("text/csv", crosstab.export_csv),
    "xlsx": (exports.XLSX_MIMETYPE, crosstab.export_xlsx),
}


def _crosstab_choice(choices):
    key = request.args.get("question") or (choices[0][0] if choices else "")
    return key, request.args.get("by") or "age_band"


@bp.route("/<int:survey_id>/crosstab")
@requires("surveys.view")
def crosstab_page(survey_id):
    survey = analysis.get_survey(survey_id)
    choices = crosstab.question_choices(survey)
    key, by = _crosstab_choice(choices)
    errors, table = {}, None
    if choices:
        try:
            table = crosstab.present(crosstab.crosstab(survey, key, by))
        except InvalidRequest as error:
            errors = error.errors or {"question": error.message}
    return render_template(
        "surveys/results/crosstab.html",
        survey=survey,
        choices=choices,
        characteristics=list(profiles.CHARACTERISTICS.items()),
        key=key,
        by=by,
        table=table,
        errors=errors,
        deprivation_note=profiles.DEPRIVATION_NOTE,
        method_note=crosstab.method_note(),
    )


@bp.route("/<int:survey_id>/crosstab.<fmt>")
@requires("surveys.view")
def export_crosstab(survey_id, fmt):
    survey = analysis.get_survey(survey_id)
    if fmt not in CROSSTAB_EXPORTS:
        raise InvalidRequest("Choose CSV or XLSX.", 404)
    key, by = _crosstab_choice(crosstab.question_choices(survey))
    shown = crosstab.present(crosstab.crosstab(survey, key, by))
    mimetype, build = CROSSTAB_EXPORTS[fmt]
    exports.record_export(survey, f"cross-tabulation {fmt} ({key} by {by})")
    return Response(
        build(shown),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-crosstab-{by}.{fmt}"'},
    )


@bp.route("/<int:survey_id>/reach")
@requires("surveys.view")
def reach_page(survey_id):
    survey = analysis.get_survey(survey_id)
    results, message = None, ""
    try:
        results = reach.survey_reach(survey)
    except InvalidRequest as error:
        message = error.message
    return render_template(
        "surveys/results/reach.html",
        survey=survey,
        results=results,
        shown=report.present(results) if results else None,
        message=message,
        attribution=baselines.ATTRIBUTION,
    )


@bp.route("/<int:survey_id>/responses.<fmt>")
@requires("surveys.responses")
def export_responses(survey_id, fmt):
    survey = analysis.get_survey(survey_id)
    if fmt not in RESPONSE_EXPORTS:
        raise InvalidRequest("Choose CSV or XLSX.", 404)
    style = request.args.get("style", "labels")
    mimetype, build = RESPONSE_EXPORTS[fmt]
    body = build(survey, style, can("equality.view_individual"))
    exports.record_export(survey, f"responses {fmt} ({style})")
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-responses-{style}.{fmt}"'},
    )


@bp.route("/<int:survey_id>/summary.pdf")
@requires("surveys.view")
def summary_pdf(survey_id):
    survey = analysis.get_survey(survey_id)
    body = exports.summary_pdf(survey)
    exports.record_export(survey, "summary pdf")
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-summary.pdf"'},
    )


@bp.route("/<int:survey_id>/outcome", methods=["GET", "POST"])
@requires("surveys.edit")
def outcome(survey_id):
    survey = analysis.get_survey(survey_id)
    errors, form = {}, {name: getattr(survey, name) for name in outcomes.OUTCOME_FIELDS}
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in outcomes.OUTCOME_FIELDS}
        action = request.form.get("action", "save")
        try:
            if action == "publish":
                outcomes.publish_outcome(survey, form)
                flash("The outcome is published on the past consultations page.", "success")
            elif action == "unpublish":
                outcomes.unpublish_outcome(survey)
                flash("The outcome is no longer on the public page.", "success")
            else:
                outcomes.save_outcome(survey, form)
                flash("The outcome is saved.", "success")
            return redirect(url_for("survey_results.outcome", survey_id=survey.id))
        except InvalidRequest as error:
            errors = error.errors or {"we_asked": error.message}
    return render_template(
        "surveys/results/outcome.html",
        survey=survey,
        form=form,
        errors=errors,
        fields=outcomes.OUTCOME_FIELDS,
        followers=outcomes.follower_count(survey),
    ), (400 if errors else 200)


@bp.route("/<int:survey_id>/outcome/bulletin", methods=["POST"])
@requires("surveys.edit")
def outcome_bulletin(survey_id):
    survey = analysis.get_survey(survey_id)
    try:
        campaign = outcomes.outcome_bulletin(survey, current_user.id)
    except InvalidRequest as error:
        flash(error.message, "error")
        return redirect(url_for("survey_results.outcome", survey_id=survey.id))
    flash(
        f"A draft bulletin “{campaign.name}” is ready for the communications team to check and send "
        f"from the bulletin pages (number {campaign.id}).",
        "success",
    )
    return redirect(url_for("survey_results.outcome", survey_id=survey.id))
