"""An upload's life from file to import: storing the file, mapping columns, checking, importing.

The uploaded file is kept in the instance folder under a random name (never in
a URL or a log) between preview and import, and deleted once imported, refused,
discarded or expired. Big files are checked and imported by a background job
that reports its progress; small ones, or any file when there is no Redis, now.

A worker may die part-way (killed, out of memory, the machine restarted). The job
is then run again, up to IMPORT_RETRIES times: the rows, the audit entry and the
batch's new status are written in one transaction, so a run that dies has written
nothing and the next one imports the whole file; a run that finds the batch
already imported does nothing.
"""

import logging
import os
import secrets
import time
import uuid
from datetime import timedelta

from flask import current_app
from rq import Retry
from sqlalchemy import update
from werkzeug.datastructures import FileStorage

from app import jobs
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.import_models import ImportBatch
from app.members.import_reader import FIELDS, SUPPORTED, ImportFileError, guess_mapping, peek_members_file
from app.members.importer import ImportOptions, ImportReport, plan_import, preview_file, write_import
from app.transactions import transactional

log = logging.getLogger(__name__)

FINISHED = ("imported", "refused", "failed", "expired", "discarded")
RUNNING = ("checking", "importing")
# Runs after the first, for a job whose worker died or that failed unexpectedly.
IMPORT_RETRIES = 3


def upload_dir() -> str:
    path = current_app.config.get("IMPORT_DIR") or os.path.join(current_app.instance_path, "imports")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _file_path(batch: ImportBatch) -> str:
    return os.path.join(upload_dir(), batch.stored_name + batch.file_kind)


def _delete_file(batch: ImportBatch) -> None:
    if batch.stored_name:
        try:
            os.remove(_file_path(batch))
        except FileNotFoundError:
            pass


def get_batch(batch_id: int) -> ImportBatch | None:
    return db.session.get(ImportBatch, batch_id)


def batch_options(batch: ImportBatch) -> ImportOptions:
    return ImportOptions(**batch.options)


def batch_report(batch: ImportBatch) -> ImportReport:
    return ImportReport.from_dict(batch.report)


@transactional
def start_batch(upload: FileStorage | None, options: ImportOptions) -> ImportBatch:
    """Store an upload under a random name and read its headers; nothing is imported yet."""
    expire_old_batches(commit=False)
    errors = options.problems()
    filename = (upload.filename or "") if upload else ""
    kind = os.path.splitext(filename)[1].lower()
    if not filename:
        errors["file"] = "Choose a CSV or Excel file to upload"
    elif kind not in SUPPORTED:
        errors["file"] = "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"
    if errors:
        raise InvalidRequest("There is a problem with the upload.", 400, errors)
    batch = ImportBatch(
        stored_name=secrets.token_hex(16),
        file_kind=kind,
        options=options.__dict__.copy(),
        staff_user_id=options.staff_user_id,
        expires_at=now() + timedelta(seconds=current_app.config.get("IMPORT_FILE_MAX_AGE", 24 * 3600)),
    )
    path = _file_path(batch)
    upload.save(path)
    try:
        headers, rows = peek_members_file(path, kind)
    except ImportFileError:
        os.remove(path)
        raise
    batch.headers = headers
    batch.row_estimate = rows
    batch.mapping = guess_mapping(headers)
    db.session.add(batch)
    db.session.flush()
    log.info("import %s uploaded (%s rows, %s)", batch.id, rows, kind)
    return batch


@transactional
def set_mapping(batch: ImportBatch, chosen: dict[str, str]) -> None:
    """Keep staff's choice of column for each field (each header used once); email is required."""
    _require_file(batch, ("uploaded", "checked"))
    mapping = {field: header for field, header in chosen.items() if field in FIELDS and header}
    # Only a tampered or stale form names a column the file does not have; dropping it would
    # import without a field staff chose.
    errors = {
        f"map_{field}": f"Choose a column from this file for {FIELDS[field][0].lower()}, or Not in this file"
        for field, header in mapping.items()
        if header not in batch.headers
    }
    if "email" not in mapping:
        errors["map_email"] = "Choose the column that holds email addresses"
    used = [h for h in mapping.values()]
    if len(used) != len(set(used)):
        errors["mapping"] = "Choose each column for one field only"
    if errors:
        raise InvalidRequest("There is a problem with the columns chosen.", 400, errors)
    batch.mapping = mapping
    batch.status = "uploaded"


