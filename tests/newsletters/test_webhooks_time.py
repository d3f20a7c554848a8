"""Webhook events keep the time SendGrid says they happened, not the time they were processed."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app import tokens
from app.clock import now
from app.extensions import db
from app.newsletters import reports, sending
from app.newsletters.models import Campaign, Delivery, Link, TrackingEvent
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.sendgrid_mock import make_key_pair, sign_webhook

KEYS = make_key_pair()
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture
def config_overrides():
    return {"SENDGRID_WEBHOOK_PUBLIC_KEY": KEYS[1]}


def _sent(hours_ago: int = 2):
    member = create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    earlier = now() - timedelta(hours=hours_ago)
    db.session.execute(update(Campaign).values(started_at=earlier))
    db.session.execute(update(Delivery).values(sent_at=earlier))
    db.session.commit()
    return member, campaign, db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))


def _post(client, delivery, kind, timestamp, **extra):
    event = {
        "event": kind,
        "sg_event_id": uuid.uuid4().hex,
        "timestamp": timestamp,
        "delivery_id": str(delivery.id),
        "campaign_id": str(delivery.campaign_id),
        **extra,
    }
    body = json.dumps([event]).encode()
    assert client.post("/webhooks/sendgrid", data=body, headers=sign_webhook(KEYS[0], body)).status_code == 200
    db.session.expire_all()
    return db.session.get(Delivery, delivery.id)


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def test_a_late_delivered_event_keeps_its_own_time(client):
    _, _, delivery = _sent()
    an_hour_ago = int(time.time()) - 3600
    delivery = _post(client, delivery, "delivered", an_hour_ago)
    assert delivery.delivered_at == _utc(an_hour_ago)
    bounced = int(time.time()) - 1800
    delivery = _post(client, delivery, "bounce", bounced, type="blocked")
    assert delivery.bounced_at == _utc(bounced)
    event = db.session.scalar(select(TrackingEvent).where(TrackingEvent.kind == "bounce"))
    assert event.occurred_at == _utc(bounced)


@pytest.mark.parametrize("offset", [timedelta(days=3), -timedelta(days=3)])
def test_an_absurd_event_time_falls_back_to_now(client, offset):
    _, _, delivery = _sent()
    absurd = int((datetime.now(UTC) + offset).timestamp())
    before = now()
    delivery = _post(client, delivery, "delivered", absurd)
    assert before - timedelta(seconds=1) <= delivery.delivered_at <= now()


def test_a_scanner_click_a_second_after_delivery_is_a_machine_even_when_the_event_comes_later(client):
    member, campaign, delivery = _sent(hours_ago=1)
    link = db.session.scalar(select(Link).where(Link.campaign_id == campaign.id, Link.hidden.is_(False)))
    token = tokens.sign_many("recipient", [(campaign.id, delivery.id, member.id)])[0]
    delivered = int(time.time()) - 1
    assert client.get(f"/t/c/{token}/{link.id}", headers={"User-Agent": BROWSER}).status_code == 302
    # SendGrid posts the delivered event later, after the click has been recorded.
    _post(client, delivery, "delivered", delivered)
    stats = reports.refresh_stats(campaign.id)
    click = db.session.scalar(select(TrackingEvent).where(TrackingEvent.kind == "click"))
    assert click.is_machine
    assert stats.human_clicks == 0
