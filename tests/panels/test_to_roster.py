"""Adding a drawn panel of network members to a roster in one step: everyone or nobody."""

from datetime import date

from app.panels import services
from app.rosters import services as rosters
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.representation.helpers import load_area
from tests.rosters.factories import create_roster


def _network_panel(client):
    load_area()
    for years in (20, 22, 30, 33, 40, 44, 50, 52, 60, 61, 70, 72, 80, 81):
        create_member(date_of_birth=date(2000 - years + 26, 1, 1))
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/panels/").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": "Cabinet panel",
        "size": "4",
        "algorithm": "legacy",
        "source": "network",
        "quotas_from": "hand",
        "quotas": "age_band,Aged 25 to 34 years,1,2",
    }
    assert client.post("/staff/panels/", data=data, content_type="multipart/form-data").status_code == 302
    record = services.draws()[0]
    assert record.status == "done"
    return record


def _add(client, record, roster_id):
    page = client.get(f"/staff/panels/{record.id}").get_data(as_text=True)
    assert "Add the panel to the group" in page
    return client.post(
        f"/staff/panels/{record.id}/roster", data={"csrf_token": csrf_token(page), "roster_id": str(roster_id)}
    )


def test_the_whole_panel_joins_the_chosen_roster(client):
    record = _network_panel(client)
    roster = create_roster("Patient Cabinet")
    response = _add(client, record, roster.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/rosters/{roster.id}")
    joined = {str(m.member_id) for m in rosters.current_memberships(roster)}
    assert joined == set(record.result["panel"])


def test_one_ineligible_person_is_named_and_nobody_is_added(client):
    record = _network_panel(client)
    roster = create_roster("Over 50s forum", min_age=50)
    response = _add(client, record, roster.id)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "not eligible" in page
    assert 'href="#person-' in page
    assert rosters.current_memberships(roster) == []


def test_no_group_chosen_is_shown_beside_the_field(client):
    record = _network_panel(client)
    create_roster("Patient Cabinet")
    response = _add(client, record, "")
    assert response.status_code == 400
    assert "Choose a group" in response.get_data(as_text=True)
