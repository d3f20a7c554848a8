"""An import whose worker is SIGKILLed while it checks and while it writes imports every row once, or none."""

import os
import random
import time
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.members import import_batches as batches
from app.members.import_batches import IMPORT_RETRIES
from app.members.models import Member
from tests.factories import create_staff_user, login
from tests.support import import_chaos
from tests.support.worker import Worker

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/5")
ROWS = 30_000


@pytest.fixture
def config_overrides(tmp_path):
    return {
        "IMPORT_DIR": str(tmp_path / "imports"),
        "REDIS_URL": REDIS_URL,
        "RQ_QUEUE": f"involve-test-chaos-{uuid.uuid4().hex[:8]}",
        "IMPORT_INLINE_MAX_ROWS": 1000,
    }


@pytest.mark.redis
@pytest.mark.parametrize("seed", [2026, 1948])
def test_a_worker_killed_while_checking_and_writing_leaves_none_or_all_and_finishes(app, tmp_path, seed):
    rng = random.Random(seed)
    staff = create_staff_user("engagement")
    path = import_chaos.write_members(tmp_path / "members.csv", ROWS, rng)

    result = import_chaos.run(app, path, staff.id, IMPORT_RETRIES, rng, timeout=90, log=tmp_path / "worker.log")

    # run() has checked that each kill left none or all, and that every row is a member once.
    phases = [kill.phase for kill in result.kills]
    assert "checking" in phases and "writing" in phases, result.kills
    # At least one kill cut a write short: nothing of it was left, and the batch was still importing.
    assert any(k.phase == "writing" and k.members == 0 and k.status == "importing" for k in result.kills), result
    assert result.worker_starts == len(result.kills) + 1


@pytest.mark.redis
def test_an_import_whose_worker_dies_more_often_than_it_is_retried_fails_with_nothing_imported(app, client, tmp_path):
    rng = random.Random(77)
    staff = create_staff_user("engagement")
    path = import_chaos.write_members(tmp_path / "members.csv", 12_000, rng)
    rows = import_chaos.rows_in(path)
    worker = Worker(app, settings=("IMPORT_DIR",), log=tmp_path / "worker.log").start()
    try:
        batch_id = import_chaos.upload(path, staff.id)
        result = import_chaos.Result(rows=rows, seconds=0.0)
        chaos = import_chaos.Chaos(app, batch_id, worker, time.monotonic() + 90, result, rows)
        batches.request_check(batches.get_batch(batch_id))
        chaos.wait_for("checked")
        batches.request_import(batches.get_batch(batch_id))
        for _ in range(IMPORT_RETRIES + 1):
            chaos.kill_in("planning", rng, done=("imported",))
        assert len(result.kills) == IMPORT_RETRIES + 1 and {k.members for k in result.kills} == {0}

        # The restarted worker finds the job out of retries and RQ fails it; the progress page says so.
        login(client, staff)
        deadline = time.monotonic() + 30
        while not (progress := client.get(f"/staff/members/import/{batch_id}/status").get_json())["finished"]:
            assert time.monotonic() < deadline, progress
            time.sleep(0.1)
    finally:
        worker.stop()
    assert progress["message"] == "The job failed. Nothing was imported."
    page = client.get(progress["next_url"]).get_data(as_text=True)
    assert "The import did not finish" in page
    assert "The background worker stopped every time it worked on this file. Nothing was imported" in page
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0
    assert os.listdir(app.config["IMPORT_DIR"]) == []
