"""Adding a member to a group: who can join in plain words, eligible people first, namesakes told apart."""

import re
from datetime import date

import pytest

from app.extensions import db
from app.rosters.models import RosterMembership
from tests.factories import create_member, create_pcn, create_practice, create_staff_user, csrf_token, login
from tests.rosters.factories import create_roster


@pytest.fixture
def staff(client):
    login(client, create_staff_user("engagement"))
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _radio_labels(page: str) -> list[str]:
    return re.findall(r'class="nhsuk-label nhsuk-radios__label" for="member_id[^"]*">([^<]+)</label>', page)


def test_the_page_says_who_can_join_in_plain_words(staff):
    practice = create_practice("M92001", "Beacon Family Practice")
    roster = create_roster("Beacon PPG", "ppg", practice_id=practice.id, max_age=25, contact_types=["patient"])
    page = text(staff.get(f"/staff/rosters/{roster.id}/members/new"))
    rules = page.split('id="who-can-join">')[1].split("</ul>")[0]
    assert "People aged 25 or under" in rules
    assert "Patients registered with Beacon Family Practice" in rules
    assert "Contacts recorded as: patient" in rules
    assert "active or have not yet confirmed their email address" in rules


def test_two_people_with_the_same_name_and_postcode_can_be_told_apart(staff):
    beacon = create_practice("M92001", "Beacon Family Practice")
    ridgeway = create_practice("M92002", "Ridgeway Surgery")
    roster = create_roster("Patient Cabinet")
    create_member(
        email="sam.patel@example.org",
        first_name="Sam",
        last_name="Patel",
        postcode="WV3 9QP",
        practice_id=beacon.id,
        date_of_birth=date(1961, 4, 2),
        equality={"sex": "female", "ethnic_group": "asian"},
    )
    create_member(
        email="sp1990@example.net",
        first_name="Sam",
        last_name="Patel",
        postcode="WV3 9QP",
        practice_id=ridgeway.id,
        date_of_birth=date(1990, 8, 9),
    )
    page = text(staff.get(f"/staff/rosters/{roster.id}/members/new?q=Sam+Patel"))

    assert _radio_labels(page) == ["Sam Patel", "Sam Patel"]
    hints = re.findall(r'<div class="nhsuk-hint nhsuk-radios__hint" id="member_id[^"]*-hint">([^<]+)</div>', page)
    assert "Beacon Family Practice · postcode district WV3 · born 1961 · email sa…@example.org" in hints
    assert "Ridgeway Surgery · postcode district WV3 · born 1990 · email sp…@example.net" in hints
    # The full postcode, the full address and anything from the equality answers stay off the page.
    assert "9QP" not in page and "sam.patel@" not in page
    assert "Female" not in page and "Asian" not in page


def test_eligible_people_come_first_and_the_others_say_why_not(staff):
    beacon = create_practice("M92001", "Beacon Family Practice")
    other = create_practice("M92002", "Ridgeway Surgery")
    roster = create_roster("Beacon PPG", "ppg", practice_id=beacon.id)
    create_member(first_name="Alex", last_name="Able", practice_id=other.id)
    create_member(first_name="Alex", last_name="Baker", practice_id=beacon.id)
    create_member(first_name="Alex", last_name="Cole")
    page = text(staff.get(f"/staff/rosters/{roster.id}/members/new?q=Alex"))

    assert _radio_labels(page) == ["Alex Baker"]
    others = page.split('id="not-eligible"')[1]
    assert others.index("Alex Able") < others.index("Alex Cole")
    assert "this member is registered with Ridgeway Surgery" in others
    assert "this member&#39;s record has no GP practice" in others


def test_a_member_yet_to_confirm_their_email_can_join_the_practice_group(staff):
    beacon = create_practice("M92001", "Beacon Family Practice")
    roster = create_roster("Beacon PPG", "ppg", practice_id=beacon.id)
    member = create_member(first_name="Jo", last_name="Pending", practice_id=beacon.id, status="pending")
    url = f"/staff/rosters/{roster.id}/members/new"
    page = staff.get(f"{url}?q=Pending").get_data(as_text=True)
    assert _radio_labels(page) == ["Jo Pending"] and "email address not confirmed yet" in page

    reply = staff.post(
        url, data={"csrf_token": csrf_token(page), "q": "Pending", "member_id": member.id, "role": "member"}
    )
    assert reply.status_code == 302
    assert db.session.scalar(db.select(RosterMembership.member_id)) == member.id


def test_refusals_name_what_the_record_says(staff):
    north = create_pcn("U00001", "North PCN")
    south = create_pcn("U00002", "South PCN")
    in_south = create_practice("M92003", "Southside Surgery", pcn=south)
    create_practice("M92004", "Northgate Surgery", pcn=north)
    roster = create_roster("North PCN group", "other", pcn_id=north.id, contact_types=["carer"])
    member = create_member(first_name="Lee", last_name="South", practice_id=in_south.id, contact_type="resident")
    url = f"/staff/rosters/{roster.id}/members/new"
    token = csrf_token(staff.get(url).get_data(as_text=True))
    reply = staff.post(url, data={"csrf_token": token, "q": "South", "member_id": member.id, "role": "member"})
    page = text(reply)
    assert reply.status_code == 400
    assert "this member&#39;s practice, Southside Surgery, is in South PCN" in page
    assert "contacts of these types: carer; this member is recorded as: resident" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(RosterMembership)) == 0


def test_same_named_practices_are_pointed_out(staff):
    wanted = create_practice("M92001", "Beacon Family Practice")
    namesake = create_practice("M99999", "Beacon Family Practice")
    roster = create_roster("Beacon PPG", "ppg", practice_id=wanted.id)
    create_member(first_name="Kim", last_name="Namesake", practice_id=namesake.id)
    page = text(staff.get(f"/staff/rosters/{roster.id}/members/new?q=Namesake"))
    assert "another practice of the same name (M99999)" in page and "(M92001)" in page
