"""Staff change an event's name, place and days, and delete one nobody signed up at, each after a confirm page."""

import re
from datetime import datetime, timedelta

from app import clock
from app.audit.models import AuditLogEntry
from app.extensions import db
from app.members import signup_events
from app.members.models import SignUpEvent
from app.members.signup_events import Refusal
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.public.helpers import page_text


def _staff(app, role="engagement"):
    client = app.test_client()
    login(client, create_staff_user(role))
    return client


def _event(days_ahead=0, name="Health fair"):
    start = signup_events._uk_today() + timedelta(days=days_ahead)
    return signup_events.create_signup_event(name, "Civic Hall", start, [], None)


def _dates(name, day):
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _edit(client, event, confirm=False, **fields):
    path = f"/staff/signup-events/{event.id}/edit"
    first, last = signup_events.event_days(event)
    data = {"csrf_token": csrf_token(client.get(path).get_data(as_text=True)), "name": event.name, "place": event.place}
    data |= _dates("held_on", first) | _dates("ends_on", last) | fields
    if confirm:
        data["confirm"] = "yes"
    return client.post(path, data=data)


def _audit(action, event_id):
    return list(
        db.session.scalars(
            db.select(AuditLogEntry).where(
                AuditLogEntry.action == action,
                AuditLogEntry.record_type == "signup_event",
                AuditLogEntry.record_id == str(event_id),
            )
        )
    )


def _error_beside(response, field):
    found = re.search(rf'id="{field}-error">(.*?)</span>\s*(.*?)</span>', response.get_data(as_text=True), re.S)
    return found.group(2).strip() if found else None


def test_staff_make_an_event_a_three_day_show_after_checking_the_changes(app):
    client = _staff(app)
    event = _event(days_ahead=10)
    start = event.held_on
    end = start + timedelta(days=2)
    fields = {"name": "County show", "place": "Showground, Shrewsbury"} | _dates("ends_on", end)

    check = _edit(client, event, **fields)
    assert check.status_code == 200
    text = page_text(check)
    assert "Check the changes" in text and "Health fair" in text and "County show" in text
    assert end.strftime("%-d %B %Y") in text
    db.session.expire_all()
    assert db.session.get(SignUpEvent, event.id).name == "Health fair", "nothing is saved before it is confirmed"

    saved = _edit(client, event, confirm=True, **fields)
    assert saved.headers["Location"].endswith(f"/staff/signup-events/{event.id}")
    db.session.expire_all()
    event = db.session.get(SignUpEvent, event.id)
    assert (event.name, event.place, event.held_on) == ("County show", "Showground, Shrewsbury", start)
    assert event.ends_at == signup_events.end_of_day(end)
    page = page_text(client.get(f"/staff/signup-events/{event.id}"))
    assert f"{start.strftime('%-d %B %Y')} to {end.strftime('%-d %B %Y')}" in page
    [entry] = _audit("change", event.id)
    assert "Name: Health fair -> County show" in entry.detail and "End date" in entry.detail


def test_an_end_date_before_the_start_is_refused_beside_the_field_and_nothing_is_saved(app):
    client = _staff(app)
    event = _event(days_ahead=5)
    before = event.held_on - timedelta(days=1)
    response = _edit(client, event, confirm=True, **_dates("ends_on", before))
    assert response.status_code == 400
    assert _error_beside(response, "ends_on") == "The end date must be the same as or after the start date"
    db.session.expire_all()
    assert signup_events.event_days(db.session.get(SignUpEvent, event.id)) == (event.held_on, event.held_on)
    assert _audit("change", event.id) == []


def test_an_empty_name_is_refused_beside_the_field_and_nothing_is_saved(app):
    client = _staff(app)
    event = _event(days_ahead=5)
    response = _edit(client, event, confirm=True, name="   ", place="Town Hall")
    assert response.status_code == 400
    assert _error_beside(response, "name") == "Enter the name of the event"
    db.session.expire_all()
    assert db.session.get(SignUpEvent, event.id).place == "Civic Hall"
    assert _audit("change", event.id) == []


