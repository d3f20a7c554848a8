"""Public survey pages: start, page by page with Back links, equality section, check answers, confirmation.

The browser holds the response's key (id and secret) in its session; links by email carry
signed tokens. A bad, old or misplaced link gets a plain page, never an error.
"""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext

from app.errors import InvalidRequest
from app.extensions import limiter
from app.i18n import current_language, offer_only, set_content_language
from app.members.vocab import CONSENT_PURPOSES
from app.surveys import equality_section, flow, localised, respondents
from app.surveys import responses as answering
from app.surveys.models import MODES
from app.surveys.questions import options_of

bp = Blueprint("survey_public", __name__, url_prefix="/surveys")

HONEYPOT = "website"
DONE_KEY = "survey-done"


@bp.context_processor
def _helpers():
    return {"options_of": options_of, "modes": MODES}


def _limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _session_key(survey) -> str:
    return f"survey-{survey.id}"


def _remember(survey, key: answering.Key) -> None:
    session[_session_key(survey)] = key.as_list()


def _key(survey) -> answering.Key | None:
    return answering.Key.from_value(session.get(_session_key(survey)))


def _in_page_language(survey):
    """The survey in the page's language when it has one, offering only the survey's own languages.

    Otherwise the survey's wording stays English (marked so), around the page's own words in the
    chosen language, with a notice saying why.
    """
    shown, offered = localised.for_page(survey, current_language())
    if offered == ["en"]:
        notice = gettext("This survey is in English only")
    elif current_language() not in offered:
        notice = gettext("This survey is not available in this language")
    else:
        notice = ""
    offer_only(offered, notice)
    set_content_language(localised.language_of(shown))
    return shown


def _survey_or_404(slug: str, localise: bool = True):
    survey = answering.find_open_survey(slug)
    if survey is None:
        return None, (render_template("surveys/public/not_found.html"), 404)
    if localise:
        survey = _in_page_language(survey)
    state = answering.availability(survey)
    if state != "open":
        return None, (render_template("surveys/public/closed.html", survey=survey, state=state), 200)
    return survey, None


def _current(survey):
    """The unfinished response this browser is answering, or None."""
    response = answering.response_for_key(survey, _key(survey))
    if response is None or response.completed_at is not None:
        return None
    return response


def _start_again(survey):
    return redirect(url_for(".start", slug=survey.slug))


def _in_progress(slug: str, localise: bool = True):
    """(survey, this browser's response to it, None), or a page to show instead (closed survey, nothing started).

    Without `localise` the survey is as stored, for a request that shows none of its wording.
    """
    survey, refused = _survey_or_404(slug, localise)
    if refused:
        return survey, None, refused
    response = _current(survey)
    if response is None:
        return survey, None, _start_again(survey)
    return survey, response, None


def _join_wording():
    return [(p, CONSENT_PURPOSES[p][1]) for p in respondents.JOIN_PURPOSES]


# ----- starting -----------------------------------------------------------------------------------------


def _start_page(survey, errors=None, form=None, action=None, status=200):
    return (
        render_template(
            "surveys/public/start.html",
            survey=survey,
            errors=errors or {},
            form=form or {},
            action=action or url_for(".start", slug=survey.slug),
            has_progress=_current(survey) is not None,
        ),
        status,
    )


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def start(slug: str):
    survey, refused = _survey_or_404(slug)
    if refused:
        return refused
    if survey.mode == "invitation":
        return render_template("surveys/public/by_invitation.html", survey=survey)
    if request.method in ("GET", "HEAD"):
        return _start_page(survey)
    if request.form.get(HONEYPOT):
        # A bot filled the field people cannot see: answer as if all went well, keep nothing.
        return render_template("surveys/public/done.html", survey=survey, can_follow=False, join=False)
    if request.form.get("action") == "continue" and _current(survey) is not None:
        return redirect(_resume_target(survey, _current(survey)))
    try:
        key = answering.start_response(
            survey.id, request.form.get("consent") == "yes", language=localised.language_of(survey)
        )
    except InvalidRequest as error:
        return _start_page(survey, error.errors or {"consent": error.message}, request.form, status=400)
    _remember(survey, key)
    return redirect(_first_step(survey))


def _first_step(survey) -> str:
    number = flow.first_page(survey)
    if number is None:
        return url_for(".check", slug=survey.slug)
    return url_for(".page", slug=survey.slug, number=number)


def _bad_link(survey=None, status=400):
    return render_template("surveys/public/bad_link.html", survey=survey), status


