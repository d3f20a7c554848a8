"""Migrations: numbered, linear, and the same schema as the models on every database."""

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def test_migration_files_are_numbered_in_one_line():
    files = sorted(p.name for p in VERSIONS.glob("*.py"))
    assert files, "no migrations"
    numbers = []
    for name in files:
        match = re.match(r"^(\d{4})_[a-z0-9_]+\.py$", name)
        assert match, f"{name} is not named NNNN_description.py"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(numbers) + 1)), "migration numbers must run 0001, 0002, ... with no gaps"
    for name in files:
        text = (VERSIONS / name).read_text()
        number = int(name[:4])
        assert re.search(rf"^revision = ['\"]{number:04d}['\"]", text, re.M), (
            f"{name}: revision id must be {number:04d}"
        )
        expected_down = "None" if number == 1 else f"'{number - 1:04d}'"
        down = re.search(r"^down_revision = (.+)$", text, re.M).group(1).replace('"', "'")
        assert down == expected_down, f"{name}: down_revision must be {expected_down}"


def test_upgraded_database_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
