"""Answering a survey: starting a response, saving it page by page, resuming by link, completing it.

A respondent's browser holds (response id, secret); only the secret's sha256 is stored, in
resume_hash, so the resume link is the one thing that leads back to an unfinished response.
A response to an anonymous survey never has a member or an invitation, whichever way it
was started.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import tokens
from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.i18n import DEFAULT as DEFAULT_LANGUAGE
from app.i18n import LANGUAGES
from app.surveys import flow, structure
from app.surveys.equality_section import check_equality
from app.surveys.models import CHANNELS, Answer, Invitation, Response, ResponseEquality, Survey
from app.surveys.questions import condition_met, is_empty, visible_questions
from app.transactions import transactional

log = logging.getLogger(__name__)

RESUME_MAX_AGE_DEFAULT = 90 * 24 * 3600
INVITATION_MAX_AGE_DEFAULT = 180 * 24 * 3600


# ----- finding surveys ------------------------------------------------------------------------------


def find_open_survey(slug: str) -> Survey | None:
    """The published survey at this public address (open, closed or not yet open), or None."""
    if not slug or len(slug) > 40:
        return None
    # Its pages and questions come with it: the public pages walk them on every request.
    survey = structure.by_slug(slug)
    if survey is None or survey.status == "draft":
        return None
    return survey


def get_survey(survey_id: int) -> Survey:
    """The survey with this id, or a 404 InvalidRequest."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise InvalidRequest("There is no such survey.", 404)
    return survey


def availability(survey: Survey) -> str:
    """Whether the survey takes answers now: open, not_yet (opens later) or closed."""
    moment = now()
    if survey.status == "closed" or (survey.closes_at is not None and survey.closes_at <= moment):
        return "closed"
    if survey.status != "open":
        return "closed"
    if survey.opens_at is not None and survey.opens_at > moment:
        return "not_yet"
    return "open"


def _require_open(survey: Survey) -> None:
    if availability(survey) != "open":
        raise InvalidRequest("This survey is not taking answers now.", 409)


# ----- the respondent's key -------------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Key:
    """What the respondent's browser holds: the response id and its secret."""

    response_id: int
    secret: str

    def as_list(self) -> list:
        return [self.response_id, self.secret]

    @classmethod
    def from_value(cls, value) -> "Key | None":
        if (
            isinstance(value, list | tuple)
            and len(value) == 2
            and isinstance(value[0], int)
            and isinstance(value[1], str)
        ):
            return cls(value[0], value[1])
        return None


def response_for_key(survey: Survey, key: "Key | None") -> Response | None:
    """The response a key opens, if the secret matches and it belongs to this survey."""
    if key is None:
        return None
    response = structure.response_with_answers(key.response_id)
    if response is None or response.survey_id != survey.id or not response.resume_hash:
        return None
    if not hmac.compare_digest(response.resume_hash, _hash(key.secret)):
        return None
    return response


def resume_token(key: Key) -> str:
    """A signed resume token carrying the response id and its secret."""
    return tokens.sign("resume", key.as_list())


