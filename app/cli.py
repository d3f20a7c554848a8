"""Command-line interface: `flask --app wsgi <group> <command>`."""

import gc
import os
import secrets

import click
from flask import current_app
from flask.cli import AppGroup

from app.errors import InvalidRequest
from app.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")
tokens_cli = AppGroup("tokens", help="API tokens.")


def _fail(error: InvalidRequest):
    details = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help="admin, engagement, comms or analyst")
@click.option("--password", help="At least 12 characters; one is generated and printed if left out")
@click.option("--name", default="")
def create_user(email, role, password, name):
    """Create a staff account."""
    from app.auth.services import create_user as create

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create(email, role, password, name)
    except InvalidRequest as error:
        _fail(error)
    click.echo(f"Created {role} account {user.email}")
    if generated:
        click.echo(f"Password: {password}")


@tokens_cli.command("create")
@click.argument("name")
@click.option("--role", required=True, help="admin, engagement, comms or analyst")
def create_token(name, role):
    """Create an API token and print it (it is shown only once)."""
    from app.auth.services import create_api_token

    try:
        _, secret = create_api_token(name, role)
    except InvalidRequest as error:
        _fail(error)
    click.echo(secret)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty")
@click.option(
    "--fork",
    is_flag=True,
    help="Run each job in a forked child (isolates every job, at several times the cost of a bulletin batch)",
)
@click.option("--max-jobs", type=int, default=None, help="Exit after this many jobs (a supervisor restarts it)")
def worker(burst, fork, max_jobs):
    """Run an RQ worker for background jobs (needs REDIS_URL)."""
    from redis import Redis
    from rq import Queue, SimpleWorker, Worker

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("REDIS_URL is not set: without it jobs run inline and no worker is needed.")
    connection = Redis.from_url(url)
    queue = Queue(current_app.config["RQ_QUEUE"], connection=connection)
    from app.maintenance.tasks import schedule_daily, schedule_readership_refresh

    schedule_daily()
    schedule_readership_refresh()
    # Started after a crash (a supervisor restarting it): what the dead worker was running runs again now.
    from app.jobs import recover_abandoned

    recover_abandoned(queue)
    if fork:
        engine = db.engine
        # Each job runs in a forked child; it must not reuse the parent's database connections.
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        worker_class = Worker
    else:
        # Jobs run in this process, keeping its connections and compiled queries warm between
        # bulletin batches; a job's time limit still applies (SIGALRM) and a crash loses only
        # the job in hand, which the sending sweeper settles.
        worker_class = SimpleWorker
    # Everything loaded so far (the app, its models, compiled queries) lives as long as the worker:
    # left out of garbage collection, it is not walked again by every collection a batch triggers.
    gc.freeze()
    # The scheduler promotes jobs queued with enqueue_at (the daily housekeeping) when due.
    worker_class([queue], connection=connection).work(burst=burst, with_scheduler=True, max_jobs=max_jobs)


rosters_cli = AppGroup("rosters", help="Groups and memberships.")


@rosters_cli.command("review")
@click.option("--days", default=30, show_default=True, help="Renewals due within this many days")
@click.option("--queue", is_flag=True, help="Run as a background job (needs REDIS_URL)")
def rosters_review(days, queue):
    """List memberships due for renewal, aged out, moved PCN or lapsed (run daily from cron)."""
    from app.jobs import enqueue, named

    if queue:
        job = enqueue("rosters.review_memberships", days)
        click.echo(f"Queued job {job.id}" if job else "Ran inline (no REDIS_URL)")
        return
    for reason, count in named("rosters.review_memberships")(days).items():
        click.echo(f"{reason}: {count}")


bulletins_cli = AppGroup("bulletins", help="E-bulletins.")


@bulletins_cli.command("sweep")
def bulletins_sweep():
    """Start due scheduled campaigns and settle interrupted sends (run every minute from cron)."""
    from app.newsletters.sweeper import sweep

    click.echo(", ".join(f"{k}: {v}" for k, v in sweep().items()))


@bulletins_cli.command("refresh-stats")
@click.argument("campaign_id", type=int)
def bulletins_refresh_stats(campaign_id):
    """Classify new opens and clicks and rewrite a campaign's readership figures."""
    from app.newsletters.reports import refresh_stats

    if refresh_stats(campaign_id) is None:
        raise click.ClickException(f"There is no campaign {campaign_id}.")
    click.echo(f"Updated campaign {campaign_id}.")


def register_cli(app) -> None:
    app.cli.add_command(rosters_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(worker)
    app.cli.add_command(bulletins_cli)

    from app.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
    from app.maintenance.cli import maintenance_cli

    app.cli.add_command(maintenance_cli)
    from app.members.cli import members_cli

    app.cli.add_command(members_cli)
    app.cli.add_command(baselines_cli)
    from app.backup.cli import backup_cli

    app.cli.add_command(backup_cli)


baselines_cli = AppGroup("baselines", help="Population baselines (Census 2021).")


@baselines_cli.command("load")
@click.option("--area", "areas", multiple=True, help="Only this local authority code (repeatable)")
@click.option("--serve", "serve", multiple=True, help="Set the area served to this code, if none is set yet")
def load_baselines(areas, serve):
    """Load the shipped Census 2021 baselines (safe to run again: it replaces them)."""
    from app.representation.baselines import load_census_baselines, save_served_area, served_area

    rows = load_census_baselines(list(areas) or None)
    click.echo(f"Loaded {rows} Census 2021 baseline rows")
    if serve and served_area() is None:
        try:
            area = save_served_area(list(serve))
        except InvalidRequest as error:
            _fail(error)
        click.echo(f"Area served: {area.label}")


@baselines_cli.command("load-postcodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--all-areas", is_flag=True, help="Keep every English postcode, not only the area served")
def load_postcodes(path, all_areas):
    """Load the postcode -> LSOA lookup (ONS Postcode Directory or NSPL CSV) that places members in an IMD decile."""
    from app.representation.baselines import served_area
    from app.representation.deprivation import load_postcode_lookup

    area = served_area()
    if not all_areas and (area is None or not area.area_codes):
        raise click.ClickException("Choose the area served first, or pass --all-areas.")
    try:
        with open(path, "rb") as handle:
            counts = load_postcode_lookup(handle, None if all_areas else area.area_codes)
    except InvalidRequest as error:
        _fail(error)
    click.echo(
        f"Loaded {counts['loaded']:,} postcodes ({counts['read']:,} rows read; "
        f"{counts['outside_area']:,} outside the area served, {counts['not_english']:,} not in an English LSOA, "
        f"{counts['unreadable']:,} unreadable)"
    )
