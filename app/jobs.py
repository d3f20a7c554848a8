"""Background jobs: RQ on Redis when REDIS_URL is set, otherwise run inline.

A job receives ids, reloads state and checks it first, so running it twice is
harmless. Jobs run inside an application context: the worker pushes one, and
inline jobs run in the caller's.
"""

import functools
import logging

from flask import current_app, has_app_context

log = logging.getLogger(__name__)


def queue():
    from redis import Redis
    from rq import Queue

    url = current_app.config["REDIS_URL"]
    return Queue(current_app.config["RQ_QUEUE"], connection=Redis.from_url(url))


def enqueue(func, *args, job_timeout: int = 3600, **kwargs):
    """Run `func` on a worker if Redis is configured, else now. Returns the RQ job or None."""
    if current_app.config.get("REDIS_URL"):
        return queue().enqueue(func, *args, job_timeout=job_timeout, **kwargs)
    func(*args, **kwargs)
    return None


def enqueue_many(func, arg_lists: list[tuple], job_timeout: int = 3600) -> None:
    """`enqueue` for many calls of `func` at once: one round trip to Redis, or each run now inline."""
    if not current_app.config.get("REDIS_URL"):
        for args in arg_lists:
            func(*args)
        return
    from rq import Queue

    q = queue()
    with q.connection.pipeline() as pipe:
        q.enqueue_many([Queue.prepare_data(func, args, timeout=job_timeout) for args in arg_lists], pipeline=pipe)
        pipe.execute()


def enqueue_in(seconds: float, func, *args, job_timeout: int = 3600, **kwargs):
    """Run `func` on a worker after `seconds` (RQ's scheduler, which `flask worker` runs); needs Redis."""
    from datetime import timedelta

    return queue().enqueue_in(timedelta(seconds=seconds), func, *args, job_timeout=job_timeout, **kwargs)


def fetch_job(job_id: str):
    from redis import Redis
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    if not current_app.config.get("REDIS_URL"):
        return None
    try:
        return Job.fetch(job_id, connection=Redis.from_url(current_app.config["REDIS_URL"]))
    except NoSuchJobError:
        return None


def report_progress(done: int, total: int, **extra) -> None:
    """Record progress on the current RQ job (a no-op when running inline)."""
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        return
    job.meta.update({"done": done, "total": total, **extra})
    job.save_meta()


def with_app_context(func):
    """Give a job an application context when the worker has none."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        from app import create_app

        with create_app().app_context():
            return func(*args, **kwargs)

    return wrapper
