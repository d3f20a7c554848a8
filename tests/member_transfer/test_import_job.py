"""A big file is checked and imported by an RQ worker, with progress for the page to show."""

import io
import os
import re

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.members.import_models import ImportBatch
from app.members.models import Consent, Member
from tests.factories import create_staff_user, csrf_token, login

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/3")


@pytest.fixture
def config_overrides(tmp_path):
    return {
        "IMPORT_DIR": str(tmp_path / "imports"),
        "REDIS_URL": REDIS_URL,
        "RQ_QUEUE": "involve-test-imports",
        "IMPORT_INLINE_MAX_ROWS": 5,
    }


@pytest.fixture
def redis_db():
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def work(app, connection):
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)


def status(client, batch_id):
    return client.get(f"/staff/members/import/{batch_id}/status").get_json()


@pytest.mark.redis
def test_big_file_runs_on_a_worker_with_progress(client, app, redis_db):
    staff = create_staff_user("engagement")
    login(client, staff)
    lines = [f"person{i}@example.org,Person,{i}" for i in range(12)]
    lines.append("not-an-email,Bad,Row")
    lines.append("PERSON0@example.org,Again,Zero")
    content = ("Email,First name,Last name\r\n" + "\r\n".join(lines) + "\r\n").encode()
    page = client.get("/staff/members/import")
    uploaded = client.post(
        "/staff/members/import",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "file": (io.BytesIO(content), "big.csv"),
            "purposes": ["bulletin"],
            "method": "paper",
            "existing": "skip",
            "bad_rows": "skip",
        },
        content_type="multipart/form-data",
    )
    batch = db.session.scalar(db.select(ImportBatch))
    columns_page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    checking = client.post(
        uploaded.headers["Location"],
        data={
            "csrf_token": csrf_token(columns_page),
            "map_email": "Email",
            "map_first_name": "First name",
            "map_last_name": "Last name",
        },
    )

    assert checking.headers["Location"].endswith(f"/import/{batch.id}/progress")
    progress_page = client.get(checking.headers["Location"]).get_data(as_text=True)
    assert f'data-progress-url="/staff/members/import/{batch.id}/status"' in progress_page
    waiting = status(client, batch.id)
    assert waiting["finished"] is False and waiting["next_url"] is None

    work(app, redis_db)

    checked = status(client, batch.id)
    assert checked["finished"] is True
    assert checked["next_url"] == f"/staff/members/import/{batch.id}"
    preview = client.get(checked["next_url"]).get_data(as_text=True)
    assert 'data-count="new">12<' in preview
    assert re.search(r">14</td>\s*<td[^>]*>Email address is not in the correct format", preview)
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0

    commit_url = re.search(r'action="([^"]+/commit)"', preview).group(1)
    importing = client.post(commit_url, data={"csrf_token": csrf_token(preview)})
    assert importing.headers["Location"].endswith("/progress")
    db.session.expire_all()
    job_id = db.session.get(ImportBatch, batch.id).job_id

    work(app, redis_db)

    from rq.job import Job

    job = Job.fetch(job_id, connection=redis_db)
    assert (job.meta["done"], job.meta["total"]) == (14, 14)
    finished = status(client, batch.id)
    assert finished["finished"] is True and finished["done"] == finished["total"] == 14
    result = client.get(finished["next_url"]).get_data(as_text=True)
    assert "12 new members added" in result
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 12
    assert db.session.scalar(db.select(db.func.count()).select_from(Consent)) == 12
    assert os.listdir(app.config["IMPORT_DIR"]) == []
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "import"))
    assert entry.staff_user_id == staff.id
    assert entry.detail == "rows: 14; new: 12; updated: 0; skipped: 1; bad: 1"
