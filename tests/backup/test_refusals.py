"""A file that is not a complete Involve backup is refused with a clear message, and the target is left as it was."""

import io
import json
import tarfile

import pytest

from app.backup import databases
from app.extensions import db
from tests.backup.network import populate
from tests.factories import create_member


@pytest.fixture
def archive(sites, tmp_path):
    """A real backup of a populated site."""
    source = sites()
    with source.app.app_context():
        populate(source)
        db.session.remove()
    path = tmp_path / "backup.tar"
    assert source.cli("backup", "create", str(path)).exit_code == 0
    return path


@pytest.fixture
def lived_in(sites):
    """A target that already holds a member and a file of its own."""
    site = sites()
    with site.app.app_context():
        create_member("already@example.org")
        db.session.remove()
    site.outbox.mkdir()
    (site.outbox / "mine.eml").write_text("kept")
    return site


def _snapshot(site):
    return site.rows(), site.files(), sorted(p.name for p in site.folder.rglob("*"))


def _not_a_backup(tmp_path):
    text = tmp_path / "members.csv"
    text.write_text("Email\nsomeone@example.org\n")
    other_tar = tmp_path / "photos.tar"
    with tarfile.open(other_tar, "w") as tar:
        tar.add(text, arcname="members.csv")
    return [text, other_tar]


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(lived_in, tmp_path):
    before = _snapshot(lived_in)
    for path in _not_a_backup(tmp_path):
        result = lived_in.cli("backup", "restore", str(path), "--yes")
        assert result.exit_code == 1
        assert f"{path.name} is not an Involve backup" in result.output
    assert _snapshot(lived_in) == before


@pytest.mark.parametrize("keep", [0.3, "last file", "header", "end marker"])
def test_a_truncated_backup_is_refused_and_nothing_changes(archive, lived_in, tmp_path, keep):
    data = archive.read_bytes()
    with tarfile.open(archive) as tar:
        last = tar.getmembers()[-1]
    # Cut inside the database, inside the last file, cleanly before the list of contents,
    # or just after it, so that only the tar's end-of-archive marker is lost.
    length = {
        "last file": last.offset_data + last.size // 2,
        "header": last.offset,
        "end marker": last.offset_data + -(-last.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE,
    }.get(keep) or int(len(data) * keep)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(data[:length])
    before = _snapshot(lived_in)

    result = lived_in.cli("backup", "restore", str(cut), "--yes")
    assert result.exit_code == 1
    assert "cut.tar is incomplete or damaged" in result.output
    assert "nothing was restored" in result.output
    assert _snapshot(lived_in) == before


def test_a_truncated_backup_leaves_an_empty_target_without_a_database(archive, sites, tmp_path):
    target = sites(migrated=False)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    result = target.cli("backup", "restore", str(cut))
    assert result.exit_code == 1 and "incomplete or damaged" in result.output
    assert list(target.folder.iterdir()) == []


def test_a_damaged_byte_is_caught_by_the_checksums(archive, lived_in, tmp_path):
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        database = tar.getmember("database.sqlite3")
    data[database.offset_data + 5000] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    before = _snapshot(lived_in)
    result = lived_in.cli("backup", "restore", str(damaged), "--yes")
    assert result.exit_code == 1
    assert "database.sqlite3 does not match its checksum" in result.output
    assert _snapshot(lived_in) == before


def _with_manifest(archive, tmp_path, **changes):
    changed = tmp_path / "changed.tar"
    with tarfile.open(archive) as source, tarfile.open(changed, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return changed


def test_a_backup_of_another_kind_of_database_is_refused(archive, lived_in, tmp_path):
    postgres = _with_manifest(archive, tmp_path, database="postgresql")
    before = _snapshot(lived_in)
    result = lived_in.cli("backup", "restore", str(postgres), "--yes")
    assert result.exit_code == 1
    assert "holds a PostgreSQL database, but this Involve uses SQLite" in result.output
    assert _snapshot(lived_in) == before


def test_a_backup_from_a_newer_version_is_refused(archive, lived_in, tmp_path):
    newer = _with_manifest(archive, tmp_path, alembic_revision="9999")
    result = lived_in.cli("backup", "restore", str(newer), "--yes")
    assert result.exit_code == 1
    assert "revision 9999, which this version of Involve does not know" in result.output


def test_a_database_with_data_is_replaced_only_with_yes(archive, lived_in):
    before = _snapshot(lived_in)
    refused = lived_in.cli("backup", "restore", str(archive))
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--yes" in refused.output
    assert _snapshot(lived_in) == before

    replaced = lived_in.cli("backup", "restore", str(archive), "--yes")
    assert replaced.exit_code == 0, replaced.output
    emails = sorted(row.email for row in _members(lived_in))
    assert emails == ["priya@example.org", "sam@example.org", "tomasz@example.org"]
    assert "outbox/mine.eml" not in lived_in.files()
    assert "imports/3f9c0a.csv" in lived_in.files()


def _members(site):
    from app.members.models import Member

    with site.app.app_context():
        try:
            return db.session.query(Member.email).all()
        finally:
            db.session.remove()


def test_postgresql_without_its_client_programs_says_what_to_install(sites, monkeypatch, tmp_path):
    site = sites()
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(databases.glob, "glob", lambda pattern: [])
    with site.app.app_context():
        with pytest.raises(databases.BackupError) as error:
            databases.find_tool("pg_dump")
    assert "pg_dump was not found on PATH or in /usr/lib/postgresql/*/bin" in str(error.value)
    assert "postgresql-client" in str(error.value)
