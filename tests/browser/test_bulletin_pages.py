"""A reader's bulletin pages in a real browser: unsubscribe from an email, the archive, the web version."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.members.models import Member
from app.newsletters import sending
from tests.browser.conftest import axe_violations
from tests.browser_support import sign_in
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

pytestmark = pytest.mark.browser


def _gets_bulletins(member_id) -> bool:
    member = db.session.get(Member, member_id)
    return any(c.purpose == "bulletin" and c.withdrawn_at is None for c in member.consents)


def _unsubscribe_link(message) -> str:
    header = " ".join(message["headers"]["List-Unsubscribe"].split())
    return re.search(r"<(http[^>]+/unsubscribe/[^>]+)>", header).group(1)


def test_unsubscribing_from_a_bulletin_asks_first_then_works_and_pages_pass_axe(app, live_server, page, outbox):
    reader = create_member("reader@example.org")
    campaign = create_campaign(name="Spring", subject="Spring news", is_public="1")
    sending.start_send(campaign.id)
    (message,) = outbox()
    link = _unsubscribe_link(message).replace("http://localhost", live_server)

    page.goto(link)
    expect(page.locator("h1")).to_contain_text("nsubscribe")
    assert axe_violations(page) == [], "unsubscribe question"
    assert _gets_bulletins(reader.id)  # a visit alone changes nothing

    page.keyboard.press("Tab")
    page.locator("form button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("unsubscribed", re.I))
    assert axe_violations(page) == [], "unsubscribed"
    db.session.expire_all()
    assert not _gets_bulletins(reader.id)

    page.goto(live_server + "/unsubscribe/not-a-token")
    expect(page.locator("h1")).to_be_visible()
    assert axe_violations(page) == [], "bad unsubscribe link"


def test_public_archive_and_web_version_pass_axe(app, live_server, page, outbox):
    create_member()
    public = create_campaign(name="Summer", subject="Summer news", is_public="1")
    create_campaign(name="Internal", subject="Staff only news")
    sending.start_send(public.id)

    page.goto(live_server + "/bulletins")
    expect(page.get_by_role("link", name="Summer news")).to_be_visible()
    expect(page.get_by_text("Staff only news")).to_have_count(0)
    assert axe_violations(page) == [], "archive"

    page.get_by_role("link", name="Summer news").click()
    expect(page.locator("h1")).to_contain_text("Summer news")
    assert axe_violations(page) == [], "web version"


def test_a_sending_campaign_shows_live_progress_without_reloading(app, live_server, page):
    from sqlalchemy import update

    from app.newsletters.models import Campaign, Delivery
    from tests.factories import create_staff_user

    for _ in range(3):
        create_member()
    campaign = create_campaign(name="Live")
    sending._freeze(campaign.id)  # frozen and sending; no batch has run yet
    user = create_staff_user("comms")
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}")
    sent_cell = page.locator("#progress [data-count=sent]")
    expect(sent_cell).to_have_text("0")
    assert axe_violations(page) == [], "campaign while sending"

    db.session.execute(update(Delivery).where(Delivery.campaign_id == campaign.id).values(status="sent"))
    db.session.commit()
    expect(sent_cell).to_have_text("3", timeout=10_000)
    db.session.execute(update(Campaign).where(Campaign.id == campaign.id).values(status="sent"))
    db.session.commit()
    expect(page.locator("#progress[data-campaign-progress-url]")).to_have_count(0, timeout=10_000)
