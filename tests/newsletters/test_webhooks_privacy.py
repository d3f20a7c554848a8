"""Once processed, a webhook batch keeps no email or IP address, nor does the event log."""

import json
import time
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Delivery, TrackingEvent, WebhookBatch
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.sendgrid_mock import make_key_pair, sign_webhook

KEYS = make_key_pair()
ADDRESS = "reader@example.org"
IP = "203.0.113.77"


@pytest.fixture
def config_overrides():
    return {"SENDGRID_WEBHOOK_PUBLIC_KEY": KEYS[1]}


def _event(delivery, kind, **extra):
    return {
        "event": kind,
        "email": ADDRESS,
        "sg_event_id": uuid.uuid4().hex,
        "timestamp": int(time.time()),
        "delivery_id": str(delivery.id),
        "campaign_id": str(delivery.campaign_id),
        "smtp-id": f"<abc@{ADDRESS.split('@')[1]}>",
        **extra,
    }


def _post(client, events):
    body = json.dumps(events).encode()
    return client.post("/webhooks/sendgrid", data=body, headers=sign_webhook(KEYS[0], body))


def test_a_processed_batch_and_its_events_keep_no_addresses(client):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
    events = [
        _event(delivery, "open", ip=IP, useragent="Mozilla/5.0"),
        _event(delivery, "deferred", response=f"450 mailbox of {ADDRESS} is full", attempt="1"),
        _event(delivery, "bounce", type="blocked", reason=f"550 {ADDRESS} blocked", status="5.0.0"),
    ]
    assert _post(client, events).status_code == 200
    db.session.expire_all()
    stored = db.session.scalar(select(WebhookBatch.body))
    raws = json.dumps(db.session.scalars(select(TrackingEvent.raw)).all())
    for text in (stored, raws):
        assert ADDRESS not in text
        assert IP not in text
        assert "Mozilla" not in text
    # What a later reprocessing and the dedup need is still there.
    kept = json.loads(stored)
    assert [(e["event"], e["sg_event_id"], e["delivery_id"]) for e in kept] == [
        (e["event"], e["sg_event_id"], e["delivery_id"]) for e in events
    ]
    assert _post(client, events).status_code == 200
    assert len(db.session.scalars(select(TrackingEvent)).all()) == 3
