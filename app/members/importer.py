"""Importing members from a file: check every row, then write every good row or nothing.

The same functions serve the staff pages, the background job, the CLI and the
benchmark. Writing uses SQLAlchemy Core executemany in chunks (members,
consents, topic links, timeline events) inside one transaction: no per-row ORM
objects, and a failure part-way leaves the database as it was.
"""

import itertools
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd
from sqlalchemy import bindparam, cast, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.clock import now, today
from app.errors import InvalidRequest
from app.extensions import db
from app.members.import_checks import CheckedRows, check_rows
from app.members.import_reader import MembersFile, read_members_file
from app.members.models import Consent, Member, MemberEvent, Topic, member_topic
from app.members.vocab import CONSENT_METHODS, CONSENT_PURPOSES
from app.organisations.services import practice_ids_by_code
from app.transactions import transactional

log = logging.getLogger(__name__)

# Purposes a file can carry consent for; equality monitoring needs the person's own explicit consent.
IMPORT_PURPOSES = ("bulletin", "involvement", "surveys")
CHUNK = 5000
# Enough to act on; the counts always cover every row.
MAX_SKIPPED_LISTED = 1000
UPDATABLE = ("first_name", "last_name", "phone", "postcode", "date_of_birth", "age_band", "practice_id", "contact_type")

Progress = Callable[[int, int, str], None]


@dataclass
class ImportOptions:
    """The consent basis staff state for the file, and what to do with known and bad rows."""

    purposes: list[str]
    method: str = "import"
    update_existing: bool = False
    refuse_if_bad: bool = True
    staff_user_id: int | None = None

    def problems(self) -> dict[str, str]:
        errors = {}
        if not self.purposes:
            errors["purposes"] = "Choose what the people in the file agreed to"
        elif any(p not in IMPORT_PURPOSES for p in self.purposes):
            errors["purposes"] = "Choose purposes from the list"
        if self.method not in CONSENT_METHODS:
            errors["method"] = "Choose how the people in the file gave their consent"
        return errors


@dataclass
class ImportReport:
    """What a file holds and what importing it does (or did); counts and line numbers only."""

    rows: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    bad: int = 0
    errors: list = field(default_factory=list)  # [line, reasons] for every bad row
    skipped_rows: list = field(default_factory=list)  # [line, reason], the first MAX_SKIPPED_LISTED
    encoding: str = ""
    committed: bool = False

    @property
    def refused(self) -> bool:
        return self.bad > 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "ImportReport":
        return cls(**data) if data else cls()

    def summary(self) -> str:
        return f"rows: {self.rows}; new: {self.new}; updated: {self.updated}; skipped: {self.skipped}; bad: {self.bad}"


@dataclass
class ImportPlan:
    checked: CheckedRows
    action: pd.Series  # new | update | skip | bad
    existing_id: pd.Series
    report: ImportReport
    refused: bool = False  # bad rows, and staff chose to import nothing then


def _no_progress(done: int, total: int, message: str) -> None:
    return None


