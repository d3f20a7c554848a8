"""The roster page: members and roles, contact details by role, vacancies, composition as disclosure control publishes it."""

import re
from datetime import date

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.rosters.composition import composition
from app.statistics import disclosure
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


WHITE = {"ethnic_group": "white", "sex": "female", "disability": "no"}
ASIAN = {"ethnic_group": "asian", "sex": "male", "disability": "yes"}


def _crowd_roster(name="Patient Cabinet", people=None):
    """A roster of 62 active members: 52 white women, 6 Asian men, 4 who gave no answers."""
    if people is None:
        people = (
            [create_member(date_of_birth=date(1960, 1, 1), equality=WHITE) for _ in range(52)]
            + [create_member(date_of_birth=date(1990, 1, 1), equality=ASIAN) for _ in range(6)]
            + [create_member() for _ in range(4)]
        )
    roster = create_roster(name)
    for person in people:
        add(roster, person)
    return roster, people


def _cell(people):
    return disclosure.total(disclosure.Cell(1, person.record_key) for person in people)


def _published(people):
    return disclosure.publish(_cell(people)).shown


def _section(page: str) -> str:
    return page.split('<h2 id="composition">')[1].split("<h2>Meetings</h2>")[0]


def test_a_roster_under_the_floor_shows_no_breakdown_and_no_number(client):
    roster = _roster_with_members()  # 10 people, 9 of whom answered
    for key, table in composition(roster.id).items():
        assert table["status"] == "too_small" and table["rows"] == [], key
    login(client, create_staff_user("analyst"))
    section = _section(client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True))
    assert "<table" not in section and "Asian or Asian British" not in section
    message = section.split('<p id="composition-ethnic_group">')[1].split("</p>")[0]
    assert message.startswith("Fewer than 50 people answered")
    assert re.findall(r"\d+", message) == ["50"]


def test_composition_figures_are_the_published_figures_of_the_roster_members(app):
    roster, people = _crowd_roster()
    white, asian, unknown = people[:52], people[52:58], people[58:]
    ethnic = {row["category"]: row for row in composition(roster.id)["ethnic_group"]["rows"]}
    assert ethnic["White"]["count"] == _published(white)
    assert ethnic["Asian or Asian British"]["count"] == _published(asian)
    assert ethnic["Not known or prefer not to say"]["count"] == _published(unknown)
    assert ethnic["Total"]["count"] == _published(people)
    assert ethnic["Other ethnic group"]["count"] == 0
    # Shares are whole percentages of the published count of those who answered.
    known = disclosure.publish(_cell(white + asian)).value
    assert ethnic["White"]["percent"] == f"{min(100, round(100 * _published(white) / known))}%"
    ages = {row["category"]: row["count"] for row in composition(roster.id)["age_band"]["rows"]}
    assert ages["65 to 74"] == _published(white) and ages["35 to 44"] == _published(asian)


def test_a_hidden_row_shows_no_share_and_no_flag(app):
    roster, people = _crowd_roster()
    asian = {row["category"]: row for row in composition(roster.id)["ethnic_group"]["rows"]}["Asian or Asian British"]
    assert asian["count"] == "*" and asian["percent"] == "*"
    assert not asian.get("flag")


def test_the_same_people_show_the_same_figures_on_every_roster_and_every_view(client):
    roster, people = _crowd_roster()
    twin, _ = _crowd_roster("Twin group", people)
    assert composition(roster.id) == composition(roster.id) == composition(twin.id)
    login(client, create_staff_user("analyst"))
    first = _section(client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True))
    again = _section(client.get(f"/staff/rosters/{twin.id}").get_data(as_text=True))
    assert first == again and f">{_published(people[:52])}<" in first


def test_engagement_can_open_exact_figures_marked_and_logged(client):
    roster, _ = _crowd_roster()
    login(client, create_staff_user("engagement"))
    assert "Show exact figures" in client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True)
    section = _section(client.get(f"/staff/rosters/{roster.id}?exact=1").get_data(as_text=True))
    assert "Exact: not for publication" in section
    asian = section.split("Asian or Asian British</td>")[1].split("</tr>")[0]
    assert ">6<" in asian and ">10%<" in asian  # 6 of the 58 who answered
    logged = db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "roster_composition")).all()
    assert [(e.action, e.record_id) for e in logged] == [("view", str(roster.id))]


def test_exact_figures_are_exact_even_under_the_floor(app):
    roster = _roster_with_members()
    ethnic = {row["category"]: row["count"] for row in composition(roster.id, exact=True)["ethnic_group"]["rows"]}
    assert ethnic["Asian or Asian British"] == 9 and ethnic["Not known or prefer not to say"] == 1


@pytest.mark.parametrize("role", ["analyst", "comms"])
def test_staff_who_may_not_see_individuals_get_no_exact_figures(client, role):
    roster, _ = _crowd_roster()
    login(client, create_staff_user(role))
    page = client.get(f"/staff/rosters/{roster.id}").get_data(as_text=True)
    assert "Show exact figures" not in page and "Exact: not for publication" not in page
    assert client.get(f"/staff/rosters/{roster.id}?exact=1").status_code == 403
    assert not db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "roster_composition"))
