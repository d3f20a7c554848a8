import pytest


@pytest.fixture(autouse=True)
def _in_app(app):
    """Every test here runs against the real database inside an application context."""
    return app
