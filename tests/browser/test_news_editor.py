"""The news items of a block in Chromium: added, moved and removed from the keyboard, axe-core clean."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.newsletters.models import Campaign
from tests.browser_support import axe_violations, sign_in
from tests.factories import create_staff_user
from tests.newsletters.factories import create_campaign

pytestmark = pytest.mark.browser


def test_news_items_are_added_moved_and_saved_with_the_keyboard(app, live_server, page):
    user = create_staff_user("comms")
    campaign = create_campaign(body="", editor="blocks")
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}/blocks")
    with page.expect_navigation():
        page.focus("button[value=add-news]")
        page.keyboard.press("Enter")
    expect(page.locator("#blocks-0-items-0-title")).to_be_focused()
    page.keyboard.type("Second story")
    with page.expect_navigation():
        page.focus("button[value=item-add-0]")
        page.keyboard.press("Enter")
    expect(page.locator("#blocks-0-items-1-title")).to_be_focused()
    page.keyboard.type("First story")
    with page.expect_navigation():
        page.focus("button[value=item-up-0-1]")
        page.keyboard.press("Enter")
    expect(page.locator("#blocks-0-items-0-title")).to_have_value("First story")
    assert axe_violations(page) == []
    page.fill("#blocks-0-items-0-url", "ftp://example.org")
    page.fill("#blocks-0-items-0-link_text", "Read it")
    with page.expect_navigation():
        page.focus("button[value=save]")
        page.keyboard.press("Enter")
    expect(page.locator("#blocks-0-items-0-url-error")).to_contain_text("https://")
    assert db.session.get(Campaign, campaign.id).blocks is None
    page.fill("#blocks-0-items-0-url", "https://example.org/first")
    with page.expect_navigation():
        page.focus("button[value=save]")
        page.keyboard.press("Enter")
    db.session.expire_all()
    items = db.session.get(Campaign, campaign.id).blocks[0]["items"]
    assert [i["title"] for i in items] == ["First story", "Second story"]
