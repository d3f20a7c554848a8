"""Fixtures for backup tests: fresh databases of either kind, each with its own app and folders."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.conftest import make_config


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory):
    """One SQLite file migrated from empty; each test copies it rather than migrating again."""
    from flask_migrate import upgrade

    folder = tmp_path_factory.mktemp("backup-template")
    path = folder / "template.db"
    app = create_app(make_config(f"sqlite:///{path}", str(folder / "outbox")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


class Site:
    """One Involve install: a database URL, its outbox and imports folders, and its app."""

    def __init__(self, url: str, folder: Path):
        self.url, self.folder = url, folder
        self.outbox, self.imports = folder / "outbox", folder / "imports"
        self.app = create_app(make_config(url, str(self.outbox), IMPORT_DIR=str(self.imports)))

    def cli(self, *args):
        return self.app.test_cli_runner().invoke(args=list(args))

    def rows(self) -> dict[str, list[tuple]]:
        """Every row of every table the models know, plus the migration revision, in key order."""
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                tables = {}
                for table in db.metadata.sorted_tables:
                    order = list(table.primary_key.columns) or list(table.columns)
                    tables[table.name] = [tuple(r) for r in connection.execute(sa.select(table).order_by(*order))]
                tables["alembic_version"] = [
                    tuple(r) for r in connection.execute(sa.text("SELECT * FROM alembic_version"))
                ]
                return tables
        finally:
            engine.dispose()

    def files(self) -> dict[str, bytes]:
        found = {}
        for top in (self.outbox, self.imports):
            for path in sorted(top.rglob("*")) if top.exists() else []:
                if path.is_file():
                    found[str(path.relative_to(self.folder))] = path.read_bytes()
        return found

    def close(self):
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sites(tmp_path, migrated_sqlite_file):
    """new_site(kind, migrated=True): a fresh database of that kind, dropped afterwards."""
    made, databases = [], []
    server = os.environ.get("TEST_POSTGRES_URL")

    def new_site(kind="sqlite", migrated=True):
        folder = tmp_path / f"site{len(made) + 1}"
        folder.mkdir()
        if kind == "sqlite":
            path = folder / "data" / "involve.db"
            if migrated:
                path.parent.mkdir()
                shutil.copyfile(migrated_sqlite_file, path)
            url = f"sqlite:///{path}"
        else:
            if not server:
                _no_postgresql_server()
            name = f"involve_backup_{uuid.uuid4().hex[:10]}"
            _admin(server, f'CREATE DATABASE "{name}"')
            databases.append(name)
            url = server.rsplit("/", 1)[0] + "/" + name
        site = Site(url, folder)
        made.append(site)
        if kind != "sqlite" and migrated:
            from flask_migrate import upgrade

            with site.app.app_context():
                upgrade()
                db.engine.dispose()
        return site

    yield new_site
    for site in made:
        site.close()
    for name in databases:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _no_postgresql_server() -> None:
    """Fail a test that needs PostgreSQL when there is no server, as the rest of the suite does.

    make test always starts one, so its absence is a broken run, not a test to leave out.
    """
    pytest.fail(
        "needs a PostgreSQL server in TEST_POSTGRES_URL (`bash scripts/services.sh start DIR` prints it)",
        pytrace=False,
    )


def _admin(server: str, statement: str) -> None:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()
