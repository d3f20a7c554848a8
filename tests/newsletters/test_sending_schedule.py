"""A scheduled campaign that cannot start goes back to an editable draft, and only a frozen send can resume."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.newsletters import campaigns, controls, sweeper
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import create_campaign


def _scheduled_then_audience_gone(monkeypatch):
    create_member()
    campaign = create_campaign()
    campaigns.schedule(campaign.id, now() + timedelta(minutes=1))
    # The only recipient leaves before the time comes.
    db.session.execute(update(Member).values(status="unsubscribed"))
    db.session.commit()
    later = now() + timedelta(minutes=5)
    monkeypatch.setattr(sweeper, "now", lambda: later)
    sweeper.sweep()
    db.session.expire_all()
    return db.session.get(Campaign, campaign.id)


def test_a_schedule_that_cannot_start_goes_back_to_draft_with_the_reason_shown(app, client, monkeypatch):
    campaign = _scheduled_then_audience_gone(monkeypatch)

    assert campaign.status == "draft"
    assert campaign.status_reason.startswith("Could not start")
    login(client, create_staff_user("comms"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Could not start" in page
    # Editable again: the sender can fix it and save.
    campaigns.save_campaign({"name": "March, fixed", "subject": "News", "audience_id": campaign.audience_id}, campaign)
    assert db.session.get(Campaign, campaign.id).name == "March, fixed"


def test_resume_refuses_a_campaign_that_never_started_sending(app, client):
    create_member()
    campaign = create_campaign()
    campaign.status = "paused"  # as a failed schedule used to leave it
    db.session.commit()
    login(client, create_staff_user("comms"))
    token = csrf_token(client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True))

    response = client.post(f"/staff/bulletins/campaigns/{campaign.id}/resume", data={"csrf_token": token})

    assert response.status_code == 409
    assert "never started sending" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "paused"
    with pytest.raises(InvalidRequest):
        controls.resume(campaign.id)
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
