"""The campaign form counts the text message version as it is typed, as the server counts it."""

import pytest
from playwright.sync_api import expect

from app.newsletters import texts
from tests.browser.conftest import axe_violations
from tests.browser_support import sign_in
from tests.factories import create_staff_user

pytestmark = pytest.mark.browser


def test_the_text_message_count_follows_what_is_typed(app, live_server, page):
    user = create_staff_user("comms")
    sign_in(page, live_server, user)
    page.goto(live_server + "/staff/bulletins/campaigns/new")
    count = page.locator("#sms_text-count")
    expect(count).to_have_text("No text message version: everyone gets the email.")
    page.fill("#sms_text", "Flu jabs this week.")
    with app.test_request_context():
        plain = texts.measure_as_sent("Flu jabs this week.")
        long_unicode = texts.measure_as_sent("Flu jabs 😀 " * 20)
    expect(count).to_have_text(f"With the links added: {plain.characters} characters (GSM 7-bit): 1 text message.")
    page.fill("#sms_text", "Flu jabs 😀 " * 20)
    expect(count).to_contain_text(
        f"{long_unicode.characters} characters (Unicode): {long_unicode.fragments} text messages. That is more than 3"
    )
    assert axe_violations(page) == []
