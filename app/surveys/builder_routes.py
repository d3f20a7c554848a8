"""Staff pages for building a survey: pages, questions, their order, skip logic, the question bank."""

from flask import abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.extensions import db
from app.surveys import bank, builder, forms
from app.surveys.definitions import SCALE_KINDS
from app.surveys.models import Question, SurveyPage
from app.surveys.questions import (
    CHOICE_KINDS,
    KINDS,
    LIKERT_OPTIONS,
    OPTION_KINDS,
    SKIP_OPERATORS,
    describe_condition,
    options_of,
)
from app.surveys.survey_page import bp, survey_or_404, survey_page

# Questions whose answers a condition can compare with (others can only be "answered").
DECIDING_KINDS = CHOICE_KINDS - {"matrix", "ranking"}


def _page_or_404(survey, page_id: int) -> SurveyPage:
    page = db.session.get(SurveyPage, page_id)
    if page is None or page.survey_id != survey.id:
        abort(404)
    return page


def _question_or_404(survey, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _back(survey, anchor: str = ""):
    return redirect(url_for("surveys.survey", survey_id=survey.id) + (f"#{anchor}" if anchor else ""))


def _refused(survey, error: InvalidRequest):
    return survey_page(survey, error.errors or {"status": error.message}, error.status)


# ----- pages ---------------------------------------------------------------


@bp.route("/<int:survey_id>/pages/new", methods=["GET", "POST"], endpoint="add_page")
@bp.route("/<int:survey_id>/pages/<int:page_id>/edit", methods=["GET", "POST"])
@requires("surveys.edit")
def edit_page(survey_id: int, page_id: int | None = None):
    survey = survey_or_404(survey_id)
    page = _page_or_404(survey, page_id) if page_id else None
    errors = {}
    if request.method == "POST":
        title = request.form.get("title", "")
        try:
            page = builder.rename_page(page, title) if page else builder.add_page(survey, title)
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash("Page saved.", "success")
            return _back(survey, f"page-{page.id}")
    title = request.form.get("title", page.title if page else "")
    return render_template("surveys/staff/page_form.html", survey=survey, page=page, title=title, errors=errors), (
        400 if errors else 200
    )


@bp.route("/<int:survey_id>/pages/<int:page_id>/move", methods=["POST"])
@requires("surveys.edit")
def move_page(survey_id: int, page_id: int):
    survey = survey_or_404(survey_id)
    page = _page_or_404(survey, page_id)
    try:
        builder.move_page(page, request.form.get("direction", ""))
    except InvalidRequest as error:
        return _refused(survey, error)
    return _back(survey, f"page-{page.id}")


@bp.route("/<int:survey_id>/pages/<int:page_id>/delete", methods=["GET", "POST"])
@requires("surveys.edit")
def delete_page(survey_id: int, page_id: int):
    survey = survey_or_404(survey_id)
    page = _page_or_404(survey, page_id)
    if request.method == "POST":
        try:
            builder.delete_page(page)
        except InvalidRequest as error:
            return _refused(survey, error)
        flash("Page deleted.", "success")
        return _back(survey)
    questions = [q for p, qs in builder.layout(survey) if p.id == page.id for q in qs]
    return render_template("surveys/staff/page_delete.html", survey=survey, page=page, questions=questions)


@bp.route("/<int:survey_id>/pages/<int:page_id>/skip", methods=["GET", "POST"])
@requires("surveys.edit")
def page_skip(survey_id: int, page_id: int):
    survey = survey_or_404(survey_id)
    page = _page_or_404(survey, page_id)
    return _condition_page(survey, page, builder.questions_before_page(page), builder.set_page_condition)


# ----- questions -----------------------------------------------------------


def _question_form(survey, page, question, values: dict, errors: dict, status: int = 200):
    kind = values.get("kind")
    answered = question is not None and builder.is_answered(question)
    return render_template(
        "surveys/staff/question_form.html",
        survey=survey,
        page=page,
        question=question,
        values=values,
        kind=kind,
        errors=errors,
        kinds=KINDS,
        answered=answered,
        chosen=builder.used_codes(question) if answered else ({}, {}),
        option_kinds=OPTION_KINDS,
        scale_kinds=SCALE_KINDS,
    ), status


@bp.route("/<int:survey_id>/pages/<int:page_id>/questions/new", methods=["GET", "POST"])
@requires("surveys.edit")
def add_question(survey_id: int, page_id: int):
    survey = survey_or_404(survey_id)
    page = _page_or_404(survey, page_id)
    kind = request.values.get("kind", "")
    if kind not in KINDS:
        asked = "kind" in request.values or "choose" in request.values
        errors = {"kind": "Choose a type of question"} if asked else {}
        return render_template(
            "surveys/staff/question_kind.html", survey=survey, page=page, kinds=KINDS, errors=errors
        ), (400 if errors else 200)
    if request.method == "POST":
        try:
            question = builder.add_question(page, forms.question_input(request.form))
        except InvalidRequest as error:
            return _question_form(survey, page, None, forms.question_input(request.form), error.errors, 400)
        flash("Question added.", "success")
        return _back(survey, f"question-{question.id}")
    values = {"kind": kind, "required": False}
    if kind in SCALE_KINDS:
        values["options"] = "\n".join(o["label"] for o in LIKERT_OPTIONS)
    return _question_form(survey, page, None, values, {})


@bp.route("/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires("surveys.edit")
def edit_question(survey_id: int, question_id: int):
    survey = survey_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    page = db.session.get(SurveyPage, question.page_id)
    if request.method == "POST":
        try:
            builder.edit_question(question, forms.question_input(request.form))
        except InvalidRequest as error:
            return _question_form(
                survey, page, question, forms.question_input(request.form), error.errors, error.status
            )
        flash("Question saved.", "success")
        return _back(survey, f"question-{question.id}")
    values = forms.question_form_values(question)
    errors = {}
    wanted = request.args.get("kind")
    if wanted in KINDS and wanted != question.kind:
        if builder.is_answered(question):
            errors["kind"] = "The type cannot change: this question already has answers"
        else:
            values["kind"] = wanted
            if wanted in SCALE_KINDS and not values["options"]:
                values["options"] = "\n".join(o["label"] for o in LIKERT_OPTIONS)
    return _question_form(survey, page, question, values, errors, 400 if errors else 200)


@bp.route("/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
@requires("surveys.edit")
def move_question(survey_id: int, question_id: int):
    survey = survey_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    try:
        builder.move_question(question, request.form.get("direction", ""))
    except InvalidRequest as error:
        return _refused(survey, error)
    return _back(survey, f"question-{question.id}")


@bp.route("/<int:survey_id>/questions/<int:question_id>/hide", methods=["POST"])
@requires("surveys.edit")
def hide_question(survey_id: int, question_id: int):
    survey = survey_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    hidden = request.form.get("hidden", "1") == "1"
    try:
        builder.set_hidden(question, hidden)
    except InvalidRequest as error:
        return _refused(survey, error)
    flash("Question hidden from new respondents." if hidden else "Question shown again.", "success")
    return _back(survey, f"question-{question.id}")


@bp.route("/<int:survey_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@requires("surveys.edit")
def delete_question(survey_id: int, question_id: int):
    survey = survey_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    if request.method == "POST":
        try:
            builder.delete_question(question)
        except InvalidRequest as error:
            return _refused(survey, error)
        flash("Question deleted.", "success")
        return _back(survey)
    return render_template(
        "surveys/staff/question_delete.html",
        survey=survey,
        question=question,
        answered=builder.is_answered(question),
        dependants=[builder.name_of(d) for d in builder.dependants(question)],
    )


@bp.route("/<int:survey_id>/questions/<int:question_id>/skip", methods=["GET", "POST"])
@requires("surveys.edit")
def question_skip(survey_id: int, question_id: int):
    survey = survey_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    return _condition_page(survey, question, builder.earlier_questions(question), builder.set_question_condition)


def _condition_page(survey, target, earlier: list, save):
    """Skip logic in words: pick the earlier question, then how its answer decides."""
    errors = {}
    current = target.show_if or {}
    if request.method == "POST":
        condition = forms.condition_input(request.form)
        try:
            save(target, condition)
        except InvalidRequest as error:
            field = "values" if condition.get("question_id") else "question_id"
            errors = {field: error.message}
            current = condition
        else:
            flash("Skip logic saved." if condition else "It is now always shown.", "success")
            anchor = f"page-{target.id}" if isinstance(target, SurveyPage) else f"question-{target.id}"
            return _back(survey, anchor)
    chosen_id = request.values.get("question_id") or current.get("question_id")
    source = next((q for q in earlier if str(q.id) == str(chosen_id)), None)
    return render_template(
        "surveys/staff/condition_form.html",
        survey=survey,
        target=target,
        is_page=isinstance(target, SurveyPage),
        earlier=earlier,
        source=source,
        deciding=source is not None and source.kind in DECIDING_KINDS,
        current=current if source is not None and str(current.get("question_id")) == str(source.id) else {},
        described=describe_condition(target.show_if, earlier),
        operators=SKIP_OPERATORS,
        options_of=options_of,
        errors=errors,
    ), (400 if errors else 200)


# ----- the question bank ---------------------------------------------------


@bp.route("/<int:survey_id>/questions/<int:question_id>/bank", methods=["POST"])
@requires("surveys.edit")
def save_to_bank(survey_id: int, question_id: int):
    survey = survey_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    try:
        bank.save_to_bank(question)
    except InvalidRequest as error:
        return _refused(survey, error)
    flash("Saved to the question bank.", "success")
    return _back(survey, f"question-{question.id}")


@bp.route("/<int:survey_id>/pages/<int:page_id>/bank", methods=["GET", "POST"])
@requires("surveys.edit")
def add_from_bank(survey_id: int, page_id: int):
    survey = survey_or_404(survey_id)
    page = _page_or_404(survey, page_id)
    errors = {}
    if request.method == "POST":
        value = request.form.get("bank_question_id", "")
        saved = bank.get_bank_question(int(value)) if value.isdecimal() and len(value) < 10 else None
        if saved is None:
            errors["bank_question_id"] = "Choose a question from the bank"
        else:
            question = bank.add_from_bank(page, saved)
            flash("Question added from the bank.", "success")
            return _back(survey, f"question-{question.id}")
    return render_template(
        "surveys/staff/bank_add.html",
        survey=survey,
        page=page,
        saved=bank.list_bank(),
        kinds=KINDS,
        options_of=options_of,
        errors=errors,
    ), (400 if errors else 200)
