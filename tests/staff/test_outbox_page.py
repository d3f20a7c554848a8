"""The Outbox page: messages the outbox backend wrote, and one message shown safely."""

import re

import pytest

from app.mail.backends import OutboxBackend
from app.mail.message import Message
from tests.factories import create_staff_user, login

HOSTILE_HTML = '<p style="color:red">Hello</p><script>alert("x")</script><img src="https://tracker.example/p.gif">'


def send(app, to, subject, html=None):
    return OutboxBackend(app.config["OUTBOX_DIR"]).send(
        Message(to=to, subject=subject, text=f"Plain text for {subject}", html=html, headers={"X-Test": "yes"})
    )


def test_outbox_lists_messages_newest_first(app, client):
    send(app, "first@example.org", "First message")
    send(app, "second@example.org", "Second message")
    login(client, create_staff_user("comms"))
    html = client.get("/staff/outbox").get_data(as_text=True)
    assert "first@example.org" in html and "second@example.org" in html
    assert html.index("Second message") < html.index("First message")


def test_empty_outbox_says_so(client):
    login(client, create_staff_user("engagement"))
    assert "The outbox is empty" in client.get("/staff/outbox").get_data(as_text=True)


def test_message_page_shows_headers_text_and_sandboxed_html(app, client):
    message_id = send(app, "reader@example.org", "Your bulletin", html=HOSTILE_HTML)
    login(client, create_staff_user("comms"))
    response = client.get(f"/staff/outbox/{message_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "X-Test" in html and "reader@example.org" in html
    assert "Plain text for Your bulletin" in html
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert " sandbox " in frame or ' sandbox="" ' in frame or "sandbox srcdoc" in frame
    assert "allow-scripts" not in frame
    assert "<script>" not in html, "the message's HTML is never part of the page itself"
    assert "&lt;script&gt;" in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "img-src 'self' data:" in policy, "remote images and scripts stay blocked"


def test_unknown_or_malformed_message_ids_are_not_found(client):
    login(client, create_staff_user("comms"))
    assert client.get("/staff/outbox/00000000000000000001-deadbeef").status_code == 404
    assert client.get("/staff/outbox/..%2F..%2Fetc%2Fpasswd").status_code == 404


@pytest.mark.parametrize("role, status", [("admin", 200), ("engagement", 200), ("comms", 200), ("analyst", 403)])
def test_who_can_see_the_outbox(client, role, status):
    login(client, create_staff_user(role))
    assert client.get("/staff/outbox").status_code == status


def test_signed_out_people_cannot_see_the_outbox(client):
    assert client.get("/staff/outbox").status_code == 302
