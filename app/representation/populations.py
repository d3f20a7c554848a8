"""Groups that can be audited beyond the whole membership: a roster's members, a bulletin's readers.

Each returns a SELECT of member ids; the audit only ever counts them.
"""

from sqlalchemy import or_, select

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters.models import Campaign, Delivery
from app.representation.audit import register_population
from app.rosters import services as rosters
from app.rosters.models import RosterMembership
from app.surveys.models import Response, Survey


def _roster_members(params):
    roster = rosters.get_roster(params["roster_id"]) if params.get("roster_id") else None
    if roster is None:
        raise InvalidRequest("Choose a group to audit.", 400, {"roster_id": "Choose a group"})
    return select(RosterMembership.member_id).where(
        RosterMembership.roster_id == roster.id, RosterMembership.status == "active"
    )


def _bulletin_readers(params):
    campaign = db.session.get(Campaign, params["campaign_id"]) if params.get("campaign_id") else None
    if campaign is None:
        raise InvalidRequest("Choose a bulletin to audit.", 400, {"campaign_id": "Choose a bulletin"})
    # first_open_at and first_click_at record people only; machine opens never set them.
    return select(Delivery.member_id).where(
        Delivery.campaign_id == campaign.id,
        or_(Delivery.first_open_at.is_not(None), Delivery.first_click_at.is_not(None)),
    )


def _survey_respondents(params):
    survey = db.session.get(Survey, params["survey_id"]) if params.get("survey_id") else None
    if survey is None or survey.anonymous:
        raise InvalidRequest("Choose a survey to audit.", 400, {"survey_id": "Choose a survey that is not anonymous"})
    # Anonymous surveys keep no member ids, so only identified surveys can be audited this way.
    return select(Response.member_id).where(
        Response.survey_id == survey.id, Response.completed_at.is_not(None), Response.member_id.is_not(None)
    )


register_population("roster", "Current members of a group (roster)", _roster_members)
register_population("bulletin_readers", "People who read a bulletin", _bulletin_readers)
register_population("survey_respondents", "Members who answered a survey", _survey_respondents)


def roster_age_limits(roster_id: int) -> tuple[int | None, int | None] | None:
    """A roster's own (youngest, oldest) ages, None for an end it leaves open; None if no such roster."""
    roster = rosters.get_roster(roster_id)
    return None if roster is None else (roster.min_age, roster.max_age)


def roster_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in rosters.list_rosters()]


def bulletin_choices() -> list[tuple[int, str]]:
    query = select(Campaign.id, Campaign.subject).where(Campaign.status == "sent").order_by(Campaign.id.desc())
    return [(i, subject or f"Bulletin {i}") for i, subject in db.session.execute(query)]


def survey_choices() -> list[tuple[int, str]]:
    query = select(Survey.id, Survey.title).where(Survey.mode != "anonymous").order_by(Survey.id.desc())
    return [(i, title) for i, title in db.session.execute(query)]
