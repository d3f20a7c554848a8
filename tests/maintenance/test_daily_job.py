"""The daily housekeeping job on RQ: scheduled once per day, runs, and schedules the next day."""

import os
from datetime import UTC, datetime

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from rq.registry import ScheduledJobRegistry

from app import clock
from app.extensions import db
from app.maintenance import tasks
from app.members.models import Member
from app.settings.services import save_settings
from tests.factories import create_member

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/0")


@pytest.fixture
def config_overrides():
    return {"REDIS_URL": REDIS_URL, "RQ_QUEUE": "involve-test-maintenance"}


@pytest.fixture
def redis_queue(app):
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield Queue(app.config["RQ_QUEUE"], connection=connection)
    connection.flushdb()


def scheduled(queue) -> dict[str, datetime]:
    registry = ScheduledJobRegistry(queue=queue)
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()}


def test_next_run_is_the_next_three_oclock():
    assert tasks.next_run_at(datetime(2026, 11, 22, 10, 0)) == datetime(2026, 11, 23, 3, 0)
    assert tasks.next_run_at(datetime(2026, 11, 22, 2, 59)) == datetime(2026, 11, 22, 3, 0)
    assert tasks.next_run_at(datetime(2026, 11, 22, 3, 0)) == datetime(2026, 11, 23, 3, 0)


def test_scheduling_twice_keeps_one_job_per_day(redis_queue):
    tasks.schedule_daily(after=datetime(2026, 11, 22, 10, 0))
    tasks.schedule_daily(after=datetime(2026, 11, 22, 18, 0))
    jobs = scheduled(redis_queue)
    assert list(jobs) == ["involve-daily-2026-11-23"]
    assert jobs["involve-daily-2026-11-23"] == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_a_worker_runs_the_due_job_which_schedules_tomorrow(app, redis_queue, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 1, 3, 0, 5))
    monkeypatch.setattr(clock, "today", lambda: datetime(2026, 6, 1).date())
    save_settings({"retention_lapse_months": "24", "retention_erase_months": "12"})
    member = create_member()
    member.last_activity_at = datetime(2024, 1, 1)
    db.session.commit()
    # A run that was due in the past, as when the worker was stopped over night.
    tasks.schedule_daily(after=datetime(2026, 5, 31, 12, 0))
    assert list(scheduled(redis_queue)) == ["involve-daily-2026-06-01"]

    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)
    worker.work(burst=True, with_scheduler=True)

    db.session.expire_all()
    assert db.session.get(Member, member.id).status == "lapsed"
    assert list(scheduled(redis_queue)) == ["involve-daily-2026-06-02"]
