"""Subject line tests: two subjects to samples, the winner to the rest, everyone exactly once."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.clock import now
from app.extensions import db
from app.newsletters import sending, sweeper
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member, csrf_token
from tests.newsletters.factories import create_audience, create_campaign


def _post(client, url, data=None, page="/staff/bulletins/"):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def _tested(members=20, **fields):
    for i in range(members):
        create_member(f"reader{i}@example.org", first_name=f"R{i}")
    fields = {"subject_b": "B: winter news", "test_percent": "10", "test_wait_hours": "2", **fields}
    return create_campaign(subject="A: winter news", **fields)


def _subjects(outbox) -> Counter:
    return Counter(m["subject"] for m in outbox())


def test_the_form_saves_a_test_and_refuses_bad_settings_beside_each_field(client, comms):
    audience = create_audience()
    base = {"name": "Dec", "subject": "Winter news", "body_markdown": "Hi", "audience_id": audience.id}
    page = "/staff/bulletins/campaigns/new"
    for fields, message in (
        ({"subject_b": "Winter news"}, "Subject B must differ from the subject"),
        ({"subject_b": "Hi {{ nickname }}"}, "Unknown merge field in subject B: {{ nickname }}"),
        ({"subject_b": "Other", "test_percent": "60"}, "from 1 to 45"),
        ({"subject_b": "Other", "test_wait_hours": "0"}, "from 1 to 72"),
        ({"subject_b": "Other", "test_metric": "likes"}, "by human opens or by human clicks"),
    ):
        response = _post(client, page, {**base, **fields}, page)
        assert response.status_code == 400 and message in response.get_data(as_text=True), fields
    assert db.session.scalar(select(Campaign)) is None
    saved = _post(client, page, {**base, "subject_b": "Your winter news", "test_metric": "clicks"}, page)
    assert saved.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert (campaign.subject_b, campaign.test_percent, campaign.test_metric, campaign.test_wait_hours) == (
        "Your winter news",
        10,
        "clicks",
        4,
    )


def test_samples_get_one_subject_each_and_the_rest_wait(client, comms, outbox):
    campaign = _tested()
    confirm = client.get(f"/staff/bulletins/campaigns/{campaign.id}/send").get_data(as_text=True)
    assert "2 people get each subject first" in confirm and "goes to the other 16" in confirm

    sending.start_send(campaign.id)
    assert _subjects(outbox) == {"A: winter news": 2, "B: winter news": 2}
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "sending"
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'data-count="held">16<' in page and "Subject line test" in page and "Pick the winner now" in page

    sweeper.sweep()  # before the wait is over nothing more goes
    assert len(outbox()) == 4


def test_after_the_wait_the_subject_more_people_opened_goes_to_everyone_else_once(app, outbox):
    campaign = _tested()
    sending.start_send(campaign.id)
    db.session.execute(
        update(Delivery).where(Delivery.campaign_id == campaign.id, Delivery.variant == "b").values(first_open_at=now())
    )
    db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id).values(test_decide_at=now() - timedelta(minutes=1))
    )
    db.session.commit()

    assert sweeper.sweep()["winners_picked"] == 1
    assert sweeper.sweep()["winners_picked"] == 0  # picked once
    assert _subjects(outbox) == {"A: winter news": 2, "B: winter news": 18}
    assert sorted(Counter(m["to"] for m in outbox()).values()) == [1] * 20
    db.session.expire_all()
    done = db.session.get(Campaign, campaign.id)
    assert (done.status, done.test_winner) == ("sent", "b")


def test_pick_the_winner_now_and_a_tie_goes_to_the_first_subject(client, comms, outbox):
    campaign = _tested()
    sending.start_send(campaign.id)
    url = f"/staff/bulletins/campaigns/{campaign.id}"
    picked = _post(client, url + "/pick-winner", page=url)
    assert picked.status_code == 302
    assert _subjects(outbox) == {"A: winter news": 18, "B: winter news": 2}
    page = client.get(url).get_data(as_text=True)
    assert "The winner, subject A, was picked" in page and "Pick the winner now" not in page
    again = _post(client, url + "/pick-winner", page=url)
    assert again.status_code == 409 and "only while the campaign is sending or paused" in again.get_data(as_text=True)
    assert len(outbox()) == 20


def test_cancelling_during_a_test_sends_nobody_held_back(app, outbox):
    from app.newsletters import controls

    campaign = _tested()
    sending.start_send(campaign.id)
    assert controls.cancel(campaign.id) == 16
    db.session.commit()
    assert controls.progress(campaign.id)["cancelled"] == 16
    with pytest.raises(Exception, match="only while the campaign is sending or paused"):
        controls.pick_winner(campaign.id)
    assert len(outbox()) == 4


def test_the_api_sets_up_a_test_and_picks_the_winner(api, outbox):
    for i in range(10):
        create_member(f"api{i}@example.org")
    audience = create_audience()
    created = api.post(
        "/api/v1/campaigns",
        json={
            "name": "API test",
            "subject": "One",
            "subject_b": "Two",
            "test_percent": 20,
            "body_markdown": "Hi [unsubscribe]({{ unsubscribe_url }})",
            "audience_id": audience.id,
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["subject_b"], body["test_percent"], body["test_winner"]) == ("Two", 20, None)
    campaign_id = body["id"]
    assert api.post(f"/api/v1/campaigns/{campaign_id}/send").status_code == 200
    picked = api.post(f"/api/v1/campaigns/{campaign_id}/pick-winner")
    assert picked.status_code == 200 and picked.get_json()["recipients"] == 6
    assert picked.get_json()["campaign"]["test_winner"] == "a"
    assert _subjects(outbox) == {"One": 8, "Two": 2}


def test_a_test_send_of_a_subject_test_sends_one_copy_with_each_subject(client, comms, outbox):
    campaign = _tested(members=1, subject_b="B for {{ first_name }}")
    url = f"/staff/bulletins/campaigns/{campaign.id}"
    sent = _post(client, url + "/test", {"address": "me@example.nhs.uk"}, page=url)
    assert sent.status_code == 302
    assert sorted(m["subject"] for m in outbox()) == ["[Test, subject A] A: winter news", "[Test, subject B] B for Sam"]
    assert {m["to"] for m in outbox()} == {"me@example.nhs.uk"}
