"""The scheduled review: from the command line, and as a job on a real RQ queue."""

import os
from datetime import date, datetime

import pytest

from app import clock
from app.jobs import enqueue
from app.rosters.tasks import review_memberships
from tests.factories import create_member
from tests.rosters.factories import add, create_roster

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/6")


@pytest.fixture
def config_overrides():
    return {"REDIS_URL": REDIS_URL, "RQ_QUEUE": "involve-rosters-test"}


@pytest.fixture
def redis_db():
    from redis import Redis

    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def _due_roster(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 1, 1, 9, 0))
    roster = create_roster(term_months=1)
    add(roster, create_member(), starts_on=date(2025, 12, 20))


def test_review_runs_as_an_rq_job(app, redis_db, monkeypatch):
    from rq import SimpleWorker

    _due_roster(monkeypatch)
    job = enqueue(review_memberships, 30)
    assert job is not None and job.get_status() == "queued"
    SimpleWorker([job.origin], connection=redis_db).work(burst=True)
    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value()["renewal_due"] == 1


def test_review_command_prints_counts(app, monkeypatch):
    app.config["REDIS_URL"] = ""
    _due_roster(monkeypatch)
    result = app.test_cli_runner().invoke(args=["rosters", "review", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "renewal_due: 1" in result.output and "aged_out: 0" in result.output
