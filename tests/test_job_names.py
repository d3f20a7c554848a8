"""Background jobs are enqueued by name: every name the code enqueues is declared, and an unknown one is refused."""

import re
from pathlib import Path

import pytest

from app import jobs

APP = Path(__file__).resolve().parents[1] / "app"
ENQUEUED = re.compile(r"""\benqueue(?:_many|_in)?\((?:[^()"']*,\s*)?["']([a-z_]+\.[a-z_]+)["']""")


def _names_enqueued() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        found.update(ENQUEUED.findall(path.read_text()))
    return found


def test_every_job_name_the_code_enqueues_is_declared(app):
    enqueued = _names_enqueued()
    assert {"bulletins.send_batch", "bulletins.refresh_stats", "panels.run_draw"} <= enqueued
    assert enqueued <= set(jobs.names())


def test_a_job_enqueued_by_name_runs_inline_without_redis(app, monkeypatch):
    ran = []
    monkeypatch.setitem(jobs._JOBS, "tests.record", lambda *args: ran.append(args))
    app.config["REDIS_URL"] = ""
    assert jobs.enqueue("tests.record", 1, 2) is None
    jobs.enqueue_many("tests.record", [(3,), (4,)])
    assert ran == [(1, 2), (3,), (4,)]


def test_an_unknown_job_name_is_refused_before_anything_is_queued(app):
    with pytest.raises(LookupError, match="No background job is named 'bulletins.sendbatch'"):
        jobs.enqueue("bulletins.sendbatch", 1)


def test_two_jobs_cannot_share_a_name(app):
    @jobs.job("tests.once")
    def first():
        return None

    try:
        with pytest.raises(ValueError, match="Two background jobs are named 'tests.once'"):

            @jobs.job("tests.once")
            def second():
                return None
    finally:
        jobs._JOBS.pop("tests.once", None)
