"""`flask members import FILE` and `flask members export FILE`."""

import os

import click
from flask.cli import AppGroup

from app.errors import InvalidRequest

members_cli = AppGroup("members", help="Import and export members.")


def _split(values) -> list[str]:
    return [p.strip() for value in values for p in value.split(",") if p.strip()]


@members_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing")
@click.option(
    "--purposes",
    multiple=True,
    help="What the people in the file agreed to: bulletin, involvement, surveys (comma-separated or repeated)",
)
@click.option("--method", default="import", show_default=True, help="How consent was given: paper, event, import...")
@click.option("--update-existing", is_flag=True, help="Update members already held (default: skip them)")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows even if some rows have problems")
def import_members(path, dry_run, purposes, method, update_existing, skip_bad_rows):
    """Import members from a CSV or XLSX file: every good row or nothing."""
    from app.members.import_reader import guess_mapping, peek_members_file
    from app.members.importer import ImportOptions, import_file, preview_file

    kind = os.path.splitext(path)[1].lower()
    options = ImportOptions(
        purposes=_split(purposes), method=method, update_existing=update_existing, refuse_if_bad=not skip_bad_rows
    )
    try:
        problems = options.problems()
        if dry_run and not options.purposes:
            # A dry run writes no consent, so it can check a file before anyone knows what was agreed.
            problems.pop("purposes", None)
        if problems:
            raise InvalidRequest("State the consent the people in the file gave.", 400, problems)
        mapping = guess_mapping(peek_members_file(path, kind)[0])
        if dry_run:
            report = preview_file(path, kind, mapping, options)
        else:
            report = import_file(path, kind, mapping, options)
    except InvalidRequest as error:
        details = "; ".join(f"{k}: {v}" for k, v in error.errors.items() if v != error.message)
        raise click.ClickException(f"{error.message} {details}".strip())
    for line, reason in report.errors:
        click.echo(f"line {line}: {reason}", err=True)
    for line, reason in report.skipped_rows:
        click.echo(f"line {line}: skipped: {reason}")
    if report.skipped > len(report.skipped_rows):
        click.echo(f"(the first {len(report.skipped_rows)} of {report.skipped} skipped rows are listed)")
    click.echo(
        f"{report.rows} rows: {report.new} new, {report.updated} updated, {report.skipped} skipped, {report.bad} with problems"
    )
    if dry_run:
        click.echo("Dry run: nothing was written.")
        if not options.purposes:
            click.echo("To import, say what the people in the file agreed to with --purposes.")
    elif not report.committed:
        raise click.ClickException(
            "Nothing was imported because some rows have problems. Correct them, or use --skip-bad-rows."
        )
    else:
        click.echo("Imported.")


@members_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--status", default="", help="Only members with this status (default: all but erased)")
def export_members(path, status):
    """Export members to a .csv or .xlsx file (by its extension); equality answers are never included."""
    from app.members import export

    kind = os.path.splitext(path)[1].lower().lstrip(".")
    if kind not in export.FORMATS:
        raise click.ClickException("The file name must end in .csv or .xlsx.")
    filters = export.filter_from_args({"status": status})
    if status and not filters.status:
        raise click.ClickException(f"Unknown status {status!r}.")
    rows = export.count_members(filters)
    if kind == "csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            export.write_csv(filters, handle)
    else:
        with open(path, "wb") as handle:
            export.write_xlsx(filters, handle)
    export.record_export(filters, kind, rows)
    click.echo(f"Exported {rows} members to {path}")
