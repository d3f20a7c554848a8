"""One-click unsubscribe, open and click tracking, and the human/machine classification."""

from datetime import timedelta

from sqlalchemy import func, select, update

from app import tokens
from app.clock import now
from app.extensions import db
from app.newsletters import reports, sending
from app.newsletters.models import Delivery, Link, Suppression, TrackingEvent
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

HUMAN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _sent_campaign(people=1, **fields):
    members = [create_member(first_name=f"P{i}") for i in range(people)]
    campaign = create_campaign(**fields)
    sending.start_send(campaign.id)
    deliveries = list(
        db.session.scalars(select(Delivery).where(Delivery.campaign_id == campaign.id).order_by(Delivery.id))
    )
    # As if delivered a while ago, so clicks are not "seconds after delivery".
    db.session.execute(
        update(Delivery).where(Delivery.campaign_id == campaign.id).values(sent_at=now() - timedelta(hours=1))
    )
    db.session.commit()
    return campaign, members, deliveries


def _events(kind=None):
    query = select(func.count()).select_from(TrackingEvent)
    if kind:
        query = query.where(TrackingEvent.kind == kind)
    return db.session.scalar(query)


def _unsubscribe_url(member, campaign):
    return f"/unsubscribe/{tokens.sign('unsubscribe', [member.id, campaign.id])}"


def test_unsubscribe_get_asks_and_changes_nothing(client):
    campaign, (member,), _ = _sent_campaign()
    page = client.get(_unsubscribe_url(member, campaign))
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    db.session.refresh(member)
    assert member.live_consent("bulletin") is not None


