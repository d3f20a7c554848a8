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
    assert len(rows) == 2  # anonymous rows stay
    assert {(r.name, r.email, r.access_needs) for r in rows} == {("(erased)", None, "")}
    assert events.places_taken(event.id) == events.places_taken(other.id) == 0  # places to come are given up
    login(client, create_staff_user("admin"))
    for meeting in (event, other):
        page = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
        assert "Zoe" not in page and "Wheelchair" not in page and "Hearing loop" not in page


def _edit(client, event, capacity):
    url = f"/staff/meetings/{event.id}/edit"
    token = csrf_token(client.get(url).get_data(as_text=True))
    starts = event.starts_at
    return client.post(
        url,
        data={
            "csrf_token": token,
            "title": event.title,
            "kind": event.kind,
            "starts_at-day": starts.day,
            "starts_at-month": starts.month,
            "starts_at-year": starts.year,
            "starts_at-time": starts.strftime("%H:%M"),
            "location": event.location,
            "capacity": str(capacity),
            "registration_open": "1",
        },
    )


def _statuses():
    db.session.expire_all()
    return [(r.name, r.status) for r in db.session.scalars(db.select(Registration).order_by(Registration.id))]


def test_raising_capacity_moves_people_off_the_waiting_list_in_order_and_emails_them(client, outbox):
    event = _event(capacity=1)
    for name in ("Ann", "Ben", "Cat", "Dan"):
        events.register(event, name, f"{name.lower()}@example.org")
    login(client, create_staff_user("admin"))
    response = _edit(client, event, 3)
    assert response.status_code == 302
    assert _statuses() == [("Ann", "registered"), ("Ben", "registered"), ("Cat", "registered"), ("Dan", "waiting")]
    told = sorted(m["to"] for m in outbox() if "A place is now free" in m["subject"])
    assert told == ["ben@example.org", "cat@example.org"]


def test_cutting_capacity_below_the_places_taken_is_refused(client):
    event = _event(capacity=5)
    for name in ("Ann", "Ben", "Cat"):
        events.register(event, name, f"{name.lower()}@example.org")
    login(client, create_staff_user("admin"))
    response = _edit(client, event, 2)
    assert response.status_code == 400
    assert "3 people are already registered" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(event), event.id).capacity == 5


def test_staff_cancel_an_event_everyone_is_emailed_and_the_public_page_says_so(client, outbox):
    event = _event(capacity=1)
    events.register(event, "Ann", "ann@example.org")
    events.register(event, "Ben", "ben@example.org")
    staff = client.application.test_client()
    login(staff, create_staff_user("admin"))
    token = csrf_token(staff.get(f"/staff/meetings/{event.id}/cancel").get_data(as_text=True))
    response = staff.post(f"/staff/meetings/{event.id}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    cancelled = sorted(m["to"] for m in outbox() if m["subject"].startswith("Cancelled"))
    assert cancelled == ["ann@example.org", "ben@example.org"]
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200 and "This event has been cancelled" in page.get_data(as_text=True)
    assert 'name="email"' not in page.get_data(as_text=True)
    public_token = csrf_token(client.get(f"/events/{_event(days=30).id}").get_data(as_text=True))
    form = {"csrf_token": public_token, "name": "Cat", "email": "cat@example.org"}
    response = client.post(f"/events/{event.id}", data=form)
    assert response.status_code == 409
    assert f'href="/events/{event.id}"' not in client.get("/events/").get_data(as_text=True)
    assert len(_statuses()) == 2


def test_staff_cancel_a_registration_and_the_first_waiting_gets_the_place(client, outbox):
    event = _event(capacity=1)
    ann = events.register(event, "Ann", "ann@example.org").registration
    events.register(event, "Ben", "ben@example.org")
    events.register(event, "Cat", "cat@example.org")
    login(client, create_staff_user("admin"))
    token = csrf_token(client.get(f"/staff/meetings/{event.id}").get_data(as_text=True))
    response = client.post(f"/staff/meetings/{event.id}/registrations/{ann.id}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    assert _statuses() == [("Ann", "cancelled"), ("Ben", "registered"), ("Cat", "waiting")]
    assert [m["to"] for m in outbox() if "A place is now free" in m["subject"]] == ["ben@example.org"]


def test_erasing_a_member_clears_the_notes_on_their_payments_but_keeps_the_amounts():
    from datetime import date, datetime

    from app.rosters import meetings, payments
    from app.rosters.models import Payment
    from tests.rosters.factories import add, create_roster

    roster = create_roster()
    member = create_member(first_name="Zoe")
    add(roster, member, starts_on=date(2026, 1, 1))
    meeting = create_meeting(roster, datetime(2026, 2, 1, 18))
    meetings.mark_attendance(meeting, {member.id: "attended"})
    attendance = meetings.attendance_for(meeting)[member.id]
    payments.add_payment(attendance, "travel", 350, None, note="Taxi for Zoe from 1 Mill Lane")
    members.erase_member(member, "request")
    db.session.expire_all()
    payment = db.session.scalar(db.select(Payment))
    assert payment.note == "" and payment.amount_pence == 350


def test_a_mail_server_failing_part_way_through_a_cancellation_still_tells_the_rest(app, client, monkeypatch):
    from app.mail import backends

    event = _event()
    for i in range(3):
        events.register(event, f"Person {i}", f"p{i}@example.org", "")
    sent = []

    class Flaky:
        def send(self, message):
            if message.to == "p1@example.org":
                raise backends.DeliveryError("mail server down")
            sent.append(message.to)
            return "id"

    monkeypatch.setattr("app.mail.backend", lambda: Flaky())
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/meetings/{event.id}/cancel").get_data(as_text=True)
    reply = client.post(f"/staff/meetings/{event.id}/cancel", data={"csrf_token": csrf_token(page)})

    assert reply.status_code == 302
    assert sorted(sent) == ["p0@example.org", "p2@example.org"]
    shown = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "1 of them could not be emailed" in shown
    db.session.expire_all()
    assert db.session.get(type(event), event.id).cancelled_at is not None


def test_an_erased_person_gives_up_their_waiting_place_and_the_next_real_person_gets_it(app, client, outbox):
    from app import tokens

    event = _event(capacity=1)
    first = events.register(event, "Ann Able", "ann@example.org", "").registration
    zoe = create_member(email="zoe@example.org")
    events.register(event, "Zoe Quinn", "zoe@example.org", "", member_id=zoe.id)
    events.register(event, "Bea Best", "bea@example.org", "")
    members.erase_member(zoe, "request")

    token = tokens.sign("event", {"registration": first.id})
    page = client.get(f"/events/cancel/{token}").get_data(as_text=True)
    assert client.post(f"/events/cancel/{token}", data={"csrf_token": csrf_token(page)}).status_code == 200

    db.session.expire_all()
    statuses = {r.name: r.status for r in db.session.scalars(db.select(Registration))}
    assert statuses == {"Ann Able": "cancelled", "(erased)": "cancelled", "Bea Best": "registered"}
    assert [m["to"] for m in outbox() if m["subject"].startswith("A place is now free")] == ["bea@example.org"]
