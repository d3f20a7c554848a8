from datetime import date, datetime

import pytest

from app import clock


@pytest.fixture(autouse=True)
def _in_app(app):
    """Every test here runs against the real database inside an application context."""
    return app


@pytest.fixture
def frozen(monkeypatch):
    """The clock stands at noon on 1 June 2026; call frozen(day) to move it to another day."""

    def freeze(day: date):
        monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 12, 0))

    freeze(date(2026, 6, 1))
    return freeze
