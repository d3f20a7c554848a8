"""Events that change under people: refused registrations, capacity changes, cancellation, erasure."""

from datetime import timedelta

from app import clock
from app.extensions import db
from app.members import services as members
from app.members.models import Consent, Member
from app.rosters import events
from app.rosters.models import Registration
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.rosters.factories import create_meeting


def _event(capacity=None, days=14, **fields):
    return create_meeting(
        None,
        clock.now() + timedelta(days=days),
        title="Big Chat 2026",
        capacity=capacity,
        registration_open=True,
        **fields,
    )


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _register(client, event, name, email, **extra):
    url = f"/events/{event.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "name": name, "email": email, **extra})


def test_joining_the_network_is_undone_when_registration_is_refused(client, outbox):
    event = _event(days=1)
    url = f"/events/{event.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    event.starts_at = clock.now() - timedelta(minutes=5)  # it starts while the form is open
    db.session.commit()
    form = {"csrf_token": token, "name": "Late Person", "email": "late@example.org", "join_network": "yes"}
    response = client.post(url, data=form)
    assert response.status_code == 400 and "registration has closed" in response.get_data(as_text=True)
    assert members.find_by_email("late@example.org") is None
    assert _count(Member) == _count(Consent) == _count(Registration) == 0
    assert outbox() == []


def test_erasing_a_member_removes_their_name_email_and_access_needs_from_registrations(client):
    event = _event()
    member = create_member(email="zoe@example.org", first_name="Zoe", last_name="Quinn")
    events.register(event, "Zoe Quinn", "zoe@example.org", "Wheelchair user, BSL", member_id=member.id)
    other = _event(days=20)
    events.register(other, "Zoe Quinn", "zoe@example.org", "Hearing loop")  # before she joined: no member id
    members.erase_member(member, "request")
    db.session.expire_all()
    rows = db.session.scalars(db.select(Registration)).all()
    assert len(rows) == 2  # anonymous rows stay, so places taken still add up
    assert {(r.name, r.email, r.access_needs) for r in rows} == {("(erased)", None, "")}
    assert events.places_taken(event.id) == 1
    login(client, create_staff_user("admin"))
    for meeting in (event, other):
        page = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
        assert "Zoe" not in page and "Wheelchair" not in page and "Hearing loop" not in page
