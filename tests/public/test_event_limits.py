"""A tablet set up for an event is spared the sign-up limit per network address; the limit per email address holds."""

import pytest

from app.extensions import limiter
from app.members import services as members
from tests.public.helpers import sign_up
from tests.public.test_event_signup import _event, _set_up_device, _sign_up_here


@pytest.fixture
def config_overrides():
    return {"SIGNUP_RATE_LIMIT": "2 per minute", "SIGNUP_ADDRESS_RATE_LIMIT": "2 per minute"}


def test_a_queue_at_the_stall_is_not_turned_away_but_one_address_over_and_over_is(app):
    limiter.reset()
    tablet, _ = _set_up_device(app, _event())
    answers = [_sign_up_here(tablet, email=f"p{n}@example.org").status_code for n in range(4)]
    assert answers == [303, 303, 303, 303]
    assert members.find_by_email("p3@example.org") is not None
    again = [_sign_up_here(tablet, email="same@example.org").status_code for _ in range(3)]
    assert again == [303, 303, 429]
    # Without the device's set-up, the same network address is limited as before.
    client = app.test_client()
    answers = [sign_up(client, email=f"w{n}@example.org").status_code for n in range(3)]
    assert answers == [302, 302, 429]
