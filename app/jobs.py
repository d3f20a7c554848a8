"""Background jobs: RQ on Redis when REDIS_URL is set, otherwise run inline.

A job receives ids, reloads state and checks it first, so running it twice is
harmless. Jobs run inside an application context: the worker pushes one, and
inline jobs run in the caller's.

Jobs are enqueued by name. A domain declares its jobs in its `tasks.py` with
`@job("bulletins.send_batch")`; whoever starts the work (a service, the sweeper,
a webhook) enqueues the name, so the modules that do the work never import the
module that schedules it, and the worker finds the function where it was declared.
`create_app` imports every `tasks.py`, so each name is known in the web process and
in `flask worker` alike.
"""

import functools
import logging
from collections.abc import Callable

from flask import current_app, has_app_context

log = logging.getLogger(__name__)


def queue():
    from redis import Redis
    from rq import Queue

    url = current_app.config["REDIS_URL"]
    return Queue(current_app.config["RQ_QUEUE"], connection=Redis.from_url(url))


_JOBS: dict[str, Callable] = {}


def job(name: str):
    """Declare the decorated function as the background job `name` (run in an application context)."""

    def declare(func):
        wrapped = with_app_context(func)
        known = _JOBS.get(name)
        if known is not None and known.__qualname__ != wrapped.__qualname__:
            raise ValueError(f"Two background jobs are named {name!r}")
        _JOBS[name] = wrapped
        return wrapped

    return declare


def named(name: str) -> Callable:
    """The job declared as `name`."""
    try:
        return _JOBS[name]
    except KeyError:
        raise LookupError(f"No background job is named {name!r}; known: {', '.join(sorted(_JOBS))}") from None


def names() -> list[str]:
    return sorted(_JOBS)


def _resolve(func: "Callable | str") -> Callable:
    return named(func) if isinstance(func, str) else func


def enqueue(func, *args, job_timeout: int = 3600, **kwargs):
    """Run `func` (a job's name, or a function) on a worker if Redis is configured, else now.

    Returns the RQ job, or None when it ran inline.
    """
    func = _resolve(func)
    if current_app.config.get("REDIS_URL"):
        return queue().enqueue(func, *args, job_timeout=job_timeout, **kwargs)
    func(*args, **kwargs)
    return None


def enqueue_many(func, arg_lists: list[tuple], job_timeout: int = 3600) -> None:
    """`enqueue` for many calls of `func` at once: one round trip to Redis, or each run now inline."""
    func = _resolve(func)
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

    func = _resolve(func)
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
            try:
                return func(*args, **kwargs)
            except BaseException:
                # A worker runs job after job in one application context: a job that failed
                # part-way (a dropped connection, a refused write) must not hand its broken
                # transaction to the next, which would then fail before it began.
                from app.extensions import db

                db.session.rollback()
                raise
        from app import create_app

        with create_app().app_context():
            return func(*args, **kwargs)

    return wrapper
