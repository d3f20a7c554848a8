"""Sending a bulletin while its parts fail, counted at the far end.

`run` starts RQ workers, starts the send, and supervises it as a process manager and cron
would: dead workers are started again and the sweeper runs every second. Meanwhile, at
random moments, it SIGKILLs a worker, restarts Redis (losing every queued job) or, on
PostgreSQL, terminates every database connection; the local SendGrid server refuses
(429, 500) or answers too late (a timeout) for a share of requests. When the campaign is
`sent` it returns the figures: faults of each kind, messages per recipient as the server
counted them, rows left in `sending`, time taken. It asserts nothing but a time limit:
the caller judges the figures.
"""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.newsletters import batches, sending, sweeper
from app.newsletters.models import Campaign, Delivery
from tests.support.worker import SENDING, Worker

KILL_WORKER = "kill_worker"
RESTART_REDIS = "restart_redis"
KILL_CONNECTIONS = "kill_connections"
PROVIDER_FAULTS = ("429", "500", "slow")


def fault_kinds(database_url: str) -> tuple[str, ...]:
    """The faults `run` injects itself against this database (connections are killed on PostgreSQL only)."""
    kinds = (KILL_WORKER, RESTART_REDIS)
    return (*kinds, KILL_CONNECTIONS) if database_url.startswith("postgresql") else kinds


@dataclass
class Figures:
    recipients: int
    seconds: float = 0.0
    status: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    faults: Counter = field(default_factory=Counter)
    duplicates: int = 0  # messages beyond the first one, over every recipient
    missing: int = 0  # recipients the server received nothing for
    unexpected: int = 0  # messages to anyone who is not a recipient
    in_sending: int = 0
    worker_restarts: int = 0
    sweeps: int = 0
    sweeps_interrupted: int = 0
    sweep_errors: list[str] = field(default_factory=list)  # sweeps that failed other than on a lost database or Redis
    batches_interrupted: int = 0  # batches that stopped on a lost database or Redis (from the workers' logs)
    last_fault: float = 0.0  # seconds from the start to the last process fault

    def lines(self) -> list[str]:
        faults = ", ".join(f"{kind} {n}" for kind, n in sorted(self.faults.items())) or "none"
        return [
            f"recipients: {self.recipients}, campaign {self.status} in {self.seconds:.1f} s",
            f"faults: {faults}",
            f"duplicates: {self.duplicates}, missing: {self.missing}, unexpected: {self.unexpected}, "
            f"left in sending: {self.in_sending}",
            f"deliveries: {dict(sorted(self.statuses.items()))}",
            f"workers restarted: {self.worker_restarts}, batches interrupted: {self.batches_interrupted}, "
            f"sweeps: {self.sweeps} ({self.sweeps_interrupted} interrupted, failed: {self.sweep_errors or 'none'}), "
            f"last process fault at {self.last_fault:.1f} s",
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def insert_recipients(n: int, prefix: str = "reader") -> list[str]:
    """`n` active members with a live bulletin consent, inserted in bulk; returns their addresses."""
    from app.clock import now
    from app.members.models import Consent, Member

    at = now()
    emails = [f"{prefix}{i}@example.org" for i in range(n)]
    db.session.execute(
        sa.insert(Member),
        [
            {
                "email": email,
                "email_normalised": email,
                "first_name": f"Reader{i}",
                "status": "active",
                "created_at": at,
                "status_changed_at": at,
                "last_activity_at": at,
                "communication_needs": [],
            }
            for i, email in enumerate(emails)
        ],
    )
    ids = db.session.scalars(sa.select(Member.id).where(Member.email.in_(emails))).all()
    db.session.execute(
        sa.insert(Consent),
        [
            {
                "member_id": i,
                "purpose": "bulletin",
                "method": "import",
                "wording": "w",
                "wording_version": "1",
                "given_at": at,
            }
            for i in ids
        ],
    )
    db.session.commit()
    return emails


class _Faults:
    """Injects the process faults, each kind in turn of a shuffled round, so none is left out for long."""

    def __init__(self, kinds, rng: random.Random, workers: list[Worker], redis, database_url: str):
        self.kinds = kinds
        self.rng = rng
        self.workers = workers
        self.redis = redis
        self.round: list[str] = []
        self.injected: Counter = Counter()
        self.last_at: float | None = None
        self.admin = sa.create_engine(database_url, poolclass=NullPool) if KILL_CONNECTIONS in kinds else None

    def inject(self) -> str:
        """Inject the next fault; returns what was done."""
        if not self.round:
            self.round = list(self.kinds)
            self.rng.shuffle(self.round)
        kind = self.round.pop()
        done = getattr(self, kind)()
        if done:
            self.injected[kind] += 1
            self.last_at = time.monotonic()
        else:
            self.round.append(kind)  # nothing to hit yet (every worker starting up): this kind goes next
        return f"{kind} ({done})"

    def kill_worker(self) -> str:
        """SIGKILL a worker in the middle of a batch if one is, else one that has finished starting up."""
        alive = [w for w in self.workers if w.running]
        holding = _holding_claims()
        candidates = [w for w in alive if w.process.pid in holding] or [
            w for w in alive if time.monotonic() - w.started_at > STARTUP_SECONDS
        ]
        if not candidates:
            return ""
        victim = self.rng.choice(candidates)
        pid = victim.process.pid
        victim.kill()
        return f"pid {pid}{' holding a claim' if pid in holding else ''}"

    def restart_redis(self) -> str:
        self.redis.restart()
        return "restarted"

    def kill_connections(self) -> str:
        with self.admin.connect() as conn:
            killed = conn.execute(
                sa.text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend'"
                )
            ).scalar()
            conn.commit()
        return f"{killed} connections" if killed else ""

    def close(self) -> None:
        if self.admin is not None:
            self.admin.dispose()


