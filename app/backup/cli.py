"""`flask backup create FILE` and `flask backup restore FILE [--yes]`."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.backup import services
from app.backup.archive import BackupError
from app.backup.databases import KINDS

backup_cli = AppGroup("backup", help="Back up and restore the database and its folders of files.")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


def _fail(error: Exception, doing: str):
    if isinstance(error, BackupError):
        raise click.ClickException(str(error))
    if isinstance(error, sa.exc.OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        raise click.ClickException(f"The database did not answer: {reason}")
    where = f" ({error.filename})" if getattr(error, "filename", None) else ""
    raise click.ClickException(f"{doing} failed: {getattr(error, 'strerror', None) or error}{where}")


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _files(files: dict[str, int]) -> str:
    return ", ".join(f"{count:,} in {key}" for key, count in sorted(files.items())) or "none"


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False))
def create(file):
    """Write a consistent backup of the database and the outbox and imports folders to FILE (.tar, or .tar.gz)."""
    try:
        result = services.create_backup(file)
    except (BackupError, OSError, sa.exc.OperationalError) as error:
        _fail(error, "The backup")
    click.echo(
        f"Backed up the {KINDS[result.kind]} database (revision {result.revision or 'none'}, "
        f"{len(result.tables)} tables, {_rows(result.rows)}) and files ({_files(result.files)}) "
        f"to {result.path} ({_size(result.size)}) in {result.seconds:.1f} s."
    )
    click.echo("It holds personal and special-category data: store it encrypted, with restricted access.")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace a database (and folders) that already hold data")
def restore(file, yes):
    """Restore a backup made by `flask backup create`, run the migrations and check the row counts."""
    try:
        result = services.restore_backup(file, overwrite=yes)
    except (BackupError, OSError, sa.exc.OperationalError) as error:
        _fail(error, "The restore")
    click.echo(
        f"Restored the backup of {result.created_at} ({KINDS[result.kind]}, revision "
        f"{result.backup_revision or 'none'}) and files ({_files(result.files)})."
    )
    if result.revision != result.backup_revision:
        click.echo(f"Migrated the database from revision {result.backup_revision} to {result.revision}.")
    for name, (before, after) in result.migrated.items():
        click.echo(
            f"  the migrations changed {name}: {before if before is not None else 'absent'} -> {after if after is not None else 'absent'} rows"
        )
    click.echo(
        f"The database answers: {len(result.tables)} tables, {_rows(result.rows)}"
        + (", as in the backup." if not result.migrated else ", the backup's after the migrations above.")
        + f" ({result.seconds:.1f} s)"
    )
