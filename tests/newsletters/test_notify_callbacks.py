"""GOV.UK Notify's delivery receipts at /notify/callbacks: only with the callback token, bad bodies refused
plainly, and each status doing what it says to the delivery and the member's channel."""

import json
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.members.models import Member
from app.newsletters import batches
from app.newsletters.models import Delivery, Suppression, TrackingEvent
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.test_sending_interrupted import sending_ids

TOKEN = "callback-token-" + "x" * 40


@pytest.fixture
def config_overrides(notify):
    return {**notify.config(), "NOTIFY_CALLBACK_TOKEN": TOKEN}


@pytest.fixture
def sent(app, notify):
    """One bulletin sent through Notify to one member: (delivery id, Notify's notification)."""
    create_member(email="reader@example.org")
    campaign = create_campaign()
    (delivery_id,) = sending_ids(campaign.id)
    batches.send_batch(campaign.id, [delivery_id])
    return delivery_id, notify.by_reference(str(delivery_id))[0]


def _receipt(notification, status, **changes):
    body = {
        "id": notification["id"],
        "reference": notification["reference"],
        "to": notification["to"],
        "status": status,
        "created_at": notification["created_at"],
        "completed_at": notification["created_at"],
        "sent_at": notification["created_at"],
        "notification_type": notification["type"],
    }
    return {**body, **changes}


def _post(client, body, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/notify/callbacks", data=data, content_type="application/json", headers=headers)


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(TrackingEvent))


def _delivery(delivery_id) -> Delivery:
    db.session.expire_all()
    return db.session.get(Delivery, delivery_id)


def test_delivered_marks_the_delivery_delivered_once(client, sent):
    delivery_id, notification = sent
    assert _post(client, _receipt(notification, "delivered")).status_code == 200
    assert _post(client, _receipt(notification, "delivered")).status_code == 200
    delivery = _delivery(delivery_id)
    assert delivery.delivered_at is not None and delivery.status == "sent"
    assert _events() == 1


@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN[:-1], TOKEN + "x"])
def test_a_forged_or_missing_token_gets_401_and_nothing_is_written(client, sent, token):
    delivery_id, notification = sent
    response = _post(client, _receipt(notification, "permanent-failure"), token=token)
    assert response.status_code == 401
    assert _events() == 0
    assert _delivery(delivery_id).bounced_at is None
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_with_no_token_configured_every_callback_is_refused(app, client, sent):
    app.config["NOTIFY_CALLBACK_TOKEN"] = ""
    assert _post(client, _receipt(sent[1], "delivered"), token="").status_code == 401
    assert _events() == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        "[]",
        {"status": "delivered"},
        "bad-status",
        "bad-reference",
        "bad-id",
        "bad-type",
    ],
)
def test_a_bad_body_gets_400_with_a_message_and_nothing_is_written(client, sent, body):
    _, notification = sent
    if body == "bad-status":
        body = _receipt(notification, "opened")
    elif body == "bad-reference":
        body = _receipt(notification, "delivered", reference="reader@example.org")
    elif body == "bad-id":
        body = _receipt(notification, "delivered", id="12")
    elif body == "bad-type":
        body = _receipt(notification, "delivered", notification_type="letter")
    response = _post(client, body)
    assert response.status_code == 400
    assert "not a GOV.UK Notify delivery receipt" in response.get_json()["message"]
    assert _events() == 0


def test_a_permanent_failure_of_an_email_suppresses_the_address(client, sent):
    delivery_id, notification = sent
    assert _post(client, _receipt(notification, "permanent-failure")).status_code == 200
    delivery = _delivery(delivery_id)
    assert delivery.bounced_at is not None and "does not exist" in delivery.reason
    suppressed = db.session.scalar(select(Suppression))
    assert suppressed.email_normalised == "reader@example.org" and suppressed.reason == "bounce"


def test_a_permanent_failure_of_a_text_marks_the_mobile_failed_but_keeps_email(client, sent):
    delivery_id, notification = sent
    notification = {**notification, "type": "sms"}
    assert _post(client, _receipt(notification, "permanent-failure")).status_code == 200
    member = db.session.get(Member, _delivery(delivery_id).member_id)
    assert member.mobile_failed_at is not None
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_a_temporary_failure_is_noted_and_a_technical_failure_fails_the_delivery(client, sent):
    delivery_id, notification = sent
    _post(client, _receipt(notification, "temporary-failure"))
    delivery = _delivery(delivery_id)
    assert delivery.status == "sent" and "inbox full or phone off" in delivery.reason
    _post(client, _receipt(notification, "technical-failure"))
    delivery = _delivery(delivery_id)
    assert delivery.status == "failed" and "technical failure" in delivery.reason
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_a_receipt_for_another_notification_does_not_move_the_delivery(client, sent):
    delivery_id, notification = sent
    response = _post(client, _receipt(notification, "permanent-failure", id=str(uuid.uuid4())))
    assert response.status_code == 200
    assert _delivery(delivery_id).bounced_at is None and _events() == 0


def test_the_callback_is_not_part_of_the_public_api_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert not any("notify" in path or "webhooks" in path for path in paths)
