"""Erasing a member gives their places at events still to come to the people waiting."""

from datetime import timedelta

from app import clock
from app.extensions import db
from app.members import links
from app.members import services as members
from app.members.models import Member
from app.rosters import events, meetings
from app.rosters.models import Attendance, Registration
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.rosters.factories import create_meeting


def _event(title, capacity=None, days=14):
    return create_meeting(
        None, clock.now() + timedelta(days=days), title=title, capacity=capacity, registration_open=True
    )


def _statuses(event) -> list[tuple[str, str]]:
    db.session.expire_all()
    query = db.select(Registration).where(Registration.meeting_id == event.id).order_by(Registration.id)
    return [(r.name, r.status) for r in db.session.scalars(query)]


def _offered(outbox) -> list[str]:
    return sorted(m["to"] for m in outbox() if m["subject"].startswith("A place is now free"))


def _booked_zoe_and_two_waiting():
    zoe = create_member(email="zoe@example.org", first_name="Zoe", last_name="Quinn")
    event = _event("Big Chat 2026", capacity=1)
    events.register(event, "Zoe Quinn", "zoe@example.org", "BSL interpreter", member_id=zoe.id)
    events.register(event, "Ann Able", "ann@example.org")
    events.register(event, "Ben Best", "ben@example.org")
    return zoe, event


def test_erasing_a_member_gives_their_place_to_the_first_person_waiting_who_is_emailed(outbox):
    zoe, event = _booked_zoe_and_two_waiting()
    other = _event("Mini Chat")
    events.register(other, "Cat Cole", "cat@example.org", "Step-free access")  # not a member

    members.erase_member(zoe, "member_request")

    assert _statuses(event) == [("(erased)", "cancelled"), ("Ann Able", "registered"), ("Ben Best", "waiting")]
    assert events.places_taken(event.id) == 1
    assert _offered(outbox) == ["ann@example.org"]
    offer = next(m for m in outbox() if m["to"] == "ann@example.org")
    assert "/events/cancel/" in offer["text"], "the offer carries the link to give the place up again"
    cat = db.session.scalar(db.select(Registration).where(Registration.meeting_id == other.id))
    assert (cat.name, cat.email, cat.access_needs, cat.status) == (
        "Cat Cole",
        "cat@example.org",
        "Step-free access",
        "registered",
    )


def test_erasure_keeps_attendance_at_an_event_already_held_and_frees_the_place_at_one_to_come(outbox):
    zoe = create_member(email="zoe@example.org", first_name="Zoe", last_name="Quinn")
    held = _event("Big Chat 2025", capacity=1, days=1)
    events.register(held, "Zoe Quinn", "zoe@example.org", member_id=zoe.id)
    events.register(held, "Bea Best", "bea@example.org")
    held.starts_at = clock.now() - timedelta(days=30)
    db.session.commit()
    meetings.mark_attendance(held, {zoe.id: "attended"})
    coming = _event("Big Chat 2026", capacity=1)
    events.register(coming, "Zoe Quinn", "zoe@example.org", member_id=zoe.id)
    events.register(coming, "Ann Able", "ann@example.org")

    members.erase_member(zoe, "member_request")

    assert _statuses(held) == [("(erased)", "registered"), ("Bea Best", "waiting")]
    attendance = db.session.scalar(db.select(Attendance).where(Attendance.meeting_id == held.id))
    assert (attendance.member_id, attendance.status) == (zoe.id, "attended")
    assert meetings.attendance_for(held)[zoe.id].status == "attended"
    assert _statuses(coming) == [("(erased)", "cancelled"), ("Ann Able", "registered")]
    assert _offered(outbox) == ["ann@example.org"]


def test_a_member_erasing_themselves_frees_their_place(client, outbox):
    zoe, event = _booked_zoe_and_two_waiting()
    path = links.preferences_url(zoe).replace("http://localhost", "") + "/erase"
    ask = client.get(path)
    done = client.post(path, data={"csrf_token": csrf_token(ask.get_data(as_text=True)), "confirm": "yes"})

    assert done.status_code == 200
    assert _statuses(event) == [("(erased)", "cancelled"), ("Ann Able", "registered"), ("Ben Best", "waiting")]
    assert _offered(outbox) == ["ann@example.org"]


def test_staff_erasing_a_member_are_told_when_the_person_given_the_place_could_not_be_emailed(client, monkeypatch):
    from app.mail import backends

    zoe, event = _booked_zoe_and_two_waiting()

    class Refusing:
        def send(self, message):
            raise backends.DeliveryError("mail server down")

    login(client, create_staff_user("admin"))
    url = f"/staff/members/{zoe.id}/erase"
    token = csrf_token(client.get(url).get_data(as_text=True))
    monkeypatch.setattr("app.mail.backend", lambda: Refusing())
    reply = client.post(url, data={"csrf_token": token, "reason": "member_request", "confirm": "yes"})

    assert reply.status_code == 302
    shown = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "1 person on the waiting list has been given a place. 1 of them could not be emailed" in shown
    assert db.session.get(Member, zoe.id).status == "erased"
    assert _statuses(event) == [("(erased)", "cancelled"), ("Ann Able", "registered"), ("Ben Best", "waiting")]