def _plan(members_file: MembersFile, mapping: dict[str, str], options: ImportOptions) -> ImportPlan:
    if not mapping.get("email") or mapping["email"] not in members_file.frame.columns:
        raise InvalidRequest(
            "The file has no column of email addresses. Name one column 'Email' or choose it on the column page. "
            "Nothing was imported.",
            400,
            {"email": "Choose the column that holds email addresses"},
        )
    topic_ids = {}
    for pk, slug, name in db.session.execute(select(Topic.id, Topic.slug, Topic.name)):
        topic_ids[slug] = pk
        topic_ids[name] = pk
    checked = check_rows(members_file, mapping, practice_ids_by_code(), topic_ids, today())
    clean, lines = checked.clean, checked.lines
    bad = checked.bad
    action = pd.Series("new", index=clean.index, dtype=object)
    action[bad] = "bad"
    skip_reason = pd.Series("", index=clean.index, dtype=object)

    good = ~bad
    keys = clean["email_key"].where(good)
    duplicate = good & keys.duplicated(keep="first")
    if duplicate.any():
        first_line = lines.groupby(keys).transform("first")
        action[duplicate] = "skip"
        skip_reason[duplicate] = "Same email address as line " + first_line[duplicate].astype(int).astype(str)

    # Every known address, read once: a dictionary lookup per row, not a query.
    existing = dict(
        db.session.execute(select(Member.email_normalised, Member.id).where(Member.email_normalised.is_not(None))).all()
    )
    existing_id = clean["email_key"].map(existing)
    known = good & ~duplicate & existing_id.notna()
    if options.update_existing:
        action[known] = "update"
    else:
        action[known] = "skip"
        skip_reason[known] = "Already a member; left as it is"

    report = ImportReport(
        rows=len(clean),
        new=int((action == "new").sum()),
        updated=int((action == "update").sum()),
        skipped=int((action == "skip").sum()),
        bad=int(bad.sum()),
        encoding=members_file.encoding,
    )
    report.errors = [[int(line), text] for line, text in zip(lines[bad], checked.problems[bad], strict=True)]
    skipped = action == "skip"
    report.skipped_rows = [
        [int(line), text]
        for line, text in zip(
            lines[skipped][:MAX_SKIPPED_LISTED], skip_reason[skipped][:MAX_SKIPPED_LISTED], strict=True
        )
    ]
    return ImportPlan(checked=checked, action=action, existing_id=existing_id, report=report)


def preview_file(path: str, kind: str, mapping: dict[str, str], options: ImportOptions) -> ImportReport:
    """Check every row and count what an import would do; writes nothing."""
    return _plan(read_members_file(path, kind), mapping, options).report


@transactional
def import_file(
    path: str,
    kind: str,
    mapping: dict[str, str],
    options: ImportOptions,
    progress: Progress = _no_progress,
    batch_id: int | None = None,
) -> ImportReport:
    """Write every good row in one transaction, or nothing (bad rows and refuse_if_bad, or any failure)."""
    plan = plan_import(path, kind, mapping, options, progress)
    if plan.refused:
        log.info("import %s refused: %s", batch_id or "(command line)", plan.report.summary())
        return plan.report
    return write_import(plan, options, progress, batch_id)


def plan_import(
    path: str, kind: str, mapping: dict[str, str], options: ImportOptions, progress: Progress = _no_progress
) -> ImportPlan:
    """Read and check every row and decide what each becomes; writes nothing."""
    errors = options.problems()
    if errors:
        raise InvalidRequest("State the consent the people in the file gave.", 400, errors)
    progress(0, 0, "Reading the file")
    members_file = read_members_file(path, kind)
    progress(0, len(members_file.frame), "Checking every row")
    plan = _plan(members_file, mapping, options)
    plan.refused = bool(plan.report.bad and options.refuse_if_bad)
    return plan


def write_import(
    plan: ImportPlan, options: ImportOptions, progress: Progress = _no_progress, batch_id: int | None = None
) -> ImportReport:
    """Write the plan's rows and its audit entry in the caller's transaction, which commits or rolls back all."""
    report = plan.report
    try:
        _write(plan, options, progress, batch_id)
    except IntegrityError:
        raise InvalidRequest(
            "Someone added one of these members while the import was running. Nothing was imported; try again.", 409
        )
    entry = audit.record("import", "import_batch", batch_id or "", report.summary())
    if options.staff_user_id and entry.staff_user_id is None:
        entry.staff_user_id = options.staff_user_id
    report.committed = True
    log.info("import %s written: %s", batch_id or "(command line)", report.summary())
    return report