# A worker this young is still importing the app: killing it would only slow the send down.
STARTUP_SECONDS = 3.0


def _holding_claims() -> set[int]:
    """Process ids of the workers that hold claimed rows right now."""
    try:
        ids = db.session.scalars(sa.select(Delivery.worker_id).where(Delivery.status == "sending").distinct()).all()
        db.session.commit()
    except batches.INTERRUPTIONS:
        db.session.rollback()
        return set()
    return {int(pid) for pid in (i.rpartition(":")[2] for i in ids if i) if pid.isdecimal()}


class _Journal:
    """What the supervisor did and when, to read beside the workers' logs when a run goes wrong."""

    def __init__(self, path: Path | None):
        self.file = open(path, "a") if path is not None else None  # noqa: SIM115 - closed by close()
        self.since = time.monotonic()
        self.lock = threading.Lock()

    def note(self, text: str) -> None:
        if self.file is not None:
            with self.lock:
                self.file.write(f"{time.monotonic() - self.since:8.2f} {text}\n")
                self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class _Sweeper(threading.Thread):
    """The sweeper every second, as cron would run it: in a thread of its own, so a slow sweep
    (a backlog of webhook events to record) never holds up the faults or the worker restarts."""

    def __init__(self, app, journal: _Journal):
        super().__init__(name="sweeper", daemon=True)
        self.app = app
        self.journal = journal
        self.stopping = threading.Event()
        self.sweeps = 0
        self.interrupted = 0
        self.errors: list[str] = []

    def run(self) -> None:
        with self.app.app_context():
            while not self.stopping.wait(1.0):
                try:
                    settled = sweeper.sweep()
                    self.sweeps += 1
                    if any(settled.values()):
                        self.journal.note(f"sweep: {settled}")
                except batches.INTERRUPTIONS as exc:
                    db.session.rollback()
                    self.interrupted += 1
                    self.journal.note(f"sweep interrupted by {type(exc).__name__}")
                except Exception as exc:  # noqa: BLE001 - reported in the figures, for the caller to judge
                    db.session.rollback()
                    self.errors.append(type(exc).__name__)
                    self.journal.note(f"sweep failed: {type(exc).__name__}: {exc}")
            db.session.remove()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)


