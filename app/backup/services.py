"""Making a backup and restoring one: the database, the folders of files, and the checks between."""

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.backup import databases
from app.backup.archive import (
    DATABASE_FILES,
    FOLDERS,
    FORMAT,
    MANIFEST,
    VERSION,
    ArchiveReader,
    ArchiveWriter,
    BackupError,
)
from app.extensions import db


def folders() -> dict[str, str]:
    """The folders of files a backup carries, by the name they have in the archive."""
    imports = current_app.config.get("IMPORT_DIR") or os.path.join(current_app.instance_path, "imports")
    found = {"outbox": current_app.config.get("OUTBOX_DIR"), "imports": imports}
    return {key: os.path.abspath(path) for key, path in found.items() if path}


def _files_in(folder: str) -> list[tuple[str, str]]:
    """(path inside the folder, path on disk) of every regular file under it, symlinks left out."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                found.append((os.path.relpath(path, folder).replace(os.sep, "/"), path))
    return found


@dataclass
class BackupResult:
    path: str
    kind: str
    revision: str | None
    tables: dict[str, int]
    files: dict[str, int]
    size: int
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def create_backup(path: str) -> BackupResult:
    """Write one archive holding a consistent copy of the database and the folders of files; FILE appears only once complete."""
    started = time.perf_counter()
    path = os.path.abspath(path)
    if os.path.exists(path):
        raise BackupError(
            f"{path} already exists; choose a new name (a date in it helps) or remove the old file first."
        )
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise BackupError(f"There is no folder {folder} to write the backup in.")
    engine = db.engine
    kind = databases.kind(engine)
    # The working copy sits beside the archive, on the storage chosen for backups, not in /tmp.
    work = tempfile.mkdtemp(prefix=".involve-backup-", dir=folder)
    try:
        database_file = os.path.join(work, DATABASE_FILES[kind])
        snapshot = databases.dump(engine, database_file)
        created = datetime.now().astimezone()
        locations = folders()
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "database": kind,
            "alembic_revision": snapshot.revision,
            "created_at": created.isoformat(timespec="seconds"),
            "tables": snapshot.tables,
            "folders": sorted(locations),
        }
        writer = ArchiveWriter(path)
        try:
            writer.add_bytes(MANIFEST, json.dumps(manifest, indent=1).encode(), created.timestamp())
            writer.add_file(DATABASE_FILES[kind], database_file)
            # Files are read after the database snapshot: an upload that appears meanwhile is
            # carried without its row, which is harmless; one imported meanwhile is simply absent.
            files = {}
            for key, location in sorted(locations.items()):
                files[key] = sum(
                    writer.add_file(f"{FOLDERS}/{key}/{relative}", source)
                    for relative, source in _files_in(location)
                    # A backup written into one of the folders it carries must not carry itself.
                    if not source.startswith((writer.partial, work + os.sep))
                )
            writer.finish(created.timestamp())
        except BaseException:
            writer.abandon()
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(
        path, kind, snapshot.revision, snapshot.tables, files, os.path.getsize(path), time.perf_counter() - started
    )


@dataclass
class RestoreResult:
    path: str
    kind: str
    backup_revision: str | None
    revision: str | None
    created_at: str
    tables: dict[str, int]
    files: dict[str, int]
    # Tables whose row count the migrations changed: {name: (in the backup, now)}.
    migrated: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass
class Holdings:
    rows: int
    tables: int
    files: int

    def __bool__(self) -> bool:
        return bool(self.rows or self.files)


def holdings() -> Holdings:
    """What restoring would replace: rows outside the migration bookkeeping, and files in the folders."""
    engine = db.engine
    counts = {}
    if databases.kind(engine) != "sqlite" or os.path.exists(databases.sqlite_path(engine)):
        with _connected(engine) as connection:
            counts = databases.count_rows(connection)
    counts.pop(databases.ALEMBIC_TABLE, None)
    files = sum(len(_files_in(location)) for location in folders().values() if os.path.isdir(location))
    return Holdings(sum(counts.values()), sum(1 for n in counts.values() if n), files)


def _connected(engine):
    try:
        return engine.connect()
    except sa.exc.OperationalError as error:
        raise BackupError(f"The database cannot be reached: {str(error.orig).strip().splitlines()[0]}")


def _known_revision(revision: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    if revision is None:
        return
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    try:
        script.get_revision(revision)
    except (RevisionError, CommandError):
        raise BackupError(
            f"The backup's database is at revision {revision}, which this version of Involve does not know "
            f"(its newest is {script.get_current_head()}); restore it with the version that made it, or a newer one."
        )


def _upgrade() -> None:
    """`flask db upgrade`, raising instead of exiting on failure."""
    from alembic import command
    from alembic.util import CommandError

    try:
        command.upgrade(current_app.extensions["migrate"].migrate.get_config(), "head")
    except (CommandError, RuntimeError) as error:
        raise BackupError(f"The database was restored, but the migrations failed: {error}")


def restore_backup(path: str, overwrite: bool = False) -> RestoreResult:
    """Replace the database and folders with a backup's, migrate, and check the row counts; a file
    that is not a complete Involve backup of the same kind of database is refused before anything changes."""
    started = time.perf_counter()
    engine = db.engine
    kind = databases.kind(engine)
    with ArchiveReader(path) as reader:
        manifest = reader.manifest
        if manifest["database"] != kind:
            raise BackupError(
                f"{reader.name} holds a {databases.KINDS[manifest['database']]} database, but this Involve uses "
                f"{databases.KINDS[kind]} (DATABASE_URL). Restore it into an Involve with a "
                f"{databases.KINDS[manifest['database']]} database."
            )
        _known_revision(manifest.get("alembic_revision"))
        held = holdings()
        if held and not overwrite:
            raise BackupError(
                f"This Involve already holds data ({held.rows:,} rows in {held.tables} tables, "
                f"{held.files:,} files in its folders); restoring replaces all of it with the backup. "
                "Run again with --yes to go ahead."
            )
        work = tempfile.mkdtemp(prefix=".involve-restore-", dir=_work_folder(engine))
        try:
            contents = reader.extract(Path(work))
            staged = _stage_folders(contents.folders, manifest.get("folders", []))
            try:
                db.session.remove()
                databases.restore(engine, str(contents.database), list(manifest["tables"]))
            except BaseException:
                for _, staging, _ in staged:
                    shutil.rmtree(staging, ignore_errors=True)
                raise
            files = {key: len(_files_in(staging)) for key, staging, _ in staged}
            _swap_folders(staged)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    engine.dispose()
    with _connected(engine) as connection:
        restored = databases.count_rows(connection)
    if restored != manifest["tables"]:
        differ = sorted(set(restored) ^ set(manifest["tables"])) or [
            name for name in restored if restored[name] != manifest["tables"][name]
        ]
        raise BackupError(
            f"The restored database does not match the backup's manifest (tables {', '.join(differ[:5])})."
        )
    _upgrade()
    engine.dispose()
    with _connected(engine) as connection:
        answered = databases.count_rows(connection)
        revision = databases.revision(connection)
    migrated = {
        name: (restored.get(name), answered.get(name))
        for name in sorted(set(restored) | set(answered))
        if restored.get(name) != answered.get(name)
    }
    return RestoreResult(
        os.path.abspath(path),
        kind,
        manifest.get("alembic_revision"),
        revision,
        manifest.get("created_at", ""),
        answered,
        files,
        migrated,
        time.perf_counter() - started,
    )


def _work_folder(engine) -> str | None:
    """SQLite: beside the database (same disk, same protection); PostgreSQL: the temporary folder."""
    if databases.kind(engine) != "sqlite":
        return None
    folder = os.path.dirname(os.path.abspath(databases.sqlite_path(engine)))
    return folder if os.path.isdir(folder) else None


def _stage_folders(extracted: dict[str, Path], keys: list[str]) -> list[tuple[str, str, str]]:
    """Put each folder's restored files beside the folder they replace, ready to swap in."""
    staged = []
    try:
        for key, target in sorted(folders().items()):
            if key not in keys:
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            staging = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.restoring-", dir=os.path.dirname(target))
            staged.append((key, staging, target))
            source = extracted.get(key)
            if source is not None and source.is_dir():
                for entry in source.iterdir():
                    shutil.move(str(entry), os.path.join(staging, entry.name))
    except BaseException:
        for _, staging, _ in staged:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return staged


def _swap_folders(staged: list[tuple[str, str, str]]) -> None:
    for _, staging, target in staged:
        replaced = None
        if os.path.lexists(target):
            replaced = f"{staging}.replaced"
            os.rename(target, replaced)
        os.rename(staging, target)
        if replaced:
            shutil.rmtree(replaced, ignore_errors=True)
