"""A survey invitation (or reminder) as a kind of bulletin.

A campaign with survey_id set is one. It needs the recipients' consent to be asked about
surveys, and its content carries {{ survey_url }}: for a survey by invitation each
recipient's own signed [survey id, member id], for open and anonymous surveys the public
link, so nothing in the email ties an answer to the person it was sent to. When its
recipients are frozen, an Invitation is written for each in the same transaction.
Any audience may pick members who were invited and have not finished a survey, or who
asked to hear its outcome. Registered when the app is created (app/__init__.py).
"""

import logging

from flask import current_app
from sqlalchemy import exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import tokens
from app.clock import now
from app.extensions import db
from app.members.models import Member
from app.newsletters import audiences, kinds, rendering
from app.surveys.invitations import survey_problem
from app.surveys.models import Follower, Invitation, Survey

log = logging.getLogger(__name__)

LINK = "survey_url"


# ----- links in the email -----------------------------------------------------------------------------


def _public_url(survey: Survey) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/surveys/{survey.slug}"


def survey_urls(survey_id: int, member_ids: list[int]) -> list[str]:
    """Each recipient's survey link: their own signed invitation, or the public link for open and anonymous surveys."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        return [""] * len(member_ids)
    base = _public_url(survey)
    if survey.mode != "invitation":
        return [base] * len(member_ids)
    signed = tokens.sign_many("survey", [[survey.id, m] for m in member_ids])
    return [f"{base}/invited/{token}" for token in signed]


def sample_survey_url(survey_id: int) -> str:
    """A link for previews and test sends: the survey's start page, nobody's invitation."""
    survey = db.session.get(Survey, survey_id)
    return _public_url(survey) if survey else ""


def _checks(campaign, body: str) -> list[tuple[str, bool, str]]:
    """A survey invitation carries each person's link, and only while the survey is open."""
    if LINK not in rendering.merge_names(body):
        return [("Survey link", False, "Add {{ survey_url }} so each person gets their link to the survey")]
    problem = survey_problem(campaign.survey_id)
    return [("Survey link", not problem, problem)]


# ----- recording who was invited --------------------------------------------------------------------


def record_invitations(survey_id: int, campaign_id: int, recipients) -> int:
    """Within the send's transaction: an Invitation for every frozen recipient (a SELECT of member ids)
    not yet invited, and last_reminded_at for those who were. Returns the number of new invitations."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.mode != "invitation":
        return 0
    moment = now()
    db.session.execute(
        update(Invitation)
        .where(Invitation.survey_id == survey_id, Invitation.member_id.in_(recipients))
        .values(last_reminded_at=moment)
        .execution_options(synchronize_session=False)
    )
    frozen = recipients.subquery()
    new = select(
        literal(survey_id), frozen.c.member_id, literal(campaign_id), literal(moment, type_=db.DateTime)
    ).where(~exists().where(Invitation.survey_id == survey_id, Invitation.member_id == frozen.c.member_id))
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Invitation)
        .from_select(["survey_id", "member_id", "campaign_id", "created_at"], new)
        .on_conflict_do_nothing()
    )
    added = db.session.execute(statement).rowcount
    log.info("campaign %s invited %s members to survey %s", campaign_id, added, survey_id)
    return added


# ----- audiences --------------------------------------------------------------------------------------


def _surveys(values: list) -> list[int]:
    ids = audiences.record_ids(values, "Choose a survey")
    found = db.session.scalar(select(func.count()).select_from(Survey).where(Survey.id.in_(ids)))
    if found != len(ids):
        raise ValueError("Choose a survey")
    return ids


def _not_answered(survey_ids: list[int]):
    return exists().where(
        Invitation.member_id == Member.id,
        Invitation.survey_id.in_(survey_ids),
        Invitation.completed_at.is_(None),
    )


def _followers(survey_ids: list[int]):
    return exists().where(Follower.member_id == Member.id, Follower.survey_id.in_(survey_ids))


SURVEY_INVITATION = kinds.register(
    kinds.MessageKind(
        name="survey_invitation",
        label="survey invitations",
        claims=lambda campaign: campaign.survey_id is not None,
        # Consent to be asked about surveys, not to the e-bulletin.
        purpose="surveys",
        purpose_label="People who agreed to be invited to surveys",
        merge_fields={LINK: "The recipient's link to the survey (survey invitations and reminders only)"},
        elsewhere=("Survey link", "Only a survey invitation can carry {{ survey_url }}"),
        fill=lambda campaign, member_ids: {LINK: survey_urls(campaign.survey_id, member_ids)},
        samples=lambda campaign: {LINK: sample_survey_url(campaign.survey_id)},
        checks=_checks,
        # Members invited to a survey who have not finished it (reminders), and members who
        # asked to hear its outcome ("you said, we did").
        audience_sources=(
            kinds.AudienceSource(
                "survey_not_answered", "Invited to these surveys, not finished", _surveys, _not_answered
            ),
            kinds.AudienceSource("survey_followers", "Asked to hear these surveys' outcomes", _surveys, _followers),
        ),
        # Invited exactly when the recipients are frozen, so never one without the other.
        on_freeze=lambda campaign, recipients: record_invitations(campaign.survey_id, campaign.id, recipients),
    )
)
