"""The member record page shows the member's groups, attendance and (for payment roles) payments."""

from datetime import date, datetime

from app import clock
from app.rosters import meetings, payments, services
from tests.factories import create_member, create_staff_user, login
from tests.rosters.factories import add, create_meeting, create_roster


def test_member_page_lists_current_and_past_groups_attendance_and_payments(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 1, 9))
    member = create_member(first_name="Asha", last_name="Khan")
    cabinet, ppg = create_roster("Patient Cabinet"), create_roster("Listening Panel", "other")
    add(cabinet, member, role="chair", starts_on=date(2026, 1, 1))
    past = add(ppg, member, starts_on=date(2025, 1, 1))
    services.end_membership(past, date(2025, 12, 31), "resigned")
    first = create_meeting(cabinet, datetime(2026, 2, 1, 18))
    second = create_meeting(cabinet, datetime(2026, 4, 20, 18))
    meetings.mark_attendance(first, {member.id: "attended"})
    meetings.mark_attendance(second, {member.id: "apologies"})
    payments.add_payment(meetings.attendance_for(first)[member.id], "involvement", 2500, date(2026, 4, 10))
    login(client, create_staff_user("admin"))
    page = client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    groups = page[page.index("groups-heading") : page.index("timeline-heading")]
    assert groups.index("Patient Cabinet") < groups.index("Listening Panel")  # current first
    assert "Chair" in groups and "Active" in groups and "Ended" in groups and "Resigned" in groups
    assert "50% (attended 1 of 2 meetings marked)" in groups
    assert "Payments and expenses 2026/27" in groups and "£25.00" in groups


def test_member_with_no_groups_says_so_and_other_roles_cannot_see_the_page(client):
    member = create_member()
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert "Not a member of any group." in page and "No attendance recorded" in page
    other = client.application.test_client()
    login(other, create_staff_user("comms"))
    assert other.get(f"/staff/members/{member.id}").status_code == 403
