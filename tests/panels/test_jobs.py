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
    assert job.meta["message"] == "Finished" and job.meta["done"] == job.meta["total"]
    assert job.timeout == services.time_limit_of(done) + 300
    services.run_draw(record.id)  # a repeated job changes nothing
    assert services.get_draw(record.id).result == done.result


def test_the_draw_page_polls_its_status_until_the_worker_has_finished(app, client, redis_db):
    from tests.factories import create_staff_user, login

    login(client, create_staff_user("engagement"))
    quotas = [{"feature": "sex", "value": v, "min": 2, "max": 2} for v in ("Female", "Male")]
    record = services.create_draw("Cabinet", _pool(), ["sex"], quotas, 4, "legacy", 5, time_limit=30)
    services.start_draw(record.id)
    page = client.get(f"/staff/panels/{record.id}").get_data(as_text=True)
    assert f'data-progress-url="/staff/panels/{record.id}/status"' in page
    assert "<progress" in page and 'role="status"' in page and 'http-equiv="refresh"' not in page
    waiting = client.get(f"/staff/panels/{record.id}/status").get_json()
    assert waiting == {
        "done": 0,
        "total": 0,
        "message": "Waiting for a worker to start",
        "finished": False,
        "next_url": None,
    }

    queue = Queue(app.config["RQ_QUEUE"], connection=redis_db)
    SimpleWorker([queue], connection=redis_db).work(burst=True)
    finished = client.get(f"/staff/panels/{record.id}/status").get_json()
    assert finished["finished"] is True and finished["next_url"] == f"/staff/panels/{record.id}"
    assert "The panel" in client.get(finished["next_url"]).get_data(as_text=True)
