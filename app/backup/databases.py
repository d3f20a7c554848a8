"""Consistent copies of the database and their restore: SQLite's online backup API, pg_dump and pg_restore.

Each dump returns the row count of every table and the Alembic revision, read from the very
snapshot that was dumped (SQLite: the copy itself; PostgreSQL: a snapshot exported to pg_dump),
so the manifest describes exactly what the archive holds even while the service keeps writing.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Engine

from app.backup.archive import BackupError

KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ALEMBIC_TABLE = "alembic_version"


@dataclass
class Snapshot:
    tables: dict[str, int]
    revision: str | None


def kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in KINDS:
        raise BackupError(f"Backups cover SQLite and PostgreSQL databases; this one is {name}.")
    return name


def count_rows(connection) -> dict[str, int]:
    """Rows in every table of the database (not only the tables this version of Involve knows)."""
    names = sorted(sa.inspect(connection).get_table_names())
    return {
        name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one() for name in names
    }


def revision(connection) -> str | None:
    if not sa.inspect(connection).has_table(ALEMBIC_TABLE):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def dump(engine: Engine, into: str) -> Snapshot:
    return _dump_sqlite(engine, into) if kind(engine) == "sqlite" else _dump_postgresql(engine, into)


def restore(engine: Engine, dump_path: str, tables: list[str]) -> None:
    """Replace the database with the dump; the previous content is kept if this fails."""
    if kind(engine) == "sqlite":
        _restore_sqlite(engine, dump_path)
    else:
        _restore_postgresql(engine, dump_path, tables)


# SQLite


def sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file::memory:"):
        raise BackupError("The database is held in memory (DATABASE_URL sqlite://); there is no file to back up.")
    return path


def _dump_sqlite(engine: Engine, into: str) -> Snapshot:
    path = sqlite_path(engine)
    if not os.path.isfile(path):
        raise BackupError(f"There is no SQLite database at {path}.")
    source = sqlite3.connect(path, timeout=30)
    copy = sqlite3.connect(into)
    try:
        # One step (pages=-1) copies every page under a single read transaction: a consistent
        # snapshot, while WAL lets the service go on writing.
        source.backup(copy)
        # The copy is a single self-contained file, not a database waiting for its WAL.
        copy.execute("PRAGMA journal_mode=DELETE")
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' "
                "ORDER BY name"
            )
        ]
        tables = {name: copy.execute(f'SELECT count(*) FROM "{_quoted(name)}"').fetchone()[0] for name in names}  # noqa: S608
        version = (
            copy.execute("SELECT version_num FROM alembic_version").fetchone() if ALEMBIC_TABLE in tables else None
        )
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}.")
    finally:
        copy.close()
        source.close()
    return Snapshot(tables, version[0] if version else None)


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def _restore_sqlite(engine: Engine, dump_path: str) -> None:
    path = sqlite_path(engine)
    engine.dispose()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    source = sqlite3.connect(dump_path)
    target = sqlite3.connect(path, timeout=30)
    try:
        # The backup API writes the pages into the live file through its own journal (or WAL),
        # in one transaction: readers never see half a restore, and a failure leaves it as it was.
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore the database: {error}.")
    finally:
        target.close()
        source.close()


# PostgreSQL


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client program: PG_BIN_DIR, then PATH, then the newest /usr/lib/postgresql/*/bin."""
    configured = current_app.config.get("PG_BIN_DIR")
    if configured:
        candidate = os.path.join(configured, name)
        if os.access(candidate, os.X_OK):
            return candidate
        raise BackupError(f"{name} is not in PG_BIN_DIR ({configured}).")
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin. Install the PostgreSQL client "
        "programs (Debian: apt-get install postgresql-client) or set PG_BIN_DIR to the folder that holds them."
    )


def _version_key(folder: str) -> tuple:
    part = folder.rstrip("/").split("/")[-2]
    return tuple(int(p) for p in part.split(".") if p.isdigit()) or (0,)


def libpq_address(engine: Engine) -> tuple[str, dict]:
    """A libpq address for the command line, with the password passed in the environment (never in argv)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return address, env


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as error:
        raise BackupError(f"{what} could not be started: {error}.")
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{what} failed: " + (" ".join(lines[-3:]) or f"exit status {result.returncode}"))


def _dump_postgresql(engine: Engine, into: str) -> Snapshot:
    pg_dump = find_tool("pg_dump")
    address, env = libpq_address(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(sa.text("SET TRANSACTION READ ONLY"))
            # pg_dump reads the snapshot this transaction holds open, the one the counts read.
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            tables = count_rows(connection)
            version = revision(connection)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", into, "--dbname", address],
                env,
                "pg_dump",
            )
    return Snapshot(tables, version)


def _restore_postgresql(engine: Engine, dump_path: str, tables: list[str]) -> None:
    pg_restore = find_tool("pg_restore")
    address, env = libpq_address(engine)
    with engine.begin() as connection:
        # Tables of a newer schema that the backup does not have would survive --clean and
        # trip the migrations that later create them again.
        for name in sorted(set(sa.inspect(connection).get_table_names()) - set(tables)):
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{_quoted(name)}" CASCADE'))
    engine.dispose()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            # Grants name roles of the server the backup came from, which this one may not have.
            "--no-privileges",
            # All or nothing: a failure leaves the database as it was.
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            address,
            dump_path,
        ],
        env,
        "pg_restore",
    )
