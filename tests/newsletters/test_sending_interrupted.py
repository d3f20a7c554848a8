"""A batch that loses its database or Redis part-way stops, and its rows are settled by the sweeper:
neither marked failed (they may have gone) nor sent again blindly (they may not have)."""

import json
import time
from datetime import timedelta

import pytest
import redis.exceptions
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from app.clock import now
from app.extensions import db
from app.newsletters import batches, sending, sweeper, webhooks
from app.newsletters.models import Campaign, Delivery, TrackingEvent, WebhookBatch
from tests.factories import create_member
from tests.newsletters.factories import create_campaign


@pytest.fixture
def config_overrides(sendgrid_config):
    return sendgrid_config


def _statuses(campaign_id):
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign_id).group_by(Delivery.status)
        ).all()
    )


def _sweep_until(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sweeper.sweep()
        if condition():
            return True
        time.sleep(0.5)
    return False


def _connection_lost(*args, **kwargs):
    raise OperationalError("UPDATE delivery", {}, Exception("server closed the connection unexpectedly"))


def test_a_batch_cut_off_from_the_database_after_sendgrid_took_it_is_confirmed_not_resent(
    app, sendgrid, served, monkeypatch, caplog
):
    people = [create_member(email=f"reader{i}@example.org") for i in range(3)]
    campaign = create_campaign()
    monkeypatch.setattr(batches, "_record_result", _connection_lost)

    outcome = batches.send_batch(campaign.id, sending_ids(campaign.id))

    assert outcome == {"interrupted": 3}
    assert _statuses(campaign.id) == {"sending": 3}  # in doubt: SendGrid has them
    assert "reader" not in caplog.text
    monkeypatch.undo()
    assert _sweep_until(lambda: _statuses(campaign.id) == {"sent": 3})
    assert sendgrid.counts() == {p.email: 1 for p in people}
    assert db.session.get(Campaign, campaign.id).status == "sent"


def test_a_batch_that_loses_redis_before_it_sends_is_sent_once_after_its_lease(app, sendgrid, served, monkeypatch):
    people = [create_member() for _ in range(3)]
    campaign = create_campaign()
    real = batches._deliver

    def redis_gone(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(batches, "_deliver", redis_gone)
    assert batches.send_batch(campaign.id, sending_ids(campaign.id)) == {"interrupted": 3}
    assert sendgrid.counts() == {}
    assert _statuses(campaign.id) == {"sending": 3}
    monkeypatch.setattr(batches, "_deliver", real)

    # No trace at the provider: once the lease and the grace period have passed, they go again.
    assert _sweep_until(lambda: _statuses(campaign.id) == {"sent": 3})
    assert sendgrid.counts() == {p.email: 1 for p in people}


def test_a_claim_cut_off_from_the_database_leaves_the_rows_to_be_sent_later(app, sendgrid, served, monkeypatch):
    people = [create_member() for _ in range(2)]
    campaign = create_campaign()
    monkeypatch.setattr(batches, "_claim", _connection_lost)
    assert batches.send_batch(campaign.id, sending_ids(campaign.id)) == {"interrupted": 0}
    assert _statuses(campaign.id) == {"queued": 2}
    monkeypatch.undo()
    assert _sweep_until(lambda: _statuses(campaign.id) == {"sent": 2})
    assert sendgrid.counts() == {p.email: 1 for p in people}


def sending_ids(campaign_id):
    """Freeze the campaign's recipients without sending them yet; returns their delivery ids."""
    sending._freeze(campaign_id)
    return list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign_id)))


def _processed_event(delivery_id: int, campaign_id: int) -> str:
    return json.dumps(
        [
            {
                "event": "processed",
                "sg_event_id": f"event-{delivery_id}",
                "sg_message_id": "message.filter0001",
                "timestamp": int(time.time()),
                "delivery_id": str(delivery_id),
                "campaign_id": str(campaign_id),
            }
        ]
    )


def test_events_that_arrive_while_the_sweeper_records_a_backlog_still_count_as_evidence(app, sendgrid, monkeypatch):
    create_member()
    campaign = create_campaign()
    (delivery_id,) = sending_ids(campaign.id)
    lease_and_grace = app.config["BULLETIN_CLAIM_LEASE_SECONDS"] + app.config["BULLETIN_INDOUBT_GRACE_SECONDS"]
    # SendGrid took the message; the worker died before it could say so.
    claimed = now() - timedelta(seconds=lease_and_grace - 0.5)
    db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id).values(status="sending", claim_token="t", claimed_at=claimed)
    )
    db.session.commit()
    moment = [claimed + timedelta(seconds=lease_and_grace - 0.5)]
    monkeypatch.setattr(sweeper, "now", lambda: moment[0])
    recorded_before = webhooks.process_pending

    def backlog():
        recorded = recorded_before()
        # Recording a backlog takes a second, during which the provider's event comes in.
        moment[0] += timedelta(seconds=1)
        webhooks._store(_processed_event(delivery_id, campaign.id), 1)
        return recorded

    monkeypatch.setattr(webhooks, "process_pending", backlog)
    sweeper.sweep()
    assert _statuses(campaign.id) == {"sending": 1}  # not queued again on the strength of events unread
    monkeypatch.setattr(webhooks, "process_pending", recorded_before)
    sweeper.sweep()
    assert _statuses(campaign.id) == {"sent": 1}
    assert sendgrid.counts() == {}


def test_a_webhook_batch_cut_off_from_the_database_stays_pending_rather_than_set_aside(app, monkeypatch):
    create_member()
    campaign = create_campaign()
    (delivery_id,) = sending_ids(campaign.id)
    batch_id = webhooks._store(_processed_event(delivery_id, campaign.id), 1)
    monkeypatch.setattr(webhooks, "process_batch", _connection_lost)
    with pytest.raises(OperationalError):
        webhooks.process_pending()
    monkeypatch.undo()
    batch = db.session.get(WebhookBatch, batch_id)
    assert batch.processed_at is None and webhooks.NOTE_EVENT not in batch.body
    assert webhooks.process_pending() == 1
    assert db.session.scalar(select(TrackingEvent.kind).where(TrackingEvent.delivery_id == delivery_id)) == "processed"
