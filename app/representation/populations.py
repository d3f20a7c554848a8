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


register_population("roster", "Current members of a group (roster)", _roster_members)
register_population("bulletin_readers", "People who read a bulletin", _bulletin_readers)


def roster_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in rosters.list_rosters()]


def bulletin_choices() -> list[tuple[int, str]]:
    query = select(Campaign.id, Campaign.subject).where(Campaign.status == "sent").order_by(Campaign.id.desc())
    return [(i, subject or f"Bulletin {i}") for i, subject in db.session.execute(query)]
