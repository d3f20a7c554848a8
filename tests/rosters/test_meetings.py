"""Meetings, attendance, rates, payments by financial year, sign-in sheets and exports."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.errors import InvalidRequest
from app.rosters import meetings, payments
from app.rosters.models import Attendance
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.rosters.factories import add, create_meeting, create_roster


def _group(n: int = 3):
    roster = create_roster()
    people = [create_member(first_name=f"Person{i}", last_name=f"Test{i}") for i in range(n)]
    for person in people:
        add(roster, person, starts_on=date(2026, 1, 1))
    return roster, people


def test_bulk_and_individual_marking_and_rates():
    roster, (a, b, c) = _group()
    first = create_meeting(roster, datetime(2026, 2, 1, 18))
    second = create_meeting(roster, datetime(2026, 3, 1, 18))
    meetings.mark_attendance(first, {a.id: "attended", b.id: "attended", c.id: "apologies"})
    meetings.mark_attendance(second, {a.id: "attended", b.id: "did_not_attend", c.id: "attended"})
    meetings.mark_attendance(second, {b.id: "apologies"})  # corrected later, one row kept
    rates = meetings.attendance_rates(roster.id)
    by_id = {r["member_id"]: r for r in rates["members"]}
    assert by_id[a.id]["rate"] == 100 and by_id[b.id]["rate"] == 50 and by_id[c.id]["rate"] == 50
    assert (rates["attended"], rates["marked"], rates["rate"]) == (4, 6, 67)
    assert [m["month"] for m in meetings.roster_rate_by_month(roster.id)] == ["2026-02", "2026-03"]
    since_march = meetings.attendance_rates(roster.id, since=date(2026, 3, 1))
    assert since_march["marked"] == 3


def test_marking_a_stranger_or_bad_status_writes_nothing():
    roster, (a, _, _) = _group()
    meeting = create_meeting(roster)
    stranger = create_member()
    with pytest.raises(InvalidRequest) as error:
        meetings.mark_attendance(meeting, {a.id: "attended", stranger.id: "attended"})
    assert f"member-{stranger.id}" in error.value.errors
    with pytest.raises(InvalidRequest):
        meetings.mark_attendance(meeting, {a.id: "asleep"})
    assert meetings.attendance_for(meeting) == {}


def test_mark_everyone_in_bulk_from_the_page(client):
    roster, people = _group()
    meeting = create_meeting(roster)
    login(client, create_staff_user("engagement"))
    url = f"/staff/meetings/{meeting.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "all": "attended"})
    assert response.status_code == 302
    assert {a.status for a in meetings.attendance_for(meeting).values()} == {"attended"}
    assert len(meetings.attendance_for(meeting)) == 3


def test_meeting_form_refuses_end_before_start(client):
    roster, _ = _group(1)
    login(client, create_staff_user("engagement"))
    url = f"/staff/meetings/new?roster_id={roster.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "title": "Cabinet",
        "kind": "cabinet_meeting",
        "location": "Civic Centre",
        "starts_at-day": "1",
        "starts_at-month": "3",
        "starts_at-year": "2026",
        "starts_at-time": "18:00",
        "ends_at-day": "1",
        "ends_at-month": "3",
        "ends_at-year": "2026",
        "ends_at-time": "17:00",
    }
    response = client.post(url, data=form)
    assert response.status_code == 400 and "The end must be after the start" in response.get_data(as_text=True)
    form["ends_at-time"] = "20:00"
    assert client.post(url, data=form).status_code == 302
    assert meetings.meetings_for_roster(roster.id)[0].ends_at == datetime(2026, 3, 1, 20, 0)


def test_sign_in_sheet_lists_members(client):
    roster, people = _group(2)
    meeting = create_meeting(roster)
    login(client, create_staff_user("comms"))
    page = client.get(f"/staff/meetings/{meeting.id}/sign-in-sheet").get_data(as_text=True)
    assert "Person0 Test0" in page and "Person1 Test1" in page
    # Its layout comes from a stylesheet the Content-Security-Policy allows, not an inline style it blocks.
    assert "<style" not in page
    sheet = client.get("/assets/css/sign-in-sheet.css")
    assert "/assets/css/sign-in-sheet.css" in page and sheet.status_code == 200
    assert "@media print" in sheet.get_data(as_text=True) and "border: 1px solid" in sheet.get_data(as_text=True)


def test_payments_total_per_member_per_financial_year():
    roster, (a, b, _) = _group()
    march = create_meeting(roster, datetime(2026, 3, 20, 18))
    april = create_meeting(roster, datetime(2026, 4, 20, 18))
    meetings.mark_attendance(march, {a.id: "attended", b.id: "apologies"})
    meetings.mark_attendance(april, {a.id: "attended"})
    att = meetings.attendance_for(march)
    payments.add_payment(att[a.id], "involvement", 2500, date(2026, 3, 25))
    payments.add_payment(att[a.id], "travel", 420, date(2026, 4, 2))  # paid in the next year
    payments.add_payment(meetings.attendance_for(april)[a.id], "involvement", 2500, None)
    with pytest.raises(InvalidRequest):
        payments.add_payment(att[b.id], "involvement", 2500, None)  # sent apologies
    assert payments.totals_by_member(date(2026, 1, 1)) == [
        {"member_id": a.id, "name": "Person0 Test0", "total_pence": 2500, "payments": 1}
    ]
    assert payments.totals_by_member(date(2026, 6, 1))[0]["total_pence"] == 2920
    assert payments.financial_year_label(date(2026, 3, 31)) == "2025/26"
    assert payments.parse_amount("£12.5") == 1250 and payments.parse_amount("12.345") is None


def test_payment_form_shows_field_errors(client):
    roster, (a,) = _group(1)
    meeting = create_meeting(roster)
    meetings.mark_attendance(meeting, {a.id: "attended"})
    attendance = meetings.attendance_for(meeting)[a.id]
    login(client, create_staff_user("admin"))
    url = f"/staff/meetings/attendance/{attendance.id}/payments"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "kind": "involvement", "amount": "lots"})
    assert response.status_code == 400 and "Enter an amount in pounds" in response.get_data(as_text=True)
    assert attendance.payments == []


def test_exports_csv_and_xlsx(client):
    roster, (a,) = _group(1)
    meeting = create_meeting(roster)
    meetings.mark_attendance(meeting, {a.id: "attended"})
    login(client, create_staff_user("engagement"))
    csv_text = client.get(f"/staff/meetings/rosters/{roster.id}/members.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("member_id,first_name") and "Person0" in csv_text
    book = load_workbook(io.BytesIO(client.get(f"/staff/meetings/rosters/{roster.id}/attendance.xlsx").get_data()))
    rows = list(book.active.values)
    assert rows[1][4:] == ("Person0", "Test0", "Attended")
    assert Attendance.query.count() == 1


def test_huge_numbers_are_a_field_error_not_a_crash(client):
    roster, _ = _group(1)
    login(client, create_staff_user("engagement"))
    url = f"/staff/rosters/{roster.id}/members/new"
    token = csrf_token(client.get(url + "?q=Person").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "member_id": "99999999999999999999", "role": "member"})
    assert response.status_code == 400 and "Enter a smaller number" in response.get_data(as_text=True)