def resume_url(survey: Survey, key: Key) -> str:
    """The absolute link that reopens an unfinished response, for the page and for email."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return f"{base}/surveys/{survey.slug}/resume/{resume_token(key)}"


def key_from_resume_token(token: str) -> Key | None:
    """The key in a resume link, or None when it is forged, damaged or too old."""
    max_age = current_app.config.get("SURVEY_RESUME_MAX_AGE", RESUME_MAX_AGE_DEFAULT)
    try:
        return Key.from_value(tokens.verify("resume", token, max_age=max_age))
    except tokens.BadToken:
        return None


# ----- starting -------------------------------------------------------------------------------------


def stamp(survey):
    """When something happened to a response: for an anonymous survey only the day, so that times
    cannot be matched with anything else (a sign-up, a log line) to find who answered."""
    moment = now()
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) if survey.anonymous else moment


@transactional
def start_response(
    survey_id: int, consented: bool, invitation_id: int | None = None, language: str = DEFAULT_LANGUAGE
) -> Key:
    """A new online response, kept with the language its questions are shown in; anonymous surveys
    keep no member or invitation on it, ever."""
    survey = get_survey(survey_id)
    _require_open(survey)
    if survey.consent_question and not consented:
        raise InvalidRequest("Agree to take part to start.", 400, {"consent": "Tick the box to agree to take part"})
    secret = secrets.token_urlsafe(24)
    response = Response(
        survey_id=survey.id,
        channel="online",
        resume_hash=_hash(secret),
        consented=bool(consented),
        page_reached=0,
        started_at=stamp(survey),
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
    )
    if invitation_id is not None and survey.mode == "invitation":
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None or invitation.survey_id != survey.id:
            raise InvalidRequest("This invitation is not for this survey.", 400)
        response.member_id = invitation.member_id
        response.invitation_id = invitation.id
        invitation.started_at = invitation.started_at or now()
    elif survey.mode == "invitation":
        raise InvalidRequest("This survey is by invitation only.", 403)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        # Two clicks on one invitation link: the first response stands.
        raise InvalidRequest("This invitation has already been used.", 409) from None
    if survey.anonymous:
        log.info("survey %s: a response started", survey.id)
    else:
        log.info("survey %s response %s started", survey.id, response.id)
    return Key(response.id, secret)


# ----- answers --------------------------------------------------------------------------------------


def answers_of(response: Response) -> dict:
    """{question_id: value} of a response."""
    return {a.question_id: a.value for a in response.answers}


@transactional
def save_page(response_id: int, number: int, form) -> int | None:
    """Save one page's answers, all or nothing; returns the next page's number (None at the end).

    Answers to questions that skip logic now hides are removed.
    """
    response = _unfinished(response_id)
    survey = structure.load(get_survey(response.survey_id))
    _require_open(survey)
    page = flow.page_at(survey, number)
    answers = answers_of(response)
    if page is None or not condition_met(page.show_if, answers):
        raise InvalidRequest("This page is not part of your answers.", 404)
    on_page = {q.id for q in page.questions}
    before = {qid: v for qid, v in answers.items() if qid not in on_page}
    values, errors = flow.check_questions(page.questions, form, before)
    if errors:
        raise InvalidRequest("There is a problem with your answers.", 400, errors)
    merged = before | {qid: v for qid, v in values.items() if v is not None}
    following = flow.next_page(survey, number, merged)
    # Everything is worked out before the first write, so the database is written to (and, on
    # SQLite, locked for writing) only for the few statements that store the page.
    response.page_reached = max(response.page_reached, following or flow.page_count(survey) + 1)
    _write_answers(response, merged)
    return following


def _write_answers(response: Response, answers: dict) -> None:
    """Make the stored answers exactly `answers`, minus any question the skip logic hides."""
    survey = db.session.get(Survey, response.survey_id)
    shown = {q.id for q in visible_questions(survey, answers)}
    keep = {qid: v for qid, v in answers.items() if qid in shown and not is_empty(v)}
    existing = {a.question_id: a for a in response.answers}
    for qid, answer in existing.items():
        if qid not in keep:
            response.answers.remove(answer)
            db.session.delete(answer)
        elif answer.value != keep[qid]:
            answer.value = keep[qid]
    db.session.flush()
    added = [
        {"response_id": response.id, "question_id": qid, "value": value}
        for qid, value in keep.items()
        if qid not in existing
    ]
    if added:
        # One statement for the new answers; the collection is read again if anything asks for it.
        db.session.execute(insert(Answer), added)
        db.session.expire(response, ["answers"])


def _unfinished(response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None:
        raise InvalidRequest("There is no such response.", 404)
    if response.completed_at is not None:
        raise InvalidRequest("You have already sent your answers.", 409)
    return response


def missing_answers(survey: Survey, answers: dict) -> dict[str, str]:
    """{field: message} for each required question on the respondent's path left unanswered."""
    missing = {}
    for question in visible_questions(survey, answers):
        if question.required and is_empty(answers.get(question.id)):
            missing[f"q{question.id}"] = f"Answer “{question.text}”"
    return missing


@transactional
def complete(response_id: int, language: str | None = None) -> Response:
    """Mark a response complete once every required question on its path is answered and consent given.

    `language`: the one the answers were checked and sent in, when the respondent changed language on the way.
    """
    response = _unfinished(response_id)
    survey = structure.load(get_survey(response.survey_id))
    _require_open(survey)
    errors = missing_answers(survey, answers_of(response))
    if survey.consent_question and not response.consented:
        errors["consent"] = "Agree to take part before sending your answers"
    if errors:
        raise InvalidRequest("Some questions still need an answer.", 400, errors)
    moment = stamp(survey)
    finished = {"completed_at": moment}
    if language in LANGUAGES:
        finished["language"] = language
    done = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.completed_at.is_(None))
        .values(**finished)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise InvalidRequest("You have already sent your answers.", 409)
    if response.invitation_id is not None:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == response.invitation_id)
            .values(completed_at=moment)
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(response)
    if survey.anonymous:
        log.info("survey %s: a response completed", survey.id)
    else:
        log.info("survey %s response %s completed", survey.id, response.id)
    return response


# ----- invitations ----------------------------------------------------------------------------------


def survey_token(survey_id: int, member_id: int) -> str:
    """One member's invitation token for one survey (ids only)."""
    return tokens.sign("survey", [survey_id, member_id])


@dataclass
class InvitationState:
    invitation: Invitation
    response: Response | None

    @property
    def answered(self) -> bool:
        return self.response is not None and self.response.completed_at is not None


