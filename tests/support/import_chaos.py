"""A member import run by a real worker that is SIGKILLed part-way, again and again.

`run` uploads a file, asks for it to be checked and imported as staff do, and kills
the worker at random points while it checks the file and while it writes the rows,
restarting it each time. After every kill the members the import has written are
counted: none or all, never some. At the end every row must be a member exactly once,
with its consents, and the import must have survived no more kills than it is retried.
"""

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import distinct, func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.members import import_batches as batches
from app.members.importer import ImportOptions
from app.members.models import Consent, Member
from tests.support.worker import Worker

PURPOSES = ["bulletin", "involvement"]
HEADER = "Email,First name,Surname,Postcode,Date of birth,Contact type"
FIRST = ["Amelia", "Olivia", "Mohammed", "Noah", "Zoë", "Siobhán", "Harpreet", "Kwame", "Wei"]
LAST = ["Smith", "Jones", "Singh", "Khan", "O'Brien", "Nowak", "Okafor", "Müller", "Evans"]
OUTWARD = ["WV1", "WV2", "WV3", "WV6", "WV10", "B1", "DY1"]
# Where a kill lands: the check job reading the file; the import job reading and checking it
# again before it writes; the import job writing rows.
PHASES = ("checking", "planning", "writing")
# How long after a phase is first seen the kill comes, at most (seconds).
DELAY = {"checking": 0.6, "planning": 0.4, "writing": 0.05}


def write_members(path: Path, rows: int, rng: random.Random) -> Path:
    """A file of `rows` good members, each with its own address."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\r\n")
        for i in range(rows):
            postcode = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
            born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1930, 2008)}"
            handle.write(
                f"person{i}@example.org,{rng.choice(FIRST)},{rng.choice(LAST)},{postcode},{born},"
                f"{rng.choice(['', 'resident', 'carer'])}\r\n"
            )
    return path


@dataclass
class Kill:
    phase: str  # what the worker was doing when it was killed
    after: float  # seconds after that phase was first seen
    status: str  # the batch's status just after the kill
    members: int  # members in the database just after the kill


@dataclass
class Result:
    rows: int
    seconds: float
    kills: list[Kill] = field(default_factory=list)
    members: int = 0
    emails: int = 0
    consents: int = 0
    worker_starts: int = 0


def plan_kills(kills: int, rng: random.Random) -> list[str]:
    """`kills` phases in the order they come: at least one while checking and one while writing."""
    if kills <= 0:
        return []
    chosen = ["writing"] if kills == 1 else ["checking", "writing"]
    chosen += [rng.choice(PHASES) for _ in range(kills - len(chosen))]
    return sorted(chosen, key=PHASES.index)


def _counts() -> tuple[int, int, int]:
    members = db.session.scalar(select(func.count()).select_from(Member))
    emails = db.session.scalar(select(func.count(distinct(Member.email_normalised))))
    consents = db.session.scalar(select(func.count()).select_from(Consent))
    db.session.commit()  # end the read, so no snapshot is held while the worker writes
    return members, emails, consents


def _batch(batch_id: int):
    db.session.expire_all()
    batch = batches.get_batch(batch_id)
    state = (batch.status, batch.job_id)
    db.session.commit()
    return state


def _phase(status: str, meta: dict) -> str | None:
    message = meta.get("message", "")
    if status == "checking" and message == "Checking every row":
        return "checking"
    if status == "importing" and message in ("Reading the file", "Checking every row"):
        return "planning"
    if status == "importing" and message.startswith("Imported"):
        return "writing"
    return None


class Chaos:
    def __init__(self, app, batch_id: int, worker: Worker, deadline: float, result: Result, expected: int):
        self.app, self.batch_id, self.worker, self.deadline = app, batch_id, worker, deadline
        self.result, self.expected = result, expected
        self.redis = Redis.from_url(app.config["REDIS_URL"])

    def _meta(self, job_id: str | None) -> dict:
        if not job_id:
            return {}
        try:
            return Job.fetch(job_id, connection=self.redis).get_meta() or {}
        except NoSuchJobError:  # not queued yet
            return {}

    def _check_time(self, waiting_for: str) -> None:
        if time.monotonic() > self.deadline:
            status, job_id = _batch(self.batch_id)
            log = Path(self.worker.log).read_text()[-3000:] if self.worker.log else ""
            raise AssertionError(
                f"still waiting for {waiting_for}: batch {status}, job {self._meta(job_id)}, "
                f"kills {self.result.kills}\nworker log:\n{log}"
            )

    def kill_in(self, phase: str, rng: random.Random, done: tuple[str, ...]) -> None:
        """Kill the worker soon after it is seen in `phase`; give up on it if the step finishes first."""
        while True:
            self._check_time(f"the worker to be {phase}")
            status, job_id = _batch(self.batch_id)
            if status in done:
                return
            seen = _phase(status, self._meta(job_id))
            if seen is not None and PHASES.index(seen) > PHASES.index(phase):
                return  # already past it
            if seen == phase:
                break
            time.sleep(0.005)
        after = rng.uniform(0, DELAY[phase])
        time.sleep(after)
        self.worker.kill()
        # The next run's progress must not be taken for this one's.
        if job_id:
            job = Job.fetch(job_id, connection=self.redis)
            job.meta = {}
            job.save_meta()
        status, _ = _batch(self.batch_id)
        members, _, _ = _counts()
        self.result.kills.append(Kill(phase, round(after, 3), status, members))
        assert members in (0, self.expected), f"a kill while {phase} left {members} of {self.expected} members"
        self.worker.start()

    def wait_for(self, wanted: str) -> None:
        while True:
            self._check_time(wanted)
            status, _ = _batch(self.batch_id)
            if status == wanted:
                return
            assert status in ("checking", "importing", wanted), f"the batch is {status}, not {wanted}"
            time.sleep(0.02)


def upload(path: Path, staff_id: int) -> int:
    """Upload the file with its columns as guessed, as staff would; the batch's id."""
    with open(path, "rb") as handle:
        options = ImportOptions(list(PURPOSES), method="paper", refuse_if_bad=True, staff_user_id=staff_id)
        batch = batches.start_batch(FileStorage(handle, filename="members.csv"), options)
    batches.set_mapping(batch, batch.mapping)
    assert batches.runs_as_job(batch), "the file is too small to be imported by a worker"
    return batch.id