def _require_file(batch: ImportBatch, statuses) -> None:
    if batch.status in ("expired", "discarded"):
        raise InvalidRequest("This upload has expired. Upload the file again.", 410)
    if batch.status not in statuses:
        raise InvalidRequest("This upload is not at that step any more.", 409)
    if not os.path.exists(_file_path(batch)):
        raise InvalidRequest("This upload has expired. Upload the file again.", 410)


def runs_as_job(batch: ImportBatch) -> bool:
    return bool(current_app.config.get("REDIS_URL")) and batch.row_estimate > current_app.config.get(
        "IMPORT_INLINE_MAX_ROWS", 5000
    )


def request_check(batch: ImportBatch) -> None:
    """Check every row: on a worker for a big file, now for a small one."""
    _require_file(batch, ("uploaded", "checked"))
    _dispatch(batch, "checking")


def request_import(batch: ImportBatch) -> None:
    """Import the checked file: on a worker for a big file, now for a small one."""
    _require_file(batch, ("checked",))
    _dispatch(batch, "importing")


@transactional
def _set_status(batch_id: int, status: str, **values) -> None:
    batch = get_batch(batch_id)
    batch.status = status
    for name, value in values.items():
        setattr(batch, name, value)


def _move(batch_id: int, step: str, status: str, **values) -> bool:
    """Move the batch from `step` to `status` in the caller's transaction, if no other run did first.

    A conditional update, so two runs of one job cannot both finish it: on PostgreSQL the
    second waits for the first to commit and then finds nothing to update; on SQLite it
    takes the write lock, which the first holds until it commits.
    """
    table = ImportBatch.__table__
    moved = db.session.execute(
        update(table).where(table.c.id == batch_id, table.c.status == step).values(status=status, **values)
    )
    db.session.expire_all()
    return moved.rowcount == 1


def _dispatch(batch: ImportBatch, status: str) -> None:
    # Save, then enqueue: the job finds the batch already in the state it acts on, and its id
    # is kept first so that a job finishing at once is not overtaken by the page's own update.
    job_id = uuid.uuid4().hex if runs_as_job(batch) else None
    _set_status(batch.id, status, job_id=job_id, message="")
    if job_id is None:
        run_batch(batch.id, status)
        return
    from redis.exceptions import RedisError

    try:
        jobs.enqueue(
            "members.import_batch", batch.id, status, job_timeout=3600, job_id=job_id, retry=Retry(max=IMPORT_RETRIES)
        )
    except RedisError:
        log.exception("import %s could not be queued", batch.id)
        _set_status(batch.id, "uploaded" if status == "checking" else "checked", job_id=None)
        raise InvalidRequest("The background worker could not be reached. Nothing was imported; try again.", 503)


@jobs.job("members.import_batch")
def run_batch(batch_id: int, step: str | None = None) -> None:
    """The job: check or import the batch's file (`step`: checking or importing). Running it twice is harmless."""
    batch = get_batch(batch_id)
    if batch is None:
        return
    if batch.status in FINISHED:
        _delete_file(batch)  # a run that died between committing the import and deleting the file
    step = step or batch.status
    if step not in RUNNING or batch.status != step:
        return
    path = _file_path(batch)
    options = batch_options(batch)

    def progress(done: int, total: int, message: str) -> None:
        jobs.report_progress(done, total, message=message)

    try:
        if step == "checking":
            progress(0, batch.row_estimate, "Checking every row")
            report = preview_file(path, batch.file_kind, batch.mapping, options)
            _move(batch_id, "checking", "checked", report=report.to_dict())
            db.session.commit()
        else:
            report = _import_batch(batch_id, path, batch.file_kind, batch.mapping, options, progress)
            if report is None:
                return  # another run of this job imported it
            _delete_file(get_batch(batch_id))
        progress(report.rows, report.rows, "Finished")
    except InvalidRequest as error:
        db.session.rollback()
        _finish_failed(batch_id, step, error.message)
    except Exception:
        db.session.rollback()
        log.exception("import %s failed", batch_id)
        _finish_failed(
            batch_id, step, "Something went wrong while reading or importing the file. Nothing was imported."
        )
        raise


