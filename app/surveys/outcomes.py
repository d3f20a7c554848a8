"""“We asked, you said, we did”: the outcome of a closed survey, the public list of past consultations,
and a draft bulletin telling the people who asked to hear what came of it.
"""

from flask import current_app, url_for
from sqlalchemy import func, select

from app.audit import services as audit_log
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import audiences, campaigns
from app.surveys.models import Follower, Survey
from app.transactions import transactional

OUTCOME_FIELDS = {
    "we_asked": "We asked",
    "you_said": "You said",
    "we_did": "We did",
}
OUTCOME_MAX = 20_000


def _clean(data: dict) -> dict:
    clean, errors = {}, {}
    for name, label in OUTCOME_FIELDS.items():
        value = (data.get(name) or "").replace("\r\n", "\n").strip()
        if len(value) > OUTCOME_MAX:
            errors[name] = f"“{label}” must be {OUTCOME_MAX:,} characters or fewer"
        clean[name] = value
    if errors:
        raise InvalidRequest("There is a problem with the outcome.", 400, errors)
    return clean


@transactional
def save_outcome(survey: Survey, data: dict) -> Survey:
    """The outcome text saved; a published outcome stays published with the new text."""
    clean = _clean(data)
    if survey.outcome_published_at is not None:
        _check_complete(clean)
    for name, value in clean.items():
        setattr(survey, name, value)
    audit_log.record("change", "survey", survey.id, "outcome saved")
    return survey


def _check_complete(clean: dict) -> None:
    errors = {
        name: f"Enter what {label.lower()}" if name != "we_asked" else "Enter what we asked"
        for name, label in OUTCOME_FIELDS.items()
        if not clean[name]
    }
    if errors:
        raise InvalidRequest("A published outcome needs all three parts.", 400, errors)


@transactional
def publish_outcome(survey: Survey, data: dict) -> Survey:
    """The outcome saved and shown on the public consultations page; only for a closed survey with all three parts."""
    if survey.status != "closed":
        message = "Close the survey before publishing its outcome"
        raise InvalidRequest(message + ".", 400, {"we_asked": f"{message} (it is {survey.status} now)"})
    clean = _clean(data)
    _check_complete(clean)
    for name, value in clean.items():
        setattr(survey, name, value)
    survey.outcome_published_at = survey.outcome_published_at or now()
    audit_log.record("change", "survey", survey.id, "outcome published")
    return survey


@transactional
def unpublish_outcome(survey: Survey) -> Survey:
    """The outcome is taken off the public page; its text is kept."""
    survey.outcome_published_at = None
    audit_log.record("change", "survey", survey.id, "outcome unpublished")
    return survey


def past_consultations() -> list[Survey]:
    """Surveys whose outcome is published, most recent first."""
    query = (
        select(Survey)
        .where(Survey.outcome_published_at.is_not(None))
        .order_by(Survey.outcome_published_at.desc(), Survey.id.desc())
    )
    return list(db.session.scalars(query))


def published(slug: str) -> Survey:
    """The survey with a published outcome at this address, or a 404."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug, Survey.outcome_published_at.is_not(None)))
    if survey is None:
        raise InvalidRequest("There is no published consultation at this address.", 404)
    return survey


def follower_count(survey: Survey) -> int:
    """How many members asked to hear the outcome (for the team; not published)."""
    return db.session.scalar(select(func.count()).select_from(Follower).where(Follower.survey_id == survey.id))


def bulletin_body(survey: Survey) -> str:
    """The outcome as bulletin Markdown, with the merge fields every bulletin carries."""
    link = current_app.config["PUBLIC_BASE_URL"] + url_for("consultations.show", slug=survey.slug)
    parts = [
        "Hello {{ first_name }},",
        f"You asked to hear what came of our consultation “{survey.title}”. Thank you for taking part.",
    ]
    for name, label in OUTCOME_FIELDS.items():
        parts += [f"## {label}", getattr(survey, name)]
    parts += [
        f"[Read the outcome on our website]({link})",
        "[Change your preferences]({{ preferences_url }}) or [unsubscribe]({{ unsubscribe_url }}).",
    ]
    return "\n\n".join(parts)


def _followers_audience(survey: Survey):
    wanted = {"survey_followers": [survey.id]}
    for audience in audiences.list_audiences():
        if audience.filter == wanted:
            return audience
    return audiences.save_audience(f"Asked to hear the outcome: {survey.title}"[:200], wanted, "segment")


def outcome_bulletin(survey: Survey, staff_user_id: int | None = None):
    """A draft bulletin carrying the published outcome, addressed to the survey's followers, for the comms team to send.

    The audience is reused if one with the same filter exists, so asking twice makes a second draft, not a second list.
    """
    if survey.outcome_published_at is None:
        raise InvalidRequest("Publish the outcome before sending it to participants.", 400)
    audience = _followers_audience(survey)
    campaign = campaigns.save_campaign(
        {
            "name": f"Outcome: {survey.title}"[:200],
            "subject": f"What we did after “{survey.title}”"[:200],
            "body_markdown": bulletin_body(survey),
            "audience_id": audience.id,
        },
        staff_user_id=staff_user_id,
    )
    audit_log.record("create", "campaign", campaign.id, f"outcome of survey {survey.id}")
    db.session.commit()
    return campaign
