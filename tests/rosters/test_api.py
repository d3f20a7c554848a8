"""The rosters API: bearer tokens, permissions, field errors, no contact details."""

from datetime import date

import pytest

from app.auth import services as auth
from tests.factories import create_member, create_practice
from tests.rosters.factories import add, create_roster


@pytest.fixture
def api_client(app):
    return app.test_client()


def _headers(role):
    _, secret = auth.create_api_token(f"{role} client", role)
    return {"Authorization": f"Bearer {secret}"}


def test_no_token_gets_401_json(api_client):
    response = api_client.get("/api/v1/rosters")
    assert response.status_code == 401 and response.is_json


def test_memberships_need_permission_and_carry_no_contact_details(api_client):
    roster = create_roster()
    add(roster, create_member(email="private@example.org", first_name="Ann", last_name="Lee"))
    assert api_client.get(f"/api/v1/rosters/{roster.id}/memberships", headers=_headers("analyst")).status_code == 403
    body = api_client.get(f"/api/v1/rosters/{roster.id}/memberships", headers=_headers("comms")).get_json()
    assert body[0]["member_name"] == "Ann Lee" and "private@example.org" not in str(body)


def test_create_roster_and_membership_with_field_errors(api_client):
    headers = _headers("engagement")
    bad = api_client.post("/api/v1/rosters", json={"name": "", "kind": "nonsense"}, headers=headers)
    assert bad.status_code == 400
    assert "kind" in bad.get_json()["errors"]
    made = api_client.post(
        "/api/v1/rosters", json={"name": "YPHA", "kind": "young_people", "max_age": 25}, headers=headers
    )
    assert made.status_code == 201
    roster_id = made.get_json()["id"]
    older = create_member(date_of_birth=date(1970, 1, 1))
    refused = api_client.post(f"/api/v1/rosters/{roster_id}/memberships", json={"member_id": older.id}, headers=headers)
    assert refused.status_code == 422 and "not eligible" in refused.get_json()["errors"]["member_id"]


def test_practices_and_openapi(api_client):
    create_practice("M92001")
    body = api_client.get("/api/v1/practices", headers=_headers("analyst")).get_json()
    assert body[0]["ods_code"] == "M92001"
    spec = api_client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/rosters/{roster_id}/memberships" in spec["paths"]


def test_meetings_come_a_page_at_a_time_with_the_total(api_client):
    from datetime import datetime, timedelta

    from tests.rosters.factories import create_meeting

    for day in range(7):
        create_meeting(None, datetime(2026, 5, 1, 18) + timedelta(days=day), title=f"Drop-in {day}")
    headers = _headers("engagement")
    first = api_client.get("/api/v1/meetings?page_size=5", headers=headers)
    second = api_client.get("/api/v1/meetings?page_size=5&page=2", headers=headers)
    assert first.status_code == second.status_code == 200
    titles = [m["title"] for m in first.get_json() + second.get_json()]
    assert titles == [f"Drop-in {day}" for day in range(6, -1, -1)]
    assert '"total": 7' in first.headers["X-Pagination"]
    too_many = api_client.get("/api/v1/meetings?page_size=100000", headers=headers)
    assert too_many.status_code == 400 and "page_size" in too_many.get_json()["errors"]
