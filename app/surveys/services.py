"""Surveys: reading them, their settings, and their lifecycle (draft -> open -> closed, reopened, duplicated).

Pages and questions are built in app/surveys/builder.py and saved questions live in
app/surveys/bank.py. Every write here is one transaction and is written to the audit log.
"""

import secrets
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import func

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.surveys.models import MODES, Question, Response, Survey, SurveyPage
from app.transactions import transactional

TITLE_MAX = 200
CONSENT_MAX = 500
TARGET_MAX = 1_000_000


# ----- reading -------------------------------------------------------------


def get_survey(survey_id: int) -> Survey | None:
    """The survey with this id, or None."""
    return db.session.get(Survey, survey_id)


def get_by_slug(slug: str) -> Survey | None:
    """The survey at this public address, or None."""
    if not slug or len(slug) > 40:
        return None
    return db.session.scalar(db.select(Survey).where(Survey.slug == slug))


@dataclass
class SurveyRow:
    survey: Survey
    responses: int


def list_surveys() -> list[SurveyRow]:
    """Every survey, newest first, each with its number of completed responses (one query for the counts)."""
    surveys = list(db.session.scalars(db.select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())))
    counts = dict(
        db.session.execute(
            db.select(Response.survey_id, func.count())
            .where(Response.completed_at.is_not(None))
            .group_by(Response.survey_id)
        ).all()
    )
    return [SurveyRow(survey, counts.get(survey.id, 0)) for survey in surveys]


def response_count(survey: Survey) -> int:
    """Completed responses to a survey."""
    return db.session.scalar(
        db.select(func.count()).where(Response.survey_id == survey.id, Response.completed_at.is_not(None))
    )


def has_responses(survey: Survey) -> bool:
    """Whether anyone has started answering (completed or not)."""
    return db.session.scalar(db.select(Response.id).where(Response.survey_id == survey.id).limit(1)) is not None


def is_accepting(survey: Survey, at: datetime | None = None) -> bool:
    """Whether the survey takes responses at `at` (now by default): open, and within its dates."""
    at = at or now()
    if survey.status != "open":
        return False
    if survey.opens_at is not None and at < survey.opens_at:
        return False
    return not (survey.closes_at is not None and at >= survey.closes_at)


def status_text(survey: Survey, at: datetime | None = None) -> str:
    """The survey's state as staff would say it."""
    at = at or now()
    if survey.status == "open":
        if survey.opens_at is not None and at < survey.opens_at:
            return "Published, opens " + survey.opens_at.strftime("%-d %B %Y %H:%M")
        if survey.closes_at is not None and at >= survey.closes_at:
            return "Published, close date passed"
        return "Open"
    return survey.status.capitalize()


# ----- settings ------------------------------------------------------------


@dataclass
class SurveyInput:
    title: str = ""
    introduction: str = ""
    mode: str = "open"
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    target_responses: int | None = None
    privacy_notice: str = ""
    consent_question: str = ""
    include_equality: bool = False
    thank_you: str = ""
    offer_signup: bool = True


def settings_of(survey: Survey) -> SurveyInput:
    """A survey's current settings, to change and save again."""
    return SurveyInput(**{f.name: getattr(survey, f.name) for f in fields(SurveyInput)})


def settings_errors(data: SurveyInput, survey: Survey | None = None) -> dict[str, str]:
    """Every problem with a survey's settings, by field; empty when they can be saved."""
    errors = {}
    data.title = " ".join((data.title or "").split())
    data.introduction = (data.introduction or "").strip()
    data.privacy_notice = (data.privacy_notice or "").strip()
    data.consent_question = " ".join((data.consent_question or "").split())
    data.thank_you = (data.thank_you or "").strip()
    if not data.title:
        errors["title"] = "Enter a title for the survey"
    elif len(data.title) > TITLE_MAX:
        errors["title"] = f"The title must be {TITLE_MAX} characters or fewer"
    if data.mode not in MODES:
        errors["mode"] = "Choose who can answer"
    elif survey is not None and data.mode != survey.mode and has_responses(survey):
        errors["mode"] = (
            "Who can answer cannot change once responses are in: people answered on the terms shown to them"
        )
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        errors["closes_at"] = "The close date must be after the open date"
    if data.target_responses is not None and not 1 <= data.target_responses <= TARGET_MAX:
        errors["target_responses"] = f"Enter a whole number from 1 to {TARGET_MAX:,}, or leave it blank"
    if len(data.consent_question) > CONSENT_MAX:
        errors["consent_question"] = f"The consent question must be {CONSENT_MAX} characters or fewer"
    return errors


def _apply(survey: Survey, data: SurveyInput) -> None:
    for f in fields(SurveyInput):
        setattr(survey, f.name, getattr(data, f.name))
    survey.include_equality = bool(data.include_equality)
    survey.offer_signup = bool(data.offer_signup)
    survey.updated_at = now()