@transactional
def _import_batch(batch_id: int, path: str, kind: str, mapping: dict, options: ImportOptions, progress):
    """Import the file and mark the batch imported (or refused) in one transaction; None if another run did."""
    plan = plan_import(path, kind, mapping, options, progress)
    final = "refused" if plan.refused else "imported"
    # Claimed before writing: a second run waits here, then finds the batch finished.
    if not _move(batch_id, "importing", final, finished_at=now()):
        db.session.rollback()
        return None
    report = plan.report if plan.refused else write_import(plan, options, progress, batch_id)
    _move(batch_id, final, final, report=report.to_dict())
    if plan.refused:
        log.info("import %s refused: %s", batch_id, report.summary())
    return report


def _finish_failed(batch_id: int, step: str, message: str) -> None:
    # Only the run's own step: a failing second run must not mark an imported batch failed.
    if _move(batch_id, step, "failed", message=message[:500], finished_at=now()):
        _delete_file(get_batch(batch_id))
    db.session.commit()


@transactional
def discard_batch(batch: ImportBatch) -> None:
    """Forget an upload that will not be imported: its file is deleted now."""
    if batch.status in ("checking", "importing"):
        raise InvalidRequest("This file is being processed; wait for it to finish.", 409)
    _delete_file(batch)
    if batch.status not in FINISHED:
        batch.status = "discarded"
        batch.finished_at = now()


def expire_old_batches(commit: bool = True) -> int:
    """Delete the files of uploads left past their expiry, and any file no batch accounts for."""
    stale = list(
        db.session.scalars(
            db.select(ImportBatch).where(
                ImportBatch.expires_at < now(), ImportBatch.status.in_(("uploaded", "checked"))
            )
        )
    )
    for batch in stale:
        _delete_file(batch)
        batch.status = "expired"
        batch.finished_at = now()
    live = {
        name + kind
        for name, kind in db.session.execute(
            db.select(ImportBatch.stored_name, ImportBatch.file_kind).where(ImportBatch.status.not_in(FINISHED))
        )
    }
    directory = upload_dir()
    for name in os.listdir(directory):
        full = os.path.join(directory, name)
        old = time.time() - os.path.getmtime(full) > current_app.config.get("IMPORT_FILE_MAX_AGE", 24 * 3600)
        if name not in live and old:
            os.remove(full)
    if commit:
        db.session.commit()
    return len(stale)


def batch_progress(batch: ImportBatch) -> dict:
    """{done, total, message, finished} for the progress bar, from the job (if any) and the batch."""
    finished = batch.status not in ("checking", "importing")
    data = {"done": 0, "total": batch.row_estimate, "message": "Waiting for a worker to start", "finished": finished}
    if finished:
        report = batch_report(batch)
        data.update(done=report.rows or batch.row_estimate, total=report.rows or batch.row_estimate, message="Finished")
        return data
    job = jobs.fetch_job(batch.job_id) if batch.job_id else None
    if job is not None:
        meta = job.meta or {}
        data.update({k: meta[k] for k in ("done", "total", "message") if k in meta})
        if job.is_failed:
            data.update(finished=True, message="The job failed. Nothing was imported.")
            # A job whose worker died more often than it is retried fails without running again.
            _finish_failed(
                batch.id,
                batch.status,
                "The background worker stopped every time it worked on this file. Nothing was imported; "
                "upload the file again, and if it happens again ask for the worker's logs to be checked.",
            )
    return data
