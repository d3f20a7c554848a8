"""The bulletin preview in a real browser: subject, sender and recipient, desktop, mobile and plain text together."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser_support import sign_in
from tests.factories import create_staff_user
from tests.newsletters.factories import create_campaign

pytestmark = pytest.mark.browser


def test_the_preview_shows_the_email_as_it_will_arrive_and_passes_axe(app, live_server, page):
    user = create_staff_user("comms")
    campaign = create_campaign(subject="Winter news, {{ first_name }}", from_name="Patient Voice")
    sign_in(page, live_server, user)

    page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}")
    page.click("text=Preview the email")
    envelope = page.locator("#envelope")
    expect(envelope).to_contain_text("Winter news, Sam")
    expect(envelope).to_contain_text("Patient Voice")
    for name in ("The email on a desktop screen", "The email on a phone"):
        expect(page.frame_locator(f"iframe[title='{name}']").locator("body")).to_contain_text("Hello Sam")
    expect(page.locator(".involve-plain-text")).to_contain_text("Hello Sam")
    widths = page.evaluate(
        "[...document.querySelectorAll('iframe')].map(f => Math.round(f.getBoundingClientRect().width))"
    )
    assert widths[0] > widths[1] >= 375
    assert axe_violations(page) == []
    page.click("a.nhsuk-back-link")
    expect(page.locator("h1")).to_have_text(campaign.name)


def test_two_columns_stack_in_the_mobile_preview_and_sit_side_by_side_on_the_desktop(app, live_server, page):
    from app.newsletters import campaigns

    user = create_staff_user("comms")
    campaign = create_campaign(body="", editor="blocks")
    campaigns.save_blocks(campaign, [{"type": "columns", "left": "Monday mornings", "right": "Friday evenings"}])
    sign_in(page, live_server, user)

    def boxes(view, width):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}/preview?view={view}")
        return [page.locator(".stack-column").nth(i).bounding_box() for i in (0, 1)]

    first, second = boxes("mobile", 375)
    assert second["y"] >= first["y"] + first["height"] - 1, "the second column is below the first"
    assert abs(second["x"] - first["x"]) < 2 and first["width"] > 300
    first, second = boxes("desktop", 1024)
    assert abs(second["y"] - first["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1
    # On the preview page itself, the phone-sized frame stacks them and the desktop one does not.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}/preview")
    for title, stacked in (("The email on a phone", True), ("The email on a desktop screen", False)):
        cells = page.frame_locator(f"iframe[title='{title}']").locator(".stack-column")
        first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert (second["y"] >= first["y"] + first["height"] - 1) is stacked, title


def test_two_columns_stack_on_a_phone_in_the_public_web_version(app, live_server, page):
    from app.extensions import db
    from app.newsletters import campaigns

    campaign = create_campaign(body="", editor="blocks", is_public=True)
    campaigns.save_blocks(campaign, [{"type": "columns", "left": "Monday mornings", "right": "Friday evenings"}])
    campaign.status = "sent"
    db.session.commit()

    def boxes(width):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/bulletins/{campaign.id}")
        cells = page.locator(".involve-bulletin .stack-column")
        return cells.nth(0).bounding_box(), cells.nth(1).bounding_box()

    first, second = boxes(375)
    assert second["y"] >= first["y"] + first["height"] - 1, "the second column is below the first"
    first, second = boxes(1024)
    assert abs(second["y"] - first["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1
    assert axe_violations(page) == []
