"""A campaign about involvement opportunities goes only to people who asked for them, and its
unsubscribe link stops only that."""

import re

from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from app.newsletters import reports, sending
from app.newsletters.models import Campaign, Suppression
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import BODY, create_audience, create_campaign


def test_an_involvement_campaign_reaches_only_those_who_asked_for_involvement_news(app, outbox):
    both = create_member(email="both@example.org", purposes=("bulletin", "involvement"))
    create_member(email="bulletin-only@example.org", purposes=("bulletin",))
    involved = create_member(email="involved@example.org", purposes=("involvement",))
    campaign = create_campaign(purpose="involvement")

    assert sending.start_send(campaign.id) == 2
    assert sorted(m["to"] for m in outbox()) == sorted([both.email, involved.email])


def test_unsubscribing_from_involvement_news_keeps_the_e_bulletin(app, client, outbox):
    member = create_member(email="both@example.org", purposes=("bulletin", "involvement"))
    campaign = create_campaign(purpose="involvement")
    sending.start_send(campaign.id)
    message = outbox()[0]
    link = re.search(
        r"<http://localhost(/unsubscribe/[^>]+)>", " ".join(message["headers"]["List-Unsubscribe"].split())
    )

    page = client.get(link.group(1)).get_data(as_text=True)
    assert "Unsubscribe from news of involvement opportunities" in page
    done = client.post(link.group(1), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "involvement opportunities again" in done.get_data(as_text=True)

    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.live_consent("involvement") is None
    assert member.live_consent("bulletin") is not None
    assert db.session.scalar(select(Suppression.id)) is None  # the e-bulletin still reaches them
    assert reports.refresh_stats(campaign.id).unsubscribes == 1

    bulletin = create_campaign(name="Next bulletin")
    assert sending.start_send(bulletin.id) == 1


def test_staff_choose_the_purpose_and_a_wrong_one_is_refused(app, client):
    login(client, create_staff_user("comms"))
    audience = create_audience()
    page = client.get("/staff/bulletins/campaigns/new").get_data(as_text=True)
    assert "People who asked to hear about involvement opportunities" in page
    data = {"name": "Events", "subject": "Get involved", "body_markdown": BODY, "audience_id": audience.id}

    bad = client.post(
        "/staff/bulletins/campaigns/new", data={**data, "purpose": "everyone", "csrf_token": csrf_token(page)}
    )
    assert bad.status_code == 400
    assert "Choose who may receive it" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Campaign.id)) is None

    good = client.post(
        "/staff/bulletins/campaigns/new", data={**data, "purpose": "involvement", "csrf_token": csrf_token(page)}
    )
    assert good.status_code == 302
    assert db.session.scalar(select(Campaign.purpose)) == "involvement"
    shown = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "People who asked to hear about involvement opportunities" in shown


def test_the_api_takes_and_shows_the_purpose(api):
    refused = api.post("/api/v1/campaigns", json={"name": "A", "purpose": "everyone"})
    assert refused.status_code == 400 and "purpose" in refused.get_json()["errors"]
    made = api.post("/api/v1/campaigns", json={"name": "A", "purpose": "involvement"})
    assert made.status_code == 201
    assert made.get_json()["purpose"] == "involvement"
    assert api.post("/api/v1/campaigns", json={"name": "B"}).get_json()["purpose"] == "bulletin"
