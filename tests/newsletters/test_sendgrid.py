"""Sending through the real sendgrid client to a local SendGrid-shaped server, and a real RQ worker."""

import logging
import random
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.bulk import BulkMessage, BulkRecipient, SendGridBulk
from app.newsletters import sending, sweeper
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member, create_staff_user
from tests.newsletters.factories import create_campaign


@pytest.fixture
def config_overrides(sendgrid_config):
    return sendgrid_config


def _statuses(campaign_id):
    return dict(
        db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign_id).group_by(Delivery.status)
        ).all()
    )


def _wait_for(condition, seconds=60.0, every=0.2, between=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        if between:
            between()
        if condition():
            return True
        time.sleep(every)
    return False


def test_one_request_per_batch_with_one_recipient_per_personalization(app, sendgrid, served):
    people = [create_member() for _ in range(25)]
    campaign = create_campaign()
    sending.start_send(campaign.id)
    assert sendgrid.problems == []
    assert sendgrid.personalization_counts == [10, 10, 5]
    assert sendgrid.counts() == {p.email: 1 for p in people}
    assert _statuses(campaign.id) == {"sent": 25}


def test_names_reach_sendgrid_as_written_and_escaped_for_the_html_part(app, sendgrid, served):
    person = create_member(first_name='Siân "Bo" <Ó>')
    sending.start_send(create_campaign().id)
    (personalization,) = sendgrid.last_body["personalizations"]
    assert personalization["to"] == [{"email": person.email}]
    assert personalization["substitutions"]["%%first_name%%"] == 'Siân "Bo" <Ó>'
    assert personalization["substitutions"]["%%first_name_html%%"] == "Siân &quot;Bo&quot; &lt;Ó&gt;"


def test_no_recipient_address_reaches_the_logs_even_at_debug_level(app, sendgrid, served, caplog):
    caplog.set_level(logging.DEBUG)
    person = create_member(email="private.reader@example.org")
    sending.start_send(create_campaign().id)
    assert sendgrid.counts() == {person.email: 1}
    assert "private.reader" not in caplog.text


def test_sendgrid_refuses_more_than_a_thousand_in_one_request(app):
    recipients = [BulkRecipient(i, f"p{i}@example.org", {}) for i in range(1001)]
    with pytest.raises(ValueError):
        SendGridBulk().send(BulkMessage("s", "t", "h"), recipients)


def test_rate_limited_batch_waits_for_the_reset_then_sends_once(app, sendgrid, served):
    person = create_member()
    sendgrid.script = [429]
    campaign = create_campaign()
    sending.start_send(campaign.id)
    assert sendgrid.requests == 2
    assert sendgrid.counts() == {person.email: 1}
    assert _statuses(campaign.id) == {"sent": 1}


def test_server_errors_are_retried_then_fail_with_reason_and_pause_the_campaign(app, sendgrid, served):
    sender = create_staff_user("comms")
    create_member()
    sendgrid.script = [500, 500, 500, 500]
    campaign = create_campaign()
    campaign.created_by_id = sender.id
    db.session.commit()
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
    assert delivery.status == "failed" and "500" in delivery.reason
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == "paused" and "failed batches" in campaign.status_reason
    assert sendgrid.counts() == {sender.email: 1}  # the sender was told


def test_a_batch_that_times_out_is_settled_from_processed_events_not_resent(app, sendgrid, served):
    person = create_member()
    sendgrid.script = ["slow"]
    campaign = create_campaign()
    sending.start_send(campaign.id)
    assert _statuses(campaign.id) == {"sending": 1}  # in doubt: SendGrid may have it
    assert _wait_for(lambda: _statuses(campaign.id) == {"sent": 1}, between=sweeper.sweep, every=0.5)
    assert sendgrid.counts() == {person.email: 1}


def test_worker_killed_at_random_points_still_sends_each_recipient_exactly_once(
    app, sendgrid, served, redis_queue, worker
):
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    people = [create_member() for _ in range(120)]
    sendgrid.delay = 0.03
    campaign = create_campaign()
    sending.start_send(campaign.id)

    for _ in range(5):
        w = worker().start()
        time.sleep(rng.uniform(0.5, 2.5))
        w.kill()

    final = worker().start()
    finished = _wait_for(
        lambda: db.session.get(Campaign, campaign.id).status == "sent", seconds=120, every=0.5, between=sweeper.sweep
    )
    final.stop()
    counts = sendgrid.counts()
    state = db.session.get(Campaign, campaign.id)
    assert finished, f"seed {seed}: {state.status} {state.status_reason} {_statuses(campaign.id)}"
    assert sendgrid.problems == []
    assert counts == {p.email: 1 for p in people}, f"seed {seed}"
    assert _statuses(campaign.id) == {"sent": 120}
