"""The one place the application asks the time, so tests can freeze it."""

from datetime import UTC, date, datetime


def now() -> datetime:
    """Naive UTC now: every timestamp in the database is naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return now().date()
