"""The SendGrid Event Webhook: signed, fresh, well-formed events are recorded once."""

import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.newsletters import reports, sending
from app.newsletters.models import Delivery, Suppression, TrackingEvent, WebhookBatch
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.sendgrid_mock import make_key_pair, sign_webhook

KEYS = make_key_pair()


@pytest.fixture
def config_overrides():
    return {"SENDGRID_WEBHOOK_PUBLIC_KEY": KEYS[1]}


def _delivery():
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    return db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))


def _event(delivery, kind, **extra):
    return {
        "email": "someone@example.org",
        "timestamp": int(time.time()),
        "event": kind,
        "sg_event_id": uuid.uuid4().hex,
        "delivery_id": str(delivery.id),
        "campaign_id": str(delivery.campaign_id),
        **extra,
    }


def _post(client, events, timestamp=None, key=KEYS[0], body=None):
    body = body if body is not None else json.dumps(events).encode()
    return client.post("/webhooks/sendgrid", data=body, headers=sign_webhook(key, body, timestamp))


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_signed_events_update_the_delivery_and_suppress_bounces(client):
    delivery = _delivery()
    response = _post(client, [_event(delivery, "delivered"), _event(delivery, "bounce", type="bounce")])
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).delivered_at is not None
    assert db.session.scalar(select(Suppression.reason)) == "bounce"
    assert reports.refresh_stats(delivery.campaign_id).bounced == 1
    assert "someone@example.org" not in json.dumps(db.session.scalars(select(TrackingEvent.raw)).all())


def test_spam_report_suppresses_as_a_complaint(client):
    delivery = _delivery()
    _post(client, [_event(delivery, "spamreport")])
    assert db.session.scalar(select(Suppression.reason)) == "complaint"
    assert reports.refresh_stats(delivery.campaign_id).complaints == 1


def test_repeated_event_is_counted_once(client):
    delivery = _delivery()
    event = _event(delivery, "open", sg_machine_open=True)
    assert _post(client, [event]).status_code == 200
    assert _post(client, [event, event]).status_code == 200
    assert _count(TrackingEvent) == 1
    stats = reports.refresh_stats(delivery.campaign_id)
    assert (stats.machine_opens, stats.human_opens) == (1, 0)


def test_dropped_event_marks_the_delivery_failed(client):
    delivery = _delivery()
    _post(client, [_event(delivery, "dropped", reason="Bounced Address")])
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).status == "failed"


def test_forged_signature_is_refused_and_nothing_recorded(client):
    delivery = _delivery()
    other_key = make_key_pair()[0]
    assert _post(client, [_event(delivery, "bounce")], key=other_key).status_code == 403
    assert (_count(TrackingEvent), _count(WebhookBatch), _count(Suppression)) == (0, 0, 0)


def test_stale_timestamp_is_refused(client):
    delivery = _delivery()
    stale = str(int(time.time()) - 3600)
    assert _post(client, [_event(delivery, "bounce")], timestamp=stale).status_code == 403
    assert _count(WebhookBatch) == 0


def test_body_changed_after_signing_is_refused(client):
    delivery = _delivery()
    body = json.dumps([_event(delivery, "delivered")]).encode()
    headers = sign_webhook(KEYS[0], body)
    response = client.post("/webhooks/sendgrid", data=body.replace(b"delivered", b"bounce"), headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize("body", [b"not json", b'{"event": "open"}', b"[1, 2]", b'[{"sg_event_id": "x"}]'])
def test_malformed_body_is_400_and_nothing_recorded(client, body):
    response = _post(client, None, body=body)
    assert response.status_code == 400
    assert response.is_json
    assert _count(WebhookBatch) == 0


def test_missing_signature_is_403(client):
    assert client.post("/webhooks/sendgrid", json=[]).status_code == 403


def test_the_same_signed_body_twice_is_answered_200_and_stored_once(client):
    delivery = _delivery()
    body = json.dumps([_event(delivery, "delivered")]).encode()
    headers = sign_webhook(KEYS[0], body)
    first = client.post("/webhooks/sendgrid", data=body, headers=headers)
    again = client.post("/webhooks/sendgrid", data=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert _count(WebhookBatch) == 1 and _count(TrackingEvent) == 1


def test_a_body_over_the_limit_is_413_before_it_is_read(app, client):
    app.config["WEBHOOK_MAX_BYTES"] = 1024
    delivery = _delivery()
    body = json.dumps([_event(delivery, "delivered", padding="x" * 2000)]).encode()
    response = client.post("/webhooks/sendgrid", data=body, headers=sign_webhook(KEYS[0], body))
    assert response.status_code == 413 and response.is_json
    assert "too large" in response.get_json()["message"].lower()
    assert _count(WebhookBatch) == 0
