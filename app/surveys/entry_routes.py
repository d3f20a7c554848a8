"""Staff pages for one survey's responses: preview the public pages, type in paper and
telephone responses, and list the responses received."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit import services as audit
from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.surveys import equality_section, flow
from app.surveys import responses as answering
from app.surveys.models import CHANNELS, Response
from app.surveys.numbering import response_numbers
from app.surveys.questions import condition_met, options_of, visible_questions

bp = Blueprint("survey_entry", __name__, url_prefix="/staff/surveys")


@bp.context_processor
def _helpers():
    return {"options_of": options_of}


# ----- preview ----------------------------------------------------------------------------------------


def _preview_key(survey_id: int) -> str:
    return f"survey-preview-{survey_id}"


def _preview_answers(survey_id: int) -> dict:
    stored = session.get(_preview_key(survey_id)) or {}
    # The session keeps JSON, whose keys are text.
    return {int(k): v for k, v in stored.items() if str(k).isdecimal()}


def _store_preview(survey, answers: dict) -> None:
    shown = {q.id for q in visible_questions(survey, answers)}
    session[_preview_key(survey.id)] = {str(k): v for k, v in answers.items() if k in shown and v is not None}


@bp.route("/<int:survey_id>/preview")
@requires("surveys.view")
def preview(survey_id: int):
    survey = answering.get_survey(survey_id)
    session.pop(_preview_key(survey.id), None)
    first = flow.first_page(survey)
    return render_template("surveys/entry/preview_start.html", survey=survey, first=first)


@bp.route("/<int:survey_id>/preview/<int:number>", methods=["GET", "POST"])
@requires("surveys.view")
def preview_page(survey_id: int, number: int):
    survey = answering.get_survey(survey_id)
    answers = _preview_answers(survey.id)
    if not flow.page_shown(survey, number, answers):
        following = flow.next_page(survey, number, answers)
        if following:
            return redirect(url_for(".preview_page", survey_id=survey.id, number=following))
        return redirect(url_for(".preview_end", survey_id=survey.id))
    page = flow.page_at(survey, number)
    errors, status, values = {}, 200, None
    if request.method == "POST":
        on_page = {q.id for q in page.questions}
        before = {k: v for k, v in answers.items() if k not in on_page}
        checked, errors = flow.check_questions(page.questions, request.form, before)
        if not errors:
            merged = before | {k: v for k, v in checked.items() if v is not None}
            _store_preview(survey, merged)
            following = flow.next_page(survey, number, merged)
            if following:
                return redirect(url_for(".preview_page", survey_id=survey.id, number=following))
            return redirect(url_for(".preview_end", survey_id=survey.id))
        from app.surveys.questions import form_value

        values = {f"q{q.id}": form_value(q, request.form) for q in page.questions}
        status = 400
    questions = flow.questions_to_show(page, answers)
    if values is None:
        values = {f"q{q.id}": flow.form_shape(q, answers.get(q.id)) for q in questions}
    previous = flow.previous_page(survey, number, answers)
    back_url = (
        url_for(".preview_page", survey_id=survey.id, number=previous)
        if previous
        else url_for(".preview", survey_id=survey.id)
    )
    return render_template(
        "surveys/public/page.html",
        survey=survey,
        page=page,
        number=number,
        progress=flow.progress(survey, number, answers),
        questions=questions,
        values=values,
        errors=errors,
        notes={
            q.id: flow.condition_text(survey, q.show_if)
            for q in questions
            if q.show_if and not condition_met(q.show_if, answers)
        },
        back_url=back_url,
        action=url_for(".preview_page", survey_id=survey.id, number=number),
        preview=True,
    ), status


@bp.route("/<int:survey_id>/preview/end")
@requires("surveys.view")
def preview_end(survey_id: int):
    survey = answering.get_survey(survey_id)
    answers = _preview_answers(survey.id)
    rows = [
        (q, flow.answer_lines(q, answers.get(q.id)), flow.page_of(survey, q))
        for q in visible_questions(survey, answers)
    ]
    return render_template("surveys/entry/preview_end.html", survey=survey, rows=rows)


# ----- paper and telephone responses --------------------------------------------------------------


def _entry_form(survey, values=None, errors=None, form=None, status=200):
    pages = []
    for number, page in enumerate(survey.pages, start=1):
        questions = [q for q in page.questions if not q.hidden]
        if questions:
            pages.append((number, page, questions))
    notes = {}
    for page in survey.pages:
        base = flow.condition_text(survey, page.show_if)
        for q in page.questions:
            text = "; ".join(t for t in (base, flow.condition_text(survey, q.show_if)) if t)
            if text:
                notes[q.id] = text
    return render_template(
        "surveys/entry/new_response.html",
        survey=survey,
        pages=pages,
        values=values or {},
        errors=errors or {},
        notes=notes,
        form=form or {},
        channels=[(code, label) for code, label in CHANNELS.items() if code != "online"],
        equality_questions=equality_section.equality_questions() if survey.include_equality else [],
        consent_wording=equality_section.CONSENT_WORDING,
    ), status


@bp.route("/<int:survey_id>/responses/new", methods=["GET", "POST"])
@requires("surveys.responses")
def new_response(survey_id: int):
    survey = answering.get_survey(survey_id)
    if request.method in ("GET", "HEAD"):
        return _entry_form(survey)
    try:
        answering.enter_response(survey.id, request.form, current_user.id)
    except InvalidRequest as error:
        from app.surveys.questions import form_value

        values = {f"q{q.id}": form_value(q, request.form) for q in survey.questions}
        return _entry_form(survey, values, error.errors or {"channel": error.message}, request.form, 400)
    flash("The response has been saved.", "success")
    return redirect(url_for(".new_response", survey_id=survey.id))


@bp.route("/<int:survey_id>/responses")
@requires("surveys.responses")
def responses(survey_id: int):
    survey = answering.get_survey(survey_id)
    page_number = min(request.args.get("page", 1, type=int) or 1, 100_000)
    query = select(Response).where(Response.survey_id == survey.id).order_by(Response.id.desc())
    identified = survey.mode == "invitation"
    found = db.paginate(query, page=max(1, page_number), per_page=50, error_out=False)
    people = {}
    if identified:
        ids = {r.member_id for r in found.items if r.member_id}
        people = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))} if ids else {}
    numbers = response_numbers(survey.id, [r.id for r in found.items])
    audit.record("view", "survey_responses", survey.id, f"page {found.page}")
    db.session.commit()
    return render_template(
        "surveys/entry/responses.html",
        survey=survey,
        found=found,
        identified=identified,
        people=people,
        numbers=numbers,
        channels=CHANNELS,
    )
