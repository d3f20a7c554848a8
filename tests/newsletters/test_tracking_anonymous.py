"""The "anonymous totals only" privacy setting holds from the moment an open or click arrives."""

from sqlalchemy import select

from app import tokens
from app.extensions import db
from app.newsletters import reports, sending
from app.newsletters.models import Campaign, Delivery, TrackingEvent
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


def test_anonymous_campaign_never_stores_who_opened_or_their_device(client):
    member = create_member()
    campaign = create_campaign(anonymous_tracking="1")
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery))
    token = tokens.sign_many("recipient", [(campaign.id, delivery.id, member.id)])[0]
    client.get(f"/t/o/{token}.gif", headers={"User-Agent": IPHONE})
    client.get(f"/t/o/{token}.gif", headers={"User-Agent": "Mozilla/5.0"})  # Apple's privacy proxy

    db.session.expire_all()
    # Before any refresh: nothing in the stored events points at a person or a device.
    assert [(e.delivery_id, e.user_agent) for e in db.session.scalars(select(TrackingEvent))] == [(None, "")] * 2

    reports.refresh_stats(campaign.id)
    summary = reports.summary(db.session.get(Campaign, campaign.id))
    assert (summary["human_opens"], summary["machine_opens"]) == (1, 1)
