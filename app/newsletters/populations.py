"""A bulletin's readers as a group the representativeness audit can compare with the population."""

from sqlalchemy import or_, select

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters.models import Campaign, Delivery
from app.representation.audit import register_choices, register_population


def _bulletin_readers(params):
    campaign = db.session.get(Campaign, params["campaign_id"]) if params.get("campaign_id") else None
    if campaign is None:
        raise InvalidRequest("Choose a bulletin to audit.", 400, {"campaign_id": "Choose a bulletin"})
    # first_open_at and first_click_at record people only; machine opens never set them.
    return select(Delivery.member_id).where(
        Delivery.campaign_id == campaign.id,
        or_(Delivery.first_open_at.is_not(None), Delivery.first_click_at.is_not(None)),
    )


def bulletin_choices() -> list[tuple[int, str]]:
    query = select(Campaign.id, Campaign.subject).where(Campaign.status == "sent").order_by(Campaign.id.desc())
    return [(i, subject or f"Bulletin {i}") for i, subject in db.session.execute(query)]


register_population("bulletin_readers", "People who read a bulletin", _bulletin_readers)
register_choices("bulletins", bulletin_choices)
