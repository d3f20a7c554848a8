"""`flask demo load` and `flask demo logins`."""

import click
from flask.cli import AppGroup

from app.errors import InvalidRequest

demo_cli = AppGroup("demo", help="Demo data for trying Involve out.")


@demo_cli.command("load")
@click.option(
    "--members", "count", default=2000, show_default=True, type=click.IntRange(1, 200_000), help="How many members"
)
def load(count):
    """Load a synthetic involvement network for Wolverhampton, once."""
    from app.demo import services

    try:
        result = services.load(count)
    except InvalidRequest as error:
        raise click.ClickException(error.message)
    click.echo(result.message)


@demo_cli.command("logins")
def logins():
    """Print the demo staff accounts and their password."""
    from app.demo import services

    accounts = services.logins()
    if not accounts:
        click.echo("  No demo staff accounts here; create one with: flask users create EMAIL --role admin")
        return
    click.echo(f"  Demo staff sign-ins (password for each: {services.DEMO_PASSWORD}):")
    for role, email in accounts:
        click.echo(f"    {role:<11} {email}")