def _write(plan: ImportPlan, options: ImportOptions, progress: Progress, batch_id: int | None) -> None:
    clean = plan.checked.clean
    new_rows = clean[plan.action == "new"]
    update_rows = clean[plan.action == "update"].assign(member_id=plan.existing_id[plan.action == "update"])
    total = len(new_rows) + len(update_rows)
    stamp = now()
    detail = (
        f"Imported from a file{f' (import {batch_id})' if batch_id else ''}; consent: {CONSENT_METHODS[options.method]}"
    )
    done = 0
    for start in range(0, len(new_rows), CHUNK):
        _insert_new(new_rows.iloc[start : start + CHUNK], options, stamp, detail)
        done += min(CHUNK, len(new_rows) - start)
        progress(done, total, f"Imported {done:,} of {total:,} rows")
    for start in range(0, len(update_rows), CHUNK):
        _update_existing(update_rows.iloc[start : start + CHUNK], options, stamp, batch_id)
        done += min(CHUNK, len(update_rows) - start)
        progress(done, total, f"Imported {done:,} of {total:,} rows")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None, the only "nothing" a database driver understands."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def _consent_rows(member_ids, options: ImportOptions, stamp) -> list[dict]:
    rows = []
    for purpose in options.purposes:
        _, wording, version = CONSENT_PURPOSES[purpose]
        rows.extend(
            {
                "member_id": member_id,
                "purpose": purpose,
                "given_at": stamp,
                "method": options.method,
                "wording": wording,
                "wording_version": version,
                "recorded_by_id": options.staff_user_id,
                "withdrawn_at": None,
                "withdrawn_method": None,
            }
            for member_id in member_ids
        )
    return rows


def _constant(value, type_):
    # PostgreSQL needs the type of a bound value in a SELECT list spelt out; a CAST on SQLite would change it.
    bound = literal(value, type_)
    return cast(bound, type_) if db.session.get_bind().dialect.name == "postgresql" else bound


