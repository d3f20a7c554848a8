"""A subject or from name with a line break can never reach a mail header, and a batch that breaks never sticks."""

import pytest
from sqlalchemy import func, select

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import batches, sending
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import create_audience, create_campaign

INJECTED = "Hello\r\nBcc: someone@example.org"


@pytest.mark.parametrize("field", ["subject", "from_name"])
def test_the_campaign_form_refuses_a_line_break_beside_the_field(app, client, field):
    login(client, create_staff_user("comms"))
    token = csrf_token(client.get("/staff/bulletins/campaigns/new").get_data(as_text=True))
    audience = create_audience()

    response = client.post(
        "/staff/bulletins/campaigns/new",
        data={"csrf_token": token, "name": "March", "audience_id": audience.id, field: INJECTED},
    )

    assert response.status_code == 400
    assert "without line breaks or control characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize("field", ["subject", "from_name"])
def test_the_api_refuses_a_line_break_with_a_field_error(app, api, field):
    response = api.post("/api/v1/campaigns", json={"name": "March", field: "a\nb"})

    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def _saved_before_the_check(field):
    campaign = create_campaign()
    setattr(campaign, field, INJECTED)
    db.session.commit()
    return campaign


@pytest.mark.parametrize("field", ["subject", "from_name"])
def test_a_campaign_saved_with_a_line_break_is_refused_at_send_and_test_send(app, client, field):
    create_member()
    campaign = _saved_before_the_check(field)
    login(client, create_staff_user("comms"))
    token = csrf_token(client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True))

    tested = client.post(
        f"/staff/bulletins/campaigns/{campaign.id}/test", data={"csrf_token": token, "address": "me@example.nhs.uk"}
    )
    assert tested.status_code == 400
    with pytest.raises(InvalidRequest) as refused:
        sending.start_send(campaign.id)

    assert field in refused.value.errors
    assert db.session.get(Campaign, campaign.id).status == "draft"
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_batch_that_breaks_unexpectedly_fails_its_rows_and_pauses_the_campaign(app, monkeypatch, caplog):
    app.config["BULLETIN_MAX_ERRORS"] = 1
    create_member(email="private.reader@example.org")
    campaign = create_campaign()

    def broken(*args, **kwargs):
        raise RuntimeError("private.reader@example.org could not be encoded")

    monkeypatch.setattr(batches, "bulk_message", broken)
    sending.start_send(campaign.id)

    db.session.expire_all()
    rows = db.session.execute(select(Delivery.status, Delivery.reason)).all()
    assert [status for status, _ in rows] == ["failed"]
    assert "unexpected error" in rows[0].reason
    assert db.session.get(Campaign, campaign.id).status == "paused"
    assert "private.reader" not in caplog.text
