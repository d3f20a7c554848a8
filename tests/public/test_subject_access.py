"""The "download my data" file holds the person's groups, attendance, event bookings and identified survey answers."""

import json
from datetime import datetime

from app.extensions import db
from app.rosters.models import Registration
from tests.factories import create_member
from tests.public.test_preferences import _open
from tests.rosters.factories import create_meeting
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response


def _download(client, member) -> dict:
    path, token = _open(client, member)
    response = client.post(path + "/download", data={"csrf_token": token})
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def _book(meeting, member=None, email="sam@example.org", status="booked"):
    db.session.add(
        Registration(
            meeting_id=meeting.id,
            member_id=member.id if member else None,
            name="Sam Patel",
            email=email,
            email_normalised=email.lower(),
            access_needs="Step-free access",
            status=status,
        )
    )
    db.session.commit()


def test_download_includes_event_registrations_under_the_member_or_their_address(client):
    sam = create_member("sam@example.org", first_name="Sam")
    big_chat = create_meeting(title="Big Chat: urgent care", starts_at=datetime(2026, 5, 6, 18, 30))
    drop_in = create_meeting(title="Maternity drop-in", starts_at=datetime(2026, 6, 1, 10, 0))
    other = create_meeting(title="Someone else's event")
    _book(big_chat, member=sam)
    _book(drop_in, email="Sam@Example.org", status="waiting")  # booked before joining, same address
    _book(other, email="someone.else@example.org")

    registrations = _download(client, sam)["event_registrations"]

    assert [(r["event"], r["event_starts_at"], r["status"]) for r in registrations] == [
        ("Big Chat: urgent care", "2026-05-06T18:30:00", "booked"),
        ("Maternity drop-in", "2026-06-01T10:00:00", "waiting"),
    ]
    assert registrations[0]["event_id"] == big_chat.id and registrations[0]["id"]
    assert registrations[0]["access_needs"] == "Step-free access" and registrations[0]["registered_at"]


def test_download_includes_answers_to_identified_surveys_but_nothing_from_anonymous_ones(client):
    sam = create_member("sam@example.org")
    travel = create_survey("Travelling to your GP")
    travel_q = questions_of(travel)
    create_response(travel, {travel_q[0].id: "bus", travel_q[1].id: "A later bus"}, member=sam)
    secret = create_survey("Staff attitudes", mode="anonymous")
    secret_q = questions_of(secret)
    create_response(secret, {secret_q[0].id: "car"}, member=sam)  # stored with no link to Sam
    create_response(travel, {travel_q[0].id: "walk"})  # someone else

    responses = _download(client, sam)["survey_responses"]

    [mine] = responses
    assert mine["survey"] == "Travelling to your GP" and mine["survey_id"] == travel.id
    assert mine["id"] and mine["completed_at"]
    assert mine["answers"] == [
        {"question": "How do you usually travel?", "answer": "Bus"},
        {"question": "What would make it easier?", "answer": "A later bus"},
    ]


def test_download_includes_groups_served_on_attendance_and_payments(client):
    from datetime import date

    from app.rosters import meetings, payments
    from tests.rosters.factories import add, create_roster

    sam = create_member("sam@example.org", first_name="Sam")
    cabinet = create_roster("Patient Cabinet")
    add(cabinet, sam, role="chair", starts_on=date(2026, 1, 1))
    meeting = create_meeting(cabinet, starts_at=datetime(2026, 2, 3, 18, 0), title="Cabinet, February")
    meetings.mark_attendance(meeting, {sam.id: "attended"})
    attended = next(iter(meetings.marks_by_key(meeting).values()))
    payments.add_payment(attended, "involvement", 2500, date(2026, 2, 10), "Half-day rate")

    data = _download(client, sam)

    [membership] = data["group_memberships"]
    assert membership["group"] == "Patient Cabinet" and membership["role"] == "Chair"
    [row] = data["attendance"]
    assert row["meeting"] == "Cabinet, February" and row["recorded_as"] == "Attended"
    assert row["payments"] == [
        {"kind": "Involvement payment", "amount": "£25.00", "paid_on": "2026-02-10", "note": "Half-day rate"}
    ]
