"""Sign-ups are limited per IP address."""

import pytest

from app.extensions import limiter
from app.members import services as members
from tests.public.helpers import sign_up


@pytest.fixture
def config_overrides():
    return {"SIGNUP_RATE_LIMIT": "3 per minute"}


def test_too_many_sign_ups_from_one_address_are_refused(client):
    limiter.reset()
    answers = []
    for n in range(4):
        response = sign_up(client, email=f"p{n}@example.org")
        answers.append(response.status_code)
    assert answers == [302, 302, 302, 429]
    assert members.find_by_email("p3@example.org") is None
    # reading the form, and sending its first steps, is never limited
    assert client.get("/get-involved").status_code == 200
    other = sign_up(client, email="p9@example.org", request_args={"environ_overrides": {"REMOTE_ADDR": "10.0.0.9"}})
    assert other.status_code == 302