def new_slug() -> str:
    """A random public address no other survey has."""
    while True:
        slug = secrets.token_urlsafe(9)
        if get_by_slug(slug) is None:
            return slug


@transactional
def create_survey(data: SurveyInput, staff_user_id: int | None = None) -> Survey:
    """A new draft with a random public address and one empty page; bad settings save nothing."""
    errors = settings_errors(data)
    if errors:
        raise InvalidRequest("There is a problem with the survey details.", 400, errors)
    survey = Survey(slug=new_slug(), status="draft", created_by_id=staff_user_id)
    _apply(survey, data)
    db.session.add(survey)
    db.session.flush()
    db.session.add(SurveyPage(survey_id=survey.id, position=1, title=""))
    audit.record("create", "survey", survey.id)
    return survey


@transactional
def update_settings(survey: Survey, data: SurveyInput) -> Survey:
    """Change a survey's settings, all or none; who can answer is fixed once responses are in."""
    errors = settings_errors(data, survey)
    if errors:
        raise InvalidRequest("There is a problem with the survey details.", 400, errors)
    _apply(survey, data)
    audit.record("change", "survey", survey.id, "settings")
    return survey


# ----- lifecycle -----------------------------------------------------------


def _visible_question_count(survey: Survey) -> int:
    return db.session.scalar(db.select(func.count()).where(Question.survey_id == survey.id, Question.hidden.is_(False)))


def _refuse(message: str, field: str = "status", status: int = 409):
    raise InvalidRequest(message, status, {field: message})


def _check_dates_ahead(survey: Survey, doing: str) -> None:
    if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
        _refuse(f"The close date must be after the open date. Change the dates, then {doing}.", "closes_at")
    if survey.closes_at and survey.closes_at <= now():
        _refuse(f"The close date has passed. Set a later close date, then {doing}.", "closes_at")


@transactional
def publish(survey: Survey) -> Survey:
    """Open a draft for responses: it needs a question to answer and a close date after its open date."""
    if survey.status != "draft":
        _refuse("Only a draft can be published.")
    if _visible_question_count(survey) == 0:
        _refuse("Add at least one question before publishing.")
    _check_dates_ahead(survey, "publish")
    survey.status = "open"
    survey.published_at = now()
    survey.updated_at = now()
    audit.record("change", "survey", survey.id, "published")
    return survey


@transactional
def close(survey: Survey) -> Survey:
    """Stop taking responses now."""
    if survey.status != "open":
        _refuse("Only an open survey can be closed.")
    survey.status = "closed"
    survey.closed_at = now()
    survey.updated_at = now()
    audit.record("change", "survey", survey.id, "closed")
    return survey


@transactional
def reopen(survey: Survey) -> Survey:
    """Take responses again after closing; the close date must still be ahead."""
    if survey.status != "closed":
        _refuse("Only a closed survey can be reopened.")
    _check_dates_ahead(survey, "reopen the survey")
    survey.status = "open"
    survey.closed_at = None
    survey.updated_at = now()
    audit.record("change", "survey", survey.id, "reopened")
    return survey


COPIED = (
    "introduction",
    "mode",
    "target_responses",
    "privacy_notice",
    "consent_question",
    "include_equality",
    "thank_you",
    "offer_signup",
)


@transactional
def duplicate(survey: Survey, staff_user_id: int | None = None) -> Survey:
    """A new draft with its own address and copies of every page and question (skip logic pointing at the copies), and no responses."""
    copy = Survey(
        title=f"Copy of {survey.title}"[:TITLE_MAX],
        slug=new_slug(),
        status="draft",
        created_by_id=staff_user_id,
        **{name: getattr(survey, name) for name in COPIED},
    )
    db.session.add(copy)
    db.session.flush()
    pages = list(db.session.scalars(db.select(SurveyPage).where(SurveyPage.survey_id == survey.id)))
    questions = list(db.session.scalars(db.select(Question).where(Question.survey_id == survey.id)))
    new_pages, new_questions = {}, {}
    for page in pages:
        new_pages[page.id] = SurveyPage(survey_id=copy.id, position=page.position, title=page.title)
        db.session.add(new_pages[page.id])
    db.session.flush()
    for question in questions:
        new_questions[question.id] = Question(
            survey_id=copy.id,
            page_id=new_pages[question.page_id].id,
            position=question.position,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            options=[dict(o) for o in question.options or []],
            rows=[dict(r) for r in question.rows or []],
            settings=dict(question.settings or {}),
            hidden=question.hidden,
        )
        db.session.add(new_questions[question.id])
    db.session.flush()

    def remap(condition):
        source = new_questions.get((condition or {}).get("question_id"))
        return {**condition, "question_id": source.id, "values": list(condition.get("values") or [])} if source else {}

    for page in pages:
        new_pages[page.id].show_if = remap(page.show_if)
    for question in questions:
        new_questions[question.id].show_if = remap(question.show_if)
    audit.record("create", "survey", copy.id, f"copied from survey {survey.id}")
    return copy
