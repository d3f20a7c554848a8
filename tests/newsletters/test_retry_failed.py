"""Retrying failed deliveries once the cause is fixed: each failed recipient gets one message."""

import pytest
from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.newsletters import controls, sending
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member, create_staff_user, login
from tests.newsletters.factories import create_campaign


def _statuses(campaign_id):
    return sorted(db.session.scalars(select(Delivery.status).where(Delivery.campaign_id == campaign_id)))


def _send_while_the_provider_refuses(app, tmp_path):
    members = [create_member(first_name=f"P{i}") for i in range(3)]
    campaign = create_campaign()
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    good = app.config["OUTBOX_DIR"]
    app.config["OUTBOX_DIR"] = str(blocked / "outbox")
    try:
        sending.start_send(campaign.id)
    finally:
        app.config["OUTBOX_DIR"] = good
    db.session.expire_all()
    return campaign, members


def test_retry_sends_each_failed_recipient_one_message_and_a_second_finds_nothing(app, outbox, tmp_path):
    campaign, members = _send_while_the_provider_refuses(app, tmp_path)
    assert _statuses(campaign.id) == ["failed"] * 3 and outbox() == []
    assert controls.retryable(campaign.id) == 3

    assert controls.retry_failed(campaign.id) == 3

    assert sorted(m["to"] for m in outbox()) == sorted(m.email for m in members)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "sent"
    assert _statuses(campaign.id) == ["sent"] * 3
    with pytest.raises(InvalidRequest) as refused:
        controls.retry_failed(campaign.id)
    assert refused.value.status == 409
    assert len(outbox()) == 3


def test_a_recipient_who_unsubscribed_since_is_not_retried(app, outbox, tmp_path):
    campaign, members = _send_while_the_provider_refuses(app, tmp_path)
    gone = db.session.get(Member, members[0].id)
    gone.status = "unsubscribed"
    db.session.commit()

    assert controls.retry_failed(campaign.id) == 2

    assert sorted(m["to"] for m in outbox()) == sorted(m.email for m in members[1:])
    skipped = db.session.scalars(select(Delivery).where(Delivery.member_id == gone.id)).one()
    assert skipped.status == "skipped" and "not retried" in skipped.reason


def test_retry_is_refused_while_sending_or_when_nothing_failed(app, outbox):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    with pytest.raises(InvalidRequest, match="no failed deliveries"):
        controls.retry_failed(campaign.id)
    draft = create_campaign()
    with pytest.raises(InvalidRequest, match="finished sending or is paused"):
        controls.retry_failed(draft.id)
    assert db.session.get(Campaign, campaign.id).status == "sent"


def test_the_page_asks_first_naming_the_number_and_the_api_retries_once(app, client, api, outbox, tmp_path):
    campaign, members = _send_while_the_provider_refuses(app, tmp_path)
    login(client, create_staff_user("comms"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}")
    assert "Retry failed deliveries" in page.get_data(as_text=True)
    confirm = client.get(f"/staff/bulletins/campaigns/{campaign.id}/retry-failed").get_data(as_text=True)
    assert "Retry 3 failed deliveries" in confirm and outbox() == []

    first = api.post(f"/api/v1/campaigns/{campaign.id}/retry-failed")
    assert first.status_code == 200 and first.get_json()["recipients"] == 3
    again = api.post(f"/api/v1/campaigns/{campaign.id}/retry-failed")
    assert again.status_code == 409 and "no failed deliveries" in again.get_json()["message"]
    assert len(outbox()) == 3


def test_the_retry_page_says_when_there_is_nothing_to_retry(client):
    login(client, create_staff_user("comms"))
    campaign = create_campaign()
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/retry-failed")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "There are no failed deliveries to retry" in text and 'type="submit">Retry' not in text
