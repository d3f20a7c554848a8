"""Staff are asked before an event is cancelled, and told what cancelling it will do."""

from datetime import timedelta

from app import clock
from app.extensions import db
from app.rosters import events
from app.rosters.models import Meeting, Registration
from tests.factories import create_staff_user, csrf_token, login
from tests.rosters.factories import create_meeting


def _event_with_bookings():
    """Two booked, two waiting, and one who gave up their waiting place."""
    event = create_meeting(
        None, clock.now() + timedelta(days=14), title="Big Chat 2026", capacity=2, registration_open=True
    )
    for name in ("Ann", "Ben", "Cat", "Dan"):
        events.register(event, name, f"{name.lower()}@example.org")
    events.cancel(events.register(event, "Eve", "eve@example.org").registration.id)
    return event


def _cancelled_at(event):
    db.session.expire_all()
    return db.session.get(Meeting, event.id).cancelled_at


def _cancellations(outbox) -> list[str]:
    return sorted(m["to"] for m in outbox() if m["subject"].startswith("Cancelled"))


def test_the_event_page_leads_to_a_page_saying_what_cancelling_will_do(client, outbox):
    event = _event_with_bookings()
    login(client, create_staff_user("engagement"))
    url = f"/staff/meetings/{event.id}/cancel"

    event_page = client.get(f"/staff/meetings/{event.id}").get_data(as_text=True)
    assert f'href="{url}"' in event_page and f'action="{url}"' not in event_page

    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Are you sure you want to cancel this event?" in text
    assert "Big Chat 2026" in text and event.starts_at.strftime("%A %-d %B %Y, %H:%M") in text
    assert 'Booked</dt><dd class="nhsuk-summary-list__value">2 people' in text
    assert 'On the waiting list</dt><dd class="nhsuk-summary-list__value">2 people' in text
    assert "4 people booked or waiting will be emailed" in text
    assert "Yes, cancel this event" in text and f'<a href="/staff/meetings/{event.id}">No, go back</a>' in text
    assert f'<form method="post" action="{url}"' in text

    assert _cancelled_at(event) is None, "asking is not cancelling"
    assert _cancellations(outbox) == []


def test_only_the_post_from_the_confirm_page_cancels_the_event(client, outbox):
    event = _event_with_bookings()
    login(client, create_staff_user("engagement"))
    url = f"/staff/meetings/{event.id}/cancel"
    for _ in range(2):
        assert client.get(url).status_code == 200
    assert _cancelled_at(event) is None

    assert client.post(url).status_code == 400, "no CSRF token"
    assert _cancelled_at(event) is None

    token = csrf_token(client.get(url).get_data(as_text=True))
    reply = client.post(url, data={"csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"] == f"/staff/meetings/{event.id}"
    assert _cancelled_at(event) is not None
    assert _cancellations(outbox) == ["ann@example.org", "ben@example.org", "cat@example.org", "dan@example.org"]
    assert "Big Chat 2026 is cancelled; 4 people were told." in client.get(reply.headers["Location"]).get_data(
        as_text=True
    )

    again = client.get(url).get_data(as_text=True)
    assert "is already cancelled" in again and "Yes, cancel this event" not in again


def test_the_confirm_page_says_who_cannot_be_emailed(client):
    event = _event_with_bookings()
    ben = db.session.scalar(db.select(Registration).where(Registration.name == "Ben"))
    ben.email = None  # a booking left by an erasure made before places were given up
    db.session.commit()
    login(client, create_staff_user("admin"))

    text = client.get(f"/staff/meetings/{event.id}/cancel").get_data(as_text=True)
    assert "3 people booked or waiting will be emailed" in text
    assert "1 person cannot be emailed because their details were erased" in text
