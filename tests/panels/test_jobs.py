"""A draw runs as an RQ job on a real Redis, reporting progress, and running it twice is harmless."""

import os

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from app.panels import services

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/8")


@pytest.fixture
def config_overrides():
    return {"REDIS_URL": REDIS_URL}


@pytest.fixture
def redis_db(app):
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def _pool():
    return [{"id": f"v{i}", "sex": "Female" if i % 2 else "Male", "_household": ""} for i in range(12)]


def test_a_draw_runs_on_a_worker_with_progress(app, redis_db):
    quotas = [{"feature": "sex", "value": v, "min": 2, "max": 2} for v in ("Female", "Male")]
    record = services.create_draw("Cabinet", _pool(), ["sex"], quotas, 4, "maximin", 5)
    job = services.start_draw(record.id)
    assert job is not None and services.get_draw(record.id).status == "queued"
    queue = Queue(app.config["RQ_QUEUE"], connection=redis_db)
    SimpleWorker([queue], connection=redis_db).work(burst=True)
    done = services.get_draw(record.id)
    assert done.status == "done"
    assert len(done.result["panel"]) == 4
    job.refresh()
    assert job.meta["stage"] == "done" and job.meta["done"] == job.meta["total"]
    services.run_draw(record.id)  # a repeated job changes nothing
    assert services.get_draw(record.id).result == done.result
