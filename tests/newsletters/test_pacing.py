"""The send rate holds across every worker: batches book their turn, and far-off turns wait on the queue."""

import uuid

from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from app.extensions import db
from app.newsletters import batches, pacing, sending
from app.newsletters.models import Delivery
from tests.factories import create_member
from tests.newsletters.factories import create_campaign


def test_batches_book_consecutive_turns_in_one_process(app):
    key = uuid.uuid4().hex
    first = pacing.reserve(key, 50, 100)
    second = pacing.reserve(key, 50, 100)
    third = pacing.reserve(key, 100, 100)
    assert first == 0
    assert 0.4 < second <= 0.5  # the first half second is booked
    assert 0.9 < third <= 1.0


def test_workers_share_one_rate_through_redis(app, redis_queue):
    key = uuid.uuid4().hex
    assert pacing.reserve(key, 200, 100) == 0
    # Another worker finds the first two seconds booked, and the one after it waits a second longer still.
    second = pacing.reserve(key, 100, 100)
    third = pacing.reserve(key, 100, 100)
    assert second > 1.5 and third > second + 0.5
    # A batch under another rate's key is not held up by these bookings.
    assert pacing.reserve(uuid.uuid4().hex, 100, 100) == 0
    assert redis_queue.exists(f"involve:send-pace:{key}")


def test_a_batch_whose_turn_is_far_off_goes_back_on_the_queue_for_its_time(app, redis_queue, outbox):
    app.config["BULLETIN_BATCH_SIZE"] = 30
    for i in range(60):
        create_member(first_name=f"P{i}")
    campaign = create_campaign(send_rate="1")
    sending.start_send(campaign.id)  # two batch jobs wait on Redis; no worker runs them here
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id).order_by(Delivery.id)))

    assert batches.send_batch(campaign.id, ids[:30])["sent"] == 30
    later = batches.send_batch(campaign.id, ids[30:])
    assert later["deferred"] == 30 and 25 < later["wait_seconds"] <= 30
    scheduled = ScheduledJobRegistry(queue=Queue(app.config["RQ_QUEUE"], connection=redis_queue))
    assert len(scheduled.get_job_ids()) == 1
    queued = db.session.scalar(
        select(func.count()).where(Delivery.campaign_id == campaign.id, Delivery.status == "queued")
    )
    assert queued == 30 and len(outbox()) == 30
