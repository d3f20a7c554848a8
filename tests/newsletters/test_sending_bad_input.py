"""Numbers no database id could be are refused beside the field, never a server error."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.newsletters.models import Audience, Campaign
from tests.factories import create_staff_user, csrf_token, login
from tests.newsletters.factories import create_audience

HUGE = "99999999999999999999"


@pytest.fixture
def staff(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, create_staff_user("comms"))
    return csrf_token(client.get("/staff/bulletins/campaigns/new").get_data(as_text=True))


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("template_id", "Choose a template from the list"),
        ("audience_id", "Choose an audience from the list"),
        ("send_rate", "Enter a whole number of messages per second"),
    ],
)
def test_the_campaign_form_refuses_a_huge_number_beside_the_field(app, client, staff, field, message):
    response = client.post("/staff/bulletins/campaigns/new", data={"csrf_token": staff, "name": "x", field: HUGE})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("practice_ids", "Choose from the list"),
        ("roster_ids", "Choose groups from the list"),
        ("survey_followers", "Choose a survey"),
    ],
)
def test_the_audience_form_refuses_a_huge_id_beside_the_field(app, client, staff, field, message):
    response = client.post(
        "/staff/bulletins/audiences/new", data={"csrf_token": staff, "name": "x", "kind": "segment", field: HUGE}
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Audience)) == 0


def test_a_huge_campaign_id_in_the_address_is_not_found(app, client, staff):
    assert client.get(f"/staff/bulletins/campaigns/{HUGE}").status_code == 404


@pytest.mark.parametrize("field", ["practice_ids", "pcn_ids", "roster_ids", "survey_followers"])
def test_the_api_count_refuses_a_huge_id_with_a_field_error(app, api, field):
    response = api.post("/api/v1/audiences/count", json={"filter": {field: [int(HUGE)]}})

    assert response.status_code == 400
    assert any(key.startswith(f"filter.{field}") for key in response.get_json()["errors"])


@pytest.mark.parametrize("field", ["template_id", "audience_id", "send_rate"])
def test_the_api_refuses_a_campaign_with_a_huge_number(app, api, field):
    create_audience()
    response = api.post("/api/v1/campaigns", json={"name": "x", field: int(HUGE)})

    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