def invitation_for_token(survey: Survey, token: str) -> InvitationState | None:
    """The invitation a link carries, or None when it is forged, too old, or for another survey."""
    max_age = current_app.config.get("SURVEY_INVITATION_MAX_AGE", INVITATION_MAX_AGE_DEFAULT)
    try:
        data = tokens.verify("survey", token, max_age=max_age)
    except tokens.BadToken:
        return None
    if not (isinstance(data, list) and len(data) == 2 and all(type(v) is int for v in data)):
        return None
    survey_id, member_id = data
    if survey_id != survey.id or survey.mode != "invitation":
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.survey_id == survey.id, Invitation.member_id == member_id)
    )
    if invitation is None:
        return None
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    return InvitationState(invitation, response)


@transactional
def rekey(response_id: int) -> Key:
    """A fresh secret for a response (the old resume link stops working); used when an invitation link resumes it."""
    response = _unfinished(response_id)
    secret = secrets.token_urlsafe(24)
    response.resume_hash = _hash(secret)
    return Key(response.id, secret)


# ----- staff entry of paper and telephone responses ---------------------------------------------------


def check_all(survey: Survey, form) -> tuple[dict, dict]:
    """Every answer on the path the answers themselves choose, checked page by page, with errors."""
    known: dict = {}
    errors: dict = {}
    for page in survey.pages:
        if not condition_met(page.show_if, known):
            continue
        values, page_errors = flow.check_questions(page.questions, form, known)
        errors.update(page_errors)
        known.update({qid: v for qid, v in values.items() if v is not None})
    return known, errors


def _invitation_for_entry(survey: Survey, address: str, errors: dict) -> tuple[Invitation | None, Response | None]:
    """The unanswered invitation of the person whose address staff typed, for an invitation survey,
    and the response they started online and never finished, if any."""
    address = (address or "").strip()
    if survey.mode != "invitation" or not address:
        return None, None
    from app.members import services as members
    from app.validation import FieldError, normalise_email

    try:
        member = members.find_by_email(normalise_email(address))
    except FieldError as exc:
        errors["invited_email"] = str(exc)
        return None, None
    invitation = None
    if member is not None:
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.survey_id == survey.id, Invitation.member_id == member.id)
        )
    if invitation is None:
        errors["invited_email"] = "Nobody with that email address was invited to this survey"
        return None, None
    online = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if online is not None and online.completed_at is not None:
        errors["invited_email"] = "This person has already answered: their invitation was used"
        return None, None
    return invitation, online


@transactional
def enter_response(survey_id: int, form, staff_user_id: int | None) -> Response:
    """A complete paper or telephone response typed in by staff, checked like an online one; all or nothing."""
    survey = get_survey(survey_id)
    if survey.status == "draft":
        raise InvalidRequest("Publish the survey before entering responses.", 409)
    errors = {}
    channel = form.get("channel", "")
    if channel not in CHANNELS or channel == "online":
        errors["channel"] = "Choose how the response reached you: paper or telephone"
    consented = form.get("consent") == "yes"
    if survey.consent_question and not consented:
        errors["consent"] = "Confirm the respondent agreed to take part"
    invitation, online = _invitation_for_entry(survey, form.get("invited_email", ""), errors)
    answers, answer_errors = check_all(survey, form)
    errors.update(answer_errors)
    equality_answers = {}
    if survey.include_equality:
        equality_answers, equality_errors = check_equality(form)
        errors.update(equality_errors)
    if errors:
        raise InvalidRequest("There is a problem with the response.", 400, errors)
    # Started online and never finished: the complete answers on paper take its place, in the
    # same row, so the response keeps the number staff may already have seen.
    response = online or Response(survey_id=survey.id)
    response.channel = channel
    response.entered_by_id = staff_user_id
    response.consented = consented or not survey.consent_question
    response.page_reached = flow.page_count(survey) + 1
    response.resume_hash = ""
    response.started_at = stamp(survey)
    response.completed_at = stamp(survey)
    if invitation is not None:
        response.member_id, response.invitation_id = invitation.member_id, invitation.id
        invitation.started_at = invitation.started_at or now()
        invitation.completed_at = now()
    db.session.add(response)
    db.session.flush()
    if online is not None:
        db.session.execute(delete(ResponseEquality).where(ResponseEquality.response_id == online.id))
    _write_answers(response, answers)
    if any(equality_answers.values()):
        db.session.add(ResponseEquality(response_id=response.id, **{k: v or None for k, v in equality_answers.items()}))
    audit.record("create", "survey_response", response.id, f"{channel} response to survey {survey.id}")
    log.info("survey %s response %s entered by staff user %s", survey.id, response.id, staff_user_id)
    return response