def rows_in(path: Path) -> int:
    with open(path, encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def run(app, path: Path, staff_id: int, kills: int, rng: random.Random, timeout: float, log=None) -> Result:
    """Import `path` (a file from write_members) through a worker killed `kills` times; check what it left."""
    rows = rows_in(path)
    result = Result(rows=rows, seconds=0.0)
    worker = Worker(app, settings=("IMPORT_DIR",), log=log).start()
    started = time.monotonic()
    try:
        batch_id = upload(path, staff_id)
        batch = batches.get_batch(batch_id)
        chaos = Chaos(app, batch_id, worker, started + timeout, result, rows)
        planned = plan_kills(kills, rng)

        batches.request_check(batch)
        for phase in [p for p in planned if p == "checking"]:
            chaos.kill_in(phase, rng, done=("checked",))
        chaos.wait_for("checked")

        batches.request_import(batches.get_batch(batch_id))
        for phase in [p for p in planned if p != "checking"]:
            chaos.kill_in(phase, rng, done=("imported",))
        chaos.wait_for("imported")
        result.seconds = time.monotonic() - started
    finally:
        result.worker_starts = worker.starts
        worker.stop()

    result.members, result.emails, result.consents = _counts()
    assert (result.members, result.emails, result.consents) == (rows, rows, rows * len(PURPOSES)), result
    report = batches.batch_report(batches.get_batch(batch_id))
    assert (report.rows, report.new, report.committed) == (rows, rows, True)
    assert len(result.kills) <= batches.IMPORT_RETRIES
    return result
