"""Attendance at public events for people who registered without being members, and its export."""

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from app import clock
from app.audit.models import AuditLogEntry
from app.errors import InvalidRequest
from app.extensions import db
from app.rosters import events, meetings
from app.rosters.models import Attendance
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.rosters.factories import add, create_meeting, create_roster


def _event_with_registrants():
    event = create_meeting(None, clock.now() + timedelta(days=7), title="Big Chat", registration_open=True)
    member = create_member(first_name="Mo", last_name="Member", email="mo@example.org")
    events.register(event, "Mo Member", "mo@example.org", member_id=member.id)
    bob = events.register(event, "Bob Brown", "bob@example.org").registration
    # The day comes: attendance is taken once the event has begun.
    event.starts_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    return event, member, bob


def test_only_apologies_can_be_recorded_before_a_meeting_starts():
    roster, person = create_roster(), create_member()
    add(roster, person)
    meeting = create_meeting(roster, clock.now() + timedelta(days=2))
    with pytest.raises(InvalidRequest) as refused:
        meetings.mark_attendance(meeting, {person.id: "attended"})
    assert "has not started yet" in refused.value.errors[f"member-{person.id}"]
    assert meetings.attendance_for(meeting) == {}
    meetings.mark_attendance(meeting, {person.id: "apologies"})
    assert meetings.attendance_for(meeting)[person.id].status == "apologies"


def test_registrant_who_is_not_a_member_is_on_the_sign_in_sheet_and_can_be_marked(client):
    event, member, bob = _event_with_registrants()
    login(client, create_staff_user("admin"))
    sheet = client.get(f"/staff/meetings/{event.id}/sign-in-sheet").get_data(as_text=True)
    assert "Bob Brown" in sheet and "Mo Member" in sheet
    url = f"/staff/meetings/{event.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    form = {"csrf_token": token, f"member-{member.id}": "attended", f"registration-{bob.id}": "apologies"}
    assert client.post(url, data=form).status_code == 302
    rows = {(a.member_id, a.registration_id, a.status) for a in db.session.scalars(db.select(Attendance))}
    assert rows == {(member.id, None, "attended"), (None, bob.id, "apologies")}
    page = client.get(url).get_data(as_text=True)
    assert f'name="registration-{bob.id}" value="apologies" checked' in page


def test_mark_everyone_leaves_apologies_alone():
    roster = create_roster()
    ann, ben = create_member(first_name="Ann"), create_member(first_name="Ben")
    for person in (ann, ben):
        add(roster, person, starts_on=date(2026, 1, 1))
    meeting = create_meeting(roster, datetime(2026, 3, 1, 18))
    meetings.mark_attendance(meeting, {ann.id: "apologies"})
    meetings.mark_everyone_attended(meeting)
    assert {k: a.status for k, a in meetings.attendance_for(meeting).items()} == {
        ann.id: "apologies",
        ben.id: "attended",
    }


def test_mark_everyone_from_the_page_includes_registrants_but_keeps_apologies(client):
    event, member, bob = _event_with_registrants()
    meetings.mark_attendance(event, {member.id: "apologies"})
    login(client, create_staff_user("engagement"))
    url = f"/staff/meetings/{event.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "all": "attended"}).status_code == 302
    marks = {k: a.status for k, a in meetings.marks_by_key(event).items()}
    assert marks == {f"member-{member.id}": "apologies", f"registration-{bob.id}": "attended"}


def test_meeting_attendance_exports_list_everyone_and_are_audited(client):
    event, member, bob = _event_with_registrants()
    meetings.mark_attendance(event, {member.id: "attended"}, registration_marks={bob.id: "did_not_attend"})
    login(client, create_staff_user("admin"))
    response = client.get(f"/staff/meetings/{event.id}/attendance.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    assert "Bob Brown" in text and "Did not attend" in text and "Mo Member" in text
    response = client.get(f"/staff/meetings/{event.id}/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Bob Brown", "Mo Member"]
    exports = db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.action == "export")).all()
    assert [(e.record_type, e.record_id) for e in exports] == [("attendance", str(event.id))] * 2


def test_analyst_cannot_export_meeting_attendance(client):
    event, _, _ = _event_with_registrants()
    login(client, create_staff_user("analyst"))
    assert client.get(f"/staff/meetings/{event.id}/attendance.csv").status_code == 403