def _bulk_insert(table, columns: dict[str, list], **constants) -> None:
    """executemany straight to the driver, values converted by the columns' own SQLAlchemy types.

    Core's executemany builds and processes a parameter dict per row; for 100,000 members that
    costs more than the database's own work. Constants are converted once, columns in one pass.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    converted = []
    for name, values in columns.items():
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        converted.append(values if process is None else [None if v is None else process(v) for v in values])
    count = len(converted[0]) if converted else 0
    for name, value in constants.items():
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        converted.append(itertools.repeat(value if process is None else process(value), count))
    names = [*columns, *constants]
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    # Identifiers come from the table definition (quoted); every value is a bound parameter.
    columns_sql = ", ".join(quote(n) for n in names)
    marks = ", ".join([mark] * len(names))
    sql = f"INSERT INTO {quote(table.name)} ({columns_sql}) VALUES ({marks})"  # noqa: S608
    connection.exec_driver_sql(sql, list(zip(*converted, strict=False)))  # constants are endless repeats


def _id_in(column, ids: list[int]):
    # Integer ids written into the SQL text: thousands of bound parameters cost more to name than to send.
    return column.in_(bindparam("ids", value=[int(i) for i in ids], expanding=True, literal_execute=True))


def _insert_for_each(table, member_ids: list[int], **constants) -> None:
    """One INSERT ... SELECT writing the same values for every member in `member_ids`."""
    member = Member.__table__
    chosen = select(member.c.id, *[_constant(v, table.c[k].type) for k, v in constants.items()]).where(
        _id_in(member.c.id, member_ids)
    )
    db.session.execute(insert(table).from_select(["member_id", *constants], chosen))


def _insert_new(rows: pd.DataFrame, options: ImportOptions, stamp, detail: str) -> None:
    records = _plain(rows[["email", "email_key", *UPDATABLE]])
    columns = {name: records[name].tolist() for name in records.columns}
    columns["email_normalised"] = columns.pop("email_key")
    columns["contact_type"] = [value or "resident" for value in columns["contact_type"]]
    _bulk_insert(
        Member.__table__,
        columns,
        communication_needs=[],
        communication_language="",
        how_heard="",
        status="active",
        source="import",
        created_at=stamp,
        status_changed_at=stamp,
        last_activity_at=stamp,
    )
    member = Member.__table__
    keys = list(rows["email_key"])
    id_of = dict(
        db.session.execute(
            select(member.c.email_normalised, member.c.id).where(member.c.email_normalised.in_(keys))
        ).all()
    )
    ids = [id_of[key] for key in keys]
    # Rows that are the same for every member are copied by the database, not sent one by one.
    for purpose in options.purposes:
        _, wording, version = CONSENT_PURPOSES[purpose]
        _insert_for_each(
            Consent.__table__,
            ids,
            purpose=purpose,
            given_at=stamp,
            method=options.method,
            wording=wording,
            wording_version=version,
            recorded_by_id=options.staff_user_id,
        )
    _insert_for_each(
        MemberEvent.__table__, ids, at=stamp, kind="imported", detail=detail, staff_user_id=options.staff_user_id
    )
    by_topic: dict[int, list[int]] = {}
    for member_id, topics in zip(ids, rows["topic_ids"], strict=True):
        for topic_id in topics:
            by_topic.setdefault(topic_id, []).append(member_id)
    for topic_id, member_ids in by_topic.items():
        member = Member.__table__
        chosen = select(member.c.id, _constant(topic_id, member_topic.c.topic_id.type)).where(
            _id_in(member.c.id, member_ids)
        )
        db.session.execute(insert(member_topic).from_select(["member_id", "topic_id"], chosen))


def _update_existing(rows: pd.DataFrame, options: ImportOptions, stamp, batch_id: int | None) -> None:
    """Fill in what the file gives (blank cells keep what is held); add topics; consents for active members."""
    member = Member.__table__
    ids = [int(i) for i in rows["member_id"]]
    current = {
        row.id: row
        for row in db.session.execute(
            select(member.c.id, member.c.status, *[member.c[c] for c in UPDATABLE]).where(member.c.id.in_(ids))
        )
    }
    held_links = set(
        db.session.execute(
            select(member_topic.c.member_id, member_topic.c.topic_id).where(member_topic.c.member_id.in_(ids))
        )
    )
    live = set(
        db.session.execute(
            select(Consent.member_id, Consent.purpose).where(Consent.member_id.in_(ids), Consent.withdrawn_at.is_(None))
        )
    )
    changes, links, consents, events = [], [], [], []
    for record in _plain(rows).to_dict("records"):
        member_id = int(record["member_id"])
        held = current[member_id]
        merged = {}
        changed = []
        for name in UPDATABLE:
            value = record[name]
            blank = value is None or value == ""
            old = getattr(held, name)
            merged[name] = old if blank else value
            if merged[name] != old:
                changed.append(name)
        if record["date_of_birth"] is not None:
            merged["age_band"] = None
        new_topics = [t for t in record["topic_ids"] if (member_id, t) not in held_links]
        links.extend({"member_id": member_id, "topic_id": t} for t in new_topics)
        if new_topics:
            changed.append("topics")
        # An unsubscribed or lapsed person is not signed up again by a file.
        if held.status == "active":
            missing = [p for p in options.purposes if (member_id, p) not in live]
            consents.extend(
                _consent_rows(
                    [member_id], ImportOptions(missing, options.method, staff_user_id=options.staff_user_id), stamp
                )
            )
        if changed:
            changes.append({"_id": member_id, **merged, "last_activity_at": stamp})
            what = ", ".join(changed)
            events.append(
                {
                    "member_id": member_id,
                    "at": stamp,
                    "kind": "imported",
                    "detail": f"Updated from a file{f' (import {batch_id})' if batch_id else ''}: {what}"[:500],
                    "staff_user_id": options.staff_user_id,
                }
            )
    if changes:
        statement = (
            update(member)
            .where(member.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in (*UPDATABLE, "last_activity_at")})
        )
        db.session.connection().execute(statement, changes)
    if links:
        db.session.execute(insert(member_topic), links)
    if consents:
        db.session.execute(insert(Consent.__table__), consents)
    if events:
        db.session.execute(insert(MemberEvent.__table__), events)