@bp.route("/<slug>/invited/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def invited(slug: str, token: str):
    survey, refused = _survey_or_404(slug)
    if refused:
        return refused
    if survey.mode != "invitation":
        # Open and anonymous surveys keep no link to the person who was sent the email.
        return _start_again(survey)
    state = answering.invitation_for_token(survey, token)
    if state is None:
        return _bad_link(survey)
    if state.answered:
        return render_template("surveys/public/already_answered.html", survey=survey)
    if state.response is not None:
        key = answering.rekey(state.response.id)
        _remember(survey, key)
        return redirect(_resume_target(survey, state.response))
    action = url_for(".invited", slug=survey.slug, token=token)
    if request.method in ("GET", "HEAD"):
        return _start_page(survey, action=action)
    if request.form.get(HONEYPOT):
        return render_template("surveys/public/done.html", survey=survey, can_follow=False, join=False)
    try:
        key = answering.start_response(
            survey.id,
            request.form.get("consent") == "yes",
            invitation_id=state.invitation.id,
            language=localised.language_of(survey),
        )
    except InvalidRequest as error:
        if error.status == 409:
            return redirect(action)
        return _start_page(survey, error.errors or {"consent": error.message}, request.form, action, 400)
    _remember(survey, key)
    return redirect(_first_step(survey))


def _resume_target(survey, response) -> str:
    answers = answering.answers_of(response)
    reached = response.page_reached or 0
    if reached and reached > flow.page_count(survey):
        return url_for(".check", slug=survey.slug)
    number = reached if reached and flow.page_shown(survey, reached, answers) else None
    number = number or flow.next_page(survey, max(0, reached - 1), answers) or flow.first_page(survey, answers)
    if number is None:
        return url_for(".check", slug=survey.slug)
    return url_for(".page", slug=survey.slug, number=number)


@bp.route("/<slug>/resume/<token>")
def resume(slug: str, token: str):
    survey, refused = _survey_or_404(slug)
    if refused:
        return refused
    key = answering.key_from_resume_token(token)
    response = answering.response_for_key(survey, key)
    if response is None:
        return _bad_link(survey)
    if response.completed_at is not None:
        return render_template("surveys/public/already_answered.html", survey=survey)
    _remember(survey, key)
    return redirect(_resume_target(survey, response))


# ----- answering --------------------------------------------------------------------------------------------


def _back_from(survey, number, answers) -> str:
    previous = flow.previous_page(survey, number, answers)
    if previous is None:
        return url_for(".start", slug=survey.slug)
    return url_for(".page", slug=survey.slug, number=previous)


def _notes(survey, questions, answers) -> dict:
    """Hints for questions that depend on an answer on the same page."""
    from app.surveys.questions import condition_met

    return {
        q.id: flow.condition_text(survey, q.show_if)
        for q in questions
        if q.show_if and not condition_met(q.show_if, answers)
    }


def _page(survey, response, number, answers, values=None, errors=None, status=200):
    page = flow.page_at(survey, number)
    questions = flow.questions_to_show(page, answers)
    if values is None:
        values = {f"q{q.id}": flow.form_shape(q, answers.get(q.id)) for q in questions}
    return (
        render_template(
            "surveys/public/page.html",
            survey=survey,
            page=page,
            number=number,
            progress=flow.progress(survey, number, answers),
            questions=questions,
            values=values,
            errors=errors or {},
            notes=_notes(survey, questions, answers),
            back_url=_back_from(survey, number, answers),
            action=url_for(".page", slug=survey.slug, number=number),
            save_url=url_for(".save", slug=survey.slug),
        ),
        status,
    )


def _after_pages(survey) -> str:
    if survey.include_equality:
        return url_for(".about_you", slug=survey.slug)
    return url_for(".check", slug=survey.slug)


@bp.route("/<slug>/page/<int:number>", methods=["GET", "POST"])
def page(slug: str, number: int):
    # A page sent with good answers goes straight on: its wording is read only to show a page.
    showing = request.method in ("GET", "HEAD")
    survey, response, instead = _in_progress(slug, localise=showing)
    if instead is not None:
        return instead
    answers = answering.answers_of(response)
    if not flow.page_shown(survey, number, answers):
        following = flow.next_page(survey, number, answers)
        return redirect(url_for(".page", slug=slug, number=following) if following else _after_pages(survey))
    if request.method in ("GET", "HEAD"):
        return _page(survey, response, number, answers)
    try:
        following = answering.save_page(response.id, number, request.form)
    except InvalidRequest as error:
        if error.status != 400:
            return _start_again(survey)
        survey = _in_page_language(survey)
        page = flow.page_at(survey, number)
        values = {f"q{q.id}": _submitted(q) for q in page.questions}
        return _page(survey, response, number, answers, values, error.errors, 400)
    if request.form.get("action") == "save":
        return redirect(url_for(".save", slug=slug))
    if following is None:
        return redirect(_after_pages(survey))
    return redirect(url_for(".page", slug=slug, number=following))


def _submitted(question):
    from app.surveys.questions import form_value

    return form_value(question, request.form)


@bp.route("/<slug>/about-you", methods=["GET", "POST"])
def about_you(slug: str):
    survey, response, instead = _in_progress(slug)
    if instead is not None:
        return instead
    if not survey.include_equality:
        return redirect(url_for(".check", slug=slug))
    answers = answering.answers_of(response)
    last = flow.previous_page(survey, flow.page_count(survey) + 1, answers)
    back_url = url_for(".page", slug=slug, number=last) if last else url_for(".start", slug=slug)
    values, errors, status = equality_section.equality_values(response.id), {}, 200
    if request.method == "POST":
        try:
            equality_section.save_equality(response.id, request.form)
        except InvalidRequest as error:
            values, errors, status = request.form, error.errors, 400
        else:
            return redirect(url_for(".check", slug=slug))
    return render_template(
        "surveys/public/equality.html",
        survey=survey,
        questions=equality_section.equality_questions(),
        consent_wording=equality_section.CONSENT_WORDING,
        values=values,
        errors=errors,
        back_url=back_url,
    ), status


@bp.route("/<slug>/check", methods=["GET", "POST"])
def check(slug: str):
    survey, response, instead = _in_progress(slug)
    if instead is not None:
        return instead
    errors, status = {}, 200
    if request.method == "POST":
        try:
            answering.complete(response.id, language=localised.language_of(survey))
        except InvalidRequest as error:
            errors, status = error.errors or {"answers": error.message}, 400
        else:
            session.pop(_session_key(survey), None)
            # Identified surveys may offer to follow the outcome; anonymous ones keep nobody.
            member_id = response.member_id if survey.mode == "invitation" else None
            session[DONE_KEY] = {"s": survey.id, "m": member_id}
            return redirect(url_for(".done", slug=slug))
    answers = answering.answers_of(response)
    from app.surveys.questions import visible_questions

    rows = [
        (q, flow.answer_lines(q, answers.get(q.id)), flow.page_of(survey, q))
        for q in visible_questions(survey, answers)
    ]
    last = flow.previous_page(survey, flow.page_count(survey) + 1, answers)
    if survey.include_equality:
        back_url = url_for(".about_you", slug=slug)
    else:
        back_url = url_for(".page", slug=slug, number=last) if last else url_for(".start", slug=slug)
    return render_template(
        "surveys/public/check.html", survey=survey, rows=rows, errors=errors, back_url=back_url
    ), status


@bp.route("/<slug>/save", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def save(slug: str):
    survey, response, instead = _in_progress(slug)
    if instead is not None:
        return instead
    link = answering.resume_url(survey, _key(survey))
    member_id = response.member_id if survey.mode == "invitation" else None
    errors, sent, status = {}, False, 200
    if request.method == "POST":
        try:
            respondents.email_resume_link(survey, link, request.form.get("email"), member_id)
            sent = True
        except InvalidRequest as error:
            errors, status = error.errors, 400
    return render_template(
        "surveys/public/save.html",
        survey=survey,
        link=link,
        identified=member_id is not None,
        errors=errors,
        sent=sent,
        form=request.form,
    ), status


# ----- after answering ----------------------------------------------------------------------------------


def _done_state(survey):
    data = session.get(DONE_KEY)
    if not isinstance(data, dict) or data.get("s") != survey.id:
        return None
    member_id = data.get("m") if survey.mode == "invitation" else None
    return {"member_id": member_id if isinstance(member_id, int) else None}


@bp.route("/<slug>/done", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def done(slug: str):
    survey = answering.find_open_survey(slug)
    if survey is None:
        return render_template("surveys/public/not_found.html"), 404
    survey = _in_page_language(survey)
    state = _done_state(survey)
    if state is None:
        return _start_again(survey)
    member_id = state["member_id"]
    join = survey.offer_signup and member_id is None
    errors, status = {}, 200
    if request.method == "POST":
        if request.form.get(HONEYPOT):
            session.pop(DONE_KEY, None)
            return render_template("surveys/public/followed.html", survey=survey, joined=True)
        try:
            if member_id is not None:
                if request.form.get("follow") != "yes":
                    raise InvalidRequest("Tick the box.", 400, {"follow": "Tick the box to hear what we did"})
                respondents.follow(survey.id, member_id)
            elif join:
                respondents.join_network(survey.id, request.form)
            else:
                return _start_again(survey)
        except InvalidRequest as error:
            errors, status = error.errors, 400
        else:
            session.pop(DONE_KEY, None)
            return render_template("surveys/public/followed.html", survey=survey, joined=member_id is None)
    return render_template(
        "surveys/public/done.html",
        survey=survey,
        can_follow=member_id is not None,
        join=join,
        errors=errors,
        form=request.form,
        purposes=_join_wording(),
    ), status
