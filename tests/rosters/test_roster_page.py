"""The roster page: members and roles, contact details by role, vacancies, suppressed composition."""

from datetime import date

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.rosters.composition import composition
from tests.factories import create_member, create_staff_user, login
from tests.rosters.factories import add, create_roster

EQUALITY = {"ethnic_group": "asian", "sex": "female", "disability": "no"}


def _roster_with_members():
    roster = create_roster(target_size=12)
    chair = create_member(email="chair@example.org", first_name="Priya", last_name="Shah", phone="01902 000000")
    add(roster, chair, role="chair")
    for _ in range(9):
        add(roster, create_member(date_of_birth=date(1960, 1, 1), equality=EQUALITY))
    return roster


def test_engagement_sees_members_roles_contacts_and_vacancies(client):
    roster = _roster_with_members()
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True)
    assert "Priya Shah" in page and "Chair" in page
    assert "chair@example.org" in page and "01902 000000" in page
    assert 'Vacancies</dt><dd class="nhsuk-summary-list__value">2</dd>' in page.replace("\n", "")
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "roster_contacts"))


def test_comms_sees_names_but_not_contact_details(client):
    roster = _roster_with_members()
    login(client, create_staff_user("comms"))
    page = client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True)
    assert "Priya Shah" in page
    assert "chair@example.org" not in page and "01902 000000" not in page


def test_analyst_sees_aggregates_only(client):
    roster = _roster_with_members()
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True)
    assert "Priya Shah" not in page and "Composition" in page


def test_composition_is_suppressed():
    roster = _roster_with_members()
    table = composition(roster.id)
    ethnic = {row["category"]: row["count"] for row in table["ethnic_group"]["rows"]}
    assert ethnic["Asian or Asian British"] == 10  # 9 rounded to the nearest 5
    assert ethnic["Not known or prefer not to say"] == "*"  # the chair gave no answers
    assert ethnic["Total"] == "*"
    ages = {row["category"]: row["count"] for row in table["age_band"]["rows"]}
    assert ages["65 to 74"] == 10 and ages["Not known or prefer not to say"] == "*"
