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
import os
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


def enqueue(func, *args, job_timeout: int = 3600, retry=None, job_id: str | None = None, **kwargs):
    """Run `func` (a job's name, or a function) on a worker if Redis is configured, else now.

    `retry` (an `rq.Retry`) runs the job again after it fails or its worker dies, and
    `job_id` names the RQ job; inline, the job runs once, now, and both are ignored.
    Returns the RQ job, or None when it ran inline.
    """
    func = _resolve(func)
    if current_app.config.get("REDIS_URL"):
        return queue().enqueue(func, *args, job_timeout=job_timeout, retry=retry, job_id=job_id, **kwargs)
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


def recover_abandoned(q) -> int:
    """Hand back to RQ, as abandoned, the jobs that a worker on this machine was running when it died.

    RQ finds a dead worker's job only when its lease runs out: for a worker that runs jobs in
    its own process that is the job's whole time limit (an hour for an import), and then at
    the next maintenance, up to ten minutes on. A worker started after a crash on the same
    machine knows better: the process is gone. Its jobs are marked expired and RQ's own
    cleanup of started jobs does the rest, retrying each while it has retries left and
    failing it after that. Returns how many jobs were handed back.
    """
    import socket

    from rq.executions import Execution
    from rq.registry import StartedJobRegistry
    from rq.worker import Worker

    connection = q.connection
    # Two workers starting together would both retry the same job.
    if not connection.set(f"involve:recovering:{q.name}", os.getpid(), nx=True, ex=60):
        return 0
    try:
        registry = StartedJobRegistry(queue=q)
        host = socket.gethostname()
        dead = []
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            try:
                worker_name = Execution.fetch(execution_id, job_id, connection).worker_name
            except ValueError:
                worker_name = ""  # the execution's own record has expired: nobody is keeping it alive
            if not worker_name or _worker_died_here(
                connection, Worker.redis_worker_namespace_prefix + worker_name, host
            ):
                dead.append(f"{job_id}:{execution_id}")
        if dead:
            log.warning("handing back %s job(s) of workers that died on this machine", len(dead))
            connection.zadd(registry.key, dict.fromkeys(dead, 0), xx=True)
            registry.cleanup()
        return len(dead)
    finally:
        connection.delete(f"involve:recovering:{q.name}")


def _worker_died_here(connection, key: str, host: str) -> bool:
    hostname, pid = connection.hmget(key, "hostname", "pid")
    if hostname is None or pid is None:
        return True  # the worker's record has expired: it stopped sending heartbeats
    if hostname.decode() != host:
        return False  # another machine's worker: RQ's lease decides
    pid = int(pid)
    if pid == os.getpid():
        return True  # a restarted container can give the new worker the dead one's process id
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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


# How a worker with no application context (a plain `rq worker`) makes one: set by the app
# package itself, which Python imports before any job module, so this module imports no domain.
_make_app: Callable | None = None


def set_app_factory(factory: Callable) -> None:
    global _make_app
    _make_app = factory


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
        if _make_app is None:
            raise RuntimeError("A background job needs the app: import the app package first")
        with _make_app().app_context():
            return func(*args, **kwargs)

    return wrapper
