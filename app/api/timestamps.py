"""Timestamps at the API's edge: RFC 3339 with an offset, out and in.

The database keeps naive UTC (app/clock.py). `Timestamp` writes every such value as UTC with
`+00:00` and reads any RFC 3339 time with an offset, converting it to naive UTC for storage.
A time without an offset is refused: it would be a guess at the sender's zone. Dates stay dates.
"""

from datetime import UTC, datetime

from marshmallow import fields


def _with_offset(value: datetime) -> datetime:
    """A stored (naive UTC) or aware datetime as an aware UTC one."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def rfc3339(value):
    """A datetime as RFC 3339 UTC with its offset; a date stays a date. For free-form answers."""
    if isinstance(value, datetime):
        return _with_offset(value).isoformat()
    return value.isoformat()


class Timestamp(fields.AwareDateTime):
    """A date-time with an offset; stored as naive UTC."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "iso")
        super().__init__(default_timezone=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else rfc3339(value)

    def _deserialize(self, value, attr, data, **kwargs):
        aware: datetime = super()._deserialize(value, attr, data, **kwargs)
        return aware.astimezone(UTC).replace(tzinfo=None)
