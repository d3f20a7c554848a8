"""A worker started after another died on the same machine runs the dead one's job again at once."""

import os
import time
import uuid

import pytest
from redis import Redis
from rq import Queue, Retry
from rq.job import JobStatus

from app.jobs import recover_abandoned
from tests.support.worker import Worker

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/5")


@pytest.fixture
def config_overrides():
    return {"REDIS_URL": REDIS_URL, "RQ_QUEUE": f"involve-test-abandoned-{uuid.uuid4().hex[:8]}"}


@pytest.fixture
def queue(app):
    connection = Redis.from_url(REDIS_URL)
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    yield queue
    queue.empty()
    connection.close()


def _wait_until_started(job, seconds=30):
    deadline = time.monotonic() + seconds
    while job.get_status(refresh=True) != JobStatus.STARTED:
        assert time.monotonic() < deadline, job.get_status()
        time.sleep(0.05)


@pytest.mark.redis
@pytest.mark.parametrize(("retry", "after"), [(Retry(max=1), JobStatus.QUEUED), (None, JobStatus.FAILED)])
def test_the_job_of_a_dead_worker_is_retried_or_failed_and_a_live_ones_is_left(app, queue, tmp_path, retry, after):
    worker = Worker(app, log=tmp_path / "worker.log").start()
    try:
        job = queue.enqueue(time.sleep, 60, job_timeout=120, retry=retry)
        _wait_until_started(job)
        assert recover_abandoned(queue) == 0  # its worker is alive: the job is its own
        assert job.get_status(refresh=True) == JobStatus.STARTED
        worker.kill()
        assert recover_abandoned(queue) == 1
        assert job.get_status(refresh=True) == after
        assert recover_abandoned(queue) == 0
    finally:
        worker.stop()