def run(
    app,
    campaign_id: int,
    emails: list[str],
    sendgrid,
    redis,
    rng: random.Random,
    workers: int = 2,
    fault_seconds: tuple[float, float] | None = (1.0, 3.0),
    fault_window: float = float("inf"),
    provider_fault_rate: float = 0.0,
    provider_delay: float = 0.0,
    timeout: float = 60.0,
    log_dir: Path | None = None,
) -> Figures:
    """Send `campaign_id` through `workers` RQ workers under fire; the figures once it is `sent`.

        `fault_seconds` is the range the pause between two process faults is drawn from (None: no
        process faults) and `fault_window` how long from the start they go on, after which the send
    must recover and finish; `provider_fault_rate` the share of provider requests refused or answered
        late; `provider_delay` the time the provider takes over every request. `sendgrid` must
        post its events to the app's webhook. Raises TimeoutError, with the figures so far, if the
        campaign is not sent within `timeout` seconds.
    """
    app.config["REDIS_URL"] = redis.url
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    journal = _Journal(log_dir / "supervisor.log" if log_dir is not None else None)
    started_workers = 0

    def new_worker() -> Worker:
        nonlocal started_workers
        started_workers += 1
        log = log_dir / f"worker-{started_workers}.log" if log_dir is not None else None
        return Worker(app, settings=SENDING, log=log).start()

    sendgrid.fault_rate = provider_fault_rate
    sendgrid.fault_rng = random.Random(rng.random())
    sendgrid.delay = provider_delay
    pool = [new_worker() for _ in range(workers)]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    faults = _Faults(fault_kinds(url), rng, pool, redis, url)
    sweeps = _Sweeper(app, journal)
    figures = Figures(recipients=len(emails))
    started = time.monotonic()
    try:
        # Workers are running when a send starts, as in production: their start-up is not timed.
        _wait_for_workers(redis.url, pool)
        started = journal.since = time.monotonic()
        sending.start_send(campaign_id)
        journal.note(f"campaign {campaign_id} started")
        sweeps.start()
        next_fault = started + rng.uniform(*fault_seconds) if fault_seconds else float("inf")
        while _status(campaign_id) != "sent":
            moment = time.monotonic()
            if moment - started > timeout:
                break
            for index, worker in enumerate(pool):
                if not worker.running:
                    journal.note(f"worker {worker.process.pid} exited with {worker.process.returncode}; started again")
                    worker.stop()
                    pool[index] = new_worker()
                    figures.worker_restarts += 1
            if moment >= next_fault and moment - started < fault_window:
                journal.note(f"fault: {faults.inject()}")
                next_fault = moment + rng.uniform(*fault_seconds)
            time.sleep(0.1)
        figures.seconds = time.monotonic() - started
    finally:
        for worker in pool:
            worker.stop()
        if sweeps.is_alive():
            sweeps.stop()
        faults.close()
        journal.note("stopped")
        journal.close()
    # A request already on its way when the workers stopped is counted once it lands.
    time.sleep(0.5 + 2 * provider_delay)
    figures.sweeps, figures.sweeps_interrupted, figures.sweep_errors = sweeps.sweeps, sweeps.interrupted, sweeps.errors
    _count(figures, campaign_id, emails, sendgrid, faults, log_dir, started)
    if figures.status != "sent":
        raise TimeoutError(f"campaign not sent within {timeout:.0f} s (logs: {log_dir})\n{figures}")
    return figures


def _wait_for_workers(url: str, pool: list[Worker], seconds: float = 60.0) -> None:
    """Until every worker of `pool` has registered with Redis (workers killed before may still be listed)."""
    from redis import Redis
    from rq import Worker

    ours = {w.process.pid for w in pool}
    connection = Redis.from_url(url)
    deadline = time.monotonic() + seconds
    try:
        while not ours <= {w.pid for w in Worker.all(connection=connection)}:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the workers had not started within {seconds:.0f} s")
            time.sleep(0.1)
    finally:
        connection.close()


def _status(campaign_id: int) -> str | None:
    try:
        status = db.session.scalar(sa.select(Campaign.status).where(Campaign.id == campaign_id))
        db.session.commit()
        return status
    except batches.INTERRUPTIONS:
        db.session.rollback()
        return None


def _count(
    figures: Figures, campaign_id: int, emails: list[str], sendgrid, faults: _Faults, log_dir, started: float
) -> None:
    db.session.rollback()
    figures.statuses = dict(
        db.session.execute(
            sa.select(Delivery.status, sa.func.count())
            .where(Delivery.campaign_id == campaign_id)
            .group_by(Delivery.status)
        ).all()
    )
    figures.status = db.session.scalar(sa.select(Campaign.status).where(Campaign.id == campaign_id))
    db.session.commit()
    figures.in_sending = figures.statuses.get("sending", 0)
    received = sendgrid.counts()
    wanted = set(emails)
    figures.duplicates = sum(max(0, received[e] - 1) for e in wanted)
    figures.missing = sum(1 for e in wanted if not received[e])
    figures.unexpected = sum(n for e, n in received.items() if e not in wanted)
    figures.faults = Counter(faults.injected)
    figures.faults.update({kind: n for kind, n in sendgrid.faults.items() if n})
    if faults.last_at is not None:
        figures.last_fault = faults.last_at - started
    if log_dir is not None:
        figures.batches_interrupted = sum(
            path.read_text(errors="replace").count("interrupted by") for path in Path(log_dir).glob("worker-*.log")
        )
