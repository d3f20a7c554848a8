"""Test fixtures: a real database (SQLite file or PostgreSQL), migrated once per session.

INVOLVE_TEST_DB=sqlite (default) or postgresql; TEST_POSTGRES_URL points at a server
started by scripts/services.sh (make test does this).
"""

import os
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.extensions import db

pytest_plugins = ["tests.browser_support"]


def _redis_database_per_worker() -> None:
    """Under pytest-xdist each worker gets its own Redis database, so flushing one never hits another."""
    url, worker = os.environ.get("TEST_REDIS_URL"), os.environ.get("PYTEST_XDIST_WORKER", "")
    if url and worker.startswith("gw"):
        base, _, number = url.rpartition("/")
        os.environ["TEST_REDIS_URL"] = f"{base}/{int(number or 0) + int(worker[2:])}"


_redis_database_per_worker()


def _compile_catalogues() -> None:
    """The public pages' Welsh and Urdu catalogues, compiled as make run and make test do (when stale)."""
    from pathlib import Path

    from babel.messages.frontend import CommandLineInterface

    directory = Path(__file__).resolve().parents[1] / "app" / "translations"
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(directory), "-l", po.parts[-3]])


_compile_catalogues()


def _backend() -> str:
    return os.environ.get("INVOLVE_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if _backend() == "postgresql":
        server = os.environ.get("TEST_POSTGRES_URL")
        if not server:
            pytest.exit("INVOLVE_TEST_DB=postgresql needs TEST_POSTGRES_URL (make test starts a server)", 2)
        name = f"involve_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.rsplit("/", 1)[0] + "/" + name
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_config(database_url: str, outbox: str, **overrides) -> type:
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "OUTBOX_DIR": outbox, **overrides}
    return type("PerTestConfig", (TestConfig,), attrs)


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    """Run every migration once, from empty, as `flask db upgrade` does."""
    from flask_migrate import upgrade

    app = create_app(make_config(database_url, str(tmp_path_factory.mktemp("outbox"))))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _record_keys(monkeypatch):
    """Record keys drawn from a fixed seed, so protected figures are the same on every run."""
    import random

    from app.statistics import disclosure

    monkeypatch.setattr(disclosure, "_KEYS", random.Random(20261205))


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(migrated, tmp_path, config_overrides):
    app = create_app(make_config(migrated, str(tmp_path / "outbox"), **config_overrides))
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The messages the outbox backend has written, newest first."""
    from app.mail.backends import read_outbox

    return lambda: read_outbox(app.config["OUTBOX_DIR"])
