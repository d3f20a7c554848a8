"""Jobs run one after another in a worker's application context: one failing leaves the next unharmed."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import jobs
from app.extensions import db
from app.newsletters.models import WebhookBatch


def test_a_job_that_fails_part_way_leaves_the_next_job_a_working_database_session(app):
    def write_half_a_row():
        db.session.add(WebhookBatch(provider="sendgrid", body=None))
        db.session.flush()

    def count_batches():
        return db.session.scalar(select(func.count()).select_from(WebhookBatch))

    with pytest.raises(IntegrityError):
        jobs.with_app_context(write_half_a_row)()
    assert jobs.with_app_context(count_batches)() == 0
