"""Public event registration: places, waiting list, cancellation link, promotion, opt-in consent."""

import re
from datetime import datetime, timedelta

from app import clock, tokens
from app.extensions import db
from app.members import services as members
from app.rosters.models import Registration
from tests.factories import csrf_token
from tests.public.helpers import press_confirm
from tests.rosters.factories import create_meeting


def _event(capacity=2):
    return create_meeting(
        None,
        clock.now() + timedelta(days=14),
        title="Big Chat 2026",
        capacity=capacity,
        registration_open=True,
        accessibility="Step-free access and a hearing loop.",
    )


def _register(client, event, name, email, **extra):
    url = f"/events/{event.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "name": name, "email": email, **extra})


def _status(email):
    return db.session.scalar(db.select(Registration.status).where(Registration.email_normalised == email))


def test_register_sends_confirmation_with_cancellation_link(client, outbox):
    event = _event()
    response = _register(client, event, "Sam Patel", "sam@example.org", access_needs="BSL interpreter")
    assert response.status_code == 200 and "You are registered" in response.get_data(as_text=True)
    [message] = outbox()
    assert message["to"] == "sam@example.org" and "Big Chat 2026" in message["subject"]
    assert "/events/cancel/" in message["text"] and "hearing loop" in message["text"]


def test_full_event_offers_waiting_list_and_cancellation_promotes(client, outbox):
    event = _event(capacity=1)
    _register(client, event, "First Person", "first@example.org")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event is full. You can join the waiting list" in page
    response = _register(client, event, "Second Person", "second@example.org")
    assert "You are on the waiting list" in response.get_data(as_text=True)
    assert _status("second@example.org") == "waiting"

    first_mail = [m for m in outbox() if m["to"] == "first@example.org"][0]
    cancel_url = re.search(r"http://localhost(/events/cancel/\S+)", first_mail["text"]).group(1)
    page = client.get(cancel_url)
    assert "Cancel your place" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    done = client.post(cancel_url, data={"csrf_token": token})
    assert "Your place is cancelled" in done.get_data(as_text=True)
    assert _status("first@example.org") == "cancelled"
    assert _status("second@example.org") == "registered"
    promoted = [m for m in outbox() if m["to"] == "second@example.org" and "place is now free" in m["subject"]]
    assert len(promoted) == 1
    # Cancelling twice changes nothing and sends nothing more.
    client.post(cancel_url, data={"csrf_token": token})
    assert len(outbox()) == 3


def test_registering_twice_keeps_one_place(client):
    event = _event()
    _register(client, event, "Sam Patel", "sam@example.org")
    _register(client, event, "Sam Patel", "SAM@example.org")
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 1


def test_bad_input_shows_errors_and_writes_nothing(client):
    event = _event()
    response = _register(client, event, "", "not-an-email")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter your name" in page and "Enter an email address in the correct format" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_tampered_or_wrong_purpose_token_is_a_plain_page(client):
    event = _event()
    assert client.get("/events/cancel/nonsense").status_code == 400
    other = tokens.sign("confirm", {"registration": 1})
    response = client.get(f"/events/cancel/{other}")
    assert response.status_code == 400 and "This link does not work" in response.get_data(as_text=True)
    assert event.id


def test_opt_in_records_consent_with_method_event(client, outbox):
    event = _event()
    _register(client, event, "Jo Bloggs", "jo@example.org", join_network="yes")
    member = members.find_by_email("jo@example.org")
    assert member.status == "pending"
    consent = member.live_consent("involvement")
    assert consent.method == "event" and "opportunities to get involved" in consent.wording
    assert "/get-involved/confirm/" in outbox()[0]["text"]
    assert _status("jo@example.org") == "registered"
    link = re.search(r"https?://\S+/get-involved/confirm/\S+", outbox()[0]["text"]).group(0)
    done = press_confirm(client, link.replace("http://localhost", ""))
    assert "Your email address is confirmed" in done.get_data(as_text=True)
    assert members.find_by_email("jo@example.org").status == "active"


def test_without_opt_in_no_member_is_made(client):
    _register(client, _event(), "Jo Bloggs", "jo@example.org", join_network="no")
    assert members.find_by_email("jo@example.org") is None


def test_closed_or_past_event_is_not_found(client):
    past = create_meeting(None, datetime(2020, 1, 1, 10), title="Old", registration_open=True)
    assert "registration has closed" in client.get(f"/events/{past.id}").get_data(as_text=True)
    token = csrf_token(client.get(f"/events/{_event().id}").get_data(as_text=True))
    form = {"csrf_token": token, "name": "Late Person", "email": "late@example.org"}
    response = client.post(f"/events/{past.id}", data=form)
    assert response.status_code == 400 and "registration has closed" in response.get_data(as_text=True)
    closed = create_meeting(None, clock.now() + timedelta(days=3), title="Staff only")
    assert client.get(f"/events/{closed.id}").status_code == 404


def test_public_list_shows_only_open_future_events(client):
    _event()
    create_meeting(None, clock.now() + timedelta(days=3), title="Not open")
    page = client.get("/events/").get_data(as_text=True)
    assert "Big Chat 2026" in page and "Not open" not in page
