"""People without their preferences link can ask for a new one from its own page."""

import re

import pytest

from app.extensions import limiter
from tests.factories import create_member, csrf_token
from tests.public.helpers import page_text, preferences_path


@pytest.fixture
def config_overrides():
    return {"SIGNUP_RATE_LIMIT": "3 per minute"}


def _ask(client, address: str):
    page = client.get("/preferences/new-link")
    return client.post(
        "/preferences/new-link", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": address}
    )


def test_the_privacy_notice_and_get_involved_page_lead_to_the_new_link_page(client, outbox):
    limiter.reset()
    for path in ("/privacy", "/get-involved"):
        assert 'href="/preferences/new-link"' in client.get(path).get_data(as_text=True), path
    assert "sign up again" not in page_text(client.get("/privacy"))

    page = client.get("/preferences/new-link")
    html = page_text(page)
    assert page.status_code == 200 and "<h1>Get a link to manage your preferences</h1>" in html
    assert re.search(r'<label class="nhsuk-label[^"]*" for="email">Email address</label>', html)
    field = re.search(r'<input [^>]*id="email"[^>]*>', html).group(0)
    assert 'type="email"' in field and 'autocomplete="email"' in field and 'spellcheck="false"' in field
    assert 'name="csrf_token"' in html


def test_a_member_gets_a_working_link_and_a_stranger_sees_the_same_page(client, outbox):
    limiter.reset()
    create_member("m@example.org")

    known = _ask(client, "M@Example.org")
    unknown = _ask(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert "Check your email" in page_text(known)
    [message] = outbox()
    assert message["to"] == "m@example.org"
    assert client.get(preferences_path(message)).status_code == 200


def test_a_malformed_address_is_shown_beside_the_field_and_nothing_is_sent(client, outbox):
    limiter.reset()
    response = _ask(client, "not an address")
    html = page_text(response)
    assert response.status_code == 400
    assert re.search(r"<title>Error: Get a link to manage your preferences", html)
    assert "There is a problem" in html and 'href="#email"' in html and "nhsuk-error-message" in html
    assert outbox() == []


def test_asking_for_links_is_rate_limited(client, outbox):
    limiter.reset()
    create_member("m@example.org")
    answers = [_ask(client, "m@example.org").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert len(outbox()) == 3
    # the page itself can still be read
    assert client.get("/preferences/new-link").status_code == 200
