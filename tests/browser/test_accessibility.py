"""axe-core finds no violations on any public page."""

import pytest

from app.members import links, readable_export, subject_access
from app.members import services as members
from tests.browser.conftest import axe_violations
from tests.factories import create_member, create_practice

pytestmark = pytest.mark.browser


def _check(page, url: str, label: str) -> None:
    page.goto(url)
    assert axe_violations(page) == [], label


def test_every_public_page_has_no_axe_violations(live_server, page):
    members.ensure_default_topics()
    create_practice()
    member = create_member("axe@example.org", equality={"sex": "female"})
    _check(page, live_server + "/", "home")
    _check(page, live_server + "/privacy", "privacy")
    _check(page, live_server + "/accessibility", "accessibility")
    _check(page, live_server + "/get-involved", "get involved, step 1")

    page.click("button[type=submit]")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "step 1 with errors"

    page.fill("#first_name", "Jo")
    page.fill("#last_name", "Bloggs")
    page.fill("#email", "jo@example.org")
    page.fill("#postcode", "WV1 1AA")
    page.check("#contact_type")
    page.check("#purposes")
    page.click("button[type=submit]")
    page.wait_for_url("**/get-involved/about-you")
    assert axe_violations(page) == [], "step 2"

    page.check("#sex")
    page.click("button[type=submit]")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "step 2 with errors"

    page.check("#equality_consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/get-involved/check-answers")
    assert axe_violations(page) == [], "check your answers"
    page.click("main form button[type=submit]")
    page.wait_for_url("**/get-involved/check-email")
    assert axe_violations(page) == [], "check your email"

    confirm = links.confirm_url(members.find_by_email("jo@example.org"))
    _check(page, confirm, "confirm your email address")
    page.click("button:has-text('Confirm your email address')")
    page.wait_for_selector("text=Your email address is confirmed")
    assert axe_violations(page) == [], "confirmed"
    _check(page, live_server + "/get-involved/confirm/not-a-token", "bad confirm link")
    _check(page, live_server + "/preferences/not-a-token", "bad preferences link")
    _check(page, live_server + "/preferences/new-link", "ask for a new preferences link")
    page.click("button:has-text('Send me a new link')")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "ask for a new preferences link, with errors"

    prefs = links.preferences_url(member)
    _check(page, prefs, "preferences")
    _check(page, prefs + "/details", "preferences: details")
    _check(page, prefs + "/equality", "preferences: equality")
    # The readable copy of their data they download opens as a page of its own.
    page.set_content(readable_export.as_page(subject_access.export_member_data(member), "NHS Example ICB"))
    assert axe_violations(page) == [], "download my data, as a page"
    _check(page, prefs + "/erase", "preferences: erase")
    page.goto(prefs)
    page.click("text=Unsubscribe from everything >> nth=-1")
    page.wait_for_selector("text=You have been unsubscribed")
    assert axe_violations(page) == [], "unsubscribed"


def test_pages_at_the_end_of_the_journey_have_no_axe_violations(live_server, page):
    member = create_member("leaving@example.org")
    page.goto(live_server + "/preferences/expired-or-bad")
    page.fill("#email", "not an address")
    page.click("button[type=submit]")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "new link with errors"
    page.fill("#email", "leaving@example.org")
    page.click("button[type=submit]")
    page.wait_for_selector("text=we have sent it a new link")
    assert axe_violations(page) == [], "new link sent"

    page.goto(links.preferences_url(member) + "/details")
    page.fill("#postcode", "nowhere")
    page.click("button:has-text('Save my details')")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "details with errors"

    page.goto(links.preferences_url(member) + "/erase")
    page.click("button:has-text('Yes, delete my information')")
    page.wait_for_selector("text=Your information has been deleted")
    assert axe_violations(page) == [], "erased"


def test_timed_out_sign_up_has_no_axe_violations(app, live_server, page):
    page.goto(live_server + "/get-involved")
    page.fill("#first_name", "Jo")
    page.fill("#last_name", "Bloggs")
    page.fill("#email", "slow@example.org")
    page.fill("#postcode", "WV1 1AA")
    page.check("#contact_type")
    page.check("#purposes")
    page.click("button[type=submit]")
    page.wait_for_url("**/get-involved/about-you")
    app.config["SIGNUP_STEP_MAX_AGE"] = -1
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Your sign-up timed out")
    assert axe_violations(page) == [], "timed out"