def test_one_click_post_unsubscribes_at_once_without_redirect(client):
    campaign, (member,), _ = _sent_campaign()
    response = client.post(
        _unsubscribe_url(member, campaign),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and "Location" not in response.headers
    db.session.expire_all()
    assert member.live_consent("bulletin") is None
    assert db.session.scalar(select(Suppression.reason)) == "unsubscribe"
    assert reports.refresh_stats(campaign.id).unsubscribes == 1


def test_one_click_post_accepts_multipart_too(client):
    campaign, (member,), _ = _sent_campaign()
    response = client.post(
        _unsubscribe_url(member, campaign), data={"List-Unsubscribe": "One-Click"}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert member.live_consent("bulletin") is None


def test_tampered_unsubscribe_token_is_harmless(client):
    campaign, (member,), _ = _sent_campaign()
    url = _unsubscribe_url(member, campaign)
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    for response in (client.get(forged), client.post(forged, data={"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 404 and "does not work" in response.get_data(as_text=True)
    db.session.expire_all()
    assert member.live_consent("bulletin") is not None
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_open_pixel_records_one_event_and_answers_a_gif(client):
    campaign, _, (delivery,) = _sent_campaign()
    response = client.get(f"/t/o/{tokens.sign('open', [campaign.id, delivery.id])}.gif", headers={"User-Agent": HUMAN})
    assert response.status_code == 200 and response.mimetype == "image/gif"
    stats = reports.refresh_stats(campaign.id)
    assert (stats.human_opens, stats.machine_opens) == (1, 0)


def test_click_redirects_only_to_a_link_registered_for_that_campaign(client):
    campaign, _, (delivery,) = _sent_campaign()
    other, _, _ = _sent_campaign()
    link = db.session.scalar(select(Link).where(Link.campaign_id == campaign.id, ~Link.hidden))
    foreign = db.session.scalar(select(Link).where(Link.campaign_id == other.id, ~Link.hidden))
    token = tokens.sign("click", [campaign.id, delivery.id])
    ok = client.get(f"/t/c/{token}/{link.id}", headers={"User-Agent": HUMAN})
    assert ok.status_code == 302 and ok.headers["Location"] == "https://example.org/news"
    refused = client.get(f"/t/c/{token}/{foreign.id}")
    assert refused.status_code == 404 and "Location" not in refused.headers
    tampered = client.get(f"/t/c/{token[:-2]}xx/{link.id}")
    assert tampered.status_code == 404
    assert _events("click") == 1


def test_scanner_burst_hidden_link_and_proxy_are_machines_with_reasons(client):
    campaign, _, deliveries = _sent_campaign(people=3)
    links = list(db.session.scalars(select(Link).where(Link.campaign_id == campaign.id).order_by(Link.position)))
    hidden = next(link for link in links if link.hidden)
    visible = next(link for link in links if not link.hidden)
    scanner, proxy, person = deliveries
    client.get(f"/t/c/{tokens.sign('click', [campaign.id, scanner.id])}/{hidden.id}", headers={"User-Agent": HUMAN})
    client.get(f"/t/c/{tokens.sign('click', [campaign.id, scanner.id])}/{visible.id}", headers={"User-Agent": HUMAN})
    client.get(f"/t/o/{tokens.sign('open', [campaign.id, proxy.id])}.gif", headers={"User-Agent": "Mozilla/5.0"})
    client.get(
        f"/t/c/{tokens.sign('click', [campaign.id, proxy.id])}/{visible.id}", headers={"User-Agent": "Mimecast Scanner"}
    )
    client.get(f"/t/c/{tokens.sign('click', [campaign.id, person.id])}/{visible.id}", headers={"User-Agent": HUMAN})

    stats = reports.refresh_stats(campaign.id)
    assert (stats.human_clicks, stats.human_opens) == (1, 1)
    assert (stats.machine_clicks, stats.machine_opens) == (3, 1)
    reasons = set(db.session.scalars(select(TrackingEvent.reason).where(TrackingEvent.is_machine)))
    assert "clicked a hidden link no person can see" in reasons
    assert "same moment as a hidden-link click" in reasons
    assert "privacy proxy (Apple Mail Privacy Protection)" in reasons
    assert any(r.startswith("mail scanner") for r in reasons)


def test_clicks_seconds_after_delivery_are_scanners(client):
    campaign, _, (delivery,) = _sent_campaign()
    db.session.execute(update(Delivery).values(sent_at=now()))
    db.session.commit()
    link = db.session.scalar(select(Link).where(Link.campaign_id == campaign.id, ~Link.hidden))
    client.get(f"/t/c/{tokens.sign('click', [campaign.id, delivery.id])}/{link.id}", headers={"User-Agent": HUMAN})
    reports.refresh_stats(campaign.id)
    assert db.session.scalar(select(TrackingEvent.reason)).startswith("within 10 seconds")


def test_privacy_setting_keeps_only_anonymous_totals(client):
    campaign, _, (delivery,) = _sent_campaign(anonymous_tracking="1")
    client.get(f"/t/o/{tokens.sign('open', [campaign.id, delivery.id])}.gif", headers={"User-Agent": HUMAN})
    stats = reports.refresh_stats(campaign.id)
    assert stats.human_opens == 1
    assert db.session.scalar(select(TrackingEvent.delivery_id).where(TrackingEvent.kind == "open")) is None
    assert db.session.get(Delivery, delivery.id).first_open_at is None


def test_burst_of_many_links_within_a_second_is_a_machine(app):
    from app.newsletters.tracking import classify

    at = now()
    events = [
        TrackingEvent(kind="click", source="redirect", link_id=i, user_agent=HUMAN, occurred_at=at) for i in (1, 2, 3)
    ]
    classify(events, at - timedelta(hours=1), set(), 10)
    assert all(e.is_machine and e.reason.startswith("burst") for e in events)


def test_activity_chart_spaces_hours_truly_and_the_report_draws_it(client):
    from tests.factories import create_staff_user, login

    start = now().replace(minute=0, second=0, microsecond=0)
    points = [
        {"hour": start, "open": 4, "click": 1},
        {"hour": start + timedelta(hours=3), "open": 2, "click": 2},
    ]
    chart = reports.activity_chart(points)
    assert [(b["open"], b["click"]) for b in chart["bars"]] == [(4, 1), (0, 0), (0, 0), (2, 2)]
    assert chart["unit"] == "hour" and chart["bars"][0]["open_h"] == chart["height"]
    weekly = reports.activity_chart([points[0], {"hour": start + timedelta(days=6), "open": 1, "click": 0}])
    assert weekly["unit"] == "day" and len(weekly["bars"]) == 7

    campaign, _, (delivery,) = _sent_campaign()
    client.get(f"/t/o/{tokens.sign('open', [campaign.id, delivery.id])}.gif", headers={"User-Agent": HUMAN})
    reports.refresh_stats(campaign.id)  # the chart counts what the summary counts
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report?refresh=1").get_data(as_text=True)
    assert 'role="img"' in page and ": 1 opens, 0 clicks</title>" in page
