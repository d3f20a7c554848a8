"""`flask maintenance ...`: retention and the other daily housekeeping."""

import click
from flask.cli import AppGroup

maintenance_cli = AppGroup("maintenance", help="Daily housekeeping: retention and more.")


@maintenance_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Report how many members would be lapsed and erased; change nothing")
def retention(dry_run):
    """Apply the retention settings: lapse inactive members, erase long-lapsed ones."""
    from app.maintenance import services
    from app.settings.services import get_setting

    lapse, erase = get_setting("retention_lapse_months"), get_setting("retention_erase_months")
    click.echo(f"Retention: lapse after {lapse} months without activity, erase {erase} months after lapsing.")
    if dry_run:
        result = services.retention_report()
        click.echo(f"Dry run: {result['lapsed']} would be lapsed, {result['erased']} would be erased. Nothing changed.")
    else:
        result = services.apply_retention()
        click.echo(f"{result['lapsed']} lapsed, {result['erased']} erased.")


@maintenance_cli.command("daily")
def daily():
    """Run every daily housekeeping task once (for cron when no worker runs)."""
    from app.maintenance import services

    results = services.run_daily()
    for name, result in results.items():
        figures = ", ".join(f"{k}: {v}" for k, v in result.items())
        click.echo(f"{name}: {figures}")
    if any("error" in r for r in results.values()):
        raise click.ClickException("A daily task failed; see the log.")


@maintenance_cli.command("schedule")
def schedule():
    """Schedule the daily job on RQ now (workers also do this when they start)."""
    from app.maintenance.tasks import schedule_daily, schedule_readership_refresh

    schedule_readership_refresh()
    job = schedule_daily()
    if job is None:
        raise click.ClickException("REDIS_URL is not set: run `flask maintenance daily` from cron instead.")
    click.echo(f"Daily housekeeping scheduled as job {job.id}.")


@maintenance_cli.command("readership")
def readership():
    """Refresh the readership figures of campaigns sending or sent recently (for cron when no worker runs)."""
    from app.newsletters.reports import REFRESH_DAYS, refresh_recent

    click.echo(f"{refresh_recent()} campaigns sending or sent in the last {REFRESH_DAYS} days refreshed.")
