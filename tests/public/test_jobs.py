"""With Redis configured, the confirmation email is sent by a worker after the sign-up is saved."""

import os

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from app.members import services as members
from app.public import services as journey
from tests.public.helpers import sign_up


@pytest.fixture
def redis_url(app, monkeypatch):
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/0")
    connection = Redis.from_url(url)
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    yield url
    connection.flushdb()


@pytest.mark.redis
def test_confirmation_waits_for_the_worker_and_is_not_sent_twice(app, client, outbox, redis_url):
    response = sign_up(client)
    assert response.status_code == 302
    member = members.find_by_email("priya.shah@example.org")
    assert member.status == "pending"
    assert outbox() == []  # saved, and queued for a worker

    connection = Redis.from_url(redis_url)
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    [message] = outbox()
    assert message["to"] == "priya.shah@example.org"

    # once confirmed, running the same job again sends nothing
    members.confirm_email(member.id)
    journey.send_confirmation(member.id)
    assert len(outbox()) == 1
