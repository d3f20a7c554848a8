"""Signing up at an event in a real browser: the shared tablet shows each person a blank form.

That no page is kept for Back is checked on its headers in tests/public/test_event_signup.py.
"""

import pytest

from app.members import services as members
from app.members import signup_events
from tests.browser.conftest import axe_violations
from tests.browser_support import sign_in
from tests.factories import create_staff_user

pytestmark = pytest.mark.browser


def _sign_up(page, first_name: str, email: str) -> None:
    page.fill("#first_name", first_name)
    page.fill("#last_name", "Shah")
    page.fill("#email", email)
    page.fill("#postcode", "WV1 1AA")
    page.check("#contact_type")
    page.check("#purposes")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/get-involved/here/check")
    assert first_name in page.locator("#your-details").inner_text()
    page.click("main form button[type=submit]")
    page.wait_for_url("**/get-involved/here?done=1")


def test_on_the_tablet_each_person_gets_a_blank_form_and_every_page_passes_axe(app, live_server, page):
    members.ensure_default_topics()
    event = signup_events.create_signup_event("Health fair", "Civic Hall", signup_events._uk_today(), [], None)
    signup_events.reopen_signup_event(event, None)
    staff = create_staff_user("engagement")
    sign_in(page, live_server, staff)

    page.goto(f"{live_server}/staff/signup-events/{event.id}")
    assert page.evaluate("document.querySelector('img.involve-qr-code').naturalWidth") > 0
    page.click("button:has-text('Open on this device')")
    page.wait_for_url("**/get-involved/here")
    assert axe_violations(page) == [], "the event's form on a shared device"

    page.click("main form button[type=submit]")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "the event's form with errors"

    page.fill("#first_name", "Priya")
    page.fill("#last_name", "Shah")
    page.fill("#email", "priya@example.org")
    page.fill("#postcode", "WV1 1AA")
    page.check("#contact_type")
    page.check("#purposes")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/get-involved/here/check")
    assert axe_violations(page) == [], "check your answers on a shared device"
    page.click("a.nhsuk-back-link")
    page.wait_for_url("**/get-involved/here?back=1")
    assert page.input_value("#first_name") == "Priya", "Back keeps this person's answers"
    page.click("main form button[type=submit]")
    page.wait_for_url("**/get-involved/here/check")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/get-involved/here?done=1")
    assert page.get_by_text("Thank you for signing up").is_visible()
    assert axe_violations(page) == [], "thank you, and a blank form"
    assert page.input_value("#first_name") == "" and page.input_value("#email") == ""

    _sign_up(page, "Tom", "tom@example.org")
    assert page.input_value("#first_name") == "" and "tom@example.org" not in page.content()

    signup_events.close_signup_event(signup_events.get_signup_event(event.id), None)
    page.goto(live_server + "/get-involved/here")
    assert page.get_by_role("heading", name="Sign-ups here have closed").is_visible()
    assert axe_violations(page) == [], "sign-ups have closed"
    page.goto(live_server + "/get-involved/at/not-a-link")
    assert axe_violations(page) == [], "a sign-up link that does not work"
