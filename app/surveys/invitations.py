"""Survey invitations and reminders, sent as bulletins.

Inviting makes a draft campaign with survey_id set whose content carries {{ survey_url }};
the communications team sends it from the bulletin pages. What such a campaign adds to a
bulletin (each person's link, the Invitation rows written as its recipients are frozen, the
consent it needs) is the survey invitation kind of message, in app/surveys/message_kind.py.
"""

import logging

from sqlalchemy import func, select

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import audiences
from app.newsletters.models import Audience, Campaign, Delivery
from app.newsletters.rendering import unknown_merge_fields_message
from app.surveys.models import Invitation, Response, Survey
from app.transactions import transactional

log = logging.getLogger(__name__)

FILTER_FIELDS = ("topics", "contact_types", "age_bands", "pcn_ids", "practice_ids")

INVITATION_BODY = """Hello {{ first_name }},

We would like to hear what you think. Please answer our survey: **%(title)s**.

[Answer the survey]({{ survey_url }})

%(closes)s

[Unsubscribe]({{ unsubscribe_url }})
"""

REMINDER_BODY = """Hello {{ first_name }},

There is still time to answer our survey: **%(title)s**. If you have started, the link takes you back to where you left off.

[Answer the survey]({{ survey_url }})

%(closes)s

[Unsubscribe]({{ unsubscribe_url }})
"""


def _closes(survey: Survey) -> str:
    if survey.closes_at is None:
        return ""
    return f"The survey closes on {survey.closes_at.strftime('%-d %B %Y')}."


def default_body(survey: Survey, reminder: bool = False) -> str:
    """Ready-to-send Markdown for an invitation or reminder, with the survey link and unsubscribe link."""
    template = REMINDER_BODY if reminder else INVITATION_BODY
    return template % {"title": survey.title, "closes": _closes(survey)}


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise InvalidRequest("There is no such survey.", 404)
    return survey


def survey_problem(survey_id: int) -> str:
    """Why a bulletin cannot carry this survey's invitations now, or ""."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        return "The survey no longer exists"
    if survey.status != "open" or (survey.closes_at is not None and survey.closes_at <= now()):
        return "The survey is not open"
    return ""


# ----- making the draft bulletins ---------------------------------------------------------------------


def _filters_from(form) -> dict:
    chosen = {name: [v for v in form.getlist(name) if v] for name in FILTER_FIELDS}
    return {name: values for name, values in chosen.items() if values}


def _check_body(body: str, errors: dict) -> None:
    problem = unknown_merge_fields_message(body)
    if problem:
        errors["body_markdown"] = problem
    elif "survey_url" not in body:
        errors["body_markdown"] = "Add {{ survey_url }} so each person gets their link to the survey"
    elif "unsubscribe_url" not in body:
        errors["body_markdown"] = "Add {{ unsubscribe_url }} so people can unsubscribe"


@transactional
def create_invitation(survey_id: int, form, staff_user_id: int | None) -> Campaign:
    """A draft bulletin carrying the survey's links to a saved or newly built audience; nothing is saved if a field is wrong."""
    survey = _survey(survey_id)
    errors: dict = {}
    problem = survey_problem(survey.id)
    if problem:
        raise InvalidRequest("Invitations can only go out while the survey is open.", 409, {"survey": problem})
    subject = (form.get("subject") or "").strip() or f"Have your say: {survey.title}"
    if len(subject) > 200:
        errors["subject"] = "Subject must be 200 characters or fewer"
    body = form.get("body_markdown") or default_body(survey)
    _check_body(body, errors)
    audience_id = form.get("audience_id") or ""
    filters = _filters_from(form)
    audience = None
    if audience_id:
        audience = (
            db.session.get(Audience, int(audience_id)) if audience_id.isdecimal() and len(audience_id) < 10 else None
        )
        if audience is None:
            errors["audience_id"] = "Choose an audience from the list"
    elif filters:
        try:
            cleaned = audiences.clean_filter(filters)
        except InvalidRequest as error:
            errors.update(error.errors)
        else:
            audience = Audience(name=f"Invited to {survey.title}"[:200], kind="segment", filter=cleaned)
    else:
        errors["audience_id"] = "Choose a saved audience, or choose who to invite below"
    if errors:
        raise InvalidRequest("There is a problem with the invitation.", 400, errors)
    if audience.id is None:
        db.session.add(audience)
        db.session.flush()
    campaign = Campaign(
        name=f"Survey invitation: {survey.title}"[:200],
        subject=subject,
        body_markdown=body,
        audience_id=audience.id,
        survey_id=survey.id,
        created_by_id=staff_user_id,
    )
    db.session.add(campaign)
    db.session.flush()
    log.info("survey %s invitation campaign %s drafted", survey.id, campaign.id)
    return campaign


@transactional
def create_reminder(survey_id: int, staff_user_id: int | None) -> Campaign:
    """A draft bulletin to invited members who have not finished the survey."""
    survey = _survey(survey_id)
    if survey.mode != "invitation":
        raise InvalidRequest(
            "Reminders go only to people who have not answered, which needs a survey by invitation.", 409
        )
    problem = survey_problem(survey.id)
    if problem:
        raise InvalidRequest("Reminders can only go out while the survey is open.", 409, {"survey": problem})
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.survey_id == survey.id, Invitation.completed_at.is_(None))
    )
    if not waiting:
        raise InvalidRequest("Everyone invited has answered, or nobody has been invited yet.", 409)
    audience = Audience(
        name=f"Not yet answered {survey.title}"[:200], kind="segment", filter={"survey_not_answered": [survey.id]}
    )
    db.session.add(audience)
    db.session.flush()
    campaign = Campaign(
        name=f"Survey reminder: {survey.title}"[:200],
        subject=f"Reminder: have your say on {survey.title}"[:200],
        body_markdown=default_body(survey, reminder=True),
        audience_id=audience.id,
        survey_id=survey.id,
        created_by_id=staff_user_id,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


# ----- figures ----------------------------------------------------------------------------------------


def counts(survey: Survey) -> dict[str, int]:
    """Invited, started and completed: from invitations for a survey by invitation, else from responses."""
    if survey.mode == "invitation":
        row = db.session.execute(
            select(
                func.count(),
                func.count(Invitation.started_at),
                func.count(Invitation.completed_at),
            ).where(Invitation.survey_id == survey.id)
        ).one()
        return {"invited": row[0], "started": row[1], "completed": row[2]}
    invited = db.session.scalar(
        select(func.count(func.distinct(Delivery.member_id)))
        .join(Campaign, Campaign.id == Delivery.campaign_id)
        .where(Campaign.survey_id == survey.id)
    )
    row = db.session.execute(
        select(func.count(), func.count(Response.completed_at)).where(Response.survey_id == survey.id)
    ).one()
    return {"invited": int(invited or 0), "started": row[0], "completed": row[1]}


def campaigns_for(survey_id: int) -> list[Campaign]:
    """The bulletins that carry this survey's invitations and reminders, newest first."""
    return list(
        db.session.scalars(
            select(Campaign).where(Campaign.survey_id == survey_id).order_by(Campaign.created_at.desc(), Campaign.id)
        )
    )