def test_an_event_lasts_at_most_a_week_and_a_changed_date_cannot_be_in_the_past(app):
    client = _staff(app)
    event = _event(days_ahead=5)
    too_long = _edit(client, event, **_dates("ends_on", event.held_on + timedelta(days=7)))
    assert _error_beside(too_long, "ends_on") == "An event can last up to 7 days"
    yesterday = signup_events._uk_today() - timedelta(days=1)
    past = _edit(client, event, **_dates("held_on", yesterday))
    assert _error_beside(past, "held_on") == "The start date must be today or in the future"
    unreal = _edit(client, event, **{"ends_on-day": "31", "ends_on-month": "2"})
    assert _error_beside(unreal, "ends_on") == "The end date must be a real date"


def test_device_links_stop_working_after_the_last_day_of_the_event(app, monkeypatch):
    event = _event()
    signup_events.change_signup_event(
        event, event.name, event.place, event.held_on, event.held_on + timedelta(days=2), None
    )
    signup_events.reopen_signup_event(event, None)
    token = signup_events.device_token(event)
    last = event.held_on + timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: clock.from_uk(datetime(last.year, last.month, last.day, 16, 0)))
    assert signup_events.read_device_token(token) == (event, None), "still open on the third day"
    following = last + timedelta(days=1)
    monkeypatch.setattr(
        clock, "now", lambda: clock.from_uk(datetime(following.year, following.month, following.day, 9))
    )
    assert signup_events.read_device_token(token) == (event, Refusal.ENDED)


def test_moving_the_end_sooner_stops_links_given_out_before(app, monkeypatch):
    event = _event()
    signup_events.change_signup_event(event, event.name, event.place, event.held_on, event.held_on + timedelta(2), None)
    signup_events.reopen_signup_event(event, None)
    token = signup_events.device_token(event)
    signup_events.change_signup_event(event, event.name, event.place, event.held_on, event.held_on, None)
    after = event.held_on + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: clock.from_uk(datetime(after.year, after.month, after.day, 10)))
    assert signup_events.read_device_token(token) == (event, Refusal.ENDED)


def test_staff_delete_an_event_nobody_signed_up_at_after_a_confirm_page(app):
    client = _staff(app)
    event = _event(days_ahead=3, name="Cancelled fair")
    event_id, token = event.id, signup_events.device_token(event)
    path = f"/staff/signup-events/{event_id}/delete"
    ask = client.get(path)
    assert ask.status_code == 200 and "Are you sure you want to delete this event?" in page_text(ask)
    assert db.session.get(SignUpEvent, event_id) is not None
    done = client.post(path, data={"csrf_token": csrf_token(ask.get_data(as_text=True))})
    assert done.headers["Location"].endswith("/staff/signup-events")
    db.session.expire_all()
    assert db.session.get(SignUpEvent, event_id) is None
    listing = client.get("/staff/signup-events").get_data(as_text=True)
    assert f"/staff/signup-events/{event_id}" not in listing
    [entry] = _audit("delete", event_id)
    assert "Cancelled fair" in entry.detail
    assert signup_events.read_device_token(token) == (None, Refusal.INVALID)


def test_an_event_people_signed_up_at_cannot_be_deleted_only_closed(app):
    client = _staff(app)
    event = _event()
    signup_events.reopen_signup_event(event, None)
    member = create_member("joined.at.fair@example.org")
    member.signup_event_id = event.id
    signup_events.count_sign_up(event.id)
    db.session.commit()
    path = f"/staff/signup-events/{event.id}/delete"
    ask = client.get(path)
    text = page_text(ask)
    assert "cannot be deleted" in text and "Close it for sign-ups instead" in text
    assert "Yes, delete this event" not in text
    refused = client.post(path, data={"csrf_token": csrf_token(ask.get_data(as_text=True))})
    assert refused.status_code == 409
    db.session.expire_all()
    assert db.session.get(SignUpEvent, event.id) is not None and _audit("delete", event.id) == []


def test_staff_outside_the_engagement_team_cannot_change_or_delete_events(app):
    event = _event()
    client = _staff(app, role="comms")
    assert client.get(f"/staff/signup-events/{event.id}/edit").status_code == 403
    assert client.get(f"/staff/signup-events/{event.id}/delete").status_code == 403
