"""Page numbers, years and filters far out of range get a message, never a crash."""

from datetime import date, datetime

import pytest

from app.errors import InvalidRequest
from app.rosters import meetings, payments, services
from app.rosters.models import Meeting, RosterMembership
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.rosters.factories import add, create_meeting, create_roster


@pytest.fixture
def admin(client):
    login(client, create_staff_user("admin"))
    return client


def _count(model) -> int:
    from app.extensions import db

    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc", "99999999"])
def test_meeting_list_with_an_absurd_page_number_shows_the_first_page(admin, page):
    create_meeting(None, datetime(2026, 5, 1, 18), title="Big Chat in May")
    response = admin.get(f"/staff/meetings/?page={page}")
    assert response.status_code == 200
    assert "Big Chat in May" in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["1", "9999", "99999999999999999999"])
def test_payment_totals_for_an_impossible_year_say_so(admin, year):
    response = admin.get(f"/staff/meetings/payments?on-day=1&on-month=1&on-year={year}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must have a year from 1900 to 2199" in html
    # The error summary links to the date field the message is about.
    assert 'href="#on"' in html and 'id="on"' in html and "<title>Error: " in html


def test_payment_totals_cover_the_first_and_last_years_a_date_may_have(admin):
    for year in ("1900", "2199"):
        response = admin.get(f"/staff/meetings/payments?on-day=1&on-month=6&on-year={year}")
        assert response.status_code == 200, year
        assert f"1 April {year}" in response.get_data(as_text=True)


def test_financial_year_refuses_dates_at_the_edge_of_the_calendar():
    with pytest.raises(InvalidRequest):
        payments.financial_year(date(9999, 1, 1))
    with pytest.raises(InvalidRequest):
        payments.financial_year(date(1, 1, 1))


def test_a_term_running_past_the_calendar_is_refused_and_nothing_added():
    roster = create_roster("Ten-year panel", term_months=120)
    with pytest.raises(InvalidRequest) as caught:
        services.add_membership(roster, create_member().id, starts_on=date(9995, 1, 1))
    assert "starts_on" in caught.value.errors
    assert _count(RosterMembership) == 0


def test_adding_a_member_from_year_9995_on_the_page_gives_a_message(admin):
    roster = create_roster("Ten-year panel", term_months=120)
    member = create_member()
    url = f"/staff/rosters/{roster.id}/members/new"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "member_id": str(member.id), "role": "member"}
    response = admin.post(url, data={**data, "starts_on-day": "1", "starts_on-month": "1", "starts_on-year": "9995"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must have a year from 1900 to 2199" in html
    assert _count(RosterMembership) == 0


@pytest.mark.parametrize("days", ["abc", "0", "99999999999"])
def test_review_page_with_a_bad_number_of_days_says_so(admin, days):
    response = admin.get(f"/staff/rosters/review?days={days}")
    assert response.status_code == 400
    assert "Enter a number of days from 1 to 3650" in response.get_data(as_text=True)


def test_attendance_report_by_month_follows_the_dates_chosen(admin):
    roster = create_roster()
    member = create_member()
    add(roster, member, starts_on=date(2026, 1, 1))
    for month in (2, 3, 4):
        meetings.mark_attendance(create_meeting(roster, datetime(2026, month, 1, 18)), {member.id: "attended"})
    url = f"/staff/meetings/rosters/{roster.id}/attendance"
    page = admin.get(url + "?since-day=1&since-month=3&since-year=2026&until-day=31&until-month=3&until-year=2026")
    text = page.get_data(as_text=True)
    assert "2026-03" in text and "2026-02" not in text and "2026-04" not in text


def test_attendance_report_with_from_after_to_says_so(admin):
    roster = create_roster()
    url = f"/staff/meetings/rosters/{roster.id}/attendance"
    page = admin.get(url + "?since-day=1&since-month=4&since-year=2026&until-day=1&until-month=1&until-year=2025")
    assert page.status_code == 400
    assert "The to date must be the same as or after the from date" in page.get_data(as_text=True)


def test_over_long_meeting_title_and_group_name_are_refused_not_cut_short():
    with pytest.raises(InvalidRequest) as caught:
        create_meeting(None, datetime(2026, 5, 1, 18), title="T" * 201)
    assert caught.value.errors["title"] == "This must be 200 characters or fewer"
    with pytest.raises(InvalidRequest) as caught:
        create_roster("G" * 201)
    assert caught.value.errors["name"] == "The name must be 200 characters or fewer"
    assert _count(Meeting) == 0
