"""The daily housekeeping job, scheduled without cron.

Choice: when REDIS_URL is set, `flask worker` starts RQ's built-in scheduler
(Worker.work(with_scheduler=True)) and calls schedule_daily(), which puts one
job on the queue for the next run time (DAILY_RUN_HOUR UTC). The job runs the
housekeeping and then schedules the next day's run itself, so it keeps going as
long as any worker runs. Job ids carry the date ("involve-daily-2026-11-23"):
several workers starting, or a worker restarting, schedule the same job id
again instead of a second job, and the tasks themselves are safe to repeat.
Without Redis there is no worker: run `flask maintenance daily` from cron or a
systemd timer instead.

Bulletin readership figures are refreshed the same way every READERSHIP_MINUTES
(job ids carry the time slot, "involve-readership-2026-11-23T0815"), so reports
keep up with opens and clicks within a minute without anyone asking; `flask worker` starts that
chain too. Without Redis, `flask maintenance readership` from cron does it.
"""

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app

from app.jobs import with_app_context

log = logging.getLogger(__name__)

DAILY_RUN_HOUR = 3  # 03:00 UTC, outside office hours and before morning sends
READERSHIP_MINUTES = 1


def next_run_at(after: datetime) -> datetime:
    """The next DAILY_RUN_HOUR o'clock (UTC, naive) strictly after `after`."""
    run = after.replace(hour=DAILY_RUN_HOUR, minute=0, second=0, microsecond=0)
    return run if run > after else run + timedelta(days=1)


def job_id_for(run_at: datetime) -> str:
    return f"involve-daily-{run_at.date().isoformat()}"


def schedule_daily(after: datetime | None = None):
    """Make sure the next daily run is scheduled on RQ; returns the job, or None without Redis."""
    from app.clock import now
    from app.jobs import queue

    if not current_app.config.get("REDIS_URL"):
        return None
    run_at = next_run_at(after or now())
    q = queue()
    job_id = job_id_for(run_at)
    existing = q.fetch_job(job_id)
    if existing is not None and existing.get_status(refresh=True) in ("scheduled", "queued", "started"):
        return existing
    return q.enqueue_at(run_at.replace(tzinfo=UTC), daily_job, job_id=job_id, job_timeout=6 * 3600)


@with_app_context
def daily_job():
    """The RQ job: run the daily housekeeping, then schedule tomorrow's run."""
    from app.clock import now
    from app.maintenance.services import run_daily

    try:
        results = run_daily()
        log.info("daily housekeeping done: %s", results)
        return results
    finally:
        schedule_daily(after=now())


def next_readership_run_at(after: datetime) -> datetime:
    """The next READERSHIP_MINUTES boundary (UTC, naive) strictly after `after`."""
    start = after.replace(minute=0, second=0, microsecond=0)
    steps = (after - start) // timedelta(minutes=READERSHIP_MINUTES) + 1
    return start + steps * timedelta(minutes=READERSHIP_MINUTES)


def schedule_readership_refresh(after: datetime | None = None):
    """Make sure the next readership refresh is scheduled on RQ; returns the job, or None without Redis."""
    from app.clock import now
    from app.jobs import queue

    if not current_app.config.get("REDIS_URL"):
        return None
    run_at = next_readership_run_at(after or now())
    q = queue()
    job_id = f"involve-readership-{run_at.strftime('%Y-%m-%dT%H%M')}"
    existing = q.fetch_job(job_id)
    if existing is not None and existing.get_status(refresh=True) in ("scheduled", "queued", "started"):
        return existing
    return q.enqueue_at(run_at.replace(tzinfo=UTC), readership_job, job_id=job_id, job_timeout=3600)


@with_app_context
def readership_job():
    """The RQ job: refresh recent campaigns' readership figures, then schedule the next run."""
    from app.clock import now
    from app.newsletters.reports import refresh_recent

    try:
        return refresh_recent()
    finally:
        schedule_readership_refresh(after=now())
