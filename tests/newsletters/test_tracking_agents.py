"""Which user agents count as people: Gmail's image proxy does, robots do not, phones named *bot do."""

from datetime import timedelta

from sqlalchemy import select, update

from app import tokens
from app.clock import now
from app.extensions import db
from app.newsletters import reports, sending
from app.newsletters.models import Campaign, Delivery, TrackingEvent
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

GMAIL = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
CUBOT = "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SAFE_LINKS = "Mozilla/5.0 (compatible; Microsoft SafeLinks)"


def _open_with(client, *agents):
    members = [create_member(first_name=f"P{i}") for i in range(len(agents))]
    campaign = create_campaign()
    sending.start_send(campaign.id)
    db.session.execute(update(Delivery).values(sent_at=now() - timedelta(hours=1)))
    db.session.commit()
    deliveries = {d.member_id: d.id for d in db.session.scalars(select(Delivery))}
    for member, agent in zip(members, agents, strict=True):
        token = tokens.sign_many("recipient", [(campaign.id, deliveries[member.id], member.id)])[0]
        client.get(f"/t/o/{token}.gif", headers={"User-Agent": agent})
    reports.refresh_stats(campaign.id)
    return reports.summary(db.session.get(Campaign, campaign.id))


def _reason(agent):
    return db.session.scalar(select(TrackingEvent.reason).where(TrackingEvent.user_agent == agent))


def test_gmail_image_proxy_opens_count_as_people_and_say_why(client):
    summary = _open_with(client, GMAIL, "Mozilla/5.0")

    assert (summary["human_opens"], summary["machine_opens"]) == (1, 1)
    assert _reason(GMAIL).startswith("human (Gmail image proxy")
    assert _reason("Mozilla/5.0") == "privacy proxy (Apple Mail Privacy Protection)"


def test_a_phone_named_cubot_is_a_person_but_robots_and_scanners_are_not(client):
    summary = _open_with(client, CUBOT, GOOGLEBOT, SAFE_LINKS)

    assert (summary["human_opens"], summary["machine_opens"]) == (1, 2)
    assert _reason(CUBOT) == "human"
    assert _reason(GOOGLEBOT) == "mail scanner or bot (googlebot)"
    assert _reason(SAFE_LINKS) == "mail scanner or bot (safelinks)"
