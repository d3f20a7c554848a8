"""Events that are not Involve's, and batches that fail, never stop the sweeper or touch a member."""

import json
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import now
from app.extensions import db
from app.newsletters import campaigns, sending, sweeper, webhooks
from app.newsletters.models import Campaign, Delivery, Suppression, TrackingEvent, WebhookBatch
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.sendgrid_mock import make_key_pair, sign_webhook

KEYS = make_key_pair()


@pytest.fixture
def config_overrides():
    return {"SENDGRID_WEBHOOK_PUBLIC_KEY": KEYS[1]}


def _post(client, events):
    body = json.dumps(events).encode()
    return client.post("/webhooks/sendgrid", data=body, headers=sign_webhook(KEYS[0], body))


def _event(kind, delivery_id, campaign_id=None):
    event = {"event": kind, "sg_event_id": uuid.uuid4().hex, "timestamp": int(time.time())}
    event["delivery_id"] = delivery_id
    if campaign_id is not None:
        event["campaign_id"] = campaign_id
    return event


def _unprocessed():
    return db.session.scalars(select(WebhookBatch.id).where(WebhookBatch.processed_at.is_(None))).all()


def test_an_event_with_an_out_of_range_id_does_not_stop_scheduled_campaigns(app, client, monkeypatch):
    create_member()
    campaign = create_campaign()
    campaigns.schedule(campaign.id, now() + timedelta(minutes=1))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert _post(client, [_event("delivered", "3000000000", "3000000000")]).status_code == 200
    db.session.rollback()
    later = now() + timedelta(minutes=5)
    monkeypatch.setattr(sweeper, "now", lambda: later)
    sweeper.sweep()
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status in ("sending", "sent")
    assert _unprocessed() == []


def test_another_systems_delivery_id_does_not_unsubscribe_our_member(client):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
    # Same SendGrid account, another application: its own "delivery_id" 1 and no (or another) campaign.
    foreign = [
        _event("unsubscribe", str(delivery.id)),
        _event("spamreport", str(delivery.id), str(campaign.id + 100)),
        _event("bounce", str(delivery.id), "not-a-number"),
    ]
    assert _post(client, foreign).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0
    assert db.session.scalar(select(func.count()).select_from(TrackingEvent)) == 0
    assert _post(client, [_event("spamreport", str(delivery.id), str(campaign.id))]).status_code == 200
    assert db.session.scalar(select(Suppression.reason)) == "complaint"


def test_a_failing_batch_is_set_aside_and_the_others_are_processed(app, monkeypatch, caplog):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
    poison = webhooks._store(json.dumps([_event("delivered", str(delivery.id), str(campaign.id))]), 1)
    webhooks._store(json.dumps([_event("spamreport", str(delivery.id), str(campaign.id))]), 1)
    real_process = webhooks.process_batch

    def process(batch_id):
        if batch_id == poison:
            raise RuntimeError("simulated failure")
        return real_process(batch_id)

    monkeypatch.setattr(webhooks, "process_batch", process)
    webhooks.process_pending()
    webhooks.process_pending()
    db.session.expire_all()
    assert _unprocessed() == []
    assert db.session.scalar(select(Suppression.reason)) == "complaint"
    notes = [e for e in json.loads(db.session.get(WebhookBatch, poison).body) if e["event"] == webhooks.NOTE_EVENT]
    assert [n["error"] for n in notes] == ["RuntimeError"]
    assert f"webhook batch {poison} failed" in caplog.text
