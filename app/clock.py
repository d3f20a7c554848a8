"""The one place the application asks the time, so tests can freeze it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# The team works in UK time; the database keeps UTC. Pages show and read times in UK time.
UK = ZoneInfo("Europe/London")


def now() -> datetime:
    """Naive UTC now: every timestamp in the database is naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return now().date()


def in_uk(moment):
    """A stored (naive UTC) time as UK time, with its zone (GMT or BST); a date or None is left alone."""
    if not isinstance(moment, datetime):
        return moment
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UK)


def from_uk(moment: datetime) -> datetime:
    """A time typed in UK time (or given with its own offset) as the database keeps it: naive UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UK)
    return moment.astimezone(UTC).replace(tzinfo=None)


def uk_time(moment, style: str = "%-d %B %Y %H:%M") -> str:
    """A stored time as the team reads it: '1 July 2026 09:00 BST'."""
    if moment is None:
        return ""
    local = in_uk(moment)
    return f"{local.strftime(style)} {local.tzname()}" if isinstance(local, datetime) else local.strftime(style)
