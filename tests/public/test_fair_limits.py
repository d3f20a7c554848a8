"""Limits that count only real attempts, per network address and per email address, and say when to try again."""

import re

import pytest

from app.errors import wait_in_words
from app.extensions import limiter
from app.members import services as members
from tests.factories import create_member, csrf_token
from tests.public.helpers import page_text, sign_up, signup_form


@pytest.fixture
def config_overrides():
    return {"SIGNUP_RATE_LIMIT": "5 per minute", "SIGNUP_ADDRESS_RATE_LIMIT": "2 per hour"}


def _refusal_says_when(response) -> None:
    assert response.status_code == 429
    text = page_text(response)
    assert "nhsuk-header" in text and "<h1>Too many attempts</h1>" in text
    assert re.search(r"Try again in \d+ (minute|minutes|hour|hours)\b", text)
    assert int(response.headers["Retry-After"]) > 0


def test_forms_sent_back_with_mistakes_are_never_refused(client):
    limiter.reset()
    answers = [
        client.post("/get-involved", data=signup_form(client, email="not an address", postcode="")).status_code
        for _ in range(15)
    ]
    assert answers == [400] * 15
    assert sign_up(client, email="real@example.org").status_code == 302
    assert members.find_by_email("real@example.org") is not None


def test_one_address_signed_up_again_and_again_is_refused_with_the_wait_shown(client):
    limiter.reset()
    answers = [sign_up(client, email="same@example.org") for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    _refusal_says_when(answers[2])
    # Another person on the same network is not held back by it.
    other = sign_up(client, email="someone.else@example.org")
    assert other.status_code == 302
    assert members.find_by_email("someone.else@example.org") is not None


def test_the_network_address_limit_still_applies_to_real_sign_ups(client):
    limiter.reset()
    answers = [sign_up(client, email=f"p{n}@example.org").status_code for n in range(6)]
    assert answers == [302] * 5 + [429]
    assert members.find_by_email("p5@example.org") is None


def _ask(client, address: str):
    page = client.get("/preferences/new-link")
    return client.post(
        "/preferences/new-link", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": address}
    )


def test_new_links_are_limited_per_address_and_mistakes_cost_nothing(client, outbox):
    limiter.reset()
    create_member("m@example.org")
    assert [_ask(client, "not an address").status_code for _ in range(10)] == [400] * 10
    answers = [_ask(client, "m@example.org") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    _refusal_says_when(answers[2])
    assert len(outbox()) == 2
    assert _ask(client, "other@example.org").status_code == 200


def test_waits_are_said_in_words_and_never_shorter_than_they_are():
    assert wait_in_words(5) == "1 minute"
    assert wait_in_words(61) == "2 minutes"
    assert wait_in_words(12 * 60) == "12 minutes"
    assert wait_in_words(3600) == "1 hour"
    assert wait_in_words(5400) == "1 hour 30 minutes"
