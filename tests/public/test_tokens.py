"""Confirm links that are tampered with or expired: a plain page, nothing changed."""

import time

from app.extensions import db
from app.members import links
from app.members import services as members
from tests.factories import create_member, csrf_token
from tests.public.helpers import page_text, press_confirm

EIGHT_DAYS = 8 * 24 * 3600


def _later(monkeypatch, seconds: int) -> None:
    """Move the clock the signatures are checked against."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


def _path(url: str) -> str:
    return url.replace("http://localhost", "")


def test_opening_a_confirm_link_shows_a_button_and_changes_nothing(client):
    member = create_member("p@example.org", status="pending")
    path = _path(links.confirm_url(member))
    for _ in range(2):  # mail scanners may open a link more than once
        page = client.get(path)
        assert page.status_code == 200
        html = page_text(page)
        assert "Confirm your email address" in html and 'method="post"' in html and "csrf_token" in html
    db.session.expire_all()
    member = members.find_by_email("p@example.org")
    assert member.status == "pending"
    assert "confirmed" not in [e.kind for e in member.events]


def test_confirm_button_activates_once_and_again_is_harmless(client):
    member = create_member("p@example.org", status="pending")
    path = _path(links.confirm_url(member))
    done = press_confirm(client, path)
    assert done.status_code == 200 and "Your email address is confirmed" in page_text(done)
    assert press_confirm(client, path).status_code == 200
    member = members.find_by_email("p@example.org")
    assert member.status == "active"
    assert [e.kind for e in member.events].count("confirmed") == 1


def test_confirm_without_csrf_is_refused_and_changes_nothing(client):
    member = create_member("p@example.org", status="pending")
    assert client.post(_path(links.confirm_url(member))).status_code == 400
    assert members.find_by_email("p@example.org").status == "pending"


def test_tampered_confirm_link_gets_a_plain_page_and_changes_nothing(client):
    member = create_member("p@example.org", status="pending")
    path = _path(links.confirm_url(member))
    response = client.get(path[:-3] + "abc")
    assert response.status_code == 400
    assert "sign up again" in page_text(response)
    token = csrf_token(client.get(path).get_data(as_text=True))
    response = client.post(path[:-3] + "abc", data={"csrf_token": token})
    assert response.status_code == 400 and "sign up again" in page_text(response)
    assert members.find_by_email("p@example.org").status == "pending"
    assert client.get("/get-involved/confirm/not-a-token").status_code == 400


def test_expired_confirm_link_gets_a_plain_page_and_changes_nothing(client, monkeypatch):
    member = create_member("p@example.org", status="pending")
    path = _path(links.confirm_url(member))
    _later(monkeypatch, EIGHT_DAYS)
    response = client.get(path)
    assert response.status_code == 400
    assert "This link does not work" in page_text(response)
    assert members.find_by_email("p@example.org").status == "pending"


def test_confirm_link_expiring_before_the_button_is_pressed_changes_nothing(app, client, monkeypatch):
    member = create_member("p@example.org", status="pending")
    path = _path(links.confirm_url(member))
    token = csrf_token(client.get(path).get_data(as_text=True))
    monkeypatch.setitem(app.config, "CONFIRM_TOKEN_MAX_AGE", -1)  # every confirm link is now too old
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 400 and "This link does not work" in page_text(response)
    assert members.find_by_email("p@example.org").status == "pending"


def test_a_preferences_link_cannot_be_used_to_confirm(client):
    member = create_member("p@example.org", status="pending")
    token = links.preferences_url(member).rsplit("/", 1)[1]
    assert client.get(f"/get-involved/confirm/{token}").status_code == 400
    assert members.find_by_email("p@example.org").status == "pending"


def test_expired_preferences_link_offers_a_fresh_one(client, monkeypatch):
    member = create_member("p@example.org")
    path = _path(links.preferences_url(member))
    _later(monkeypatch, 91 * 24 * 3600)
    response = client.get(path)
    assert response.status_code == 400
    html = page_text(response)
    assert "Get a new link" in html and 'type="email"' in html


def test_links_in_emails_use_the_public_address(app):
    member = create_member("p@example.org")
    app.config["PUBLIC_BASE_URL"] = "https://involve.example.nhs.uk"
    assert links.confirm_url(member).startswith("https://involve.example.nhs.uk/get-involved/confirm/")
    assert links.preferences_url(member).startswith("https://involve.example.nhs.uk/preferences/")
    assert "p@example.org" not in links.preferences_url(member)
