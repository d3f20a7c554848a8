"""A bulletin sent through GOV.UK Notify goes once to each recipient, whatever is cut off part-way:
a row whose fate is unknown is settled by looking its reference up at Notify before anything is sent again."""

import random
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.newsletters import batches, sweeper
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.test_sending_interrupted import sending_ids
from tests.support import notify_server, send_chaos
from tests.support.redis_server import RedisServer


@pytest.fixture
def config_overrides(notify):
    return {
        **notify.config(),
        "NOTIFY_TIMEOUT": 1.0,
        "BULLETIN_BATCH_SIZE": 10,
        "BULLETIN_CLAIM_LEASE_SECONDS": 1,
        "BULLETIN_INDOUBT_GRACE_SECONDS": 2,
        "BULLETIN_RETRY_BACKOFF_SECONDS": 0.01,
        "BULLETIN_MAX_ERRORS": 1000,
        # Workers are killed and Notify refuses or stalls on purpose: a row may need more tries than
        # the default four before it goes, as in the SendGrid chaos test.
        "BULLETIN_MAX_ATTEMPTS": 10,
    }


def _statuses(campaign_id):
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign_id).group_by(Delivery.status)
        ).all()
    )


def _sweep_until(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sweeper.sweep()
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_a_bulletin_goes_once_to_each_reader_with_the_delivery_id_as_reference(app, notify):
    people = [create_member(email=f"reader{i}@example.org", first_name=f"R{i}") for i in range(3)]
    campaign = create_campaign(subject="News for {{first_name}}")
    ids = sending_ids(campaign.id)
    assert batches.send_batch(campaign.id, ids)["sent"] == 3
    assert _statuses(campaign.id) == {"sent": 3}
    assert sorted(notify.references()) == sorted(str(i) for i in ids)
    assert notify.counts() == {p.email: 1 for p in people}
    sent = notify.by_reference(str(ids[0]))[0]
    assert sent["personalisation"]["subject"] == "News for R0"
    assert "unsubscribe" in sent["personalisation"]["body"].lower()
    stored = db.session.scalar(select(Delivery.provider_message_id).where(Delivery.id == ids[0]))
    assert stored == sent["id"]


def test_a_crash_after_notify_took_the_batch_is_settled_by_reference_not_resent(app, notify, monkeypatch):
    people = [create_member(email=f"reader{i}@example.org") for i in range(3)]
    campaign = create_campaign()

    def database_gone(*args, **kwargs):
        raise OperationalError("UPDATE delivery", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(batches, "_record_result", database_gone)
    assert batches.send_batch(campaign.id, sending_ids(campaign.id)) == {"interrupted": 3}
    assert _statuses(campaign.id) == {"sending": 3}
    monkeypatch.undo()
    assert _sweep_until(lambda: _statuses(campaign.id) == {"sent": 3})
    assert notify.counts() == {p.email: 1 for p in people}
    assert db.session.get(Campaign, campaign.id).status == "sent"
    reasons = set(db.session.scalars(select(Delivery.reason).where(Delivery.campaign_id == campaign.id)))
    assert reasons == {"confirmed by the provider"}


def test_an_answer_that_never_came_is_looked_up_and_only_what_notify_lacks_goes_again(app, notify):
    people = [create_member(email=f"reader{i}@example.org") for i in range(3)]
    campaign = create_campaign()
    # The first was taken but its answer never came; the second never reached Notify at all.
    notify.answer(notify_server.TAKE_THEN_HANG, notify_server.HANG)
    outcome = batches.send_batch(campaign.id, sending_ids(campaign.id))
    assert outcome["sent"] == 1
    assert _statuses(campaign.id) == {"sending": 2, "sent": 1}
    assert _sweep_until(lambda: _statuses(campaign.id) == {"sent": 3}, seconds=30)
    assert notify.counts() == {p.email: 1 for p in people}


def test_nothing_is_requeued_while_notify_cannot_be_asked(app, notify, monkeypatch):
    create_member()
    campaign = create_campaign()
    notify.answer(notify_server.TAKE_THEN_HANG)
    batches.send_batch(campaign.id, sending_ids(campaign.id))
    app.config["NOTIFY_BASE_URL"] = "http://127.0.0.1:9"
    time.sleep(app.config["BULLETIN_CLAIM_LEASE_SECONDS"] + app.config["BULLETIN_INDOUBT_GRACE_SECONDS"] + 0.5)
    sweeper.sweep()
    assert _statuses(campaign.id) == {"sending": 1}  # neither requeued nor guessed sent
    app.config["NOTIFY_BASE_URL"] = notify.url
    assert _sweep_until(lambda: _statuses(campaign.id) == {"sent": 1})
    assert len(notify.notifications) == 1


def test_a_batch_slower_than_its_lease_keeps_its_rows_and_sends_each_once(app, notify):
    """Notify takes one message per request: a batch of slow answers outlasts the claim lease and
    the grace period, while the sweeper runs every moment. The batch keeps renewing its claim, so
    the sweeper settles none of its rows behind its back and nobody gets the bulletin twice."""
    people = [create_member(email=f"slow{i}@example.org") for i in range(8)]
    campaign = create_campaign()
    ids = sending_ids(campaign.id)
    notify.delay = 0.5  # each answer within the client's timeout; the batch takes 4 s, past lease and grace
    outcome = {}

    def sweep_meanwhile():
        with app.app_context():
            while "sent" not in outcome:
                sweeper.sweep()
                time.sleep(0.2)

    sweeping = threading.Thread(target=sweep_meanwhile)
    sweeping.start()
    try:
        outcome.update(batches.send_batch(campaign.id, ids))
    finally:
        outcome.setdefault("sent", 0)
        sweeping.join()
    notify.delay = 0.0
    assert outcome["sent"] == len(people)
    assert _statuses(campaign.id) == {"sent": len(people)}
    assert notify.counts() == {p.email: 1 for p in people}


@pytest.fixture
def redis_server(app):
    server = RedisServer().start()
    app.config["RQ_QUEUE"] = "chaos-notify"
    yield server
    app.config["REDIS_URL"] = ""
    server.stop()


def test_workers_killed_at_random_send_each_reader_exactly_one_notification(app, notify, redis_server, tmp_path):
    seed = random.randrange(1_000_000)
    emails = send_chaos.insert_recipients(200)
    campaign = create_campaign()
    notify.slow_seconds = 1.5  # taken, answered after the client gave up
    figures = send_chaos.run(
        app,
        campaign.id,
        emails,
        notify,
        redis_server,
        random.Random(seed),
        workers=2,
        fault_seconds=(1.0, 2.5),
        fault_window=15,
        provider_fault_rate=0.1,
        timeout=180,
        log_dir=tmp_path / "logs",
    )
    report = f"seed {seed}\n{figures}"
    assert figures.duplicates == 0, report
    assert figures.missing == 0, report
    assert figures.in_sending == 0, report
    assert figures.statuses == {"sent": 200}, report
    assert figures.faults[send_chaos.KILL_WORKER] > 0 and figures.faults["slow"] > 0, report
