"""A backup restored into a fresh, empty database gives back every row of every table and every file."""

import json
import tarfile

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.backup.network import populate
from tests.factories import create_member

KEY_TABLES = ("member", "equality_answers", "consent", "campaign", "delivery", "survey_response", "survey_answer")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_backup_restores_every_row_and_every_file_into_an_empty_database(sites, tmp_path, kind):
    source = sites(kind)
    with source.app.app_context():
        populate(source)
        db.session.remove()
    archive = tmp_path / "involve-backup.tar"
    made = source.cli("backup", "create", str(archive))
    assert made.exit_code == 0, made.output
    assert "special-category data" in made.output

    target = sites(kind, migrated=False)
    restored = target.cli("backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "as in the backup" in restored.output

    before, after = source.rows(), target.rows()
    for name in KEY_TABLES:
        assert before[name], f"the test network has no {name} rows"
    assert set(after) == set(before)
    for name in before:
        assert after[name] == before[name], f"{name} differs after the restore"
    files = source.files()
    assert any(name.startswith("outbox/") for name in files) and "imports/3f9c0a.csv" in files
    assert target.files() == files


def test_the_manifest_describes_the_backup(sites, tmp_path):
    source = sites()
    with source.app.app_context():
        populate(source)
        db.session.remove()
    archive = tmp_path / "backup.tar.gz"
    assert source.cli("backup", "create", str(archive)).exit_code == 0

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json" and names[1] == "database.sqlite3" and names[-1] == "checksums.json"
    assert manifest["format"] == "involve-backup" and manifest["version"] == 1
    assert manifest["database"] == "sqlite"
    assert manifest["alembic_revision"] == source.rows()["alembic_version"][0][0]
    assert manifest["created_at"][-6] in "+-"  # carries its UTC offset
    assert manifest["tables"]["member"] == 3 and manifest["tables"]["equality_answers"] == 2
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_backup_never_overwrites_an_existing_file(sites, tmp_path):
    source = sites()
    archive = tmp_path / "backup.tar"
    archive.write_bytes(b"last week's backup")
    result = source.cli("backup", "create", str(archive))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert archive.read_bytes() == b"last week's backup"


def test_postgresql_restore_with_yes_replaces_a_database_in_use_entirely(sites, tmp_path):
    source = sites("postgresql")
    with source.app.app_context():
        populate(source)
        db.session.remove()
    archive = tmp_path / "backup.tar"
    assert source.cli("backup", "create", str(archive)).exit_code == 0

    target = sites("postgresql")
    with target.app.app_context():
        create_member("someone.else@example.org")
        db.session.execute(sa.text("CREATE TABLE left_over (id integer PRIMARY KEY)"))
        db.session.commit()
        db.session.remove()
    refused = target.cli("backup", "restore", str(archive))
    assert refused.exit_code == 1 and "--yes" in refused.output

    replaced = target.cli("backup", "restore", str(archive), "--yes")
    assert replaced.exit_code == 0, replaced.output
    assert target.rows() == source.rows()
    with target.app.app_context():
        assert not sa.inspect(db.engine).has_table("left_over")
        db.engine.dispose()
